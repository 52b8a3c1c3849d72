//! The audit of a project folder: user clients, their fixes, and the verdicts.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cpp::{self, CandidateCall, ClassDecl, FunctionDef, NameArg, ParsedFile};
use crate::preproc::{self, Macros, Reach};
use crate::report::{
    DeploymentTarget, Diagnostic, EXIT_AT_RISK, EXIT_BAD_INPUT, EXIT_OK, FixFinding, FixState,
    FixStyle, InputKind, Location, Placement, QueueKind, Report, SCHEMA_VERSION, SdkInfo,
    SdkSource, Severity, Summary, TargetReport, UserClientReport, Verdict,
};
use crate::settings::{self, TargetSettings};
use crate::version::{FIRST_SAFE_RUNTIME, Version};
use crate::walk::{self, FileKind, FoundFile};

/// The DriverKit base class whose subclasses handle external methods.
const USER_CLIENT_BASE: &str = "IOUserClient";

/// The deployment target assumed when no build setting states one: the oldest
/// DriverKit (macOS 10.15), so a missing setting never hides a risk.
const OLDEST_DRIVERKIT: Version = Version::new(19, 0, 0);

/// Calls are followed this many levels deep from `init` and `Start`.
const MAX_CALL_DEPTH: usize = 8;

/// Methods in which the fix must run: external methods can arrive as soon as `Start` returns.
const ENTRY_METHODS: &[&str] = &["init", "Start"];

/// Options of a project audit.
#[derive(Debug, Clone, Default)]
pub struct ProjectOptions {
    pub sdk_version: Option<Version>,
    /// Extra macros, `NAME` or `NAME=VALUE`, as `-D` would give them.
    pub defines: Vec<String>,
    /// Ask `xcrun` for the SDK version when none is given (macOS only).
    pub use_xcrun: bool,
}

/// A parsed source file and its path.
struct Source {
    path: PathBuf,
    display: String,
    parsed: ParsedFile,
}

/// A function, as an index into `sources` and into that file's functions.
type FunctionId = (usize, usize);

/// Audits the project folder at `root`; `input` is the path as the user gave it.
pub fn audit(root: &Path, input: &str, options: &ProjectOptions) -> Report {
    let mut diagnostics = Vec::new();

    // Find files and read build settings.
    let files = walk::find_files(root, &mut diagnostics);
    let project_settings = settings::load(root, &files);
    for (path, message) in &project_settings.warnings {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            path: walk::display_path(root, path),
            message: message.clone(),
        });
    }

    // Parse the C++ and iig sources.
    let sources = parse_all(root, &files, &mut diagnostics);
    let has_iig = files.iter().any(|f| f.kind == FileKind::Iig);
    let has_project = files
        .iter()
        .any(|f| matches!(f.kind, FileKind::Pbxproj | FileKind::XcodeGen));
    if !has_iig && !has_project {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: input.to_string(),
            message: "no .iig files, Xcode project or XcodeGen spec found here; \
                      pass the folder of a dext project or a built .dext"
                .to_string(),
        });
        return empty_report(input, diagnostics);
    }

    // Decide the SDK version and the macros the preprocessor would see.
    let sdk = resolve_sdk(options);
    let mut macros = Macros::new(sdk.version >= FIRST_SAFE_RUNTIME);
    let mut source_defines = HashMap::new();
    for definition in project_settings.definitions.iter().chain(&options.defines) {
        macros.define(definition);
    }
    for source in &sources {
        for (name, value) in &source.parsed.defines {
            macros.define_from_source(name, value.as_deref());
            if let Some(value) = value {
                source_defines.insert(name.clone(), value.clone());
            }
        }
    }

    let analysis = Analysis::new(&sources, &macros, &source_defines);
    let mut targets = assign_targets(root, &project_settings.targets, &analysis);
    let mut report_targets = Vec::new();
    let mut summary = Summary::default();
    for (target, members) in targets.drain(..) {
        let report = analysis.target_report(&target, &members, &sdk, &mut diagnostics);
        for user_client in &report.user_clients {
            summary.add(user_client.verdict);
        }
        report_targets.push(report);
    }

    let at_risk = report_targets.iter().any(|t| t.verdict == Verdict::AtRisk);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("dext-audit {}", env!("CARGO_PKG_VERSION")),
        input: input.to_string(),
        kind: InputKind::Project,
        sdk: Some(sdk),
        targets: report_targets,
        binaries: Vec::new(),
        ineffective_fixes: analysis.ineffective.clone(),
        diagnostics,
        summary,
        exit_code: if at_risk { EXIT_AT_RISK } else { EXIT_OK },
    }
}

