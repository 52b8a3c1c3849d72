//! The audit result: the data behind both the text output and the JSON schema.
//!
//! Every field is always present in JSON (an absent value is `null`, an empty list
//! `[]`), so consumers can rely on the shape. Any change to names, meanings or
//! value sets raises [`SCHEMA_VERSION`].

use serde::Serialize;

use crate::version::Version;

/// Version of the JSON schema described in the crate README.
pub const SCHEMA_VERSION: u32 = 1;

/// Exit status when nothing is at risk.
pub const EXIT_OK: i32 = 0;
/// Exit status when at least one user client, target or architecture is at risk.
pub const EXIT_AT_RISK: i32 = 1;
/// Exit status for a missing, unreadable or unrecognised input.
pub const EXIT_BAD_INPUT: i32 = 2;

/// The whole result of one run.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: String,
    pub input: String,
    pub kind: InputKind,
    pub sdk: Option<SdkInfo>,
    pub targets: Vec<TargetReport>,
    pub binaries: Vec<BinaryReport>,
    pub ineffective_fixes: Vec<FixFinding>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    pub exit_code: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Project,
    Binary,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    AtRisk,
    Fixed,
    NotAffected,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::AtRisk => "AT RISK",
            Verdict::Fixed => "fixed",
            Verdict::NotAffected => "not affected",
        }
    }
}

/// A file and 1-based line, the file relative to the audited folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Origin of the DriverKit SDK version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SdkSource {
    Option,
    Xcrun,
    Assumed,
}

#[derive(Debug, Serialize)]
pub struct SdkInfo {
    pub version: Version,
    pub source: SdkSource,
    pub note: String,
}

/// A deployment target value and the setting it came from.
#[derive(Clone, Debug, Serialize)]
pub struct DeploymentTarget {
    pub version: Version,
    /// True when no build setting was found and the oldest DriverKit was assumed.
    pub assumed: bool,
    pub configuration: Option<String>,
    pub location: Option<Location>,
}

#[derive(Debug, Serialize)]
pub struct TargetReport {
    pub name: String,
    /// `xcode`, `xcodegen`, `xcconfig` or `none`.
    pub defined_by: String,
    pub location: Option<Location>,
    pub deployment_target: DeploymentTarget,
    pub verdict: Verdict,
    pub reason: String,
    pub user_clients: Vec<UserClientReport>,
}

#[derive(Debug, Serialize)]
pub struct UserClientReport {
    pub class: String,
    pub location: Location,
    /// The class, its project base classes, then `IOUserClient`.
    pub inheritance: Vec<String>,
    pub verdict: Verdict,
    pub reason: String,
    pub fixes: Vec<FixFinding>,
    pub problems: Vec<FixFinding>,
}

/// The API a fix calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStyle {
    /// `dext_compat::ensure_*` through the cxx bridge.
    LibraryCxx,
    /// `dext_compat_ensure_*` through the C ABI.
    LibraryC,
    /// `SetDispatchQueue` with the ExternalMethod queue name, written by hand.
    SetDispatchQueue,
}

/// Queue that a fix installs under the ExternalMethod name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// The library decides (the object's default queue).
    Library,
    /// `CopyDispatchQueue(kIOServiceDefaultQueueName, ...)` in the same function.
    Default,
    /// `IODispatchQueue::Create` in the same function.
    Dedicated,
    /// Neither call appears in the same function.
    Unknown,
}

/// Compilation state of a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixState {
    Active,
    /// Inside preprocessor conditions the audit cannot evaluate; counted as present.
    Conditional,
    CompiledOut,
    CommentedOut,
}

/// Whether the call runs on the user client object early enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Reached from the user client's own `init` or `Start`.
    UserClient,
    /// Reached from `init` or `Start` of a project base class.
    Inherited,
    /// In a class that does not derive from `IOUserClient`, such as the provider.
    WrongObject,
    /// In a user client, but not reached from `init` or `Start`.
    NotInInitOrStart,
    /// In a free function that no user client's `init` or `Start` calls.
    NotCalled,
}

#[derive(Clone, Debug, Serialize)]
pub struct FixFinding {
    pub api: String,
    pub style: FixStyle,
    pub queue: QueueKind,
    pub function: String,
    pub location: Location,
    pub state: FixState,
    /// The preprocessor condition behind `conditional` or `compiled_out`.
    pub condition: Option<String>,
    pub placement: Placement,
}

#[derive(Debug, Serialize)]
pub struct BinaryReport {
    pub file: String,
    pub architectures: Vec<ArchReport>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

#[derive(Debug, Serialize)]
pub struct ArchReport {
    pub arch: String,
    /// Platform number from `LC_BUILD_VERSION` (DriverKit is 10), `null` without one.
    pub platform: Option<u32>,
    pub min_version: Option<Version>,
    pub sdk_version: Option<Version>,
    pub classes: Vec<ClassDescription>,
    /// Classes whose description lists `IOUserClientQueueExternalMethod`.
    pub external_method_classes: Vec<String>,
    /// Signs in the binary that a fix is linked in or written by hand.
    pub fix_evidence: Vec<String>,
    pub verdict: Verdict,
    pub confidence: Confidence,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ClassDescription {
    pub name: String,
    pub super_name: String,
    pub queue_names: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

/// A file the audit could not read or parse completely.
#[derive(Debug, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    pub message: String,
}

/// Counts of user clients (project input) or architectures (binary input).
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub at_risk: usize,
    pub fixed: usize,
    pub not_affected: usize,
}

impl Summary {
    pub fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::AtRisk => self.at_risk += 1,
            Verdict::Fixed => self.fixed += 1,
            Verdict::NotAffected => self.not_affected += 1,
        }
    }
}
