//! The fake's own licensing code, written from the contract and independent of
//! `companion_core::license`, so a mistake in the app's license code cannot confirm itself
//! through the server its tests talk to:
//!
//! - the canonical data (`GetDataBytes`, contract §1.4) rendered straight from a license's
//!   JSON object (property names matched ignoring case, as the server's upload parser does);
//! - `Hash` (SHA-256 of the hash data) and `Signature` (RSASSA-PKCS1-v1_5 with SHA-256 over
//!   the signature data, §1.5), with the `rsa` crate;
//! - the claims `Token` (RS256, issuer `bitwarden`, audience `organization:{id}` or
//!   `user:{id}`, one year, §1.7), made and checked with `jsonwebtoken`, and the claims
//!   written back over the JSON properties as the server does before using a license.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The two license classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Organization,
    User,
}

impl Class {
    fn prefix(self) -> &'static str {
        match self {
            Class::Organization => "license:organization",
            Class::User => "license:user",
        }
    }

    /// `LicenseType` (User 0, Organization 1) and its enum name, the token's claim.
    fn license_type(self) -> (u8, &'static str) {
        match self {
            Class::Organization => (1, "Organization"),
            Class::User => (0, "User"),
        }
    }
}

/// How a property is rendered (`CoreHelpers.FormatLicenseSignatureValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `string`: raw; null renders empty.
    Text,
    Guid,
    /// `bool` with its C# default when missing.
    Flag(bool),
    /// `int?` / `short?`: decimal; null renders empty.
    Number,
    /// `int Version`: 0 when missing.
    Version,
    /// `PlanType`: legacy names for 0..6, the number above.
    Plan,
    /// `DateTime`: Unix seconds; the C# default when missing.
    Time,
    /// `DateTime?`: Unix seconds; null renders empty.
    OptionalTime,
}

/// A property: its C# name, kind, the license version it joined the signed data (hashed
/// data leaves out `Hash`, `Issued`, `Refresh`), and whether it is a token claim.
struct Property {
    name: &'static str,
    kind: Kind,
    since: i32,
    claim: bool,
}

const fn p(name: &'static str, kind: Kind, since: i32, claim: bool) -> Property {
    Property {
        name,
        kind,
        since,
        claim,
    }
}

/// Organization properties that are signed (table 1.2); `Hash` last, as it is signed only.
const ORGANIZATION: &[Property] = &[
    p("LicenseKey", Kind::Text, 1, true),
    p("InstallationId", Kind::Guid, 1, true),
    p("Id", Kind::Guid, 1, true),
    p("Name", Kind::Text, 1, true),
    p("BillingEmail", Kind::Text, 1, true),
    p("BusinessName", Kind::Text, 1, true),
    p("Enabled", Kind::Flag(false), 1, true),
    p("Plan", Kind::Text, 1, true),
    p("PlanType", Kind::Plan, 1, true),
    p("Seats", Kind::Number, 1, true),
    p("MaxCollections", Kind::Number, 1, true),
    p("UsePolicies", Kind::Flag(false), 6, true),
    p("UseSso", Kind::Flag(false), 7, true),
    p("UseKeyConnector", Kind::Flag(false), 9, true),
    p("UseScim", Kind::Flag(false), 10, true),
    p("UseGroups", Kind::Flag(false), 1, true),
    p("UseEvents", Kind::Flag(false), 3, true),
    p("UseDirectory", Kind::Flag(false), 1, true),
    p("UseTotp", Kind::Flag(false), 1, true),
    p("Use2fa", Kind::Flag(false), 4, true),
    p("UseApi", Kind::Flag(false), 5, true),
    p("UseResetPassword", Kind::Flag(false), 8, true),
    p("MaxStorageGb", Kind::Number, 1, true),
    p("SelfHost", Kind::Flag(false), 1, true),
    p("UsersGetPremium", Kind::Flag(false), 2, true),
    p("UseCustomPermissions", Kind::Flag(false), 11, true),
    p("Version", Kind::Version, 1, false),
    p("Issued", Kind::Time, 1, true),
    p("Refresh", Kind::OptionalTime, 1, true),
    p("Expires", Kind::OptionalTime, 1, true),
    p("ExpirationWithoutGracePeriod", Kind::OptionalTime, 12, true),
    p("UsePasswordManager", Kind::Flag(false), 13, true),
    p("UseSecretsManager", Kind::Flag(false), 13, true),
    p("SmSeats", Kind::Number, 13, true),
    p("SmServiceAccounts", Kind::Number, 13, true),
    p(
        "LimitCollectionCreationDeletion",
        Kind::Flag(true),
        14,
        true,
    ),
    p(
        "AllowAdminAccessToAllCollectionItems",
        Kind::Flag(true),
        15,
        true,
    ),
    p("Trial", Kind::Flag(false), 1, true),
    p("Hash", Kind::Text, 1, false),
];

