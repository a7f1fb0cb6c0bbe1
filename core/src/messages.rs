//! The app's words, one catalog per language (`core/messages/en.json` and `zh-CN.json`):
//! the window's page reads them as they are, the tray menu and notifications through
//! [`text`]. A key is `area.what`; `{name}` marks a place filled in when the text is used.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The catalogs as written, by language code, for the page.
pub const CATALOGS: [(&str, &str); 2] = [
    ("en", include_str!("../messages/en.json")),
    ("zh-CN", include_str!("../messages/zh-CN.json")),
];

type Table = HashMap<String, String>;

fn tables() -> &'static [(&'static str, Table); 2] {
    static TABLES: OnceLock<[(&str, Table); 2]> = OnceLock::new();
    TABLES.get_or_init(|| {
        CATALOGS.map(|(language, json)| {
            let table = serde_json::from_str(json).expect("the catalogs are checked by tests");
            (language, table)
        })
    })
}

/// The text of `key` in `language` (`en` or `zh-CN`; English when the language or the key
/// is missing), with each `{name}` filled from `values`.
pub fn text(language: &str, key: &str, values: &[(&str, &str)]) -> String {
    let [english, chinese] = tables();
    let table = if language.starts_with("zh") {
        &chinese.1
    } else {
        &english.1
    };
    let template = table
        .get(key)
        .or_else(|| english.1.get(key))
        .map_or(key, String::as_str);
    fill(template, values)
}

/// The catalog's keys that start with `prefix` (every key has both languages).
pub fn keys(prefix: &str) -> impl Iterator<Item = &'static str> + '_ {
    let [english, _] = tables();
    english
        .1
        .keys()
        .map(String::as_str)
        .filter(move |key| key.starts_with(prefix))
}

/// A sentence for a person as a catalog key and the values it names, so that each shell
/// words it in its own language. Value names are single lowercase words: they reach the
/// page unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Phrase {
    pub key: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, Filler>,
}

/// What fills a phrase's `{name}`: data as it is (a path, a number, a server's own text),
/// or words of the app's own, worded in the same language as the phrase around them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum Filler {
    Data(String),
    Words(Phrase),
}

impl Phrase {
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            values: BTreeMap::new(),
        }
    }

    /// The phrase with `{name}` standing for `value`.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        let value = Filler::Data(value.to_string());
        self.values.insert(name.to_owned(), value);
        self
    }

    /// The phrase with `{name}` standing for `words`, said in the phrase's language.
    pub fn with_words(mut self, name: &str, words: Phrase) -> Self {
        self.values.insert(name.to_owned(), Filler::Words(words));
        self
    }

    /// The phrase worded in `language`.
    pub fn say(&self, language: &str) -> String {
        let said: Vec<(&str, String)> = self
            .values
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Filler::Data(data) => data.clone(),
                    Filler::Words(words) => words.say(language),
                };
                (name.as_str(), value)
            })
            .collect();
        let values: Vec<(&str, &str)> = said
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        text(language, &self.key, &values)
    }
}

/// Sentences worded in `language`, one after another (Chinese puts no space between them).
pub fn say_all(phrases: &[Phrase], language: &str) -> String {
    let joint = if language.starts_with("zh") { "" } else { " " };
    phrases
        .iter()
        .map(|phrase| phrase.say(language))
        .collect::<Vec<_>>()
        .join(joint)
}

/// `template` with each `{name}` replaced by its value, in one pass: a value that itself
/// holds braces (a server's text, an organization's name) is left as it is.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, value)| (*value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}'))
            .map(|(name, _)| name)
            .filter(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_'))
            .collect()
    }

    #[test]
    fn every_key_has_both_languages_with_the_same_placeholders() {
        let [(_, english), (_, chinese)] = tables();
        let mut problems = Vec::new();
        for (key, en) in english {
            match chinese.get(key) {
                None => problems.push(format!("{key} has no zh-CN text")),
                Some(zh) if zh.trim().is_empty() => {
                    problems.push(format!("{key} is empty in zh-CN"))
                }
                Some(zh) if placeholders(en) != placeholders(zh) => problems.push(format!(
                    "{key}: placeholders {:?} in English, {:?} in zh-CN",
                    placeholders(en),
                    placeholders(zh)
                )),
                Some(_) => {}
            }
        }
        problems.extend(
            chinese
                .keys()
                .filter(|key| !english.contains_key(*key))
                .map(|key| format!("{key} has no English text")),
        );
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(english.len() > 300, "{} keys", english.len());
    }

    #[test]
    fn a_text_is_filled_in_and_falls_back_to_english() {
        assert_eq!(text("en", "nav.billing", &[]), "Billing sync");
        assert_eq!(text("zh-CN", "nav.billing", &[]), "计费同步");
        assert_eq!(
            text("en", "about.result", &[("app", "1.2"), ("core", "1.3")]),
            "App 1.2 · core 1.3"
        );
        assert_eq!(text("fr", "nav.billing", &[]), "Billing sync");
        assert_eq!(
            fill("{a} and {b} {c}", &[("a", "{b}"), ("b", "x")]),
            "{b} and x {c}"
        );
        assert_eq!(text("zh-CN", "no.such.key", &[]), "no.such.key");
    }
}
