//! `bwlicense token generate|info` against the test server: the token got from the cloud
//! with the master password or an e-mailed code, pushed to the self-hosted server which
//! then syncs, rotated, and refused for a wrong secret or a plan without billing sync; the
//! token itself is never printed. The keychain tests need a real Secret Service
//! (scripts/with-desktop.sh).

mod client_support;

use std::time::{Duration, Instant};

use client_support::*;
use companion_core::bitwarden::{
    billing_sync_token, rotate_billing_sync_token, token_account, AppKind, CloudUrls, Credentials,
    Device, Endpoints, Http, HttpOptions, Login, LoginStep, Session, Verification,
};
use companion_core::installation::Region;
use companion_core::secrets::{ExposeSecret, OsKeychain, SecretStore, SecretString};
use companion_tests::fake::seed::{MemberRole, MemberSeed};
use companion_tests::fake::{MailPurpose, Role, Running, Seed, SYNC_FAILED};
use companion_tests::ids::{ACME_FAMILY, ACME_TEAMS, ARGON, ARGON_PASSWORD, OWNER, OWNER_PASSWORD};
use serde_json::Value;

fn owner() -> Machine {
    Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
}

/// `token generate` for a cloud organization, with the cloud options.
fn generate<'a>(cloud: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    args(&[cloud], &[&["token", "generate"], extra].concat())
}

fn id(text: &str) -> uuid::Uuid {
    uuid::Uuid::parse_str(text).unwrap()
}

/// The options that push to the seeded self-hosted Acme organization.
fn push_args(server: &Running) -> Vec<String> {
    let mut push = vec!["--push".to_owned()];
    push.extend(server_args(server));
    push.extend(["--org".to_owned(), ACME_SELF_HOSTED.to_owned()]);
    push
}

/// The stdin of a sign-in the command does itself.
fn credentials(email: &str, password: &str) -> String {
    format!("{email}\n{password}\n")
}

async fn sync(machine: &Machine, server: &Running) -> Run {
    machine
        .run(
            &args(
                &[&server_args(server)],
                &["sync", "--org", ACME_SELF_HOSTED, "--json"],
            ),
            "",
        )
        .await
}

