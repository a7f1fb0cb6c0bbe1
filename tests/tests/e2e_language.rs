//! The window in Simplified Chinese: picked in Settings, or followed from the system locale;
//! and a check of the string tables themselves: every key in both languages, every key the
//! page uses defined, and the same `{placeholders}` in both translations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use companion_tests::paths;
use companion_tests::window::{AppWindow, Launch};

/// The navigation as a Chinese reader sees it.
const NAV_ZH: [(&str, &str); 5] = [
    ("dashboard", "概览"),
    ("instances", "实例"),
    ("license", "许可证"),
    ("billing", "计费同步"),
    ("settings", "设置"),
];

async fn assert_page_in_chinese(app: &AppWindow) {
    for (view, label) in NAV_ZH {
        app.wait_for_text(&format!("#nav button[data-view='{view}']"), label)
            .await;
    }
    app.wait_for_text("#title", "许可证助手").await;
    let lang = app
        .client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap();
    assert_eq!(lang, "zh-CN");
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn choosing_simplified_chinese_in_settings_relabels_the_window_and_is_saved() {
    let app = Launch::default().open("e2e-language-settings").await;
    app.wait_for_text("#nav button[data-view='settings']", "Settings")
        .await;

    app.click("#nav button[data-view='settings']").await;
    app.select("#settings-language", "zh-CN").await;
    app.wait_for_text("#settings-status", "已保存").await;

    assert_page_in_chinese(&app).await;
    assert_eq!(app.text("#settings-heading").await, "设置");
    assert_eq!(app.text("#about-heading").await, "关于");
    assert_eq!(app.text("label[for='settings-language']").await, "语言");
    app.screenshot("e2e-language-settings").await;

    let saved = std::fs::read_to_string(app.config_dir().join("settings.json")).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved["language"], "zh-CN");

    // Back to English without a restart.
    app.select("#settings-language", "en").await;
    app.wait_for_text("#settings-heading", "Settings").await;
    app.wait_for_text("#nav button[data-view='dashboard']", "Dashboard")
        .await;
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_chinese_system_locale_opens_the_window_in_chinese() {
    let app = Launch::default()
        .env("LANG", "zh_CN.UTF-8")
        .env("LANGUAGE", "zh_CN")
        .open("e2e-language-locale")
        .await;

    // The first painted view is already in Chinese: the language comes with the page.
    assert_eq!(app.text("#title").await, "许可证助手");
    assert_page_in_chinese(&app).await;
    app.wait_for_text("#dashboard-heading", "概览").await;
    app.click("#nav button[data-view='settings']").await;
    app.wait_for_text("#settings-heading", "设置").await;
    // Nothing was chosen: the window follows the system.
    assert_eq!(
        app.find("#settings-language")
            .await
            .prop("value")
            .await
            .unwrap(),
        Some(String::new())
    );
    app.screenshot("e2e-language-locale").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_saved_language_wins_over_the_system_locale() {
    let app = Launch::default()
        .env("LANG", "zh_CN.UTF-8")
        .env("LANGUAGE", "zh_CN")
        .settings(serde_json::json!({ "language": "en" }))
        .open("e2e-language-saved")
        .await;
    app.wait_for_text("#nav button[data-view='dashboard']", "Dashboard")
        .await;
    assert_eq!(app.text("#title").await, "License Companion");
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_reloaded_page_shows_the_language_picked_after_the_window_opened() {
    let app = Launch::default().open("e2e-language-reload").await;
    app.click("#nav button[data-view='settings']").await;
    app.select("#settings-language", "zh-CN").await;
    app.wait_for_text("#settings-status", "已保存").await;

    // The page starts again with what the window was given when it opened (English).
    app.client.refresh().await.expect("reload the page");
    app.find("body[data-ready='true']").await;
    assert_page_in_chinese(&app).await;
    app.wait_for_text("#dashboard-heading", "概览").await;
    app.close().await;
}

// ---- The string tables (no window needed) ----

/// The languages every table must fill.
const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// `ui/app.js` and every `ui/views/*.js`: the files that hold string tables.
fn table_files() -> Vec<std::path::PathBuf> {
    let ui = paths::workspace_root().join("ui");
    let mut files = vec![ui.join("app.js")];
    let mut views: Vec<_> = std::fs::read_dir(ui.join("views"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    views.sort();
    files.extend(views);
    files
}

/// Every JS and HTML file of the page.
fn page_files() -> Vec<std::path::PathBuf> {
    let ui = paths::workspace_root().join("ui");
    let mut files = vec![ui.join("index.html")];
    for dir in [ui.clone(), ui.join("views")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "js") {
                files.push(path);
            }
        }
    }
    files
}

/// The `{ key: "value", … }` object literal that follows `label` (e.g. `"zh-CN":`) in
/// `source`, as key -> value. A small scanner: string literals (with escapes) and nested
/// braces are skipped correctly, which a regular expression would not do.
fn object_after(source: &str, label: &str) -> Option<BTreeMap<String, String>> {
    let start = source.find(label)? + label.len();
    let chars: Vec<char> = source[start..].chars().collect();
    let mut i = chars.iter().position(|c| !c.is_whitespace())?;
    if chars[i] != '{' {
        return None;
    }
    i += 1;
    let mut entries = BTreeMap::new();
    let mut pending_key: Option<String> = None;
    let mut depth = 1;
    while i < chars.len() && depth > 0 {
        let c = chars[i];
        match c {
            '"' | '\'' | '`' => {
                let (text, next) = string_literal(&chars, i);
                i = next;
                let after = chars[i..].iter().find(|c| !c.is_whitespace());
                if depth == 1 {
                    match (&pending_key, after) {
                        (None, Some(':')) => pending_key = Some(text),
                        (Some(key), _) => {
                            entries.insert(key.clone(), text);
                            pending_key = None;
                        }
                        _ => {}
                    }
                }
                continue;
            }
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            c if depth == 1 && pending_key.is_none() && (c.is_alphabetic() || c == '_') => {
                let word: String = chars[i..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '_')
                    .collect();
                i += word.chars().count();
                if chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&':') {
                    pending_key = Some(word);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Some(entries)
}

/// The text of the string literal opening at `chars[at]`, and the index after it.
fn string_literal(chars: &[char], at: usize) -> (String, usize) {
    let quote = chars[at];
    let mut text = String::new();
    let mut i = at + 1;
    while i < chars.len() && chars[i] != quote {
        if chars[i] == '\\' && i + 1 < chars.len() {
            i += 1;
        }
        text.push(chars[i]);
        i += 1;
    }
    (text, i + 1)
}

/// The `{name}` placeholders of a translation.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}'))
        .map(|(name, _)| name.to_owned())
        .filter(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .collect()
}

/// Key -> text per language for one file's table.
fn tables_of(path: &Path) -> BTreeMap<&'static str, BTreeMap<String, String>> {
    let source = std::fs::read_to_string(path).unwrap();
    let table_at = source
        .find("strings = {")
        .or_else(|| source.find("STRINGS = {"))
        .unwrap_or_else(|| panic!("{} has no string table", path.display()));
    let table = &source[table_at..];
    LANGUAGES
        .iter()
        .map(|lang| {
            let label = if *lang == "en" {
                "en:".to_owned()
            } else {
                format!("\"{lang}\":")
            };
            let entries = object_after(table, &label).unwrap_or_else(|| {
                panic!("{} has no {lang} table", path.display());
            });
            (*lang, entries)
        })
        .collect()
}

#[test]
fn every_string_key_exists_in_english_and_simplified_chinese_with_the_same_placeholders() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in table_files() {
        let tables = tables_of(&file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let en = &tables["en"];
        let zh = &tables["zh-CN"];
        checked += en.len();
        for key in en.keys().filter(|k| !zh.contains_key(*k)) {
            problems.push(format!("{name}: {key} has no zh-CN text"));
        }
        for key in zh.keys().filter(|k| !en.contains_key(*k)) {
            problems.push(format!("{name}: {key} has no English text"));
        }
        for (key, english) in en {
            if let Some(chinese) = zh.get(key) {
                if chinese.trim().is_empty() {
                    problems.push(format!("{name}: {key} is empty in zh-CN"));
                }
                if placeholders(english) != placeholders(chinese) {
                    problems.push(format!(
                        "{name}: {key} has placeholders {:?} in English but {:?} in zh-CN",
                        placeholders(english),
                        placeholders(chinese)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        checked >= 10,
        "only {checked} strings found: is the scanner lost?"
    );
}

/// Literal keys the page looks up: `t("key"`, `data-i18n="key"`, `"data-i18n": "key"`
/// (and the `-placeholder` / `-label` forms). Keys built at run time are not seen.
fn used_keys(source: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let markers = [
        "t(\"",
        "data-i18n=\"",
        "data-i18n-placeholder=\"",
        "data-i18n-label=\"",
        "\"data-i18n\": \"",
        "\"data-i18n-placeholder\": \"",
        "\"data-i18n-label\": \"",
    ];
    for marker in markers {
        for (at, _) in source.match_indices(marker) {
            // `t("` must be the function itself, not the end of a longer name.
            if marker.starts_with('t')
                && source[..at]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                continue;
            }
            let rest = &source[at + marker.len()..];
            if let Some(end) = rest.find('"') {
                keys.insert(rest[..end].to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_key_the_page_uses_is_defined_in_both_languages() {
    let mut defined: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for file in table_files() {
        for (lang, entries) in tables_of(&file) {
            defined.entry(lang).or_default().extend(entries.into_keys());
        }
    }
    let mut missing = Vec::new();
    for file in page_files() {
        let source = std::fs::read_to_string(&file).unwrap();
        for key in used_keys(&source) {
            for lang in LANGUAGES {
                if !defined[lang].contains(&key) {
                    missing.push(format!(
                        "{}: {key} is not defined in {lang}",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_table_scanner_reads_keys_values_and_placeholders() {
    let source = r#"export const strings = {
  en: { "a.b": "Hello {name}", plain: 'it\'s', "x": `t` },
  "zh-CN": { "a.b": "你好 {name}", plain: "它", "x": "t" },
};"#;
    let en = object_after(source, "en:").unwrap();
    assert_eq!(en["a.b"], "Hello {name}");
    assert_eq!(en["plain"], "it's");
    assert_eq!(en.len(), 3);
    let zh = object_after(source, "\"zh-CN\":").unwrap();
    assert_eq!(zh["a.b"], "你好 {name}");
    assert_eq!(placeholders("App {app} · core {core}").len(), 2);
    assert!(
        used_keys(r#"t("k.one", {}); format("nope"); el("p", { "data-i18n": "k.two" })"#)
            .into_iter()
            .eq(["k.one".to_owned(), "k.two".to_owned()])
    );
}
