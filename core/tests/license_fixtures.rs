//! The server's own fixture files (unsigned, expired) must be refused for the right reasons,
//! and their stored Hash reproduced except for the one made under different hashing rules.

use chrono::{TimeZone, Utc};
use companion_core::license::{
    inspect, ExpectedInstallation, InspectOptions, Inspection, SignatureStatus, TrustSet,
    ValidationPath,
};
use uuid::Uuid;

const FIXTURE_INSTALLATION: &str = "78900000-0000-0000-0000-000000000123";

fn fixtures() -> Vec<(u32, Vec<u8>)> {
    (12..=16)
        .map(|n| {
            let path = format!("{}/../tests/data/upstream/organization_license_fixture_version{n}_licversion{}.json", env!("CARGO_MANIFEST_DIR"), n - 1);
            (n, std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        })
        .collect()
}

fn run(bytes: &[u8], installation: Option<&str>) -> Inspection {
    let mut options = InspectOptions::new(
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        TrustSet::production().unwrap(),
    );
    options.expected_installation = installation.map(|id| ExpectedInstallation {
        id: Uuid::parse_str(id).unwrap(),
        origin: "--installation-id".into(),
    });
    inspect(bytes, &options).unwrap()
}

fn failed(inspection: &Inspection) -> Vec<&str> {
    inspection
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.code)
        .collect()
}

#[test]
fn upstream_fixtures_are_refused_as_unsigned_and_expired() {
    for (n, bytes) in fixtures() {
        let result = run(&bytes, None);
        assert!(!result.valid, "version{n}");
        assert_eq!(result.path, ValidationPath::Legacy);
        assert_eq!(result.signature.status, SignatureStatus::Missing);
        assert_eq!(
            failed(&result),
            ["expired", "signature_missing"],
            "version{n}"
        );
        assert_eq!(
            result.server_message.as_deref(),
            Some("Invalid license. The license has expired.\nThe license verification failed.")
        );
    }
}

#[test]
fn upstream_fixtures_match_their_installation_only_when_it_is_configured() {
    for (n, bytes) in fixtures() {
        let same = run(&bytes, Some(FIXTURE_INSTALLATION));
        assert_eq!(
            failed(&same),
            ["expired", "signature_missing"],
            "version{n}"
        );

        let other = run(&bytes, Some("11111111-2222-3333-4444-555555555555"));
        assert_eq!(
            failed(&other),
            ["expired", "installation_id_mismatch", "signature_missing"],
            "version{n}"
        );
        let mismatch = other
            .checks
            .iter()
            .find(|c| c.code == "installation_id_mismatch")
            .unwrap();
        assert_eq!(
            mismatch.message,
            "The installation ID does not match the current installation."
        );
        for part in [
            FIXTURE_INSTALLATION,
            "11111111-2222-3333-4444-555555555555",
            "the license file",
            "--installation-id",
        ] {
            assert!(
                mismatch.advice.contains(part),
                "advice lacks {part}: {}",
                mismatch.advice
            );
        }
    }
}

#[test]
fn upstream_hash_matches_for_versions_12_to_15_and_is_a_diagnostic_for_16() {
    for (n, bytes) in fixtures() {
        let result = run(&bytes, None);
        let hash_warning = result.warnings.iter().any(|w| w.code == "hash_mismatch");
        if n == 16 {
            assert!(
                !result.hash.matches && hash_warning,
                "version16 should mismatch"
            );
            assert!(
                result.checks.iter().all(|c| c.code != "hash_mismatch"),
                "never a failed check"
            );
        } else {
            assert!(
                result.hash.matches && !hash_warning,
                "version{n}: {:?}",
                result.hash
            );
        }
    }
}

#[test]
fn upstream_fixture_checks_run_in_server_order() {
    let (_, bytes) = &fixtures()[0];
    let codes: Vec<&str> = run(bytes, Some(FIXTURE_INSTALLATION))
        .checks
        .iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(
        codes,
        [
            "cloud_org_disabled",
            "not_yet_issued",
            "expired",
            "version_not_supported",
            "installation_id_mismatch",
            "not_self_hosted",
            "wrong_license_type",
            "signature_missing"
        ]
    );
}

#[test]
fn upstream_fixture_dates_include_the_trial_grace_rule() {
    let (_, bytes) = &fixtures()[4];
    let result = run(bytes, None);
    assert_eq!(
        result.dates.expiration_without_grace_source,
        Some("computed")
    );
    // A trial has no grace period: the subscription ends when the license does.
    assert_eq!(result.dates.expiration_without_grace, result.dates.expires);
    assert!(result.dates.days_until_disabled.unwrap() < 0);
}
