//! The one error type of `driverkit-build`; `main` prints it and exits with 1.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// A setting is invalid. The message names the value and how to fix it.
    Input(String),
    /// A program the build needs is not installed.
    MissingTool {
        tool: String,
        /// Where the tool comes from, e.g. "the Debian package lld".
        provider: String,
    },
    /// A program ran and failed.
    CommandFailed { description: String, detail: String },
    /// A check of the built archives or of the linked sample failed.
    Check(String),
    /// Reading or writing a file failed.
    Io { path: PathBuf, source: io::Error },
}

impl Error {
    pub fn io(path: &Path, source: io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(message) | Error::Check(message) => f.write_str(message),
            Error::MissingTool { tool, provider } => {
                write!(f, "{tool} not found; install {provider}")
            }
            Error::CommandFailed {
                description,
                detail,
            } => {
                write!(f, "{description} failed")?;
                if !detail.is_empty() {
                    write!(f, ":\n{}", detail.trim_end())?;
                }
                Ok(())
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
