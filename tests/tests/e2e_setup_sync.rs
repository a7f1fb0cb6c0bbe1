//! End-to-end: the guided "Set up automatic sync" of the billing view, cloud path, in the
//! real window against the test server. The instance's installation is a local bwdata
//! folder whose installation ID is the test server's; the owner is signed in to the
//! self-hosted server and to the cloud account beforehand with `bwlicense login` (it
//! shares the app's session store and keychain service). Step 1 checks the installation,
//! step 2 gets the token from the cloud with the master password and stores it on the
//! server and in the keychain, step 3 runs the first sync. The token and the password never
//! reach the page or the app's log.

use std::time::Duration;

use companion_core::bitwarden::{token_account, Endpoints};
use companion_core::secrets::{OsKeychain, SecretStore};
use companion_tests::fake::{FakeBitwarden, FaultRule, Region, Role, Running, Seed};
use companion_tests::ids::{
    ACME_CLOUD, ACME_SELF_HOSTED, ACME_TOKEN, OWNER_CLOUD_ID, OWNER_CLOUD_SECRET, OWNER_PASSWORD,
    OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET,
};
use companion_tests::paths;
use companion_tests::window::{bwlicense, read_log, AppWindow, Launch};
use secrecy::ExposeSecret;
use serde_json::json;
use uuid::Uuid;

/// The test server's installation (the seed's `self_hosted.installation_id`).
const INSTALLATION: &str = "78900000-0000-0000-0000-000000000123";

/// The test server, the app window and the installation folder it reads.
struct Setup {
    server: Running,
    app: AppWindow,
    /// Holds the bwdata folder until the test ends.
    installation: tempfile::TempDir,
}

/// Copies the standard bwdata fixture with the test server's installation ID, cloud
/// communication as given.
fn installation_folder(cloud_communication: bool) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let fixture = paths::workspace_root().join("tests/data/installation/standard/bwdata");
    let bwdata = folder.path().join("bwdata");
    std::fs::create_dir_all(bwdata.join("env")).unwrap();
    std::fs::copy(fixture.join("config.yml"), bwdata.join("config.yml")).unwrap();
    let env = std::fs::read_to_string(fixture.join("env/global.override.env")).unwrap();
    let mut env = env.replace("11111111-2222-4333-8444-555555555555", INSTALLATION);
    if cloud_communication {
        env.push_str("globalSettings__enableCloudCommunication=true\n");
    }
    std::fs::write(bwdata.join("env/global.override.env"), env).unwrap();
    folder
}

/// Starts the test server and the app with the instance and its installation configured,
/// signs the owner in to both servers and, when asked, removes Acme's connection.
async fn start(name: &str, cloud_communication: bool, clear_connection: bool) -> Setup {
    let server = FakeBitwarden::builder()
        .seed(Seed::default_seed())
        .start()
        .await
        .unwrap();
    let installation = installation_folder(cloud_communication);
    let settings = json!({
        "instances": [{
            "id": "office", "name": "Office vault", "url": server.self_hosted_url,
            "installation": { "kind": "folder", "path": installation.path().join("bwdata") }
        }]
    });
    let app = Launch::default()
        .settings(settings)
        .cloud_of(&server)
        .open(name)
        .await;
    let home = app.home.path();
    let self_hosted = ["--server", server.self_hosted_url.as_str()];
    let owner = (OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    bwlicense(home, owner, &[&["login"], &self_hosted[..]].concat()).await;
    let cloud = [
        "login",
        "--cloud",
        "us",
        "--cloud-api",
        &server.cloud_api_url,
        "--cloud-identity",
        &server.cloud_identity_url,
    ];
    bwlicense(home, (OWNER_CLOUD_ID, OWNER_CLOUD_SECRET), &cloud).await;
    if clear_connection {
        let clear = ["token", "clear", "--no-keychain", "--org", ACME_SELF_HOSTED];
        bwlicense(home, owner, &[&clear[..], &self_hosted[..]].concat()).await;
    }
    Setup {
        server,
        app,
        installation,
    }
}

/// The token the server keeps for Acme.
fn server_token(server: &Running) -> Option<String> {
    let acme = Uuid::parse_str(ACME_SELF_HOSTED).unwrap();
    server.state.connection_field(acme, "BillingSyncKey")
}

/// The token the app keeps in the keychain for Acme on this server.
fn keychain_token(server: &Running) -> Option<String> {
    let endpoints = Endpoints::self_hosted(&server.self_hosted_url).unwrap();
    let account = token_account(
        &endpoints.server,
        Uuid::parse_str(ACME_SELF_HOSTED).unwrap(),
    );
    OsKeychain::default()
        .get(&account)
        .expect("the keychain answers")
        .map(|t| t.expose_secret().to_owned())
}

/// The last four characters, as the page shows a token.
fn masked(token: &str) -> String {
    format!("••••••••{}", &token[token.len() - 4..])
}

/// Opens the billing view and runs step 1; returns what it showed.
async fn check_installation(app: &AppWindow) -> String {
    app.click("#nav button[data-view='billing']").await;
    app.wait_for_text(
        &format!(".billing-org[data-org='{ACME_SELF_HOSTED}'] h3"),
        "Acme Corp",
    )
    .await;
    app.select("#setup-org", ACME_SELF_HOSTED).await;
    app.click("#setup-check").await;
    app.wait_for_text("#setup-check-result", INSTALLATION).await
}

/// Saves a screenshot with the element matching `css` in the middle of the window.
async fn screenshot_at(app: &AppWindow, css: &str, name: &str) {
    app.client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
            vec![json!(css)],
        )
        .await
        .expect("scroll to the element");
    app.screenshot(name).await;
}

