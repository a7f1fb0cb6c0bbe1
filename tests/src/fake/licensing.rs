//! The fake's own licensing code, written from the contract and independent of the app's
//! license module in `companion-core`, so a mistake in the app's license code cannot
//! confirm itself through the server its tests talk to:
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
use chrono::{DateTime, Months, TimeZone, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::net_date::NetDate;

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

    /// The C# class name, as the server's messages print it.
    pub fn name(self) -> &'static str {
        match self {
            Class::Organization => "OrganizationLicense",
            Class::User => "UserLicense",
        }
    }
}

/// A property's C# type: what JSON the server's reader accepts for it, its value when the
/// JSON leaves it out, and how `CoreHelpers.FormatLicenseSignatureValue` renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `string`: raw; null renders empty.
    Text,
    /// `Guid`: lowercase `D` format.
    Guid,
    /// `bool` with its C# default when missing.
    Flag(bool),
    /// `int?`: decimal; null renders empty.
    Int,
    /// `short?`: decimal; null renders empty.
    Short,
    /// `int Version`: 0 when missing.
    Version,
    /// `PlanType` (a byte enum): legacy names for 0..6, the number above.
    Plan,
    /// `LicenseType?` (a byte enum); never signed.
    LicenseType,
    /// `DateTime`: Unix seconds; the C# default when missing.
    Time,
    /// `DateTime?`: Unix seconds; null renders empty.
    OptionalTime,
}

/// A property: its C# name, kind, the license version it joined the signed data (`None`:
/// never signed; hashed data also leaves out `Hash`, `Issued`, `Refresh`), and whether the
/// cloud puts it into the token as a claim.
pub(crate) struct Property {
    pub name: &'static str,
    pub kind: Kind,
    pub since: Option<i32>,
    pub claim: bool,
}

const fn p(name: &'static str, kind: Kind, since: Option<i32>, claim: bool) -> Property {
    Property {
        name,
        kind,
        since,
        claim,
    }
}

/// `OrganizationLicense`, every public property in declaration order (table 1.2).
const ORGANIZATION: &[Property] = &[
    p("LicenseKey", Kind::Text, Some(1), true),
    p("InstallationId", Kind::Guid, Some(1), true),
    p("Id", Kind::Guid, Some(1), true),
    p("Name", Kind::Text, Some(1), true),
    p("BillingEmail", Kind::Text, Some(1), true),
    p("BusinessName", Kind::Text, Some(1), true),
    p("Enabled", Kind::Flag(false), Some(1), true),
    p("Plan", Kind::Text, Some(1), true),
    p("PlanType", Kind::Plan, Some(1), true),
    p("Seats", Kind::Int, Some(1), true),
    p("MaxCollections", Kind::Short, Some(1), true),
    p("UsePolicies", Kind::Flag(false), Some(6), true),
    p("UseSso", Kind::Flag(false), Some(7), true),
    p("UseKeyConnector", Kind::Flag(false), Some(9), true),
    p("UseScim", Kind::Flag(false), Some(10), true),
    p("UseGroups", Kind::Flag(false), Some(1), true),
    p("UseEvents", Kind::Flag(false), Some(3), true),
    p("UseDirectory", Kind::Flag(false), Some(1), true),
    p("UseTotp", Kind::Flag(false), Some(1), true),
    p("Use2fa", Kind::Flag(false), Some(4), true),
    p("UseApi", Kind::Flag(false), Some(5), true),
    p("UseResetPassword", Kind::Flag(false), Some(8), true),
    p("MaxStorageGb", Kind::Short, Some(1), true),
    p("SelfHost", Kind::Flag(false), Some(1), true),
    p("UsersGetPremium", Kind::Flag(false), Some(2), true),
    p("UseCustomPermissions", Kind::Flag(false), Some(11), true),
    p("Version", Kind::Version, Some(1), false),
    p("Issued", Kind::Time, Some(1), true),
    p("Refresh", Kind::OptionalTime, Some(1), true),
    p("Expires", Kind::OptionalTime, Some(1), true),
    p(
        "ExpirationWithoutGracePeriod",
        Kind::OptionalTime,
        Some(12),
        true,
    ),
    p("UsePasswordManager", Kind::Flag(false), Some(13), true),
    p("UseSecretsManager", Kind::Flag(false), Some(13), true),
    p("SmSeats", Kind::Int, Some(13), true),
    p("SmServiceAccounts", Kind::Int, Some(13), true),
    p("UseRiskInsights", Kind::Flag(false), None, true),
    p("UsePhishingBlocker", Kind::Flag(false), None, true),
    p(
        "LimitCollectionCreationDeletion",
        Kind::Flag(true),
        Some(14),
        true,
    ),
    p(
        "AllowAdminAccessToAllCollectionItems",
        Kind::Flag(true),
        Some(15),
        true,
    ),
    p("Trial", Kind::Flag(false), Some(1), true),
    p("LicenseType", Kind::LicenseType, None, false),
    p("UseOrganizationDomains", Kind::Flag(false), None, true),
    p("UseAdminSponsoredFamilies", Kind::Flag(false), None, true),
    p(
        "UseAutomaticUserConfirmation",
        Kind::Flag(false),
        None,
        true,
    ),
    p("UseDisableSmAdsForUsers", Kind::Flag(false), None, true),
    p("UseMyItems", Kind::Flag(false), None, true),
    p("UseInviteLinks", Kind::Flag(false), None, true),
    p("UsePam", Kind::Flag(false), None, true),
    p("Hash", Kind::Text, Some(1), false),
    p("Signature", Kind::Text, None, false),
    p("Token", Kind::Text, None, false),
];

