//! The checks the server runs on upload, in its order and with its exact texts (contract
//! §1.8), so a refusal here reads like the web vault's. Texts are the lines after the
//! server's `Invalid license. ` prefix.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::canonical::{self, ORGANIZATION_VERSIONS};
use super::model::{License, LicenseKind, LICENSE_TYPE_ORGANIZATION, LICENSE_TYPE_USER};
use super::signature::{SignatureReport, SignatureStatus};
use super::token::{TokenReport, TokenStatus};

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

const REDOWNLOAD: &str =
    "Download the license again from the Bitwarden web vault and upload the new file unchanged.";

/// One server check: `code` is stable (for signature and token it names the failure, or
/// `signature_valid` / `token_valid` when they pass); `message` is the server's text when
/// the check fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub code: &'static str,
    pub ok: bool,
    pub message: String,
    pub advice: String,
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

fn check(
    code: &'static str,
    ok: bool,
    message: impl Into<String>,
    advice: impl Into<String>,
) -> Option<Check> {
    Some(Check {
        code,
        ok,
        message: message.into(),
        advice: advice.into(),
    })
}

/// The file's kind against where the caller is about to upload it.
fn kind_expected(ctx: &Context) -> Option<Check> {
    let expected = ctx.expected_kind?;
    let kind = ctx.json.kind();
    let message = match expected {
        LicenseKind::Organization => MSG_PREMIUM_AS_ORG,
        LicenseKind::User => MSG_ORG_AS_USER,
    };
    if kind == expected {
        check(
            "wrong_license_type",
            true,
            format!("The file is the expected kind ({}).", kind.describe()),
            "",
        )
    } else {
        check(
            "wrong_license_type",
            false,
            message,
            format!(
                "This file is a {}, not a {}.",
                kind.describe(),
                expected.describe()
            ),
        )
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
        return check(
            "wrong_license_type",
            true,
            "The license is an organization license.",
            "",
        );
    }
    check("wrong_license_type", false, MSG_PREMIUM_AS_ORG, "This is a premium (personal) license: a user uploads it under Settings > Subscription on the self-hosted web vault.")
}

fn user_type(ctx: &Context) -> Option<Check> {
    match ctx.effective.license_type() {
        Some(t) if t != LICENSE_TYPE_USER => check("wrong_license_type", false, MSG_ORG_AS_USER, "This is an organization license: an owner uploads it on the organization's Billing > Subscription page."),
        _ => None,
    }
}

fn disabled(ctx: &Context) -> Option<Check> {
    let License::Organization(l) = ctx.effective else {
        return None;
    };
    if l.enabled {
        check(
            "cloud_org_disabled",
            true,
            "The cloud organization is enabled.",
            "",
        )
    } else {
        check("cloud_org_disabled", false, MSG_DISABLED, "The organization is disabled in the Bitwarden cloud (often an unpaid invoice). Resolve it in the cloud web vault's billing page, then download the license again.")
    }
}

fn not_issued(ctx: &Context) -> Option<Check> {
    let issued = ctx.effective.issued().to_utc();
    if issued > ctx.now {
        check("not_yet_issued", false, MSG_NOT_ISSUED, format!("The license is issued {} but the time now is {}: check the clocks of this computer and the server.", iso(issued), iso(ctx.now)))
    } else {
        check(
            "not_yet_issued",
            true,
            format!("Issued {}.", iso(issued)),
            "",
        )
    }
}