/// Organization claims that are never signed (the "Never" rows of table 1.2).
const ORGANIZATION_CLAIMS_ONLY: &[&str] = &[
    "UseRiskInsights",
    "UseAdminSponsoredFamilies",
    "UseOrganizationDomains",
    "UseAutomaticUserConfirmation",
    "UseDisableSmAdsForUsers",
    "UsePhishingBlocker",
    "UseMyItems",
    "UseInviteLinks",
    "UsePam",
];

/// User license properties (§1.3), all signed in Version 1.
const USER: &[Property] = &[
    p("LicenseKey", Kind::Text, 1, true),
    p("Id", Kind::Guid, 1, true),
    p("Name", Kind::Text, 1, true),
    p("Email", Kind::Text, 1, true),
    p("Premium", Kind::Flag(false), 1, true),
    p("MaxStorageGb", Kind::Number, 1, true),
    p("Version", Kind::Version, 1, false),
    p("Issued", Kind::Time, 1, true),
    p("Refresh", Kind::OptionalTime, 1, true),
    p("Expires", Kind::OptionalTime, 1, true),
    p("Trial", Kind::Flag(false), 1, true),
    p("Hash", Kind::Text, 1, false),
];

fn properties(class: Class) -> &'static [Property] {
    match class {
        Class::Organization => ORGANIZATION,
        Class::User => USER,
    }
}

/// `PlanType` 0..6 render by their names before the year suffixes were added.
const LEGACY_PLAN_NAMES: [&str; 7] = [
    "Free",
    "FamiliesAnnually",
    "TeamsMonthly",
    "TeamsAnnually",
    "EnterpriseMonthly",
    "EnterpriseAnnually",
    "Custom",
];

/// `default(DateTime)` in Unix seconds.
const DOTNET_MIN_SECONDS: i64 = -62_135_596_800;

/// The issuer of license tokens.
const ISSUER: &str = "bitwarden";

/// The value of a property, its name matched ignoring case (null counts as missing).
fn get<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

/// Sets a property under the key it already has (any case), else the camelCase name.
fn set(object: &mut Map<String, Value>, name: &str, value: Value) {
    let key = object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| camel(name));
    object.insert(key, value);
}

fn camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// An ISO-8601 date as the server reads it: up to seven fraction digits, `Z`, an offset or
/// nothing (offset-less times are UTC here); in 100 ns ticks since 1970.
fn ticks(text: &str) -> Option<i128> {
    let (body, offset_seconds) = split_offset(text)?;
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, f),
        None => (body, ""),
    };
    if fraction.len() > 7 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let time = NaiveDateTime::parse_from_str(whole, "%Y-%m-%dT%H:%M:%S").ok()?;
    let seconds = time.and_utc().timestamp() - offset_seconds;
    let fraction_ticks: i128 = format!("{fraction:0<7}").parse().ok()?;
    Some(i128::from(seconds) * 10_000_000 + fraction_ticks)
}

fn split_offset(text: &str) -> Option<(&str, i64)> {
    if let Some(body) = text.strip_suffix('Z') {
        return Some((body, 0));
    }
    let tail = text.len().checked_sub(6)?;
    let (body, offset) = text.split_at(tail);
    let sign = match offset.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') if offset.as_bytes().get(3) == Some(&b':') => -1,
        _ => return Some((text, 0)),
    };
    let hours: i64 = offset[1..3].parse().ok()?;
    let minutes: i64 = offset[4..6].parse().ok()?;
    Some((body, sign * (hours * 3600 + minutes * 60)))
}

/// `Math.Round(TotalSeconds)`: to the nearest second, ties to even.
fn round_seconds(ticks: i128) -> i64 {
    let seconds = ticks.div_euclid(10_000_000);
    let rest = ticks.rem_euclid(10_000_000);
    let up = rest > 5_000_000 || (rest == 5_000_000 && seconds % 2 != 0);
    (seconds + i128::from(up)) as i64
}

