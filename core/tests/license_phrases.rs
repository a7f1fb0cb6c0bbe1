//! Every check and finding of an inspection, and every reason a file is no license, is
//! worded by the app's catalogs: each phrase has both languages with every value filled,
//! and in English a refusal reads exactly as the server's own text (contract §1.8) and an
//! error as its `Display`, so the window and the CLI say the same thing.

mod catalog_support;
mod common;

use catalog_support::{catalogs, faults, problem_faults};
use chrono::Duration;
use common::*;
use companion_core::bitwarden::BitwardenError;
use companion_core::error::Explain;
use companion_core::license::sign::{encode_token, sign_license, sign_with_token, token_claims};
use companion_core::license::{
    inspect, ExpectedInstallation, InspectOptions, Inspection, License, LicenseError, LicenseKind,
    NetDateTime,
};
use companion_core::messages::say_all;
use uuid::Uuid;

fn day(offset: i64) -> Option<NetDateTime> {
    Some(NetDateTime::from_utc(now() + Duration::days(offset)).unwrap())
}

/// Inspections that between them pass and fail every check and raise every finding.
fn inspections() -> Vec<Inspection> {
    let installation = ExpectedInstallation {
        id: Uuid::parse_str(INSTALLATION).unwrap(),
        origin: "globalSettings__installation__id in global.override.env".into(),
    };
    let elsewhere = ExpectedInstallation {
        id: Uuid::new_v4(),
        origin: "--installation-id".into(),
    };
    let signed = |license: License| {
        let mut license = license;
        sign_license(&mut license, key()).unwrap();
        file(&license)
    };
    let tokened = |license: License| {
        let mut license = license;
        sign_with_token(&mut license, key(), now() - Duration::days(1)).unwrap();
        file(&license)
    };
    let run = |bytes: &[u8], expected: &ExpectedInstallation, kind, email: Option<&str>| {
        let mut options = InspectOptions::new(now(), trust());
        options.expected_installation = Some(expected.clone());
        options.expected_kind = kind;
        options.email = email.map(str::to_owned);
        inspect(bytes, &options).unwrap()
    };
    let bare = |bytes: &[u8]| inspect(bytes, &InspectOptions::new(now(), trust())).unwrap();

    let mut broken = organization();
    broken.enabled = false;
    broken.self_host = false;
    broken.expires = day(-3);
    broken.issued = day(2).unwrap();
    broken.refresh = day(-5);
    let mut old_token = organization();
    old_token.expires = day(-1);
    let mut unsupported = organization();
    unsupported.version = 17;
    let mut hashed: License = organization().into();
    sign_license(&mut hashed, key()).unwrap();
    if let License::Organization(l) = &mut hashed {
        l.hash = Some("not-the-hash".into());
    }
    let premium_as_org = br#"{"LicenseType":0,"Id":"0b9a8c7d-1111-4222-8333-444455556666","Seats":5,"PlanType":20,"InstallationId":"6f0d3b3e-8c1a-4b1e-9a55-2f1b4f3c7d10","Version":15}"#;
    let mut edited: serde_json::Value =
        serde_json::from_slice(&tokened(organization().into())).unwrap();
    edited["seats"] = 26.into();
    let edited = serde_json::to_vec(&edited).unwrap();
    let mut due = organization();
    due.refresh = day(-2);
    let mut lapsed: License = organization().into();
    sign_license(&mut lapsed, key()).unwrap();
    let claims = token_claims(&lapsed, now() - Duration::days(400));
    if let License::Organization(l) = &mut lapsed {
        l.token = Some(encode_token(&claims, key()).unwrap());
    }

    vec![
        run(
            &signed(organization().into()),
            &installation,
            Some(LicenseKind::Organization),
            None,
        ),
        run(
            &signed(broken.into()),
            &elsewhere,
            Some(LicenseKind::User),
            None,
        ),
        run(&tokened(organization().into()), &installation, None, None),
        run(&tokened(organization().into()), &elsewhere, None, None),
        run(&tokened(old_token.into()), &installation, None, None),
        run(&file(&unsupported.into()), &installation, None, None),
        run(&file(&hashed), &installation, None, None),
        run(&file(&organization().into()), &installation, None, None),
        run(&edited, &installation, None, None),
        run(&signed(due.into()), &installation, None, None),
        run(&file(&lapsed), &installation, None, None),
        run(
            &signed(user().into()),
            &installation,
            Some(LicenseKind::User),
            Some("ada@example.com"),
        ),
        run(
            &tokened(user().into()),
            &installation,
            None,
            Some("grace@example.com"),
        ),
        run(
            &signed(user().into()),
            &installation,
            Some(LicenseKind::Organization),
            None,
        ),
        bare(&signed(organization().into())),
        bare(&signed(user().into())),
        bare(premium_as_org),
    ]
}

