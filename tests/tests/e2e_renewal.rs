//! End-to-end: automatic renewal in the real window. The owner is signed in to the server
//! and to the cloud; the cloud renews the Families subscription with more seats (billing
//! sync cannot bring a Families license). In Billing sync the owner switches on "Renew
//! automatically" for the Families organization; the app's check applies the newer license
//! and says so in a desktop notification, and the switch stays on.

use std::time::Duration;

use companion_tests::fake::{FakeBitwarden, Role};
use companion_tests::families::{renew_in_the_cloud, seed, FAMILY};
use companion_tests::notifications::Catcher;
use companion_tests::setup::bwdata_of;
use companion_tests::window::{bwlicense, Launch};
use serde_json::json;

const OWNER_SELF_HOSTED: (&str, &str) = (
    "user.50000000-0000-4000-8000-000000000001",
    "OwnerSelfHostedApiKeySecret012",
);
const OWNER_CLOUD: (&str, &str) = (
    "user.c0000000-0000-4000-8000-000000000001",
    "OwnerPersonalApiKeySecret01234",
);
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus, a keychain and tauri-driver: run `make test`"]
async fn switching_on_renew_automatically_applies_a_newer_families_license_and_notifies() {
    let catcher = Catcher::start().await;
    let server = FakeBitwarden::builder().seed(seed()).start().await.unwrap();
    let files = tempfile::tempdir().unwrap();
    let bwdata = bwdata_of(&server, files.path());
    let settings = json!({
        "instances": [{
            "id": "office",
            "name": "Office vault",
            "url": server.self_hosted_url,
            "installation": { "kind": "folder", "path": bwdata }
        }]
    });
    let app = Launch::default()
        .settings(settings)
        .cloud_of(&server)
        .env(
            "LICENSE_COMPANION_TRUST_CERT",
            &server.licensing_cert_pem_path,
        )
        .open("e2e-renewal")
        .await;
    bwlicense(
        app.home.path(),
        OWNER_SELF_HOSTED,
        &["login", "--server", &server.self_hosted_url],
    )
    .await;
    bwlicense(
        app.home.path(),
        OWNER_CLOUD,
        &[
            "login",
            "--cloud",
            "us",
            "--cloud-api",
            &server.cloud_api_url,
            "--cloud-identity",
            &server.cloud_identity_url,
        ],
    )
    .await;
    renew_in_the_cloud(&server, 8);

    app.click("#nav button[data-view='billing']").await;
    let card = format!(".billing-org[data-org='{FAMILY}']");
    app.wait_for_text(&format!("{card} h3"), "Acme Family")
        .await;
    app.click(&format!("{card} .renew-automatically")).await;
    app.wait_for_text(&format!("{card} .renew-result"), "Automatic renewal is on")
        .await;

    let (title, body) = catcher
        .wait_for("License renewed: Acme Family", Duration::from_secs(60))
        .await;
    assert_eq!(title, "License renewed: Acme Family");
    assert!(body.starts_with("Office vault: expires "), "{body}");
    assert!(body.contains("seats 6 -> 8"), "{body}");
    let route = format!("/api/organizations/licenses/self-hosted/{FAMILY}");
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", &route)
            .len(),
        1
    );

    app.click("#billing-reload").await;
    app.wait_for_text(&format!("{card} h3"), "Acme Family")
        .await;
    let switch = app.find(&format!("{card} .renew-automatically")).await;
    assert_eq!(
        switch.prop("checked").await.unwrap().as_deref(),
        Some("true"),
        "the switch stays on"
    );
    let saved = std::fs::read_to_string(app.config_dir().join("settings.json")).unwrap();
    assert!(saved.contains(FAMILY), "{saved}");
    app.screenshot("e2e-renewal").await;
    app.close().await;
}