/// One property's text in the canonical data.
fn render(property: &Property, value: Option<&Value>) -> Result<String, String> {
    let bad = || format!("{} is not a valid {:?}", property.name, property.kind);
    Ok(match (property.kind, value) {
        (Kind::Text, None) => String::new(),
        (Kind::Text, Some(v)) => v.as_str().ok_or_else(bad)?.to_owned(),
        (Kind::Guid, None) => Uuid::nil().hyphenated().to_string(),
        (Kind::Guid, Some(v)) => Uuid::parse_str(v.as_str().ok_or_else(bad)?)
            .map_err(|_| bad())?
            .hyphenated()
            .to_string(),
        (Kind::Flag(default), None) => default.to_string(),
        (Kind::Flag(_), Some(v)) => v.as_bool().ok_or_else(bad)?.to_string(),
        (Kind::Number, None) => String::new(),
        (Kind::Version, None) => "0".into(),
        (Kind::Number | Kind::Version, Some(v)) => v.as_i64().ok_or_else(bad)?.to_string(),
        (Kind::Plan, value) => {
            let plan = match value {
                Some(v) => v.as_u64().filter(|n| *n <= 255).ok_or_else(bad)?,
                None => 0,
            };
            match LEGACY_PLAN_NAMES.get(plan as usize) {
                Some(name) => (*name).to_owned(),
                None => plan.to_string(),
            }
        }
        (Kind::Time, None) => DOTNET_MIN_SECONDS.to_string(),
        (Kind::OptionalTime, None) => String::new(),
        (Kind::Time | Kind::OptionalTime, Some(v)) => {
            round_seconds(ticks(v.as_str().ok_or_else(bad)?).ok_or_else(bad)?).to_string()
        }
    })
}

/// The license's `Version`, checked as `GetDataBytes` does.
fn version(object: &Map<String, Value>, class: Class) -> Result<i32, String> {
    let version = get(object, "Version").and_then(Value::as_i64).unwrap_or(0) as i32;
    let supported = match class {
        Class::Organization => (1..=16).contains(&version),
        Class::User => version == 1,
    };
    if supported {
        Ok(version)
    } else {
        Err(format!("Version {version} is not supported."))
    }
}

/// `GetDataBytes(forHash)`: the signed (or hashed) text of a license's JSON object.
pub fn canonical_data(
    object: &Map<String, Value>,
    class: Class,
    for_hash: bool,
) -> Result<String, String> {
    let version = version(object, class)?;
    let mut included: Vec<&Property> = properties(class)
        .iter()
        .filter(|p| p.since <= version)
        .filter(|p| !(for_hash && matches!(p.name, "Hash" | "Issued" | "Refresh")))
        .collect();
    included.sort_by_key(|p| p.name.to_ascii_lowercase());
    let mut text = class.prefix().to_owned();
    for property in included {
        text.push('|');
        text.push_str(property.name);
        text.push(':');
        text.push_str(&render(property, get(object, property.name))?);
    }
    Ok(text)
}

/// `base64(SHA-256(hash data))`.
pub fn hash(object: &Map<String, Value>, class: Class) -> Result<String, String> {
    let data = canonical_data(object, class, true)?;
    Ok(STANDARD.encode(Sha256::digest(data.as_bytes())))
}

/// Whether `Signature` verifies over the signature data with `key`.
pub fn signature_verifies(object: &Map<String, Value>, class: Class, key: &RsaPublicKey) -> bool {
    let Some(signature) = get(object, "Signature")
        .and_then(Value::as_str)
        .and_then(|s| STANDARD.decode(s).ok())
    else {
        return false;
    };
    let Ok(data) = canonical_data(object, class, false) else {
        return false;
    };
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(data.as_bytes()),
        &signature,
    )
    .is_ok()
}

