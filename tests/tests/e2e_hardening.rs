//! Hardening, seen from the page: what the capability file does not grant is refused in
//! the real window.

use companion_tests::window::{AppWindow, Launch};
use serde_json::{json, Value};

/// Invokes `cmd` from the page, straight through Tauri (not the app's `call` wrapper), and
/// returns `{"ok": result}` or `{"err": "error text"}`.
async fn invoke(app: &AppWindow, cmd: &str, args: Value) -> Value {
    app.client
        .execute_async(
            "const [cmd, args, done] = arguments;
             window.__TAURI__.core.invoke(cmd, args).then(
               (ok) => done({ ok: ok === undefined ? null : ok }),
               (err) => done({ err: typeof err === 'string' ? err : JSON.stringify(err) }));",
            vec![json!(cmd), args],
        )
        .await
        .unwrap_or_else(|e| panic!("invoke {cmd} from the page: {e}"))
}

fn refusal(answer: &Value, cmd: &str) -> String {
    answer["err"]
        .as_str()
        .unwrap_or_else(|| panic!("{cmd} was allowed from the page: {answer}"))
        .to_owned()
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn commands_not_granted_to_the_window_are_refused() {
    let app = Launch::default().open("e2e-hardening-refused").await;

    // A granted command answers, so the refusals below are the capability's doing.
    let granted = invoke(&app, "app_info", json!({})).await;
    assert_eq!(granted["ok"]["appVersion"], "0.1.0", "{granted}");

    // Core plugins the window was not given: closing windows, reading paths.
    let close = invoke(&app, "plugin:window|close", json!({ "label": "main" })).await;
    let close = refusal(&close, "plugin:window|close");
    assert!(close.contains("not allowed"), "{close}");
    let path = invoke(
        &app,
        "plugin:path|resolve_directory",
        json!({ "directory": 1 }),
    )
    .await;
    let path = refusal(&path, "plugin:path|resolve_directory");
    assert!(path.contains("not allowed"), "{path}");
    // No file system, shell or opener plugin is even in the app.
    for cmd in [
        "plugin:fs|read_text_file",
        "plugin:shell|execute",
        "plugin:opener|open_url",
    ] {
        let answer = invoke(&app, cmd, json!({ "path": "/etc/passwd" })).await;
        let text = refusal(&answer, cmd);
        assert!(
            text.contains("not allowed") || text.contains("not found"),
            "{cmd}: {text}"
        );
    }
    // A name the app does not have at all.
    let unknown = invoke(&app, "read_secret", json!({})).await;
    refusal(&unknown, "read_secret");

    // The window is still there and working.
    assert_eq!(app.text("#title").await, "License Companion");
    app.screenshot("e2e-hardening-refused").await;
    app.close().await;
}

/// Presses `key` (a WebDriver key code) on whatever has the focus.
async fn press(app: &AppWindow, key: fantoccini::key::Key) {
    app.client
        .active_element()
        .await
        .expect("something has the focus")
        .send_keys(&String::from(char::from(key)))
        .await
        .expect("press a key");
}

/// What has the focus: `#id`, or `tag[data-view=…]` for the navigation.
async fn focused(app: &AppWindow) -> String {
    let value = app
        .client
        .execute(
            "const e = document.activeElement;
             return e.id ? '#' + e.id
               : e.dataset && e.dataset.view ? 'nav:' + e.dataset.view
               : e.tagName.toLowerCase() + (e.className ? '.' + e.className : '');",
            vec![],
        )
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn the_window_works_by_keyboard_alone() {
    use fantoccini::key::Key;
    let app = Launch::default().open("e2e-keyboard").await;

    // The first Tab reaches the skip link, then the navigation in reading order.
    press(&app, Key::Tab).await;
    assert_eq!(focused(&app).await, "a.skip");
    let mut order = Vec::new();
    for _ in 0..5 {
        press(&app, Key::Tab).await;
        order.push(focused(&app).await);
    }
    assert_eq!(
        order,
        [
            "nav:dashboard",
            "nav:instances",
            "nav:license",
            "nav:billing",
            "nav:settings"
        ]
    );

    // Enter opens the focused view; the next Tab reaches its first control, and the
    // focus ring shows.
    press(&app, Key::Enter).await;
    app.wait_for_text("#settings-heading", "Settings").await;
    press(&app, Key::Tab).await;
    assert_eq!(focused(&app).await, "#settings-language");
    let outline = app
        .client
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(outline, "solid", "no visible focus on the language list");

    // Escape dismisses the banner.
    app.client
        .execute(
            "const b = document.getElementById('banner'); b.textContent = 'x'; b.hidden = false;",
            vec![],
        )
        .await
        .unwrap();
    press(&app, Key::Escape).await;
    let hidden = app
        .client
        .execute("return document.getElementById('banner').hidden;", vec![])
        .await
        .unwrap();
    assert_eq!(hidden, true);
    app.screenshot("e2e-keyboard").await;
    app.close().await;
}
