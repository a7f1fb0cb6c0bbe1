//! How network commands end: one JSON object on stdout with `--json`, short text
//! otherwise (colour only on a terminal), and the exit status of the error's class
//! (1 refused, 2 usage, 3 network or keychain).

use std::io::IsTerminal;
use std::process::ExitCode;

use companion_core::bitwarden::BitwardenError;
use companion_core::error::Explain;
use serde::Serialize;
use serde_json::{json, Value};

/// Prints a JSON object on one line.
pub fn print_json(value: &impl Serialize) {
    println!(
        "{}",
        serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
    );
}

/// Reports a failure and gives its exit status; `extra` adds fields to the JSON object.
pub fn fail(json: bool, err: &BitwardenError, extra: Option<(&str, Value)>) -> ExitCode {
    if json {
        let mut object = json!({ "error": err.problem() });
        if let (Some((key, value)), Some(map)) = (extra, object.as_object_mut()) {
            map.insert(key.to_owned(), value);
        }
        print_json(&object);
    } else {
        let style = Style::for_stderr();
        eprintln!("{} {err}", style.bad("error:"));
        eprintln!("{}", err.advice());
    }
    ExitCode::from(err.exit_class() as u8)
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
