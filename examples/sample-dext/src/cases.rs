//! The cases of the matrix, what the real system does in each, and what the
//! simulation showed.

use std::process::Output;

/// The sample's user clients (SampleSelectors.h), each with its policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserClient {
    /// SampleUserClient: the plain fix through the cxx bridge.
    Control,
    /// SampleStreamUserClient: a dedicated queue through the C ABI.
    Stream,
}

impl UserClient {
    pub const ALL: [UserClient; 2] = [UserClient::Control, UserClient::Stream];

    /// Returns the `type` a client passes to IOServiceOpen.
    pub fn kind(self) -> u32 {
        match self {
            UserClient::Control => 0,
            UserClient::Stream => 1,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UserClient::Control => "control",
            UserClient::Stream => "stream",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub sdk: u32,
    pub runtime: u32,
    pub user_client: UserClient,
    pub helper: bool,
}

/// The behaviour of a real system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The runtime asserts in QueueForObject and the dext aborts.
    Abort,
    /// The external method runs on the queue with this label, in this slot.
    Runs { queue: &'static str, slot: u32 },
}

impl Case {
    /// Returns the real system's behaviour, from the public facts alone: the SDK 21+
    /// class description maps _ExternalMethod to a named slot, which the
    /// DriverKit 19 and 20 runtimes require to be set.
    pub fn expected(&self) -> Expected {
        let named_slot = self.sdk >= 21;
        if named_slot && !self.helper && self.runtime <= 20 {
            return Expected::Abort;
        }
        if named_slot && self.helper {
            let queue = match self.user_client {
                UserClient::Control => "Default",
                UserClient::Stream => "IOUserClientQueueExternalMethod",
            };
            return Expected::Runs { queue, slot: 1 };
        }
        // No named slot, or an empty one on a runtime that falls back.
        Expected::Runs {
            queue: "Default",
            slot: 0,
        }
    }
}

/// The behaviour the simulation showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// The process died of SIGABRT after printing the QueueForObject assertion.
    Abort,
    Ran {
        queue: String,
        slot: u32,
        output: String,
        references: String,
    },
    /// Anything else, described.
    Other(String),
}

impl Observed {
    pub fn from_output(output: &Output) -> Observed {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if aborted(output) {
            if stderr.contains("function QueueForObject") {
                return Observed::Abort;
            }
            return Observed::Other(format!(
                "aborted without the QueueForObject assertion: {}",
                stderr.trim()
            ));
        }
        let Some(line) = stdout.lines().find(|line| line.starts_with("outcome=")) else {
            return Observed::Other(format!("no outcome ({}): {}", output.status, stderr.trim()));
        };
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .unwrap_or("")
                .to_owned()
        };
        if field("outcome") != "ran" {
            return Observed::Other(line.trim_start_matches("outcome=").to_owned());
        }
        Observed::Ran {
            queue: field("queue"),
            slot: field("slot").parse().unwrap_or(u32::MAX),
            output: field("output"),
            references: field("references"),
        }
    }

    /// Whether this is the expected behaviour, with a working method (2 + 3)
    /// and every reference given back.
    pub fn matches(&self, expected: &Expected) -> bool {
        match (self, expected) {
            (Observed::Abort, Expected::Abort) => true,
            (
                Observed::Ran {
                    queue,
                    slot,
                    output,
                    references,
                },
                Expected::Runs {
                    queue: expected_queue,
                    slot: expected_slot,
                },
            ) => {
                queue == expected_queue
                    && slot == expected_slot
                    && output == "5"
                    && references == "balanced"
            }
            _ => false,
        }
    }
}

#[cfg(unix)]
fn aborted(output: &Output) -> bool {
    use std::os::unix::process::ExitStatusExt;
    // SIGABRT is 6 on Linux and macOS.
    output.status.signal() == Some(6)
}

#[cfg(not(unix))]
fn aborted(_output: &Output) -> bool {
    false
}
