//! Finds the programs the build runs. A missing one stops the build with the
//! package that provides it.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// The oldest rustc that `cxx` 1.0.205 supports.
const MINIMUM_RUSTC: (u32, u32) = (1, 88);

/// LLVM tools come with a version suffix on Debian (`llvm-lipo-19`); the
/// unsuffixed name is tried first.
const LLVM_SUFFIXES: [&str; 10] = [
    "", "-22", "-21", "-20", "-19", "-18", "-17", "-16", "-15", "-14",
];

const RUST_PROVIDER: &str = "a Rust toolchain with the standard library's source: on Debian the \
     packages rustc-web, cargo-web and rust-web-src (then RUSTC=/usr/bin/rustc is found \
     automatically), on a Mac a rustup nightly with `rustup component add rust-src`, selected \
     with RUSTUP_TOOLCHAIN=nightly";

/// A Rust compiler whose sysroot contains the standard library's source,
/// which `-Zbuild-std` compiles for the DriverKit target.
#[derive(Clone, Debug)]
pub struct RustToolchain {
    pub rustc: PathBuf,
    pub cargo: PathBuf,
    pub version: String,
}

/// How to call the C and C++ compiler for a DriverKit target.
#[derive(Clone, Debug)]
pub struct CCompiler {
    pub kind: CompilerKind,
    /// The program and the arguments before the compiler's own: zig's
    /// binary, or `python3 -m ziglang` when it cannot be found.
    pub command: Vec<String>,
    /// The Darwin C library headers to pass with `-isystem`. zig adds its
    /// copy only for macOS targets, not for DriverKit ones.
    pub system_include: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompilerKind {
    /// `zig cc`/`zig c++`: clang with Darwin's libc and libc++ headers.
    Zig,
    /// Apple's clang through `xcrun`, with the headers of the SDK.
    AppleClang,
}

impl CCompiler {
    /// Returns the command that compiles C (`cplusplus` false) or C++.
    pub fn command(&self, cplusplus: bool) -> Vec<String> {
        let mut command = self.command.clone();
        command.push(match (self.kind, cplusplus) {
            (CompilerKind::Zig, false) => "cc".into(),
            (CompilerKind::Zig, true) => "c++".into(),
            (CompilerKind::AppleClang, false) => "clang".into(),
            (CompilerKind::AppleClang, true) => "clang++".into(),
        });
        command
    }
}

/// Looks `name` up in `PATH`.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|directory| directory.join(name))
        .find(|candidate| candidate.is_file())
}

/// Finds the first of `llvm-NAME`, `llvm-NAME-22`, ... `llvm-NAME-14`, then
/// each of `fallbacks`.
pub fn find_llvm_tool(name: &str, fallbacks: &[&str], provider: &str) -> Result<PathBuf> {
    let suffixed = LLVM_SUFFIXES.iter().map(|suffix| format!("{name}{suffix}"));
    let fallbacks = fallbacks.iter().map(|fallback| fallback.to_string());
    suffixed
        .chain(fallbacks)
        .find_map(|candidate| find_in_path(&candidate))
        .ok_or_else(|| Error::MissingTool {
            tool: name.to_string(),
            provider: provider.to_string(),
        })
}

/// Finds `llvm-lipo`, from Debian's llvm package or, on a Mac, Xcode's `lipo`.
pub fn find_lipo() -> Result<PathBuf> {
    find_llvm_tool(
        "llvm-lipo",
        &["lipo"],
        "the Debian package llvm (or llvm-19)",
    )
}

/// Finds `llvm-ar`, the archiver that cc-rs uses for the DriverKit objects.
pub fn find_ar() -> Result<PathBuf> {
    find_llvm_tool("llvm-ar", &[], "the Debian package llvm (or llvm-19)")
}

/// Finds LLVM's Mach-O linker for the sample link.
pub fn find_ld64_lld() -> Result<PathBuf> {
    find_llvm_tool("ld64.lld", &[], "the Debian package lld (or lld-19)")
}

