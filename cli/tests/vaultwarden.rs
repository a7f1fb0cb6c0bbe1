//! `bwlicense` against the test server playing Vaultwarden (its real `/api/config` shape,
//! no license routes): sign-in and the organization list work, and every license command
//! says in plain words that Vaultwarden needs no license instead of a license error,
//! without sending anything to a license route.

mod client_support;

use client_support::*;
use companion_tests::fake::Running;

const PLAIN_WORDS: &str = "Vaultwarden needs no Bitwarden license; nothing to upload or sync here";

async fn vaultwarden() -> Running {
    let mut seed = fast_seed();
    seed.vaultwarden = true;
    start_with(seed, false).await
}

fn owner() -> Machine {
    Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
}

/// Requests that reached a route Vaultwarden does not have (its 404).
fn license_requests(server: &Running) -> Vec<String> {
    server
        .faults
        .requests()
        .into_iter()
        .filter(|r| r.status == 404)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn orgs_lists_the_organizations_and_says_no_license_is_needed() {
    let server = vaultwarden().await;
    let machine = owner();
    let sv = server_args(&server);

    let json = machine.run(&args(&[&sv], &["orgs", "--json"]), "").await;
    assert_eq!(json.code, 0, "{}\n{}", json.stdout, json.stderr);
    let report = json.json();
    assert_eq!(report["takes_licenses"], false);
    let orgs = report["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["id"], ACME_SELF_HOSTED);
    assert_eq!(orgs[0]["name"], "Acme Corp");
    assert_eq!(orgs[0]["plan"], serde_json::Value::Null);

    let text = machine.run(&args(&[&sv], &["orgs"]), "").await;
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains(PLAIN_WORDS), "{}", text.stdout);
    assert!(text.stdout.contains("Acme Corp"), "{}", text.stdout);
    assert!(!text.stdout.contains("Billing sync"), "{}", text.stdout);
    assert!(
        license_requests(&server).is_empty(),
        "{:?}",
        license_requests(&server)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_sync_and_token_say_vaultwarden_needs_no_license() {
    let server = vaultwarden().await;
    let machine = owner();
    let sv = server_args(&server);
    let license = machine.home.path().join("license.json");
    std::fs::write(&license, b"{}").unwrap();
    let file = license.display().to_string();

    let upload = machine
        .run(
            &args(
                &[&sv],
                &["upload", "--org", ACME_SELF_HOSTED, &file, "--json"],
            ),
            "",
        )
        .await;
    assert_ne!(upload.code, 0, "{}", upload.stdout);
    assert_eq!(upload.error_code(), "vaultwarden_needs_no_license");
    assert!(upload.stdout.contains(PLAIN_WORDS), "{}", upload.stdout);

    let sync = machine
        .run(
            &args(&[&sv], &["sync", "--org", ACME_SELF_HOSTED, "--json"]),
            "",
        )
        .await;
    assert_ne!(sync.code, 0, "{}", sync.stdout);
    let result = &sync.json()["results"][0];
    assert_eq!(result["error"]["code"], "vaultwarden_needs_no_license");
    assert!(
        result["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(PLAIN_WORDS),
        "{result}"
    );

    let token = machine
        .run(
            &args(
                &[&sv],
                &[
                    "token",
                    "set",
                    "--org",
                    ACME_SELF_HOSTED,
                    "--no-keychain",
                    "--json",
                ],
            ),
            &format!("{ACME_TOKEN}\n"),
        )
        .await;
    assert_ne!(token.code, 0, "{}", token.stdout);
    assert_eq!(token.error_code(), "vaultwarden_needs_no_license");
    assert!(
        license_requests(&server).is_empty(),
        "{:?}",
        license_requests(&server)
    );
}
