//! Runs cargo once to build the static library for every requested
//! DriverKit architecture.
//!
//! One invocation with several `--target`s builds the host build scripts and
//! proc macros once and lets cargo schedule both architectures' crates on
//! the free cores. On this project's 2-core machines that was about as fast
//! as one invocation per architecture, 52 s against 53 s, because compiling
//! each architecture's `core` keeps both cores busy either way.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::arch::Arch;
use crate::error::{Error, Result};
use crate::sdk::Sdk;
use crate::settings::Configuration;
use crate::tools::RustToolchain;
use crate::version::Version;

/// The outputs of one architecture's build.
#[derive(Debug)]
pub struct BuiltArchive {
    /// `libdext_compat_staticlib.a` in cargo's target directory.
    pub archive: PathBuf,
    /// The `OUT_DIR` of the `dext-compat` build script, which holds the
    /// generated bridge header under `cxxbridge/include`.
    pub library_out_dir: PathBuf,
}

/// One architecture of the build.
pub struct TargetBuild {
    pub arch: Arch,
    pub minimum: Version,
    /// The generated target specification; its file stem names cargo's
    /// output directory for the target.
    pub target_spec: PathBuf,
    pub cc_wrapper: PathBuf,
    pub cxx_wrapper: PathBuf,
}

/// Everything cargo needs for the build.
pub struct CargoBuild<'a> {
    pub toolchain: &'a RustToolchain,
    pub workspace: &'a Path,
    pub target_dir: &'a Path,
    pub targets: &'a [TargetBuild],
    pub configuration: Configuration,
    pub sdk: &'a Sdk,
    /// `llvm-ar`; `None` keeps cc-rs's default (Xcode's `ar` on a Mac).
    pub ar: Option<&'a Path>,
}

