//! `bwlicense audit` against the test server: each stored license file is predicted, then
//! the server's own validation job runs at the predicted time, and both must agree for every
//! organization (a file for another installation, a tampered one, stray bytes after the
//! closing brace as in Bitwarden server issue #2082, an expired one, a missing one, one
//! license on two organizations, and a good one with and without its token).

mod client_support;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use client_support::{
    bwdata_of, org_license_for, premium_license, server_args, start_with, Machine,
    OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET,
};
use companion_tests::fake::{JobResult, Running, Seed, INVALID_DATA, INVALID_SIGNATURE};
use serde_json::{json, Value};
use uuid::Uuid;

const GOOD: &str = "b0000000-0000-4000-8000-000000000001";
const OTHER_INSTALLATION: &str = "b0000000-0000-4000-8000-000000000012";
const TAMPERED: &str = "b0000000-0000-4000-8000-000000000013";
const TRAILING: &str = "b0000000-0000-4000-8000-000000000014";
const EXPIRED: &str = "b0000000-0000-4000-8000-000000000015";
const MISSING: &str = "b0000000-0000-4000-8000-000000000016";
const TWIN_A: &str = "b0000000-0000-4000-8000-000000000017";
const TWIN_B: &str = "b0000000-0000-4000-8000-000000000018";
/// The web vault's camelCase download copied into the folder by hand (the workaround in
/// Bitwarden server issue #7276): the server's reader does not see its names.
const COPIED: &str = "b0000000-0000-4000-8000-000000000020";
/// A good file without its token: the job checks the legacy signature instead.
const LEGACY: &str = "b0000000-0000-4000-8000-000000000019";
/// Another installation the cloud knows.
const ELSEWHERE: &str = "78900000-0000-0000-0000-000000000456";

