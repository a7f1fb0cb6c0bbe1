//! The one error shape every command returns to the page.

use companion_core::error::{Explain, Problem};
use companion_core::messages::Phrase;
use serde::Serialize;

/// A coded error with a human message and advice; the page branches on `code`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct CommandError(Problem);

impl CommandError {
    /// The request from the page itself was wrong (an unknown option, an empty field);
    /// `said` is `request.<what>` in the catalog.
    pub fn invalid(said: Phrase) -> CommandError {
        CommandError(Problem::said(
            "invalid_request",
            said,
            vec![Phrase::new("request.invalid.advice")],
        ))
    }

    /// A background task stopped without an answer (it panicked or was cancelled).
    pub fn interrupted() -> CommandError {
        CommandError(Problem::said(
            "interrupted",
            Phrase::new("request.interrupted"),
            vec![Phrase::new("request.interrupted.advice")],
        ))
    }

    /// A problem worded for the window.
    pub fn new(problem: Problem) -> CommandError {
        CommandError(problem)
    }

    /// The problem inside, for notifications and logs.
    pub fn problem(&self) -> &Problem {
        &self.0
    }
}

impl<E: Explain> From<E> for CommandError {
    fn from(error: E) -> CommandError {
        CommandError(error.problem())
    }
}
