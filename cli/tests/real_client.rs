//! The real-client suite: Bitwarden's own CLI (`bw`, pinned in `scripts/bw-cli/`) against
//! the test server over HTTPS. It proves that the server the app's tests talk to is one a
//! real Bitwarden client accepts (sign-in with PBKDF2 and Argon2id master passwords, an
//! authenticator code, a personal API key and unlock, sync), and that what `bwlicense`
//! makes (an organization with its keys and an encrypted collection name, an uploaded or
//! synced license) opens in Bitwarden's client. Every assertion is on what `bw` prints.
//!
//! Each test starts its own server and gives every `bw` its own data folder. The tests
//! are ignored by a bare `cargo test` because they need `bw` in `.tools/` (`make tools`);
//! `make test` runs them.

mod client_support;

use client_support::*;
use companion_tests::bw::{self, Bw};
use companion_tests::fake::seed::UserSeed;
use companion_tests::fake::{totp, Role, Running, Seed};
use companion_tests::ids::{
    ARGON, ARGON_PASSWORD, MEMBER, MEMBER_PASSWORD, OWNER, OWNER_PASSWORD, TOTP_SECRET,
};
use serde_json::{json, Value};

const NEEDS_BW: &str = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)";

const OWNER_ID: &str = "50000000-0000-4000-8000-000000000001";
const TOTP_USER: &str = "totp@example.com";
const TOTP_PASSWORD: &str = "totp password";
const ACME_TEAMS_CLOUD: &str = "a0000000-0000-4000-8000-000000000002";

/// The default seed plus a self-hosted account with authenticator two-step login.
fn seed() -> Seed {
    let mut seed = fast_seed();
    let totp_user: UserSeed = serde_json::from_value(json!({
        "id": "50000000-0000-4000-8000-0000000000a7",
        "email": TOTP_USER,
        "name": "Toni Totp",
        "master_password": TOTP_PASSWORD,
        "kdf": { "type": "pbkdf2", "iterations": 100000 },
        "totp_secret": TOTP_SECRET,
    }))
    .expect("a valid user seed");
    seed.self_hosted.users.push(totp_user);
    seed
}

async fn server() -> Running {
    start_with(seed(), true).await
}

/// A `bw` pointed at the self-hosted server (`bw config server`).
async fn client(server: &Running) -> Bw {
    let bw = Bw::new(server);
    let saved = bw.ok(&["config", "server", &server.self_hosted_url]).await;
    assert!(saved.contains("Saved setting `config`"), "{saved}");
    bw
}

/// Signs in with the master password (kept out of the command line) and keeps the session
/// key `--raw` prints for the commands after it.
async fn password_login(server: &Running, email: &str, password: &str) -> Bw {
    let mut bw = client(server).await;
    bw.set_env("BW_TEST_PASSWORD", password);
    let session = bw
        .ok(&["login", email, "--passwordenv", "BW_TEST_PASSWORD", "--raw"])
        .await;
    assert!(!session.trim().is_empty(), "bw printed no session key");
    bw.set_session(&session);
    bw
}

