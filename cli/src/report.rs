//! How network commands end: one JSON object on stdout with `--json`, short text
//! otherwise (colour only on a terminal), and the exit status of the error's class
//! (1 refused, 2 usage, 3 network or keychain). A failure carries the core's advice and
//! the command line's hint.

use std::io::IsTerminal;
use std::process::ExitCode;

use companion_core::audit::AuditError;
use companion_core::bitwarden::{BitwardenError, PlanNote};
use companion_core::error::{Explain, Problem};
use companion_core::installation::InstallationError;
use serde::Serialize;
use serde_json::{json, Value};

use crate::hints;

/// Prints a JSON object on one line.
pub fn print_json(value: &impl Serialize) {
    println!(
        "{}",
        serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
    );
}

/// A problem as the command line reports it: the core's code, message and advice, and
/// the command or option that acts on the advice here (`null` when there is none).
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    #[serde(flatten)]
    pub problem: Problem,
    pub hint: Option<String>,
}

impl Failure {
    /// A network command's error with its hint.
    pub fn of(err: &BitwardenError) -> Failure {
        Failure {
            problem: err.problem(),
            hint: hints::for_error(err),
        }
    }

    /// The advice, then the hint on its own line when there is one.
    pub fn advice_and_hint(&self) -> String {
        match &self.hint {
            Some(hint) => format!("{}\n{hint}", self.problem.advice),
            None => self.problem.advice.clone(),
        }
    }
}

/// A problem the command line made itself, or one known by its code alone.
impl From<Problem> for Failure {
    fn from(problem: Problem) -> Failure {
        let hint = hints::for_code(&problem.code);
        Failure { problem, hint }
    }
}

impl From<InstallationError> for Failure {
    fn from(err: InstallationError) -> Failure {
        Failure {
            problem: err.problem(),
            hint: hints::for_installation(&err),
        }
    }
}

impl From<AuditError> for Failure {
    fn from(err: AuditError) -> Failure {
        Failure {
            problem: err.problem(),
            hint: hints::for_audit(&err),
        }
    }
}

/// Reports a failure and gives its exit status; `extra` adds fields to the JSON object.
pub fn fail(json: bool, err: &BitwardenError, extra: Option<(&str, Value)>) -> ExitCode {
    let failure = Failure::of(err);
    if json {
        let mut object = json!({ "error": failure });
        if let (Some((key, value)), Some(map)) = (extra, object.as_object_mut()) {
            map.insert(key.to_owned(), value);
        }
        print_json(&object);
    } else {
        let style = Style::for_stderr();
        eprintln!("{} {err}", style.bad("error:"));
        eprintln!("{}", failure.advice_and_hint());
    }
    ExitCode::from(err.exit_class() as u8)
}

/// A note on a plan, with the option that acts on it.
pub fn render_note(note: &PlanNote, s: &Style) -> String {
    match hints::for_note(note) {
        Some(hint) => format!("{} {note}\n  {hint}\n", s.warn("Note:")),
        None => format!("{} {note}\n", s.warn("Note:")),
    }
}

/// ANSI colours when writing to a terminal and `NO_COLOR` is not set.
pub struct Style {
    on: bool,
}

impl Style {
    pub fn for_stdout() -> Style {
        Style {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn for_stderr() -> Style {
        Style {
            on: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// A date as people read it.
pub fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}
