//! Reads the build settings from the command line and from the environment
//! variables that Xcode sets for a Run Script phase, and validates them.

use std::path::PathBuf;

use crate::arch::Arch;
use crate::error::{Error, Result};
use crate::version::Version;

pub const USAGE: &str = "\
Usage: driverkit-build [OPTIONS]

Builds libdext_compat.a for the DriverKit targets, joins the architectures
into one universal archive, installs the headers a dext needs, and checks the
result: the platform and minimum version of every archive member, the absence
of unwinding references, and a link of the sample dext against stubs of
DriverKit's libraries.

Options (each falls back to the environment variable Xcode sets):
  --arch ARCH                 Architecture to build, arm64 or x86_64; repeat for
                              both. Default: $ARCHS, else \"arm64 x86_64\".
  --deployment-target VERSION Minimum DriverKit version, e.g. 19.0. Default:
                              $DRIVERKIT_DEPLOYMENT_TARGET, else 20.0 for arm64
                              and 19.0 for x86_64. arm64 never goes below 20.0.
  --sdk PATH                  DriverKit SDK to compile against. Default:
                              $DEXT_COMPAT_DRIVERKIT_SDK, $SDKROOT, on macOS
                              `xcrun --sdk driverkit --show-sdk-path`, else the
                              mock SDK tests/mock-sdk/DriverKit25.0.sdk (the
                              version comes from $DEXT_COMPAT_MOCK_SDK_VERSION).
  --configuration NAME        Release (optimised) or Debug. Default:
                              $CONFIGURATION, else Release.
  --out-dir DIR               Where the archives, headers and linked sample go.
                              Default: target/driverkit in the workspace.
  --no-sample                 Skip compiling and linking the sample dext, e.g.
                              in Xcode, where the dext's own link is the check.
  -h, --help                  Print this help.
";

/// A setting and where it came from, so that errors can name both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Configuration {
    Release,
    Debug,
}

impl Configuration {
    /// The cargo profile and its output directory name.
    pub fn cargo_profile(self) -> (&'static str, &'static str) {
        match self {
            Configuration::Release => ("release", "release"),
            Configuration::Debug => ("dev", "debug"),
        }
    }
}

/// The validated request, before the SDK and tools are looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub archs: Vec<Arch>,
    /// The requested minimum DriverKit version; `None` means each
    /// architecture's default.
    pub deployment_target: Option<Sourced<Version>>,
    pub sdk: Option<Sourced<PathBuf>>,
    pub configuration: Configuration,
    pub out_dir: Option<PathBuf>,
    pub sample: bool,
}

pub enum Command {
    Build(Settings),
    Help,
}

impl Settings {
    /// Parses the command line (without the program name) and falls back to
    /// `environment` for settings not given there.
    pub fn parse(
        arguments: &[String],
        environment: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Command> {
        let mut arch_names: Vec<String> = Vec::new();
        let mut deployment_target = None;
        let mut sdk = None;
        let mut configuration = None;
        let mut out_dir = None;
        let mut sample = true;

        // Read the options.
        let mut rest = arguments.iter();
        while let Some(argument) = rest.next() {
            let mut value = |name: &str| {
                rest.next().cloned().ok_or_else(|| {
                    Error::Input(format!("{name} needs a value; see driverkit-build --help"))
                })
            };
            match argument.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "--arch" => arch_names.push(value("--arch")?),
                "--deployment-target" => {
                    deployment_target = Some(sourced(value(argument)?, "--deployment-target"))
                }
                "--sdk" => sdk = Some(sourced(value(argument)?, "--sdk")),
                "--configuration" => {
                    configuration = Some(sourced(value(argument)?, "--configuration"))
                }
                "--out-dir" => out_dir = Some(PathBuf::from(value(argument)?)),
                "--no-sample" => sample = false,
                other => {
                    return Err(Error::Input(format!(
                        "unknown option {other:?}; see driverkit-build --help"
                    )));
                }
            }
        }

        // Fall back to Xcode's variables.
        let archs = if arch_names.is_empty() {
            match non_empty(environment("ARCHS")) {
                Some(value) => parse_archs(&value, "ARCHS")?,
                None => Arch::ALL.to_vec(),
            }
        } else {
            parse_archs(&arch_names.join(" "), "--arch")?
        };
        let deployment_target = deployment_target.or_else(|| {
            non_empty(environment("DRIVERKIT_DEPLOYMENT_TARGET"))
                .map(|value| sourced(value, "DRIVERKIT_DEPLOYMENT_TARGET"))
        });
        let sdk = sdk.or_else(|| {
            ["DEXT_COMPAT_DRIVERKIT_SDK", "SDKROOT"]
                .into_iter()
                .find_map(|name| non_empty(environment(name)).map(|value| sourced(value, name)))
        });
        let configuration = configuration.or_else(|| {
            non_empty(environment("CONFIGURATION")).map(|value| sourced(value, "CONFIGURATION"))
        });

        // Validate them.
        Ok(Command::Build(Settings {
            archs,
            deployment_target: deployment_target.map(parse_deployment_target).transpose()?,
            sdk: sdk.map(|setting| Sourced {
                value: PathBuf::from(setting.value),
                source: setting.source,
            }),
            configuration: configuration
                .map(parse_configuration)
                .transpose()?
                .unwrap_or(Configuration::Release),
            out_dir,
            sample,
        }))
    }