impl CargoBuild<'_> {
    /// Builds every target and returns their outputs in the order of
    /// `targets`.
    pub fn run(&self) -> Result<Vec<BuiltArchive>> {
        let (profile, _) = self.configuration.cargo_profile();

        // rustc reads one deployment target for every target of the
        // invocation. The lowest one is right for each: LLVM raises arm64 to
        // DriverKit 20.0, its first version, and the archive check confirms
        // every member's minimum.
        let deployment_target = self
            .targets
            .iter()
            .map(|target| target.minimum)
            .min()
            .ok_or_else(|| Error::Input("no architecture to build".into()))?;

        // `-Zbuild-std` compiles core with the target's abort strategy;
        // RUSTC_BOOTSTRAP enables it and JSON targets on stable. The cfg
        // builds cxx without `alloc` (see the root Cargo.toml), so neither
        // `alloc` nor an allocator is part of the archive.
        let mut command = Command::new(&self.toolchain.cargo);
        command
            .current_dir(self.workspace)
            .args([
                "build",
                "--package",
                "dext-compat-staticlib",
                "--lib",
                "--profile",
                profile,
            ])
            .arg("--manifest-path")
            .arg(self.workspace.join("Cargo.toml"));
        for target in self.targets {
            command.arg("--target").arg(&target.target_spec);
        }
        command
            .args(["-Zjson-target-spec", "-Zbuild-std=core"])
            .args(["--message-format", "json-render-diagnostics"])
            .env("RUSTC_BOOTSTRAP", "1")
            .env(
                "CARGO_ENCODED_RUSTFLAGS",
                "--cfg\u{1f}cxx_experimental_no_alloc",
            )
            .env_remove("RUSTFLAGS")
            .env("RUSTC", &self.toolchain.rustc)
            .env("CARGO_TARGET_DIR", self.target_dir)
            .env("MACOSX_DEPLOYMENT_TARGET", deployment_target.to_string())
            .env("DEXT_COMPAT_DRIVERKIT_SDK", &self.sdk.root)
            // The library's build script takes the SDK from the variable
            // above. Left in place, SDKROOT would also reach the host links
            // of the build scripts, which need the macOS SDK on a Mac.
            .env_remove("SDKROOT")
            .stdout(Stdio::piped());
        for target in self.targets {
            let name = target.arch.rust_target_name().replace('-', "_");
            command.env(format!("CC_{name}"), &target.cc_wrapper);
            command.env(format!("CXX_{name}"), &target.cxx_wrapper);
            if let Some(ar) = self.ar {
                command.env(format!("AR_{name}"), ar);
            }
        }

        let archs: Vec<String> = self
            .targets
            .iter()
            .map(|target| target.arch.to_string())
            .collect();
        let description = format!(
            "cargo build of dext-compat-staticlib for {} DriverKit {deployment_target} ({})",
            archs.join(" and "),
            self.toolchain.cargo.display()
        );
        let mut child = command
            .spawn()
            .map_err(|error| Error::io(&self.toolchain.cargo, error))?;

        // Read cargo's JSON messages; diagnostics go to stderr as text. Each
        // output path contains the target's directory, named after the
        // target specification's file stem.
        let mut archives: Vec<Option<PathBuf>> = vec![None; self.targets.len()];
        let mut out_dirs: Vec<Option<PathBuf>> = vec![None; self.targets.len()];
        let Some(stdout) = child.stdout.take() else {
            return Err(Error::CommandFailed {
                description,
                detail: "cargo's output was not captured".into(),
            });
        };
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|error| Error::io(&self.toolchain.cargo, error))?;
            let Ok(message) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            match message["reason"].as_str() {
                Some("compiler-artifact") if is_package(&message, "dext-compat-staticlib") => {
                    let archive = message["filenames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .find(|name| name.ends_with(".a"));
                    if let Some(archive) = archive
                        && let Some(index) = self.target_index(archive)
                    {
                        archives[index] = Some(PathBuf::from(archive));
                    }
                }
                Some("build-script-executed") if is_package(&message, "dext-compat") => {
                    if let Some(out_dir) = message["out_dir"].as_str()
                        && let Some(index) = self.target_index(out_dir)
                    {
                        out_dirs[index] = Some(PathBuf::from(out_dir));
                    }
                }
                _ => {}
            }
        }
        let status = child
            .wait()
            .map_err(|error| Error::io(&self.toolchain.cargo, error))?;
        if !status.success() {
            return Err(Error::CommandFailed {
                description,
                detail: "see cargo's messages above".into(),
            });
        }

        let mut built = Vec::new();
        for ((target, archive), out_dir) in self.targets.iter().zip(archives).zip(out_dirs) {
            match (archive, out_dir) {
                (Some(archive), Some(library_out_dir)) => built.push(BuiltArchive {
                    archive,
                    library_out_dir,
                }),
                _ => {
                    return Err(Error::CommandFailed {
                        description,
                        detail: format!(
                            "cargo reported no static library or no dext-compat build script \
                             output for {}",
                            target.arch
                        ),
                    });
                }
            }
        }
        Ok(built)
    }

    /// Returns the index of the target whose output directory `path` is in.
    fn target_index(&self, path: &str) -> Option<usize> {
        self.targets.iter().position(|target| {
            target
                .target_spec
                .file_stem()
                .and_then(|stem| stem.to_str())
                .is_some_and(|stem| path.contains(&format!("/{stem}/")))
        })
    }
}

/// Tells whether a cargo message is about the workspace package `name`.
/// Package ids look like `path+file:///work/main#dext-compat@0.1.0`.
fn is_package(message: &Value, name: &str) -> bool {
    message["package_id"]
        .as_str()
        .is_some_and(|id| id.contains(&format!("#{name}@")))
}

#[cfg(test)]
mod tests {
    use super::is_package;

    #[test]
    fn package_ids_match_exact_names() {
        let message = serde_json::json!({"package_id": "path+file:///w#dext-compat@0.1.0"});
        assert!(is_package(&message, "dext-compat"));
        assert!(!is_package(&message, "dext-compat-staticlib"));
    }
}