fn expired(ctx: &Context) -> Option<Check> {
    match ctx.effective.expires().map(|e| e.to_utc()) {
        Some(expires) if expires < ctx.now => check("expired", false, MSG_EXPIRED, format!("It expired {}. Renew the subscription if needed, then download a new license from the Bitwarden web vault.", iso(expires))),
        Some(expires) => check("expired", true, format!("Expires {}.", iso(expires)), ""),
        None => check("expired", true, "The license does not expire.", ""),
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
        let message = match (kind, VERSION_HISTORY.iter().find(|(v, _)| *v == n)) {
            (LicenseKind::Organization, Some((_, since))) => format!("Version {n} is accepted by server releases built since {since}; older servers answer \"Version {n} is not supported.\"."),
            (LicenseKind::Organization, None) => format!("Version {n} is accepted by every current server release."),
            (LicenseKind::User, _) => "Version 1, the only premium license version.".to_owned(),
        };
        return check("version_not_supported", true, message, "");
    }
    let mut advice = match kind {
        LicenseKind::Organization if n > *ORGANIZATION_VERSIONS.end() => format!("No server release accepts organization license version {n}: the highest is 16 (servers built since 2025-05-16), and the cloud issues 15."),
        LicenseKind::Organization => format!("Organization licenses have versions 1..16; {n} means the Version property is missing or was changed."),
        LicenseKind::User => format!("Premium licenses only have version 1; {n} means the file was changed or is not a premium license."),
    };
    if let Some(other) = ctx.properties_suggest.filter(|k| *k != kind) {
        advice.push_str(match other {
            LicenseKind::Organization => " The file's LicenseType says premium, but its properties are an organization license's: it is an organization license given as a premium one. Upload it on the organization's Billing > Subscription page.",
            LicenseKind::User => " The file's LicenseType says organization, but its properties are a premium license's: it is a premium license given as an organization one. Upload it from your personal account Settings page.",
        });
    }
    advice.push(' ');
    advice.push_str(REDOWNLOAD);
    check(
        "version_not_supported",
        false,
        format!("Version {n} is not supported."),
        advice,
    )
}

fn installation(ctx: &Context) -> Option<Check> {
    let License::Organization(l) = ctx.effective else {
        return None;
    };
    let expected = ctx.expected_installation?;
    let source = match ctx.path {
        ValidationPath::Claims => "the token's InstallationId claim",
        ValidationPath::Legacy => "the license file",
    };
    if l.installation_id == expected.id {
        return check(
            "installation_id_mismatch",
            true,
            format!(
                "The license is for this installation ({}).",
                expected.id.hyphenated()
            ),
            "",
        );
    }
    check(
        "installation_id_mismatch",
        false,
        MSG_INSTALLATION,
        format!(
            "The license is for installation {} (from {source}); this server's installation ID is {} (from {}). In the Bitwarden cloud web vault, download the license again and enter {} as the installation ID.",
            l.installation_id.hyphenated(), expected.id.hyphenated(), expected.origin, expected.id.hyphenated()
        ),
    )
}

fn self_host(ctx: &Context) -> Option<Check> {
    let License::Organization(l) = ctx.effective else {
        return None;
    };
    if l.self_host {
        check(
            "not_self_hosted",
            true,
            "The license allows self-hosting.",
            "",
        )
    } else {
        check("not_self_hosted", false, MSG_NOT_SELF_HOST, "The organization's plan does not include self-hosting (Families and Teams Starter plans, or a changed file). Upgrade the plan in the cloud, then download the license again.")
    }
}

fn signature(ctx: &Context) -> Option<Check> {
    let s = ctx.signature;
    let message = match ctx.json.kind() {
        LicenseKind::Organization => MSG_ORG_SIGNATURE,
        LicenseKind::User => MSG_USER_SIGNATURE,
    };
    let (code, advice) = match s.status {
        SignatureStatus::Valid => return check("signature_valid", true, "The signature is valid.", ""),
        SignatureStatus::Missing => ("signature_missing", format!("The file has no signature: it is a test file or was not downloaded from Bitwarden. {REDOWNLOAD}")),
        SignatureStatus::Untrusted => ("signature_untrusted", "The license is signed with Bitwarden's development certificate, which production servers do not trust; only a check as a non-production server accepts it. Download a production license from the cloud.".to_owned()),
        SignatureStatus::Invalid => ("signature_invalid", format!("{} {REDOWNLOAD}", s.detail.clone().unwrap_or_default())),
    };
    check(code, false, message, advice)
}

fn token(ctx: &Context) -> Option<Check> {
    let t = ctx.token;
    match (t.status, t.failure) {
        (TokenStatus::Valid, _) => check("token_valid", true, "The token is valid.", ""),
        (_, Some(failure)) => check(
            failure.code(),
            false,
            t.message.clone().unwrap_or_default(),
            failure.advice(),
        ),
        _ => None,
    }
}

fn email(ctx: &Context) -> Option<Check> {
    let License::User(l) = ctx.effective else {
        return None;
    };
    let given = ctx.email?;
    let licensed = l.email.as_deref().unwrap_or_default();
    if licensed.to_lowercase() == given.to_lowercase() {
        check(
            "email_mismatch",
            true,
            format!("The license is for {given}."),
            "",
        )
    } else {
        check("email_mismatch", false, MSG_EMAIL, format!("The license is for \"{licensed}\" but the account's email is \"{given}\". Upload it with the account it was bought for, or change that account's email to match."))
    }
}

fn iso(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
