//! `ValidateOrganizationsJob` on demand: what the self-hosted server does at 00:30 and 12:30
//! (`LicensingService.ValidateOrganizationsAsync`), run at a given time. Each enabled
//! organization's stored file is read back and checked; a failed check disables the
//! organization with the server's reason (`ExpirationDate` = the license's `Expires`), and
//! an exception (a file it cannot read, a token that does not validate) is collected and
//! leaves the organization as it was, as the server's `catch` does.
//!
//! Tests in this process call [`State::run_organization_validation`]; other processes (the
//! app's window tests, the `fake-bitwarden` binary) POST to [`RUN_ROUTE`] on the self-hosted
//! role, with an optional `?at=` time (RFC 3339). The route is the fake's own, not Bitwarden's.

use std::collections::HashMap;

use axum::extract::{Query, State as Extract};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use companion_core::license::{NetDateTime, OrganizationLicense};

use super::auth::Ctx;
use super::state::State;
use super::stored_license::{self, claim_date, Stored};

/// The fake's route that runs the job now (or at `?at=`).
pub const RUN_ROUTE: &str = "/__fake/jobs/validate-organizations";

pub const NO_LICENSE_FILE: &str = "No license file.";
pub const MULTIPLE_ORGANIZATIONS: &str = "Multiple organizations.";
pub const INVALID_DATA: &str = "Invalid data.";
pub const INVALID_SIGNATURE: &str = "Invalid signature.";

/// What the job did to one organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum JobResult {
    /// Every check passed.
    Kept,
    /// Disabled, with the reason the server logs.
    Disabled { reason: &'static str },
    /// The job threw on this organization; it stays as it was.
    Failed { exception: String },
}

/// One organization the job looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobDecision {
    pub organization: Uuid,
    #[serde(flatten)]
    pub result: JobResult,
}

/// `(C# name, version it joined the legacy comparison)`; the token path compares all.
const SWITCHES: &[(&str, i64)] = &[
    ("UseGroups", 1),
    ("UseDirectory", 1),
    ("UseTotp", 1),
    ("SelfHost", 1),
    ("UsersGetPremium", 2),
    ("UseEvents", 3),
    ("Use2fa", 4),
    ("UseApi", 5),
    ("UsePolicies", 6),
    ("UseSso", 7),
    ("UseResetPassword", 8),
    ("UseKeyConnector", 9),
    ("UseScim", 10),
    ("UseCustomPermissions", 11),
    ("UseSecretsManager", 13),
    ("UsePasswordManager", 13),
];

/// Switches only the token path compares.
const CLAIM_ONLY_SWITCHES: &[&str] = &[
    "UseAdminSponsoredFamilies",
    "UseOrganizationDomains",
    "UseAutomaticUserConfirmation",
    "UseDisableSmAdsForUsers",
    "UseMyItems",
];

impl State {
    /// Runs the organization validation job as if the clock said `now`.
    pub fn run_organization_validation(&self, now: DateTime<Utc>) -> Vec<JobDecision> {
        let key = self.0.config.licensing_key.to_public_key();
        let dir = self.license_dir();
        self.edit(|world| {
            let installation = world.self_hosted.as_ref().map(|s| s.installation_id);
            let enabled: Vec<(Uuid, Option<String>)> = world
                .self_hosted_orgs
                .iter()
                .filter(|o| o.license.enabled)
                .map(|o| (o.id, o.license.license_key.clone()))
                .collect();
            let mut decisions = Vec::new();
            for (id, _) in &enabled {
                let Some(org) = world.self_hosted_org_mut(*id) else {
                    continue;
                };
                let path = dir
                    .join("organization")
                    .join(format!("{}.json", id.hyphenated()));
                let result = match std::fs::read(&path) {
                    Err(_) => JobResult::Disabled {
                        reason: NO_LICENSE_FILE,
                    },
                    Ok(bytes) => check(&bytes, &org.license, installation, &enabled, &key, now),
                };
                if let JobResult::Disabled { .. } = result {
                    let expires = std::fs::read(&path)
                        .ok()
                        .and_then(|b| stored_license::read(&b).ok())
                        .and_then(|s| s.date("Expires"));
                    org.license.enabled = false;
                    org.license.expires = NetDateTime::from_utc(expires.unwrap_or(now));
                }
                decisions.push(JobDecision {
                    organization: *id,
                    result,
                });
            }
            decisions
        })
    }
}

/// The self-hosted role's route that runs the job.
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new().route(RUN_ROUTE, post(run)).with_state(ctx)
}

async fn run(
    Extract(ctx): Extract<Ctx>,
    Query(query): Query<HashMap<String, String>>,
) -> Json<Vec<JobDecision>> {
    let at = query
        .get("at")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.to_utc());
    Json(State(ctx.shared.clone()).run_organization_validation(at))
}

