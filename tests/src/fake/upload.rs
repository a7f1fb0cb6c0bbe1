//! The self-hosted server's judgement of an uploaded license (contract §1.7, §1.8): the
//! claims token, `CanUse` on either path, and `CanUseLicense` for an update, with the
//! server's texts and order.
//!
//! The upload is read by the fake's own reader (`license_reader`) into the object the
//! server deserializes, and that object is what gets verified, by the fake's own licensing
//! code. Only the test licensing key counts: a signature or token made with any other key
//! (even Bitwarden's) is refused, as a real server refuses everything not signed by
//! Bitwarden.

use chrono::{DateTime, Utc};
use rsa::RsaPublicKey;
use uuid::Uuid;

use super::license_model::{License, OrganizationLicense, UserLicense};
use super::license_reader;
use super::licensing::Class;
use super::state::{SelfHostedOrg, User};

/// The answer when no license could be read (note: no period).
pub const INVALID_LICENSE: &str = "Invalid license";
/// The prefix of `CanUse` refusals and token failures.
pub const PREFIX: &str = "Invalid license. ";
pub const PREMIUM_AS_ORGANIZATION: &str = "Premium licenses cannot be applied to an organization vault. Upload this license from your personal account Settings page.";
pub const ORGANIZATION_AS_USER: &str = "Organization licenses cannot be applied to a user. Upload this license from the Organization settings page.";
pub const ALREADY_IN_USE: &str = "License is already in use by another organization vault.";

/// The license file read as class `class`, as `ReadJsonFileFromBody<T>` reads it: `None`
/// when the server sees no license (its reader threw, or the file is `null`). A file of
/// the other class still reads (its other properties skipped) and keeps its own
/// `LicenseType`.
pub(crate) fn read_as(bytes: &[u8], class: Class) -> Option<License> {
    license_reader::read_ignoring_case(bytes, class)
        .ok()
        .flatten()
}

/// `GetClaimsPrincipalFromLicense`: with a token, the license as its claims say (`Ok(None)`
/// without one); a token that fails answers `Invalid license. <reason>`.
pub(crate) fn claims_license(
    license: &License,
    key: &RsaPublicKey,
    now: DateTime<Utc>,
) -> Result<Option<License>, String> {
    if license.token().is_none() {
        return Ok(None);
    }
    let claims = license
        .token_claims(key, now)
        .map_err(|e| format!("{PREFIX}{e}"))?;
    Ok(Some(license.with_claims(&claims)))
}

/// `LicensingService.VerifyLicense`: the token when there is one, else the signature.
pub(crate) fn verify_license(license: &License, key: &RsaPublicKey, now: DateTime<Utc>) -> bool {
    match license.token() {
        Some(_) => claims_license(license, key, now).is_ok(),
        None => license.signature_verifies(key),
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
        if effective.issued > now {
            lines.push("The license hasn't been issued yet.");
        }
        if effective.expires.is_some_and(|e| e < now) {
            lines.push("The license has expired.");
        }
    }
    if !claims_path && !(1..=16).contains(&json.version) {
        lines.push(&version_line);
    }
    if effective.installation_id != installation {
        lines.push("The installation ID does not match the current installation.");
    }
    if !effective.switch("SelfHost") {
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
    license: &UserLicense,
    claims_path: bool,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let mut lines = Vec::new();
    if !claims_path {
        if license.issued > now {
            lines.push("The license hasn't been issued yet.");
        }
        if license.expires.is_some_and(|e| e < now) {
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
    if !license.switch("UseGroups") && current.switch("UseGroups") && usage.groups > 1 {
        return Err(format!("Your organization currently has {} groups. Your new license does not allow for the use of groups. Remove all groups.", usage.groups));
    }
    if !license.switch("UsePolicies") && current.switch("UsePolicies") && usage.enabled_policies > 0
    {
        return Err(format!("Your organization currently has {} enabled policies. Your new license does not allow for the use of policies. Disable all policies.", usage.enabled_policies));
    }
    if !license.switch("UseSso") && current.switch("UseSso") && usage.sso_enabled {
        return Err("Your organization currently has a SSO configuration. Your new license does not allow for the use of SSO. Disable your SSO configuration.".into());
    }
    if !license.switch("UseKeyConnector")
        && current.switch("UseKeyConnector")
        && usage.key_connector_enabled
    {
        return Err("Your organization currently has Key Connector enabled. Your new license does not allow for the use of Key Connector. Disable your Key Connector.".into());
    }
    if !license.switch("UseScim") && current.switch("UseScim") && usage.scim_enabled {
        return Err(
            "Your new plan does not allow the SCIM feature. Disable your SCIM configuration."
                .into(),
        );
    }
    if !license.switch("UseCustomPermissions")
        && current.switch("UseCustomPermissions")
        && usage.custom_permission_members > 0
    {
        return Err("Your new plan does not allow the Custom Permissions feature. Disable your Custom Permissions configuration.".into());
    }
    if !license.switch("UseResetPassword")
        && current.switch("UseResetPassword")
        && usage.reset_password_policy
    {
        return Err("Your new license does not allow the Password Reset feature. Disable your Password Reset policy.".into());
    }
    Ok(())
}