/// `bw list organizations`, as (id, name, type, status, enabled), sorted by name.
async fn organizations(bw: &Bw) -> Vec<(String, String, u64, u64, bool)> {
    let listed = bw.json(&["list", "organizations"]).await;
    let mut out: Vec<_> = listed
        .as_array()
        .unwrap_or_else(|| panic!("a JSON array: {listed}"))
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap_or_default().to_owned(),
                o["name"].as_str().unwrap_or_default().to_owned(),
                o["type"].as_u64().unwrap_or(99),
                o["status"].as_u64().unwrap_or(99),
                o["enabled"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Every request the server answered since the log was last cleared succeeded, except
/// the refusals a test provoked: a route `bw` needs and the server lacks fails here.
fn assert_every_request_succeeded(server: &Running, expected_refusals: &[(&str, u16)]) {
    let failed: Vec<_> = server
        .faults
        .requests()
        .into_iter()
        .filter(|r| r.status >= 400)
        .filter(|r| {
            !expected_refusals
                .iter()
                .any(|(path, status)| r.path.starts_with(path) && r.status == *status)
        })
        .map(|r| format!("{:?} {} {} -> {}", r.role, r.method, r.path, r.status))
        .collect();
    assert!(failed.is_empty(), "requests that failed: {failed:#?}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn the_installed_bw_is_the_pinned_version() {
    let server = server().await;
    let bw = Bw::new(&server);
    let version = bw.ok(&["--version"]).await;
    assert_eq!(version.trim(), bw::pinned_version(), "{NEEDS_BW}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn bw_signs_in_with_pbkdf2_master_passwords_and_lists_the_seeded_organizations() {
    let server = server().await;

    let owner = password_login(&server, OWNER, OWNER_PASSWORD).await;
    let status = owner.json(&["status"]).await;
    assert_eq!(status["status"], "unlocked", "{status}");
    assert_eq!(status["userEmail"], OWNER);
    assert_eq!(status["userId"], OWNER_ID);
    assert_eq!(status["serverUrl"], server.self_hosted_url);
    let synced = owner.ok(&["sync"]).await;
    assert!(synced.contains("Syncing complete."), "{synced}");
    assert_eq!(
        organizations(&owner).await,
        vec![(
            ACME_SELF_HOSTED.to_owned(),
            "Acme Corp".to_owned(),
            0, // Owner
            2, // Confirmed
            true
        )]
    );

    let member = password_login(&server, MEMBER, MEMBER_PASSWORD).await;
    member.ok(&["sync", "--force"]).await;
    assert_eq!(
        organizations(&member).await,
        vec![(
            ACME_SELF_HOSTED.to_owned(),
            "Acme Corp".to_owned(),
            2, // User
            2,
            true
        )]
    );
    assert_every_request_succeeded(&server, &[]);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn bw_signs_in_and_unlocks_an_argon2id_account() {
    let server = server().await;
    let mut bw = password_login(&server, ARGON, ARGON_PASSWORD).await;
    assert_eq!(bw.json(&["status"]).await["status"], "unlocked");
    assert!(organizations(&bw).await.is_empty());

    let locked = bw.ok(&["lock"]).await;
    assert!(locked.contains("Your vault is locked."), "{locked}");
    let wrong = {
        let mut other = Bw::new(&server);
        other.set_env("BW_TEST_PASSWORD", "not the argon password");
        other
            .ok(&["config", "server", &server.self_hosted_url])
            .await;
        other
            .run(&["login", ARGON, "--passwordenv", "BW_TEST_PASSWORD"])
            .await
    };
    assert_ne!(wrong.code, 0, "a wrong password signs in: {}", wrong.stdout);
    let session = bw
        .ok(&["unlock", "--passwordenv", "BW_TEST_PASSWORD", "--raw"])
        .await;
    bw.set_session(&session);
    assert_eq!(bw.json(&["status"]).await["status"], "unlocked");
    assert_every_request_succeeded(&server, &[("/identity/connect/token", 400)]);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn bw_signs_in_with_an_authenticator_code_and_refuses_a_wrong_one() {
    let server = server().await;
    let mut wrong = client(&server).await;
    wrong.set_env("BW_TEST_PASSWORD", TOTP_PASSWORD);
    let now = chrono::Utc::now().timestamp() as u64;
    let current = totp::code(TOTP_SECRET, now).expect("a valid secret");
    let stale = totp::code(TOTP_SECRET, now - 600).expect("a valid secret");
    let bad = if stale == current { "000000" } else { &stale };
    let refused = wrong
        .run(&[
            "login",
            TOTP_USER,
            "--passwordenv",
            "BW_TEST_PASSWORD",
            "--method",
            "0",
            "--code",
            bad,
        ])
        .await;
    assert_ne!(refused.code, 0, "a stale code signs in: {}", refused.stdout);

    let mut bw = client(&server).await;
    bw.set_env("BW_TEST_PASSWORD", TOTP_PASSWORD);
    let code = totp::code(TOTP_SECRET, chrono::Utc::now().timestamp() as u64).unwrap();
    let session = bw
        .ok(&[
            "login",
            TOTP_USER,
            "--passwordenv",
            "BW_TEST_PASSWORD",
            "--method",
            "0",
            "--code",
            &code,
            "--raw",
        ])
        .await;
    bw.set_session(&session);
    let status = bw.json(&["status"]).await;
    assert_eq!(
        (status["status"].as_str(), status["userEmail"].as_str()),
        (Some("unlocked"), Some(TOTP_USER))
    );
    assert_every_request_succeeded(&server, &[("/identity/connect/token", 400)]);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn bw_signs_in_with_a_personal_api_key_then_unlocks_with_the_master_password() {
    let server = server().await;
    let mut bw = client(&server).await;
    bw.set_env("BW_CLIENTID", OWNER_SELF_HOSTED_ID);
    bw.set_env("BW_CLIENTSECRET", OWNER_SELF_HOSTED_SECRET);
    let logged_in = bw.ok(&["login", "--apikey"]).await;
    assert!(logged_in.contains("You are logged in!"), "{logged_in}");
    assert_eq!(bw.json(&["status"]).await["status"], "locked");

    bw.set_env("BW_TEST_PASSWORD", OWNER_PASSWORD);
    let session = bw
        .ok(&["unlock", "--passwordenv", "BW_TEST_PASSWORD", "--raw"])
        .await;
    bw.set_session(&session);
    bw.ok(&["sync", "--force"]).await;
    let names: Vec<String> = organizations(&bw).await.into_iter().map(|o| o.1).collect();
    assert_eq!(names, ["Acme Corp"]);
    assert_every_request_succeeded(&server, &[]);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn an_organization_bwlicense_creates_opens_in_bw_with_its_collection_name() {
    let server = server().await;
    let bw = password_login(&server, OWNER, OWNER_PASSWORD).await;
    assert_eq!(organizations(&bw).await.len(), 1);

    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let license = org_license(&server, ACME_TEAMS_CLOUD, machine.home.path()).await;
    let bwdata = bwdata_of(&server, machine.home.path());
    let sv = server_args(&server);
    let trust = vec![
        "--trust-cert".to_owned(),
        server.licensing_cert_pem_path.display().to_string(),
    ];
    let file = license.display().to_string();
    let bwdata_arg = bwdata.display().to_string();
    let created = machine
        .run(
            &args(
                &[&sv, &trust],
                &[
                    "org",
                    "create",
                    &file,
                    "--bwdata",
                    &bwdata_arg,
                    "--collection",
                    "Engineering 工程",
                    "--json",
                ],
            ),
            "",
        )
        .await;
    assert_eq!(created.code, 0, "{}\n{}", created.stdout, created.stderr);
    let id = created.json()["organization"]["id"]
        .as_str()
        .expect("the new organization's id")
        .to_owned();

    server.faults.clear_log();
    // A plain `bw sync` only syncs when the account changed since the last one.
    let synced = bw.ok(&["sync"]).await;
    assert!(synced.contains("Syncing complete."), "{synced}");
    assert!(
        !server
            .faults
            .requests_to(Role::SelfHosted, "GET", "/api/sync")
            .is_empty(),
        "bw saw no change in the account's revision date and did not sync"
    );
    assert_eq!(
        organizations(&bw).await,
        vec![
            (
                ACME_SELF_HOSTED.to_owned(),
                "Acme Corp".to_owned(),
                0,
                2,
                true
            ),
            (id.clone(), "Acme Teams".to_owned(), 0, 2, true),
        ]
    );
    let collections = bw.json(&["list", "collections"]).await;
    let listed: Vec<(&str, &str)> = collections
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|c| {
            (
                c["organizationId"].as_str().unwrap_or_default(),
                c["name"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(listed, [(id.as_str(), "Engineering 工程")], "{collections}");
    let collection_id = collections[0]["id"].as_str().unwrap().to_owned();
    let one = bw.json(&["get", "collection", &collection_id]).await;
    assert_eq!(one["name"], "Engineering 工程", "{one}");
    assert_eq!(
        bw.json(&["get", "organization", &id]).await["name"],
        "Acme Teams"
    );

    // A fresh client signing in sees the same.
    let fresh = password_login(&server, OWNER, OWNER_PASSWORD).await;
    let names: Vec<String> = organizations(&fresh)
        .await
        .into_iter()
        .map(|o| o.1)
        .collect();
    assert_eq!(names, ["Acme Corp", "Acme Teams"]);
    assert_every_request_succeeded(&server, &[]);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn after_a_license_upload_and_a_billing_sync_bw_signs_in_and_lists_the_organization() {
    let server = server().await;
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let sv = server_args(&server);
    let trust = vec![
        "--trust-cert".to_owned(),
        server.licensing_cert_pem_path.display().to_string(),
    ];
    let rename = |name: &str, seats: i32| {
        server.state.edit(|w| {
            let org = w
                .cloud_orgs
                .iter_mut()
                .find(|o| o.id.to_string() == ACME_CLOUD)
                .expect("Acme in the cloud");
            org.name = name.to_owned();
            org.seats = Some(seats);
        })
    };

    rename("Acme Corp International", 60);
    let license = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let bwdata = bwdata_of(&server, machine.home.path());
    let file = license.display().to_string();
    let bwdata_arg = bwdata.display().to_string();
    let uploaded = machine
        .run(
            &args(
                &[&sv, &trust],
                &[
                    "upload",
                    "--org",
                    ACME_SELF_HOSTED,
                    &file,
                    "--bwdata",
                    &bwdata_arg,
                ],
            ),
            "",
        )
        .await;
    assert_eq!(uploaded.code, 0, "{}\n{}", uploaded.stdout, uploaded.stderr);
    let bw = password_login(&server, OWNER, OWNER_PASSWORD).await;
    assert_eq!(
        organizations(&bw).await,
        vec![(
            ACME_SELF_HOSTED.to_owned(),
            "Acme Corp International".to_owned(),
            0,
            2,
            true
        )]
    );

    rename("Acme Global", 70);
    let synced = machine
        .run(&args(&[&sv], &["sync", "--org", ACME_SELF_HOSTED]), "")
        .await;
    assert_eq!(synced.code, 0, "{}\n{}", synced.stdout, synced.stderr);
    bw.ok(&["sync"]).await;
    let after_sync = organizations(&bw).await;
    assert_eq!(after_sync[0].1, "Acme Global", "{after_sync:?}");
    let fresh = password_login(&server, MEMBER, MEMBER_PASSWORD).await;
    let seen: Vec<Value> = fresh
        .json(&["list", "organizations"])
        .await
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["name"], "Acme Global");
    assert_eq!(seen[0]["enabled"], true);
    assert_every_request_succeeded(&server, &[]);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn bw_signs_in_to_the_server_playing_vaultwarden_and_lists_its_organization() {
    let mut vaultwarden = seed();
    vaultwarden.vaultwarden = true;
    let server = start_with(vaultwarden, true).await;
    let bw = password_login(&server, OWNER, OWNER_PASSWORD).await;
    let names: Vec<String> = organizations(&bw).await.into_iter().map(|o| o.1).collect();
    assert_eq!(names, ["Acme Corp"]);
    assert_every_request_succeeded(&server, &[]);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Bitwarden's CLI in .tools: run `make test` (or `make tools` first)"]
async fn bw_signs_in_to_the_demo_server_as_make_run_starts_it() {
    let demo_seed = companion_tests::paths::workspace_root().join("scripts/demo/seed.json");
    let server = companion_tests::fake::FakeBitwarden::builder()
        .seed(Seed::from_file(&demo_seed).expect("the demo seed"))
        .https_self_hosted_only(true)
        .start()
        .await
        .expect("the demo server starts");
    assert!(server.self_hosted_url.starts_with("https://"));
    assert!(server.cloud_api_url.starts_with("http://"));
    let bw = password_login(&server, OWNER, OWNER_PASSWORD).await;
    let names: Vec<String> = organizations(&bw).await.into_iter().map(|o| o.1).collect();
    assert!(names.contains(&"Acme Corp".to_owned()), "{names:?}");
    assert_every_request_succeeded(&server, &[]);
}
