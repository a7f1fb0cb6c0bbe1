//! The page reads every answer with camelCase field names. The core's types are written
//! with Rust's snake_case names, which the CLI's `--json` keeps for scripts; this is the
//! one place the window's answers are renamed, on their way out.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// A command's answer with every snake_case field name in camelCase (`would_be_refused` →
/// `wouldBeRefused`). Names that are data keep their spelling: an env file's
/// `globalSettings__…`, a license's PascalCase properties, IDs.
#[derive(Debug)]
pub struct Camel<T>(pub T);

impl<T: Serialize> Serialize for Camel<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        renamed(value).serialize(serializer)
    }
}

fn renamed(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(name, value)| (camel_case(name), renamed(value)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(renamed).collect()),
        other => other,
    }
}

/// `name` in camelCase when it is a snake_case field name (lowercase words joined by
/// single underscores), else as it is.
pub(crate) fn camel_case(name: String) -> String {
    let snake = name.contains('_')
        && name.split('_').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && name.starts_with(|c: char| c.is_ascii_lowercase());
    if !snake {
        return name;
    }
    let mut words = name.split('_');
    let mut out = words.next().unwrap_or_default().to_owned();
    for word in words {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn snake_case_field_names_become_camel_case_at_every_depth() {
        let answer = json!({
            "would_be_refused": false,
            "checks": [{ "server_message": "x", "ok": true }],
            "plan": { "archived_new": "a", "days_until_grace2": 3 },
        });
        assert_eq!(
            serde_json::to_value(Camel(answer)).unwrap(),
            json!({
                "wouldBeRefused": false,
                "checks": [{ "serverMessage": "x", "ok": true }],
                "plan": { "archivedNew": "a", "daysUntilGrace2": 3 },
            })
        );
    }

    #[test]
    fn names_that_are_data_keep_their_spelling() {
        for name in [
            "globalSettings__installation__id",
            "LicenseKey",
            "_private",
            "trailing_",
            "alreadyCamel",
            "6f1ae7f2-3f7c-4b1b-9a57-1a2b3c4d5e6f",
        ] {
            assert_eq!(camel_case(name.to_owned()), name);
        }
    }
}
