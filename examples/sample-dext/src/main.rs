//! Plays the sample dext against every simulated DriverKit runtime.
//!
//! For each mock SDK, builds the sample twice (with the helper, and as it was
//! before it called the helper), then runs each build on runtimes 19 to 25
//! with each of its user clients. A case passes when its outcome is what a
//! real system does: a dext built with SDK 21 or newer and without the fix
//! aborts on DriverKit 19 and 20; every other case runs the external method,
//! on the queue the table shows.
//!
//! Usage: `cargo run -p sample-dext [-- --sdk N ...] [--runtime N ...]
//! [--no-fallback] [--old-runtime-rejects-described-names]`. The last two
//! switch the simulator's inferred behaviours off; the expectations stay
//! those of the real system, so the table then shows which cases depend on
//! each inference.

mod cases;
mod table;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use cases::{Case, Observed, UserClient};

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

const USAGE: &str = "usage: cargo run -p sample-dext -- [--sdk N]... [--runtime N]... [--no-fallback] \
                     [--old-runtime-rejects-described-names]";

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    sdks: Vec<u32>,
    runtimes: Vec<u32>,
    host_flags: Vec<&'static str>,
}

impl Options {
    /// Parses the command line. `None` means the usage text was requested.
    fn parse(mut arguments: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
        let mut options = Options {
            sdks: Vec::new(),
            runtimes: Vec::new(),
            host_flags: Vec::new(),
        };
        while let Some(argument) = arguments.next() {
            match argument.as_str() {
                "--sdk" => options.sdks.push(number(&argument, arguments.next())?),
                "--runtime" => {
                    let runtime = number(&argument, arguments.next())?;
                    if !(19..=25).contains(&runtime) {
                        return Err(format!("--runtime {runtime} is not modelled; use 19 to 25"));
                    }
                    options.runtimes.push(runtime);
                }
                "--help" | "-h" => return Ok(None),
                "--no-fallback" => options.host_flags.push("--no-fallback"),
                "--old-runtime-rejects-described-names" => options
                    .host_flags
                    .push("--old-runtime-rejects-described-names"),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if options.runtimes.is_empty() {
            options.runtimes = dext_sim_runtimes();
        }
        Ok(Some(options))
    }
}

fn number(flag: &str, value: Option<String>) -> Result<u32, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a number"))?;
    value
        .parse()
        .map_err(|_| format!("{flag} {value:?} is not a number"))
}

fn dext_sim_runtimes() -> Vec<u32> {
    (19..=25).collect()
}

fn run(options: &Options) -> Result<bool, String> {
    let workspace = Path::new(WORKSPACE)
        .canonicalize()
        .map_err(|error| format!("cannot find the workspace at {WORKSPACE}: {error}"))?;
    let workspace = workspace.as_path();
    let available = mock_sdks(workspace)?;
    let sdks = if options.sdks.is_empty() {
        available.clone()
    } else {
        options.sdks.clone()
    };
    for sdk in &sdks {
        if !available.contains(sdk) {
            let list: Vec<String> = available.iter().map(u32::to_string).collect();
            return Err(format!(
                "--sdk {sdk} names no mock SDK; the mocks are {}",
                list.join(", ")
            ));
        }
    }

    let mut results = Vec::new();
    for &sdk in &sdks {
        let binaries = build_sample(workspace, sdk)?;
        for &runtime in &options.runtimes {
            for user_client in UserClient::ALL {
                for helper in [true, false] {
                    let case = Case {
                        sdk,
                        runtime,
                        user_client,
                        helper,
                    };
                    let binary = if helper { &binaries.0 } else { &binaries.1 };
                    let observed = play(binary, &case, &options.host_flags)?;
                    results.push((case, observed));
                }
            }
        }
    }

    let failed = table::print(&results);
    let passed = results.len() - failed;
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

/// Lists the DriverKit versions of the mock SDKs under tests/mock-sdk.
fn mock_sdks(workspace: &Path) -> Result<Vec<u32>, String> {
    let mocks = workspace.join("tests/mock-sdk");
    let entries = std::fs::read_dir(&mocks)
        .map_err(|error| format!("cannot list {}: {error}", mocks.display()))?;
    let mut versions: Vec<u32> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_prefix("DriverKit")?
                .strip_suffix(".0.sdk")?
                .parse()
                .ok()
        })
        .collect();
    versions.sort_unstable();
    Ok(versions)
}

/// Builds the sample's two binaries against mock SDK `sdk`, each SDK in its
/// own target directory so that switching SDKs rebuilds nothing.
fn build_sample(workspace: &Path, sdk: u32) -> Result<(PathBuf, PathBuf), String> {
    let target_dir = runner_target_dir(workspace)
        .join("sample-dext")
        .join(format!("sdk-{sdk}"));
    eprintln!("building the sample dext against mock SDK {sdk}.0 ...");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .current_dir(workspace)
        .args([
            "build",
            "--quiet",
            "-p",
            "sample-dext-host",
            "--bins",
            "--target-dir",
        ])
        .arg(&target_dir)
        .env("DEXT_COMPAT_MOCK_SDK_VERSION", sdk.to_string())
        // The explicit SDK settings would override the mock under test.
        .env_remove("DEXT_COMPAT_DRIVERKIT_SDK")
        .env_remove("SDKROOT")
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "building the sample against mock SDK {sdk} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // CARGO_BUILD_TARGET (set by the sanitizer runs) adds a directory.
    let binaries = match std::env::var_os("CARGO_BUILD_TARGET") {
        Some(triple) => target_dir.join(triple).join("debug"),
        None => target_dir.join("debug"),
    };
    Ok((
        binaries.join("sample-dext-host"),
        binaries.join("sample-dext-host-without-fix"),
    ))
}

/// Returns the target directory this runner was built in. The runner lives in
/// `TARGET/<profile>/`, or `TARGET/<profile>/deps/` for tests.
fn runner_target_dir(workspace: &Path) -> PathBuf {
    let executable = std::env::current_exe().ok();
    let profile_dir = executable.as_deref().and_then(Path::parent).map(|dir| {
        if dir.ends_with("deps") {
            dir.parent().unwrap_or(dir)
        } else {
            dir
        }
    });
    match profile_dir.and_then(Path::parent) {
        Some(target) => target.to_path_buf(),
        None => workspace.join("target"),
    }
}

/// Runs one case in its own process, as each dext is one.
fn play(binary: &Path, case: &Case, host_flags: &[&str]) -> Result<Observed, String> {
    let output = Command::new(binary)
        .args([
            "--runtime",
            &case.runtime.to_string(),
            "--user-client-type",
            &case.user_client.kind().to_string(),
        ])
        .args(host_flags)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    Ok(Observed::from_output(&output))
}
