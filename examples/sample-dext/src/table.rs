//! The printed matrix.

use crate::cases::{Case, Expected, Observed};

/// Prints one row per case and returns how many failed.
pub fn print(results: &[(Case, Observed)]) -> usize {
    println!(
        "{:<5} {:<16} {:<8} {:<7} {:<46} {:<46} verdict",
        "SDK", "runtime (macOS)", "client", "helper", "expected", "observed"
    );
    let mut failed = 0;
    for (case, observed) in results {
        let expected = case.expected();
        let pass = observed.matches(&expected);
        failed += usize::from(!pass);
        println!(
            "{:<5} {:<16} {:<8} {:<7} {:<46} {:<46} {}",
            case.sdk,
            format!("{} ({})", case.runtime, macos(case.runtime)),
            case.user_client.label(),
            if case.helper { "called" } else { "absent" },
            describe_expected(&expected),
            describe_observed(observed),
            if pass { "pass" } else { "FAIL" }
        );
    }
    failed
}

fn macos(runtime: u32) -> &'static str {
    match runtime {
        19 => "10.15",
        20 => "11",
        21 => "12",
        22 => "13",
        23 => "14",
        24 => "15",
        25 => "26",
        _ => "?",
    }
}

fn describe_expected(expected: &Expected) -> String {
    match expected {
        Expected::Abort => "abort (QueueForObject)".to_owned(),
        Expected::Runs { queue, slot } => format!("runs on {queue} [slot {slot}]"),
    }
}

fn describe_observed(observed: &Observed) -> String {
    match observed {
        Observed::Abort => "abort (QueueForObject)".to_owned(),
        Observed::Ran {
            queue,
            slot,
            output,
            references,
        } => {
            let mut text = format!("runs on {queue} [slot {slot}]");
            if output != "5" {
                text.push_str(&format!(", output {output}"));
            }
            if references != "balanced" {
                text.push_str(&format!(", references {references}"));
            }
            text
        }
        Observed::Other(text) => text.clone(),
    }
}
