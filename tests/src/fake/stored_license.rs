//! The self-hosted server reading back its own stored license file and checking it, written
//! apart from the app's license module because this is the oracle the app is tested
//! against: System.Text.Json with default options (BOM skipped, nothing allowed after the
//! object, case-sensitive PascalCase names), the RS256 token as `GetClaimsPrincipalFromLicense`
//! validates it, and the legacy signature over `GetDataBytes()` (contract §1.4, §1.5, §1.7).

use chrono::{DateTime, NaiveDateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde_json::{Map, Value};
use sha2::Sha256;

/// The stored JSON object, read as the server reads it.
pub(crate) struct Stored(pub Map<String, Value>);

/// Reads the file's bytes; the error is the exception the server's reader throws.
pub(crate) fn read(bytes: &[u8]) -> Result<Stored, String> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(Stored(map)),
        Ok(_) => Err("The JSON value could not be converted to OrganizationLicense.".into()),
        Err(e) => Err(format!("JsonException: {e}")),
    }
}

impl Stored {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.0.get(name).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn number(&self, name: &str) -> Option<i64> {
        self.0.get(name).and_then(Value::as_i64)
    }

    pub fn date(&self, name: &str) -> Option<DateTime<Utc>> {
        self.text(name).and_then(iso_date)
    }

    /// `Token`, when not blank (`string.IsNullOrWhiteSpace`).
    pub fn token(&self) -> Option<&str> {
        self.text("Token").filter(|t| !t.trim().is_empty())
    }
}

/// An ISO 8601 date as System.Text.Json writes it (offset-less times are UTC).
pub(crate) fn iso_date(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.to_utc());
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

/// A claim date (`DateTime.ToString(InvariantCulture)`: `MM/dd/yyyy HH:mm:ss`).
pub(crate) fn claim_date(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, "%m/%d/%Y %H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
        .or_else(|| iso_date(text))
}

/// Validates the token at `now` (issuer `bitwarden`, audience `organization:{Id}`, lifetime
/// with zero clock skew, `exp` required) and returns its claims; the error is the text of
/// the `BadRequestException` the server throws.
pub(crate) fn claims(
    token: &str,
    audience: &str,
    key: &RsaPublicKey,
    now: DateTime<Utc>,
) -> Result<Map<String, Value>, String> {
    let der = key
        .to_pkcs1_der()
        .map_err(|e| format!("Invalid license. {e}"))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&["bitwarden"]);
    validation.set_audience(&[audience]);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.set_required_spec_claims(&["exp"]);
    let data = jsonwebtoken::decode::<Map<String, Value>>(
        token,
        &DecodingKey::from_rsa_der(der.as_bytes()),
        &validation,
    )
    .map_err(|e| format!("Invalid license. {e}"))?;
    let claims = data.claims;
    let seconds = |name: &str| claims.get(name).and_then(Value::as_i64);
    let now_seconds = now.timestamp();
    if seconds("exp").is_some_and(|exp| exp < now_seconds) {
        return Err(
            "Invalid license. IDX10223: Lifetime validation failed. The token is expired.".into(),
        );
    }
    if seconds("nbf").is_some_and(|nbf| nbf > now_seconds) {
        return Err(
            "Invalid license. IDX10222: Lifetime validation failed. The token is not yet valid."
                .into(),
        );
    }
    Ok(claims)
}

