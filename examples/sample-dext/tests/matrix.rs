//! The sample-dext matrix, run as a user runs it: `cargo run -p sample-dext`.

use std::process::Command;

fn run_matrix(arguments: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sample-dext"))
        .args(arguments)
        .output()
        .expect("the runner starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        stdout
            .lines()
            .any(|line| line.ends_with(" failed") && line.contains(" passed, ")),
        "no summary line; stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), stdout)
}

fn summary(stdout: &str) -> (usize, usize) {
    let line = stdout.lines().last().expect("a summary line");
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|part| part.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[test]
fn matrix_passes_every_case() {
    let (success, stdout) = run_matrix(&[]);

    // 3 mock SDKs x 7 runtimes x 2 user clients x helper called or absent.
    assert_eq!(summary(&stdout), (84, 0), "{stdout}");
    assert!(success);
    // The crash reproduced: SDK 21+ without the helper on runtimes 19 and 20,
    // observed as SIGABRT with the QueueForObject assertion.
    let aborts = stdout
        .lines()
        .filter(|line| {
            line.contains(" absent ") && line.matches("abort (QueueForObject)").count() == 2
        })
        .count();
    // SDKs 21 and 25, runtimes 19 and 20, both user clients.
    assert_eq!(aborts, 2 * 2 * 2, "{stdout}");
}

#[test]
fn matrix_fails_without_fallback() {
    // Without the inferred fallback, the runtimes 21+ would abort for dexts
    // without the fix too; the expectations do not change, so the matrix must
    // report those cases as failures and exit non-zero.
    let (success, stdout) = run_matrix(&["--sdk", "21", "--runtime", "21", "--no-fallback"]);

    assert!(!success, "{stdout}");
    assert_eq!(summary(&stdout), (2, 2), "{stdout}");
}