fn empty_report(input: &str, diagnostics: Vec<Diagnostic>) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("dext-audit {}", env!("CARGO_PKG_VERSION")),
        input: input.to_string(),
        kind: InputKind::Project,
        sdk: None,
        targets: Vec::new(),
        binaries: Vec::new(),
        ineffective_fixes: Vec::new(),
        diagnostics,
        summary: Summary::default(),
        exit_code: EXIT_BAD_INPUT,
    }
}

/// Parses every C++ and iig file, on as many threads as there are cores.
fn parse_all(root: &Path, files: &[FoundFile], diagnostics: &mut Vec<Diagnostic>) -> Vec<Source> {
    let wanted: Vec<&FoundFile> = files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Iig | FileKind::Cpp))
        .collect();
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(wanted.len().max(1));

    let mut results: Vec<(usize, Result<ParsedFile, String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut parser = cpp::new_parser();
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = wanted.get(index) else {
                            break;
                        };
                        let result = walk::read_limited(&file.path).and_then(|bytes| {
                            cpp::parse_source(&mut parser, &bytes, file.kind == FileKind::Iig)
                                .ok_or_else(|| "the C++ parser gave up on this file".to_string())
                        });
                        done.push((index, result));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);

    let mut sources = Vec::new();
    for (index, result) in results {
        let file = wanted[index];
        let display = walk::display_path(root, &file.path);
        match result {
            Ok(parsed) => sources.push(Source {
                path: file.path.clone(),
                display,
                parsed,
            }),
            Err(message) => diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                path: display,
                message,
            }),
        }
    }
    sources
}

/// Takes the SDK version from the option, then `xcrun` on macOS, else assumes one.
fn resolve_sdk(options: &ProjectOptions) -> SdkInfo {
    if let Some(version) = options.sdk_version {
        return SdkInfo {
            version,
            source: SdkSource::Option,
            note: "given with --sdk-version".to_string(),
        };
    }
    let xcrun_note = if options.use_xcrun && cfg!(target_os = "macos") {
        match xcrun_sdk_version() {
            Ok(version) => {
                return SdkInfo {
                    version,
                    source: SdkSource::Xcrun,
                    note: "from `xcrun --sdk driverkit --show-sdk-version`".to_string(),
                };
            }
            Err(message) => format!("`xcrun` failed ({message}); "),
        }
    } else {
        String::new()
    };
    SdkInfo {
        version: FIRST_SAFE_RUNTIME,
        source: SdkSource::Assumed,
        note: format!(
            "{xcrun_note}assumed DriverKit 21.0 or later, as in every Xcode since 13.1; \
             pass --sdk-version to state it"
        ),
    }
}

fn xcrun_sdk_version() -> Result<Version, String> {
    let output = std::process::Command::new("xcrun")
        .args(["--sdk", "driverkit", "--show-sdk-version"])
        .output()
        .map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Version::parse(&text).ok_or_else(|| format!("unexpected output {:?}", text.trim()))
}

