//! Asking the person at the terminal. Secrets are read without echo from the terminal;
//! when stdin is not a terminal (scripts, tests) each answer is one line of stdin.
//! Prompts go to stderr so `--json` output stays clean.

use std::io::{BufRead, IsTerminal, Write};

use companion_core::secrets::SecretString;

/// A visible answer.
pub fn line(label: &str) -> std::io::Result<String> {
    eprint!("{label}");
    std::io::stderr().flush()?;
    read_line()
}

/// A secret answer, never echoed.
pub fn secret(label: &str) -> std::io::Result<SecretString> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(label).map(SecretString::from);
    }
    eprint!("{label}");
    std::io::stderr().flush()?;
    read_line().map(SecretString::from)
}

fn read_line() -> std::io::Result<String> {
    let mut text = String::new();
    if std::io::stdin().lock().read_line(&mut text)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "no answer (stdin is closed)",
        ));
    }
    if !std::io::stdin().is_terminal() {
        eprintln!();
    }
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
}
