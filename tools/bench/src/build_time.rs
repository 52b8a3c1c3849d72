//! Wall-clock time of the Xcode Run Script phase that builds the universal
//! DriverKit archive: a cold build in an empty cargo target directory, and
//! the rebuilds when nothing changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::Error;

/// The phase script and the settings Xcode would export to it.
const PHASE_SCRIPT: &str = "examples/sample-dext/xcode/build-dext-compat.sh";
const MOCK_SDK: &str = "tests/mock-sdk/DriverKit25.0.sdk";

#[derive(Debug)]
pub struct BuildTimes {
    /// The phase script in an empty target directory: `driverkit-build`
    /// itself, then both architectures, then the universal archive.
    pub cold: Duration,
    /// The phase script again, which finds its stamp current and skips.
    pub no_change_script: Duration,
    /// `driverkit-build` run again as the script runs it, without the
    /// stamp's shortcut: what a no-change build costs when the stamp is
    /// missing, e.g. after a clean of the products directory alone.
    pub no_change_tool: Duration,
}

/// Times the builds in `out_dir/build-time`, which is emptied first.
pub fn measure(workspace: &Path, out_dir: &Path) -> Result<BuildTimes, Error> {
    let directory = out_dir.join("build-time");
    if directory.exists() {
        fs::remove_dir_all(&directory).map_err(|error| Error::io(&directory, error))?;
    }
    let products = directory.join("products");
    let target = directory.join("target");
    fs::create_dir_all(&products).map_err(|error| Error::io(&products, error))?;

    let script = workspace.join(PHASE_SCRIPT);
    let sdk = workspace.join(MOCK_SDK);
    let phase = || {
        let mut command = Command::new("sh");
        command
            .arg(&script)
            .env("ARCHS", "arm64 x86_64")
            .env("SDKROOT", &sdk)
            .env("CONFIGURATION", "Release")
            .env("BUILT_PRODUCTS_DIR", &products)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("DRIVERKIT_DEPLOYMENT_TARGET");
        command
    };

    println!("timing a cold build of the universal archive (about a minute) ...");
    let (cold, _) = timed(phase(), "the cold build through the Xcode phase script")?;
    let archive = products.join("dext-compat/universal/libdext_compat.a");
    if !archive.is_file() {
        return Err(Error::new(format!(
            "the phase script succeeded but {} is missing",
            archive.display()
        )));
    }

    let (no_change_script, output) =
        timed(phase(), "the no-change build through the phase script")?;
    if !output.contains("up to date") {
        return Err(Error::new(format!(
            "the second run of {PHASE_SCRIPT} rebuilt instead of reporting `up to date`:\n{output}"
        )));
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut tool = Command::new(cargo);
    tool.args(["run", "--release", "--quiet", "--manifest-path"])
        .arg(workspace.join("Cargo.toml"))
        .args([
            "--package",
            "driverkit-build",
            "--",
            "--no-sample",
            "--out-dir",
        ])
        .arg(products.join("dext-compat"))
        .env("ARCHS", "arm64 x86_64")
        .env("DEXT_COMPAT_DRIVERKIT_SDK", &sdk)
        .env("CONFIGURATION", "Release")
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("SDKROOT")
        .env_remove("DRIVERKIT_DEPLOYMENT_TARGET");
    let (no_change_tool, _) = timed(tool, "the no-change run of driverkit-build")?;

    Ok(BuildTimes {
        cold,
        no_change_script,
        no_change_tool,
    })
}

/// Runs `command`, fails unless it succeeds, and returns its wall-clock
/// time and standard output.
fn timed(mut command: Command, description: &str) -> Result<(Duration, String), Error> {
    let program = PathBuf::from(command.get_program());
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|error| Error::io(&program, error))?;
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(Error::new(format!(
            "{description} failed with {}:\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok((elapsed, stdout))
}
