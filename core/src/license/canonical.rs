//! `GetDataBytes`: the exact bytes that are hashed (`Hash`) and signed (`Signature`),
//! byte for byte as the server builds them (contract §1.4).

use std::cmp::Ordering;

use base64::Engine;
use sha2::{Digest, Sha256};

use super::model::{FieldSpec, License, LicenseKind};

/// Organization license versions the server accepts (`ValidLicenseVersion`).
pub const ORGANIZATION_VERSIONS: std::ops::RangeInclusive<i32> = 1..=16;
/// The only premium license version.
pub const USER_VERSION: i32 = 1;

/// Properties never part of the data, whatever the version (§1.4 steps 1 and 2).
const ALWAYS_EXCLUDED: &[&str] = &["Signature", "SignatureBytes", "LicenseType", "Token"];
/// Properties left out of the hash data only (§1.4 step 3).
const HASH_EXCLUDED: &[&str] = &["Hash", "Issued", "Refresh"];

/// `GetDataBytes` throws for a version it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Version {0} is not supported.")]
pub struct UnsupportedVersion(pub i32);

/// Whether the server accepts this version for this kind of license.
pub fn version_supported(kind: LicenseKind, version: i32) -> bool {
    match kind {
        LicenseKind::Organization => ORGANIZATION_VERSIONS.contains(&version),
        LicenseKind::User => version == USER_VERSION,
    }
}

/// The signed data (`GetDataBytes(forHash: false)`), what `Signature` covers.
pub fn signature_data(license: &License) -> Result<Vec<u8>, UnsupportedVersion> {
    data(license, false)
}

/// The hash data (`GetDataBytes(forHash: true)`), what `Hash` is the SHA-256 of.
pub fn hash_data(license: &License) -> Result<Vec<u8>, UnsupportedVersion> {
    data(license, true)
}

/// base64(SHA-256(hash data)): the value `Hash` should have.
pub fn compute_hash(license: &License) -> Result<String, UnsupportedVersion> {
    let digest = Sha256::digest(hash_data(license)?);
    Ok(base64::engine::general_purpose::STANDARD.encode(digest))
}

/// The property names in the data for a kind and version, in their signed order.
pub fn field_names(
    kind: LicenseKind,
    version: i32,
    for_hash: bool,
) -> Result<Vec<&'static str>, UnsupportedVersion> {
    if !version_supported(kind, version) {
        return Err(UnsupportedVersion(version));
    }
    let fields: &[FieldSpec] = match kind {
        LicenseKind::Organization => super::model::OrganizationLicense::FIELDS,
        LicenseKind::User => super::model::UserLicense::FIELDS,
    };
    let mut names: Vec<&'static str> = fields
        .iter()
        .filter(|f| f.signed_since.is_some_and(|since| since <= version))
        .filter(|f| !ALWAYS_EXCLUDED.contains(&f.name))
        .filter(|f| !(for_hash && HASH_EXCLUDED.contains(&f.name)))
        .map(|f| f.name)
        .collect();
    names.sort_by(|a, b| culture_compare(a, b));
    Ok(names)
}

/// .NET's default string comparer on these ASCII names: letters compare without regard to
/// case (so `UsersGetPremium` < `UseScim`), digits before letters. Not an ordinal sort.
fn culture_compare(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
        .then_with(|| a.cmp(b))
}