/// The checks after the file was found, in the job's order.
fn check(
    bytes: &[u8],
    org: &OrganizationLicense,
    installation: Option<Uuid>,
    enabled: &[(Uuid, Option<String>)],
    key: &rsa::RsaPublicKey,
    now: DateTime<Utc>,
) -> JobResult {
    let stored = match stored_license::read(bytes) {
        Ok(stored) => stored,
        Err(exception) => return JobResult::Failed { exception },
    };
    let license_key = stored.text("LicenseKey").map(str::to_owned);
    if enabled.iter().filter(|(_, k)| *k == license_key).count() > 1 {
        return JobResult::Disabled {
            reason: MULTIPLE_ORGANIZATIONS,
        };
    }
    let verified = match stored.token() {
        Some(token) => {
            let audience = format!("organization:{}", stored.text("Id").unwrap_or_default());
            match stored_license::claims(token, &audience, key, now) {
                Ok(claims) => verify_claims(&claims, org, installation, now),
                Err(exception) => return JobResult::Failed { exception },
            }
        }
        None => match verify_fields(&stored, org, installation, now) {
            Ok(verified) => verified,
            Err(exception) => return JobResult::Failed { exception },
        },
    };
    if !verified {
        return JobResult::Disabled {
            reason: INVALID_DATA,
        };
    }
    if stored.token().is_none() && !stored_license::signature_valid(&stored, key) {
        return JobResult::Disabled {
            reason: INVALID_SIGNATURE,
        };
    }
    JobResult::Kept
}

/// The organization's value of a switch, by its C# name.
fn org_switch(org: &OrganizationLicense, name: &str) -> bool {
    match name {
        "UseGroups" => org.use_groups,
        "UseDirectory" => org.use_directory,
        "UseTotp" => org.use_totp,
        "SelfHost" => org.self_host,
        "UsersGetPremium" => org.users_get_premium,
        "UseEvents" => org.use_events,
        "Use2fa" => org.use_2fa,
        "UseApi" => org.use_api,
        "UsePolicies" => org.use_policies,
        "UseSso" => org.use_sso,
        "UseResetPassword" => org.use_reset_password,
        "UseKeyConnector" => org.use_key_connector,
        "UseScim" => org.use_scim,
        "UseCustomPermissions" => org.use_custom_permissions,
        "UseSecretsManager" => org.use_secrets_manager,
        "UsePasswordManager" => org.use_password_manager,
        "UseAdminSponsoredFamilies" => org.use_admin_sponsored_families,
        "UseOrganizationDomains" => org.use_organization_domains,
        "UseAutomaticUserConfirmation" => org.use_automatic_user_confirmation,
        "UseDisableSmAdsForUsers" => org.use_disable_sm_ads_for_users,
        "UseMyItems" => org.use_my_items,
        _ => false,
    }
}

/// `VerifyData` on the token path: every value from the claims (`GetValue<T>`: a missing
/// claim is the type's default).
fn verify_claims(
    claims: &Map<String, Value>,
    org: &OrganizationLicense,
    server_installation: Option<Uuid>,
    now: DateTime<Utc>,
) -> bool {
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let flag = |name: &str| text(name).is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let number = |name: &str| text(name).and_then(|v| v.parse::<i64>().ok());
    let issued = text("Issued")
        .and_then(claim_date)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let expires = text("Expires")
        .and_then(claim_date)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let installation = text("InstallationId").and_then(|v| Uuid::parse_str(v).ok());
    let claimed_plan = number("PlanType").unwrap_or(0);
    let plan_matches = if claimed_plan == 22 {
        matches!(org.plan_type.0, 22 | 7)
    } else {
        i64::from(org.plan_type.0) == claimed_plan
    };
    let switches = SWITCHES
        .iter()
        .map(|(name, _)| *name)
        .chain(CLAIM_ONLY_SWITCHES.iter().copied())
        .all(|name| flag(name) == org_switch(org, name));
    issued <= now
        && expires >= now
        && installation.is_some()
        && installation == server_installation
        && text("LicenseKey") == org.license_key.as_deref()
        && flag("Enabled") == org.enabled
        && plan_matches
        && number("Seats") == org.seats.map(i64::from)
        && number("MaxCollections") == org.max_collections.map(i64::from)
        && text("Name") == org.name.as_deref()
        && number("SmSeats") == org.sm_seats.map(i64::from)
        && number("SmServiceAccounts") == org.sm_service_accounts.map(i64::from)
        && switches
}

/// `ObsoleteVerifyData`: the stored JSON itself; an unsupported `Version` throws.
fn verify_fields(
    stored: &Stored,
    org: &OrganizationLicense,
    server_installation: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, String> {
    let issued = stored.date("Issued").unwrap_or(DateTime::<Utc>::MIN_UTC);
    if issued > now || stored.date("Expires").is_some_and(|e| e < now) {
        return Ok(false);
    }
    let version = stored.number("Version").unwrap_or(0);
    if !(1..=16).contains(&version) {
        return Err(format!("Version {version} is not supported."));
    }
    let installation = stored
        .text("InstallationId")
        .and_then(|v| Uuid::parse_str(v).ok());
    let mut valid = installation.is_some()
        && installation == server_installation
        && org.license_key.is_some()
        && stored.text("LicenseKey") == org.license_key.as_deref()
        && stored.flag("Enabled") == org.enabled
        && stored.number("PlanType") == Some(i64::from(org.plan_type.0))
        && stored.number("Seats") == org.seats.map(i64::from)
        && stored.number("MaxCollections") == org.max_collections.map(i64::from)
        && stored.text("Name") == org.name.as_deref();
    for (name, since) in SWITCHES {
        valid = valid && (version < *since || stored.flag(name) == org_switch(org, name));
    }
    if version >= 13 {
        valid = valid
            && stored.number("SmSeats") == org.sm_seats.map(i64::from)
            && stored.number("SmServiceAccounts") == org.sm_service_accounts.map(i64::from);
    }
    if version >= 16 {
        valid = valid && org.use_organization_domains;
    }
    Ok(valid)
}