/// How many elements match `css` now.
async fn count(app: &AppWindow, css: &str) -> u64 {
    app.client
        .execute(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![json!(css)],
        )
        .await
        .expect("count elements")
        .as_u64()
        .unwrap_or_default()
}

/// Loads the cloud account's organizations and picks Acme Corp.
async fn pick_cloud_org(app: &AppWindow) {
    app.click("#setup-cloud-load").await;
    app.wait_for_text("#setup-cloud-account", "owner@example.com")
        .await;
    app.select("#setup-cloud-org", ACME_CLOUD).await;
}

/// Records each text the progress line shows and whether the progress bar is visible,
/// so a test can tell which stages the page went through.
async fn watch_progress(app: &AppWindow) {
    app.client
        .execute(
            "window.__stages = [];
             const stage = document.getElementById('setup-stage');
             const bar = document.getElementById('setup-progress');
             new MutationObserver(() => window.__stages.push([stage.textContent, !bar.hidden]))
               .observe(document.getElementById('setup-step2'),
                 { subtree: true, childList: true, characterData: true, attributes: true });",
            vec![],
        )
        .await
        .expect("watch the progress line");
}

/// The progress texts seen while the bar was shown.
async fn stages_shown(app: &AppWindow) -> Vec<String> {
    let value = app
        .client
        .execute("return window.__stages;", vec![])
        .await
        .expect("read the progress seen");
    let seen: Vec<(String, bool)> = serde_json::from_value(value).unwrap();
    seen.into_iter()
        .filter(|(text, shown)| *shown && !text.is_empty())
        .map(|(text, _)| text)
        .collect()
}

/// Makes the cloud answer the token request slowly, so the progress can be seen.
fn slow_token_route(server: &Running, route: &str) {
    server.faults.add(
        FaultRule::hang(
            Role::CloudApi(Region::US),
            "POST",
            &format!("/organizations/{ACME_CLOUD}/{route}"),
            Duration::from_millis(1500),
        )
        .times(1),
    );
}

