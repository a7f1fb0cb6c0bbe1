//! One full inspection of a license file: what the server would say on upload, and why,
//! plus the diagnostics the server does not give (hash, claim disagreements, dates).
//! The JSON shape of [`Inspection`] is a public interface of the CLI and the app.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::canonical;
use super::certs::TrustSet;
use super::checks::{self, Check, Context, ExpectedInstallation, ValidationPath};
use super::claims::{self, ClaimMismatch};
use super::dates::days_until;
use super::error::LicenseError;
use super::model::{License, LicenseKind};
use super::parse::{parse, KindSource, ParsedLicense};
use super::signature::{self, SignatureReport, SignatureStatus};
use super::token::{self, TokenReport, TokenStatus};
use crate::error::Problem;
use crate::messages::Phrase;

/// The grace period between the end of an annual subscription and `Expires` (§6).
const GRACE_PERIOD_DAYS: i64 = 60;

/// What to check a license against. There is no hidden clock: `now` is always given.
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// The installation the organization license must be for; unchecked when `None`.
    pub expected_installation: Option<ExpectedInstallation>,
    /// The premium account's email; unchecked when `None`.
    pub email: Option<String>,
    /// Where the file is about to be uploaded, when known.
    pub expected_kind: Option<LicenseKind>,
    pub now: DateTime<Utc>,
    pub trust: TrustSet,
}

impl InspectOptions {
    /// Options that check everything that needs no outside knowledge.
    pub fn new(now: DateTime<Utc>, trust: TrustSet) -> Self {
        Self {
            expected_installation: None,
            email: None,
            expected_kind: None,
            now,
            trust,
        }
    }
}

/// `Hash` as stored against the value recomputed today (a diagnostic: the server never
/// checks it, and licenses made while the rules differed do not match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct HashReport {
    pub stored: Option<String>,
    /// `None` when the version is not supported.
    pub computed: Option<String>,
    pub matches: bool,
}

/// The token section: the check result, the claims, and where the JSON disagrees with them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct TokenSection {
    #[serde(flatten)]
    pub report: TokenReport,
    pub mismatches: Vec<ClaimMismatch>,
}

/// The dates that matter to an administrator, from the license the server uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Dates {
    pub issued: DateTime<Utc>,
    pub refresh: Option<DateTime<Utc>>,
    /// When the organization is disabled (or premium ends); includes the grace period.
    pub expires: Option<DateTime<Utc>>,
    /// When the subscription itself ends (organizations only).
    pub expiration_without_grace: Option<DateTime<Utc>>,
    /// `field`, `claim`, or `computed` (Expires - 60 days, or Expires for a trial).
    pub expiration_without_grace_source: Option<&'static str>,
    pub days_until_grace: Option<i64>,
    pub days_until_disabled: Option<i64>,
    pub token_expires: Option<DateTime<Utc>>,
    pub days_until_token_expires: Option<i64>,
}

/// The license the server uses (claims applied), in snake_case for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct LicenseSummary {
    pub id: Uuid,
    pub name: Option<String>,
    pub plan: Option<String>,
    pub plan_type: Option<u8>,
    pub plan_type_name: Option<&'static str>,
    pub seats: Option<i32>,
    pub max_collections: Option<i16>,
    pub max_storage_gb: Option<i16>,
    pub sm_seats: Option<i32>,
    pub sm_service_accounts: Option<i32>,
    pub installation_id: Option<Uuid>,
    pub billing_email: Option<String>,
    pub business_name: Option<String>,
    pub email: Option<String>,
    pub premium: Option<bool>,
    pub enabled: Option<bool>,
    pub self_host: Option<bool>,
    pub trial: bool,
    pub license_type: Option<u8>,
    /// Feature switches, e.g. `use_sso`.
    pub features: BTreeMap<String, bool>,
}

/// The result of inspecting a license file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Inspection {
    pub kind: LicenseKind,
    pub kind_source: KindSource,
    pub version: i32,
    /// Whether the server would accept the upload.
    pub valid: bool,
    pub path: ValidationPath,
    /// The server's reply when it would refuse the upload.
    pub server_message: Option<String>,
    pub size_bytes: usize,
    pub hash: HashReport,
    pub signature: SignatureReport,
    pub token: TokenSection,
    pub checks: Vec<Check>,
    /// Findings that do not stop the upload but need attention.
    pub warnings: Vec<Problem>,
    /// Server checks that could not run because the options lacked what they compare with.
    pub not_checked: Vec<Problem>,
    pub dates: Dates,
    pub license: LicenseSummary,
}