/// Pairs each target with the user clients it builds. Classes no target claims
/// go to a stand-in target whose deployment target is assumed.
fn assign_targets(
    root: &Path,
    targets: &[TargetSettings],
    analysis: &Analysis,
) -> Vec<(TargetSettings, Vec<String>)> {
    let mut assigned: Vec<(TargetSettings, Vec<String>)> =
        targets.iter().map(|t| (t.clone(), Vec::new())).collect();
    let mut unassigned = Vec::new();

    for class in &analysis.user_clients {
        let path = &analysis.sources[analysis.classes[class].1].path;
        let mut claimed = false;
        for (target, members) in &mut assigned {
            if target.contains(path) {
                members.push(class.clone());
                claimed = true;
            }
        }
        if !claimed {
            unassigned.push(class.clone());
        }
    }

    if !unassigned.is_empty() || assigned.is_empty() {
        let name = if assigned.is_empty() {
            settings::folder_name(root)
        } else {
            "(sources in no dext target)".to_string()
        };
        assigned.push((
            TargetSettings {
                name,
                defined_by: "none",
                location: None,
                configurations: Vec::new(),
                member_files: HashSet::new(),
                member_folders: Vec::new(),
                fallback_deployment: None,
            },
            unassigned,
        ));
    }
    assigned
}

/// The project-wide facts that every verdict draws on.
struct Analysis<'a> {
    sources: &'a [Source],
    macros: &'a Macros,
    source_defines: &'a HashMap<String, String>,
    /// Class name to its declaration and source index; iig declarations win.
    classes: HashMap<String, (ClassDecl, usize)>,
    /// User client class names, sorted.
    user_clients: Vec<String>,
    /// Each user client's chain of classes up to `IOUserClient`.
    chains: HashMap<String, Vec<String>>,
    functions_by_name: HashMap<String, Vec<FunctionId>>,
    /// Functions reached from some user client's `init` or `Start`.
    reached: HashSet<FunctionId>,
    ineffective: Vec<FixFinding>,
}

impl<'a> Analysis<'a> {
    fn new(
        sources: &'a [Source],
        macros: &'a Macros,
        source_defines: &'a HashMap<String, String>,
    ) -> Self {
        let mut classes: HashMap<String, (ClassDecl, usize)> = HashMap::new();
        let mut functions_by_name: HashMap<String, Vec<FunctionId>> = HashMap::new();
        for (source_index, source) in sources.iter().enumerate() {
            let is_iig = source.path.extension().is_some_and(|e| e == "iig");
            for class in &source.parsed.classes {
                let replace = match classes.get(&class.name) {
                    None => true,
                    Some((_, existing)) => {
                        is_iig
                            && sources[*existing]
                                .path
                                .extension()
                                .is_none_or(|e| e != "iig")
                    }
                };
                if replace {
                    classes.insert(class.name.clone(), (class.clone(), source_index));
                }
            }
            for (function_index, function) in source.parsed.functions.iter().enumerate() {
                functions_by_name
                    .entry(function.name.clone())
                    .or_default()
                    .push((source_index, function_index));
            }
        }

        let mut analysis = Analysis {
            sources,
            macros,
            source_defines,
            classes,
            user_clients: Vec::new(),
            chains: HashMap::new(),
            functions_by_name,
            reached: HashSet::new(),
            ineffective: Vec::new(),
        };

        let mut names: Vec<String> = analysis.classes.keys().cloned().collect();
        names.sort();
        for name in names {
            if let Some(chain) = analysis.chain_to_user_client(&name) {
                analysis.chains.insert(name.clone(), chain);
                analysis.user_clients.push(name);
            }
        }

        let mut reached = HashSet::new();
        for class in &analysis.user_clients {
            for link in &analysis.chains[class] {
                reached.extend(analysis.reach_from(link));
            }
        }
        analysis.reached = reached;
        analysis.ineffective = analysis.find_ineffective();
        analysis
    }

