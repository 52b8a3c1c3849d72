//! Finds the DriverKit user clients that abort on macOS 10.15 and 11.
//!
//! From the DriverKit 21 SDK on, `IOUserClient::ExternalMethod` runs on the
//! named queue `IOUserClientQueueExternalMethod`. The DriverKit 19 and 20
//! runtimes abort when that queue was never set, so every `IOUserClient`
//! subclass of a dext that still deploys to them must set it in `init` or
//! `Start`. This crate audits a project folder (sources and build settings) or a
//! built dext (Mach-O) for that and returns a [`report::Report`].
//!
//! ```no_run
//! let options = dext_audit::Options::default();
//! let report = dext_audit::audit_path(std::path::Path::new("examples/sample-dext"), &options);
//! println!("{}", dext_audit::text::render(&report));
//! std::process::exit(report.exit_code);
//! ```

pub mod cpp;
pub mod macho;
pub mod preproc;
pub mod project;
pub mod report;
pub mod settings;
pub mod text;
pub mod version;
pub mod walk;

use std::path::Path;

pub use project::ProjectOptions as Options;
use report::{
    Diagnostic, EXIT_AT_RISK, EXIT_BAD_INPUT, EXIT_OK, InputKind, Report, SCHEMA_VERSION, Severity,
    Summary, Verdict,
};

/// Audits `path`: a project folder, a `.dext` bundle or a Mach-O executable.
pub fn audit_path(path: &Path, options: &Options) -> Report {
    let input = path.to_string_lossy().into_owned();
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => {
            let message = if error.kind() == std::io::ErrorKind::NotFound {
                "not found; pass a dext project folder, a .dext bundle or its executable"
                    .to_string()
            } else {
                format!("cannot read: {error}")
            };
            return bad_input(&input, InputKind::Project, message);
        }
    };

    if metadata.is_dir() {
        if path.extension().is_some_and(|e| e == "dext") {
            return match macho::bundle_executables(path) {
                Ok(executables) => audit_binaries(&input, path, &executables),
                Err(message) => bad_input(&input, InputKind::Binary, message),
            };
        }
        return project::audit(path, &input, options);
    }

    if macho::starts_with_macho_magic(path) {
        let parent = path.parent().unwrap_or(Path::new("."));
        return audit_binaries(&input, parent, &[path.to_path_buf()]);
    }
    bad_input(
        &input,
        InputKind::Binary,
        "not a Mach-O file; pass a dext project folder, a .dext bundle or its executable"
            .to_string(),
    )
}

fn audit_binaries(input: &str, root: &Path, executables: &[std::path::PathBuf]) -> Report {
    let mut binaries = Vec::new();
    let mut diagnostics = Vec::new();
    let mut summary = Summary::default();
    for executable in executables {
        let display = walk::display_path(root, executable);
        match macho::audit_file(executable, display.clone()) {
            Ok(binary) => {
                for arch in &binary.architectures {
                    summary.add(arch.verdict);
                }
                binaries.push(binary);
            }
            Err(message) => diagnostics.push(Diagnostic {
                severity: Severity::Error,
                path: display,
                message,
            }),
        }
    }
    let is_driverkit = binaries
        .iter()
        .flat_map(|b| &b.architectures)
        .any(|a| a.platform == Some(macho::PLATFORM_DRIVERKIT));
    if !binaries.is_empty() && !is_driverkit {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: input.to_string(),
            message: "no architecture is built for DriverKit (LC_BUILD_VERSION platform 10); \
                      this is not a dext executable"
                .to_string(),
        });
    }

    let exit_code = if binaries.is_empty() || !is_driverkit {
        EXIT_BAD_INPUT
    } else if summary.at_risk > 0 {
        EXIT_AT_RISK
    } else {
        EXIT_OK
    };
    Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("dext-audit {}", env!("CARGO_PKG_VERSION")),
        input: input.to_string(),
        kind: InputKind::Binary,
        sdk: None,
        targets: Vec::new(),
        binaries,
        ineffective_fixes: Vec::new(),
        diagnostics,
        summary,
        exit_code,
    }
}

fn bad_input(input: &str, kind: InputKind, message: String) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: format!("dext-audit {}", env!("CARGO_PKG_VERSION")),
        input: input.to_string(),
        kind,
        sdk: None,
        targets: Vec::new(),
        binaries: Vec::new(),
        ineffective_fixes: Vec::new(),
        diagnostics: vec![Diagnostic {
            severity: Severity::Error,
            path: input.to_string(),
            message,
        }],
        summary: Summary::default(),
        exit_code: EXIT_BAD_INPUT,
    }
}

/// Returns the verdicts of every user client in a project report, for tests and
/// scripts: `(target, class, verdict)`.
pub fn user_client_verdicts(report: &Report) -> Vec<(String, String, Verdict)> {
    report
        .targets
        .iter()
        .flat_map(|t| {
            t.user_clients
                .iter()
                .map(move |u| (t.name.clone(), u.class.clone(), u.verdict))
        })
        .collect()
}
