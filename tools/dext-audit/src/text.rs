//! The human-readable form of a report.

use std::fmt::Write;

use crate::report::{
    ArchReport, FixFinding, FixState, InputKind, Placement, QueueKind, Report, Severity, Verdict,
};

/// Renders `report` as plain text, one block per target or architecture.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", report.tool, report.input);
    if let Some(sdk) = &report.sdk {
        let _ = writeln!(out, "SDK: DriverKit {} ({})", sdk.version, sdk.note);
    }

    for target in &report.targets {
        let _ = writeln!(out);
        let origin = match (&target.location, target.defined_by.as_str()) {
            (Some(location), by) => format!("{by} target at {location}"),
            (None, "xcconfig") => "xcconfig files without a project".to_string(),
            (None, _) => "no build files claim these sources".to_string(),
        };
        let _ = writeln!(out, "Target {} ({origin})", target.name);
        let deployment = &target.deployment_target;
        let where_set = match (
            &deployment.location,
            &deployment.configuration,
            deployment.assumed,
        ) {
            (_, _, true) => "not set; assumed the oldest DriverKit".to_string(),
            // Loose xcconfig files are named after their file, which the location repeats.
            (Some(location), Some(configuration), _) if *configuration != location.file => {
                format!("{configuration}, {location}")
            }
            (Some(location), _, _) => location.to_string(),
            (None, _, _) => String::new(),
        };
        let _ = writeln!(
            out,
            "  deployment target: DriverKit {} ({where_set})",
            deployment.version
        );
        let _ = writeln!(
            out,
            "  verdict: {}: {}",
            target.verdict.label(),
            target.reason
        );

        for client in &target.user_clients {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "  {} ({}), {}",
                client.class,
                client.location,
                client.inheritance.join(" -> ")
            );
            let _ = writeln!(
                out,
                "    verdict: {}: {}",
                client.verdict.label(),
                client.reason
            );
            for fix in &client.fixes {
                let _ = writeln!(out, "    fix: {}", describe_fix(fix));
            }
            for problem in &client.problems {
                let _ = writeln!(out, "    problem: {}", describe_fix(problem));
            }
        }
    }

    for binary in &report.binaries {
        let _ = writeln!(out);
        let _ = writeln!(out, "Executable {}", binary.file);
        for arch in &binary.architectures {
            render_arch(&mut out, arch);
        }
    }

    let unlisted: Vec<&FixFinding> = report
        .ineffective_fixes
        .iter()
        .filter(|f| {
            !report
                .targets
                .iter()
                .flat_map(|t| &t.user_clients)
                .any(|u| u.problems.iter().any(|p| p.location == f.location))
        })
        .collect();
    if !unlisted.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Ineffective fixes not tied to a user client:");
        for finding in unlisted {
            let _ = writeln!(out, "  {}", describe_fix(finding));
        }
    }

    if !report.diagnostics.is_empty() {
        let _ = writeln!(out);
        for diagnostic in &report.diagnostics {
            let severity = match diagnostic.severity {
                Severity::Warning => "warning",
                Severity::Error => "error",
            };
            let _ = writeln!(
                out,
                "{severity}: {}: {}",
                diagnostic.path, diagnostic.message
            );
        }
    }

    let _ = writeln!(out);
    let counted = match report.kind {
        InputKind::Project => "user clients",
        InputKind::Binary => "architectures",
    };
    let _ = writeln!(
        out,
        "Summary ({counted}): {} at risk, {} fixed, {} not affected; exit status {}",
        report.summary.at_risk, report.summary.fixed, report.summary.not_affected, report.exit_code
    );
    out
}

fn render_arch(out: &mut String, arch: &ArchReport) {
    let version =
        |v: Option<crate::version::Version>| v.map_or("unknown".to_string(), |v| v.to_string());
    let platform = match arch.platform {
        Some(10) => "DriverKit".to_string(),
        Some(other) => format!("platform {other}"),
        None => "no LC_BUILD_VERSION".to_string(),
    };
    let _ = writeln!(
        out,
        "  {}: {platform}, minimum {}, SDK {}",
        arch.arch,
        version(arch.min_version),
        version(arch.sdk_version)
    );
    if !arch.external_method_classes.is_empty() {
        let _ = writeln!(
            out,
            "    classes on the ExternalMethod queue: {}",
            arch.external_method_classes.join(", ")
        );
    }
    for evidence in &arch.fix_evidence {
        let _ = writeln!(out, "    evidence: {evidence}");
    }
    let confidence = match arch.confidence {
        crate::report::Confidence::High => "high",
        crate::report::Confidence::Medium => "medium",
        crate::report::Confidence::Low => "low",
    };
    let _ = writeln!(
        out,
        "    verdict: {} ({confidence} confidence): {}",
        arch.verdict.label(),
        arch.reason
    );
}

fn describe_fix(fix: &FixFinding) -> String {
    let state = match fix.state {
        FixState::Active => String::new(),
        FixState::Conditional => format!(
            " [inside {}]",
            fix.condition.as_deref().unwrap_or("a condition")
        ),
        FixState::CompiledOut => format!(
            " [compiled out by {}]",
            fix.condition.as_deref().unwrap_or("a condition")
        ),
        FixState::CommentedOut => " [commented out]".to_string(),
    };
    let placement = match fix.placement {
        Placement::UserClient => "",
        Placement::Inherited => " [inherited from a base class]",
        Placement::WrongObject => {
            " [wrong object: this class does not derive from IOUserClient; set the queue in the user client's Start]"
        }
        Placement::NotInInitOrStart => " [not reached from init or Start, so too late]",
        Placement::NotCalled => " [no user client's init or Start calls this]",
    };
    let queue = match fix.queue {
        QueueKind::Library => "",
        QueueKind::Default => " (default queue)",
        QueueKind::Dedicated => " (dedicated queue)",
        QueueKind::Unknown => " (queue of unknown origin)",
    };
    format!(
        "{}{queue} in {} at {}{state}{placement}",
        fix.api, fix.function, fix.location
    )
}

/// Returns a one-word label, for callers that print their own summaries.
pub fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::AtRisk => "at-risk",
        Verdict::Fixed => "fixed",
        Verdict::NotAffected => "not-affected",
    }
}