    /// Returns `[class, base, ..., IOUserClient]` when `name` derives from
    /// `IOUserClient` through classes declared in the project.
    fn chain_to_user_client(&self, name: &str) -> Option<Vec<String>> {
        let mut chain = vec![name.to_string()];
        let mut seen = HashSet::from([name.to_string()]);
        let mut current = name.to_string();
        loop {
            let (class, _) = self.classes.get(&current)?;
            if class.bases.iter().any(|b| b == USER_CLIENT_BASE) {
                chain.push(USER_CLIENT_BASE.to_string());
                return Some(chain);
            }
            // Follow the first base that is a project class, because an iig class
            // derives from one DriverKit class.
            let next = class
                .bases
                .iter()
                .find(|b| self.classes.contains_key(*b) && !seen.contains(*b))?
                .clone();
            seen.insert(next.clone());
            chain.push(next.clone());
            current = next;
        }
    }

    fn function(&self, id: FunctionId) -> &FunctionDef {
        &self.sources[id.0].parsed.functions[id.1]
    }

    /// Lists the functions reached from `class`'s `init` and `Start`.
    fn reach_from(&self, class: &str) -> Vec<FunctionId> {
        let mut queue: VecDeque<(FunctionId, usize)> = VecDeque::new();
        for method in ENTRY_METHODS {
            for id in self.functions_by_name.get(*method).into_iter().flatten() {
                if self.function(*id).class.as_deref() == Some(class) {
                    queue.push_back((*id, 0));
                }
            }
        }
        let mut seen: HashSet<FunctionId> = queue.iter().map(|(id, _)| *id).collect();
        let mut order = Vec::new();
        while let Some((id, depth)) = queue.pop_front() {
            order.push(id);
            if depth >= MAX_CALL_DEPTH {
                continue;
            }
            let caller = self.function(id);
            for name in &caller.calls {
                for callee in self.functions_by_name.get(name).into_iter().flatten() {
                    let function = self.function(*callee);
                    let same_object = function.class.is_none() || function.class == caller.class;
                    if same_object && seen.insert(*callee) {
                        queue.push_back((*callee, depth + 1));
                    }
                }
            }
        }
        order
    }

    /// Turns a candidate call into a finding when it sets the ExternalMethod queue.
    fn finding(
        &self,
        candidate: &CandidateCall,
        function: Option<&FunctionDef>,
        file: &str,
        placement: Placement,
    ) -> Option<FixFinding> {
        if let Some(name) = &candidate.queue_name
            && !self.names_external_method_queue(name, 0)
        {
            return None;
        }
        let (state, condition) = if candidate.commented_out {
            (FixState::CommentedOut, None)
        } else {
            match preproc::reach(&candidate.requirements, self.macros) {
                Reach::Compiled => (FixState::Active, None),
                Reach::Unknown(text) => (FixState::Conditional, Some(text)),
                Reach::Excluded(text) => (FixState::CompiledOut, Some(text)),
            }
        };
        let queue = match (candidate.style, function) {
            (FixStyle::LibraryCxx | FixStyle::LibraryC, _) => QueueKind::Library,
            (FixStyle::SetDispatchQueue, Some(f)) if f.creates_queue => QueueKind::Dedicated,
            (FixStyle::SetDispatchQueue, Some(f)) if f.copies_queue => QueueKind::Default,
            (FixStyle::SetDispatchQueue, _) => QueueKind::Unknown,
        };
        Some(FixFinding {
            api: candidate.api.clone(),
            style: candidate.style,
            queue,
            function: function
                .map(FunctionDef::qualified_name)
                .unwrap_or_else(|| "(file scope)".to_string()),
            location: Location {
                file: file.to_string(),
                line: candidate.line,
            },
            state,
            condition,
            placement,
        })
    }

