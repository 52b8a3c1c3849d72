//! Finding the DriverKit SDK that the build compiles against.
//!
//! The order, first match wins:
//! 1. `DEXT_COMPAT_DRIVERKIT_SDK`, a path to a `DriverKit.sdk`, for any target.
//! 2. For a DriverKit target: `SDKROOT`, as Xcode sets it in a build phase.
//! 3. For a DriverKit target on a macOS host: `xcrun --sdk driverkit --show-sdk-path`.
//! 4. Otherwise the bundled mock `tests/mock-sdk/DriverKit<V>.0.sdk`, with
//!    `V` from `DEXT_COMPAT_MOCK_SDK_VERSION` (default [`DEFAULT_MOCK_VERSION`]).
//!
//! A host build (tests, the simulator) uses the mock unless step 1 says
//! otherwise, because the simulated runtime implements the mock's classes.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The variables that select the SDK; a change to any of them reruns the build script.
pub const ENVIRONMENT: [&str; 3] = [
    "DEXT_COMPAT_DRIVERKIT_SDK",
    "SDKROOT",
    "DEXT_COMPAT_MOCK_SDK_VERSION",
];

/// The mock SDK a host build uses when nothing selects another.
pub const DEFAULT_MOCK_VERSION: &str = "25";

/// Where the DriverKit framework's headers sit inside an SDK.
const FRAMEWORK_HEADERS: &str =
    "System/DriverKit/System/Library/Frameworks/DriverKit.framework/Headers";

/// Where the DriverKit C library headers (`os/log.h`) sit inside an SDK.
const USR_INCLUDE: &str = "System/DriverKit/usr/include";

pub struct Sdk {
    pub root: PathBuf,
    /// The `Version` of `SDKSettings.json`, such as `21.0`.
    pub version: String,
    /// The major part of `version`.
    pub major: u32,
    /// Set by the `DextCompatMockSDK` key that only the mocks carry.
    pub is_mock: bool,
}

impl Sdk {
    pub fn discover(target: &str) -> Result<Sdk, String> {
        let driverkit_target = target.contains("driverkit");

        if let Some(path) = env::var_os("DEXT_COMPAT_DRIVERKIT_SDK") {
            return Sdk::open(PathBuf::from(path), "DEXT_COMPAT_DRIVERKIT_SDK");
        }
        if driverkit_target {
            if let Some(path) = env::var_os("SDKROOT").filter(|path| !path.is_empty()) {
                return Sdk::open(PathBuf::from(path), "SDKROOT");
            }
            if let Some(path) = cfg!(target_os = "macos").then(xcrun_sdk_path).flatten() {
                return Sdk::open(path, "DEXT_COMPAT_DRIVERKIT_SDK");
            }
        }
        Sdk::open_mock()
    }

    fn open_mock() -> Result<Sdk, String> {
        let version = env::var("DEXT_COMPAT_MOCK_SDK_VERSION")
            .unwrap_or_else(|_| DEFAULT_MOCK_VERSION.to_owned());
        let manifest_dir =
            env::var_os("CARGO_MANIFEST_DIR").ok_or("cargo did not set CARGO_MANIFEST_DIR")?;
        let mocks = Path::new(&manifest_dir).join("tests/mock-sdk");
        let root = mocks.join(format!("DriverKit{version}.0.sdk"));
        if !root.is_dir() {
            return Err(format!(
                "DEXT_COMPAT_MOCK_SDK_VERSION={version} names no mock SDK: {} does not exist; \
                 set it to one of {}",
                root.display(),
                mock_versions(&mocks).join(", ")
            ));
        }
        Sdk::open(root, "DEXT_COMPAT_MOCK_SDK_VERSION")
    }

    /// Checks that `root` holds DriverKit headers and reads its version.
    /// `variable` is the setting that chose `root`, named in every error.
    fn open(root: PathBuf, variable: &str) -> Result<Sdk, String> {
        if !root.is_dir() {
            return Err(format!(
                "the DriverKit SDK {} does not exist; set {variable} to the path of a DriverKit.sdk",
                root.display()
            ));
        }
        let header = root.join(FRAMEWORK_HEADERS).join("IOUserClient.h");
        if !header.is_file() {
            return Err(format!(
                "{} holds no DriverKit headers ({} is missing); set {variable} to the path of a \
                 DriverKit.sdk, not a macOS or iOS SDK",
                root.display(),
                header.display()
            ));
        }

        let settings_path = root.join("SDKSettings.json");
        let text = fs::read_to_string(&settings_path).map_err(|error| {
            format!(
                "cannot read {}: {error}; set {variable} to a complete DriverKit.sdk",
                settings_path.display()
            )
        })?;
        let settings: serde_json::Value = serde_json::from_str(&text)
            .map_err(|error| format!("{} is not valid JSON: {error}", settings_path.display()))?;
        let version = settings
            .get("Version")
            .and_then(|value| value.as_str())
            .ok_or_else(|| format!("{} has no string \"Version\"", settings_path.display()))?
            .to_owned();
        let major = version
            .split('.')
            .next()
            .and_then(|major| major.parse::<u32>().ok())
            .ok_or_else(|| {
                format!(
                    "{}: Version \"{version}\" is not a version number",
                    settings_path.display()
                )
            })?;
        let is_mock = settings
            .get("DextCompatMockSDK")
            .and_then(|value| value.as_bool())
            == Some(true);

        Ok(Sdk {
            root,
            version,
            major,
            is_mock,
        })
    }

    /// Returns the directories to pass with `-I`.
    ///
    /// DriverKit headers are included as `<DriverKit/IOService.h>`, which only
    /// a Darwin compiler resolves through the framework. Every compiler
    /// resolves it through `OUT_DIR/sdk-include/DriverKit`, a link to the
    /// framework's `Headers`. The mocks also supply their own `os/log.h`.
    pub fn include_dirs(&self, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
        let include = out_dir.join("sdk-include");
        fs::create_dir_all(&include)
            .map_err(|error| format!("cannot create {}: {error}", include.display()))?;
        let link = include.join("DriverKit");
        let _ = fs::remove_file(&link);
        symlink_dir(&self.root.join(FRAMEWORK_HEADERS), &link).map_err(|error| {
            format!("cannot link {} to the SDK headers: {error}", link.display())
        })?;

        let mut dirs = vec![include];
        if self.is_mock {
            dirs.push(self.root.join(USR_INCLUDE));
        }
        Ok(dirs)
    }

    /// Returns the `-isysroot` value: a real SDK supplies DriverKit's C and C++
    /// libraries, while a mock leaves them to the compiler in use.
    pub fn sysroot(&self) -> Option<&Path> {
        (!self.is_mock).then_some(self.root.as_path())
    }
}

fn xcrun_sdk_path() -> Option<PathBuf> {
    let output = Command::new("xcrun")
        .args(["--sdk", "driverkit", "--show-sdk-path"])
        .output()
        .ok()?;
    let path = String::from_utf8(output.stdout).ok()?;
    (output.status.success() && !path.trim().is_empty()).then(|| PathBuf::from(path.trim()))
}

fn mock_versions(mocks: &Path) -> Vec<String> {
    let mut versions: Vec<String> = fs::read_dir(mocks)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            Some(
                name.strip_prefix("DriverKit")?
                    .strip_suffix(".0.sdk")?
                    .to_owned(),
            )
        })
        .collect();
    versions.sort();
    versions
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink_dir(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "building dext-compat needs a Unix host (macOS or Linux)",
    ))
}
