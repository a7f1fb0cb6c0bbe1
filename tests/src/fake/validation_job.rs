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

use super::auth::Ctx;
use super::license_model::{License, OrganizationLicense};
use super::license_reader;
use super::licensing::Class;
use super::net_date::NetDate;
use super::state::State;

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
                let stored = std::fs::read(&path)
                    .map_err(|_| None)
                    .and_then(|bytes| read(&bytes));
                let result = match &stored {
                    Ok(license) => check(license, &org.license, installation, &enabled, &key, now),
                    Err(Some(exception)) => JobResult::Failed {
                        exception: exception.clone(),
                    },
                    Err(None) => JobResult::Disabled {
                        reason: NO_LICENSE_FILE,
                    },
                };
                if let JobResult::Disabled { .. } = result {
                    let expires = stored.ok().and_then(|license| license.date("Expires"));
                    org.license.enabled = false;
                    org.license.expires = Some(expires.unwrap_or(now));
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

/// `ReadOrganizationLicenseAsync`: the stored file read with default options. A file that
/// says `null` is no license (`Err(None)`), which the job takes as no file.
fn read(bytes: &[u8]) -> Result<License, Option<String>> {
    match license_reader::read_exact(bytes, Class::Organization) {
        Ok(Some(license)) => Ok(license),
        Ok(None) => Err(None),
        Err(exception) => Err(Some(exception)),
    }
}

/// The checks after the file was read, in the job's order.
fn check(
    license: &License,
    org: &OrganizationLicense,
    installation: Option<Uuid>,
    enabled: &[(Uuid, Option<String>)],
    key: &rsa::RsaPublicKey,
    now: DateTime<Utc>,
) -> JobResult {
    let license_key = license.text("LicenseKey").map(str::to_owned);
    if enabled.iter().filter(|(_, k)| *k == license_key).count() > 1 {
        return JobResult::Disabled {
            reason: MULTIPLE_ORGANIZATIONS,
        };
    }
    let verified = match license.token() {
        Some(_) => match license.token_claims(key, now) {
            Ok(claims) => verify_claims(&claims, org, installation, now),
            Err(reason) => {
                return JobResult::Failed {
                    exception: format!("Invalid license. {reason}"),
                }
            }
        },
        None => match verify_fields(license, org, installation, now) {
            Ok(verified) => verified,
            Err(exception) => return JobResult::Failed { exception },
        },
    };
    if !verified {
        return JobResult::Disabled {
            reason: INVALID_DATA,
        };
    }
    if license.token().is_none() && !license.signature_verifies(key) {
        return JobResult::Disabled {
            reason: INVALID_SIGNATURE,
        };
    }
    JobResult::Kept
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
    let date = |name: &str| {
        text(name)
            .and_then(NetDate::parse_claim)
            .unwrap_or(NetDate::MIN)
            .to_utc()
    };
    let (issued, expires) = (date("Issued"), date("Expires"));
    let installation = text("InstallationId").and_then(|v| Uuid::parse_str(v).ok());
    let claimed_plan = number("PlanType").unwrap_or(0);
    let plan_matches = if claimed_plan == 22 {
        matches!(org.plan_type, 22 | 7)
    } else {
        i64::from(org.plan_type) == claimed_plan
    };
    let switches = SWITCHES
        .iter()
        .map(|(name, _)| *name)
        .chain(CLAIM_ONLY_SWITCHES.iter().copied())
        .all(|name| flag(name) == org.switch(name));
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
    stored: &License,
    org: &OrganizationLicense,
    server_installation: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, String> {
    let issued = stored
        .date("Issued")
        .unwrap_or_else(|| NetDate::MIN.to_utc());
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
        && stored.number("PlanType").unwrap_or(0) == i64::from(org.plan_type)
        && stored.number("Seats") == org.seats.map(i64::from)
        && stored.number("MaxCollections") == org.max_collections.map(i64::from)
        && stored.text("Name") == org.name.as_deref();
    for (name, since) in SWITCHES {
        valid = valid && (version < *since || stored.flag(name) == org.switch(name));
    }
    if version >= 13 {
        valid = valid
            && stored.number("SmSeats") == org.sm_seats.map(i64::from)
            && stored.number("SmServiceAccounts") == org.sm_service_accounts.map(i64::from);
    }
    if version >= 16 {
        valid = valid && org.switch("UseOrganizationDomains");
    }
    Ok(valid)
}
