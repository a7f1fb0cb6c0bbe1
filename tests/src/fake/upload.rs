//! The self-hosted server's judgement of an uploaded license (contract §1.7, §1.8): reading
//! it as its class, the claims token, `CanUse` on either path, and `CanUseLicense` for an
//! update, with the server's texts and order.
//!
//! Signatures and tokens are checked by the fake's own code (`licensing`), never the
//! app's, and only the test licensing key counts: a signature or token made with any other
//! key (even Bitwarden's) is refused, as a real server refuses everything not signed by
//! Bitwarden. `companion_core::license` only reads the JSON into its model.

use chrono::{DateTime, Utc};
use companion_core::license::{parse, License, LicenseError, LicenseKind, OrganizationLicense};
use rsa::RsaPublicKey;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::licensing::{self, Class};
use super::state::{SelfHostedOrg, User};

/// The answer when no license could be read (note: no period).
pub const INVALID_LICENSE: &str = "Invalid license";
/// The prefix of `CanUse` refusals and token failures.
pub const PREFIX: &str = "Invalid license. ";
pub const PREMIUM_AS_ORGANIZATION: &str = "Premium licenses cannot be applied to an organization vault. Upload this license from your personal account Settings page.";
pub const ORGANIZATION_AS_USER: &str = "Organization licenses cannot be applied to a user. Upload this license from the Organization settings page.";
pub const ALREADY_IN_USE: &str = "License is already in use by another organization vault.";

/// The license file read as class `kind`, as `ReadJsonFileFromBody<T>` would: `None` when
/// the server sees no license. A file of the other class still reads (its unknown
/// properties ignored) and keeps its own `LicenseType`.
pub(crate) fn read_as(bytes: &[u8], kind: LicenseKind) -> Option<License> {
    match parse(bytes) {
        Ok(parsed) if parsed.license.kind() == kind => Some(parsed.license),
        Ok(_) | Err(LicenseError::UnknownKind | LicenseError::AmbiguousKind { .. }) => {
            read_forced(bytes, kind)
        }
        Err(_) => None,
    }
}

/// Reads the object as `kind` whatever its `LicenseType` says, then restores that value.
fn read_forced(bytes: &[u8], kind: LicenseKind) -> Option<License> {
    let text = std::str::from_utf8(bytes).ok()?;
    let Value::Object(mut members) =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?
    else {
        return None;
    };
    let declared = members
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case("LicenseType"))
        .map(|(_, v)| v.clone());
    members.retain(|k, _| !k.eq_ignore_ascii_case("LicenseType"));
    members.insert("LicenseType".into(), Value::from(kind.license_type_value()));
    let forced = serde_json::to_vec(&Value::Object(members)).ok()?;
    let mut license = parse(&forced).ok()?.license;
    let original = declared.and_then(|v| v.as_u64()).map(|v| v as u8);
    match &mut license {
        License::Organization(l) => l.license_type = original,
        License::User(l) => l.license_type = original,
    }
    Some(license)
}

/// The fake's own licensing class of a license.
fn class(license: &License) -> Class {
    match license.kind() {
        LicenseKind::Organization => Class::Organization,
        LicenseKind::User => Class::User,
    }
}

