//! `.xcconfig` build configuration files: `KEY = value`, `KEY[sdk=...] = value`,
//! `#include "other.xcconfig"`, `#include? "optional.xcconfig"` and `//` comments.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Assignment, Layer};
use crate::report::Location;
use crate::walk;

/// `#include` chains deeper than this are reported as a loop.
const MAX_INCLUDE_DEPTH: usize = 16;

/// Reads `path` and the files it includes into one layer, later lines winning.
///
/// `root` is the audited folder, used for locations. Problems become `warnings`.
pub fn load(root: &Path, path: &Path, warnings: &mut Vec<(PathBuf, String)>) -> Layer {
    let mut layer = Layer::default();
    let mut active = HashSet::new();
    load_into(root, path, 0, &mut active, &mut layer, warnings);
    layer
}

fn load_into(
    root: &Path,
    path: &Path,
    depth: usize,
    active: &mut HashSet<PathBuf>,
    layer: &mut Layer,
    warnings: &mut Vec<(PathBuf, String)>,
) {
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if depth > MAX_INCLUDE_DEPTH || !active.insert(key.clone()) {
        warnings.push((
            path.to_path_buf(),
            "#include loop; the repeated file is ignored".into(),
        ));
        return;
    }
    let bytes = match walk::read_limited(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            warnings.push((path.to_path_buf(), message));
            active.remove(&key);
            return;
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let file = walk::display_path(root, path);

    for (index, raw_line) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let content = strip_comment(raw_line).trim();
        if content.is_empty() {
            continue;
        }
        if let Some(rest) = content.strip_prefix("#include") {
            let optional = rest.starts_with('?');
            let target = rest.trim_start_matches('?').trim().trim_matches('"');
            let included = path.parent().unwrap_or(Path::new(".")).join(target);
            if included.exists() {
                load_into(root, &included, depth + 1, active, layer, warnings);
            } else if !optional {
                warnings.push((
                    path.to_path_buf(),
                    format!("line {line}: included file {target} not found"),
                ));
            }
            continue;
        }
        // The `=` of the assignment follows any `[condition=value]` part.
        let search_from = content
            .find(']')
            .filter(|end| content[..*end].contains('['))
            .unwrap_or(0);
        let Some(equals) = content[search_from..].find('=').map(|i| i + search_from) else {
            continue;
        };
        let (key_part, value) = (&content[..equals], &content[equals + 1..]);
        let key_part = key_part.trim();
        let (key, condition) = match key_part.split_once('[') {
            Some((key, condition)) => (key.trim(), Some(condition.trim_end_matches(']'))),
            None => (key_part, None),
        };
        layer.assignments.push(Assignment {
            key: key.to_string(),
            condition: condition.map(str::to_string),
            value: value.trim().trim_end_matches(';').trim().to_string(),
            location: Location {
                file: file.clone(),
                line,
            },
        });
    }
    active.remove(&key);
}

/// Removes a `//` comment, leaving `//` inside a quoted value alone.
fn strip_comment(line: &str) -> &str {
    let mut in_quotes = false;
    let bytes = line.as_bytes();
    for index in 0..bytes.len() {
        match bytes[index] {
            b'"' => in_quotes = !in_quotes,
            b'/' if !in_quotes && bytes.get(index + 1) == Some(&b'/') => return &line[..index],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_and_conditions_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("base.xcconfig"),
            "DRIVERKIT_DEPLOYMENT_TARGET = 19.0\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("main.xcconfig"),
            "#include \"base.xcconfig\"\n#include? \"missing.xcconfig\"\n// comment\nDRIVERKIT_DEPLOYMENT_TARGET[sdk=driverkit*] = 20.0 // why\n",
        )
        .unwrap();
        let mut warnings = Vec::new();
        let layer = load(dir.path(), &dir.path().join("main.xcconfig"), &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        let found = layer.get("DRIVERKIT_DEPLOYMENT_TARGET").unwrap();
        assert_eq!(found.value, "20.0");
        assert_eq!(found.location.line, 4);
    }

    #[test]
    fn include_loop_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.xcconfig"), "#include \"b.xcconfig\"\n").unwrap();
        std::fs::write(
            dir.path().join("b.xcconfig"),
            "#include \"a.xcconfig\"\nX = 1\n",
        )
        .unwrap();
        let mut warnings = Vec::new();
        let layer = load(dir.path(), &dir.path().join("a.xcconfig"), &mut warnings);
        assert_eq!(warnings.len(), 1);
        assert!(layer.get("X").is_some());
    }
}
