//! The helper's error type: the step that failed and DriverKit's code.

use core::fmt;

use crate::kern_return::{self, kern_return_t};

/// A step of the helper, named in errors and log messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// The options contain a bit this version does not know.
    CheckOptions,
    /// The queue name is empty, too long or not NUL-terminated, or the
    /// object pointer is null.
    CheckArguments,
    /// `CopyDispatchQueue(kIOServiceDefaultQueueName, ...)`.
    CopyDefaultQueue,
    /// `IODispatchQueue::Create(name, ...)`.
    CreateQueue,
    /// `SetDispatchQueue(name, queue)`.
    SetQueue,
}

impl Step {
    /// The step as it appears in messages.
    pub fn description(self) -> &'static str {
        // Every text below is ASCII, so the conversion cannot fail; a unit
        // test checks each one.
        self.c_description().to_str().unwrap_or("unknown step")
    }

    /// The step as it appears in messages, NUL-terminated for `os_log`.
    pub(crate) const fn c_description(self) -> &'static core::ffi::CStr {
        match self {
            Step::CheckOptions => c"option check",
            Step::CheckArguments => c"argument check",
            Step::CopyDefaultQueue => c"CopyDispatchQueue(Default)",
            Step::CreateQueue => c"IODispatchQueue::Create",
            Step::SetQueue => c"SetDispatchQueue",
        }
    }
}

/// A failure of the helper: the step that failed and the `kern_return_t` it
/// produced. Where DriverKit reported success but returned no queue, the code
/// is the one the helper substitutes (see [`ensure_named_queue`](crate::ensure_named_queue)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    step: Step,
    code: kern_return_t,
}

impl Error {
    /// Creates an error. `code` should not be `kIOReturnSuccess`; if it is,
    /// [`Error::code`] reports `kIOReturnError` so that C callers never see a
    /// failure as success.
    pub const fn new(step: Step, code: kern_return_t) -> Error {
        let code = if code == kern_return::kIOReturnSuccess {
            kern_return::kIOReturnError
        } else {
            code
        };
        Error { step, code }
    }

    pub const fn step(&self) -> Step {
        self.step
    }

    /// The code to return from a dext's `Start`.
    pub const fn code(&self) -> kern_return_t {
        self.code
    }
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} failed with 0x{:08x}",
            self.step.description(),
            self.code as u32
        )?;
        if let Some(name) = kern_return::name(self.code) {
            write!(formatter, " ({name})")?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

/// Converts a result to the code a C caller returns: `kIOReturnSuccess` or
/// the failing step's code.
pub(crate) fn to_kern_return<T>(result: Result<T, Error>) -> kern_return_t {
    match result {
        Ok(_) => kern_return::kIOReturnSuccess,
        Err(error) => error.code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_descriptions_convert() {
        let steps = [
            Step::CheckOptions,
            Step::CheckArguments,
            Step::CopyDefaultQueue,
            Step::CreateQueue,
            Step::SetQueue,
        ];
        for step in steps {
            assert_ne!(step.description(), "unknown step", "{step:?}");
            assert_eq!(
                step.description().as_bytes(),
                step.c_description().to_bytes(),
                "{step:?}"
            );
        }
    }
}