/// `UserLicense`, every public property in declaration order (§1.3); Version 1 signs all
/// but `LicenseType`, `Signature` and `Token`.
const USER: &[Property] = &[
    p("LicenseKey", Kind::Text, Some(1), true),
    p("Id", Kind::Guid, Some(1), true),
    p("Name", Kind::Text, Some(1), true),
    p("Email", Kind::Text, Some(1), true),
    p("Premium", Kind::Flag(false), Some(1), true),
    p("MaxStorageGb", Kind::Short, Some(1), true),
    p("Version", Kind::Version, Some(1), false),
    p("Issued", Kind::Time, Some(1), true),
    p("Refresh", Kind::OptionalTime, Some(1), true),
    p("Expires", Kind::OptionalTime, Some(1), true),
    p("Trial", Kind::Flag(false), Some(1), true),
    p("LicenseType", Kind::LicenseType, None, false),
    p("Hash", Kind::Text, Some(1), false),
    p("Signature", Kind::Text, None, false),
    p("Token", Kind::Text, None, false),
];

/// Every property of a class, in declaration order.
pub(crate) fn properties(class: Class) -> &'static [Property] {
    match class {
        Class::Organization => ORGANIZATION,
        Class::User => USER,
    }
}

/// A property of a class by its C# name.
pub(crate) fn property(class: Class, name: &str) -> Option<&'static Property> {
    properties(class).iter().find(|p| p.name == name)
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

/// The issuer of license tokens.
const ISSUER: &str = "bitwarden";

/// The value of a property, its name matched ignoring case (null counts as missing).
pub(crate) fn get<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
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
        .unwrap_or_else(|| camel_case(name));
    object.insert(key, value);
}

