//! The shape every error and finding takes when it reaches a person: a stable code the UI
//! branches on, a human message, and advice on what to do next.

use serde::Serialize;

use crate::messages::{say_all, Phrase};

/// Implemented by every error enum in the core so callers can present any of them alike.
pub trait Explain: std::fmt::Display {
    /// Stable, machine-readable identifier (`snake_case`), never translated.
    fn code(&self) -> &'static str;
    /// What the person should do next, in plain words: the English of the words' advice
    /// wherever the error has words.
    fn advice(&self) -> String {
        self.words()
            .map(|words| say_all(&words.advice, "en"))
            .unwrap_or_default()
    }

    /// The error in the catalog's words, where the core has them; `None` while an error
    /// is worded in English only.
    fn words(&self) -> Option<Words> {
        None
    }

    /// The error as a serialisable problem report: in the catalog's English where it has
    /// words, so the CLI prints what the window says in English.
    fn problem(&self) -> Problem {
        match self.words() {
            Some(words) => Problem::worded(self.code(), words),
            None => Problem::new(self.code(), self.to_string(), self.advice()),
        }
    }
}

/// A coded message with advice, as shown by the CLI (`--json`) and sent to the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Problem {
    pub code: String,
    pub message: String,
    pub advice: String,
    /// `message` and `advice` in the catalog's words, for a window in any language (where
    /// the core has them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Box<Words>>,
}

/// A problem as catalog phrases: what happened, then what to do, each said sentence by
/// sentence (an error that wraps another says its own phrase, then the inner one's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Words {
    pub message: Vec<Phrase>,
    pub advice: Vec<Phrase>,
}

impl Problem {
    /// A problem the core words in English only.
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        advice: impl Into<String>,
    ) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            advice: advice.into(),
            words: None,
        }
    }

    /// A problem worded by the catalog: `message` and `advice` are its English.
    pub fn said(code: impl Into<String>, phrase: Phrase, advice: Vec<Phrase>) -> Self {
        Self::worded(
            code,
            Words {
                message: vec![phrase],
                advice,
            },
        )
    }

    /// A problem from its words: `message` and `advice` are their English.
    pub fn worded(code: impl Into<String>, words: Words) -> Self {
        Self {
            code: code.into(),
            message: say_all(&words.message, "en"),
            advice: say_all(&words.advice, "en"),
            words: Some(Box::new(words)),
        }
    }
}
