//! Awkward input: every case ends in a report with a clear message, never a
//! panic or a hang.

use std::fs;
use std::path::Path;

use dext_audit::report::{Severity, Verdict};
use dext_audit::{Options, audit_path, user_client_verdicts};

const USER_CLIENT_IIG: &str = "class DemoUserClient : public IOUserClient {\npublic:\n  virtual kern_return_t Start(IOService *p) override;\n};\n";
const UNFIXED_CPP: &str =
    "kern_return_t IMPL(DemoUserClient, Start)\n{\n    return Start(provider, SUPERDISPATCH);\n}\n";

fn project_with_user_client(dir: &Path) {
    fs::write(dir.join("DemoUserClient.iig"), USER_CLIENT_IIG).unwrap();
    fs::write(dir.join("DemoUserClient.cpp"), UNFIXED_CPP).unwrap();
}

fn messages(report: &dext_audit::report::Report) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect()
}

#[test]
fn missing_path_is_bad_input() {
    let report = audit_path(
        Path::new("/nonexistent/dext-audit-test"),
        &Options::default(),
    );
    assert_eq!(report.exit_code, 2);
    assert!(report.diagnostics[0].message.starts_with("not found"));
}

#[test]
fn empty_folder_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let report = audit_path(dir.path(), &Options::default());
    assert_eq!(report.exit_code, 2);
    assert!(report.diagnostics[0].message.contains("no .iig files"));
}

#[test]
fn text_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    fs::write(&path, "not a binary").unwrap();
    let report = audit_path(&path, &Options::default());
    assert_eq!(report.exit_code, 2);
    assert!(report.diagnostics[0].message.contains("not a Mach-O file"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    std::os::unix::fs::symlink("self", dir.path().join("self")).unwrap();

    let report = audit_path(dir.path(), &Options::default());
    assert_eq!(
        user_client_verdicts(&report).len(),
        1,
        "the class is found once"
    );
    let all = messages(&report);
    assert!(
        all.iter().any(|m| m.contains("symbolic link loop")),
        "{all:?}"
    );
    assert_eq!(report.exit_code, 1);
}

#[cfg(unix)]
#[test]
fn dangling_symlink_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    std::os::unix::fs::symlink("gone.cpp", dir.path().join("Broken.cpp")).unwrap();
    let report = audit_path(dir.path(), &Options::default());
    assert_eq!(report.exit_code, 1);
    let all = messages(&report);
    assert!(
        all.iter().any(|m| m.starts_with("Broken.cpp: cannot read")),
        "{all:?}"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    let locked = dir.path().join("Locked.cpp");
    fs::write(&locked, UNFIXED_CPP).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test.
        eprintln!("file permissions are not enforced for this user; check skipped");
        return;
    }
    let report = audit_path(dir.path(), &Options::default());
    let all = messages(&report);
    assert!(
        all.iter().any(|m| m.starts_with("Locked.cpp: cannot read")),
        "{all:?}"
    );
    assert_eq!(report.exit_code, 1);
}

#[test]
fn oversized_file_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    let big = vec![b' '; (dext_audit::walk::MAX_SOURCE_BYTES + 1) as usize];
    fs::write(dir.path().join("Generated.cpp"), big).unwrap();
    let report = audit_path(dir.path(), &Options::default());
    let all = messages(&report);
    assert!(
        all.iter()
            .any(|m| m.contains("larger than the 16 MiB limit")),
        "{all:?}"
    );
    assert_eq!(report.exit_code, 1);
}

