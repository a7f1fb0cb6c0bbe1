//! `bwlicense renew` against the test server: a newer Families license (which billing sync
//! cannot bring) is applied and the old one archived, a license that would drop seats in
//! use is refused before anything is sent, nothing happens when the cloud has nothing
//! newer, and a send that got no answer is never repeated. Signing in keeps sessions in
//! the keychain, so these need a Secret Service (`make test`).

mod client_support;

use client_support::*;
use companion_tests::fake::{FaultRule, Role, Running};
use companion_tests::families::{renew_in_the_cloud, seed, FAMILY, FAMILY_CLOUD};
use serde_json::{json, Value};
use uuid::Uuid;

const FAMILY_ROUTE: &str =
    "/api/organizations/licenses/self-hosted/b0000000-0000-4000-8000-000000000004";

/// A machine signed in to the server and to the cloud, with the server's bwdata folder.
async fn signed_in(server: &Running) -> (Machine, String) {
    let machine = Machine::new();
    for (place, id, secret) in [
        (
            server_args(server),
            OWNER_SELF_HOSTED_ID,
            OWNER_SELF_HOSTED_SECRET,
        ),
        (cloud_args(server), OWNER_CLOUD_ID, OWNER_CLOUD_SECRET),
    ] {
        let login = machine
            .run(&args(&[&place], &["login"]), &format!("{id}\n{secret}\n"))
            .await;
        assert_eq!(login.code, 0, "{}", login.stderr);
    }
    let bwdata = bwdata_of(server, machine.home.path());
    (machine, bwdata.display().to_string())
}

async fn renew(machine: &Machine, server: &Running, bwdata: &str, extra: &[&str]) -> Run {
    let trust = server.licensing_cert_pem_path.display().to_string();
    let mut command = vec!["renew", "--all", "--bwdata", bwdata, "--trust-cert", &trust];
    command.extend_from_slice(extra);
    let cloud = cloud_args(server);
    machine
        .run(&args(&[&server_args(server), &cloud[2..]], &command), "")
        .await
}

