//! End-to-end: instances, sign-in, the dashboard and the installation view in the real app
//! window, against `fake-bitwarden` (default seed) started by each test.

use std::path::Path;

use companion_tests::fake::{FakeBitwarden, Running, Seed};
use companion_tests::ids::{OWNER, OWNER_PASSWORD, TOTP_SECRET};
use companion_tests::window::{AppWindow, Launch};
use serde_json::json;

const OWNER_API_CLIENT_ID: &str = "user.50000000-0000-4000-8000-000000000001";
const OWNER_API_SECRET: &str = "OwnerSelfHostedApiKeySecret012";
/// The installation ID of tests/data/installation/standard.
const STANDARD_INSTALLATION: &str = "11111111-2222-4333-8444-555555555555";

async fn fake() -> Running {
    FakeBitwarden::builder()
        .seed(Seed::default_seed())
        .start()
        .await
        .expect("the fake server starts")
}

/// The app, talking to the fake cloud instead of Bitwarden's.
fn launch(fake: &Running) -> Launch {
    Launch::default().cloud_of(fake)
}

/// The text of every dashboard row, in the order shown.
async fn dashboard_rows(app: &AppWindow) -> Vec<(String, String)> {
    let value = app
        .client
        .execute(
            "return [...document.querySelectorAll('#dashboard-rows tr')].map(r => [r.dataset.status, r.innerText]);",
            vec![],
        )
        .await
        .expect("read the dashboard rows");
    serde_json::from_value(value).expect("rows as pairs")
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn add_an_instance_sign_in_with_the_master_password_and_see_its_organizations() {
    let fake = fake().await;
    let app = launch(&fake).open("e2e-instances-signin").await;

    app.click("#nav button[data-view='instances']").await;
    app.wait_for_text("#instances-none", "No server yet").await;
    app.click("#instance-add").await;
    app.fill("#instance-name", "Office vault").await;
    app.fill("#instance-url", &fake.self_hosted_url).await;
    app.click("#instance-save").await;
    app.wait_for_text("#instance-list", "Office vault").await;
    assert!(app
        .text(".instance .instance-account")
        .await
        .contains("Not signed in"));

    app.click(".instance .instance-signin").await;
    app.wait_for_text("#signin-heading", "Sign in to Office vault")
        .await;
    app.click("#signin-method-password").await;
    app.fill("#signin-email", OWNER).await;
    app.fill("#signin-password", OWNER_PASSWORD).await;
    app.click("#signin-submit").await;
    app.wait_for_text("#signin-done", &format!("Signed in as {OWNER}"))
        .await;
    app.wait_for_text(
        ".instance .instance-account",
        "Signed in as owner@example.com",
    )
    .await;

    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text("#dashboard-rows", "Acme Corp").await;
    app.screenshot("e2e-instances-signin").await;
    let rows = dashboard_rows(&app).await;
    let (status, acme) = rows
        .iter()
        .find(|(_, text)| text.contains("Acme Corp"))
        .expect("the Acme Corp row");
    assert!(acme.contains("Office vault"), "{acme}");
    assert!(acme.contains("Enterprise (Annually)"), "{acme}");
    assert!(acme.contains("50"), "{acme}");
    assert_eq!(status, "ok", "{acme}");
    assert!(acme.contains("OK"), "{acme}");

    // The master password went to Rust once and never came back to the page.
    let traffic = app.ipc_traffic().await;
    assert!(traffic.contains("signin_start"));
    assert!(!traffic.contains(OWNER_PASSWORD));
    // Only the keychain holds the refresh token; the session file has no secret.
    let sessions = std::fs::read_to_string(app.config_dir().join("sessions.json")).unwrap();
    assert!(
        sessions.contains(OWNER) && !sessions.contains("refresh_token\""),
        "{sessions}"
    );
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_dead_server_is_an_error_row_with_advice_shown_first() {
    let office = fake().await;
    let branch = fake().await;
    let settings = json!({
        "instances": [
            { "id": "office", "name": "Office vault", "url": office.self_hosted_url },
            { "id": "branch", "name": "Branch vault", "url": branch.self_hosted_url }
        ]
    });
    let app = launch(&office)
        .settings(settings)
        .open("e2e-dashboard-dead")
        .await;

    // Sign in to both with the personal API key, then the branch server goes down.
    app.click("#nav button[data-view='instances']").await;
    for id in ["office", "branch"] {
        app.click(&format!(".instance[data-id='{id}'] .instance-signin"))
            .await;
        app.click("#signin-method-api-key").await;
        app.fill("#signin-client-id", OWNER_API_CLIENT_ID).await;
        app.fill("#signin-client-secret", OWNER_API_SECRET).await;
        app.click("#signin-submit").await;
        app.wait_for_text(
            &format!(".instance[data-id='{id}'] .instance-account"),
            "Signed in",
        )
        .await;
    }
    let branch_url = branch.self_hosted_url.clone();
    branch.shutdown().await;

    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text("#dashboard-summary", "attention now")
        .await;
    app.screenshot("e2e-dashboard-dead").await;
    let rows = dashboard_rows(&app).await;
    let (status, first) = &rows[0];
    assert_eq!(status, "error", "{rows:?}");
    assert!(first.contains("Branch vault"), "{first}");
    assert!(first.contains("Check the URL"), "advice shown: {first}");
    assert!(first.contains("Check the server"), "action shown: {first}");
    assert!(
        rows[1..]
            .iter()
            .any(|(_, text)| text.contains("Acme Corp") && text.contains("Office vault")),
        "{rows:?}"
    );
    assert!(!app.ipc_traffic().await.contains(OWNER_API_SECRET));

    // The row's button tests the connection there and says why; its settings are a click on.
    app.click("#dashboard-rows tr:first-child .problem-action")
        .await;
    let result = app
        .wait_for_text(
            "#dashboard-rows tr:first-child .dash-check-result .problem",
            "Check the URL",
        )
        .await;
    assert!(result.contains(&branch_url), "{result}");
    app.click("#dashboard-rows tr:first-child .dash-edit-server")
        .await;
    app.wait_for_text("#instance-form-heading", "Edit Branch vault")
        .await;
    app.close().await;
}

/// Signs in to the instance `id` on the Instances view with the owner's personal API key.
async fn sign_in_with_api_key(app: &AppWindow, id: &str) {
    app.click(&format!(".instance[data-id='{id}'] .instance-signin"))
        .await;
    app.click("#signin-method-api-key").await;
    app.fill("#signin-client-id", OWNER_API_CLIENT_ID).await;
    app.fill("#signin-client-secret", OWNER_API_SECRET).await;
    app.click("#signin-submit").await;
    app.wait_for_text(
        &format!(".instance[data-id='{id}'] .instance-account"),
        "Signed in",
    )
    .await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn testing_the_connection_names_the_server_version_and_a_dead_server_is_not_reachable() {
    let cloud = fake().await;
    let branch = fake().await;
    let settings = json!({
        "instances": [{ "id": "branch", "name": "Branch vault", "url": branch.self_hosted_url }]
    });
    let app = launch(&cloud)
        .settings(settings)
        .open("e2e-instances-test-connection")
        .await;
    let card = ".instance[data-id='branch']";
    app.click("#nav button[data-view='instances']").await;
    sign_in_with_api_key(&app, "branch").await;

    app.click(&format!("{card} .instance-test")).await;
    app.wait_for_text(
        &format!("{card} .instance-connection"),
        "Reachable (server version 2025.12.0)",
    )
    .await;
    let account = app.text(&format!("{card} .instance-account")).await;
    assert_eq!(account, format!("Signed in as {OWNER}"));

    branch.shutdown().await;
    app.click(&format!("{card} .instance-test")).await;
    let problem = app
        .wait_for_text(
            &format!("{card} .instance-connection .problem"),
            "Check the URL",
        )
        .await;
    assert!(!problem.contains("Reachable"), "{problem}");
    let account = app.text(&format!("{card} .instance-account")).await;
    assert_eq!(
        account,
        format!("Signed in as {OWNER} · server not reachable")
    );
    app.screenshot("e2e-instances-test-connection").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn an_unreachable_server_keeps_its_last_known_licenses_on_the_dashboard() {
    let cloud = fake().await;
    let branch = fake().await;
    let settings = json!({
        "instances": [{ "id": "branch", "name": "Branch vault", "url": branch.self_hosted_url }]
    });
    let app = launch(&cloud)
        .settings(settings)
        .open("e2e-dashboard-last-known")
        .await;
    app.click("#nav button[data-view='instances']").await;
    sign_in_with_api_key(&app, "branch").await;
    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text("#dashboard-rows", "Acme Corp").await;
    let before = dashboard_rows(&app).await;
    assert!(
        before.iter().all(|(_, text)| !text.contains("Last known")),
        "{before:?}"
    );

    branch.shutdown().await;
    app.click("#dashboard-refresh").await;
    app.wait_for_text("#dashboard-rows", "Last known, checked")
        .await;
    app.screenshot("e2e-dashboard-last-known").await;
    let rows = dashboard_rows(&app).await;
    let (status, acme) = rows
        .iter()
        .find(|(_, text)| text.contains("Acme Corp"))
        .expect("the Acme Corp row is kept");
    assert_eq!(status, "error", "{acme}");
    assert!(acme.contains("Enterprise (Annually)"), "plan kept: {acme}");
    assert!(acme.contains("50"), "seats kept: {acme}");
    assert!(acme.contains("Last known, checked"), "{acme}");
    assert!(
        acme.contains("Check the URL"),
        "the failure is said: {acme}"
    );
    let expires = app
        .text("#dashboard-rows tr[data-kind='organization'] .dash-expires")
        .await;
    assert_ne!(expires, "—", "the expiry date is kept");

    // The instance's card no longer says all is well.
    app.click("#nav button[data-view='instances']").await;
    app.wait_for_text(
        ".instance[data-id='branch'] .instance-account",
        "server not reachable",
    )
    .await;
    app.close().await;
}

/// Whether the text of `css` matches the JavaScript regular expression `pattern`.
async fn matches(app: &AppWindow, css: &str, pattern: &str) -> (bool, String) {
    let value = app
        .client
        .execute(
            "const text = document.querySelector(arguments[0]).innerText; return [new RegExp(arguments[1], 'u').test(text), text];",
            vec![json!(css), json!(pattern)],
        )
        .await
        .expect("run the check");
    serde_json::from_value(value).expect("a pair")
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn dates_and_times_are_written_one_way_per_language_without_seconds_or_iso() {
    let office = fake().await;
    let settings = json!({
        "instances": [{ "id": "office", "name": "Office vault", "url": office.self_hosted_url }]
    });
    let app = launch(&office).settings(settings).open("e2e-dates").await;
    app.click("#nav button[data-view='instances']").await;
    sign_in_with_api_key(&app, "office").await;
    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text("#dashboard-rows", "Acme Corp").await;

    // "Checked Dec 4, 2026, 9:03 PM": medium date, short time.
    let (ok, text) = matches(
        &app,
        "#dashboard-summary",
        r"Checked [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M$",
    )
    .await;
    assert!(ok, "{text}");
    let (ok, text) = matches(
        &app,
        "#dashboard-rows tr[data-kind='organization'] .dash-expires",
        r"^[A-Z][a-z]{2} \d{1,2}, \d{4}",
    )
    .await;
    assert!(ok, "{text}");
    let (iso, text) = matches(&app, "#content", r"\d{4}-\d{2}-\d{2}|\d:\d{2}:\d{2}").await;
    assert!(!iso, "no ISO date and no seconds on screen: {text}");

    app.click("#nav button[data-view='settings']").await;
    app.select("#settings-language", "zh-CN").await;
    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text("#dashboard-summary", "检查于").await;
    let (ok, text) = matches(
        &app,
        "#dashboard-summary",
        r"检查于 \d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}$",
    )
    .await;
    assert!(ok, "{text}");
    let (ok, text) = matches(
        &app,
        "#dashboard-rows tr[data-kind='organization'] .dash-expires",
        r"^\d{4}年\d{1,2}月\d{1,2}日",
    )
    .await;
    assert!(ok, "{text}");
    app.screenshot("e2e-dates-zh").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_refused_server_address_is_explained_in_the_window_language() {
    let app = Launch::default()
        .settings(json!({ "language": "zh-CN" }))
        .open("e2e-instances-bad-url")
        .await;
    app.click("#nav button[data-view='instances']").await;
    app.click("#instance-add").await;
    app.fill("#instance-name", "Office vault").await;
    // A URL the browser takes, which the app refuses: it holds a password.
    app.fill("#instance-url", "https://admin:pw@vault.example.com")
        .await;
    app.click("#instance-save").await;
    let said = app
        .wait_for_text("#instance-form-status", "不是可用的服务器网址")
        .await;
    assert!(said.contains("其中含有用户名或密码"), "{said}");
    assert!(!said.contains("user name"), "{said}");
    assert!(
        !said.contains(":pw@"),
        "the password is not repeated: {said}"
    );
    app.screenshot("e2e-instances-bad-url-zh").await;
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn the_sign_in_form_opens_with_its_heading_in_view() {
    let instances: Vec<_> = (1..=8)
        .map(|n| json!({ "id": format!("vault{n}"), "name": format!("Vault {n}"), "url": format!("https://vault{n}.example.org") }))
        .collect();
    let app = Launch::default()
        .settings(json!({ "instances": instances }))
        .open("e2e-signin-in-view")
        .await;
    app.click("#nav button[data-view='instances']").await;
    app.click(".instance[data-id='vault8'] .instance-signin")
        .await;
    app.wait_for_text("#signin-heading", "Sign in to Vault 8")
        .await;
    app.scrolling_settled().await;
    let value = app
        .client
        .execute(
            "const r = document.getElementById('signin-heading').getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    let (top, bottom, height): (f64, f64, f64) = serde_json::from_value(value).unwrap();
    assert!(
        top >= 0.0 && bottom <= height,
        "the heading is in view: top {top}, bottom {bottom}, window {height}"
    );
    app.screenshot("e2e-signin-in-view").await;
    app.close().await;
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn the_installation_view_shows_the_id_and_turns_cloud_communication_on() {
    let fake = fake().await;
    let server = tempfile::tempdir().unwrap();
    let bwdata = server.path().join("bwdata");
    copy_dir(
        &companion_tests::paths::workspace_root().join("tests/data/installation/standard/bwdata"),
        &bwdata,
    );
    let settings = json!({
        "instances": [{
            "id": "office", "name": "Office vault", "url": fake.self_hosted_url,
            "installation": { "kind": "folder", "path": bwdata }
        }]
    });
    let app = launch(&fake)
        .settings(settings)
        .open("e2e-installation")
        .await;

    app.click("#nav button[data-view='instances']").await;
    app.click(".instance[data-id='office'] .instance-installation")
        .await;
    app.wait_for_text("#installation-id", STANDARD_INSTALLATION)
        .await;
    assert_eq!(app.text("#installation-region").await, "US");
    assert_eq!(app.text("#installation-cloud").await, "off");
    app.wait_for_text("#installation-findings", "Cloud communication is off")
        .await;
    app.click("#installation-copy").await;
    app.wait_for_text("#installation-copied", "Copied").await;

    app.click("#installation-fix").await;
    app.wait_for_text("#installation-fix-result", "Backup")
        .await;
    app.wait_for_text("#installation-cloud", "on").await;
    app.screenshot("e2e-installation").await;
    let env = std::fs::read_to_string(bwdata.join("env/global.override.env")).unwrap();
    assert!(env.contains("globalSettings__enableCloudCommunication=true"));
    // The installation key is never shown.
    assert!(!app.ipc_traffic().await.contains("FAKE-installation-key"));
    let snake = app.snake_case_fields_in_answers().await;
    assert!(
        snake.is_empty(),
        "answers with snake_case fields: {snake:?}"
    );
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn the_cloud_account_signs_in_with_an_authenticator_code_and_signs_out() {
    let fake = fake().await;
    let app = launch(&fake).open("e2e-cloud-two-step").await;

    app.click("#nav button[data-view='instances']").await;
    app.wait_for_text("#cloud-account", "Not signed in").await;
    app.click("#cloud-signin").await;
    app.wait_for_text("#signin-heading", "Bitwarden cloud (US)")
        .await;
    app.click("#signin-method-password").await;
    app.fill("#signin-email", "totp@example.com").await;
    app.fill("#signin-password", "totp password").await;
    app.click("#signin-submit").await;

    app.wait_for_text("#signin-code-prompt", "Two-step login is on")
        .await;
    // A wrong code is refused and the sign-in waits for another.
    app.fill("#signin-code", "000000").await;
    app.click("#signin-code-submit").await;
    app.find("#signin-status .problem").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = companion_tests::fake::totp::code(TOTP_SECRET, now).expect("a TOTP code");
    app.fill("#signin-code", &code).await;
    app.click("#signin-code-submit").await;
    app.wait_for_text("#cloud-account", "Signed in as totp@example.com")
        .await;
    app.screenshot("e2e-cloud-two-step").await;
    assert!(!app.ipc_traffic().await.contains(&code));

    app.click("#cloud-signout").await;
    app.wait_for_text("#cloud-account", "Not signed in").await;
    app.close().await;
}