/// A license as the JSON object the fake's licensing code reads.
fn object(license: &License) -> Map<String, Value> {
    match serde_json::to_value(license) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// `GetClaimsPrincipalFromLicense`: with a token, the license as its claims say (`Ok(None)`
/// without one); a token that fails answers `Invalid license. <reason>`. Checked by the
/// fake's own code (`licensing`) against the test licensing key only.
pub(crate) fn claims_license(
    license: &License,
    key: &RsaPublicKey,
    now: DateTime<Utc>,
) -> Result<Option<License>, String> {
    if license.token().is_none() {
        return Ok(None);
    }
    let class = class(license);
    let object = object(license);
    let claims =
        licensing::verify_token(&object, class, key, now).map_err(|e| format!("{PREFIX}{e}"))?;
    let effective = licensing::apply_claims(&object, class, &claims);
    let bytes = serde_json::to_vec(&Value::Object(effective)).map_err(|e| e.to_string())?;
    read_as(&bytes, license.kind())
        .map(Some)
        .ok_or_else(|| format!("{PREFIX}The token's claims do not make a license."))
}

/// Whether the legacy `Signature` verifies with the test key.
pub(crate) fn signature_valid(license: &License, key: &RsaPublicKey) -> bool {
    licensing::signature_verifies(&object(license), class(license), key)
}

/// `LicensingService.VerifyLicense`: the token when there is one, else the signature.
pub(crate) fn verify_license(license: &License, key: &RsaPublicKey, now: DateTime<Utc>) -> bool {
    match license.token() {
        Some(_) => matches!(claims_license(license, key, now), Ok(Some(_))),
        None => signature_valid(license, key),
    }
}

/// Joins collected refusal lines with the server's prefix.
fn refusal(lines: Vec<&str>) -> Result<(), String> {
    if lines.is_empty() {
        Ok(())
    } else {
        Err(format!("{PREFIX}{}", lines.join("\n")))
    }
}

/// `OrganizationLicense.CanUse`: the claims path when `effective` came from a token, the
/// legacy (`ObsoleteCanUse`) path otherwise.
pub(crate) fn organization_can_use(
    json: &OrganizationLicense,
    effective: &OrganizationLicense,
    claims_path: bool,
    installation: Uuid,
    signature_ok: bool,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let version_line = format!("Version {} is not supported.", json.version);
    let mut lines = Vec::new();
    if !effective.enabled {
        lines.push("Your cloud-hosted organization is currently disabled.");
    }
    if !claims_path {
        if effective.issued.to_utc() > now {
            lines.push("The license hasn't been issued yet.");
        }
        if effective.expires.is_some_and(|e| e.to_utc() < now) {
            lines.push("The license has expired.");
        }
    }
    if !claims_path && !(1..=16).contains(&json.version) {
        lines.push(&version_line);
    }
    if effective.installation_id != installation {
        lines.push("The installation ID does not match the current installation.");
    }
    if !effective.self_host {
        lines.push("The license does not allow for on-premise hosting of organizations.");
    }
    let wrong_type = if claims_path {
        effective.license_type != Some(1)
    } else {
        effective.license_type.is_some_and(|t| t != 1)
    };
    if wrong_type {
        lines.push(PREMIUM_AS_ORGANIZATION);
    }
    if !claims_path && !signature_ok {
        lines.push("The license verification failed.");
    }
    refusal(lines)
}

/// `UserLicense.CanUse` for the account uploading it.
pub(crate) fn user_can_use(
    effective: &License,
    claims_path: bool,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let License::User(license) = effective else {
        return refusal(vec![ORGANIZATION_AS_USER]);
    };
    let mut lines = Vec::new();
    if !claims_path {
        if license.issued.to_utc() > now {
            lines.push("The license hasn't been issued yet.");
        }
        if license.expires.is_some_and(|e| e.to_utc() < now) {
            lines.push("The license has expired.");
        }
    }
    if !user.email_verified {
        lines.push("The user's email is not verified.");
    }
    let licensed = license.email.as_deref().unwrap_or_default();
    if !licensed.eq_ignore_ascii_case(&user.email) {
        lines.push("The user's email does not match the license email.");
    }
    refusal(lines)
}

/// `SelfHostedOrganizationDetails.CanUseLicense`: what the organization uses must fit the
/// new license; the first misfit wins.
pub(crate) fn can_use_license(
    org: &SelfHostedOrg,
    license: &OrganizationLicense,
) -> Result<(), String> {
    let current = &org.license;
    let usage = &org.usage;
    if let Some(seats) = license.seats.filter(|s| usage.seats_in_use > *s) {
        return Err(format!("Your organization currently has {} seats filled. Your new license only has ({seats}) seats. Remove some users.", usage.seats_in_use));
    }
    if let Some(max) = license
        .max_collections
        .filter(|m| usage.collections > i32::from(*m))
    {
        return Err(format!("Your organization currently has {} collections. Your new license allows for a maximum of ({max}) collections. Remove some collections.", usage.collections));
    }
    if !license.use_groups && current.use_groups && usage.groups > 1 {
        return Err(format!("Your organization currently has {} groups. Your new license does not allow for the use of groups. Remove all groups.", usage.groups));
    }
    if !license.use_policies && current.use_policies && usage.enabled_policies > 0 {
        return Err(format!("Your organization currently has {} enabled policies. Your new license does not allow for the use of policies. Disable all policies.", usage.enabled_policies));
    }
    if !license.use_sso && current.use_sso && usage.sso_enabled {
        return Err("Your organization currently has a SSO configuration. Your new license does not allow for the use of SSO. Disable your SSO configuration.".into());
    }
    if !license.use_key_connector && current.use_key_connector && usage.key_connector_enabled {
        return Err("Your organization currently has Key Connector enabled. Your new license does not allow for the use of Key Connector. Disable your Key Connector.".into());
    }
    if !license.use_scim && current.use_scim && usage.scim_enabled {
        return Err(
            "Your new plan does not allow the SCIM feature. Disable your SCIM configuration."
                .into(),
        );
    }
    if !license.use_custom_permissions
        && current.use_custom_permissions
        && usage.custom_permission_members > 0
    {
        return Err("Your new plan does not allow the Custom Permissions feature. Disable your Custom Permissions configuration.".into());
    }
    if !license.use_reset_password && current.use_reset_password && usage.reset_password_policy {
        return Err("Your new license does not allow the Password Reset feature. Disable your Password Reset policy.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_premium_file_on_the_organization_route_keeps_its_license_type() {
        let bytes = br#"{"LicenseType":0,"Email":"a@b.c","Premium":true,"Version":1}"#;
        let license = read_as(bytes, LicenseKind::Organization).unwrap();
        assert_eq!(license.kind(), LicenseKind::Organization);
        assert_eq!(license.license_type(), Some(0));
    }

    #[test]
    fn a_file_without_kind_reads_as_the_route_expects_with_no_license_type() {
        let license = read_as(br#"{"Version":15}"#, LicenseKind::Organization).unwrap();
        assert_eq!(
            (license.kind(), license.license_type()),
            (LicenseKind::Organization, None)
        );
    }

    #[test]
    fn unreadable_files_are_no_license() {
        assert!(read_as(b"{\"LicenseType\":1}\n}", LicenseKind::Organization).is_none());
        assert!(read_as(b"[1,2]", LicenseKind::Organization).is_none());
        assert!(read_as(br#"{"LicenseType":"1"}"#, LicenseKind::Organization).is_none());
    }
}
