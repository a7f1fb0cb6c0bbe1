//! `bwlicense download` and `upload` against the test server: files saved untouched and
//! never overwritten, installation IDs read from bwdata, uploads checked, summarised,
//! archived and sent once, and every refusal of the upload route shown with advice.

mod client_support;

use std::path::Path;

use client_support::*;
use companion_tests::fake::{FaultRule, Role, Running};
use serde_json::Value;

fn trust_args(server: &Running) -> Vec<String> {
    vec![
        "--trust-cert".into(),
        server.licensing_cert_pem_path.display().to_string(),
    ]
}

fn cloud_owner() -> Machine {
    Machine::new().with_api_key(OWNER_CLOUD_ID, OWNER_CLOUD_SECRET)
}

fn self_hosted_owner() -> Machine {
    Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
}

#[tokio::test(flavor = "multi_thread")]
async fn download_saves_the_license_and_keeps_the_previous_file() {
    let server = start(false).await;
    let machine = cloud_owner();
    let installation = server.installation_id().to_string();
    let cloud = cloud_args(&server);
    let command = [
        "download",
        "--org",
        ACME_CLOUD,
        "--installation-id",
        &installation,
        "-o",
        "acme.json",
        "--json",
    ];
    let first = machine.run(&args(&[&cloud], &command), "").await;
    assert_eq!(first.code, 0, "{}", first.stdout);
    let saved = machine.home.path().join("acme.json");
    let first_bytes = std::fs::read(&saved).unwrap();
    let report = first.json();
    assert_eq!(report["license"]["installation_id"], installation);
    assert_eq!(report["saved"]["backup"], Value::Null);
    assert_eq!(report["saved"]["bytes"], first_bytes.len());

    let second = machine.run(&args(&[&cloud], &command), "").await;
    assert_eq!(second.code, 0);
    let backup = second.json()["saved"]["backup"]
        .as_str()
        .expect("a backup")
        .to_owned();
    assert!(backup.contains("acme.json.bak-"), "{backup}");
    assert_eq!(
        std::fs::read(machine.home.path().join(&backup)).unwrap(),
        first_bytes
    );
    assert!(saved.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn download_reads_the_installation_id_from_bwdata_and_uses_the_web_vault_name() {
    let server = start(false).await;
    let machine = cloud_owner();
    let bwdata = bwdata_of(&server, machine.home.path());
    let bwdata = bwdata.display().to_string();
    let run = machine
        .run(
            &args(
                &[&cloud_args(&server)],
                &["download", "--org", ACME_CLOUD, "--bwdata", &bwdata],
            ),
            "",
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("Saved bitwarden_organization_license.json"));
    assert!(run
        .stdout
        .contains(&format!("for installation {}", server.installation_id())));
    assert!(machine
        .home
        .path()
        .join("bitwarden_organization_license.json")
        .exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn download_of_the_premium_license_of_the_signed_in_account() {
    let mut seed = fast_seed();
    let argon = seed
        .cloud
        .users
        .iter_mut()
        .find(|u| u.email == "argon@example.com")
        .unwrap();
    argon.api_key = Some("ArgonPersonalApiKeySecret00000".into());
    let argon_id = format!("user.{}", argon.id.unwrap());
    let server = start_with(seed, false).await;
    let machine = Machine::new()
        .with_api_key(&argon_id, "ArgonPersonalApiKeySecret00000")
        .secret("ArgonPersonalApiKeySecret00000");
    let run = machine
        .run(
            &args(&[&cloud_args(&server)], &["download", "--premium"]),
            "",
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Saved bitwarden_premium_license.json"));
    assert!(run.stdout.contains("Premium license for argon@example.com"));

    let owner = cloud_owner()
        .run(
            &args(
                &[&cloud_args(&server)],
                &["download", "--premium", "--json"],
            ),
            "",
        )
        .await;
    assert_eq!(owner.code, 1, "the owner has no premium: {}", owner.stdout);
    assert_eq!(owner.error_code(), "server_refused");
}

#[tokio::test(flavor = "multi_thread")]
async fn download_for_an_unknown_installation_exits_1_with_the_clouds_text() {
    let server = start(false).await;
    let run = cloud_owner()
        .run(
            &args(
                &[&cloud_args(&server)],
                &[
                    "download",
                    "--org",
                    ACME_CLOUD,
                    "--installation-id",
                    "11111111-2222-4333-8444-555555555555",
                    "--json",
                ],
            ),
            "",
        )
        .await;
    assert_eq!(run.code, 1);
    let error = &run.json()["error"];
    assert_eq!(error["message"], "Invalid installation id");
    assert!(!error["advice"].as_str().unwrap().contains("--"));
    assert!(error["hint"]
        .as_str()
        .unwrap()
        .starts_with("Run: bwlicense installation --check-cloud"));
}

async fn upload(machine: &Machine, server: &Running, extra: &[&str]) -> Run {
    let sv = server_args(server);
    let trust = trust_args(server);
    machine
        .run(&args(&[&sv, &trust], &[&["upload"], extra].concat()), "")
        .await
}

fn archived(machine: &Machine, suffix: &str) -> Vec<std::path::PathBuf> {
    files_under(&machine.app_data().join("licenses"))
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_summarises_archives_and_applies_the_license() {
    let server = start(false).await;
    server.state.edit(|w| {
        if let Some(org) = w
            .cloud_orgs
            .iter_mut()
            .find(|o| o.id.to_string() == ACME_CLOUD)
        {
            org.seats = Some(75);
        }
    });
    let machine = self_hosted_owner();
    let file = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let bwdata = bwdata_of(&server, machine.home.path());
    let org = uuid::Uuid::parse_str(ACME_SELF_HOSTED).unwrap();
    let before = std::fs::read(server.state.organization_license_file(org)).unwrap();
    let file_arg = file.display().to_string();
    let bwdata_arg = bwdata.display().to_string();

    let run = upload(
        &machine,
        &server,
        &[
            "--org",
            ACME_SELF_HOSTED,
            &file_arg,
            "--bwdata",
            &bwdata_arg,
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Seats              50 -> 75"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("The server accepted the license."));

    let replaced = archived(&machine, "-replaced.json");
    let applied = archived(&machine, "-applied.json");
    assert_eq!(replaced.len(), 1);
    assert_eq!(std::fs::read(&replaced[0]).unwrap(), before);
    assert_eq!(applied.len(), 1);
    assert_eq!(
        std::fs::read(&applied[0]).unwrap(),
        std::fs::read(&file).unwrap()
    );
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", &route)
            .len(),
        1
    );

    let orgs = machine
        .run(&args(&[&server_args(&server)], &["orgs", "--json"]), "")
        .await;
    assert_eq!(orgs.json()["organizations"][0]["seats"], 75);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_upload_archives_the_license_applied_before() {
    let server = start(false).await;
    let machine = self_hosted_owner();
    let first = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let second = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    for file in [&first, &second] {
        let run = upload(
            &machine,
            &server,
            &["--org", ACME_SELF_HOSTED, &file.display().to_string()],
        )
        .await;
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let replaced = archived(&machine, "-replaced.json");
    assert_eq!(replaced.len(), 1, "the first upload had no copy to keep");
    assert_eq!(
        std::fs::read(&replaced[0]).unwrap(),
        std::fs::read(&first).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_license_for_another_installation_is_not_sent_unless_forced() {
    let server = start(false).await;
    let machine = self_hosted_owner();
    let file = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let other = uuid::Uuid::new_v4();
    server.state.edit(|w| {
        if let Some(settings) = w.self_hosted.as_mut() {
            settings.installation_id = other;
        }
    });
    let file_arg = file.display().to_string();
    let other_arg = other.to_string();
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");
    let base = [
        "--org",
        ACME_SELF_HOSTED,
        &file_arg,
        "--installation-id",
        &other_arg,
    ];

    let refused = upload(&machine, &server, &[&base[..], &["--json"]].concat()).await;
    assert_eq!(refused.code, 1);
    assert_eq!(refused.error_code(), "license_refused");
    assert_eq!(refused.json()["plan"]["would_be_refused"], true);
    assert!(server
        .faults
        .requests_to(Role::SelfHosted, "POST", &route)
        .is_empty());

    let forced = upload(&machine, &server, &[&base[..], &["--force"]].concat()).await;
    assert_eq!(forced.code, 1);
    assert!(
        forced.stderr.contains(
            "Invalid license. The installation ID does not match the current installation."
        ),
        "{}",
        forced.stderr
    );
    assert!(forced
        .stderr
        .contains("\nRun: bwlicense installation to see the installation ID."));
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", &route)
            .len(),
        1
    );
    let refused = archived(&machine, "-refused.json");
    assert_eq!(refused.len(), 1, "kept though not applied");
    let answer = std::fs::read_to_string(refused[0].with_extension("txt")).unwrap();
    assert!(
        answer.contains("The installation ID does not match"),
        "{answer}"
    );
    assert!(
        archived(&machine, "-replaced.json").is_empty(),
        "nothing was replaced"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn too_few_seats_for_the_members_brings_the_servers_text() {
    let server = start(false).await;
    server.state.edit(|w| {
        if let Some(org) = w
            .cloud_orgs
            .iter_mut()
            .find(|o| o.id.to_string() == ACME_CLOUD)
        {
            org.seats = Some(2);
        }
    });
    let machine = self_hosted_owner();
    let file = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let path = file.display().to_string();
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");
    let base = ["--org", ACME_SELF_HOSTED, &path[..], "--json"];

    let unconfirmed = upload(&machine, &server, &base).await;
    assert_eq!(unconfirmed.code, 1);
    let error = &unconfirmed.json()["error"];
    assert_eq!(error["code"], "confirmation_required");
    assert!(
        error["message"].as_str().unwrap().contains("Seats 50 -> 2"),
        "{error}"
    );
    assert_eq!(
        error["hint"],
        "To send it, run again with --confirm-organization \"Acme Corp\"."
    );
    assert!(server
        .faults
        .requests_to(Role::SelfHosted, "POST", &route)
        .is_empty());

    let run = upload(
        &machine,
        &server,
        &[&base[..], &["--confirm-organization", " acme corp "]].concat(),
    )
    .await;
    assert_eq!(run.code, 1);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "server_refused");
    assert_eq!(
        error["message"],
        "Your organization currently has 5 seats filled. Your new license only has (2) seats. Remove some users."
    );
    assert!(error["advice"]
        .as_str()
        .unwrap()
        .contains("reduce the usage"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_license_in_use_by_another_organization_is_refused_by_the_server() {
    const SECOND: &str = "b0000000-0000-4000-8000-000000000002";
    let mut seed: Value =
        serde_json::from_str(include_str!("../../tests/data/seeds/default.json")).unwrap();
    seed["auth_failure_delay_ms"] = Value::from(0);
    seed["self_hosted"]["organizations"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": SECOND,
            "cloud_organization": "a0000000-0000-4000-8000-000000000002",
            "owner": "owner@example.com",
        }));
    let server = start_with(
        companion_tests::fake::Seed::from_json(&seed.to_string()).unwrap(),
        false,
    )
    .await;
    let machine = self_hosted_owner();
    let acme = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let run = upload(
        &machine,
        &server,
        &[
            "--org",
            SECOND,
            &acme.display().to_string(),
            "--confirm-organization",
            "Acme Teams",
            "--json",
        ],
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "server_refused");
    assert_eq!(
        error["message"],
        "License is already in use by another organization vault."
    );
    assert!(error["advice"]
        .as_str()
        .unwrap()
        .contains("upload it there"));
    assert!(error["hint"]
        .as_str()
        .unwrap()
        .starts_with("Run: bwlicense orgs --server URL"));
}

/// A license must never land on another organization: no flag sends it.
#[tokio::test(flavor = "multi_thread")]
async fn another_organizations_license_is_refused_even_forced_and_confirmed() {
    let server = start(false).await;
    let machine = self_hosted_owner();
    let teams = org_license(
        &server,
        "a0000000-0000-4000-8000-000000000002",
        machine.home.path(),
    )
    .await;
    let bwdata = bwdata_of(&server, machine.home.path());
    let (teams_arg, bwdata_arg) = (teams.display().to_string(), bwdata.display().to_string());
    let run = upload(
        &machine,
        &server,
        &[
            "--org",
            ACME_SELF_HOSTED,
            &teams_arg,
            "--bwdata",
            &bwdata_arg,
            "--force",
            "--confirm-organization",
            "Acme Corp",
        ],
    )
    .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("Acme Teams"), "{}", run.stderr);
    assert!(run.stderr.contains("Acme Corp"), "{}", run.stderr);
    let json = upload(
        &machine,
        &server,
        &[
            "--org",
            ACME_SELF_HOSTED,
            &teams_arg,
            "--bwdata",
            &bwdata_arg,
            "--force",
            "--json",
        ],
    )
    .await;
    assert_eq!(
        json.json()["error"]["code"],
        "license_for_another_organization"
    );
    assert_eq!(json.json()["plan"]["belonging"]["verdict"], "another");
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");
    assert!(server
        .faults
        .requests_to(Role::SelfHosted, "POST", &route)
        .is_empty());
    assert!(archived(&machine, "-applied.json").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsupported_version_names_the_file_and_the_update() {
    let server = start(false).await;
    let machine = self_hosted_owner();
    let file = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let mut json: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let object = json.as_object_mut().unwrap();
    object.remove("token");
    object.insert("version".into(), Value::from(17));
    let edited = machine.home.path().join("version17.json");
    std::fs::write(&edited, serde_json::to_vec(&json).unwrap()).unwrap();
    let run = upload(
        &machine,
        &server,
        &[
            "--org",
            ACME_SELF_HOSTED,
            &edited.display().to_string(),
            "--force",
            "--json",
        ],
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stdout);
    let error = &run.json()["error"];
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Version 17 is not supported."),
        "{error}"
    );
    let advice = error["advice"].as_str().unwrap();
    assert!(
        advice.contains("version17.json is a version 17 license"),
        "{advice}"
    );
    assert!(advice.contains("./bitwarden.sh update"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_premium_license_is_refused_for_an_organization_before_sending() {
    let server = start(false).await;
    let machine = self_hosted_owner();
    let file = premium_license(
        &server,
        "argon@example.com",
        "argon password",
        machine.home.path(),
    )
    .await;
    let run = upload(
        &machine,
        &server,
        &[
            "--org",
            ACME_SELF_HOSTED,
            &file.display().to_string(),
            "--json",
        ],
    )
    .await;
    assert_eq!(run.code, 1);
    assert_eq!(run.error_code(), "license_refused");
    assert!(run.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Premium licenses cannot be applied to an organization vault."));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_upload_route_is_sent_once_and_exits_3() {
    let server = start(false).await;
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");
    server
        .faults
        .add(FaultRule::status(Role::SelfHosted, "POST", &route, 500));
    let machine = self_hosted_owner();
    let file = org_license(&server, ACME_CLOUD, machine.home.path()).await;
    let run = upload(
        &machine,
        &server,
        &[
            "--org",
            ACME_SELF_HOSTED,
            &file.display().to_string(),
            "--json",
        ],
    )
    .await;
    assert_eq!(run.code, 3);
    assert_eq!(run.error_code(), "server_error");
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", &route)
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_file_is_a_usage_error() {
    let server = start(false).await;
    let machine = self_hosted_owner();
    let missing = Path::new("/nonexistent/license.json").display().to_string();
    let run = upload(
        &machine,
        &server,
        &["--org", ACME_SELF_HOSTED, &missing, "--json"],
    )
    .await;
    assert_eq!(run.code, 2);
    assert_eq!(run.error_code(), "file_error");
}
