//! The `Token`: an RS256 JWT whose claims are the license as the server uses it when the
//! token is present (contract §1.7). Checked like the server's `GetClaimsPrincipalFromLicense`:
//! the same keys as the signature, issuer `bitwarden`, audience `organization:<id>` or
//! `user:<id>`, `exp` required, lifetime with zero clock skew, in the order .NET validates
//! (signature, lifetime, audience, issuer). Time is the caller's `now`, never the clock.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::certs::{CertificateKind, TrustSet};
use super::model::LicenseKind;
use crate::messages::Phrase;

/// The issuer every Bitwarden license token carries.
pub const ISSUER: &str = "bitwarden";

/// Token claims as issued: names to (string) values.
pub type Claims = Map<String, Value>;

/// The outcome of checking `Token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    Valid,
    Invalid,
    Expired,
    Missing,
}

impl TokenStatus {
    /// The status as named in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Valid => "valid",
            TokenStatus::Invalid => "invalid",
            TokenStatus::Expired => "expired",
            TokenStatus::Missing => "missing",
        }
    }
}

/// Why a token is refused; each cause has its own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFailure {
    Malformed,
    Signature,
    Untrusted,
    MissingExpiry,
    NotYetValid,
    Expired,
    Audience,
    Issuer,
}

impl TokenFailure {
    pub fn code(self) -> &'static str {
        match self {
            TokenFailure::Malformed => "token_malformed",
            TokenFailure::Signature => "token_signature_invalid",
            TokenFailure::Untrusted => "token_untrusted",
            TokenFailure::MissingExpiry => "token_missing_expiry",
            TokenFailure::NotYetValid => "token_not_yet_valid",
            TokenFailure::Expired => "token_expired",
            TokenFailure::Audience => "token_audience_mismatch",
            TokenFailure::Issuer => "token_issuer_mismatch",
        }
    }

    /// What to do about it.
    pub fn advice(self) -> Phrase {
        Phrase::new(match self {
            TokenFailure::Expired => "check.token.advice.expired",
            TokenFailure::NotYetValid => "check.token.advice.not_yet_valid",
            TokenFailure::Audience => "check.token.advice.audience",
            TokenFailure::Untrusted => "check.token.advice.untrusted",
            _ => "check.token.advice.changed",
        })
    }
}

/// What the token check found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct TokenReport {
    pub status: TokenStatus,
    /// The certificate whose key verified the token.
    pub certificate: Option<CertificateKind>,
    /// The claims as issued (also shown when the token fails, to help diagnose it).
    pub claims: Option<Claims>,
    /// The stable code of the failure, when it failed.
    pub code: Option<&'static str>,
    /// The server's message for the failure (without the `Invalid license. ` prefix).
    pub message: Option<String>,
    pub expires: Option<DateTime<Utc>>,
    pub not_before: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub failure: Option<TokenFailure>,
}

impl TokenReport {
    /// The report for a license without a token (the legacy path).
    pub fn missing() -> Self {
        Self {
            status: TokenStatus::Missing,
            certificate: None,
            claims: None,
            code: None,
            message: None,
            expires: None,
            not_before: None,
            failure: None,
        }
    }
}

/// The audience the server expects: `organization:<id>` or `user:<id>`, lowercase id.
pub fn audience(kind: LicenseKind, id: Uuid) -> String {
    let prefix = match kind {
        LicenseKind::Organization => "organization",
        LicenseKind::User => "user",
    };
    format!("{prefix}:{}", id.hyphenated())
}

