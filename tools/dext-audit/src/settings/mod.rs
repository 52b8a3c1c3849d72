//! Build settings: which dext targets a project has, which sources each builds,
//! and each target's `DRIVERKIT_DEPLOYMENT_TARGET`.

mod pbxproj;
mod plist;
mod xcconfig;
mod xcodegen;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::report::Location;
use crate::version::Version;
use crate::walk::{FileKind, FoundFile};

pub const DEPLOYMENT_TARGET_KEY: &str = "DRIVERKIT_DEPLOYMENT_TARGET";

/// Settings whose values define preprocessor macros.
const DEFINITION_KEYS: &[&str] = &[
    "GCC_PREPROCESSOR_DEFINITIONS",
    "OTHER_CFLAGS",
    "OTHER_CPLUSPLUSFLAGS",
];

/// Variable references nested deeper than this are left unexpanded.
const MAX_EXPANSION_DEPTH: usize = 8;

/// One `KEY = value` line from a project file or xcconfig.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub key: String,
    /// The `[sdk=...]` part of a conditional setting, applied in every case here.
    pub condition: Option<String>,
    pub value: String,
    pub location: Location,
}

/// Settings at one level (target, target xcconfig, project, ...); later
/// assignments win.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    pub assignments: Vec<Assignment>,
}

impl Layer {
    pub fn get(&self, key: &str) -> Option<&Assignment> {
        self.assignments.iter().rev().find(|a| a.key == key)
    }
}

/// A build configuration (Debug, Release, ...) as a stack of layers, highest
/// precedence first, as Xcode resolves them.
#[derive(Debug, Clone)]
pub struct Configuration {
    pub name: String,
    pub layers: Vec<Layer>,
}

impl Configuration {
    /// Looks `key` up and expands `$(VAR)` and `${VAR}` in its value.
    pub fn lookup(&self, key: &str) -> Option<Assignment> {
        let found = self.layers.iter().find_map(|layer| layer.get(key))?.clone();
        let value = self.expand(&found.value, 0);
        Some(Assignment { value, ..found })
    }

    fn expand(&self, value: &str, depth: usize) -> String {
        if depth > MAX_EXPANSION_DEPTH || !value.contains('$') {
            return value.to_string();
        }
        let mut output = String::new();
        let mut rest = value;
        while let Some(start) = rest.find(['$']) {
            output.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let close = match after.chars().next() {
                Some('(') => ')',
                Some('{') => '}',
                _ => {
                    output.push('$');
                    rest = after;
                    continue;
                }
            };
            let Some(end) = after.find(close) else {
                output.push_str(&rest[start..]);
                return output;
            };
            let name = &after[1..end];
            if name != "inherited"
                && let Some(found) = self.layers.iter().find_map(|layer| layer.get(name))
            {
                output.push_str(&self.expand(&found.value, depth + 1));
            }
            rest = &after[end + 1..];
        }
        output.push_str(rest);
        output
    }
}

/// A dext target found in build files, or the stand-in for sources without one.
#[derive(Debug, Clone)]
pub struct TargetSettings {
    pub name: String,
    /// `xcode`, `xcodegen`, `xcconfig` or `none`.
    pub defined_by: &'static str,
    pub location: Option<Location>,
    pub configurations: Vec<Configuration>,
    /// File names in the target's build phases.
    pub member_files: HashSet<String>,
    /// Folders whose files all belong to the target.
    pub member_folders: Vec<PathBuf>,
    /// A deployment target outside build settings (XcodeGen's `deploymentTarget`).
    pub fallback_deployment: Option<Assignment>,
}

/// A deployment target value and where it was set.
#[derive(Debug, Clone)]
pub struct FoundDeployment {
    pub version: Version,
    pub configuration: Option<String>,
    pub location: Location,
}

impl TargetSettings {
    /// Returns the oldest deployment target across configurations, which is the
    /// one that decides whether a shipped build can meet an old runtime.
    pub fn deployment_target(&self) -> Result<Option<FoundDeployment>, String> {
        let mut oldest: Option<FoundDeployment> = None;
        for configuration in &self.configurations {
            let Some(found) = configuration.lookup(DEPLOYMENT_TARGET_KEY) else {
                continue;
            };
            let version = Version::parse(&found.value).ok_or_else(|| {
                format!(
                    "{DEPLOYMENT_TARGET_KEY} = {} at {} is not a version number",
                    found.value, found.location
                )
            })?;
            if oldest.as_ref().is_none_or(|o| version < o.version) {
                oldest = Some(FoundDeployment {
                    version,
                    configuration: Some(configuration.name.clone()),
                    location: found.location,
                });
            }
        }
        if oldest.is_none()
            && let Some(fallback) = &self.fallback_deployment
            && let Some(version) = Version::parse(&fallback.value)
        {
            oldest = Some(FoundDeployment {
                version,
                configuration: None,
                location: fallback.location.clone(),
            });
        }
        Ok(oldest)
    }

