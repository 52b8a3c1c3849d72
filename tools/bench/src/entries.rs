//! The ways a dext calls the fix, shared by the runner and the probe.

/// One way of applying the fix that the benchmarks measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The helper through its C ABI, `dext_compat_ensure_external_method_queue`.
    CAbi,
    /// The helper through the cxx header, `dext_compat::ensure_external_method_queue`.
    Cxx,
    /// The hand-written C++ in `reference/ReferenceFixup.cpp`.
    Reference,
}

impl Entry {
    pub const ALL: [Entry; 3] = [Entry::Reference, Entry::CAbi, Entry::Cxx];

    /// Returns the probe's command-line name for the entry.
    pub fn name(self) -> &'static str {
        match self {
            Entry::CAbi => "c-abi",
            Entry::Cxx => "cxx",
            Entry::Reference => "reference",
        }
    }

    pub fn from_name(name: &str) -> Option<Entry> {
        Entry::ALL.into_iter().find(|entry| entry.name() == name)
    }

    /// The function that callgrind collects for one call, as a
    /// `--toggle-collect` pattern over demangled names.
    pub fn collected_function(self) -> &'static str {
        match self {
            Entry::CAbi => "dext_compat_ensure_external_method_queue",
            Entry::Cxx => "dext_compat::ensure_external_method_queue(*",
            Entry::Reference => "ReferenceEnsureExternalMethodQueue(*",
        }
    }
}