    /// Tells whether a queue name argument is the ExternalMethod queue, following
    /// `#define`s made in the project.
    fn names_external_method_queue(&self, name: &NameArg, depth: usize) -> bool {
        match name {
            NameArg::Literal(text) => text == cpp::EXTERNAL_METHOD_QUEUE,
            NameArg::Identifier(identifier) if identifier == cpp::EXTERNAL_METHOD_QUEUE_MACRO => {
                true
            }
            NameArg::Identifier(identifier) if depth < 4 => {
                match self.source_defines.get(identifier) {
                    Some(value) => {
                        let value = value.trim();
                        let next = if value.starts_with('"') {
                            NameArg::Literal(value.trim_matches('"').to_string())
                        } else {
                            NameArg::Identifier(value.to_string())
                        };
                        self.names_external_method_queue(&next, depth + 1)
                    }
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// Collects the findings in `functions`, each with `placement`.
    fn findings_in(&self, functions: &[FunctionId], placement: Placement) -> Vec<FixFinding> {
        let mut findings = Vec::new();
        for id in functions {
            let function = self.function(*id);
            let file = &self.sources[id.0].display;
            for candidate in &function.candidates {
                findings.extend(self.finding(candidate, Some(function), file, placement));
            }
        }
        findings
    }

    /// Finds calls that set the ExternalMethod queue where no user client's
    /// `init` or `Start` reaches them.
    fn find_ineffective(&self) -> Vec<FixFinding> {
        let mut findings = Vec::new();
        for (source_index, source) in self.sources.iter().enumerate() {
            for (function_index, function) in source.parsed.functions.iter().enumerate() {
                if self.reached.contains(&(source_index, function_index)) {
                    continue;
                }
                let placement = match &function.class {
                    Some(class) if self.chains.contains_key(class) => Placement::NotInInitOrStart,
                    Some(_) => Placement::WrongObject,
                    None => Placement::NotCalled,
                };
                for candidate in &function.candidates {
                    findings.extend(self.finding(
                        candidate,
                        Some(function),
                        &source.display,
                        placement,
                    ));
                }
            }
            for candidate in &source.parsed.loose_candidates {
                findings.extend(self.finding(
                    candidate,
                    None,
                    &source.display,
                    Placement::NotCalled,
                ));
            }
        }
        findings
    }

    fn target_report(
        &self,
        target: &TargetSettings,
        members: &[String],
        sdk: &SdkInfo,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> TargetReport {
        let deployment = self.deployment_target(target, diagnostics);
        let exemption = exemption(&deployment, sdk);

        let mut user_clients = Vec::new();
        for class in members {
            user_clients.push(self.user_client_report(
                class,
                target,
                exemption.as_deref(),
                &deployment,
            ));
        }

        let at_risk = user_clients
            .iter()
            .filter(|u| u.verdict == Verdict::AtRisk)
            .count();
        let (verdict, reason) = if let Some(reason) = exemption {
            (Verdict::NotAffected, reason)
        } else if user_clients.is_empty() {
            (
                Verdict::NotAffected,
                "no IOUserClient subclass is built by this target".to_string(),
            )
        } else if at_risk > 0 {
            (
                Verdict::AtRisk,
                format!(
                    "{at_risk} of {} user clients never set the ExternalMethod queue and abort on macOS 10.15 and 11",
                    user_clients.len()
                ),
            )
        } else {
            (
                Verdict::Fixed,
                format!(
                    "all {} user clients set the ExternalMethod queue",
                    user_clients.len()
                ),
            )
        };

        TargetReport {
            name: target.name.clone(),
            defined_by: target.defined_by.to_string(),
            location: target.location.clone(),
            deployment_target: deployment,
            verdict,
            reason,
            user_clients,
        }
    }

    fn deployment_target(
        &self,
        target: &TargetSettings,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> DeploymentTarget {
        match target.deployment_target() {
            Ok(Some(found)) => DeploymentTarget {
                version: found.version,
                assumed: false,
                configuration: found.configuration,
                location: Some(found.location),
            },
            Ok(None) => DeploymentTarget {
                version: OLDEST_DRIVERKIT,
                assumed: true,
                configuration: None,
                location: None,
            },
            Err(message) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    path: target.name.clone(),
                    message: format!("{message}; assumed DriverKit {OLDEST_DRIVERKIT}"),
                });
                DeploymentTarget {
                    version: OLDEST_DRIVERKIT,
                    assumed: true,
                    configuration: None,
                    location: None,
                }
            }
        }
    }

    fn user_client_report(
        &self,
        class: &str,
        target: &TargetSettings,
        exemption: Option<&str>,
        deployment: &DeploymentTarget,
    ) -> UserClientReport {
        let (declaration, source_index) = &self.classes[class];
        let chain = self.chains[class].clone();

        // Fixes reached from the class's own init or Start, then from its bases'.
        let own = self.findings_in(&self.reach_from(class), Placement::UserClient);
        let mut inherited = Vec::new();
        for base in chain.iter().skip(1).filter(|b| *b != USER_CLIENT_BASE) {
            inherited.extend(self.findings_in(&self.reach_from(base), Placement::Inherited));
        }
        let (fixes, mut problems): (Vec<FixFinding>, Vec<FixFinding>) = own
            .into_iter()
            .chain(inherited)
            .partition(|f| matches!(f.state, FixState::Active | FixState::Conditional));

        // Fixes elsewhere that were probably meant for this class.
        for finding in &self.ineffective {
            let related = match finding.placement {
                Placement::NotInInitOrStart => chain
                    .iter()
                    .any(|c| finding.function.starts_with(&format!("{c}::"))),
                _ => self.file_in_target(&finding.location.file, target),
            };
            if related {
                problems.push(finding.clone());
            }
        }

        let (verdict, reason) = if let Some(reason) = exemption {
            (Verdict::NotAffected, reason.to_string())
        } else if let Some(fix) = fixes.first() {
            let via = match fix.placement {
                Placement::Inherited => "inherited from",
                _ => "in",
            };
            let mut reason = format!(
                "sets the ExternalMethod queue {via} {} with {} at {}",
                fix.function, fix.api, fix.location
            );
            if let Some(condition) = &fix.condition {
                reason.push_str(&format!(", inside {condition}"));
            }
            (Verdict::Fixed, reason)
        } else {
            let mut reason = format!(
                "no call that sets the ExternalMethod queue is reached from {class}'s init or Start, \
                 and the deployment target {}{} lets it load on macOS 10.15 and 11",
                deployment.version,
                if deployment.assumed { " (assumed)" } else { "" }
            );
            if !problems.is_empty() {
                reason.push_str(&format!(
                    "; {} ineffective fix(es) found, listed under problems",
                    problems.len()
                ));
            }
            (Verdict::AtRisk, reason)
        };

        UserClientReport {
            class: class.to_string(),
            location: Location {
                file: self.sources[*source_index].display.clone(),
                line: declaration.line,
            },
            inheritance: chain,
            verdict,
            reason,
            fixes,
            problems,
        }
    }

    fn file_in_target(&self, display: &str, target: &TargetSettings) -> bool {
        if target.defined_by == "none" || target.defined_by == "xcconfig" {
            return true;
        }
        self.sources
            .iter()
            .find(|s| s.display == display)
            .is_some_and(|s| target.contains(&s.path))
    }
}

/// Returns why a target cannot meet the abort at all, if it cannot.
fn exemption(deployment: &DeploymentTarget, sdk: &SdkInfo) -> Option<String> {
    if deployment.version >= FIRST_SAFE_RUNTIME {
        return Some(format!(
            "deployment target {} is 21.0 or later, and DriverKit 21+ runtimes fall back \
             to the default queue",
            deployment.version
        ));
    }
    if sdk.version < FIRST_SAFE_RUNTIME {
        return Some(format!(
            "SDK {} is older than 21.0, so ExternalMethod has no named queue",
            sdk.version
        ));
    }
    None
}
