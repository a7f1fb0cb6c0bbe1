//! `bwlicense inspect` end to end: the real binary on the upstream fixtures, on malformed
//! files, and on a license signed here with a throw-away key trusted via `--trust-cert`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Duration, TimeZone, Utc};
use companion_core::license::sign::sign_with_token;
use companion_core::license::{License, NetDateTime, OrganizationLicense, PlanType};
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde_json::Value;
use uuid::Uuid;

const NOW: &str = "2026-03-01T12:00:00Z";
const FIXTURE_INSTALLATION: &str = "78900000-0000-0000-0000-000000000123";
const INSTALLATION: &str = "6f0d3b3e-8c1a-4b1e-9a55-2f1b4f3c7d10";

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(relative)
}

fn fixture() -> PathBuf {
    data("upstream/organization_license_fixture_version12_licversion11.json")
}

fn bwlicense(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bwlicense"))
        .arg("inspect")
        .args(args)
        .output()
        .unwrap()
}

/// Runs with `--json` and returns the exit code and the single JSON object printed.
fn json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = bwlicense(&all);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.trim_end().lines().count(),
        1,
        "not exactly one JSON line: {stdout}"
    );
    (
        out.status.code().unwrap(),
        serde_json::from_str(&stdout).unwrap(),
    )
}

/// A cloud-style organization license with a token, signed by a new key; returns the
/// license file and the key's PEM file.
fn signed_license(dir: &Path) -> (PathBuf, PathBuf) {
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let at = |days: i64| NetDateTime::from_utc(now + Duration::days(days)).unwrap();
    let mut license = License::Organization(OrganizationLicense {
        installation_id: Uuid::parse_str(INSTALLATION).unwrap(),
        id: Uuid::new_v4(),
        name: Some("Acme Corp".into()),
        enabled: true,
        plan: Some("Enterprise (Annually)".into()),
        plan_type: PlanType(20),
        seats: Some(25),
        self_host: true,
        use_sso: true,
        version: 15,
        issued: at(-1),
        refresh: Some(at(29)),
        expires: Some(at(425)),
        expiration_without_grace_period: Some(at(365)),
        license_type: Some(1),
        ..Default::default()
    });
    sign_with_token(&mut license, &key, now - Duration::days(1)).unwrap();
    let file = dir.join("bitwarden_organization_license.json");
    std::fs::write(&file, license.to_json()).unwrap();
    let pem = dir.join("test-key.pem");
    std::fs::write(
        &pem,
        key.to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    )
    .unwrap();
    (file, pem)
}

#[test]
fn upstream_fixture_is_refused_with_exit_1_and_the_reasons_in_json() {
    let (code, v) = json(&[fixture().to_str().unwrap(), "--now", NOW]);
    assert_eq!(code, 1);
    assert_eq!(v["kind"], "organization");
    assert_eq!(v["version"], 11);
    assert_eq!(v["valid"], false);
    assert_eq!(v["signature"]["status"], "missing");
    assert_eq!(v["signature"]["certificate"], Value::Null);
    assert_eq!(v["token"]["status"], "missing");
    assert_eq!(v["hash"]["matches"], true);
    assert_eq!(v["hash"]["stored"], v["hash"]["computed"]);
    assert_eq!(v["license"]["installation_id"], FIXTURE_INSTALLATION);
    assert_eq!(v["license"]["plan_type"], 11);
    assert_eq!(v["license"]["seats"], 10);
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["expired", "signature_missing"]);
    for check in v["checks"].as_array().unwrap() {
        assert!(check["message"].is_string() && check["advice"].is_string());
    }
    assert!(v["dates"]["days_until_disabled"].as_i64().unwrap() < 0);
}

