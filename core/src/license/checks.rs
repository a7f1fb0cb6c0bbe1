//! The checks the server runs on upload, in its order and with its exact texts (contract
//! §1.8), so a refusal here reads like the web vault's. Texts are the lines after the
//! server's `Invalid license. ` prefix.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::canonical::{self, ORGANIZATION_VERSIONS};
use super::model::{License, LicenseKind, LICENSE_TYPE_ORGANIZATION, LICENSE_TYPE_USER};
use super::signature::{SignatureReport, SignatureStatus};
use super::token::{TokenFailure, TokenReport, TokenStatus};
use crate::messages::{say_all, Phrase};

/// The prefix of every refusal the server sends.
pub const SERVER_PREFIX: &str = "Invalid license. ";

pub const MSG_DISABLED: &str = "Your cloud-hosted organization is currently disabled.";
pub const MSG_NOT_ISSUED: &str = "The license hasn't been issued yet.";
pub const MSG_EXPIRED: &str = "The license has expired.";
pub const MSG_INSTALLATION: &str = "The installation ID does not match the current installation.";
pub const MSG_NOT_SELF_HOST: &str =
    "The license does not allow for on-premise hosting of organizations.";
pub const MSG_PREMIUM_AS_ORG: &str = "Premium licenses cannot be applied to an organization vault. Upload this license from your personal account Settings page.";
pub const MSG_ORG_AS_USER: &str = "Organization licenses cannot be applied to a user. Upload this license from the Organization settings page.";
pub const MSG_ORG_SIGNATURE: &str = "The license verification failed.";
pub const MSG_USER_SIGNATURE: &str = "Invalid license.";
pub const MSG_EMAIL: &str = "The user's email does not match the license email.";

/// One server check: `code` is stable (for signature and token it names the failure, or
/// `signature_valid` / `token_valid` when they pass); `message` is the server's text when
/// the check fails. `phrase` and `advice_phrases` are the same in the app's catalog, for
/// a window in any language; `message` and `advice` are their English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Check {
    pub code: &'static str,
    pub ok: bool,
    pub message: String,
    pub advice: String,
    pub phrase: Phrase,
    pub advice_phrases: Vec<Phrase>,
}

/// The installation a license is meant for, and where that ID was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedInstallation {
    pub id: Uuid,
    /// Where the ID came from, e.g. `--installation-id` or `bwdata/env/global.override.env`.
    pub origin: String,
}

/// Which of the server's two upload paths applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ValidationPath {
    /// A token is present: its claims are the license and only the token is verified.
    Claims,
    /// No token: the JSON is the license and the signature is verified.
    Legacy,
}

/// Everything the checks look at.
pub(crate) struct Context<'a> {
    pub json: &'a License,
    pub effective: &'a License,
    pub path: ValidationPath,
    pub signature: &'a SignatureReport,
    pub token: &'a TokenReport,
    pub expected_installation: Option<&'a ExpectedInstallation>,
    pub expected_kind: Option<LicenseKind>,
    pub properties_suggest: Option<LicenseKind>,
    pub email: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// The checks in server order, and the server's reply when any fails.
pub(crate) fn run(ctx: &Context) -> (Vec<Check>, Option<String>) {
    // Steps that stop the server at the first failure, then the ones it collects.
    let (halting, collected) = match (ctx.effective, ctx.path) {
        (License::Organization(_), ValidationPath::Legacy) => (
            vec![kind_expected(ctx)],
            vec![
                disabled(ctx),
                not_issued(ctx),
                expired(ctx),
                version(ctx),
                installation(ctx),
                self_host(ctx),
                org_type(ctx, false),
                signature(ctx),
            ],
        ),
        (License::Organization(_), ValidationPath::Claims) => (
            vec![kind_expected(ctx), token(ctx)],
            vec![
                disabled(ctx),
                installation(ctx),
                self_host(ctx),
                org_type(ctx, true),
            ],
        ),
        (License::User(_), ValidationPath::Legacy) => (
            vec![
                kind_expected(ctx),
                user_type(ctx),
                version(ctx),
                signature(ctx),
            ],
            vec![not_issued(ctx), expired(ctx), email(ctx)],
        ),
        (License::User(_), ValidationPath::Claims) => (
            vec![kind_expected(ctx), user_type(ctx), token(ctx)],
            vec![email(ctx)],
        ),
    };
    let halting: Vec<Check> = halting.into_iter().flatten().collect();
    let collected: Vec<Check> = collected.into_iter().flatten().collect();
    let reply = match halting.iter().find(|c| !c.ok) {
        Some(first) => Some(format!("{SERVER_PREFIX}{}", first.message)),
        None => {
            let lines: Vec<&str> = collected
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.message.as_str())
                .collect();
            (!lines.is_empty()).then(|| format!("{SERVER_PREFIX}{}", lines.join("\n")))
        }
    };
    (halting.into_iter().chain(collected).collect(), reply)
}