/// `MM/dd/yyyy HH:mm:ss`, how the cloud writes date claims.
fn claim_date(ticks: i128) -> String {
    let seconds = ticks.div_euclid(10_000_000) as i64;
    Utc.timestamp_opt(seconds, 0)
        .single()
        .map(|t| t.format("%m/%d/%Y %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The claim text of a property, `None` when it is null (the cloud then leaves it out).
fn claim_value(property_kind: Kind, value: Option<&Value>) -> Option<String> {
    let value = value?;
    Some(match property_kind {
        Kind::Flag(_) => if value.as_bool()? { "True" } else { "False" }.to_owned(),
        Kind::Time | Kind::OptionalTime => claim_date(ticks(value.as_str()?)?),
        Kind::Text | Kind::Guid => value.as_str()?.to_owned(),
        Kind::Number | Kind::Version | Kind::Plan => value.as_i64()?.to_string(),
    })
}

/// The license claims (`OrganizationLicenseClaimsFactory`, `UserLicenseClaimsFactory`).
fn license_claims(object: &Map<String, Value>, class: Class) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("LicenseType".into(), Value::from(class.license_type().1));
    for property in properties(class).iter().filter(|p| p.claim) {
        let value = get(object, property.name);
        let text = match property.kind {
            // Booleans are always claimed, with their default when missing.
            Kind::Flag(default) => Some(
                if value.and_then(Value::as_bool).unwrap_or(default) {
                    "True"
                } else {
                    "False"
                }
                .to_owned(),
            ),
            kind => claim_value(kind, value),
        };
        if let Some(text) = text {
            claims.insert(property.name.into(), Value::from(text));
        }
    }
    if class == Class::Organization {
        for name in ORGANIZATION_CLAIMS_ONLY {
            let on = get(object, name).and_then(Value::as_bool).unwrap_or(false);
            claims.insert(
                (*name).into(),
                Value::from(if on { "True" } else { "False" }),
            );
        }
    }
    claims
}

/// The token's audience for a license of `class` with cloud id `id`.
fn audience(class: Class, id: Uuid) -> String {
    let prefix = match class {
        Class::Organization => "organization",
        Class::User => "user",
    };
    format!("{prefix}:{}", id.hyphenated())
}

fn license_id(object: &Map<String, Value>) -> Uuid {
    get(object, "Id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .unwrap_or_default()
}

/// Signs a license's JSON object as the cloud does for a download: `Hash`, `Signature`
/// and a token issued at `issued`, valid for a year.
pub fn sign(
    object: &mut Map<String, Value>,
    class: Class,
    key: &RsaPrivateKey,
    issued: DateTime<Utc>,
) -> Result<(), String> {
    let hash = hash(object, class)?;
    set(object, "Hash", Value::from(hash));
    let data = canonical_data(object, class, false)?;
    let signature = key
        .sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(data.as_bytes()),
        )
        .map_err(|e| e.to_string())?;
    set(object, "Signature", Value::from(STANDARD.encode(signature)));

    let mut claims = license_claims(object, class);
    let expires = issued.checked_add_months(Months::new(12)).unwrap_or(issued);
    claims.insert("iss".into(), Value::from(ISSUER));
    claims.insert(
        "aud".into(),
        Value::from(audience(class, license_id(object))),
    );
    claims.insert("nbf".into(), Value::from(issued.timestamp()));
    claims.insert("iat".into(), Value::from(issued.timestamp()));
    claims.insert("exp".into(), Value::from(expires.timestamp()));
    claims.insert("jti".into(), Value::from(Uuid::new_v4().to_string()));
    let der = key.to_pkcs1_der().map_err(|e| e.to_string())?;
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &EncodingKey::from_rsa_der(der.as_bytes()),
    )
    .map_err(|e| e.to_string())?;
    set(object, "Token", Value::from(token));
    Ok(())
}

/// `GetClaimsPrincipalFromLicense`: checks the token with `key` (RS256, issuer, audience
/// from the license's own `Id`, lifetime with no clock skew) and answers its claims, or
/// the .NET message of the failure.
pub fn verify_token(
    object: &Map<String, Value>,
    class: Class,
    key: &RsaPublicKey,
    now: DateTime<Utc>,
) -> Result<Map<String, Value>, String> {
    let token = get(object, "Token").and_then(Value::as_str).unwrap_or("");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.leeway = 0;
    validation.required_spec_claims.clear();
    let decoding =
        DecodingKey::from_rsa_raw_components(&key.n().to_bytes_be(), &key.e().to_bytes_be());
    let claims = match jsonwebtoken::decode::<Map<String, Value>>(token, &decoding, &validation) {
        Ok(data) => data.claims,
        Err(e) => {
            return Err(match e.kind() {
                ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => {
                    "IDX10503: Signature validation failed. The token's signature does not match the licensing certificate's key.".to_owned()
                }
                _ => format!("IDX14100: JWT is not well formed ({e})."),
            })
        }
    };
    let time = |name: &str| claims.get(name).and_then(Value::as_i64);
    let stamp = |seconds: i64| {
        Utc.timestamp_opt(seconds, 0)
            .single()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default()
    };
    let Some(expires) = time("exp") else {
        return Err(
            "IDX10225: Lifetime validation failed. The token is missing an Expiration Time.".into(),
        );
    };
    if let Some(not_before) = time("nbf").filter(|nbf| *nbf > now.timestamp()) {
        return Err(format!("IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom (UTC): '{}', Current time (UTC): '{}'.", stamp(not_before), stamp(now.timestamp())));
    }
    if expires < now.timestamp() {
        return Err(format!("IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '{}', Current time (UTC): '{}'.", stamp(expires), stamp(now.timestamp())));
    }
    let expected = audience(class, license_id(object));
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&expected.as_str()) {
        return Err(format!("IDX10214: Audience validation failed. Audiences: '{}'. Did not match: validationParameters.ValidAudience: '{expected}' or validationParameters.ValidAudiences: 'null'.", audiences.join(", ")));
    }
    let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if issuer != ISSUER {
        return Err(format!("IDX10205: Issuer validation failed. Issuer: '{issuer}'. Did not match: validationParameters.ValidIssuer: '{ISSUER}' or validationParameters.ValidIssuers: 'null'."));
    }
    Ok(claims)
}

