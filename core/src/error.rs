//! The shape every error and finding takes when it reaches a person: a stable code the UI
//! branches on, a human message, and advice on what to do next.

use serde::Serialize;

/// Implemented by every error enum in the core so callers can present any of them alike.
pub trait Explain: std::fmt::Display {
    /// Stable, machine-readable identifier (`snake_case`), never translated.
    fn code(&self) -> &'static str;
    /// What the person should do next, in plain words.
    fn advice(&self) -> String;

    /// The error as a serialisable problem report.
    fn problem(&self) -> Problem {
        Problem {
            code: self.code().to_owned(),
            message: self.to_string(),
            advice: self.advice(),
        }
    }
}

/// A coded message with advice, as shown by the CLI (`--json`) and sent to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Problem {
    pub code: String,
    pub message: String,
    pub advice: String,
}
