//! End-to-end: the billing sync view of the real window against the test server. The
//! owner is signed in with `bwlicense login` (it shares the app's session store and
//! keychain service), pastes a new billing sync token, sees it only masked, syncs, and
//! sees the last sync time; the server holds the new token and got one sync, and the
//! token never came back to the page.

use std::path::Path;

use companion_tests::fake::{FakeBitwarden, Role, Running, Seed};
use companion_tests::paths;
use companion_tests::window::Launch;
use uuid::Uuid;

const OWNER_SELF_HOSTED_ID: &str = "user.50000000-0000-4000-8000-000000000001";
const OWNER_SELF_HOSTED_SECRET: &str = "OwnerSelfHostedApiKeySecret012";
const ACME_SELF_HOSTED: &str = "b0000000-0000-4000-8000-000000000001";
/// The token the seed gives Acme, and the new one pasted in the window.
const SEEDED_TOKEN: &str = "AcmeBillingSyncToken0123456789";
const NEW_TOKEN: &str = "FreshBillingSyncTokenAbcdef987";

/// Keeps an API-key session for the server in the keychain, as `bwlicense login` does
/// for a person, with the app's config and data folders.
async fn sign_in(home: &Path, server: &Running) {
    let out = tokio::process::Command::new(paths::built_binary("bwlicense"))
        .args(["login", "--server", &server.self_hosted_url])
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("BW_CLIENTID", OWNER_SELF_HOSTED_ID)
        .env("BW_CLIENTSECRET", OWNER_SELF_HOSTED_SECRET)
        .output()
        .await
        .expect("bwlicense runs");
    assert!(
        out.status.success(),
        "bwlicense login failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The token the server keeps in Acme's billing sync connection.
fn server_token(server: &Running) -> String {
    let org = Uuid::parse_str(ACME_SELF_HOSTED).unwrap();
    server.state.read(|world| {
        let connection = world
            .self_hosted_org(org)
            .and_then(|o| o.connection.clone())
            .expect("Acme has a billing sync connection");
        connection
            .config
            .as_object()
            .and_then(|c| {
                c.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("billingSyncKey"))
            })
            .and_then(|(_, v)| v.as_str())
            .unwrap_or_default()
            .to_owned()
    })
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus, a keychain and tauri-driver: run `make test`"]
async fn a_pasted_token_is_saved_masked_and_the_sync_shows_its_time() {
    let mut seed = Seed::default_seed();
    seed.auth_failure_delay_ms = 0;
    let server = FakeBitwarden::builder().seed(seed).start().await.unwrap();
    let settings = serde_json::json!({
        "instances": [{ "id": "office", "name": "Office vault", "url": server.self_hosted_url }]
    });
    let app = Launch::default()
        .settings(settings)
        .env("LICENSE_COMPANION_CLOUD_API", &server.cloud_api_url)
        .env(
            "LICENSE_COMPANION_CLOUD_IDENTITY",
            &server.cloud_identity_url,
        )
        .open("e2e-billing")
        .await;
    sign_in(app.home.path(), &server).await;

    app.click("#nav button[data-view='billing']").await;
    let card = format!(".billing-org[data-org='{ACME_SELF_HOSTED}']");
    app.wait_for_text(&format!("{card} .billing-token"), "••••••••6789")
        .await;
    assert_eq!(
        app.text(&format!("{card} .billing-last-sync")).await,
        "Never"
    );

    app.fill(
        &format!("#billing-token-input-{ACME_SELF_HOSTED}"),
        NEW_TOKEN,
    )
    .await;
    app.click(&format!("{card} .token-save")).await;
    let shown = app
        .wait_for_text(&format!("{card} .billing-token"), "••••••••f987")
        .await;
    assert!(shown.contains("keychain"), "{shown}");
    assert_eq!(server_token(&server), NEW_TOKEN);

    app.click(&format!("{card} .sync-now")).await;
    app.wait_for_text(&format!("{card} .billing-result"), "Synced")
        .await;
    let last_sync = app.text(&format!("{card} .billing-last-sync")).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(last_sync.contains(&year), "last sync shows {last_sync:?}");
    app.screenshot("e2e-billing").await;

    let sync_route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}/sync");
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", &sync_route)
            .len(),
        1
    );
    let traffic = app.ipc_traffic().await;
    for secret in [NEW_TOKEN, SEEDED_TOKEN, OWNER_SELF_HOSTED_SECRET] {
        assert!(!traffic.contains(secret), "a secret reached the page");
    }
    assert!(traffic.contains("billing_save_token"), "{traffic}");
    app.close().await;
}
