//! Finds and validates the DriverKit SDK, in the order the library's build
//! script uses, so that both compile against the same SDK.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::settings::Sourced;
use crate::version::Version;

/// The headers directory of DriverKit.framework inside an SDK.
pub const FRAMEWORK_HEADERS: &str =
    "System/DriverKit/System/Library/Frameworks/DriverKit.framework/Headers";

#[derive(Clone, Debug)]
pub struct Sdk {
    pub root: PathBuf,
    pub version: Version,
    /// The newest deployment target the SDK supports, from `SDKSettings.json`.
    pub maximum_deployment_target: Option<Version>,
    /// One of the mock SDKs under `tests/mock-sdk`.
    pub is_mock: bool,
}

impl Sdk {
    /// Resolves the SDK from the setting, or else from `xcrun` on macOS, or
    /// else the mock SDK of `DEXT_COMPAT_MOCK_SDK_VERSION` (default 25).
    pub fn resolve(setting: Option<&Sourced<PathBuf>>, workspace: &Path) -> Result<Self> {
        if let Some(setting) = setting {
            return Sdk::open(&setting.value, &setting.source);
        }
        if cfg!(target_os = "macos") {
            let output = Command::new("xcrun")
                .args(["--sdk", "driverkit", "--show-sdk-path"])
                .output()
                .map_err(|error| Error::MissingTool {
                    tool: format!("xcrun ({error})"),
                    provider: "Xcode and select it with xcode-select".to_string(),
                })?;
            if output.status.success() {
                let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
                return Sdk::open(Path::new(&path), "xcrun --sdk driverkit --show-sdk-path");
            }
        }
        let major = std::env::var("DEXT_COMPAT_MOCK_SDK_VERSION").unwrap_or_else(|_| "25".into());
        let mock = workspace.join(format!("tests/mock-sdk/DriverKit{major}.0.sdk"));
        Sdk::open(&mock, "DEXT_COMPAT_MOCK_SDK_VERSION")
    }

    /// Opens the SDK at `root` and checks that it is a DriverKit SDK.
    /// `source` names the setting that chose it, for error messages.
    pub fn open(root: &Path, source: &str) -> Result<Self> {
        let fix = "set SDKROOT (or --sdk) to a DriverKit SDK such as the output of \
                   `xcrun --sdk driverkit --show-sdk-path`, or unset it to use the mock SDK";

        // Read SDKSettings.json, which every Apple SDK has.
        let settings_path = root.join("SDKSettings.json");
        let text = fs::read_to_string(&settings_path).map_err(|error| {
            Error::Input(format!(
                "{source}={} is not an SDK: reading {} failed ({error}); {fix}",
                root.display(),
                settings_path.display()
            ))
        })?;
        let settings: Value = serde_json::from_str(&text).map_err(|error| {
            Error::Input(format!(
                "{source}={} is not an SDK: {} is not valid JSON ({error}); {fix}",
                root.display(),
                settings_path.display()
            ))
        })?;

        // A DriverKit SDK names the driverkit platform.
        let canonical_name = settings["CanonicalName"].as_str().unwrap_or("");
        let driverkit = &settings["SupportedTargets"]["driverkit"];
        if !canonical_name.starts_with("driverkit") && driverkit.is_null() {
            return Err(Error::Input(format!(
                "{source}={} is not a DriverKit SDK (its SDKSettings.json names {:?}); {fix}",
                root.display(),
                canonical_name
            )));
        }
        if !root.join(FRAMEWORK_HEADERS).is_dir() {
            return Err(Error::Input(format!(
                "{source}={} has no {FRAMEWORK_HEADERS}; {fix}",
                root.display()
            )));
        }

        let version = settings["Version"]
            .as_str()
            .and_then(Version::parse)
            .ok_or_else(|| {
                Error::Input(format!(
                    "{source}={}: SDKSettings.json has no valid \"Version\"; {fix}",
                    root.display()
                ))
            })?;
        Ok(Sdk {
            root: root.to_path_buf(),
            version,
            maximum_deployment_target: driverkit["MaximumDeploymentTarget"]
                .as_str()
                .and_then(Version::parse),
            is_mock: settings["DextCompatMockSDK"].as_bool() == Some(true),
        })
    }

    pub fn framework_headers(&self) -> PathBuf {
        self.root.join(FRAMEWORK_HEADERS)
    }

    /// The C headers of the mock SDK (its `os/log.h`); a real SDK is passed
    /// with `-isysroot` instead.
    pub fn mock_c_headers(&self) -> Option<PathBuf> {
        self.is_mock
            .then(|| self.root.join("System/DriverKit/usr/include"))
    }

    /// Rejects a deployment target newer than the SDK supports.
    pub fn check_deployment_target(&self, requested: &Sourced<Version>) -> Result<()> {
        match self.maximum_deployment_target {
            Some(maximum) if requested.value > maximum => Err(Error::Input(format!(
                "{}={} is newer than the DriverKit {} SDK at {} supports (up to {maximum}); \
                 lower it or use a newer SDK",
                requested.source,
                requested.value,
                self.version,
                self.root.display()
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn input_error(result: Result<Sdk>) -> String {
        match result {
            Err(Error::Input(message)) => message,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn mock_sdk_opens() {
        let sdk = Sdk::open(
            &workspace().join("tests/mock-sdk/DriverKit20.0.sdk"),
            "test",
        )
        .unwrap();
        assert_eq!(sdk.version, Version::new(20, 0));
        assert!(sdk.is_mock);
        assert_eq!(sdk.maximum_deployment_target, Version::parse("20.0.99"));
    }

    #[test]
    fn missing_directory_is_not_an_sdk() {
        let message = input_error(Sdk::open(
            Path::new("/nonexistent/DriverKit.sdk"),
            "SDKROOT",
        ));
        assert!(
            message.starts_with("SDKROOT=/nonexistent/DriverKit.sdk is not an SDK"),
            "{message}"
        );
    }

    #[test]
    fn macos_sdk_is_rejected() {
        let root =
            std::env::temp_dir().join(format!("driverkit-build-test-{}", std::process::id()));
        fs::create_dir_all(&root).unwrap();
        fs::write(
            root.join("SDKSettings.json"),
            r#"{"CanonicalName": "macosx15.0", "Version": "15.0"}"#,
        )
        .unwrap();
        let message = input_error(Sdk::open(&root, "SDKROOT"));
        fs::remove_dir_all(&root).unwrap();
        assert!(message.contains("is not a DriverKit SDK"), "{message}");
        assert!(message.contains("\"macosx15.0\""), "{message}");
    }

    #[test]
    fn deployment_target_above_sdk_is_rejected() {
        let sdk = Sdk::open(
            &workspace().join("tests/mock-sdk/DriverKit20.0.sdk"),
            "test",
        )
        .unwrap();
        let requested = Sourced {
            value: Version::new(21, 0),
            source: "DRIVERKIT_DEPLOYMENT_TARGET".into(),
        };
        let Err(Error::Input(message)) = sdk.check_deployment_target(&requested) else {
            panic!("expected an input error");
        };
        assert!(
            message.contains("DRIVERKIT_DEPLOYMENT_TARGET=21.0 is newer"),
            "{message}"
        );
    }
}
