//! Every error, finding and stop carries a stable code that scripts and the window branch
//! on. This reads each `fn code(&self)` in the core's sources: no code may stand for two
//! things, and the list in `tests/data/error-codes.txt` may only grow (a renamed or
//! removed code breaks whoever branched on it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The string literals returned by each `fn code(&self)` body in `text`.
fn codes_in(text: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for (start, _) in text.match_indices("fn code(&self)") {
        let signature = &text[start..];
        let body_start = start + signature.find('{').unwrap();
        // A declaration without a body (the trait's own) names no code.
        if signature
            .find(';')
            .is_some_and(|semicolon| start + semicolon < body_start)
        {
            continue;
        }
        let mut depth = 0;
        let mut end = body_start;
        for (i, c) in text[body_start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = body_start + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &text[body_start..end];
        codes.extend(body.split('"').skip(1).step_by(2).map(str::to_owned));
    }
    codes
}

fn all_codes() -> BTreeMap<String, Vec<String>> {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for code in codes_in(&text) {
            codes.entry(code).or_default().push(name.clone());
        }
    }
    codes
}

#[test]
fn no_code_stands_for_two_errors() {
    let shared: Vec<_> = all_codes()
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .collect();
    assert!(shared.is_empty(), "codes used twice: {shared:?}");
}

#[test]
fn codes_are_snake_case_and_none_was_renamed_or_removed() {
    let codes = all_codes();
    for code in codes.keys() {
        assert!(
            !code.is_empty()
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "not a snake_case code: {code:?}"
        );
    }
    let known = include_str!("data/error-codes.txt");
    let missing: Vec<&str> = known
        .lines()
        .filter(|l| !l.is_empty() && !codes.contains_key(*l))
        .collect();
    assert!(missing.is_empty(), "codes that disappeared: {missing:?}");
    let unlisted: Vec<&String> = codes
        .keys()
        .filter(|c| !known.lines().any(|l| l == c.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "new codes: add them to core/tests/data/error-codes.txt: {unlisted:?}"
    );
}
