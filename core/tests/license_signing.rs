//! Licenses signed in the test with a throw-away RSA key: a genuine one passes, any change
//! to a signed property breaks the signature, and every token fault has its own code.

mod common;

use chrono::Duration;
use common::*;
use companion_core::license::sign::{encode_token, sign_license, sign_with_token, token_claims};
use companion_core::license::token::Claims;
use companion_core::license::{
    inspect, CertificateKind, ExpectedInstallation, InspectOptions, Inspection, License,
    OrganizationLicense, SignatureStatus, TokenStatus, TrustSet, UserLicense, ValidationPath,
};
use serde_json::{json, Value};
use uuid::Uuid;

fn options() -> InspectOptions {
    let mut options = InspectOptions::new(now(), trust());
    options.expected_installation = Some(ExpectedInstallation {
        id: Uuid::parse_str(INSTALLATION).unwrap(),
        origin: "test".into(),
    });
    options
}

fn signed(license: impl Into<License>) -> License {
    let mut license = license.into();
    sign_license(&mut license, key()).unwrap();
    license
}

fn with_token(license: impl Into<License>) -> License {
    let mut license = license.into();
    sign_with_token(&mut license, key(), now() - Duration::days(1)).unwrap();
    license
}

fn check(bytes: &[u8]) -> Inspection {
    inspect(bytes, &options()).unwrap()
}

fn failed(inspection: &Inspection) -> Vec<&str> {
    inspection
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.code)
        .collect()
}

/// Changes one JSON property to a different value of the same type.
fn tamper(value: &Value) -> Value {
    match value {
        Value::Bool(b) => Value::Bool(!b),
        Value::Number(n) => json!(n.as_i64().unwrap() + 1),
        Value::String(s) if s.len() == 36 && s.as_bytes()[8] == b'-' => {
            let flipped = if s.ends_with('0') { '1' } else { '0' };
            Value::String(format!("{}{flipped}", &s[..35]))
        }
        Value::String(s) if s.ends_with('Z') && s.contains('T') => {
            Value::String(s.replacen("T12:", "T13:", 1))
        }
        Value::String(s) => Value::String(format!("{s}x")),
        other => panic!("test license has a {other:?} property"),
    }
}

/// Every signed property of `license`, changed in its JSON one at a time, must fail.
fn assert_every_signed_field_is_protected(license: License, signed_names: &[&str]) {
    let original: Value = serde_json::from_str(&license.to_json()).unwrap();
    assert!(
        check(license.to_json().as_bytes()).valid,
        "the untouched license must pass"
    );
    let object = original.as_object().unwrap();
    for name in signed_names {
        let key = object
            .keys()
            .find(|k| k.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("{name} not in JSON"));
        let mut changed = original.clone();
        changed[key] = tamper(&original[key]);
        assert_ne!(changed[key], original[key], "{name} did not change");
        let result = check(changed.to_string().as_bytes());
        assert_eq!(
            result.signature.status,
            SignatureStatus::Invalid,
            "changing {name} kept the signature valid"
        );
        assert!(
            failed(&result).contains(&"signature_invalid"),
            "{name}: {:?}",
            failed(&result)
        );
        assert!(!result.valid);
    }
}

#[test]
fn a_genuinely_signed_organization_license_is_accepted() {
    let result = check(&file(&signed(organization())));
    assert!(result.valid, "{:?}", result.checks);
    assert_eq!(result.path, ValidationPath::Legacy);
    assert_eq!(
        (result.signature.status, result.signature.certificate),
        (SignatureStatus::Valid, Some(CertificateKind::Custom))
    );
    assert!(result.hash.matches);
    assert_eq!(result.server_message, None);
    assert_eq!(result.license.seats, Some(25));
    assert_eq!(result.dates.days_until_grace, Some(365));
}

#[test]
fn changing_any_signed_organization_field_breaks_the_signature() {
    let names: Vec<&str> = OrganizationLicense::FIELDS
        .iter()
        .filter(|f| f.signed_since.is_some_and(|v| v <= 15))
        .map(|f| f.name)
        .collect();
    assert_eq!(names.len(), 39);
    assert_every_signed_field_is_protected(signed(organization()), &names);
}

#[test]
fn changing_any_signed_premium_field_breaks_the_signature() {
    let names: Vec<&str> = UserLicense::FIELDS
        .iter()
        .filter(|f| f.signed_since.is_some())
        .map(|f| f.name)
        .collect();
    assert_eq!(names.len(), 12);
    assert_every_signed_field_is_protected(signed(user()), &names);
}

