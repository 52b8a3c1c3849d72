//! Dext targets from an XcodeGen spec (`project.yml`), including specs it pulls in
//! with `include`.
//!
//! A target counts as a dext when its `type` is `driver-extension` or its
//! `platform` is DriverKit. Settings follow XcodeGen's order: the target's
//! `settings` (per-configuration before `base`), its `configFiles`, then the
//! project's `settings` and `configFiles`. The target's `deploymentTarget` (for a
//! DriverKit platform) and `options.deploymentTarget.driverKit` apply when no
//! setting names `DRIVERKIT_DEPLOYMENT_TARGET`.
// NOTE: `targetTemplates` and `settingGroups` are not expanded, so a deployment
// target set only through them is not seen.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

use super::{Assignment, Configuration, Layer, TargetSettings, xcconfig};
use crate::report::Location;
use crate::walk;

/// `include` chains deeper than this are reported as a loop.
const MAX_INCLUDE_DEPTH: usize = 16;

/// The configurations XcodeGen creates when a spec lists none.
const DEFAULT_CONFIGURATIONS: &[&str] = &["Debug", "Release"];

pub fn load(
    root: &Path,
    path: &Path,
    warnings: &mut Vec<(PathBuf, String)>,
) -> Vec<TargetSettings> {
    let mut sources = Vec::new();
    let Some(spec) = load_spec(path, 0, &mut sources, warnings) else {
        return Vec::new();
    };
    let spec_dir = path.parent().unwrap_or(root).to_path_buf();
    let context = Context {
        root,
        spec_dir,
        main_file: walk::display_path(root, path),
        sources,
    };
    context.targets(&spec, warnings)
}

/// Reads a spec and merges its `include`s under it, as XcodeGen does: mappings
/// merge, lists append, and a key ending in `:REPLACE` replaces.
fn load_spec(
    path: &Path,
    depth: usize,
    sources: &mut Vec<(PathBuf, String)>,
    warnings: &mut Vec<(PathBuf, String)>,
) -> Option<Yaml> {
    if depth > MAX_INCLUDE_DEPTH {
        warnings.push((
            path.to_path_buf(),
            "include loop; this file is ignored".into(),
        ));
        return None;
    }
    let bytes = match walk::read_limited(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            warnings.push((path.to_path_buf(), message));
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        warnings.push((
            path.to_path_buf(),
            "invalid XcodeGen spec: not UTF-8 text".into(),
        ));
        return None;
    };
    let documents = match YamlLoader::load_from_str(&text) {
        Ok(documents) => documents,
        Err(error) => {
            warnings.push((
                path.to_path_buf(),
                format!("invalid XcodeGen spec: {error}"),
            ));
            return None;
        }
    };
    sources.push((path.to_path_buf(), text));
    let spec = documents.into_iter().next().unwrap_or(Yaml::Null);

    let mut merged = Yaml::Hash(Default::default());
    let base_dir = path.parent().unwrap_or(Path::new("."));
    for include in include_paths(&spec["include"]) {
        let included = base_dir.join(include);
        if let Some(value) = load_spec(&included, depth + 1, sources, warnings) {
            merged = merge(merged, value);
        }
    }
    Some(merge(merged, spec))
}

fn include_paths(value: &Yaml) -> Vec<String> {
    match value {
        Yaml::String(path) => vec![path.clone()],
        Yaml::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Yaml::String(path) => Some(path.clone()),
                other => other["path"].as_str().map(str::to_string),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn merge(base: Yaml, over: Yaml) -> Yaml {
    match (base, over) {
        (Yaml::Hash(mut base), Yaml::Hash(over)) => {
            for (key, value) in over {
                if let Some(name) = key.as_str().and_then(|k| k.strip_suffix(":REPLACE")) {
                    base.insert(Yaml::String(name.to_string()), value);
                    continue;
                }
                let merged = match base.remove(&key) {
                    Some(existing) => merge(existing, value),
                    None => value,
                };
                base.insert(key, merged);
            }
            Yaml::Hash(base)
        }
        (Yaml::Array(mut base), Yaml::Array(over)) => {
            base.extend(over);
            Yaml::Array(base)
        }
        (_, over) => over,
    }
}

fn scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(text) | Yaml::Real(text) => Some(text.clone()),
        Yaml::Integer(number) => Some(number.to_string()),
        Yaml::Boolean(flag) => Some(if *flag { "YES" } else { "NO" }.to_string()),
        _ => None,
    }
}

fn is_driverkit(platform: &Yaml) -> bool {
    platform
        .as_str()
        .is_some_and(|p| p.eq_ignore_ascii_case("driverkit"))
}

struct Context<'a> {
    root: &'a Path,
    spec_dir: PathBuf,
    main_file: String,
    /// Every spec file read, with its text, for locations.
    sources: Vec<(PathBuf, String)>,
}