#[test]
fn large_file_is_parsed() {
    // About 3 MiB of functions, with the fix in the user client's Start at the end.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("DemoUserClient.iig"), USER_CLIENT_IIG).unwrap();
    let mut source = String::new();
    for index in 0..60_000 {
        source.push_str(&format!(
            "static int filler{index}(int x) {{ return x + {index}; }}\n"
        ));
    }
    source.push_str(
        "kern_return_t IMPL(DemoUserClient, Start)\n{\n    return dext_compat::ensure_external_method_queue(*this);\n}\n",
    );
    fs::write(dir.path().join("DemoUserClient.cpp"), source).unwrap();
    let report = audit_path(dir.path(), &Options::default());
    assert_eq!(user_client_verdicts(&report)[0].2, Verdict::Fixed);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    let mut nested = String::from("void f() {\n");
    nested.push_str(&"{".repeat(100_000));
    nested.push_str(&"(".repeat(100_000));
    fs::write(dir.path().join("Nested.cpp"), nested).unwrap();
    let report = audit_path(dir.path(), &Options::default());
    assert_eq!(report.exit_code, 1);
}

#[test]
fn invalid_utf8_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut iig = b"// \xff\xfe bytes that are not UTF-8\n".to_vec();
    iig.extend_from_slice(USER_CLIENT_IIG.as_bytes());
    fs::write(dir.path().join("DemoUserClient.iig"), iig).unwrap();
    let mut cpp = b"const char *k = \"\xc3\x28\";\n".to_vec();
    cpp.extend_from_slice(
        b"kern_return_t IMPL(DemoUserClient, Start)\n{\n    return dext_compat_ensure_external_method_queue(this);\n}\n",
    );
    fs::write(dir.path().join("DemoUserClient.cpp"), cpp).unwrap();
    let report = audit_path(dir.path(), &Options::default());
    let client = &report.targets[0].user_clients[0];
    assert_eq!(client.verdict, Verdict::Fixed);
    assert_eq!(client.location.line, 2);
    assert_eq!(client.fixes[0].location.line, 4);
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_shown() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"Demo\xffUserClient.iig");
    fs::write(dir.path().join(name), USER_CLIENT_IIG).unwrap();
    let report = audit_path(dir.path(), &Options::default());
    let client = &report.targets[0].user_clients[0];
    assert_eq!(client.location.file, "Demo\u{fffd}UserClient.iig");
}

#[test]
fn inheritance_cycle_terminates() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Cycle.iig"),
        "class A : public B {};\nclass B : public A {};\nclass C : public IOUserClient {};\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("Cycle.cpp"),
        "void ping() { pong(); }\nvoid pong() { ping(); }\nbool C::init() { ping(); return true; }\n",
    )
    .unwrap();
    let report = audit_path(dir.path(), &Options::default());
    let verdicts = user_client_verdicts(&report);
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0].1, "C");
}

#[test]
fn malformed_build_files_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    fs::create_dir(dir.path().join("Broken.xcodeproj")).unwrap();
    fs::write(
        dir.path().join("Broken.xcodeproj/project.pbxproj"),
        "{ objects = { ",
    )
    .unwrap();
    fs::write(dir.path().join("project.yml"), "targets: [unclosed\n").unwrap();
    let report = audit_path(dir.path(), &Options::default());
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.clone())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|m| m.starts_with("invalid project file")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|m| m.starts_with("invalid XcodeGen spec")),
        "{warnings:?}"
    );
    assert_eq!(report.exit_code, 1, "the sources are still audited");
}

#[test]
fn invalid_deployment_target_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    fs::write(
        dir.path().join("Driver.xcconfig"),
        "DRIVERKIT_DEPLOYMENT_TARGET = latest\n",
    )
    .unwrap();
    let report = audit_path(dir.path(), &Options::default());
    assert!(report.targets[0].deployment_target.assumed);
    let all = messages(&report);
    assert!(
        all.iter().any(|m| m.contains("is not a version number")),
        "{all:?}"
    );
}

#[test]
fn xcconfig_without_project_sets_target() {
    let dir = tempfile::tempdir().unwrap();
    project_with_user_client(dir.path());
    fs::write(
        dir.path().join("Driver.xcconfig"),
        "DRIVERKIT_DEPLOYMENT_TARGET = 21.0\n",
    )
    .unwrap();
    let report = audit_path(dir.path(), &Options::default());
    assert_eq!(report.targets[0].defined_by, "xcconfig");
    assert_eq!(report.targets[0].verdict, Verdict::NotAffected);
    assert_eq!(report.exit_code, 0);
}
