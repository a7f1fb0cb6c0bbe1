//! Hardening, seen from the page: what the capability file does not grant is refused in
//! the real window, no secret typed into it ever comes back to the page or into the log,
//! and the window works by keyboard alone.

use companion_tests::fake::{FakeBitwarden, Seed};
use companion_tests::ids::ACME_SELF_HOSTED;
use companion_tests::window::{read_log, AppWindow, Launch};
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

    // Enter in a field outside a <form> presses the panel's main button, not a secondary one.
    app.client
        .execute(
            "const box = document.createElement('div');
             box.innerHTML = '<input id=\"kb-field\"><button class=\"secondary\" id=\"kb-other\">no</button><button id=\"kb-main\">go</button>';
             document.getElementById('view-settings').append(box);
             document.getElementById('kb-other').onclick = () => { box.dataset.pressed = 'other'; };
             document.getElementById('kb-main').onclick = () => { box.dataset.pressed = 'main'; };
             document.getElementById('kb-field').focus();",
            vec![],
        )
        .await
        .unwrap();
    press(&app, Key::Enter).await;
    let pressed = app
        .client
        .execute(
            "return document.getElementById('kb-field').parentElement.dataset.pressed;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(pressed, "main");

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

const OWNER_API_CLIENT_ID: &str = "user.50000000-0000-4000-8000-000000000001";
const OWNER_API_SECRET: &str = "OwnerSelfHostedApiKeySecret012";
/// The token the seed gives Acme, and the one pasted in the window.
const SEEDED_TOKEN: &str = "AcmeBillingSyncToken0123456789";
const PASTED_TOKEN: &str = "LeakCheckBillingSyncToken54321";

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus, a keychain and tauri-driver: run `make test`"]
async fn an_api_key_and_a_billing_sync_token_never_reach_the_page_or_the_log() {
    let mut seed = Seed::default_seed();
    seed.auth_failure_delay_ms = 0;
    let server = FakeBitwarden::builder().seed(seed).start().await.unwrap();
    let settings = json!({
        "instances": [{ "id": "office", "name": "Office vault", "url": server.self_hosted_url }]
    });
    let app = Launch::default()
        .settings(settings)
        .cloud_of(&server)
        .env("RUST_LOG", "debug")
        .open("e2e-hardening-secrets")
        .await;

    // Sign in with the personal API key, typed into the window.
    app.click("#nav button[data-view='instances']").await;
    app.click(".instance[data-id='office'] .instance-signin")
        .await;
    app.click("#signin-method-api-key").await;
    app.fill("#signin-client-id", OWNER_API_CLIENT_ID).await;
    app.fill("#signin-client-secret", OWNER_API_SECRET).await;
    app.click("#signin-submit").await;
    app.wait_for_text(".instance[data-id='office'] .instance-account", "Signed in")
        .await;

    // Paste a billing sync token and sync with it. The cloud does not know this token, so
    // the sync fails: the error path must not echo it either.
    app.click("#nav button[data-view='billing']").await;
    let card = format!(".billing-org[data-org='{ACME_SELF_HOSTED}']");
    app.wait_for_text(&format!("{card} .billing-token"), "6789")
        .await;
    app.fill(
        &format!("#billing-token-input-{ACME_SELF_HOSTED}"),
        PASTED_TOKEN,
    )
    .await;
    app.click(&format!("{card} .token-save")).await;
    app.wait_for_text(&format!("{card} .billing-token"), "4321")
        .await;
    app.click(&format!("{card} .sync-now")).await;
    app.wait_for_text(&format!("{card} .billing-result"), "billing token")
        .await;
    app.screenshot("e2e-hardening-secrets").await;

    let traffic = app.ipc_traffic().await;
    assert!(traffic.contains("signin_start"), "{traffic}");
    assert!(traffic.contains("billing_save_token"), "{traffic}");
    // What the page holds besides the log: every field's value and the whole DOM.
    let page = app
        .client
        .execute(
            "return document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map(i => i.value).join(' ');",
            vec![],
        )
        .await
        .unwrap();
    let page = page.as_str().unwrap_or_default().to_owned();
    let log_path = app.log.clone();
    app.close().await;
    let log = read_log(&log_path);
    assert!(log.contains("page ready"), "the app log was not captured");

    for secret in [OWNER_API_SECRET, PASTED_TOKEN, SEEDED_TOKEN] {
        assert!(
            !traffic.contains(secret),
            "{secret} reached the page through IPC"
        );
        assert!(!log.contains(secret), "{secret} is in the app log");
        // The inputs are cleared once the secret has gone to the keychain.
        assert!(!page.contains(secret), "{secret} is still on the page");
    }
}
