//! License claims: building them as the cloud does (`OrganizationLicenseClaimsFactory`,
//! `UserLicenseClaimsFactory`) and reading them back as the server does, where the claims
//! replace the JSON properties (contract §1.7).

use serde::Serialize;
use serde_json::Value;

use super::model::{License, LicenseKind};
use super::token::{claim_text, Claims};
use super::value::FieldValue;

/// The claim that names the license class (`Organization` / `User`).
const LICENSE_TYPE: &str = "LicenseType";

/// The license claims of a license (no `iss`/`aud`/time claims): string values, `True`/`False`,
/// `MM/dd/yyyy HH:mm:ss` dates, numbers as decimal text; absent when the property is null.
pub fn license_claims(license: &License) -> Claims {
    let mut claims = Claims::new();
    claims.insert(
        LICENSE_TYPE.into(),
        Value::String(license.kind().license_type_name().into()),
    );
    for field in license.fields().iter().filter(|f| f.claim) {
        if let Some(text) = license.claim_text(field.name) {
            claims.insert(field.name.into(), Value::String(text));
        }
    }
    claims
}

/// A property whose JSON value differs from its claim (the claim wins on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ClaimMismatch {
    /// The property (C# name, as the claim is named).
    pub field: String,
    /// The JSON property in claim notation; `None` when null.
    pub json: Option<String>,
    /// The claim as issued; `None` when the token has no such claim.
    pub claim: Option<String>,
}

/// The license the server actually uses when a token is present: every claimed property
/// replaced by its claim (missing claims give the type's default, as `GetValue<T>` does),
/// and the list of JSON properties that disagree.
pub fn apply(license: &License, claims: &Claims) -> (License, Vec<ClaimMismatch>) {
    let mut effective = license.clone();
    let mut mismatches = Vec::new();
    for field in license.fields().iter().filter(|f| f.claim) {
        let claim = claim_text(claims, field.name);
        effective.set_from_claim(field.name, claim.as_deref());
        let json = license.claim_text(field.name);
        if json != effective.claim_text(field.name) {
            mismatches.push(ClaimMismatch {
                field: field.name.into(),
                json,
                claim,
            });
        }
    }

    let claimed_type = claim_text(claims, LICENSE_TYPE);
    let effective_type = Option::<u8>::from_claim(claimed_type.as_deref());
    let json_type = license.license_type();
    if effective_type != json_type {
        mismatches.push(ClaimMismatch {
            field: LICENSE_TYPE.into(),
            json: json_type.map(|t| type_name(t).to_owned()),
            claim: claimed_type,
        });
    }
    match &mut effective {
        License::Organization(l) => l.license_type = effective_type,
        License::User(l) => l.license_type = effective_type,
    }
    (effective, mismatches)
}

fn type_name(value: u8) -> String {
    [LicenseKind::User, LicenseKind::Organization]
        .into_iter()
        .find(|k| k.license_type_value() == value)
        .map_or_else(|| value.to_string(), |k| k.license_type_name().to_owned())
}