#[test]
fn installation_id_is_checked_only_when_given() {
    let file = fixture();
    let (_, other) = json(&[
        file.to_str().unwrap(),
        "--now",
        NOW,
        "--installation-id",
        INSTALLATION,
    ]);
    let mismatch = other["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "installation_id_mismatch")
        .unwrap();
    assert_eq!(mismatch["ok"], false);
    assert!(mismatch["advice"]
        .as_str()
        .unwrap()
        .contains("--installation-id"));

    let (_, same) = json(&[
        file.to_str().unwrap(),
        "--now",
        NOW,
        "--installation-id",
        FIXTURE_INSTALLATION,
    ]);
    let matched = same["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "installation_id_mismatch")
        .unwrap();
    assert_eq!(matched["ok"], true);
}

#[test]
fn a_signed_license_passes_with_its_key_trusted_and_fails_without() {
    let dir = tempfile::tempdir().unwrap();
    let (file, pem) = signed_license(dir.path());
    let (code, v) = json(&[
        file.to_str().unwrap(),
        "--now",
        NOW,
        "--installation-id",
        INSTALLATION,
        "--trust-cert",
        pem.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["signature"]["status"], "valid");
    assert_eq!(v["signature"]["certificate"], "custom");
    assert_eq!(v["token"]["status"], "valid");
    assert_eq!(v["token"]["claims"]["Seats"], "25");
    assert_eq!(v["license"]["name"], "Acme Corp");
    assert_eq!(v["dates"]["days_until_grace"], 365);

    let (code, v) = json(&[
        file.to_str().unwrap(),
        "--now",
        NOW,
        "--installation-id",
        INSTALLATION,
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["signature"]["status"], "invalid");
    assert_eq!(v["token"]["status"], "invalid");
    assert_eq!(v["token"]["code"], "token_signature_invalid");
}

#[test]
fn a_token_checked_after_it_expired_exits_1_with_token_expired() {
    let dir = tempfile::tempdir().unwrap();
    let (file, pem) = signed_license(dir.path());
    let (code, v) = json(&[
        file.to_str().unwrap(),
        "--now",
        "2027-03-01T12:00:00Z",
        "--trust-cert",
        pem.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["token"]["status"], "expired");
    assert_eq!(v["checks"][0]["code"], "token_expired");
}

#[test]
fn human_output_is_short_and_uncoloured_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let (file, pem) = signed_license(dir.path());
    let out = bwlicense(&[
        file.to_str().unwrap(),
        "--now",
        NOW,
        "--trust-cert",
        pem.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ACCEPTED"), "{text}");
    assert!(!text.contains('\x1b'), "colour codes in piped output");
    assert!(text.lines().count() < 25, "{text}");
}

#[test]
fn malformed_and_missing_files_exit_2_with_an_error_object() {
    let (code, v) = json(&[data("malformed/trailing_brace.json").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(v["error"]["code"], "trailing_data");
    assert!(v["error"]["message"].as_str().unwrap().contains("line"));
    assert!(v["error"]["advice"].as_str().unwrap().contains("3929"));

    let (code, v) = json(&["/nonexistent/license.json"]);
    assert_eq!(code, 2);
    assert_eq!(v["error"]["code"], "file_unreadable");
}

#[test]
fn an_unreadable_trust_certificate_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a pem").unwrap();
    let (code, v) = json(&[
        fixture().to_str().unwrap(),
        "--trust-cert",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(v["error"]["code"], "pem_unreadable");
}

#[test]
fn installation_id_is_read_from_the_bwdata_folder_and_named_with_its_line() {
    let bwdata = data("installation/standard/bwdata");
    let (code, report) = json(&[
        fixture().to_str().unwrap(),
        "--now",
        NOW,
        "--bwdata",
        bwdata.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let mismatch = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "installation_id_mismatch")
        .unwrap();
    assert_eq!(mismatch["ok"], false);
    let message = mismatch["message"].as_str().unwrap();
    let advice = mismatch["advice"].as_str().unwrap();
    let shown = format!("{message} {advice}");
    assert!(
        shown.contains("11111111-2222-4333-8444-555555555555"),
        "{shown}"
    );
    assert!(shown.contains("global.override.env:9"), "{shown}");
}

#[test]
fn installation_id_from_an_env_file_and_from_the_flag_cannot_be_combined() {
    let env = data("installation/standard/bwdata/env/global.override.env");
    let out = bwlicense(&[
        fixture().to_str().unwrap(),
        "--env-file",
        env.to_str().unwrap(),
        "--installation-id",
        INSTALLATION,
    ]);
    assert_eq!(out.status.code(), Some(2));

    let (code, report) = json(&[
        fixture().to_str().unwrap(),
        "--now",
        NOW,
        "--env-file",
        env.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "installation_id_mismatch" && c["ok"] == false));
}

#[test]
fn an_env_file_without_an_installation_id_exits_2_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join("global.override.env");
    std::fs::write(&env, "globalSettings__baseServiceUri__cloudRegion=US\n").unwrap();
    let (code, report) = json(&[
        fixture().to_str().unwrap(),
        "--env-file",
        env.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(report["error"]["code"], "installation_id_missing");
}