/// The default seed plus one Enterprise organization per case, each run on this server.
fn seed() -> Seed {
    let text = include_str!("../../tests/data/seeds/default.json");
    let mut value: Value = serde_json::from_str(text).unwrap();
    value["auth_failure_delay_ms"] = json!(0);
    value["cloud"]["installations"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": ELSEWHERE, "key": "elsewhere-key", "region": "US" }));
    let cases = [
        (
            OTHER_INSTALLATION,
            "a0000000-0000-4000-8000-000000000012",
            "Moved Inc",
            None,
        ),
        (
            TAMPERED,
            "a0000000-0000-4000-8000-000000000013",
            "Edited Ltd",
            None,
        ),
        (
            TRAILING,
            "a0000000-0000-4000-8000-000000000014",
            "Stray Bytes AG",
            None,
        ),
        (
            EXPIRED,
            "a0000000-0000-4000-8000-000000000015",
            "Lapsed Ltd",
            Some(-3),
        ),
        (
            MISSING,
            "a0000000-0000-4000-8000-000000000016",
            "Lost File SA",
            None,
        ),
        (
            TWIN_A,
            "a0000000-0000-4000-8000-000000000017",
            "Twin Co",
            None,
        ),
        (
            LEGACY,
            "a0000000-0000-4000-8000-000000000019",
            "Old Style GmbH",
            None,
        ),
        (
            COPIED,
            "a0000000-0000-4000-8000-000000000020",
            "Hand Copy BV",
            None,
        ),
    ];
    for (self_hosted, cloud, name, expiration_days) in cases {
        let mut org = json!({
            "id": cloud,
            "name": name,
            "plan_type": 20,
            "seats": 10,
            "owner": "owner@example.com",
            "license_key": format!("{}LicenseKey", name.replace(' ', "")),
        });
        if let Some(days) = expiration_days {
            org["expiration_days"] = json!(days);
        }
        value["cloud"]["organizations"]
            .as_array_mut()
            .unwrap()
            .push(org);
        value["self_hosted"]["organizations"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": self_hosted, "cloud_organization": cloud, "owner": "owner@example.com" }));
    }
    value["self_hosted"]["organizations"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": TWIN_B, "cloud_organization": "a0000000-0000-4000-8000-000000000017", "owner": "owner@example.com" }));
    Seed::from_json(&value.to_string()).unwrap()
}

fn file_of(server: &Running, org: &str) -> std::path::PathBuf {
    server
        .state
        .organization_license_file(Uuid::parse_str(org).unwrap())
}

/// Breaks the stored files the way people and tools break them.
async fn damage(server: &Running, dir: &Path) {
    let elsewhere = Uuid::parse_str(ELSEWHERE).unwrap();
    let moved = org_license_for(
        server,
        "a0000000-0000-4000-8000-000000000012",
        elsewhere,
        dir,
    )
    .await;
    let license = std::fs::read(moved).unwrap();
    server
        .state
        .store_organization_license_file(Uuid::parse_str(OTHER_INSTALLATION).unwrap(), &license)
        .unwrap();

    let download = org_license_for(
        server,
        "a0000000-0000-4000-8000-000000000020",
        server.installation_id(),
        dir,
    )
    .await;
    std::fs::copy(download, file_of(server, COPIED)).unwrap();

    let tampered = file_of(server, TAMPERED);
    let mut value: Value = serde_json::from_slice(&std::fs::read(&tampered).unwrap()).unwrap();
    value["Token"] = Value::Null;
    value["BillingEmail"] = json!("someone-else@example.com");
    std::fs::write(&tampered, serde_json::to_string_pretty(&value).unwrap()).unwrap();

    let legacy = file_of(server, LEGACY);
    let mut value: Value = serde_json::from_slice(&std::fs::read(&legacy).unwrap()).unwrap();
    value["Token"] = Value::Null;
    std::fs::write(&legacy, serde_json::to_string_pretty(&value).unwrap()).unwrap();

    let trailing = file_of(server, TRAILING);
    let mut bytes = std::fs::read(&trailing).unwrap();
    bytes.extend_from_slice(b"\n}");
    std::fs::write(&trailing, bytes).unwrap();

    std::fs::remove_file(file_of(server, MISSING)).unwrap();
}

fn licensing_cert(server: &Running) -> String {
    server.licensing_cert_pem_path.display().to_string()
}

fn prediction<'a>(report: &'a Value, org: &str) -> &'a Value {
    let subject = report["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == org)
        .unwrap_or_else(|| panic!("{org} is not in the audit: {report}"));
    &subject["prediction"]
}

fn outcome(report: &Value, org: &str) -> String {
    prediction(report, org)["outcome"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The audit's prediction for one organization, in the job's terms.
fn predicted(report: &Value, org: &str) -> JobResult {
    let prediction = prediction(report, org);
    match prediction["outcome"].as_str().unwrap() {
        "stays_enabled" => JobResult::Kept,
        "disabled" => JobResult::Disabled {
            reason: match prediction["server_text"].as_str().unwrap() {
                "No license file." => companion_tests::fake::NO_LICENSE_FILE,
                "Multiple organizations." => companion_tests::fake::MULTIPLE_ORGANIZATIONS,
                "Invalid data." => INVALID_DATA,
                "Invalid signature." => INVALID_SIGNATURE,
                other => panic!("unknown server text {other}"),
            },
        },
        "job_fails" => JobResult::Failed {
            exception: String::new(),
        },
        other => panic!("unexpected outcome {other} for {org}: {prediction}"),
    }
}

fn same(a: &JobResult, b: &JobResult) -> bool {
    match (a, b) {
        (JobResult::Failed { .. }, JobResult::Failed { .. }) => true,
        _ => a == b,
    }
}

fn finding_codes(report: &Value, org: &str) -> Vec<String> {
    report["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == org)
        .map(|s| {
            s["prediction"]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_prediction_matches_what_the_servers_validation_job_then_does() {
    let server = start_with(seed(), false).await;
    let dir = tempfile::tempdir().unwrap();
    damage(&server, dir.path()).await;
    let bwdata = bwdata_of(&server, dir.path());
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let bwdata_arg = bwdata.display().to_string();
    let cert = licensing_cert(&server);
    let mut args = vec![
        "audit",
        "--bwdata",
        &bwdata_arg,
        "--trust-cert",
        &cert,
        "--json",
    ];
    let server_opts = server_args(&server);
    args.extend(server_opts.iter().map(String::as_str));

    let run = machine.run(&args, "").await;
    assert_eq!(
        run.code, 1,
        "something will be disabled: {}\n{}",
        run.stdout, run.stderr
    );
    let report = run.json();
    let next_run: DateTime<Utc> = report["organizations_job"]["next_run"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(next_run.format("%M:%S").to_string(), "30:00");

    let decisions = server.state.run_organization_validation(next_run);
    let expected = [
        (GOOD, "kept"),
        (OTHER_INSTALLATION, "Invalid data."),
        (TAMPERED, "Invalid signature."),
        (TRAILING, "failed"),
        (EXPIRED, "Invalid data."),
        (MISSING, "No license file."),
        (TWIN_A, "Multiple organizations."),
        (TWIN_B, "Multiple organizations."),
        (LEGACY, "kept"),
        (COPIED, "failed"),
    ];
    for (org, what) in expected {
        let id = Uuid::parse_str(org).unwrap();
        let decided = &decisions
            .iter()
            .find(|d| d.organization == id)
            .unwrap_or_else(|| panic!("the job did not look at {org}"))
            .result;
        let want = match what {
            "kept" => JobResult::Kept,
            "failed" => JobResult::Failed {
                exception: String::new(),
            },
            reason => JobResult::Disabled {
                reason: [
                    "No license file.",
                    "Multiple organizations.",
                    INVALID_DATA,
                    INVALID_SIGNATURE,
                ]
                .into_iter()
                .find(|r| *r == reason)
                .unwrap(),
            },
        };
        assert!(
            same(decided, &want),
            "the job decided {decided:?} for {org}, expected {what}"
        );
        let prediction = predicted(&report, org);
        assert!(
            same(&prediction, decided),
            "predicted {prediction:?} but the job decided {decided:?} for {org}"
        );
    }
    assert!(
        finding_codes(&report, OTHER_INSTALLATION).contains(&"installation_mismatch".to_owned())
    );
    assert!(finding_codes(&report, EXPIRED).contains(&"expired".to_owned()));
    assert_eq!(finding_codes(&report, TRAILING), ["unreadable"]);
    assert_eq!(finding_codes(&report, COPIED), ["names_not_pascal_case"]);

    let enabled = |org: &str| {
        server.state.read(|w| {
            w.self_hosted_org(Uuid::parse_str(org).unwrap())
                .map(|o| o.license.enabled)
        })
    };
    assert_eq!(
        enabled(MISSING),
        Some(false),
        "the job disables as the server does"
    );
    assert_eq!(
        enabled(TRAILING),
        Some(true),
        "an exception leaves the organization alone"
    );

    let again = machine.run(&args, "").await.json();
    assert_eq!(
        outcome(&again, MISSING),
        "skipped",
        "a disabled organization is skipped by the next run"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_text_names_the_run_the_stored_installation_id_and_the_license_to_upload() {
    let server = start_with(seed(), false).await;
    let dir = tempfile::tempdir().unwrap();
    damage(&server, dir.path()).await;
    let bwdata = bwdata_of(&server, dir.path());
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let bwdata_arg = bwdata.display().to_string();
    let cert = licensing_cert(&server);
    let server_opts = server_args(&server);
    // 08:00 tomorrow: after the licenses were issued, so the next run is "12:30 today".
    let morning = (Utc::now() + Duration::days(1))
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .unwrap()
        .and_utc()
        .to_rfc3339();
    let mut args = vec![
        "audit",
        "--bwdata",
        &bwdata_arg,
        "--trust-cert",
        &cert,
        "--now",
        &morning,
    ];
    args.extend(server_opts.iter().map(String::as_str));
    let run = machine.run(&args, "").await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    assert!(
        out.contains("will stay enabled at the next run (12:30 UTC today)"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "will be disabled at 12:30 UTC today: Invalid data (the installation ID in the stored file is {ELSEWHERE}; this server's is 78900000-0000-0000-0000-000000000123)"
        )),
        "{out}"
    );
    assert!(
        out.contains("To prevent it: upload the license made for installation 78900000-0000-0000-0000-000000000123"),
        "{out}"
    );
    assert!(
        out.contains("will be disabled at 12:30 UTC today: No license file"),
        "{out}"
    );
    assert!(
        out.contains("the server cannot read its stored file"),
        "{out}"
    );
    assert!(
        out.contains("Invalid signature (the signature no longer matches the file: it was edited)"),
        "{out}"
    );
    assert!(
        out.contains(" more in a case the server does not read"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn over_ssh_the_files_are_read_with_the_system_client() {
    let server = start_with(seed(), false).await;
    let dir = tempfile::tempdir().unwrap();
    damage(&server, dir.path()).await;
    let bwdata = bwdata_of(&server, dir.path());
    // An `ssh` that runs the remote command here, as a server reached over SSH would.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let ssh = bin.join("ssh");
    std::fs::write(
        &ssh,
        "#!/bin/sh\nwhile [ \"$#\" -gt 0 ]; do a=$1; shift; [ \"$a\" = -- ] && break; done\nshift\nexec \"$@\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let machine = Machine::new().with_env("PATH", &path);
    let target = format!("admin@vault.example.org:{}", bwdata.display());
    let cert = licensing_cert(&server);
    let run = machine
        .run(
            &["audit", "--ssh", &target, "--trust-cert", &cert, "--json"],
            "",
        )
        .await;
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert!(report["folder"]
        .as_str()
        .unwrap()
        .starts_with("admin@vault.example.org:"));
    assert_eq!(predicted(&report, GOOD), JobResult::Kept);
    assert!(matches!(
        predicted(&report, TRAILING),
        JobResult::Failed { .. }
    ));
    assert_eq!(
        predicted(&report, OTHER_INSTALLATION),
        JobResult::Disabled {
            reason: INVALID_DATA
        }
    );
    assert!(
        report["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != MISSING),
        "without signing in, a missing file cannot be told from no organization"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn premium_files_are_judged_as_the_users_job_reads_them() {
    let server = start_with(seed(), false).await;
    let dir = tempfile::tempdir().unwrap();
    let downloaded =
        premium_license(&server, "argon@example.com", "argon password", dir.path()).await;
    let license = std::fs::read(downloaded).unwrap();
    let good = Uuid::parse_str("50000000-0000-4000-8000-000000000004").unwrap();
    let cut = Uuid::parse_str("50000000-0000-4000-8000-000000000003").unwrap();
    server
        .state
        .store_user_license_file(good, &license)
        .unwrap();
    server.state.store_user_license_file(cut, &license).unwrap();
    let cut_file = server
        .state
        .license_dir()
        .join(format!("user/{}.json", cut.hyphenated()));
    let bytes = std::fs::read(&cut_file).unwrap();
    std::fs::write(&cut_file, &bytes[..bytes.len() / 2]).unwrap();
    let bwdata = bwdata_of(&server, dir.path());
    let bwdata_arg = bwdata.display().to_string();
    let cert = licensing_cert(&server);
    let run = Machine::new()
        .run(
            &[
                "audit",
                "--bwdata",
                &bwdata_arg,
                "--trust-cert",
                &cert,
                "--json",
            ],
            "",
        )
        .await;
    let report = run.json();
    let user = |id: Uuid| {
        report["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id.to_string())
            .map(|s| s["prediction"].clone())
            .unwrap_or_else(|| panic!("{id} is not in the audit: {report}"))
    };
    assert_eq!(user(good)["outcome"], "stays_enabled");
    assert_eq!(
        user(good)["not_compared"][0],
        "premium and e-mail of this account"
    );
    assert_eq!(
        user(cut)["outcome"],
        "job_fails",
        "a cut-off file stops the users job"
    );
    assert_eq!(
        user(cut)["findings"][0]["problem"]["code"],
        "json_truncated"
    );
    let next: DateTime<Utc> = report["users_job"]["next_run"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(next.format("%M:%S").to_string(), "00:00");
    assert_eq!(run.code, 1);
}
