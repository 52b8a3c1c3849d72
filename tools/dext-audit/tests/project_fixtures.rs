//! Verdicts on the committed fixture projects, which imitate the layouts of real
//! dext repositories: an Xcode project, an XcodeGen spec, and bare sources.

use std::path::{Path, PathBuf};

use dext_audit::report::{FixState, Placement, QueueKind, Report, UserClientReport, Verdict};
use dext_audit::{Options, audit_path, user_client_verdicts};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn audit(name: &str) -> Report {
    audit_path(&fixture(name), &Options::default())
}

fn client<'r>(report: &'r Report, class: &str) -> &'r UserClientReport {
    report
        .targets
        .iter()
        .flat_map(|t| &t.user_clients)
        .find(|u| u.class == class)
        .unwrap_or_else(|| {
            panic!(
                "no user client {class} in {:#?}",
                user_client_verdicts(report)
            )
        })
}

#[test]
fn xcode_project_verdicts() {
    let report = audit("xcode-project");
    let mut verdicts = user_client_verdicts(&report);
    verdicts.sort();
    let expected = [
        ("VendorDriver", "ControlUserClient", Verdict::Fixed),
        ("VendorDriver", "DiagnosticsUserClient", Verdict::Fixed),
        ("VendorDriver", "LegacyUserClient", Verdict::AtRisk),
        ("VendorDriver", "StreamUserClient", Verdict::Fixed),
        ("VendorDriver", "VendorBaseUserClient", Verdict::Fixed),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(t, c, v)| (t.to_string(), c.to_string(), *v))
        .collect();
    assert_eq!(verdicts, expected);
    assert_eq!(report.exit_code, 1);
}

#[test]
fn xcode_project_target_settings() {
    let report = audit("xcode-project");
    assert_eq!(report.targets.len(), 1, "the app target is not a dext");
    let target = &report.targets[0];
    assert_eq!(target.verdict, Verdict::AtRisk);
    assert_eq!(target.defined_by, "xcode");

    // Debug says 21.0 and Release 20.0: the oldest decides.
    let deployment = &target.deployment_target;
    assert_eq!(deployment.version.to_string(), "20.0");
    assert!(!deployment.assumed);
    assert_eq!(deployment.configuration.as_deref(), Some("Release"));
    let location = deployment.location.as_ref().unwrap();
    assert_eq!(location.file, "VendorDriver.xcodeproj/project.pbxproj");
}

#[test]
fn xcode_project_fix_kinds() {
    let report = audit("xcode-project");

    // CopyDispatchQueue then SetDispatchQueue, in a CRLF file, inside
    // `#ifdef kIOUserClientQueueNameExternalMethod`, which SDK 21 defines.
    let control = &client(&report, "ControlUserClient").fixes[0];
    assert_eq!(control.queue, QueueKind::Default);
    assert_eq!(control.state, FixState::Active);
    assert_eq!(control.location.line, 22);

    // IODispatchQueue::Create in init, with the queue name as a string.
    let stream = &client(&report, "StreamUserClient").fixes[0];
    assert_eq!(stream.queue, QueueKind::Dedicated);
    assert_eq!(stream.function, "StreamUserClient::init");

    // The C ABI in a base class's Start, in a Latin-1 file.
    let diagnostics = &client(&report, "DiagnosticsUserClient").fixes[0];
    assert_eq!(diagnostics.placement, Placement::Inherited);
    assert_eq!(diagnostics.api, "dext_compat_ensure_external_method_queue");

    let legacy = client(&report, "LegacyUserClient");
    assert_eq!(legacy.problems.len(), 1);
    assert_eq!(legacy.problems[0].state, FixState::CommentedOut);
    assert_eq!(legacy.problems[0].location.line, 13);
}

#[test]
fn xcode_project_fix_vanishes_with_old_sdk() {
    // With SDK 20 the `#ifdef kIOUserClientQueueNameExternalMethod` branch is
    // dropped, but then nothing is affected at all.
    let options = Options {
        sdk_version: dext_audit::version::Version::parse("20.4"),
        ..Options::default()
    };
    let report = audit_path(&fixture("xcode-project"), &options);
    assert!(
        user_client_verdicts(&report)
            .iter()
            .all(|(_, _, v)| *v == Verdict::NotAffected)
    );
    assert_eq!(report.exit_code, 0);
}

#[test]
fn xcodegen_project_verdicts() {
    let report = audit("xcodegen-project");
    let names: Vec<_> = report.targets.iter().map(|t| t.name.as_str()).collect();
    assert!(names.contains(&"PcieDriver"), "{names:?}");
    assert!(names.contains(&"ModernDriver"), "{names:?}");

    let pcie = report
        .targets
        .iter()
        .find(|t| t.name == "PcieDriver")
        .unwrap();
    assert_eq!(pcie.verdict, Verdict::AtRisk);
    assert_eq!(pcie.defined_by, "xcodegen");
    assert_eq!(pcie.deployment_target.version.to_string(), "20.0");

    // ModernDriver comes from the included spec and its xcconfig says 22.0.
    let modern = report
        .targets
        .iter()
        .find(|t| t.name == "ModernDriver")
        .unwrap();
    assert_eq!(modern.verdict, Verdict::NotAffected);
    assert_eq!(modern.deployment_target.version.to_string(), "22.0");
    assert_eq!(
        modern.deployment_target.location.as_ref().unwrap().file,
        "Configs/ModernDriver.xcconfig"
    );
    assert_eq!(
        client(&report, "ModernUserClient").verdict,
        Verdict::NotAffected
    );
}