fn family(report: &Value) -> &Value {
    report["renewals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["target"]["id"] == FAMILY)
        .expect("the Families organization is renewed too")
}

/// The Families organization's seats as `bwlicense orgs` shows them.
async fn seats_on_server(machine: &Machine, server: &Running) -> Value {
    let run = machine
        .run(&args(&[&server_args(server)], &["orgs", "--json"]), "")
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == FAMILY)
        .expect("the Families organization is listed")["seats"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn a_newer_families_license_is_applied_and_the_old_one_archived() {
    let server = start_with(seed(), false).await;
    let (machine, bwdata) = signed_in(&server).await;
    let stored = server
        .state
        .organization_license_file(Uuid::parse_str(FAMILY).unwrap());
    let before = std::fs::read(&stored).unwrap();
    renew_in_the_cloud(&server, 8);

    let run = renew(&machine, &server, &bwdata, &["--json"]).await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    let family = family(&report);
    assert_eq!(family["result"], "renewed", "{family}");
    assert_eq!(family["cloud_organization"], FAMILY_CLOUD);
    let reasons = family["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r["kind"] == "later_expiry"),
        "{family}"
    );
    assert!(reasons.contains(&json!({ "kind": "seats", "current": 6, "new": 8 })));
    assert_eq!(seats_on_server(&machine, &server).await, 8);
    let replaced = family["archived_replaced"]
        .as_str()
        .expect("the old one kept");
    assert_eq!(std::fs::read(replaced).unwrap(), before);
    assert!(family["archived_new"]
        .as_str()
        .unwrap()
        .ends_with("-applied.json"));
    // Acme Corp's cloud subscription did not change.
    let acme = report["renewals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["target"]["id"] == ACME_SELF_HOSTED)
        .unwrap();
    assert_eq!(acme["result"], "up_to_date", "{acme}");

    let again = renew(&machine, &server, &bwdata, &[]).await;
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(
        again.stdout.contains("Acme Family: up to date"),
        "{}",
        again.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn a_license_that_would_drop_seats_in_use_is_not_sent() {
    let server = start_with(seed(), false).await;
    let (machine, bwdata) = signed_in(&server).await;
    renew_in_the_cloud(&server, 3);
    server.faults.clear_log();

    let run = renew(&machine, &server, &bwdata, &[]).await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "Acme Family: not renewed: The cloud's license takes something away: Seats 6 -> 3"
        ),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("upload it yourself if the change is meant"));
    assert!(server
        .faults
        .requests_to(Role::SelfHosted, "POST", FAMILY_ROUTE)
        .is_empty());
    assert_eq!(seats_on_server(&machine, &server).await, 6);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn nothing_is_sent_when_the_cloud_has_nothing_newer_and_a_dry_run_sends_nothing() {
    let server = start_with(seed(), false).await;
    let (machine, bwdata) = signed_in(&server).await;
    server.faults.clear_log();
    let run = renew(&machine, &server, &bwdata, &["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stdout);
    for renewal in run.json()["renewals"].as_array().unwrap() {
        assert_eq!(renewal["result"], "up_to_date", "{renewal}");
    }

    renew_in_the_cloud(&server, 8);
    let dry = renew(&machine, &server, &bwdata, &["--dry-run"]).await;
    assert_eq!(dry.code, 0, "{}", dry.stdout);
    assert!(dry.stdout.contains("dry run: nothing sent"));
    assert!(
        dry.stdout.contains("Acme Family: would renew: expires"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("seats 6 -> 8"));
    assert!(server
        .faults
        .requests()
        .iter()
        .all(|r| r.method != "POST" || !r.path.contains("/licenses/self-hosted")));
    assert_eq!(seats_on_server(&machine, &server).await, 6);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn a_renewal_that_got_no_answer_is_never_sent_again() {
    let server = start_with(seed(), false).await;
    let (machine, bwdata) = signed_in(&server).await;
    renew_in_the_cloud(&server, 8);
    server.faults.add(FaultRule::status(
        Role::SelfHosted,
        "POST",
        FAMILY_ROUTE,
        502,
    ));

    let first = renew(&machine, &server, &bwdata, &["--json"]).await;
    assert_eq!(first.code, 3, "{}", first.stdout);
    assert_eq!(family(&first.json())["stop"]["code"], "no_answer");

    server.faults.clear();
    let second = renew(&machine, &server, &bwdata, &[]).await;
    assert_eq!(second.code, 1, "{}", second.stdout);
    assert!(
        second.stdout.contains("An earlier send of a license"),
        "{}",
        second.stdout
    );
    assert!(second
        .stdout
        .contains("Check the organization on the server"));
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", FAMILY_ROUTE)
            .len(),
        1,
        "sent once, never again"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn every_server_of_the_app_renews_only_what_is_switched_on_there() {
    let server = start_with(seed(), false).await;
    let (machine, bwdata) = signed_in(&server).await;
    let settings = json!({
        "instances": [{
            "id": "office",
            "name": "Office vault",
            "url": server.self_hosted_url,
            "installation": { "kind": "folder", "path": bwdata },
            "renewAutomatically": [{ "kind": "organization", "id": FAMILY }]
        }]
    });
    std::fs::create_dir_all(machine.app_config()).unwrap();
    std::fs::write(
        machine.app_config().join("settings.json"),
        settings.to_string(),
    )
    .unwrap();
    renew_in_the_cloud(&server, 8);
    let acme = Uuid::parse_str(ACME_CLOUD).unwrap();
    server.state.edit(|world| {
        let org = world.cloud_orgs.iter_mut().find(|o| o.id == acme).unwrap();
        org.seats = Some(60);
    });
    server.faults.clear_log();

    let trust = server.licensing_cert_pem_path.display().to_string();
    let run = machine
        .run(
            &args(
                &[&cloud_args(&server)],
                &["renew", "--all-instances", "--trust-cert", &trust, "--json"],
            ),
            "",
        )
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let line = run.json();
    assert_eq!(line["instance"]["name"], "Office vault");
    let renewals = line["report"]["renewals"].as_array().unwrap();
    assert_eq!(renewals.len(), 1, "only the switched-on one: {line}");
    assert_eq!(renewals[0]["target"]["id"], FAMILY);
    assert_eq!(renewals[0]["result"], "renewed");
    assert!(server
        .faults
        .requests_to(
            Role::SelfHosted,
            "POST",
            &format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}")
        )
        .is_empty());
}