/// A cloud session for the test itself, signed in with a password.
async fn cloud_session(server: &Running, email: &str, password: &str) -> Session {
    let http = Http::new(
        HttpOptions::default(),
        Device::with_identifier(AppKind::Cli, uuid::Uuid::new_v4()),
    )
    .unwrap();
    let endpoints = Endpoints::cloud(
        Region::Us,
        &CloudUrls {
            api: Some(server.cloud_api_url.clone()),
            identity: Some(server.cloud_identity_url.clone()),
        },
    )
    .unwrap();
    let credentials = Credentials::Password {
        email: email.into(),
        password: SecretString::from(password),
    };
    match Login::new(http, endpoints, credentials)
        .start()
        .await
        .unwrap()
    {
        LoginStep::Done(session) => *session,
        other => panic!("cloud sign-in: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_got_with_the_master_password_is_pushed_and_the_server_syncs() {
    let server = start(false).await;
    let machine = owner();
    let clear = machine
        .run(
            &args(
                &[&server_args(&server)],
                &["token", "clear", "--no-keychain", "--org", ACME_SELF_HOSTED],
            ),
            "",
        )
        .await;
    assert_eq!(clear.code, 0, "{}", clear.stderr);

    let cloud = cloud_args(&server);
    let push = push_args(&server);
    let mut words = vec!["--org", ACME_CLOUD, "--no-keychain", "--json"];
    words.extend(push.iter().map(String::as_str));
    let run = machine
        .run(
            &generate(&cloud, &words),
            &credentials(OWNER, OWNER_PASSWORD),
        )
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["token"]["masked"], "••••••••6789");
    assert_eq!(report["token"]["organization"], ACME_CLOUD);
    assert_eq!(report["connection"]["created"], true);
    assert_eq!(report["organization"], ACME_SELF_HOSTED);
    assert_eq!(report["synced"], true);
    assert_eq!(report["keychain_account"], Value::Null);
    assert!(run.stderr.contains("Master password: "));
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}/sync");
    let syncs = server.faults.requests_to(Role::SelfHosted, "POST", &route);
    assert_eq!(syncs.len(), 1);
    assert_eq!(syncs[0].status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emailed_code_proves_the_owner_instead_of_the_password() {
    let server = start(false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let push = push_args(&server);
    let mut words = vec!["--org", ACME_CLOUD, "--otp", "--no-keychain", "--json"];
    words.extend(push.iter().map(String::as_str));
    let mut child = machine.spawn(&generate(&cloud, &words));
    child.type_line(&credentials(OWNER, OWNER_PASSWORD)).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(code) = server
            .state
            .latest_code(OWNER, MailPurpose::VerificationCode)
        {
            break code;
        }
        assert!(Instant::now() < deadline, "no code was e-mailed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    child.type_line(&format!("{code}\n")).await;
    let run = child.finish(&machine).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run
        .stderr
        .contains("e-mailed a verification code to owner@example.com"));
    assert_eq!(run.json()["synced"], true);
    let api_key = format!("/organizations/{ACME_CLOUD}/api-key");
    let sent = server.faults.requests_to(
        Role::CloudApi(companion_tests::fake::Region::US),
        "POST",
        &api_key,
    );
    assert_eq!(sent.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_code_is_refused_with_the_servers_text() {
    let server = start(false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let push = push_args(&server);
    let mut words = vec!["--org", ACME_CLOUD, "--otp", "--no-keychain", "--json"];
    words.extend(push.iter().map(String::as_str));
    let run = machine
        .run(
            &generate(&cloud, &words),
            &format!("{}not-the-code\n", credentials(OWNER, OWNER_PASSWORD)),
        )
        .await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "invalid_otp");
    assert_eq!(error["message"], "Invalid password.");
    assert!(error["hint"]
        .as_str()
        .unwrap()
        .contains("leave out --otp to use the master password"));
    assert!(server
        .faults
        .requests()
        .iter()
        .all(|r| !r.path.ends_with("/sync") && r.method != "PUT"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_master_password_is_refused_at_the_sign_in() {
    let server = start(false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let run = machine
        .run(
            &generate(&cloud, &["--org", ACME_CLOUD, "--json"]),
            &credentials(OWNER, "not the password"),
        )
        .await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.error_code(), "invalid_credentials");
    assert_eq!(
        run.json()["error"]["message"],
        "Username or password is incorrect. Try again."
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_token_is_pushed_and_a_stale_server_syncs_again_once_pushed() {
    let server = start(false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let push = push_args(&server);

    let mut words = vec!["--org", ACME_CLOUD, "--rotate", "--no-keychain", "--json"];
    words.extend(push.iter().map(String::as_str));
    let run = machine
        .run(
            &generate(&cloud, &words),
            &credentials(OWNER, OWNER_PASSWORD),
        )
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["rotated"], true);
    assert_ne!(report["token"]["masked"], "••••••••6789");
    assert_eq!(report["synced"], true);

    let session = cloud_session(&server, OWNER, OWNER_PASSWORD).await;
    let verification = Verification::master_password(&session, &SecretString::from(OWNER_PASSWORD))
        .await
        .unwrap();
    rotate_billing_sync_token(&session, id(ACME_CLOUD), &verification)
        .await
        .unwrap();
    let stale = sync(&machine, &server).await;
    assert_eq!(stale.code, 1);
    assert_eq!(stale.json()["results"][0]["error"]["message"], SYNC_FAILED);

    let mut words = vec!["--org", ACME_CLOUD, "--no-keychain", "--json"];
    words.extend(push.iter().map(String::as_str));
    let again = machine
        .run(
            &generate(&cloud, &words),
            &credentials(OWNER, OWNER_PASSWORD),
        )
        .await;
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert_eq!(again.json()["synced"], true);
    assert_eq!(sync(&machine, &server).await.code, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_families_organization_is_refused_with_the_plan_advice() {
    let server = start(false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let run = machine
        .run(
            &generate(&cloud, &["--org", ACME_FAMILY]),
            &credentials(OWNER, OWNER_PASSWORD),
        )
        .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: Acme Family is on the Families plan, which has no billing sync"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("Billing sync needs a Teams or Enterprise plan."));
    assert!(
        run.stderr
            .contains("\nRun: bwlicense download, then bwlicense upload\n"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_that_fails_after_the_push_exits_with_its_class_and_says_the_token_is_stored() {
    let server = start(false).await;
    server.state.edit(|w| {
        if let Some(settings) = w.self_hosted.as_mut() {
            settings.enable_cloud_communication = false;
        }
    });
    let machine = owner();
    let cloud = cloud_args(&server);
    let push = push_args(&server);
    let mut words = vec!["--org", ACME_CLOUD, "--no-keychain"];
    words.extend(push.iter().map(String::as_str));
    let run = machine
        .run(
            &generate(&cloud, &words),
            &credentials(OWNER, OWNER_PASSWORD),
        )
        .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run
        .stdout
        .contains("Stored on the self-hosted server (connection updated)."));
    assert!(run.stdout.contains("Sync failed."), "{}", run.stdout);
    assert!(
        run.stdout.contains("enable-cloud-communication"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organizations_are_checked_before_anything_is_asked() {
    let server = start(false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let sv = server_args(&server);
    let mut one_org = vec!["--org", ACME_CLOUD, "--push"];
    one_org.extend(sv.iter().map(String::as_str));
    let run = machine.run(&generate(&cloud, &one_org), "").await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("with --push give two --org"),
        "{}",
        run.stderr
    );

    let run = machine
        .run(
            &generate(&cloud, &["--org", ACME_CLOUD, "--no-keychain"]),
            "",
        )
        .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(server.faults.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn info_shows_when_the_token_was_made_without_showing_it() {
    let server = start(false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let run = machine
        .run(
            &args(&[&cloud], &["token", "info", "--org", ACME_CLOUD, "--json"]),
            &credentials(OWNER, OWNER_PASSWORD),
        )
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.json()["revision_date"].is_string());

    let none = machine
        .run(
            &args(&[&cloud], &["token", "info", "--org", ACME_TEAMS]),
            &credentials(OWNER, OWNER_PASSWORD),
        )
        .await;
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(
        none.stdout.contains("has no billing sync token yet"),
        "{}",
        none.stdout
    );
}

/// The default seed with the Argon2id account as a second owner of Acme Corp.
fn seed_with_argon_owner() -> Seed {
    let mut seed = fast_seed();
    for org in &mut seed.cloud.organizations {
        if org.id == id(ACME_CLOUD) {
            org.members.push(MemberSeed {
                email: ARGON.into(),
                role: MemberRole::Owner,
            });
        }
    }
    seed
}

/// Generates and pushes Acme's token as `email`, in the real keychain, then syncs.
async fn token_in_the_keychain_and_on_the_server(email: &str, password: &str) {
    let server = start_with(seed_with_argon_owner(), false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let push = push_args(&server);
    let mut words = vec!["--org", ACME_CLOUD, "--rotate"];
    words.extend(push.iter().map(String::as_str));
    let run = machine
        .run(&generate(&cloud, &words), &credentials(email, password))
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run
        .stdout
        .contains("Kept in the keychain (billing-sync-token:"));
    assert!(run.stdout.contains("synced its license from the cloud"));

    let account = token_account(
        &Endpoints::self_hosted(&server.self_hosted_url)
            .unwrap()
            .server,
        id(ACME_SELF_HOSTED),
    );
    let kept = OsKeychain::default()
        .get(&account)
        .unwrap()
        .expect("the token is in the keychain");
    let session = cloud_session(&server, email, password).await;
    let verification = Verification::master_password(&session, &SecretString::from(password))
        .await
        .unwrap();
    let current = billing_sync_token(&session, id(ACME_CLOUD), &verification)
        .await
        .unwrap();
    assert_eq!(kept.expose_secret(), current.token().expose_secret());
    assert!(
        !run.stdout.contains(kept.expose_secret()) && !run.stderr.contains(kept.expose_secret())
    );
    for dir in [machine.config_dir(), machine.data_dir()] {
        for (path, bytes) in files_under(&dir) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(kept.expose_secret()),
                "the token is in {}",
                path.display()
            );
        }
    }
    let status = machine
        .run(
            &args(
                &[&server_args(&server)],
                &["token", "status", "--org", ACME_SELF_HOSTED],
            ),
            "",
        )
        .await;
    assert!(
        status.stdout.contains("(keychain and server agree)"),
        "{}",
        status.stdout
    );
    OsKeychain::default().delete(&account).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn a_pbkdf2_owners_token_ends_in_the_keychain_and_on_the_server() {
    token_in_the_keychain_and_on_the_server(OWNER, OWNER_PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn an_argon2id_owners_token_ends_in_the_keychain_and_on_the_server() {
    token_in_the_keychain_and_on_the_server(ARGON, ARGON_PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn with_a_kept_cloud_session_a_wrong_password_is_refused_by_the_api_key_route() {
    let mut seed = fast_seed();
    seed.auth_failure_delay_ms = 2000;
    let server = start_with(seed, false).await;
    let machine = owner();
    let cloud = cloud_args(&server);
    let login = machine
        .run(
            &args(&[&cloud], &["login", "--password", "--email", OWNER]),
            &format!("{OWNER_PASSWORD}\n"),
        )
        .await;
    assert_eq!(login.code, 0, "{}", login.stderr);

    let started = Instant::now();
    let run = machine
        .run(
            &generate(&cloud, &["--org", ACME_CLOUD, "--json"]),
            "not the password\n",
        )
        .await;
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.error_code(), "invalid_password");
    assert_eq!(run.json()["error"]["message"], "Invalid password.");
    assert_eq!(
        run.json()["error"]["hint"],
        "Pass --otp to get an e-mailed code instead."
    );
    assert!(run
        .stderr
        .contains("Master password of owner@example.com in Bitwarden cloud (US): "));

    let rotated = machine
        .run(
            &generate(&cloud, &["--org", ACME_CLOUD, "--rotate"]),
            &format!("{OWNER_PASSWORD}\n"),
        )
        .await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    assert!(rotated
        .stdout
        .contains("Warning: The previous token stopped working"));
    let rotated = machine
        .run(
            &generate(&cloud, &["--org", ACME_CLOUD, "--rotate", "--json"]),
            &format!("{OWNER_PASSWORD}\n"),
        )
        .await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    let report = rotated.json();
    assert!(report["warning"]
        .as_str()
        .is_some_and(|w| w.contains("--push")));
    assert_eq!(report["synced"], Value::Null);
    let account = token_account(
        &Endpoints::cloud(
            Region::Us,
            &CloudUrls {
                api: Some(server.cloud_api_url.clone()),
                identity: Some(server.cloud_identity_url.clone()),
            },
        )
        .unwrap()
        .server,
        id(ACME_CLOUD),
    );
    assert!(OsKeychain::default().delete(&account).unwrap());
    let logout = machine.run(&["logout"], "").await;
    assert_eq!(logout.code, 0, "{}", logout.stderr);
}