#[test]
fn unsigned_properties_can_change_without_breaking_the_signature() {
    let original: Value = serde_json::from_str(&signed(organization()).to_json()).unwrap();
    for name in [
        "useRiskInsights",
        "useOrganizationDomains",
        "useMyItems",
        "usePam",
    ] {
        let mut changed = original.clone();
        changed[name] = tamper(&original[name]);
        assert_eq!(
            check(changed.to_string().as_bytes()).signature.status,
            SignatureStatus::Valid,
            "{name}"
        );
    }
}

#[test]
fn a_license_signed_by_an_unknown_key_is_invalid_and_one_by_no_key_is_missing() {
    let license = signed(organization());
    let result = inspect(
        &file(&license),
        &InspectOptions::new(now(), TrustSet::production().unwrap()),
    )
    .unwrap();
    assert_eq!(
        (result.signature.status, result.signature.certificate),
        (SignatureStatus::Invalid, None)
    );
    assert_eq!(failed(&result), ["signature_invalid"]);
    assert_eq!(
        result.server_message.as_deref(),
        Some("Invalid license. The license verification failed.")
    );

    let License::Organization(mut unsigned) = license else {
        unreachable!()
    };
    unsigned.signature = Some(String::new());
    assert_eq!(
        check(&file(&unsigned.into())).signature.status,
        SignatureStatus::Missing
    );
}

#[test]
fn a_license_with_a_valid_token_is_accepted_on_the_claims_path() {
    let result = check(&file(&with_token(organization())));
    assert!(result.valid, "{:?}", result.checks);
    assert_eq!(result.path, ValidationPath::Claims);
    assert_eq!(
        (result.token.report.status, result.token.report.certificate),
        (TokenStatus::Valid, Some(CertificateKind::Custom))
    );
    let claims = result.token.report.claims.as_ref().unwrap();
    assert_eq!(claims["LicenseType"], "Organization");
    assert_eq!(claims["Seats"], "25");
    assert_eq!(claims["UseSso"], "True");
    assert_eq!(claims["aud"], format!("organization:{ORG_ID}"));
    assert!(result.token.mismatches.is_empty());
    let codes: Vec<&str> = result.checks.iter().map(|c| c.code).collect();
    assert_eq!(
        codes,
        [
            "token_valid",
            "cloud_org_disabled",
            "installation_id_mismatch",
            "not_self_hosted",
            "wrong_license_type"
        ]
    );
}

#[test]
fn a_premium_license_with_a_token_checks_the_email_case_insensitively() {
    let bytes = file(&with_token(user()));
    let mut options = options();
    options.email = Some("ada@example.COM".into());
    assert!(inspect(&bytes, &options).unwrap().valid);
    options.email = Some("grace@example.com".into());
    let result = inspect(&bytes, &options).unwrap();
    assert_eq!(failed(&result), ["email_mismatch"]);
    assert_eq!(
        result.server_message.as_deref(),
        Some("Invalid license. The user's email does not match the license email.")
    );
}

/// A change made to a token's claims before it is signed.
type ClaimEdit = Box<dyn FnOnce(&mut Claims)>;

/// A token with the license's claims, edited by `edit`, signed with the test key.
fn token_with(edit: impl FnOnce(&mut Claims)) -> Inspection {
    let mut license: License = signed(organization());
    let mut claims = token_claims(&license, now() - Duration::days(1));
    edit(&mut claims);
    let token = encode_token(&claims, key()).unwrap();
    if let License::Organization(l) = &mut license {
        l.token = Some(token);
    }
    check(&file(&license))
}

#[test]
fn a_token_for_another_organization_fails_on_its_audience() {
    let result = token_with(|c| {
        c.insert(
            "aud".into(),
            json!("organization:00000000-0000-0000-0000-000000000001"),
        );
    });
    assert_eq!(result.token.report.code, Some("token_audience_mismatch"));
    assert_eq!(failed(&result), ["token_audience_mismatch"]);
    assert!(result
        .server_message
        .unwrap()
        .starts_with("Invalid license. IDX10214: Audience validation failed."));
}

#[test]
fn an_expired_token_fails_with_its_own_code_and_asks_for_a_new_download() {
    let result = token_with(|c| {
        c.insert(
            "exp".into(),
            json!((now() - Duration::seconds(1)).timestamp()),
        );
    });
    assert_eq!(result.token.report.status, TokenStatus::Expired);
    let check = result.checks.iter().find(|c| !c.ok).unwrap();
    assert_eq!(check.code, "token_expired");
    assert!(check
        .message
        .starts_with("IDX10223: Lifetime validation failed. The token is expired."));
    assert!(check.advice.contains("Download the license again"));
}