fn data(license: &License, for_hash: bool) -> Result<Vec<u8>, UnsupportedVersion> {
    let kind = license.kind();
    let names = field_names(kind, license.version(), for_hash)?;
    let prefix = match kind {
        LicenseKind::Organization => "license:organization",
        LicenseKind::User => "license:user",
    };
    let mut out = String::from(prefix);
    for name in names {
        out.push('|');
        out.push_str(name);
        out.push(':');
        out.push_str(&license.render_field(name).unwrap_or_default());
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::license::dates::NetDateTime;
    use crate::license::model::{OrganizationLicense, PlanType, UserLicense};
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    const VECTORS: &str =
        include_str!("../../../tests/data/upstream/getdatabytes_vectors_subset.json");

    /// Signature-data order of every organization property ever signed (contract §1.4).
    const FULL_ORDER: &str = "AllowAdminAccessToAllCollectionItems|BillingEmail|BusinessName|Enabled|ExpirationWithoutGracePeriod|Expires|Hash|Id|InstallationId|Issued|LicenseKey|LimitCollectionCreationDeletion|MaxCollections|MaxStorageGb|Name|Plan|PlanType|Refresh|Seats|SelfHost|SmSeats|SmServiceAccounts|Trial|Use2fa|UseApi|UseCustomPermissions|UseDirectory|UseEvents|UseGroups|UseKeyConnector|UsePasswordManager|UsePolicies|UseResetPassword|UsersGetPremium|UseScim|UseSecretsManager|UseSso|UseTotp|Version";

    /// The "Ver" column of the contract's table: the version each property joined.
    const JOINED: &[(i32, &str)] = &[
        (2, "UsersGetPremium"),
        (3, "UseEvents"),
        (4, "Use2fa"),
        (5, "UseApi"),
        (6, "UsePolicies"),
        (7, "UseSso"),
        (8, "UseResetPassword"),
        (9, "UseKeyConnector"),
        (10, "UseScim"),
        (11, "UseCustomPermissions"),
        (12, "ExpirationWithoutGracePeriod"),
        (13, "UsePasswordManager"),
        (13, "UseSecretsManager"),
        (13, "SmSeats"),
        (13, "SmServiceAccounts"),
        (14, "LimitCollectionCreationDeletion"),
        (15, "AllowAdminAccessToAllCollectionItems"),
    ];

    fn at(seconds: i64) -> NetDateTime {
        NetDateTime::from_utc(Utc.timestamp_opt(seconds, 0).unwrap()).unwrap()
    }

    /// The organization the server's own GetDataBytes tests sign, with every "never signed"
    /// property switched on to prove they stay out.
    fn upstream_organization(version: i32) -> License {
        License::Organization(OrganizationLicense {
            license_key: Some("myLicenseKey".into()),
            installation_id: Uuid::parse_str("78900000-0000-0000-0000-000000000123").unwrap(),
            id: Uuid::parse_str("12300000-0000-0000-0000-000000000456").unwrap(),
            name: Some("myOrg".into()),
            billing_email: Some("myBillingEmail".into()),
            business_name: None,
            enabled: true,
            plan: Some("myPlan".into()),
            plan_type: PlanType(11),
            seats: Some(10),
            max_collections: Some(2),
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
            max_storage_gb: Some(100),
            self_host: true,
            users_get_premium: true,
            use_custom_permissions: true,
            version,
            issued: at(1_758_888_001),
            refresh: Some(at(1_761_480_001)),
            expires: Some(at(1_740_787_200)),
            expiration_without_grace_period: None,
            use_password_manager: true,
            use_secrets_manager: true,
            sm_seats: Some(5),
            sm_service_accounts: Some(8),
            use_risk_insights: true,
            use_phishing_blocker: true,
            limit_collection_creation_deletion: true,
            allow_admin_access_to_all_collection_items: true,
            trial: false,
            license_type: Some(1),
            use_organization_domains: true,
            use_admin_sponsored_families: true,
            use_automatic_user_confirmation: true,
            use_disable_sm_ads_for_users: true,
            use_my_items: true,
            use_invite_links: true,
            use_pam: true,
            hash: None,
            signature: Some("ignored".into()),
            token: Some("ignored".into()),
        })
    }

    fn upstream_user() -> License {
        License::User(UserLicense {
            license_key: Some("myUserLicenseKey".into()),
            id: Uuid::parse_str("12300000-0000-0000-0000-000000000789").unwrap(),
            name: Some("Test User".into()),
            email: Some("test@example.com".into()),
            premium: true,
            max_storage_gb: Some(10),
            version: 1,
            issued: at(1_758_888_041),
            refresh: Some(at(1_735_603_200)),
            expires: Some(at(1_736_208_000)),
            trial: false,
            license_type: Some(0),
            hash: None,
            signature: None,
            token: None,
        })
    }

    /// Checks one vector: hash data, its SHA-256, then signature data with Hash filled in.
    fn assert_vector(mut license: License, vector: &serde_json::Value) {
        let text = |k: &str| vector[k].as_str().unwrap().to_owned();
        assert_eq!(
            String::from_utf8(hash_data(&license).unwrap()).unwrap(),
            text("hashData")
        );
        let hash = compute_hash(&license).unwrap();
        assert_eq!(hash, text("expectedHashBase64"));
        match &mut license {
            License::Organization(l) => l.hash = Some(hash),
            License::User(l) => l.hash = Some(hash),
        }
        assert_eq!(
            String::from_utf8(signature_data(&license).unwrap()).unwrap(),
            text("signatureData")
        );
    }

    #[test]
    fn every_upstream_organization_vector_matches_byte_for_byte() {
        let vectors: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        let organization = vectors["organization"].as_object().unwrap();
        assert!(organization.len() >= 5);
        for (version, vector) in organization {
            let version: i32 = version.parse().unwrap();
            assert_eq!(vector["licenseVersion"], version);
            assert_vector(upstream_organization(version), vector);
        }
    }

    #[test]
    fn the_upstream_user_vector_matches_byte_for_byte() {
        let vectors: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        assert_vector(upstream_user(), &vectors["user"]["1"]);
    }

    #[test]
    fn each_organization_version_signs_exactly_the_fields_of_the_table() {
        for version in 1..=16 {
            let joined_later = |name: &str| JOINED.iter().any(|(v, n)| *n == name && *v > version);
            let expected: Vec<&str> = FULL_ORDER.split('|').filter(|n| !joined_later(n)).collect();
            assert_eq!(
                field_names(LicenseKind::Organization, version, false).unwrap(),
                expected,
                "signature data, version {version}"
            );
            let hashed: Vec<&str> = expected
                .iter()
                .copied()
                .filter(|n| !["Hash", "Issued", "Refresh"].contains(n))
                .collect();
            assert_eq!(
                field_names(LicenseKind::Organization, version, true).unwrap(),
                hashed,
                "hash data, version {version}"
            );
        }
        assert_eq!(
            field_names(LicenseKind::Organization, 1, false)
                .unwrap()
                .len(),
            22
        );
        assert_eq!(
            field_names(LicenseKind::Organization, 16, false)
                .unwrap()
                .len(),
            39
        );
    }

    #[test]
    fn user_version_1_signs_the_documented_fields() {
        assert_eq!(
            field_names(LicenseKind::User, 1, false).unwrap().join("|"),
            "Email|Expires|Hash|Id|Issued|LicenseKey|MaxStorageGb|Name|Premium|Refresh|Trial|Version"
        );
        assert_eq!(
            field_names(LicenseKind::User, 1, true).unwrap().join("|"),
            "Email|Expires|Id|LicenseKey|MaxStorageGb|Name|Premium|Trial|Version"
        );
    }

    #[test]
    fn unsupported_versions_fail_with_the_server_text() {
        for version in [0, -1, 17, 99] {
            let err = signature_data(&upstream_organization(version)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("Version {version} is not supported.")
            );
        }
        let mut user = upstream_user();
        if let License::User(l) = &mut user {
            l.version = 2;
        }
        assert_eq!(
            hash_data(&user).unwrap_err().to_string(),
            "Version 2 is not supported."
        );
    }

    #[test]
    fn ordering_is_case_insensitive_not_ordinal() {
        let names = field_names(LicenseKind::Organization, 16, false).unwrap();
        let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(pos("UsePolicies") < pos("UseResetPassword"));
        assert!(pos("UseResetPassword") < pos("UsersGetPremium"));
        assert!(pos("UsersGetPremium") < pos("UseScim"));
        assert!(pos("Use2fa") < pos("UseApi"));
    }

    #[test]
    fn names_are_embedded_raw_and_nulls_render_empty() {
        let mut license = upstream_organization(1);
        if let License::Organization(l) = &mut license {
            l.name = Some("a|b:c".into());
            l.plan_type = PlanType(5);
            l.expires = None;
        }
        let data = String::from_utf8(hash_data(&license).unwrap()).unwrap();
        assert!(data.contains("|Name:a|b:c|"));
        assert!(data.contains("|PlanType:EnterpriseAnnually|"));
        assert!(data.contains("|Expires:|"));
    }
}
