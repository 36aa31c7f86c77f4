//! Library errors. Every variant renders as one line that names what is
//! wrong and what is accepted, so the binary can print it verbatim.

use thiserror::Error;

/// Errors from building or evaluating an engine.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum NessError {
    /// A parameter is outside its accepted range.
    #[error("{name} must be {accepted}, got {value}")]
    OutOfRange {
        name: String,
        accepted: String,
        value: String,
    },
    /// Parameters that cannot be combined, or one that is missing.
    #[error("{0}")]
    Conflict(String),
    /// A numerical step failed (a singular solve, a non-finite result).
    #[error("numerical failure: {0}")]
    Numerical(String),
}

impl NessError {
    pub(crate) fn range(name: &str, accepted: &str, value: f64) -> Self {
        NessError::OutOfRange {
            name: name.to_string(),
            accepted: accepted.to_string(),
            value: format!("{value}"),
        }
    }
}

pub type Result<T> = std::result::Result<T, NessError>;
