//! What the tests of the core's words share: the catalogs as tables, and what is wrong
//! with a phrase or a problem's words in them (a missing key, a value left unfilled).
#![allow(dead_code)]

use std::collections::HashMap;

use companion_core::error::Problem;
use companion_core::messages::{Filler, Phrase, CATALOGS};

/// Each catalog as a table, by language.
pub fn catalogs() -> Vec<(&'static str, HashMap<String, String>)> {
    CATALOGS
        .iter()
        .map(|(language, json)| (*language, serde_json::from_str(json).unwrap()))
        .collect()
}

/// What is wrong with `phrase` in the catalogs, or with the words it holds: a missing key
/// or a value left unfilled.
pub fn faults(phrase: &Phrase, catalogs: &[(&str, HashMap<String, String>)]) -> Vec<String> {
    let mut out: Vec<String> = phrase
        .values
        .values()
        .flat_map(|value| match value {
            Filler::Words(words) => faults(words, catalogs),
            Filler::Data(_) => Vec::new(),
        })
        .collect();
    for (language, table) in catalogs {
        if !table.contains_key(&phrase.key) {
            out.push(format!("{} has no {language} text", phrase.key));
            continue;
        }
        let said = phrase.say(language);
        let unfilled = said
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}'))
            .any(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase()));
        if unfilled {
            out.push(format!(
                "{} ({language}) leaves a value unfilled: {said}",
                phrase.key
            ));
        }
    }
    out
}

/// What is wrong with a problem's words: none at all, no message or advice, or a
/// phrase's faults.
pub fn problem_faults(
    problem: &Problem,
    catalogs: &[(&str, HashMap<String, String>)],
) -> Vec<String> {
    let Some(words) = &problem.words else {
        return vec![format!("{} has no words", problem.code)];
    };
    if words.message.is_empty() || words.advice.is_empty() {
        return vec![format!("{} has no message or no advice", problem.code)];
    }
    words
        .message
        .iter()
        .chain(&words.advice)
        .flat_map(|phrase| faults(phrase, catalogs))
        .collect()
}