impl Context<'_> {
    fn targets(&self, spec: &Yaml, warnings: &mut Vec<(PathBuf, String)>) -> Vec<TargetSettings> {
        let Some(targets) = spec["targets"].as_hash() else {
            return Vec::new();
        };
        let configuration_names: Vec<String> = match spec["configs"].as_hash() {
            Some(configs) => configs.keys().filter_map(scalar).collect(),
            None => DEFAULT_CONFIGURATIONS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };

        let mut found = Vec::new();
        for (name, target) in targets {
            let Some(name) = scalar(name) else {
                continue;
            };
            let is_dext = target["type"].as_str() == Some("driver-extension")
                || is_driverkit(&target["platform"]);
            if !is_dext {
                continue;
            }

            let configurations = configuration_names
                .iter()
                .map(|configuration| Configuration {
                    name: configuration.clone(),
                    layers: self.layers(spec, target, configuration, warnings),
                })
                .collect();

            let fallback = if is_driverkit(&target["platform"]) {
                scalar(&target["deploymentTarget"])
            } else {
                None
            }
            .or_else(|| {
                let by_platform = spec["options"]["deploymentTarget"].as_hash()?;
                by_platform
                    .iter()
                    .find(|(platform, _)| is_driverkit(platform))
                    .and_then(|(_, value)| scalar(value))
            })
            .map(|value| Assignment {
                key: "deploymentTarget".into(),
                condition: None,
                location: self.locate("deploymentTarget"),
                value,
            });

            let mut member_folders = Vec::new();
            let sources = match &target["sources"] {
                Yaml::Array(items) => items.clone(),
                single => vec![single.clone()],
            };
            for source in &sources {
                let path = match source {
                    Yaml::String(path) => Some(path.clone()),
                    other => other["path"].as_str().map(str::to_string),
                };
                if let Some(path) = path {
                    member_folders.push(self.spec_dir.join(path));
                }
            }

            found.push(TargetSettings {
                location: Some(self.locate(&format!("{name}:"))),
                name,
                defined_by: "xcodegen",
                configurations,
                member_files: HashSet::new(),
                member_folders,
                fallback_deployment: fallback,
            });
        }
        found
    }

    /// Builds the layers of one configuration, highest precedence first.
    fn layers(
        &self,
        spec: &Yaml,
        target: &Yaml,
        configuration: &str,
        warnings: &mut Vec<(PathBuf, String)>,
    ) -> Vec<Layer> {
        let mut layers = self.settings_layers(&target["settings"], configuration);
        layers.extend(self.config_file(&target["configFiles"], configuration, warnings));
        layers.extend(self.settings_layers(&spec["settings"], configuration));
        layers.extend(self.config_file(&spec["configFiles"], configuration, warnings));
        layers
    }

    fn settings_layers(&self, settings: &Yaml, configuration: &str) -> Vec<Layer> {
        let Some(map) = settings.as_hash() else {
            return Vec::new();
        };
        let structured = ["base", "configs", "groups"]
            .iter()
            .any(|key| map.contains_key(&Yaml::String((*key).to_string())));
        if !structured {
            return vec![self.flat_layer(settings)];
        }

        let mut layers = Vec::new();
        if let Some(configs) = settings["configs"].as_hash() {
            // XcodeGen matches a configs key against any configuration name that
            // contains it, ignoring case.
            let wanted = configuration.to_ascii_lowercase();
            for (key, value) in configs {
                if scalar(key).is_some_and(|k| wanted.contains(&k.to_ascii_lowercase())) {
                    layers.extend(self.settings_layers(value, configuration));
                }
            }
        }
        layers.push(self.flat_layer(&settings["base"]));
        layers
    }

    fn flat_layer(&self, settings: &Yaml) -> Layer {
        let mut layer = Layer::default();
        for (key, value) in settings.as_hash().into_iter().flatten() {
            let (Some(raw_key), Some(value)) = (scalar(key), scalar(value)) else {
                continue;
            };
            let (key, condition) = match raw_key.split_once('[') {
                Some((key, condition)) => (
                    key.to_string(),
                    Some(condition.trim_end_matches(']').to_string()),
                ),
                None => (raw_key.clone(), None),
            };
            layer.assignments.push(Assignment {
                location: self.locate(&raw_key),
                key,
                condition,
                value,
            });
        }
        layer
    }

    fn config_file(
        &self,
        config_files: &Yaml,
        configuration: &str,
        warnings: &mut Vec<(PathBuf, String)>,
    ) -> Option<Layer> {
        let (_, path) = config_files
            .as_hash()?
            .iter()
            .find(|(key, _)| scalar(key).is_some_and(|k| k.eq_ignore_ascii_case(configuration)))?;
        let path = self.spec_dir.join(path.as_str()?);
        if !path.is_file() {
            warnings.push((
                path,
                "config file named by the XcodeGen spec not found".into(),
            ));
            return None;
        }
        Some(xcconfig::load(self.root, &path, warnings))
    }

    /// Finds the first line in the spec files that contains `needle`; the YAML
    /// parser keeps no positions, so locations come from a text search.
    fn locate(&self, needle: &str) -> Location {
        for (path, text) in &self.sources {
            if let Some(index) = text.lines().position(|line| line.contains(needle)) {
                return Location {
                    file: walk::display_path(self.root, path),
                    line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                };
            }
        }
        Location {
            file: self.main_file.clone(),
            line: 1,
        }
    }
}