/// Parses and inspects a license file.
pub fn inspect(bytes: &[u8], options: &InspectOptions) -> Result<Inspection, LicenseError> {
    Ok(inspect_parsed(&parse(bytes)?, options))
}

/// Inspects an already parsed license.
pub fn inspect_parsed(parsed: &ParsedLicense, options: &InspectOptions) -> Inspection {
    let json = &parsed.license;
    let now = options.now;

    let computed = canonical::compute_hash(json).ok();
    let stored = json.hash().map(str::to_owned);
    let hash = HashReport {
        matches: stored.is_some() && stored == computed,
        stored,
        computed,
    };

    let signature = signature::verify(json, &options.trust);
    let (path, token_report) = match json.token() {
        Some(jwt) => (
            ValidationPath::Claims,
            token::verify(
                jwt,
                json.kind(),
                json.id(),
                &options.trust,
                signature.key.as_ref(),
                now,
            ),
        ),
        None => (ValidationPath::Legacy, TokenReport::missing()),
    };
    let (effective, mismatches) = match &token_report.claims {
        Some(claims) if path == ValidationPath::Claims => claims::apply(json, claims),
        _ => (json.clone(), Vec::new()),
    };

    let ctx = Context {
        json,
        effective: &effective,
        path,
        signature: &signature,
        token: &token_report,
        expected_installation: options.expected_installation.as_ref(),
        expected_kind: options.expected_kind,
        properties_suggest: parsed.properties_suggest,
        email: options.email.as_deref(),
        now,
    };
    let (checks, server_message) = checks::run(&ctx);
    let dates = dates(&effective, path, &token_report, now);
    let token = TokenSection {
        report: token_report,
        mismatches,
    };
    let warnings = warnings(
        &hash, &signature, &token, path, &effective, &dates, parsed, now,
    );

    Inspection {
        kind: json.kind(),
        kind_source: parsed.kind_source,
        version: json.version(),
        valid: checks.iter().all(|c| c.ok),
        path,
        server_message,
        size_bytes: parsed.raw.len(),
        hash,
        signature,
        token,
        checks,
        warnings,
        not_checked: not_checked(json.kind(), options),
        dates,
        license: summary(&effective),
    }
}

fn dates(
    license: &License,
    path: ValidationPath,
    token: &TokenReport,
    now: DateTime<Utc>,
) -> Dates {
    let expires = license.expires().map(|d| d.to_utc());
    let (expiration_without_grace, source) = match license {
        License::Organization(l) => match (l.expiration_without_grace_period, expires) {
            (Some(d), _) => (
                Some(d.to_utc()),
                Some(if path == ValidationPath::Claims {
                    "claim"
                } else {
                    "field"
                }),
            ),
            (None, Some(e)) if l.trial => (Some(e), Some("computed")),
            (None, Some(e)) => (
                Some(e - Duration::days(GRACE_PERIOD_DAYS)),
                Some("computed"),
            ),
            (None, None) => (None, None),
        },
        License::User(_) => (None, None),
    };
    Dates {
        issued: license.issued().to_utc(),
        refresh: license.refresh().map(|d| d.to_utc()),
        expires,
        expiration_without_grace,
        expiration_without_grace_source: source,
        days_until_grace: expiration_without_grace.map(|d| days_until(now, d)),
        days_until_disabled: expires.map(|d| days_until(now, d)),
        token_expires: token.expires,
        days_until_token_expires: token.expires.map(|d| days_until(now, d)),
    }
}

fn not_checked(kind: LicenseKind, options: &InspectOptions) -> Vec<Problem> {
    let mut out = Vec::new();
    if kind == LicenseKind::Organization && options.expected_installation.is_none() {
        out.push(said("installation_id_not_checked"));
    }
    if kind == LicenseKind::User && options.email.is_none() {
        out.push(said("email_not_checked"));
    }
    out
}

/// The finding `code` as the catalog words it (`finding.<code>` and its `.advice`).
fn said(code: &str) -> Problem {
    said_with(code, &[])
}

fn said_with(code: &str, values: &[(&str, String)]) -> Problem {
    let mut phrase = Phrase::new(format!("finding.{code}"));
    for (name, value) in values {
        phrase = phrase.with(name, value);
    }
    Problem::said(
        code,
        phrase,
        vec![Phrase::new(format!("finding.{code}.advice"))],
    )
}

fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339()
}

#[allow(clippy::too_many_arguments)]
fn warnings(
    hash: &HashReport,
    signature: &SignatureReport,
    token: &TokenSection,
    path: ValidationPath,
    license: &License,
    dates: &Dates,
    parsed: &ParsedLicense,
    now: DateTime<Utc>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if let (Some(stored), Some(computed)) = (&hash.stored, &hash.computed) {
        if stored != computed {
            out.push(said_with(
                "hash_mismatch",
                &[("stored", stored.clone()), ("computed", computed.clone())],
            ));
        }
    }
    if !token.mismatches.is_empty() {
        let fields: Vec<&str> = token.mismatches.iter().map(|m| m.field.as_str()).collect();
        out.push(said_with(
            "claims_disagree",
            &[("fields", fields.join(", "))],
        ));
    }
    if path == ValidationPath::Claims && signature.status != SignatureStatus::Valid {
        out.push(said_with(
            "legacy_signature_not_valid",
            &[("status", signature.status.as_str().to_owned())],
        ));
    }
    if path == ValidationPath::Claims && dates.expires.is_some_and(|e| e < now) {
        out.push(said("expired_will_disable"));
    }
    if let (Some(refresh), false) = (dates.refresh, dates.expires.is_some_and(|e| e < now)) {
        if refresh < now {
            out.push(said_with("refresh_due", &[("refresh", stamp(refresh))]));
        }
    }
    if let (TokenStatus::Valid, Some(token_expires), Some(expires)) =
        (token.report.status, dates.token_expires, dates.expires)
    {
        if token_expires < expires {
            out.push(said_with(
                "token_expires_first",
                &[("token", stamp(token_expires)), ("expires", stamp(expires))],
            ));
        }
    }
    if parsed.properties_suggest.is_some() {
        let says = match license.kind() {
            LicenseKind::Organization => "finding.kind_properties_disagree.organization",
            LicenseKind::User => "finding.kind_properties_disagree.premium",
        };
        out.push(Problem::said(
            "kind_properties_disagree",
            Phrase::new(says),
            vec![Phrase::new("finding.kind_properties_disagree.advice")],
        ));
    }
    out
}

/// What a license grants, as the report shows it.
pub fn summary(license: &License) -> LicenseSummary {
    let features = |flags: Vec<(&'static str, bool)>| {
        flags
            .into_iter()
            .filter(|(name, _)| !matches!(*name, "Enabled" | "SelfHost" | "Trial" | "Premium"))
            .map(|(name, on)| (snake_case(name), on))
            .collect()
    };
    match license {
        License::Organization(l) => LicenseSummary {
            id: l.id,
            name: l.name.clone(),
            plan: l.plan.clone(),
            plan_type: Some(l.plan_type.0),
            plan_type_name: l.plan_type.name(),
            seats: l.seats,
            max_collections: l.max_collections,
            max_storage_gb: l.max_storage_gb,
            sm_seats: l.sm_seats,
            sm_service_accounts: l.sm_service_accounts,
            installation_id: Some(l.installation_id),
            billing_email: l.billing_email.clone(),
            business_name: l.business_name.clone(),
            email: None,
            premium: None,
            enabled: Some(l.enabled),
            self_host: Some(l.self_host),
            trial: l.trial,
            license_type: l.license_type,
            features: features(l.flags()),
        },
        License::User(l) => LicenseSummary {
            id: l.id,
            name: l.name.clone(),
            plan: None,
            plan_type: None,
            plan_type_name: None,
            seats: None,
            max_collections: None,
            max_storage_gb: l.max_storage_gb,
            sm_seats: None,
            sm_service_accounts: None,
            installation_id: None,
            billing_email: None,
            business_name: None,
            email: l.email.clone(),
            premium: Some(l.premium),
            enabled: None,
            self_host: None,
            trial: l.trial,
            license_type: l.license_type,
            features: features(l.flags()),
        },
    }
}

/// `UseSso` -> `use_sso`, `Use2fa` -> `use_2fa`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if (c.is_ascii_uppercase()
            || (c.is_ascii_digit() && !out.ends_with(|d: char| d.is_ascii_digit())))
            && previous_lower
        {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        previous_lower = c.is_ascii_lowercase();
    }
    out
}