/// `JsonNamingPolicy.CamelCase` for these names: the first letter lowered.
pub(crate) fn camel_case(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// A date property's value, read as the server's JSON reader reads it.
fn date(value: &Value) -> Option<NetDate> {
    value.as_str().and_then(NetDate::parse)
}

/// One property's text in the canonical data.
fn render(property: &Property, value: Option<&Value>) -> Result<String, String> {
    let bad = || format!("{} is not a valid {:?}", property.name, property.kind);
    Ok(match (property.kind, value) {
        (Kind::Text | Kind::Int | Kind::Short | Kind::LicenseType | Kind::OptionalTime, None) => {
            String::new()
        }
        (Kind::Text, Some(v)) => v.as_str().ok_or_else(bad)?.to_owned(),
        (Kind::Guid, None) => Uuid::nil().hyphenated().to_string(),
        (Kind::Guid, Some(v)) => Uuid::parse_str(v.as_str().ok_or_else(bad)?)
            .map_err(|_| bad())?
            .hyphenated()
            .to_string(),
        (Kind::Flag(default), None) => default.to_string(),
        (Kind::Flag(_), Some(v)) => v.as_bool().ok_or_else(bad)?.to_string(),
        (Kind::Version, None) => "0".into(),
        (Kind::Int | Kind::Short | Kind::Version | Kind::LicenseType, Some(v)) => {
            v.as_i64().ok_or_else(bad)?.to_string()
        }
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
        (Kind::Time, None) => NetDate::MIN.canonical_seconds().to_string(),
        (Kind::Time | Kind::OptionalTime, Some(v)) => {
            date(v).ok_or_else(bad)?.canonical_seconds().to_string()
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
        .filter(|p| p.since.is_some_and(|since| since <= version))
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

/// The claim text of a property, `None` when it is null (the cloud then leaves it out).
/// Booleans are always claimed, with their default when missing.
fn claim_value(kind: Kind, value: Option<&Value>) -> Option<String> {
    let flag = |on: bool| if on { "True" } else { "False" }.to_owned();
    if let Kind::Flag(default) = kind {
        return Some(flag(value.and_then(Value::as_bool).unwrap_or(default)));
    }
    let value = value?;
    Some(match kind {
        Kind::Flag(_) => flag(value.as_bool()?),
        Kind::Time | Kind::OptionalTime => date(value)?.to_claim(),
        Kind::Text | Kind::Guid => value.as_str()?.to_owned(),
        Kind::Int | Kind::Short | Kind::Version | Kind::Plan | Kind::LicenseType => {
            value.as_i64()?.to_string()
        }
    })
}

/// The license claims (`OrganizationLicenseClaimsFactory`, `UserLicenseClaimsFactory`).
fn license_claims(object: &Map<String, Value>, class: Class) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("LicenseType".into(), Value::from(class.license_type().1));
    for property in properties(class).iter().filter(|p| p.claim) {
        if let Some(text) = claim_value(property.kind, get(object, property.name)) {
            claims.insert(property.name.into(), Value::from(text));
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

/// A claim's string as `GetValue<T>` reads it (`TryParse` of the type, the type's default
/// when missing or unreadable), turned back into the JSON property.
fn from_claim(kind: Kind, claim: Option<&str>) -> Value {
    let text = claim.map(str::trim);
    let number = |min: i64, max: i64, default: Value| {
        text.and_then(|t| t.parse::<i64>().ok())
            .filter(|n| (min..=max).contains(n))
            .map_or(default, Value::from)
    };
    match kind {
        Kind::Flag(_) => Value::Bool(text.is_some_and(|t| t.eq_ignore_ascii_case("true"))),
        Kind::Text => claim.map_or(Value::Null, Value::from),
        Kind::Guid => Value::from(
            text.and_then(|t| Uuid::parse_str(t).ok())
                .unwrap_or_default()
                .hyphenated()
                .to_string(),
        ),
        Kind::Int => number(i32::MIN.into(), i32::MAX.into(), Value::Null),
        Kind::Short => number(i16::MIN.into(), i16::MAX.into(), Value::Null),
        Kind::Version => number(i32::MIN.into(), i32::MAX.into(), Value::from(0)),
        Kind::Plan => number(0, 255, Value::from(0)),
        Kind::LicenseType => number(0, 255, Value::Null),
        Kind::Time => Value::from(
            text.and_then(NetDate::parse_claim)
                .unwrap_or(NetDate::MIN)
                .to_json(),
        ),
        Kind::OptionalTime => text
            .and_then(NetDate::parse_claim)
            .map_or(Value::Null, |d| Value::from(d.to_json())),
    }
}

/// The license as the server uses it when it has a token: every claimed property replaced
/// by its claim as `GetValue<T>` reads it, and `LicenseType` from the claim's enum name or
/// number (contract §1.7).
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
    let claimed_type = text("LicenseType");
    let license_type = claimed_type
        .as_deref()
        .and_then(|t| {
            [Class::User, Class::Organization]
                .into_iter()
                .map(Class::license_type)
                .find(|(_, name)| t.trim().eq_ignore_ascii_case(name))
        })
        .map_or_else(
            || from_claim(Kind::LicenseType, claimed_type.as_deref()),
            |(value, _)| Value::from(value),
        );
    set(&mut effective, "LicenseType", license_type);
    effective
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_replace_the_properties_as_get_value_reads_them() {
        let object = serde_json::json!({"Seats": 10, "Name": "json", "UseMyItems": true});
        let claims = serde_json::json!({
            "LicenseType": "organization",
            "Seats": " 70000 ",
            "MaxCollections": "70000",
            "PlanType": "20",
            "UseSso": "TRUE",
            "Issued": "09/26/2025 12:00:01",
        });
        let effective = apply_claims(
            object.as_object().unwrap(),
            Class::Organization,
            claims.as_object().unwrap(),
        );
        let value = |name: &str| get(&effective, name).cloned().unwrap_or(Value::Null);
        assert_eq!(value("LicenseType"), 1);
        assert_eq!(value("Seats"), 70000);
        assert_eq!(value("MaxCollections"), Value::Null, "not a short");
        assert_eq!(value("PlanType"), 20);
        assert_eq!(value("UseSso"), true);
        assert_eq!(value("UseMyItems"), false, "a missing claim is false");
        assert_eq!(value("Name"), Value::Null);
        assert_eq!(value("Issued"), "2025-09-26T12:00:01");
        assert_eq!(value("Expires"), Value::Null);
        assert_eq!(value("Id"), Uuid::nil().to_string());
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
