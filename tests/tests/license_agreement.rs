//! The test server's own licensing code (`fake::licensing`, written from the contract) and
//! the app's (`companion_core::license`) are two implementations of one rule; they must
//! agree. On every upstream `GetDataBytes` vector both render the known-good strings; on
//! random licenses they render the same canonical data and hash, sign byte for byte alike,
//! issue tokens with the same claims, and each verifies what the other signed.

use base64::Engine;
use chrono::{DateTime, Duration, TimeZone, Utc};
use companion_core::license::sign::sign_with_token;
use companion_core::license::{
    canonical, parse, signature, token, License, LicenseKind, SignatureStatus, TokenStatus,
    TrustSet,
};
use companion_tests::fake::licensing::{self, Class};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};
use uuid::Uuid;

const VECTORS: &str = include_str!("../data/upstream/getdatabytes_vectors_subset.json");

const LEGACY_PLAN_NAMES: [&str; 7] = [
    "Free",
    "FamiliesAnnually",
    "TeamsMonthly",
    "TeamsAnnually",
    "EnterpriseMonthly",
    "EnterpriseAnnually",
    "Custom",
];

/// The JSON license a vector's signature string was made from.
fn license_of_vector(signature_data: &str, class: Class) -> Map<String, Value> {
    let mut object = Map::new();
    let mut parts = signature_data.split('|');
    parts.next();
    for part in parts {
        let (name, text) = part.split_once(':').expect("Name:Value");
        let value = match name {
            _ if text.is_empty() => Value::Null,
            "Issued" | "Refresh" | "Expires" | "ExpirationWithoutGracePeriod" => {
                let seconds: i64 = text.parse().expect("Unix seconds");
                json!(Utc
                    .timestamp_opt(seconds, 0)
                    .unwrap()
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string())
            }
            "PlanType" => json!(text.parse::<u8>().unwrap_or_else(|_| {
                LEGACY_PLAN_NAMES.iter().position(|n| *n == text).unwrap() as u8
            })),
            "Version" | "Seats" | "MaxCollections" | "MaxStorageGb" | "SmSeats"
            | "SmServiceAccounts" => json!(text.parse::<i64>().unwrap()),
            _ if text == "true" || text == "false" => json!(text == "true"),
            _ => json!(text),
        };
        object.insert(name.to_owned(), value);
    }
    let license_type = if class == Class::Organization { 1 } else { 0 };
    object.insert("LicenseType".into(), json!(license_type));
    object
}

fn core_license(object: &Map<String, Value>) -> License {
    let bytes = serde_json::to_vec(object).unwrap();
    parse(&bytes)
        .unwrap_or_else(|e| panic!("the app cannot read {object:?}: {e}"))
        .license
}

