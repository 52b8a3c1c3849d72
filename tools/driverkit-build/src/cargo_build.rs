//! Runs cargo to build the static library for one DriverKit architecture.

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

/// What the build of one architecture produced.
#[derive(Debug)]
pub struct BuiltArchive {
    /// `libdext_compat_staticlib.a` in cargo's target directory.
    pub archive: PathBuf,
    /// The `OUT_DIR` of the `dext-compat` build script, which holds the
    /// generated bridge header under `cxxbridge/include`.
    pub library_out_dir: PathBuf,
}

/// Everything cargo needs for one architecture.
pub struct CargoBuild<'a> {
    pub toolchain: &'a RustToolchain,
    pub workspace: &'a Path,
    pub target_dir: &'a Path,
    pub target_spec: &'a Path,
    pub arch: Arch,
    pub minimum: Version,
    pub configuration: Configuration,
    pub sdk: &'a Sdk,
    pub cc_wrapper: &'a Path,
    pub cxx_wrapper: &'a Path,
    /// `llvm-ar`; `None` keeps cc-rs's default (Xcode's `ar` on a Mac).
    pub ar: Option<&'a Path>,
}

impl CargoBuild<'_> {
    pub fn run(&self) -> Result<BuiltArchive> {
        let (profile, _) = self.configuration.cargo_profile();
        let target = self.arch.rust_target_name().replace('-', "_");

        // `-Zbuild-std` compiles core and alloc with the target's abort
        // strategy; RUSTC_BOOTSTRAP enables it and JSON targets on stable.
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
            .arg(self.workspace.join("Cargo.toml"))
            .arg("--target")
            .arg(self.target_spec)
            .args(["-Zjson-target-spec", "-Zbuild-std=core,alloc"])
            .args(["--message-format", "json-render-diagnostics"])
            .env("RUSTC_BOOTSTRAP", "1")
            .env("RUSTC", &self.toolchain.rustc)
            .env("CARGO_TARGET_DIR", self.target_dir)
            .env("MACOSX_DEPLOYMENT_TARGET", self.minimum.to_string())
            .env("DEXT_COMPAT_DRIVERKIT_SDK", &self.sdk.root)
            // The library's build script takes the SDK from the variable
            // above. Left in place, SDKROOT would also reach the host links
            // of the build scripts, which need the macOS SDK on a Mac.
            .env_remove("SDKROOT")
            .env(format!("CC_{target}"), self.cc_wrapper)
            .env(format!("CXX_{target}"), self.cxx_wrapper)
            .stdout(Stdio::piped());
        if let Some(ar) = self.ar {
            command.env(format!("AR_{target}"), ar);
        }

        let description = format!(
            "cargo build of dext-compat-staticlib for {} DriverKit {} ({})",
            self.arch,
            self.minimum,
            self.toolchain.cargo.display()
        );
        let mut child = command
            .spawn()
            .map_err(|error| Error::io(&self.toolchain.cargo, error))?;

        // Read cargo's JSON messages; diagnostics go to stderr as text.
        let mut archive = None;
        let mut library_out_dir = None;
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
                    archive = message["filenames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .find(|name| name.ends_with(".a"))
                        .map(PathBuf::from);
                }
                Some("build-script-executed") if is_package(&message, "dext-compat") => {
                    library_out_dir = message["out_dir"].as_str().map(PathBuf::from);
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

        match (archive, library_out_dir) {
            (Some(archive), Some(library_out_dir)) => Ok(BuiltArchive {
                archive,
                library_out_dir,
            }),
            _ => Err(Error::CommandFailed {
                description,
                detail: "cargo reported no static library or no dext-compat build script output"
                    .into(),
            }),
        }
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
