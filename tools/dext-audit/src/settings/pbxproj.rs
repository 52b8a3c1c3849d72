//! Dext targets from an Xcode `project.pbxproj`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::plist::{self, Dict, Value};
use super::{Assignment, Configuration, Layer, TargetSettings, xcconfig};
use crate::report::Location;
use crate::walk;

const DEXT_PRODUCT_TYPE: &str = "com.apple.product-type.driver-extension";

/// Loads the dext targets of one project file. A target counts as a dext when
/// its product type is a driver extension or its `SDKROOT` is DriverKit.
pub fn load(
    root: &Path,
    path: &Path,
    xcconfigs: &[&Path],
    warnings: &mut Vec<(PathBuf, String)>,
) -> Vec<TargetSettings> {
    let bytes = match walk::read_limited(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            warnings.push((path.to_path_buf(), message));
            return Vec::new();
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let parsed = match plist::parse(&text) {
        Ok(value) => value,
        Err(message) => {
            warnings.push((
                path.to_path_buf(),
                format!("invalid project file: {message}"),
            ));
            return Vec::new();
        }
    };
    let context = Context {
        root,
        file: walk::display_path(root, path),
        // `project.pbxproj` sits in `Name.xcodeproj/`; paths are relative to the
        // folder that contains the `.xcodeproj`.
        project_dir: path
            .parent()
            .and_then(Path::parent)
            .unwrap_or(root)
            .to_path_buf(),
        xcconfigs,
    };
    match context.targets(&parsed, warnings) {
        Some(targets) => targets,
        None => {
            warnings.push((
                path.to_path_buf(),
                "invalid project file: no `objects` or `rootObject`".to_string(),
            ));
            Vec::new()
        }
    }
}

struct Context<'a> {
    root: &'a Path,
    file: String,
    project_dir: PathBuf,
    xcconfigs: &'a [&'a Path],
}