/// Neither the page's IPC traffic nor the app's log holds any of these.
async fn assert_never_shown(app: &AppWindow, secrets: &[&str]) {
    let traffic = app.ipc_traffic().await;
    let log = read_log(&app.log);
    for secret in secrets {
        assert!(!traffic.contains(secret), "a secret reached the page");
        assert!(!log.contains(secret), "a secret reached the app's log");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus, a keychain and tauri-driver: run `make test`"]
async fn the_owner_gets_the_token_with_the_master_password_and_the_first_sync_reaches_the_server() {
    let Setup {
        server,
        app,
        installation: _kept,
    } = start("e2e-setup-sync", true, true).await;
    assert_eq!(server_token(&server), None);

    // Step 1: the installation is fine.
    let found = check_installation(&app).await;
    assert!(found.contains("region US"), "{found}");
    assert!(found.contains("Ready"), "{found}");
    assert_eq!(
        count(&app, "#setup-check-result .problem").await,
        0,
        "{found}"
    );

    // Step 2: the master password gets the token; the progress shows while it works.
    pick_cloud_org(&app).await;
    app.fill("#setup-password", OWNER_PASSWORD).await;
    watch_progress(&app).await;
    slow_token_route(&server, "api-key");
    app.click("#setup-get-token").await;
    app.wait_for_text("#setup-stage", "Getting the token from the cloud")
        .await;
    assert!(app
        .find("#setup-progress")
        .await
        .is_displayed()
        .await
        .unwrap());
    screenshot_at(&app, "#setup-stage", "e2e-setup-sync-progress").await;
    let result = app
        .wait_for_text(
            "#setup-token-result",
            "saved in your keychain and on the server",
        )
        .await;
    assert!(result.contains(&masked(ACME_TOKEN)), "{result}");
    assert!(result.contains("created"), "{result}");
    let stages = stages_shown(&app).await;
    assert!(
        stages
            .iter()
            .any(|s| s.contains("Checking your master password")),
        "{stages:?}"
    );
    assert!(!app
        .find("#setup-progress")
        .await
        .is_displayed()
        .await
        .unwrap());
    assert_eq!(
        app.find("#setup-password")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("")
    );
    let card = format!(".billing-org[data-org='{ACME_SELF_HOSTED}']");
    let shown = app
        .wait_for_text(&format!("{card} .billing-token"), &masked(ACME_TOKEN))
        .await;
    assert!(shown.contains("keychain"), "{shown}");
    assert_eq!(server_token(&server).as_deref(), Some(ACME_TOKEN));
    assert_eq!(keychain_token(&server).as_deref(), Some(ACME_TOKEN));

    // Step 3: the first sync reaches the server, which records it; the view shows it.
    app.click("#setup-first-sync").await;
    let synced = app.wait_for_text("#setup-sync-result", "Synced").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(synced.contains(&year), "{synced}");
    let sync_route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}/sync");
    let syncs = server
        .faults
        .requests_to(Role::SelfHosted, "POST", &sync_route);
    assert_eq!(syncs.len(), 1);
    assert_eq!(syncs[0].status, 200);
    let acme = Uuid::parse_str(ACME_SELF_HOSTED).unwrap();
    assert!(
        server
            .state
            .connection_field(acme, "LastLicenseSync")
            .is_some(),
        "the server recorded the sync"
    );
    let last_sync = app.text(&format!("{card} .billing-last-sync")).await;
    assert!(last_sync.contains(&year), "{last_sync}");
    screenshot_at(&app, "#setup-sync-result", "e2e-setup-sync").await;

    let traffic = app.ipc_traffic().await;
    assert!(traffic.contains("billing_fetch_token"), "{traffic}");
    assert_never_shown(&app, &[ACME_TOKEN, OWNER_PASSWORD, OWNER_CLOUD_SECRET]).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus, a keychain and tauri-driver: run `make test`"]
async fn a_wrong_master_password_is_explained_and_nothing_is_stored() {
    let Setup {
        server,
        app,
        installation: _kept,
    } = start("e2e-setup-wrong-password", true, true).await;
    check_installation(&app).await;
    pick_cloud_org(&app).await;
    let wrong = "not the master password";
    app.fill("#setup-password", wrong).await;
    app.click("#setup-get-token").await;

    let problem = app.find("#setup-token-result .problem").await;
    assert_eq!(
        problem.attr("data-code").await.unwrap().as_deref(),
        Some("invalid_password")
    );
    let message = app.text("#setup-token-result .problem-message").await;
    assert!(
        message.contains("did not accept this master password"),
        "{message}"
    );
    let advice = app.text("#setup-token-result .problem-advice").await;
    assert!(advice.contains("E-mail me a code instead"), "{advice}");
    assert!(advice.contains("Nothing was saved"), "{advice}");
    assert!(
        !advice.contains("--"),
        "no command-line option in the window: {advice}"
    );
    assert!(!app
        .find("#setup-progress")
        .await
        .is_displayed()
        .await
        .unwrap());
    assert_eq!(app.text("#setup-stage").await, "");
    screenshot_at(&app, "#setup-token-result", "e2e-setup-wrong-password").await;

    assert_eq!(server_token(&server), None);
    assert_eq!(keychain_token(&server), None);
    let created =
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", "/api/organizations/connections");
    assert!(created.is_empty(), "{created:?}");
    assert_never_shown(&app, &[wrong, ACME_TOKEN]).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus, a keychain and tauri-driver: run `make test`"]
async fn rotating_warns_and_the_server_then_syncs_with_the_new_token() {
    // Acme keeps its seeded connection: rotation updates it.
    let Setup {
        server,
        app,
        installation: _kept,
    } = start("e2e-setup-rotate", true, false).await;
    assert_eq!(server_token(&server).as_deref(), Some(ACME_TOKEN));
    check_installation(&app).await;
    pick_cloud_org(&app).await;

    assert!(!app
        .find("#setup-rotate-warning")
        .await
        .is_displayed()
        .await
        .unwrap());
    app.click("#setup-rotate").await;
    let warning = app
        .wait_for_text(
            "#setup-rotate-warning",
            "The old token stops working at once",
        )
        .await;
    assert!(warning.contains("other server"), "{warning}");
    app.fill("#setup-password", OWNER_PASSWORD).await;
    slow_token_route(&server, "rotate-api-key");
    app.click("#setup-get-token").await;
    app.wait_for_text("#setup-stage", "Getting the token from the cloud")
        .await;
    screenshot_at(&app, "#setup-rotate-warning", "e2e-setup-rotate-progress").await;
    let result = app
        .wait_for_text(
            "#setup-token-result",
            "saved in your keychain and on the server",
        )
        .await;
    assert!(result.contains("updated"), "{result}");

    let rotated = server_token(&server).expect("the server holds a token");
    assert_ne!(rotated, ACME_TOKEN);
    assert_eq!(rotated.len(), 30);
    assert!(result.contains(&masked(&rotated)), "{result}");
    assert_eq!(keychain_token(&server).as_deref(), Some(rotated.as_str()));
    let card = format!(".billing-org[data-org='{ACME_SELF_HOSTED}']");
    app.wait_for_text(&format!("{card} .billing-token"), &masked(&rotated))
        .await;

    // The cloud now accepts only the new token, and the server's sync succeeds with it.
    app.click("#setup-first-sync").await;
    app.wait_for_text("#setup-sync-result", "Synced").await;
    let sync_route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}/sync");
    let syncs = server
        .faults
        .requests_to(Role::SelfHosted, "POST", &sync_route);
    assert_eq!(syncs.len(), 1);
    assert_eq!(syncs[0].status, 200);
    screenshot_at(&app, "#setup-token-result", "e2e-setup-rotate").await;

    assert_never_shown(&app, &[&rotated, ACME_TOKEN, OWNER_PASSWORD]).await;
    app.close().await;
}

/// Whether the control matching `css` is disabled now.
async fn disabled(app: &AppWindow, css: &str) -> bool {
    app.find(css)
        .await
        .prop("disabled")
        .await
        .unwrap()
        .as_deref()
        == Some("true")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus, a keychain and tauri-driver: run `make test`"]
async fn cloud_communication_off_in_the_env_file_stops_the_flow_at_step_one() {
    let Setup {
        server,
        app,
        installation,
    } = start("e2e-setup-check-problem", false, true).await;
    let steps_on = ["#setup-cloud-load", "#setup-get-token", "#setup-first-sync"];

    // Before the check the next steps are closed and say why.
    app.click("#nav button[data-view='billing']").await;
    app.wait_for_text("#setup-blocked", "Run step 1 first")
        .await;
    for control in steps_on {
        assert!(
            disabled(&app, control).await,
            "{control} is open before the check"
        );
    }

    let found = check_installation(&app).await;
    assert!(!found.contains("Ready"), "{found}");
    let problem = app
        .find("#setup-check-result .problem[data-code='cloud_communication_off']")
        .await;
    let message = problem
        .find(fantoccini::Locator::Css(".problem-message"))
        .await
        .unwrap();
    assert!(
        message
            .text()
            .await
            .unwrap()
            .contains("Cloud communication is off"),
        "{found}"
    );
    let advice = problem
        .find(fantoccini::Locator::Css(".problem-advice"))
        .await
        .unwrap();
    let advice = advice.text().await.unwrap();
    assert!(advice.contains("enableCloudCommunication"), "{advice}");
    assert!(advice.contains("Turn cloud communication on"), "{advice}");
    assert!(
        !advice.contains("bwlicense"),
        "no command line in the window: {advice}"
    );
    app.wait_for_text("#setup-blocked", "Fix the problems found in step 1")
        .await;
    for control in steps_on {
        assert!(
            disabled(&app, control).await,
            "{control} is open despite the problem"
        );
    }
    screenshot_at(&app, "#setup-blocked", "e2e-setup-check-problem").await;

    // Fixed in the file, the check passes and the flow goes on.
    let env = installation.path().join("bwdata/env/global.override.env");
    let mut text = std::fs::read_to_string(&env).unwrap();
    text.push_str("globalSettings__enableCloudCommunication=true\n");
    std::fs::write(&env, text).unwrap();
    app.click("#setup-check").await;
    app.wait_for_text("#setup-check-result", "Ready").await;
    assert!(!app
        .find("#setup-blocked")
        .await
        .is_displayed()
        .await
        .unwrap());
    for control in steps_on {
        assert!(
            !disabled(&app, control).await,
            "{control} stays closed after the fix"
        );
    }
    assert_eq!(server_token(&server), None);
    app.close().await;
}
