//! The command line: exit statuses, JSON output and option errors.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dext-audit"))
        .args(args)
        .output()
        .expect("run dext-audit")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn exit_one_when_at_risk() {
    let output = run(&[&fixture("xcode-project")]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("LegacyUserClient"), "{text}");
    assert!(text.contains("verdict: AT RISK"), "{text}");
}

#[test]
fn exit_zero_when_not_affected() {
    let output = run(&[&fixture("xcode-project"), "--sdk-version", "20.2"]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn exit_two_for_missing_path() {
    let output = run(&["/nonexistent/dext-audit-cli-test"]);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("not found"), "{text}");
}

#[test]
fn exit_two_for_bad_option() {
    let output = run(&[&fixture("xcode-project"), "--sdk-version", "new"]);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stderr).unwrap();
    assert!(text.contains("invalid version"), "{text}");
}

#[test]
fn json_output_parses() {
    let output = run(&[&fixture("sources-only"), "--json", "-D", "ENABLE_QUEUE_FIX"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["exit_code"], 1);
    assert_eq!(json["summary"]["at_risk"], 2);
}

#[test]
fn help_exits_zero() {
    let output = run(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Exit status"), "{text}");
}