    /// Returns the minimum DriverKit version to build `arch` for, and whether
    /// the request was raised to reach the architecture's first version.
    pub fn minimum_version(&self, arch: Arch) -> (Version, bool) {
        match &self.deployment_target {
            None => (arch.first_driverkit(), false),
            Some(requested) if requested.value < arch.first_driverkit() => {
                (arch.first_driverkit(), true)
            }
            Some(requested) => (requested.value, false),
        }
    }
}

fn sourced(value: String, source: &str) -> Sourced<String> {
    Sourced {
        value,
        source: source.to_string(),
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

fn parse_archs(text: &str, source: &str) -> Result<Vec<Arch>> {
    let mut archs = Vec::new();
    for name in text.split_whitespace() {
        let arch = Arch::from_xcode(name).ok_or_else(|| {
            Error::Input(format!(
                "unknown architecture {name:?} in {source}={text:?}; dext-compat builds for \
                 arm64 and x86_64 only, so set {source} to one or both of them"
            ))
        })?;
        if !archs.contains(&arch) {
            archs.push(arch);
        }
    }
    if archs.is_empty() {
        return Err(Error::Input(format!(
            "{source} names no architecture; set it to arm64, x86_64 or \"arm64 x86_64\""
        )));
    }
    archs.sort();
    Ok(archs)
}

fn parse_deployment_target(setting: Sourced<String>) -> Result<Sourced<Version>> {
    let Sourced { value, source } = setting;
    let version = Version::parse(&value).ok_or_else(|| {
        Error::Input(format!(
            "{source}={value:?} is not a version; set it to a DriverKit version such as 19.0 \
             (macOS 10.15) or 20.0 (macOS 11)"
        ))
    })?;
    let first = Arch::X86_64.first_driverkit();
    if version < first {
        return Err(Error::Input(format!(
            "{source}={value} is older than DriverKit {first}, the first release (macOS 10.15); \
             set it to {first} or later"
        )));
    }
    Ok(Sourced {
        value: version,
        source,
    })
}

fn parse_configuration(setting: Sourced<String>) -> Result<Configuration> {
    match setting.value.to_ascii_lowercase().as_str() {
        "release" => Ok(Configuration::Release),
        "debug" => Ok(Configuration::Debug),
        _ => Err(Error::Input(format!(
            "{}={:?} is not a configuration this build knows; set it to Release or Debug",
            setting.source, setting.value
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(arguments: &[&str], environment: &[(&str, &str)]) -> Result<Settings> {
        let arguments: Vec<String> = arguments.iter().map(|text| text.to_string()).collect();
        let lookup = |name: &str| {
            environment
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        };
        match Settings::parse(&arguments, &lookup)? {
            Command::Build(settings) => Ok(settings),
            Command::Help => panic!("unexpected help"),
        }
    }

    fn input_error(result: Result<Settings>) -> String {
        match result {
            Err(Error::Input(message)) => message,
            other => panic!("expected an input error, got {other:?}"),
        }
    }

    #[test]
    fn defaults_build_both_archs() {
        let settings = parse(&[], &[]).unwrap();
        assert_eq!(settings.archs, [Arch::Arm64, Arch::X86_64]);
        assert_eq!(
            settings.minimum_version(Arch::Arm64),
            (Version::new(20, 0), false)
        );
        assert_eq!(
            settings.minimum_version(Arch::X86_64),
            (Version::new(19, 0), false)
        );
        assert_eq!(settings.configuration, Configuration::Release);
        assert!(settings.sample);
    }

    #[test]
    fn xcode_variables_are_read() {
        let settings = parse(
            &[],
            &[
                ("ARCHS", "x86_64"),
                ("DRIVERKIT_DEPLOYMENT_TARGET", "21.0"),
                ("SDKROOT", "/sdk/DriverKit.sdk"),
                ("CONFIGURATION", "Debug"),
            ],
        )
        .unwrap();
        assert_eq!(settings.archs, [Arch::X86_64]);
        assert_eq!(
            settings.minimum_version(Arch::X86_64),
            (Version::new(21, 0), false)
        );
        assert_eq!(
            settings.sdk.unwrap().value,
            PathBuf::from("/sdk/DriverKit.sdk")
        );
        assert_eq!(settings.configuration, Configuration::Debug);
    }

    #[test]
    fn options_override_environment() {
        let settings = parse(
            &[
                "--arch",
                "arm64",
                "--deployment-target",
                "22.0",
                "--no-sample",
            ],
            &[("ARCHS", "x86_64"), ("DRIVERKIT_DEPLOYMENT_TARGET", "19.0")],
        )
        .unwrap();
        assert_eq!(settings.archs, [Arch::Arm64]);
        assert_eq!(
            settings.minimum_version(Arch::Arm64),
            (Version::new(22, 0), false)
        );
        assert!(!settings.sample);
    }

    #[test]
    fn explicit_sdk_setting_wins_over_sdkroot() {
        let settings = parse(
            &[],
            &[("SDKROOT", "/a"), ("DEXT_COMPAT_DRIVERKIT_SDK", "/b")],
        )
        .unwrap();
        let sdk = settings.sdk.unwrap();
        assert_eq!(sdk.value, PathBuf::from("/b"));
        assert_eq!(sdk.source, "DEXT_COMPAT_DRIVERKIT_SDK");
    }

    #[test]
    fn arm64_is_raised_to_driverkit_20() {
        let settings = parse(&[], &[("DRIVERKIT_DEPLOYMENT_TARGET", "19.0")]).unwrap();
        assert_eq!(
            settings.minimum_version(Arch::Arm64),
            (Version::new(20, 0), true)
        );
        assert_eq!(
            settings.minimum_version(Arch::X86_64),
            (Version::new(19, 0), false)
        );
    }

    #[test]
    fn unknown_arch_is_named() {
        let message = input_error(parse(&[], &[("ARCHS", "arm64 i386")]));
        assert!(message.contains("\"i386\""), "{message}");
        assert!(message.contains("ARCHS=\"arm64 i386\""), "{message}");
    }

    #[test]
    fn old_deployment_target_is_rejected() {
        let message = input_error(parse(&[], &[("DRIVERKIT_DEPLOYMENT_TARGET", "18.0")]));
        assert!(
            message.contains("DRIVERKIT_DEPLOYMENT_TARGET=18.0"),
            "{message}"
        );
        assert!(message.contains("19.0 or later"), "{message}");
    }

    #[test]
    fn non_version_deployment_target_is_rejected() {
        let message = input_error(parse(&["--deployment-target", "latest"], &[]));
        assert!(
            message.contains("--deployment-target=\"latest\""),
            "{message}"
        );
        assert!(message.contains("not a version"), "{message}");
    }

    #[test]
    fn unknown_configuration_is_rejected() {
        let message = input_error(parse(&[], &[("CONFIGURATION", "Profile")]));
        assert!(message.contains("CONFIGURATION=\"Profile\""), "{message}");
    }

    #[test]
    fn unknown_option_is_rejected() {
        let message = input_error(parse(&["--archs"], &[]));
        assert!(message.contains("\"--archs\""), "{message}");
    }

    #[test]
    fn missing_option_value_is_rejected() {
        let message = input_error(parse(&["--sdk"], &[]));
        assert!(message.contains("--sdk needs a value"), "{message}");
    }
}
