//! Finds the files a project audit reads, following symbolic links safely.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::report::{Diagnostic, Severity};

/// Folders that hold build products, version control data or editor state, never
/// dext sources.
const SKIPPED_FOLDERS: &[&str] = &[
    ".git",
    ".svn",
    ".hg",
    "target",
    "DerivedData",
    "node_modules",
    "xcuserdata",
];

/// Source files larger than this are reported and skipped. Real `.iig` and `.cpp`
/// files are a few hundred KiB at most; a bigger one is generated or not source.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// An iig interface file, which declares the DriverKit classes.
    Iig,
    /// C or C++ source or header.
    Cpp,
    /// `project.pbxproj` inside an `.xcodeproj` bundle.
    Pbxproj,
    Xcconfig,
    /// XcodeGen `project.yml` or `project.yaml`.
    XcodeGen,
}

#[derive(Debug)]
pub struct FoundFile {
    pub path: PathBuf,
    pub kind: FileKind,
}

/// Returns the kind of file that `path` is to the audit, if any.
pub fn classify(path: &Path) -> Option<FileKind> {
    // Names need not be UTF-8; a lossy copy keeps their ASCII extension intact.
    let name = path.file_name()?.to_string_lossy();
    if name == "project.pbxproj" {
        return Some(FileKind::Pbxproj);
    }
    if name == "project.yml" || name == "project.yaml" {
        return Some(FileKind::XcodeGen);
    }
    let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match extension.as_str() {
        "iig" => Some(FileKind::Iig),
        "cpp" | "cc" | "cxx" | "c++" | "c" | "mm" | "h" | "hpp" | "hh" | "hxx" => {
            Some(FileKind::Cpp)
        }
        "xcconfig" => Some(FileKind::Xcconfig),
        _ => None,
    }
}

/// Lists the files under `root` that the audit reads, in a stable order.
///
/// Symbolic links are followed; a link that leads back into a folder being walked
/// is reported once and not followed again. Folders and files that cannot be
/// read become diagnostics, so one bad entry does not stop the audit.
pub fn find_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<FoundFile> {
    let mut found = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !is_skipped_folder(entry));

    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(walk_diagnostic(root, &error));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if let Some(kind) = classify(entry.path()) {
            found.push(FoundFile {
                path: entry.into_path(),
                kind,
            });
        }
    }
    found
}

fn is_skipped_folder(entry: &walkdir::DirEntry) -> bool {
    if entry.depth() == 0 || !entry.file_type().is_dir() {
        return false;
    }
    let name = entry.file_name().to_string_lossy();
    SKIPPED_FOLDERS.contains(&name.as_ref()) || name.ends_with(".dext")
}

fn walk_diagnostic(root: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error
        .path()
        .map(|path| display_path(root, path))
        .unwrap_or_else(|| display_path(root, root));
    let message = if let Some(ancestor) = error.loop_ancestor() {
        format!(
            "symbolic link loop: it leads back to {}; not followed",
            display_path(root, ancestor)
        )
    } else if let Some(io_error) = error.io_error() {
        format!("cannot read this folder or link: {io_error}; skipped")
    } else {
        format!("cannot walk this path: {error}; skipped")
    };
    Diagnostic {
        severity: Severity::Warning,
        path,
        message,
    }
}

/// Shows `path` relative to `root` with `/` separators, or in full when it lies
/// outside `root`.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

/// Reads a source or settings file, refusing files over [`MAX_SOURCE_BYTES`].
pub fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read: {error}"))?;
    if metadata.len() > MAX_SOURCE_BYTES {
        return Err(format!(
            "skipped: {} bytes is larger than the {} MiB limit for source files",
            metadata.len(),
            MAX_SOURCE_BYTES / (1024 * 1024)
        ));
    }
    std::fs::read(path).map_err(|error| format!("cannot read: {error}"))
}