    /// Tells whether the target builds `path`.
    pub fn contains(&self, path: &Path) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|name| self.member_files.contains(&name)) {
            return true;
        }
        self.member_folders
            .iter()
            .any(|folder| path.starts_with(folder))
    }

    /// Returns the macros every configuration's settings define.
    fn definitions(&self) -> Vec<String> {
        let mut names = Vec::new();
        for configuration in &self.configurations {
            for key in DEFINITION_KEYS {
                if let Some(found) = configuration.lookup(key) {
                    names.extend(definitions_in(key, &found.value));
                }
            }
        }
        names
    }
}

/// Extracts `NAME` or `NAME=VALUE` definitions from a setting's value.
fn definitions_in(key: &str, value: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut words = value.split_whitespace().map(|w| w.trim_matches('"'));
    while let Some(word) = words.next() {
        if key == "GCC_PREPROCESSOR_DEFINITIONS" {
            if !word.is_empty() && !word.starts_with('$') {
                names.push(word.replace("\\\"", "\""));
            }
        } else if word == "-D" {
            names.extend(words.next().map(str::to_string));
        } else if let Some(definition) = word.strip_prefix("-D") {
            names.push(definition.to_string());
        }
    }
    names
}

/// Everything the build files tell about a project.
#[derive(Debug, Default)]
pub struct ProjectSettings {
    pub targets: Vec<TargetSettings>,
    /// Macros that build settings define.
    pub definitions: Vec<String>,
    /// Problems with build files: the file and the message.
    pub warnings: Vec<(PathBuf, String)>,
}

/// Reads the Xcode projects, XcodeGen specs and xcconfig files among `files`.
///
/// Without an Xcode project or XcodeGen spec, xcconfig files that set the
/// deployment target describe one target named after `root`.
pub fn load(root: &Path, files: &[FoundFile]) -> ProjectSettings {
    let mut settings = ProjectSettings::default();
    let xcconfigs: Vec<&Path> = files
        .iter()
        .filter(|f| f.kind == FileKind::Xcconfig)
        .map(|f| f.path.as_path())
        .collect();

    for file in files {
        match file.kind {
            FileKind::Pbxproj => {
                let targets = pbxproj::load(root, &file.path, &xcconfigs, &mut settings.warnings);
                settings.targets.extend(targets);
            }
            FileKind::XcodeGen => {
                let targets = xcodegen::load(root, &file.path, &mut settings.warnings);
                settings.targets.extend(targets);
            }
            _ => {}
        }
    }

    let has_project_files = files
        .iter()
        .any(|f| matches!(f.kind, FileKind::Pbxproj | FileKind::XcodeGen));
    if !has_project_files && !xcconfigs.is_empty() {
        settings.targets.push(loose_xcconfig_target(
            root,
            &xcconfigs,
            &mut settings.warnings,
        ));
    }

    for target in &settings.targets {
        settings.definitions.extend(target.definitions());
    }
    settings
}

/// Builds one target from xcconfig files found without a project; each file is
/// treated as its own configuration.
fn loose_xcconfig_target(
    root: &Path,
    xcconfigs: &[&Path],
    warnings: &mut Vec<(PathBuf, String)>,
) -> TargetSettings {
    let configurations = xcconfigs
        .iter()
        .map(|path| Configuration {
            name: crate::walk::display_path(root, path),
            layers: vec![xcconfig::load(root, path, warnings)],
        })
        .collect();
    TargetSettings {
        name: folder_name(root),
        defined_by: "xcconfig",
        location: None,
        configurations,
        member_files: HashSet::new(),
        member_folders: vec![root.to_path_buf()],
        fallback_deployment: None,
    }
}

/// Returns the last component of `root`, or `project` when it has none.
pub fn folder_name(root: &Path) -> String {
    root.canonicalize()
        .ok()
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "project".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(key: &str, value: &str) -> Assignment {
        Assignment {
            key: key.into(),
            condition: None,
            value: value.into(),
            location: Location {
                file: "x".into(),
                line: 1,
            },
        }
    }

    #[test]
    fn lookup_expands_variables() {
        let configuration = Configuration {
            name: "Release".into(),
            layers: vec![
                Layer {
                    assignments: vec![assignment(DEPLOYMENT_TARGET_KEY, "$(MY_TARGET)")],
                },
                Layer {
                    assignments: vec![
                        assignment("MY_TARGET", "${BASE}.0"),
                        assignment("BASE", "20"),
                    ],
                },
            ],
        };
        assert_eq!(
            configuration.lookup(DEPLOYMENT_TARGET_KEY).unwrap().value,
            "20.0"
        );
    }

    #[test]
    fn definitions_are_split() {
        assert_eq!(
            definitions_in(
                "GCC_PREPROCESSOR_DEFINITIONS",
                "DEBUG=1 $(inherited) \"FOO\""
            ),
            ["DEBUG=1", "FOO"]
        );
        assert_eq!(
            definitions_in("OTHER_CFLAGS", "-Wall -DBAR -D BAZ=2"),
            ["BAR", "BAZ=2"]
        );
    }
}