#[test]
fn every_check_and_finding_is_worded_in_both_languages() {
    let catalogs = catalogs();
    let mut found = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for inspection in inspections() {
        for check in &inspection.checks {
            codes.insert(format!("{}:{}", check.code, check.ok));
            for phrase in std::iter::once(&check.phrase).chain(&check.advice_phrases) {
                found.extend(faults(phrase, &catalogs));
            }
            assert_eq!(check.ok, check.advice_phrases.is_empty(), "{check:?}");
        }
        for problem in inspection.warnings.iter().chain(&inspection.not_checked) {
            codes.insert(problem.code.clone());
            found.extend(problem_faults(problem, &catalogs));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    for code in [
        "wrong_license_type:true",
        "wrong_license_type:false",
        "cloud_org_disabled:false",
        "not_yet_issued:false",
        "expired:false",
        "version_not_supported:false",
        "installation_id_mismatch:false",
        "not_self_hosted:false",
        "signature_missing:false",
        "token_valid:true",
        "token_expired:false",
        "email_mismatch:true",
        "email_mismatch:false",
        "hash_mismatch",
        "claims_disagree",
        "legacy_signature_not_valid",
        "expired_will_disable",
        "refresh_due",
        "installation_id_not_checked",
        "email_not_checked",
        "kind_properties_disagree",
    ] {
        assert!(codes.contains(code), "no inspection gave {code}: {codes:?}");
    }
}

#[test]
fn a_refusal_in_english_is_the_servers_own_text() {
    for inspection in inspections() {
        for check in inspection.checks.iter().filter(|c| !c.ok) {
            let english = check.phrase.say("en");
            if check.code.starts_with("token_") {
                // The server's token texts name .NET's validator; the window says it plainly.
                assert_ne!(english, check.phrase.key, "{check:?}");
                continue;
            }
            assert_eq!(english, check.message, "{}", check.code);
        }
    }
}

#[test]
fn english_fields_are_the_english_of_the_phrases() {
    for inspection in inspections() {
        for check in &inspection.checks {
            let advice: Vec<String> = check.advice_phrases.iter().map(|p| p.say("en")).collect();
            assert_eq!(check.advice, advice.join(" "), "{}", check.code);
        }
        for problem in inspection.warnings.iter().chain(&inspection.not_checked) {
            assert_eq!(
                Some(problem.message.clone()),
                problem.words.as_ref().map(|w| say_all(&w.message, "en"))
            );
        }
    }
}

/// One of each reason a file is not a license at all.
fn every_license_error() -> Vec<LicenseError> {
    let field = || "Seats".to_owned();
    vec![
        LicenseError::Empty,
        LicenseError::TooLarge { size: 60_000 },
        LicenseError::Utf16,
        LicenseError::NotUtf8 { line: 1, column: 2 },
        LicenseError::Syntax {
            detail: "expected `,` or `}`".into(),
            line: 3,
            column: 4,
        },
        LicenseError::Truncated { line: 5, column: 6 },
        LicenseError::TooDeep { line: 7, column: 8 },
        LicenseError::TrailingData { line: 9, column: 1 },
        LicenseError::NotAnObject { found: "an array" },
        LicenseError::UnknownKind,
        LicenseError::AmbiguousKind {
            organization: "Seats".into(),
            user: "Email".into(),
        },
        LicenseError::FieldNull { field: field() },
        LicenseError::FieldWrongType {
            field: field(),
            expected: "a number",
            found: "a string",
        },
        LicenseError::FieldNotInteger {
            field: field(),
            value: "2.5".into(),
        },
        LicenseError::FieldOutOfRange {
            field: field(),
            value: "99999999999".into(),
            min: 0,
            max: 2_147_483_647,
        },
        LicenseError::FieldBadGuid {
            field: "Id".into(),
            value: "nope".into(),
        },
        LicenseError::FieldBadDate {
            field: "Expires".into(),
            value: "tomorrow".into(),
            reason: "not ISO 8601".into(),
        },
    ]
}

#[test]
fn a_file_that_is_no_license_is_worded_in_both_languages_and_the_same_in_english() {
    let catalogs = catalogs();
    let mut found = Vec::new();
    for error in every_license_error() {
        let problem = error.problem();
        found.extend(problem_faults(&problem, &catalogs));
        let words = problem.words.as_ref().unwrap();
        assert_eq!(
            say_all(&words.message, "en"),
            error.to_string(),
            "{}",
            problem.code
        );
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_file_that_is_no_license_is_named_then_explained_in_either_language() {
    let error = BitwardenError::LicenseUnreadable {
        path: "/tmp/license.json".into(),
        source: LicenseError::Empty,
    };
    let words = error.problem().words.expect("the catalog words it");
    assert_eq!(say_all(&words.message, "en"), error.to_string());
    assert_eq!(
        say_all(&words.message, "zh-CN"),
        "/tmp/license.json 不是许可证文件：文件是空的。"
    );
    assert_eq!(say_all(&words.advice, "en"), error.advice());
}
