//! End-to-end: an organization created in the app window's License screen opens in
//! Bitwarden's own CLI (`bw`, see `companion_tests::bw`): `bw` lists it and decrypts its
//! collection name, so the keys the window makes are ones Bitwarden's client accepts. The
//! test server serves its self-hosted role over HTTPS (as `bw` needs) with the app trusting
//! its CA, and the cloud roles on loopback HTTP, as the demo does.

use companion_core::bitwarden::Endpoints;
use companion_tests::bw::Bw;
use companion_tests::fake::{FakeBitwarden, Seed};
use companion_tests::ids::{
    ACME_TEAMS, OWNER, OWNER_CLOUD_ID, OWNER_CLOUD_SECRET, OWNER_PASSWORD, OWNER_SELF_HOSTED_ID,
    OWNER_SELF_HOSTED_SECRET,
};
use companion_tests::setup::{bwdata_of, cloud_endpoints, keep_session, sessions_of};
use companion_tests::window::Launch;
use serde_json::json;

const INSTANCE: &str = "0f0f0f0f-0000-4000-8000-0000000000b3";

#[tokio::test]
#[ignore = "needs a display, a session bus, tauri-driver and bw: run `make test`"]
async fn an_organization_created_in_the_window_opens_in_bitwardens_cli() {
    let server = FakeBitwarden::builder()
        .seed(Seed::default_seed())
        .https_self_hosted_only(true)
        .start()
        .await
        .expect("the test server starts");
    let ca = server.ca_cert_path.clone().expect("the test CA");
    let files = tempfile::tempdir().unwrap();
    let bwdata = bwdata_of(&server, files.path());
    let app = Launch::default()
        .env(
            "LICENSE_COMPANION_TRUST_CERT",
            &server.licensing_cert_pem_path,
        )
        .cloud_of(&server)
        .settings(json!({
            "instances": [{
                "id": INSTANCE,
                "name": "Office vault",
                "url": server.self_hosted_url,
                "caFile": ca,
                "installation": { "kind": "folder", "path": bwdata },
            }]
        }))
        .open("e2e-bw-window")
        .await;
    keep_session(
        &app,
        Endpoints::self_hosted(&server.self_hosted_url).unwrap(),
        Some(ca.clone()),
        (OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .await;
    keep_session(
        &app,
        cloud_endpoints(&server),
        None,
        (OWNER_CLOUD_ID, OWNER_CLOUD_SECRET),
    )
    .await;

    app.click("#nav button[data-view='license']").await;
    app.find(&format!("#license-cloud-org option[value='{ACME_TEAMS}']"))
        .await;
    app.select("#license-cloud-org", ACME_TEAMS).await;
    app.click("#license-download-org").await;
    app.wait_for_text("#license-verdict", "accept").await;
    app.find("#license-create:not([hidden])").await;
    app.fill("#license-collection", "Design 设计").await;
    app.click("#license-create-btn").await;
    app.wait_for_text("#license-created", "Created").await;
    let id = app
        .find("#license-created [data-org-id]")
        .await
        .attr("data-org-id")
        .await
        .unwrap()
        .expect("the new organization's id");
    app.screenshot("e2e-bw-window-created").await;

    let mut bw = Bw::new(&server);
    bw.ok(&["config", "server", &server.self_hosted_url]).await;
    bw.set_env("BW_TEST_PASSWORD", OWNER_PASSWORD);
    let session = bw
        .ok(&["login", OWNER, "--passwordenv", "BW_TEST_PASSWORD", "--raw"])
        .await;
    bw.set_session(&session);
    let organizations = bw.json(&["list", "organizations"]).await;
    let created = organizations
        .as_array()
        .expect("a JSON array")
        .iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap_or_else(|| panic!("bw does not list {id}: {organizations}"));
    assert_eq!(created["name"], "Acme Teams");
    let collections = bw.json(&["list", "collections"]).await;
    let names: Vec<&str> = collections
        .as_array()
        .expect("a JSON array")
        .iter()
        .filter(|c| c["organizationId"] == id.as_str())
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["Design 设计"], "{collections}");

    sessions_of(&app).forget_all().unwrap();
    app.close().await;
}
