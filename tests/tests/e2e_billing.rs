//! End-to-end: the billing sync view of the real window against the test server. The
//! owner is signed in with `bwlicense login` (it shares the app's session store and
//! keychain service) and the organization's connection is cleared with `bwlicense token
//! clear`; in the window the owner pastes the billing sync token, sees it only masked,
//! syncs, and sees the last sync time. The server got the token in a new connection and
//! one sync, and the token never came back to the page.

use companion_tests::fake::{FakeBitwarden, Role, Running, Seed};
use companion_tests::ids::{
    ACME_SELF_HOSTED, ACME_TOKEN, OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET,
};
use companion_tests::window::{bwlicense, Launch};
use uuid::Uuid;

/// The token the server keeps in Acme's billing sync connection.
fn server_token(server: &Running) -> String {
    let acme = Uuid::parse_str(ACME_SELF_HOSTED).unwrap();
    server
        .state
        .connection_field(acme, "BillingSyncKey")
        .expect("Acme has a billing sync connection")
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
        .cloud_of(&server)
        .open("e2e-billing")
        .await;
    let owner = (OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let at_server = ["--server", server.self_hosted_url.as_str()];
    bwlicense(
        app.home.path(),
        owner,
        &[&["login"][..], &at_server].concat(),
    )
    .await;
    let clear = ["token", "clear", "--no-keychain", "--org", ACME_SELF_HOSTED];
    bwlicense(app.home.path(), owner, &[&clear[..], &at_server].concat()).await;

    app.click("#nav button[data-view='billing']").await;
    let card = format!(".billing-org[data-org='{ACME_SELF_HOSTED}']");
    app.wait_for_text(&format!("{card} .billing-token"), "not set")
        .await;
    assert_eq!(
        app.text(&format!("{card} .billing-last-sync")).await,
        "Never"
    );

    app.fill(
        &format!("#billing-token-input-{ACME_SELF_HOSTED}"),
        ACME_TOKEN,
    )
    .await;
    app.click(&format!("{card} .token-save")).await;
    let shown = app
        .wait_for_text(&format!("{card} .billing-token"), "••••••••6789")
        .await;
    assert!(shown.contains("keychain"), "{shown}");
    assert_eq!(server_token(&server), ACME_TOKEN);
    let created =
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", "/api/organizations/connections");
    assert_eq!(created.len(), 1);

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
    for secret in [ACME_TOKEN, OWNER_SELF_HOSTED_SECRET] {
        assert!(!traffic.contains(secret), "a secret reached the page");
    }
    assert!(traffic.contains("billing_save_token"), "{traffic}");
    app.close().await;
}