/// Checks a token for a license of `kind` with cloud id `id`. `prefer` is tried first among
/// trusted keys (the key that verified the legacy signature).
pub fn verify(
    token: &str,
    kind: LicenseKind,
    id: Uuid,
    trust: &TrustSet,
    prefer: Option<&RsaPublicKey>,
    now: DateTime<Utc>,
) -> TokenReport {
    let mut report = TokenReport::missing();
    report.claims = jsonwebtoken::dangerous::insecure_decode::<Claims>(token)
        .ok()
        .map(|data| data.claims);
    report.expires = report.claims.as_ref().and_then(|c| numeric_date(c, "exp"));
    report.not_before = report.claims.as_ref().and_then(|c| numeric_date(c, "nbf"));

    let verified = match verify_signature(token, trust, prefer) {
        Ok(found) => found,
        Err(detail) => return fail(report, TokenFailure::Malformed, detail),
    };
    let Some((certificate, trusted)) = verified else {
        return fail(
            report,
            TokenFailure::Signature,
            "IDX10503: Signature validation failed. The token's signature does not match the key of any licensing certificate.".into(),
        );
    };
    report.certificate = Some(certificate);
    if !trusted {
        return fail(
            report,
            TokenFailure::Untrusted,
            "IDX10503: Signature validation failed. The token is signed with Bitwarden's development certificate, which this server does not trust.".into(),
        );
    }
    let claims = report.claims.clone().unwrap_or_default();

    let Some(expires) = report.expires else {
        return fail(
            report,
            TokenFailure::MissingExpiry,
            "IDX10225: Lifetime validation failed. The token is missing an Expiration Time.".into(),
        );
    };
    if let Some(not_before) = report.not_before.filter(|nbf| *nbf > now) {
        let message = format!("IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom (UTC): '{}', Current time (UTC): '{}'.", stamp(not_before), stamp(now));
        return fail(report, TokenFailure::NotYetValid, message);
    }
    if expires < now {
        let message = format!("IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '{}', Current time (UTC): '{}'.", stamp(expires), stamp(now));
        let mut report = fail(report, TokenFailure::Expired, message);
        report.status = TokenStatus::Expired;
        return report;
    }
    let expected = audience(kind, id);
    let audiences = strings(claims.get("aud"));
    if !audiences.contains(&expected) {
        let message = format!("IDX10214: Audience validation failed. Audiences: '{}'. Did not match: validationParameters.ValidAudience: '{expected}' or validationParameters.ValidAudiences: 'null'.", audiences.join(", "));
        return fail(report, TokenFailure::Audience, message);
    }
    let issuer = strings(claims.get("iss")).join(", ");
    if issuer != ISSUER {
        let message = format!("IDX10205: Issuer validation failed. Issuer: '{issuer}'. Did not match: validationParameters.ValidIssuer: '{ISSUER}' or validationParameters.ValidIssuers: 'null'.");
        return fail(report, TokenFailure::Issuer, message);
    }
    report.status = TokenStatus::Valid;
    report
}

fn fail(mut report: TokenReport, failure: TokenFailure, message: String) -> TokenReport {
    report.status = TokenStatus::Invalid;
    report.code = Some(failure.code());
    report.message = Some(message);
    report.failure = Some(failure);
    report
}

/// Finds the key that verifies the token's RS256 signature: `Ok(None)` when none does,
/// `Err` when the token is not a well-formed JWT.
fn verify_signature(
    token: &str,
    trust: &TrustSet,
    prefer: Option<&RsaPublicKey>,
) -> Result<Option<(CertificateKind, bool)>, String> {
    // jsonwebtoken checks the signature and algorithm; its time checks read the system
    // clock, so lifetime, audience and issuer are checked by `verify` against `now`.
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.leeway = 0;
    validation.required_spec_claims.clear();

    let preferred = trust.keys().filter(|k| k.trusted && Some(&k.key) == prefer);
    let others = trust
        .keys()
        .filter(|k| !(k.trusted && Some(&k.key) == prefer));
    for candidate in preferred.chain(others) {
        let key = DecodingKey::from_rsa_raw_components(
            &candidate.key.n().to_bytes_be(),
            &candidate.key.e().to_bytes_be(),
        );
        match jsonwebtoken::decode::<Claims>(token, &key, &validation) {
            Ok(_) => return Ok(Some((candidate.certificate, candidate.trusted))),
            Err(e) => match e.kind() {
                ErrorKind::InvalidSignature => continue,
                ErrorKind::InvalidAlgorithm => return Ok(None),
                _ => {
                    return Err(format!(
                        "IDX14100: The token is not a well-formed JWT ({e})."
                    ))
                }
            },
        }
    }
    Ok(None)
}

/// A NumericDate claim (seconds since 1970) as a time.
fn numeric_date(claims: &Claims, name: &str) -> Option<DateTime<Utc>> {
    let seconds = claims.get(name)?.as_f64()?;
    Utc.timestamp_opt(seconds.floor() as i64, 0).single()
}

/// A claim that may be one string or a list of strings.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A claim as the server reads it: its string value (booleans and numbers as text).
pub fn claim_text(claims: &Claims, name: &str) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