/// A check that passed, said by `phrase`.
fn pass(code: &'static str, phrase: Phrase) -> Option<Check> {
    Some(Check {
        code,
        ok: true,
        message: phrase.say("en"),
        advice: String::new(),
        phrase,
        advice_phrases: Vec::new(),
    })
}

/// A check that failed: the server's own `message`, the catalog's wording of it
/// (`phrase`), and what to do.
fn fail(
    code: &'static str,
    message: impl Into<String>,
    phrase: Phrase,
    advice: Vec<Phrase>,
) -> Option<Check> {
    Some(Check {
        code,
        ok: false,
        message: message.into(),
        advice: say_all(&advice, "en"),
        phrase,
        advice_phrases: advice,
    })
}

/// A failure the server words as one of its fixed texts (`MSG_*`), which the catalog's
/// English repeats under `key`.
fn refused(
    code: &'static str,
    message: &'static str,
    key: &str,
    advice: Vec<Phrase>,
) -> Option<Check> {
    fail(code, message, Phrase::new(key), advice)
}

fn redownload() -> Phrase {
    Phrase::new("check.redownload")
}

/// The file's kind against where the caller is about to upload it.
fn kind_expected(ctx: &Context) -> Option<Check> {
    let expected = ctx.expected_kind?;
    let kind = ctx.json.kind();
    if kind == expected {
        return pass(
            "wrong_license_type",
            Phrase::new(format!("check.kind.expected.{}", kind_name(kind))),
        );
    }
    let advice = Phrase::new(format!("check.kind.advice.{}", kind_name(kind)));
    match expected {
        LicenseKind::Organization => refused(
            "wrong_license_type",
            MSG_PREMIUM_AS_ORG,
            "check.premium_as_org",
            vec![advice],
        ),
        LicenseKind::User => refused(
            "wrong_license_type",
            MSG_ORG_AS_USER,
            "check.org_as_user",
            vec![advice],
        ),
    }
}

fn kind_name(kind: LicenseKind) -> &'static str {
    match kind {
        LicenseKind::Organization => "organization",
        LicenseKind::User => "premium",
    }
}

fn org_type(ctx: &Context, claims: bool) -> Option<Check> {
    let value = ctx.effective.license_type();
    let ok = if claims {
        value == Some(LICENSE_TYPE_ORGANIZATION)
    } else {
        value.is_none_or(|t| t == LICENSE_TYPE_ORGANIZATION)
    };
    if ok {
        return pass("wrong_license_type", Phrase::new("check.org_type.ok"));
    }
    refused(
        "wrong_license_type",
        MSG_PREMIUM_AS_ORG,
        "check.premium_as_org",
        vec![Phrase::new("check.org_type.advice")],
    )
}

fn user_type(ctx: &Context) -> Option<Check> {
    match ctx.effective.license_type() {
        Some(t) if t != LICENSE_TYPE_USER => refused(
            "wrong_license_type",
            MSG_ORG_AS_USER,
            "check.org_as_user",
            vec![Phrase::new("check.user_type.advice")],
        ),
        _ => None,
    }
}

fn disabled(ctx: &Context) -> Option<Check> {
    let License::Organization(l) = ctx.effective else {
        return None;
    };
    if l.enabled {
        return pass("cloud_org_disabled", Phrase::new("check.enabled.ok"));
    }
    refused(
        "cloud_org_disabled",
        MSG_DISABLED,
        "check.disabled",
        vec![Phrase::new("check.disabled.advice")],
    )
}

fn not_issued(ctx: &Context) -> Option<Check> {
    let issued = iso(ctx.effective.issued().to_utc());
    if ctx.effective.issued().to_utc() <= ctx.now {
        return pass(
            "not_yet_issued",
            Phrase::new("check.issued.ok").with("issued", issued),
        );
    }
    refused(
        "not_yet_issued",
        MSG_NOT_ISSUED,
        "check.not_issued",
        vec![Phrase::new("check.not_issued.advice")
            .with("issued", issued)
            .with("now", iso(ctx.now))],
    )
}

fn expired(ctx: &Context) -> Option<Check> {
    match ctx.effective.expires().map(|e| e.to_utc()) {
        Some(expires) if expires < ctx.now => refused(
            "expired",
            MSG_EXPIRED,
            "check.expired",
            vec![Phrase::new("check.expired.advice").with("expires", iso(expires))],
        ),
        Some(expires) => pass(
            "expired",
            Phrase::new("check.expires.ok").with("expires", iso(expires)),
        ),
        None => pass("expired", Phrase::new("check.expires.never")),
    }
}

/// When the server's maximum accepted organization version rose (§1.2 history).
const VERSION_HISTORY: [(i32, &str); 3] =
    [(14, "2023-12-08"), (15, "2023-12-21"), (16, "2025-05-16")];