#[test]
fn xcodegen_provider_fix_is_wrong_object() {
    let report = audit("xcodegen-project");
    let user_client = client(&report, "PcieUserClient");
    assert_eq!(user_client.verdict, Verdict::AtRisk);
    assert!(user_client.fixes.is_empty());

    let problem = &user_client.problems[0];
    assert_eq!(problem.placement, Placement::WrongObject);
    assert_eq!(problem.state, FixState::CommentedOut);
    assert_eq!(problem.function, "PcieDriver::Start");
    assert_eq!(problem.location.file, "PcieDriver/PcieDriver.cpp");
    assert_eq!(report.ineffective_fixes.len(), 1);
}

#[test]
fn sources_only_verdicts() {
    let report = audit("sources-only");
    assert_eq!(report.targets.len(), 1);
    let target = &report.targets[0];
    assert_eq!(target.defined_by, "none");
    assert!(target.deployment_target.assumed);

    let cases = [
        ("AppleStyleUserClient", Verdict::Fixed),
        ("NamedQueueUserClient", Verdict::Fixed),
        ("MacroNameUserClient", Verdict::Fixed),
        ("ConditionalUserClient", Verdict::Fixed),
        ("AuxQueueUserClient", Verdict::AtRisk),
        ("IfdefUserClient", Verdict::AtRisk),
        ("LateUserClient", Verdict::AtRisk),
    ];
    for (class, verdict) in cases {
        assert_eq!(client(&report, class).verdict, verdict, "{class}");
    }
    assert_eq!(report.summary.at_risk, 3);
    assert_eq!(report.summary.fixed, 4);
}

#[test]
fn sources_only_fix_details() {
    let report = audit("sources-only");

    // Start calls a helper method that sets the queue.
    let apple = &client(&report, "AppleStyleUserClient").fixes[0];
    assert_eq!(apple.function, "AppleStyleUserClient::SetupQueues");
    assert_eq!(apple.queue, QueueKind::Default);

    // A project macro that expands to the SDK's queue-name macro.
    let macro_name = &client(&report, "MacroNameUserClient").fixes[0];
    assert_eq!(macro_name.queue, QueueKind::Dedicated);

    // `__has_include` cannot be evaluated: present, with the condition named.
    let conditional = &client(&report, "ConditionalUserClient").fixes[0];
    assert_eq!(conditional.state, FixState::Conditional);
    assert!(
        conditional
            .condition
            .as_ref()
            .unwrap()
            .contains("__has_include")
    );

    let ifdef = &client(&report, "IfdefUserClient").problems[0];
    assert_eq!(ifdef.state, FixState::CompiledOut);
    assert!(
        ifdef
            .condition
            .as_ref()
            .unwrap()
            .contains("ENABLE_QUEUE_FIX")
    );

    let late = &client(&report, "LateUserClient").problems[0];
    assert_eq!(late.placement, Placement::NotInInitOrStart);

    assert!(client(&report, "AuxQueueUserClient").problems.is_empty());
}

#[test]
fn define_option_enables_compiled_out_fix() {
    let options = Options {
        defines: vec!["ENABLE_QUEUE_FIX".to_string()],
        ..Options::default()
    };
    let report = audit_path(&fixture("sources-only"), &options);
    assert_eq!(client(&report, "IfdefUserClient").verdict, Verdict::Fixed);
}

#[test]
fn json_has_versioned_schema() {
    let report = audit("xcode-project");
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["kind"], "project");
    assert_eq!(json["exit_code"], 1);
    assert_eq!(json["sdk"]["source"], "assumed");
    let target = &json["targets"][0];
    assert_eq!(target["verdict"], "at_risk");
    assert_eq!(target["deployment_target"]["version"], "20.0");
    let client = &target["user_clients"][0];
    for key in [
        "class",
        "location",
        "inheritance",
        "verdict",
        "reason",
        "fixes",
        "problems",
    ] {
        assert!(client.get(key).is_some(), "user client lacks {key}");
    }
    assert!(json["binaries"].as_array().unwrap().is_empty());
}

/// The sample dext in this repository must be reported as fixed, and as at risk
/// when compiled the way its runner compiles the broken variant.
#[test]
fn sample_dext_is_fixed() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/sample-dext");
    let report = audit_path(&sample, &Options::default());
    let verdicts = user_client_verdicts(&report);
    assert!(
        verdicts
            .iter()
            .any(|(_, class, _)| class == "SampleUserClient"),
        "{verdicts:?}"
    );
    assert!(
        verdicts.iter().all(|(_, _, v)| *v == Verdict::Fixed),
        "{verdicts:?}"
    );
    assert_eq!(report.exit_code, 0);

    let without_fix = Options {
        defines: vec!["SAMPLE_DEXT_WITHOUT_FIX".to_string()],
        ..Options::default()
    };
    let report = audit_path(&sample, &without_fix);
    let sample_client = client(&report, "SampleUserClient");
    assert_eq!(sample_client.verdict, Verdict::AtRisk);
    assert_eq!(sample_client.problems[0].state, FixState::CompiledOut);
}
