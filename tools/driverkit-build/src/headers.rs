//! Installs the headers a dext needs: the public C header and the generated
//! cxx bridge header, with every header they include from this project.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Copies the headers into `destination`, keeping their include paths.
///
/// The roots are every header under `workspace/include` and the generated
/// headers under `<library OUT_DIR>/cxxbridge/include`. Each `#include` in
/// them that resolves in the project's include directories is copied too;
/// DriverKit's own headers do not resolve there and stay in the SDK.
/// Returns the installed paths relative to `destination`.
pub fn install(
    workspace: &Path,
    library_out_dir: &Path,
    destination: &Path,
) -> Result<Vec<String>> {
    let search_dirs = [
        workspace.join("include"),
        library_out_dir.join("cxxbridge/include"),
        library_out_dir.join("cxxbridge/crate"),
    ];

    // Start from every header of the two roots.
    let mut pending: Vec<String> = Vec::new();
    for root in &search_dirs[..2] {
        collect_headers(root, root, &mut pending)?;
    }

    // Copy them and follow their project includes.
    let mut installed = BTreeSet::new();
    while let Some(relative) = pending.pop() {
        if installed.contains(&relative) {
            continue;
        }
        let Some(source) = search_dirs
            .iter()
            .map(|dir| dir.join(&relative))
            .find(|path| path.is_file())
        else {
            continue;
        };
        let text = fs::read_to_string(&source).map_err(|error| Error::io(&source, error))?;
        pending.extend(included_paths(&text));

        let target = destination.join(&relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|error| Error::io(parent, error))?;
        }
        fs::write(&target, &text).map_err(|error| Error::io(&target, error))?;
        installed.insert(relative);
    }
    Ok(installed.into_iter().collect())
}

/// Adds the paths, relative to `root`, of the `.h` files under `directory`.
/// Symbolic links to directories are not followed, so that a link to a whole
/// crate or SDK does not pull in unrelated headers.
fn collect_headers(root: &Path, directory: &Path, headers: &mut Vec<String>) -> Result<()> {
    let entries = match fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(Error::io(directory, error)),
    };
    for entry in entries {
        let entry = entry.map_err(|error| Error::io(directory, error))?;
        let path: PathBuf = entry.path();
        let file_type = entry.file_type().map_err(|error| Error::io(&path, error))?;
        if file_type.is_dir() {
            collect_headers(root, &path, headers)?;
        } else if path.extension().is_some_and(|extension| extension == "h") && path.is_file() {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            headers.push(relative.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// Returns the paths named by the `#include` lines of `text`.
fn included_paths(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line
                .trim_start()
                .strip_prefix('#')?
                .trim_start()
                .strip_prefix("include")?;
            let rest = rest.trim_start();
            let close = match rest.chars().next()? {
                '"' => '"',
                '<' => '>',
                _ => return None,
            };
            let end = rest[1..].find(close)?;
            Some(rest[1..1 + end].to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::included_paths;

    #[test]
    fn include_lines_are_parsed() {
        let text = "#include \"dext-compat/cpp/shims.h\"\n#  include <cstdint>\n// #include \"no.h\"\nint x;\n";
        assert_eq!(included_paths(text), ["dext-compat/cpp/shims.h", "cstdint"]);
    }
}
