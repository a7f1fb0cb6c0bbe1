//! `bwlicense org create` against the test server: an organization made from a license
//! opens on the server, is listed by `orgs` and takes a later `upload`; refusals come
//! back with their text before or instead of a second sign-up; a lost answer is not sent
//! again and points to `orgs`.

mod client_support;

use std::time::{Duration, Instant};

use client_support::*;
use companion_tests::fake::{FaultRule, Role, Running, ALREADY_IN_USE};
use companion_tests::ids::ACME_TEAMS;

const SIGN_UP: &str = "/api/organizations/licenses/self-hosted";

fn trust_args(server: &Running) -> Vec<String> {
    vec![
        "--trust-cert".into(),
        server.licensing_cert_pem_path.display().to_string(),
    ]
}

fn owner() -> Machine {
    Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
}

async fn org_create(machine: &Machine, server: &Running, extra: &[&str]) -> Run {
    let sv = server_args(server);
    let trust = trust_args(server);
    machine
        .run(
            &args(&[&sv, &trust], &[&["org", "create"], extra].concat()),
            "",
        )
        .await
}

fn sign_ups(server: &Running) -> usize {
    server
        .faults
        .requests_to(Role::SelfHosted, "POST", SIGN_UP)
        .len()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organization_created_from_a_license_is_listed_and_takes_a_later_update() {
    let server = start(false).await;
    let machine = owner();
    let license = org_license(&server, ACME_TEAMS, machine.home.path()).await;
    let bwdata = bwdata_of(&server, machine.home.path());
    let file = license.display().to_string();
    let bwdata_arg = bwdata.display().to_string();

    let run = org_create(
        &machine,
        &server,
        &[
            &file,
            "--bwdata",
            &bwdata_arg,
            "--collection",
            "Engineering",
            "--json",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    let created = &report["organization"];
    assert_eq!(created["name"], "Acme Teams");
    assert_eq!(created["key_pair_saved"], true);
    assert_eq!(created["collection"], "Engineering");
    assert_eq!(report["draft"]["inspection"]["valid"], true);
    let id = created["id"].as_str().unwrap().to_owned();
    assert_ne!(id, ACME_TEAMS);

    let opened = server
        .state
        .open_organization(uuid::Uuid::parse_str(&id).unwrap())
        .unwrap();
    assert_eq!(opened.collection_names, ["Engineering"]);
    assert!(opened.has_key_pair);
    let log = server.faults.requests();
    let keys = format!("/api/organizations/{id}/keys");
    let at = |path: &str| log.iter().rposition(|r| r.path == path).unwrap();
    assert!(
        at(SIGN_UP) < at("/identity/connect/token") && at("/identity/connect/token") < at(&keys)
    );
    assert_eq!(log.iter().filter(|r| r.path == keys).count(), 1);

    let orgs = machine
        .run(&args(&[&server_args(&server)], &["orgs", "--json"]), "")
        .await;
    assert_eq!(orgs.code, 0, "{}", orgs.stdout);
    let listed: Vec<String> = orgs.json()["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(listed.contains(&id), "{listed:?}");

    let update = org_license(&server, ACME_TEAMS, machine.home.path()).await;
    let update_arg = update.display().to_string();
    let sv = server_args(&server);
    let trust = trust_args(&server);
    let upload = machine
        .run(
            &args(
                &[&sv, &trust],
                &["upload", "--org", &id, &update_arg, "--json"],
            ),
            "",
        )
        .await;
    assert_eq!(upload.code, 0, "{}\n{}", upload.stdout, upload.stderr);
    let replaced = upload.json()["outcome"]["archived_replaced"]
        .as_str()
        .expect("the created license is kept as the one replaced")
        .to_owned();
    assert_eq!(
        std::fs::read(replaced).unwrap(),
        std::fs::read(&license).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_text_output_shows_the_license_and_the_new_organization() {
    let server = start(false).await;
    let machine = owner();
    let license = org_license(&server, ACME_TEAMS, machine.home.path()).await;
    let file = license.display().to_string();
    let run = org_create(&machine, &server, &[&file]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Creating an organization from"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  Name        Acme Teams\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  Collection  Default collection\n"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("Note: The installation ID was not checked"));
    assert!(run
        .stdout
        .contains("  Pass --bwdata DIR or --installation-id ID to check it.\n"));
    assert!(
        run.stdout
            .contains("Done. Created organization \"Acme Teams\" ("),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("License kept in "));
    assert!(!run.stdout.contains("Warning"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_premium_license_is_refused_before_anything_is_sent() {
    let server = start(false).await;
    let machine = owner();
    let premium = premium_license(
        &server,
        "argon@example.com",
        "argon password",
        machine.home.path(),
    )
    .await;
    let file = premium.display().to_string();
    let run = org_create(&machine, &server, &[&file, "--json"]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "license_unsuitable");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("Premium licenses cannot be applied to an organization vault."));
    assert!(!error["advice"].as_str().unwrap().contains("anyway"));
    assert_eq!(
        error["hint"],
        "Run: bwlicense inspect FILE to see every check."
    );
    assert_eq!(sign_ups(&server), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_license_in_use_is_refused_by_the_server_with_its_text() {
    let server = start(false).await;
    let machine = owner();
    let license = org_license(&server, ACME_TEAMS, machine.home.path()).await;
    let file = license.display().to_string();
    assert_eq!(org_create(&machine, &server, &[&file]).await.code, 0);
    let again = org_create(&machine, &server, &[&file]).await;
    assert_eq!(again.code, 1, "{}", again.stdout);
    assert!(
        again.stderr.contains(&format!("error: {ALREADY_IN_USE}")),
        "{}",
        again.stderr
    );
    assert!(again
        .stderr
        .contains("\nRun: bwlicense orgs --server URL to list the organizations."));
    assert_eq!(sign_ups(&server), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_is_not_sent_again_and_points_to_orgs() {
    let server = start(false).await;
    let machine = owner();
    let license = org_license(&server, ACME_TEAMS, machine.home.path()).await;
    server.faults.add(FaultRule::hang(
        Role::SelfHosted,
        "POST",
        SIGN_UP,
        Duration::from_secs(3),
    ));
    let file = license.display().to_string();
    let run = org_create(&machine, &server, &[&file, "--timeout", "1", "--json"]).await;
    assert_eq!(run.code, 3, "{}", run.stdout);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "outcome_unknown");
    assert!(
        error["advice"].as_str().unwrap().contains(&format!(
            "look at the organizations on {}",
            server.self_hosted_url
        )),
        "{error}"
    );
    assert_eq!(
        error["hint"],
        format!("Run: bwlicense orgs --server {}", server.self_hosted_url)
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    while sign_ups(&server) == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sign_ups(&server), 1, "the sign-up is not repeated");
    let orgs = machine
        .run(&args(&[&server_args(&server)], &["orgs", "--json"]), "")
        .await;
    assert_eq!(orgs.json()["organizations"].as_array().unwrap().len(), 2);
}