/// A claim's string as `GetValue<T>` reads it, turned back into the JSON property (null
/// when missing or unreadable, the type's default).
fn from_claim(kind: Kind, claim: Option<&str>) -> Value {
    let Some(text) = claim else {
        return match kind {
            Kind::Flag(_) => Value::Bool(false),
            Kind::Guid => Value::from(Uuid::nil().to_string()),
            Kind::Plan | Kind::Version => Value::from(0),
            _ => Value::Null,
        };
    };
    match kind {
        Kind::Flag(_) => Value::Bool(text.eq_ignore_ascii_case("true")),
        Kind::Text => Value::from(text),
        Kind::Guid => Value::from(
            Uuid::parse_str(text)
                .unwrap_or_default()
                .hyphenated()
                .to_string(),
        ),
        Kind::Number | Kind::Version | Kind::Plan => {
            text.trim().parse::<i64>().map_or(Value::Null, Value::from)
        }
        Kind::Time | Kind::OptionalTime => NaiveDateTime::parse_from_str(text, "%m/%d/%Y %H:%M:%S")
            .or_else(|_| {
                NaiveDate::parse_from_str(text, "%m/%d/%Y")
                    .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
            })
            .map_or(Value::Null, |t| {
                Value::from(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            }),
    }
}

/// The license as the server uses it when it has a token: every claimed property replaced
/// by its claim, and `LicenseType` from the claim (contract §1.7).
pub fn apply_claims(
    object: &Map<String, Value>,
    class: Class,
    claims: &Map<String, Value>,
) -> Map<String, Value> {
    let text = |name: &str| -> Option<String> {
        match claims.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut effective = object.clone();
    for property in properties(class).iter().filter(|p| p.claim) {
        let value = from_claim(property.kind, text(property.name).as_deref());
        set(&mut effective, property.name, value);
    }
    if class == Class::Organization {
        for name in ORGANIZATION_CLAIMS_ONLY {
            let value = from_claim(Kind::Flag(false), text(name).as_deref());
            set(&mut effective, name, value);
        }
    }
    let license_type = text("LicenseType").and_then(|t| {
        [Class::User, Class::Organization]
            .into_iter()
            .map(Class::license_type)
            .find(|(value, name)| t.eq_ignore_ascii_case(name) || t == value.to_string())
            .map(|(value, _)| value)
    });
    set(
        &mut effective,
        "LicenseType",
        license_type.map_or(Value::Null, Value::from),
    );
    effective
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_half_to_even_like_math_round() {
        assert_eq!(round_seconds(15_000_000), 2);
        assert_eq!(round_seconds(25_000_000), 2);
        assert_eq!(round_seconds(25_000_001), 3);
        assert_eq!(round_seconds(-15_000_000), -2);
    }

    #[test]
    fn dates_read_with_and_without_zone() {
        assert_eq!(ticks("1970-01-01T00:00:01Z"), Some(10_000_000));
        assert_eq!(ticks("1970-01-01T00:00:01"), Some(10_000_000));
        assert_eq!(ticks("1970-01-01T01:00:01+01:00"), Some(10_000_000));
        assert_eq!(ticks("1970-01-01T00:00:00.0000001Z"), Some(1));
        assert_eq!(ticks("1970-01-01T00:00:00.00000001Z"), None);
    }

    #[test]
    fn unsupported_versions_are_refused_with_the_servers_text() {
        let object = serde_json::json!({"Version": 17});
        assert_eq!(
            canonical_data(object.as_object().unwrap(), Class::Organization, true),
            Err("Version 17 is not supported.".into())
        );
    }
}