/// `(property, version it joined the signed data)`, in .NET's sort order (contract §1.4).
const SIGNED: &[(&str, i64)] = &[
    ("AllowAdminAccessToAllCollectionItems", 15),
    ("BillingEmail", 1),
    ("BusinessName", 1),
    ("Enabled", 1),
    ("ExpirationWithoutGracePeriod", 12),
    ("Expires", 1),
    ("Hash", 1),
    ("Id", 1),
    ("InstallationId", 1),
    ("Issued", 1),
    ("LicenseKey", 1),
    ("LimitCollectionCreationDeletion", 14),
    ("MaxCollections", 1),
    ("MaxStorageGb", 1),
    ("Name", 1),
    ("Plan", 1),
    ("PlanType", 1),
    ("Refresh", 1),
    ("Seats", 1),
    ("SelfHost", 1),
    ("SmSeats", 13),
    ("SmServiceAccounts", 13),
    ("Trial", 1),
    ("Use2fa", 4),
    ("UseApi", 5),
    ("UseCustomPermissions", 11),
    ("UseDirectory", 1),
    ("UseEvents", 3),
    ("UseGroups", 1),
    ("UseKeyConnector", 9),
    ("UsePasswordManager", 13),
    ("UsePolicies", 6),
    ("UseResetPassword", 8),
    ("UsersGetPremium", 2),
    ("UseScim", 10),
    ("UseSecretsManager", 13),
    ("UseSso", 7),
    ("UseTotp", 1),
    ("Version", 1),
];

/// Booleans whose C# default is `true`.
const TRUE_BY_DEFAULT: [&str; 2] = [
    "LimitCollectionCreationDeletion",
    "AllowAdminAccessToAllCollectionItems",
];

/// `PlanType` values 0..6 render by their old enum names.
const OLD_PLAN_NAMES: [&str; 7] = [
    "Free",
    "FamiliesAnnually",
    "TeamsMonthly",
    "TeamsAnnually",
    "EnterpriseMonthly",
    "EnterpriseAnnually",
    "Custom",
];

/// `OrganizationLicense.GetDataBytes()`: the signed data of a stored file.
pub(crate) fn signed_data(stored: &Stored) -> String {
    let version = stored.number("Version").unwrap_or(0);
    let parts: Vec<String> = SIGNED
        .iter()
        .filter(|(_, since)| *since <= version)
        .map(|(name, _)| format!("{name}:{}", render(stored, name)))
        .collect();
    format!("license:organization|{}", parts.join("|"))
}

fn render(stored: &Stored, name: &str) -> String {
    let value = stored.0.get(name).unwrap_or(&Value::Null);
    match (name, value) {
        ("Issued" | "Refresh" | "Expires" | "ExpirationWithoutGracePeriod", Value::String(s)) => {
            iso_date(s).map_or(String::new(), |t| unix_seconds(s, t).to_string())
        }
        ("Issued", Value::Null) => "-62135596800".into(),
        ("PlanType", Value::Number(n)) => match n.as_u64() {
            Some(v) if v < 7 => OLD_PLAN_NAMES[v as usize].into(),
            _ => n.to_string(),
        },
        (_, Value::Null) if TRUE_BY_DEFAULT.contains(&name) => "true".into(),
        (_, Value::Null)
            if name.starts_with("Use") || ["Enabled", "SelfHost", "Trial"].contains(&name) =>
        {
            "false".into()
        }
        (_, Value::Null) if name == "Version" => "0".into(),
        (_, Value::Null) => String::new(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// Seconds since 1970, rounded half to even from 100 ns ticks as `Math.Round` does.
fn unix_seconds(text: &str, time: DateTime<Utc>) -> i64 {
    let whole = time.timestamp();
    let digits: String = text
        .split_once('.')
        .map(|(_, rest)| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    let ticks: i64 = format!("{digits:0<7}")[..7].parse().unwrap_or(0);
    match ticks.cmp(&5_000_000) {
        std::cmp::Ordering::Greater => whole + 1,
        std::cmp::Ordering::Equal if whole % 2 != 0 => whole + 1,
        _ => whole,
    }
}

/// `VerifySignature`: RSA PKCS#1 v1.5 with SHA-256 over the signed data.
pub(crate) fn signature_valid(stored: &Stored, key: &RsaPublicKey) -> bool {
    use base64::Engine;
    let Some(signature) = stored
        .text("Signature")
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
    else {
        return false;
    };
    let Ok(signature) = Signature::try_from(signature.as_slice()) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(signed_data(stored).as_bytes(), &signature)
        .is_ok()
}