/// Finds the Rust toolchain: `$RUSTC` if set, else the first of `rustc` in
/// `PATH` and `/usr/bin/rustc` (Debian's rustc-web) that has the standard
/// library's source. Cargo is the `cargo` next to that rustc.
pub fn find_rust_toolchain() -> Result<RustToolchain> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(rustc) = env::var_os("RUSTC") {
        candidates.push(PathBuf::from(rustc));
    } else {
        candidates.extend(find_in_path("rustc"));
        candidates.push(PathBuf::from("/usr/bin/rustc"));
    }

    let mut rejected = Vec::new();
    for rustc in candidates {
        match check_rustc(&rustc) {
            Ok(version) => {
                let sibling = rustc.with_file_name("cargo");
                let cargo = if sibling.is_file() {
                    Some(sibling)
                } else {
                    find_in_path("cargo")
                };
                let cargo = cargo.ok_or_else(|| Error::MissingTool {
                    tool: format!("cargo (next to {})", rustc.display()),
                    provider: RUST_PROVIDER.to_string(),
                })?;
                return Ok(RustToolchain {
                    rustc,
                    cargo,
                    version,
                });
            }
            Err(reason) => rejected.push(format!("{}: {reason}", rustc.display())),
        }
    }
    Err(Error::MissingTool {
        tool: format!(
            "a rustc with the standard library's source (tried {})",
            rejected.join("; ")
        ),
        provider: RUST_PROVIDER.to_string(),
    })
}

/// Returns the version line of `rustc` if it is new enough and has `rust-src`.
fn check_rustc(rustc: &Path) -> std::result::Result<String, String> {
    let run = |argument: &str| {
        let output = Command::new(rustc)
            .arg(argument)
            .output()
            .map_err(|error| format!("running it failed ({error})"))?;
        if !output.status.success() {
            return Err(format!(
                "`{argument}` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    };

    let version = run("--version")?;
    let number = version.split_whitespace().nth(1).unwrap_or("");
    let mut parts = number
        .split(['.', '-'])
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if (major, minor) < MINIMUM_RUSTC {
        return Err(format!(
            "{version} is older than {}.{}, which cxx needs",
            MINIMUM_RUSTC.0, MINIMUM_RUSTC.1
        ));
    }

    let sysroot = PathBuf::from(run("--print=sysroot")?);
    let library = sysroot.join("lib/rustlib/src/rust/library/core/Cargo.toml");
    if !library.is_file() {
        return Err(format!(
            "{version} has no standard library source ({} is missing)",
            library.display()
        ));
    }
    Ok(version)
}

/// Finds the C and C++ compiler: Apple's clang on macOS; elsewhere `zig`
/// from `PATH` or the binary of the PyPI package ziglang.
pub fn find_c_compiler() -> Result<CCompiler> {
    if cfg!(target_os = "macos") {
        return match find_in_path("xcrun") {
            Some(xcrun) => Ok(CCompiler {
                kind: CompilerKind::AppleClang,
                command: vec![
                    xcrun.display().to_string(),
                    "--sdk".into(),
                    "driverkit".into(),
                ],
                system_include: None,
            }),
            None => Err(Error::MissingTool {
                tool: "xcrun".into(),
                provider: "Xcode and select it with xcode-select".into(),
            }),
        };
    }

    let mut candidates: Vec<Vec<String>> = Vec::new();
    if let Some(zig) = find_in_path("zig") {
        candidates.push(vec![zig.display().to_string()]);
    }
    for python in ["python3", "python"] {
        if let Some(python) = find_in_path(python) {
            candidates.push(vec![
                python.display().to_string(),
                "-m".into(),
                "ziglang".into(),
            ]);
        }
    }
    for mut command in candidates {
        if let Some(lib_dir) = zig_lib_dir(&command) {
            let system_include = lib_dir.join("libc/include/any-darwin-any");
            if system_include.is_dir() {
                // The ziglang package keeps its zig binary beside `lib`.
                // Calling it directly skips a Python start per compile,
                // which cc-rs makes dozens of.
                if let Some(zig) = lib_dir.parent().map(|package| package.join("zig"))
                    && zig.is_file()
                {
                    command = vec![zig.display().to_string()];
                }
                return Ok(CCompiler {
                    kind: CompilerKind::Zig,
                    command,
                    system_include: Some(system_include),
                });
            }
        }
    }
    Err(Error::MissingTool {
        tool: "zig (the C and C++ compiler for the DriverKit targets)".into(),
        provider: "the PyPI package ziglang (`python3 -m pip install ziglang==0.17.1`)".into(),
    })
}

/// Returns zig's library directory from `zig env`, or `None` if `command`
/// does not run zig. zig 0.17 prints ZON, with a line `.lib_dir = "PATH",`.
fn zig_lib_dir(command: &[String]) -> Option<PathBuf> {
    let output = Command::new(&command[0])
        .args(&command[1..])
        .arg("env")
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.lines().find_map(|line| {
        let value = line
            .trim()
            .strip_prefix(".lib_dir")?
            .trim_start()
            .strip_prefix('=')?;
        let value = value.trim().trim_end_matches(',').trim_matches('"');
        Some(PathBuf::from(value))
    })
}