impl Context<'_> {
    fn targets(
        &self,
        parsed: &Value,
        warnings: &mut Vec<(PathBuf, String)>,
    ) -> Option<Vec<TargetSettings>> {
        let top = parsed.as_dict()?;
        let objects = top.dict("objects")?;
        let project = objects.dict(top.str("rootObject")?)?;
        let project_configurations =
            self.configurations(objects, project.str("buildConfigurationList"), warnings);

        let mut targets = Vec::new();
        for target_id in project.get("targets").map(Value::as_array).unwrap_or(&[]) {
            let Some(target) = target_id.as_str().and_then(|id| objects.dict(id)) else {
                continue;
            };
            let own = self.configurations(objects, target.str("buildConfigurationList"), warnings);

            // Each target configuration sits on top of the project's of the same name.
            let configurations: Vec<Configuration> = own
                .into_iter()
                .map(|mut configuration| {
                    if let Some(project_level) = project_configurations
                        .iter()
                        .find(|p| p.name == configuration.name)
                    {
                        configuration
                            .layers
                            .extend(project_level.layers.iter().cloned());
                    }
                    configuration
                })
                .collect();

            let is_driverkit_sdk = configurations.iter().any(|c| {
                c.lookup("SDKROOT")
                    .is_some_and(|sdk| sdk.value.to_ascii_lowercase().starts_with("driverkit"))
            });
            if target.str("productType") != Some(DEXT_PRODUCT_TYPE) && !is_driverkit_sdk {
                continue;
            }

            let name = target.str("name").unwrap_or("(unnamed target)").to_string();
            let line = target.get("name").and_then(Value::line).unwrap_or(1);
            let (member_files, member_folders) = self.members(objects, target);
            targets.push(TargetSettings {
                name,
                defined_by: "xcode",
                location: Some(Location {
                    file: self.file.clone(),
                    line,
                }),
                configurations,
                member_files,
                member_folders,
                fallback_deployment: None,
            });
        }
        Some(targets)
    }

    /// Reads a configuration list: each configuration's own settings, then the
    /// xcconfig file it is based on.
    fn configurations(
        &self,
        objects: &Dict,
        list_id: Option<&str>,
        warnings: &mut Vec<(PathBuf, String)>,
    ) -> Vec<Configuration> {
        let Some(list) = list_id.and_then(|id| objects.dict(id)) else {
            return Vec::new();
        };
        let mut configurations = Vec::new();
        for id in list
            .get("buildConfigurations")
            .map(Value::as_array)
            .unwrap_or(&[])
        {
            let Some(configuration) = id.as_str().and_then(|id| objects.dict(id)) else {
                continue;
            };
            let mut layers = vec![self.settings_layer(configuration.dict("buildSettings"))];
            let base = configuration
                .str("baseConfigurationReference")
                .and_then(|id| objects.dict(id));
            if let Some(path) = base.and_then(|reference| self.resolve_xcconfig(reference)) {
                layers.push(xcconfig::load(self.root, &path, warnings));
            }
            configurations.push(Configuration {
                name: configuration.str("name").unwrap_or("(unnamed)").to_string(),
                layers,
            });
        }
        configurations
    }

    fn settings_layer(&self, settings: Option<&Dict>) -> Layer {
        let mut layer = Layer::default();
        let Some(settings) = settings else {
            return layer;
        };
        let mut entries: Vec<(&String, &Value)> = settings.entries.iter().collect();
        entries.sort_by_key(|(key, _)| key.as_str());
        for (raw_key, value) in entries {
            let (key, condition) = match raw_key.split_once('[') {
                Some((key, condition)) => (key, Some(condition.trim_end_matches(']').to_string())),
                None => (raw_key.as_str(), None),
            };
            let text = match value {
                Value::String(text, _) => text.clone(),
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                Value::Dict(_) => continue,
            };
            layer.assignments.push(Assignment {
                key: key.to_string(),
                condition,
                value: text,
                location: Location {
                    file: self.file.clone(),
                    line: value.line().unwrap_or(1),
                },
            });
        }
        layer
    }

    /// Finds the xcconfig a file reference names: relative to the project folder
    /// if it exists there, else the xcconfig found in the tree with that name.
    // NOTE: group-relative paths are not resolved through the PBXGroup tree, so
    // two xcconfig files with the same name in different folders may be confused.
    fn resolve_xcconfig(&self, reference: &Dict) -> Option<PathBuf> {
        let path = reference.str("path")?;
        let direct = self.project_dir.join(path);
        if direct.is_file() {
            return Some(direct);
        }
        let name = Path::new(path).file_name()?;
        self.xcconfigs
            .iter()
            .find(|candidate| candidate.file_name() == Some(name))
            .map(|candidate| candidate.to_path_buf())
    }

    /// Lists the file names in the target's build phases and the folders of its
    /// synchronized groups (Xcode 16 and later).
    fn members(&self, objects: &Dict, target: &Dict) -> (HashSet<String>, Vec<PathBuf>) {
        let mut files = HashSet::new();
        for phase_id in target
            .get("buildPhases")
            .map(Value::as_array)
            .unwrap_or(&[])
        {
            let Some(phase) = phase_id.as_str().and_then(|id| objects.dict(id)) else {
                continue;
            };
            for build_file_id in phase.get("files").map(Value::as_array).unwrap_or(&[]) {
                let reference = build_file_id
                    .as_str()
                    .and_then(|id| objects.dict(id))
                    .and_then(|build_file| build_file.str("fileRef"))
                    .and_then(|id| objects.dict(id));
                let name = reference.and_then(|r| r.str("path").or_else(|| r.str("name")));
                if let Some(file_name) = name.and_then(|n| Path::new(n).file_name()) {
                    files.insert(file_name.to_string_lossy().into_owned());
                }
            }
        }

        let mut folders = Vec::new();
        for group_id in target
            .get("fileSystemSynchronizedGroups")
            .map(Value::as_array)
            .unwrap_or(&[])
        {
            let path = group_id
                .as_str()
                .and_then(|id| objects.dict(id))
                .and_then(|group| group.str("path"));
            if let Some(path) = path {
                folders.push(self.project_dir.join(path));
            }
        }
        (files, folders)
    }
}