fn version(ctx: &Context) -> Option<Check> {
    let license = ctx.json;
    let kind = license.kind();
    let n = license.version();
    if canonical::version_supported(kind, n) {
        let phrase = match (kind, VERSION_HISTORY.iter().find(|(v, _)| *v == n)) {
            (LicenseKind::Organization, Some((_, since))) => {
                Phrase::new("check.version.since").with("since", since)
            }
            (LicenseKind::Organization, None) => Phrase::new("check.version.every"),
            (LicenseKind::User, _) => Phrase::new("check.version.premium"),
        };
        return pass("version_not_supported", phrase.with("version", n));
    }
    let why = match kind {
        LicenseKind::Organization if n > *ORGANIZATION_VERSIONS.end() => "check.version.too_new",
        LicenseKind::Organization => "check.version.organization",
        LicenseKind::User => "check.version.premium_only",
    };
    let mut advice = vec![Phrase::new(why).with("version", n)];
    if let Some(other) = ctx.properties_suggest.filter(|k| *k != kind) {
        advice.push(Phrase::new(format!(
            "check.version.looks_{}",
            kind_name(other)
        )));
    }
    advice.push(redownload());
    fail(
        "version_not_supported",
        format!("Version {n} is not supported."),
        Phrase::new("check.version").with("version", n),
        advice,
    )
}

fn installation(ctx: &Context) -> Option<Check> {
    let License::Organization(l) = ctx.effective else {
        return None;
    };
    let expected = ctx.expected_installation?;
    let id = expected.id.hyphenated().to_string();
    if l.installation_id == expected.id {
        return pass(
            "installation_id_mismatch",
            Phrase::new("check.installation.ok").with("id", id),
        );
    }
    let source = match ctx.path {
        ValidationPath::Claims => "check.installation.advice.token",
        ValidationPath::Legacy => "check.installation.advice.file",
    };
    refused(
        "installation_id_mismatch",
        MSG_INSTALLATION,
        "check.installation",
        vec![Phrase::new(source)
            .with("licensed", l.installation_id.hyphenated())
            .with("id", id)
            .with("origin", &expected.origin)],
    )
}

fn self_host(ctx: &Context) -> Option<Check> {
    let License::Organization(l) = ctx.effective else {
        return None;
    };
    if l.self_host {
        return pass("not_self_hosted", Phrase::new("check.self_host.ok"));
    }
    refused(
        "not_self_hosted",
        MSG_NOT_SELF_HOST,
        "check.not_self_host",
        vec![Phrase::new("check.not_self_host.advice")],
    )
}

fn signature(ctx: &Context) -> Option<Check> {
    let s = ctx.signature;
    let (message, key) = match ctx.json.kind() {
        LicenseKind::Organization => (MSG_ORG_SIGNATURE, "check.signature.organization"),
        LicenseKind::User => (MSG_USER_SIGNATURE, "check.signature.premium"),
    };
    let (code, advice) = match s.status {
        SignatureStatus::Valid => {
            return pass("signature_valid", Phrase::new("check.signature.ok"))
        }
        SignatureStatus::Missing => (
            "signature_missing",
            vec![Phrase::new("check.signature.missing"), redownload()],
        ),
        SignatureStatus::Untrusted => (
            "signature_untrusted",
            vec![Phrase::new("check.signature.untrusted")],
        ),
        SignatureStatus::Invalid => {
            let why = s
                .fault
                .clone()
                .unwrap_or_else(|| Phrase::new("signature.mismatch"));
            ("signature_invalid", vec![why, redownload()])
        }
    };
    refused(code, message, key, advice)
}

fn token(ctx: &Context) -> Option<Check> {
    let t = ctx.token;
    let failure = match (t.status, t.failure) {
        (TokenStatus::Valid, _) => return pass("token_valid", Phrase::new("check.token.ok")),
        (_, Some(failure)) => failure,
        _ => return None,
    };
    let mut phrase = Phrase::new(format!("check.{}", failure.code()));
    match failure {
        TokenFailure::Expired => {
            phrase = phrase.with("expires", t.expires.map(iso).unwrap_or_default());
        }
        TokenFailure::NotYetValid => {
            phrase = phrase.with("from", t.not_before.map(iso).unwrap_or_default());
        }
        _ => {}
    }
    fail(
        failure.code(),
        t.message.clone().unwrap_or_default(),
        phrase,
        vec![failure.advice()],
    )
}

fn email(ctx: &Context) -> Option<Check> {
    let License::User(l) = ctx.effective else {
        return None;
    };
    let given = ctx.email?;
    let licensed = l.email.as_deref().unwrap_or_default();
    if licensed.to_lowercase() == given.to_lowercase() {
        return pass(
            "email_mismatch",
            Phrase::new("check.email.ok").with("email", given),
        );
    }
    refused(
        "email_mismatch",
        MSG_EMAIL,
        "check.email",
        vec![Phrase::new("check.email.advice")
            .with("licensed", licensed)
            .with("email", given)],
    )
}

fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