#[test]
fn both_render_every_upstream_vector_exactly() {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    let mut checked = 0;
    for (group, class) in [("organization", Class::Organization), ("user", Class::User)] {
        for (version, vector) in vectors[group].as_object().unwrap() {
            let signature_data = vector["signatureData"].as_str().unwrap();
            let hash_data = vector["hashData"].as_str().unwrap();
            let object = license_of_vector(signature_data, class);
            let context = format!("{group} version {version}");

            assert_eq!(
                licensing::canonical_data(&object, class, false).as_deref(),
                Ok(signature_data),
                "fake, {context}"
            );
            assert_eq!(
                licensing::canonical_data(&object, class, true).as_deref(),
                Ok(hash_data),
                "fake, {context}"
            );
            assert_eq!(
                licensing::hash(&object, class).as_deref(),
                Ok(vector["expectedHashBase64"].as_str().unwrap()),
                "fake, {context}"
            );

            let license = core_license(&object);
            assert_eq!(
                canonical::signature_data(&license).unwrap(),
                signature_data.as_bytes(),
                "app, {context}"
            );
            assert_eq!(
                canonical::hash_data(&license).unwrap(),
                hash_data.as_bytes(),
                "app, {context}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} vectors");
}

/// A date with seven fraction digits, some exactly on half a second (rounding to even).
fn random_date(rng: &mut impl Rng) -> String {
    let seconds = rng.gen_range(0..4_000_000_000i64);
    let fraction = match rng.gen_range(0..4) {
        0 => 0,
        1 => 5_000_000,
        _ => rng.gen_range(0..10_000_000),
    };
    let time = Utc.timestamp_opt(seconds, 0).unwrap();
    if fraction == 0 && rng.gen_bool(0.5) {
        // A value from the database: no zone, no fraction.
        return time.format("%Y-%m-%dT%H:%M:%S").to_string();
    }
    format!("{}.{fraction:07}Z", time.format("%Y-%m-%dT%H:%M:%S"))
}

fn random_text(rng: &mut impl Rng) -> Value {
    const PIECES: [&str; 8] = [
        "Acme",
        " Corp",
        "|",
        ":",
        "Ünïcødé",
        "工程",
        "O'Brien",
        "\"",
    ];
    if rng.gen_bool(0.15) {
        return Value::Null;
    }
    let n = rng.gen_range(1..5);
    json!((0..n)
        .map(|_| *PIECES.choose(rng).unwrap())
        .collect::<String>())
}

fn maybe_number(rng: &mut impl Rng, max: i64) -> Value {
    if rng.gen_bool(0.2) {
        Value::Null
    } else {
        json!(rng.gen_range(0..=max))
    }
}

/// A random cloud license of `class`, camelCase as downloaded.
fn random_license(rng: &mut impl Rng, class: Class) -> Map<String, Value> {
    let mut o = Map::new();
    let mut put = |name: &str, value: Value| {
        o.insert(name.to_owned(), value);
    };
    put("licenseKey", random_text(rng));
    put("id", json!(Uuid::from_u128(rng.gen())));
    put("name", random_text(rng));
    put("issued", json!(random_date(rng)));
    for name in ["refresh", "expires"] {
        let value = if rng.gen_bool(0.2) {
            Value::Null
        } else {
            json!(random_date(rng))
        };
        put(name, value);
    }
    put("trial", json!(rng.gen_bool(0.5)));
    put("maxStorageGb", maybe_number(rng, i64::from(i16::MAX)));
    match class {
        Class::User => {
            put("licenseType", json!(0));
            put("version", json!(1));
            put("email", random_text(rng));
            put("premium", json!(rng.gen_bool(0.5)));
        }
        Class::Organization => {
            put("licenseType", json!(1));
            put("version", json!(rng.gen_range(1..=16)));
            put("installationId", json!(Uuid::from_u128(rng.gen())));
            put("billingEmail", random_text(rng));
            put("businessName", random_text(rng));
            put("plan", random_text(rng));
            put("planType", json!(rng.gen_range(0..=22)));
            put("seats", maybe_number(rng, 100_000));
            put("maxCollections", maybe_number(rng, i64::from(i16::MAX)));
            put("smSeats", maybe_number(rng, 10_000));
            put("smServiceAccounts", maybe_number(rng, 10_000));
            let without_grace = if rng.gen_bool(0.5) {
                Value::Null
            } else {
                json!(random_date(rng))
            };
            put("expirationWithoutGracePeriod", without_grace);
            for flag in [
                "enabled",
                "usePolicies",
                "useSso",
                "useKeyConnector",
                "useScim",
                "useGroups",
                "useEvents",
                "useDirectory",
                "useTotp",
                "use2fa",
                "useApi",
                "useResetPassword",
                "selfHost",
                "usersGetPremium",
                "useCustomPermissions",
                "usePasswordManager",
                "useSecretsManager",
                "limitCollectionCreationDeletion",
                "allowAdminAccessToAllCollectionItems",
                "useRiskInsights",
                "useOrganizationDomains",
                "useAdminSponsoredFamilies",
            ] {
                put(flag, json!(rng.gen_bool(0.5)));
            }
        }
    }
    o
}

fn field(object: &Map<String, Value>, name: &str) -> String {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// A token's claims without the ones that differ by nature (`jti` is random).
fn claims(token: &str) -> Map<String, Value> {
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    let mut claims: Map<String, Value> = serde_json::from_slice(&bytes).expect("JSON claims");
    claims.remove("jti");
    claims
}

fn kind(class: Class) -> LicenseKind {
    match class {
        Class::Organization => LicenseKind::Organization,
        Class::User => LicenseKind::User,
    }
}

#[test]
fn both_sign_random_licenses_alike_and_verify_each_others() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x11CE_2026);
    let key = RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let public = key.to_public_key();
    let trust = TrustSet::production().unwrap().trust_key(public.clone());
    let issued: DateTime<Utc> = Utc::now() - Duration::hours(1);
    let now = Utc::now();

    for round in 0..60 {
        let class = if round % 3 == 0 {
            Class::User
        } else {
            Class::Organization
        };
        let object = random_license(&mut rng, class);
        let context = format!("round {round}: {object:?}");
        let mut app = core_license(&object);

        // Same canonical data and hash.
        for for_hash in [false, true] {
            let ours = licensing::canonical_data(&object, class, for_hash).unwrap();
            let theirs = if for_hash {
                canonical::hash_data(&app)
            } else {
                canonical::signature_data(&app)
            }
            .unwrap();
            assert_eq!(ours.as_bytes(), theirs, "{context}");
        }

        // The app signs; the fake verifies.
        sign_with_token(&mut app, &key, issued).unwrap();
        let app_signed = match serde_json::to_value(&app).unwrap() {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        };
        assert_eq!(
            licensing::hash(&object, class).unwrap(),
            field(&app_signed, "hash"),
            "{context}"
        );
        assert!(
            licensing::signature_verifies(&app_signed, class, &public),
            "{context}"
        );
        let app_claims = licensing::verify_token(&app_signed, class, &public, now)
            .unwrap_or_else(|e| panic!("{e}: {context}"));

        // The fake signs; the app verifies.
        let mut fake_signed = object.clone();
        licensing::sign(&mut fake_signed, class, &key, issued).unwrap();
        assert_eq!(
            field(&fake_signed, "signature"),
            field(&app_signed, "signature"),
            "PKCS#1 v1.5 signatures of the same data are the same: {context}"
        );
        let read_back = core_license(&fake_signed);
        let report = signature::verify(&read_back, &trust);
        assert_eq!(report.status, SignatureStatus::Valid, "{context}");
        let token_text = field(&fake_signed, "token");
        let id = Uuid::parse_str(&field(&object, "id")).unwrap();
        let report = token::verify(&token_text, kind(class), id, &trust, None, now);
        assert_eq!(
            report.status,
            TokenStatus::Valid,
            "{:?}: {context}",
            report.message
        );

        // The same claims, whoever issued the token.
        let mut from_app = app_claims;
        from_app.remove("jti");
        assert_eq!(claims(&token_text), from_app, "{context}");
    }
}

#[test]
fn a_license_tampered_after_signing_fails_in_both() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let key = RsaPrivateKey::new(&mut rng, 2048).unwrap();
    let public = key.to_public_key();
    let trust = TrustSet::production().unwrap().trust_key(public.clone());
    let mut object = random_license(&mut rng, Class::Organization);
    object.insert("version".into(), json!(15));
    object.insert("seats".into(), json!(10));
    licensing::sign(&mut object, Class::Organization, &key, Utc::now()).unwrap();
    object.insert("seats".into(), json!(500));
    assert!(!licensing::signature_verifies(
        &object,
        Class::Organization,
        &public
    ));
    let report = signature::verify(&core_license(&object), &trust);
    assert_ne!(report.status, SignatureStatus::Valid);
}
