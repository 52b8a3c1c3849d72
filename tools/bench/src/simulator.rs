//! The measurements in the simulated runtime: instructions of one call
//! under callgrind, and heap allocations counted by the probe.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;
use crate::callgrind::{Profile, matches_pattern};
use crate::entries::Entry;

/// The simulated runtime's functions that the fix calls. Their
/// instructions, with everything below them, are the floor that no fix can
/// go under; the rest of a call's instructions belong to the fix.
const RUNTIME_FUNCTIONS: [&str; 8] = [
    "IOService::CopyDispatchQueue(*",
    "IOService::SetDispatchQueue(*",
    "OSObject::CopyDispatchQueue(*",
    "OSObject::SetDispatchQueue(*",
    "OSMetaClassBase::release() const",
    "OSMetaClassBase::retain() const",
    "IODispatchQueue::Create(*",
    "dext_mock_os_log",
];

/// The runtime calls that one successful plain fix makes, each once.
const EXPECTED_RUNTIME_CALLS: [&str; 3] = [
    "IOService::CopyDispatchQueue(",
    "IOService::SetDispatchQueue(",
    "OSMetaClassBase::release()",
];

/// Allocation functions whose calls inside the collected call are counted,
/// as a check on the probe's own count.
const ALLOCATORS: [&str; 8] = [
    "malloc",
    "calloc",
    "realloc",
    "memalign",
    "aligned_alloc",
    "posix_memalign",
    "operator new(*",
    "operator new[](*",
];

/// The instructions of one call of one entry.
#[derive(Debug)]
pub struct Instructions {
    pub entry: Entry,
    /// Everything callgrind collected for the call.
    pub total: u64,
    /// Outside the runtime calls: what the fix itself costs.
    pub own: u64,
    /// Inside the runtime calls.
    pub runtime: u64,
    /// Calls into allocation functions during the call.
    pub allocator_calls: u64,
    pub profile_path: PathBuf,
}

/// Runs the probe under callgrind for `entry` and splits the cost.
pub fn measure_instructions(
    probe: &Path,
    out_dir: &Path,
    entry: Entry,
) -> Result<Instructions, Error> {
    let profile_path = out_dir.join(format!("callgrind.{}.out", entry.name()));
    let _ = fs::remove_file(&profile_path);

    // LD_BIND_NOW keeps the dynamic linker's lazy binding out of the count.
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", profile_path.display()))
        .arg(format!("--toggle-collect={}", entry.collected_function()))
        .arg(probe)
        .args(["call", entry.name()])
        .env("LD_BIND_NOW", "1")
        .output()
        .map_err(|error| {
            Error::tool(
                "valgrind",
                error,
                "install it with `apt-get install valgrind`",
            )
        })?;
    if !output.status.success() {
        return Err(Error::new(format!(
            "valgrind --tool=callgrind on `{} call {}` failed with {}:\n{}",
            probe.display(),
            entry.name(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }

    let text =
        fs::read_to_string(&profile_path).map_err(|error| Error::io(&profile_path, error))?;
    let profile = Profile::parse(&text)
        .map_err(|error| Error::new(format!("{}: {error}", profile_path.display())))?;
    let context = |message: String| Error::new(format!("{}: {message}", profile_path.display()));

    // One call of the entry, making each runtime call once.
    let root = profile
        .find_function(entry.collected_function())
        .map_err(context)?
        .to_string();
    let root_calls = profile.count_calls(|name| name == root);
    if root_calls != 1 {
        return Err(context(format!(
            "{root} was collected for {root_calls} calls instead of 1"
        )));
    }
    let is_runtime = |name: &str| {
        RUNTIME_FUNCTIONS
            .iter()
            .any(|pattern| matches_pattern(name, pattern))
    };
    let split = profile.split(&root, is_runtime);
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for (name, call) in &split.runtime_calls {
        let short = EXPECTED_RUNTIME_CALLS
            .iter()
            .find(|prefix| name.starts_with(*prefix))
            .copied()
            .unwrap_or(name.as_str());
        *counts.entry(short).or_default() += call.count;
    }
    let expected: BTreeMap<&str, u64> = EXPECTED_RUNTIME_CALLS
        .iter()
        .map(|name| (*name, 1))
        .collect();
    if counts != expected {
        return Err(context(format!(
            "{root} made the runtime calls {counts:?} instead of one each of {EXPECTED_RUNTIME_CALLS:?}"
        )));
    }

    let allocator_calls = profile.count_calls(|name| {
        ALLOCATORS
            .iter()
            .any(|pattern| matches_pattern(name, pattern))
    });
    Ok(Instructions {
        entry,
        total: profile.total,
        own: split.own,
        runtime: split.runtime,
        allocator_calls,
        profile_path,
    })
}

/// Runs the probe's allocation count and returns the allocations of one
/// call per entry.
pub fn measure_allocations(probe: &Path) -> Result<Vec<(Entry, u64)>, Error> {
    let output = Command::new(probe)
        .arg("heap")
        .output()
        .map_err(|error| Error::io(probe, error))?;
    if !output.status.success() {
        return Err(Error::new(format!(
            "`{} heap` failed with {}:\n{}",
            probe.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    parse_allocations(&String::from_utf8_lossy(&output.stdout))
}

/// Parses the probe's `heap ENTRY ALLOCATIONS` lines; every entry must
/// appear once.
fn parse_allocations(text: &str) -> Result<Vec<(Entry, u64)>, Error> {
    let mut found = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let parsed = match fields.as_slice() {
            ["heap", entry, count] => Entry::from_name(entry).zip(count.parse::<u64>().ok()),
            _ => None,
        };
        let Some((entry, count)) = parsed else {
            return Err(Error::new(format!(
                "unexpected line `{line}` from the probe's allocation count; rebuild it with \
                 `cargo build --release -p dext-compat-bench`"
            )));
        };
        found.push((entry, count));
    }
    for entry in Entry::ALL {
        if found.iter().filter(|(seen, _)| *seen == entry).count() != 1 {
            return Err(Error::new(format!(
                "the probe's allocation count did not report the {} entry exactly once:\n{text}",
                entry.name()
            )));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_parse_all_entries() {
        let parsed = parse_allocations("heap reference 0\nheap c-abi 2\nheap cxx 0\n").unwrap();
        assert_eq!(
            parsed,
            [(Entry::Reference, 0), (Entry::CAbi, 2), (Entry::Cxx, 0)]
        );
    }

    #[test]
    fn allocations_reject_missing_entry() {
        let error = parse_allocations("heap reference 0\nheap c-abi 0\n").unwrap_err();
        assert!(error.to_string().contains("cxx"), "{error}");
    }

    #[test]
    fn allocations_reject_garbage() {
        let error = parse_allocations("heap reference many\n").unwrap_err();
        assert!(error.to_string().contains("heap reference many"), "{error}");
    }
}
