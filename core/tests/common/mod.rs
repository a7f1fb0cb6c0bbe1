//! Shared helpers for the license tests: a throw-away RSA key made once per test binary
//! (never stored), a complete organization and premium license, and a trust set that
//! trusts the key as "custom".
#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use companion_core::license::{
    License, NetDateTime, OrganizationLicense, PlanType, TrustSet, UserLicense,
};
use rsa::{RsaPrivateKey, RsaPublicKey};
use uuid::Uuid;

pub const INSTALLATION: &str = "6f0d3b3e-8c1a-4b1e-9a55-2f1b4f3c7d10";
pub const ORG_ID: &str = "a1b2c3d4-0000-4000-8000-00000000cafe";

/// The fixed "now" of these tests.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

pub fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("test key"))
}

pub fn public_key() -> RsaPublicKey {
    key().to_public_key()
}

pub fn trust() -> TrustSet {
    TrustSet::production().unwrap().trust_key(public_key())
}

fn date(offset_days: i64) -> NetDateTime {
    NetDateTime::from_utc(now() + Duration::days(offset_days) + Duration::milliseconds(123))
        .unwrap()
}

/// An annual organization license as the cloud issues it, every property non-null.
pub fn organization() -> OrganizationLicense {
    OrganizationLicense {
        license_key: Some("k3yAbCdEfGh".into()),
        installation_id: Uuid::parse_str(INSTALLATION).unwrap(),
        id: Uuid::parse_str(ORG_ID).unwrap(),
        name: Some("Acme Corp".into()),
        billing_email: Some("billing@acme.example".into()),
        business_name: Some("Acme Corporation".into()),
        enabled: true,
        plan: Some("Enterprise (Annually)".into()),
        plan_type: PlanType(20),
        seats: Some(25),
        max_collections: Some(100),
        use_policies: true,
        use_sso: true,
        use_key_connector: true,
        use_scim: true,
        use_groups: true,
        use_events: true,
        use_directory: true,
        use_totp: true,
        use_2fa: true,
        use_api: true,
        use_reset_password: true,
        max_storage_gb: Some(1),
        self_host: true,
        users_get_premium: true,
        use_custom_permissions: true,
        version: 15,
        issued: date(-1),
        refresh: Some(date(29)),
        expires: Some(date(365 + 60)),
        expiration_without_grace_period: Some(date(365)),
        use_password_manager: true,
        use_secrets_manager: true,
        sm_seats: Some(10),
        sm_service_accounts: Some(50),
        use_risk_insights: true,
        use_phishing_blocker: false,
        limit_collection_creation_deletion: true,
        allow_admin_access_to_all_collection_items: true,
        trial: false,
        license_type: Some(1),
        use_organization_domains: true,
        use_admin_sponsored_families: false,
        use_automatic_user_confirmation: false,
        use_disable_sm_ads_for_users: false,
        use_my_items: true,
        use_invite_links: false,
        use_pam: false,
        hash: None,
        signature: None,
        token: None,
    }
}

/// A premium license, every property non-null.
pub fn user() -> UserLicense {
    UserLicense {
        license_key: Some("u5erKey".into()),
        id: Uuid::parse_str("0b9a8c7d-1111-4222-8333-444455556666").unwrap(),
        name: Some("Ada Lovelace".into()),
        email: Some("Ada@Example.com".into()),
        premium: true,
        max_storage_gb: Some(1),
        version: 1,
        issued: date(-1),
        refresh: Some(date(364)),
        expires: Some(date(371)),
        trial: false,
        license_type: Some(0),
        hash: None,
        signature: None,
        token: None,
    }
}

/// The license as a file, as the web vault saves it.
pub fn file(license: &License) -> Vec<u8> {
    license.to_json().into_bytes()
}
