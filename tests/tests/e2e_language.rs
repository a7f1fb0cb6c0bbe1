//! The window in Simplified Chinese: picked in Settings, or followed from the system locale;
//! and every key the page and the Rust code use defined in the app's catalogs
//! (`core/messages/`), whose own completeness the core checks.

use std::collections::{BTreeMap, BTreeSet};

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

// ---- The page's keys in the catalogs (no window needed) ----

/// The catalogs' keys by language.
fn catalog_keys() -> BTreeMap<&'static str, BTreeSet<String>> {
    companion_core::messages::CATALOGS
        .iter()
        .map(|(language, json)| {
            let table: BTreeMap<String, String> = serde_json::from_str(json).unwrap();
            (*language, table.into_keys().collect())
        })
        .collect()
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

/// The string literal after each `marker` in `source` whose preceding character passes
/// `before` (so `t("` is not the end of a longer name).
fn literals_after(
    source: &str,
    markers: &[&str],
    before: impl Fn(Option<char>) -> bool,
) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for marker in markers {
        for (at, _) in source.match_indices(marker) {
            if !before(source[..at].chars().last()) {
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

/// Literal keys the page looks up: `t("key"`, `data-i18n="key"`, `"data-i18n": "key"`
/// (and the `-placeholder` / `-label` forms). Keys built at run time are not seen.
fn used_keys(source: &str) -> BTreeSet<String> {
    let markers = [
        "data-i18n=\"",
        "data-i18n-placeholder=\"",
        "data-i18n-label=\"",
        "\"data-i18n\": \"",
        "\"data-i18n-placeholder\": \"",
        "\"data-i18n-label\": \"",
    ];
    let mut keys = literals_after(source, &markers, |_| true);
    keys.extend(literals_after(source, &["t(\""], |c| {
        !c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    }));
    keys
}

/// Files whose keys `scan` finds, each key missing from a catalog as a line, and how many
/// keys were found.
fn undefined_keys(
    files: Vec<std::path::PathBuf>,
    scan: fn(&str) -> BTreeSet<String>,
) -> (Vec<String>, usize) {
    let defined = catalog_keys();
    let mut missing = Vec::new();
    let mut seen = 0;
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        for key in scan(&source) {
            seen += 1;
            for (lang, keys) in &defined {
                if !keys.contains(&key) {
                    missing.push(format!(
                        "{}: {key} is not defined in {lang}",
                        file.display()
                    ));
                }
            }
        }
    }
    (missing, seen)
}

#[test]
fn every_key_the_page_uses_is_defined_in_both_languages() {
    let (missing, _) = undefined_keys(page_files(), used_keys);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_key_scanner_finds_literal_keys_only() {
    assert!(
        used_keys(r#"t("k.one", {}); format("nope"); el("p", { "data-i18n": "k.two" })"#)
            .into_iter()
            .eq(["k.one".to_owned(), "k.two".to_owned()])
    );
}

/// Every Rust source file of the app's crates.
fn rust_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    let root = paths::workspace_root();
    let mut files = Vec::new();
    for krate in [
        "core/src",
        "cli/src",
        "desktop/src",
        "src-tauri/src",
        "tray/src",
    ] {
        walk(&root.join(krate), &mut files);
    }
    files
}

/// Literal keys Rust code words with: `Phrase::new("key"` and `text(language, "key"`.
fn rust_keys(source: &str) -> BTreeSet<String> {
    let markers = ["Phrase::new(\"", "text(lang, \"", "text(language, \""];
    literals_after(source, &markers, |_| true)
}

#[test]
fn every_key_the_rust_code_words_with_is_defined_in_both_languages() {
    let (missing, seen) = undefined_keys(rust_files(), rust_keys);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert!(
        seen > 60,
        "only {seen} keys found: is the scanner still right?"
    );
}