#[test]
fn a_token_expiring_exactly_now_is_still_valid_because_clock_skew_is_zero() {
    let result = token_with(|c| {
        c.insert("exp".into(), json!(now().timestamp()));
    });
    assert_eq!(result.token.report.status, TokenStatus::Valid);
}

#[test]
fn token_lifetime_and_issuer_faults_each_have_their_own_code() {
    let cases: [(&str, ClaimEdit); 3] = [
        (
            "token_missing_expiry",
            Box::new(|c| {
                c.remove("exp");
            }),
        ),
        (
            "token_not_yet_valid",
            Box::new(|c| {
                c.insert(
                    "nbf".into(),
                    json!((now() + Duration::seconds(1)).timestamp()),
                );
            }),
        ),
        (
            "token_issuer_mismatch",
            Box::new(|c| {
                c.insert("iss".into(), json!("not-bitwarden"));
            }),
        ),
    ];
    for (code, edit) in cases {
        let result = token_with(edit);
        assert_eq!(result.token.report.status, TokenStatus::Invalid, "{code}");
        assert_eq!(failed(&result), [code]);
    }
}

#[test]
fn a_token_with_a_bad_signature_fails_with_its_own_code() {
    let mut license = with_token(organization());
    if let License::Organization(l) = &mut license {
        let token = l.token.take().unwrap();
        let (head, sig) = token.rsplit_once('.').unwrap();
        let flipped = if sig.starts_with('A') { 'B' } else { 'A' };
        l.token = Some(format!("{head}.{flipped}{}", &sig[1..]));
    }
    let result = check(&file(&license));
    assert_eq!(result.token.report.code, Some("token_signature_invalid"));
    assert_eq!(failed(&result), ["token_signature_invalid"]);
    assert!(!result.valid);
}

#[test]
fn a_garbage_token_is_reported_as_malformed_not_as_a_crash() {
    let mut license = signed(organization());
    if let License::Organization(l) = &mut license {
        l.token = Some("not.a-jwt".into());
    }
    assert_eq!(failed(&check(&file(&license))), ["token_malformed"]);
}

#[test]
fn claims_win_over_edited_json_fields_and_the_edits_are_flagged() {
    let original: Value = serde_json::from_str(&with_token(organization()).to_json()).unwrap();
    let mut edited = original.clone();
    edited["seats"] = json!(999);
    edited["selfHost"] = json!(false);
    edited["installationId"] = json!("00000000-0000-0000-0000-0000000000ff");
    let result = check(edited.to_string().as_bytes());

    assert!(
        result.valid,
        "the server uses the claims: {:?}",
        result.checks
    );
    assert_eq!(result.license.seats, Some(25));
    assert_eq!(result.license.self_host, Some(true));
    let fields: Vec<&str> = result
        .token
        .mismatches
        .iter()
        .map(|m| m.field.as_str())
        .collect();
    assert_eq!(fields, ["InstallationId", "Seats", "SelfHost"]);
    let seats = &result.token.mismatches[1];
    assert_eq!(
        (seats.json.as_deref(), seats.claim.as_deref()),
        (Some("999"), Some("25"))
    );
    let warnings: Vec<&str> = result.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(
        warnings.contains(&"claims_disagree") && warnings.contains(&"legacy_signature_not_valid"),
        "{warnings:?}"
    );
}

#[test]
fn a_disabled_claim_refuses_the_license_even_when_the_json_says_enabled() {
    let result = token_with(|c| {
        c.insert("Enabled".into(), json!("False"));
    });
    assert_eq!(failed(&result), ["cloud_org_disabled"]);
    assert_eq!(
        result.server_message.as_deref(),
        Some("Invalid license. Your cloud-hosted organization is currently disabled.")
    );
}

#[test]
fn a_refresh_date_in_the_past_is_a_warning_not_a_refusal() {
    let mut org = organization();
    org.refresh =
        Some(companion_core::license::NetDateTime::from_utc(now() - Duration::days(2)).unwrap());
    let result = check(&file(&signed(org)));
    assert!(result.valid);
    assert!(result.warnings.iter().any(|w| w.code == "refresh_due"));
}

#[test]
fn an_expired_claims_license_is_accepted_but_warned_about() {
    let mut org = organization();
    org.expires =
        Some(companion_core::license::NetDateTime::from_utc(now() - Duration::days(1)).unwrap());
    let result = check(&file(&with_token(org)));
    assert!(result.valid, "uploads with a token do not check Expires");
    assert!(result
        .warnings
        .iter()
        .any(|w| w.code == "expired_will_disable"));
}
