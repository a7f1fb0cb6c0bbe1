//! Reading a license file as the server's upload does (`ApiHelpers.ReadJsonFileFromBody`,
//! System.Text.Json with case-insensitive names): UTF-8 with optional BOM, exactly one JSON
//! object, unknown properties ignored, the last of duplicate properties wins, and every
//! property strictly typed (contract §1.1). Anything else is a [`LicenseError`] with its own
//! code, never a panic.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::error::{LicenseError, MAX_LICENSE_BYTES};
use super::model::{
    FieldSpec, License, LicenseKind, OrganizationLicense, UserLicense, LICENSE_TYPE_ORGANIZATION,
    LICENSE_TYPE_USER,
};
use super::value::{FieldProblem, FieldValue};

/// How the kind of a license was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum KindSource {
    /// From the `LicenseType` property.
    LicenseType,
    /// From the properties present (no usable `LicenseType`).
    Properties,
}

/// A license file read into its class, with the untouched bytes for uploading.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedLicense {
    /// The license as the server reads it.
    pub license: License,
    /// How the kind was decided.
    pub kind_source: KindSource,
    /// The kind the properties point to when it differs from `LicenseType`, e.g. an
    /// organization's properties in a file that says it is a premium license.
    pub properties_suggest: Option<LicenseKind>,
    /// The file exactly as given.
    pub raw: Vec<u8>,
}

/// Properties only an organization license has.
const ORGANIZATION_ONLY: &[&str] = &[
    "InstallationId",
    "BillingEmail",
    "BusinessName",
    "Enabled",
    "Plan",
    "PlanType",
    "Seats",
    "MaxCollections",
    "SelfHost",
    "UsePolicies",
    "UseSso",
    "UseGroups",
    "UseDirectory",
    "UseTotp",
];
/// Properties only a premium license has.
const USER_ONLY: &[&str] = &["Email", "Premium"];

/// Parses a license file.
pub fn parse(bytes: &[u8]) -> Result<ParsedLicense, LicenseError> {
    let members = read_object(bytes)?;
    let (kind, kind_source, properties_suggest) = decide_kind(&members)?;
    let mut license = match kind {
        LicenseKind::Organization => License::Organization(OrganizationLicense::default()),
        LicenseKind::User => License::User(UserLicense::default()),
    };
    let fields = license.fields();
    for (key, value) in &members {
        if let Some(spec) = find(fields, key) {
            license
                .read_field(spec.name, value)
                .map_err(|problem| field_error(key, problem))?;
        }
    }
    Ok(ParsedLicense {
        license,
        kind_source,
        properties_suggest,
        raw: bytes.to_vec(),
    })
}

/// The property a JSON name refers to (case-insensitive, as the server reads uploads).
fn find<'a>(fields: &'a [FieldSpec], key: &str) -> Option<&'a FieldSpec> {
    fields.iter().find(|f| f.name.eq_ignore_ascii_case(key))
}

/// Checks size and encoding, then reads exactly one JSON object, keeping member order.
fn read_object(bytes: &[u8]) -> Result<Vec<(String, Value)>, LicenseError> {
    if bytes.len() > MAX_LICENSE_BYTES {
        return Err(LicenseError::TooLarge { size: bytes.len() });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LicenseError::Utf16);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(LicenseError::Empty);
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        let (line, column) = position(body, e.valid_up_to());
        if looks_like_utf16(body) {
            LicenseError::Utf16
        } else {
            LicenseError::NotUtf8 { line, column }
        }
    })?;
    if looks_like_utf16(body) {
        return Err(LicenseError::Utf16);
    }

    let mut de = serde_json::Deserializer::from_str(text);
    let object = Members::deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(|e| LicenseError::TrailingData {
        line: e.line(),
        column: e.column(),
    })?;
    match object {
        Members::Object(members) => Ok(members),
        Members::Other(found) => Err(LicenseError::NotAnObject { found }),
    }
}

/// UTF-16 without a BOM: every other byte of ASCII text is NUL.
fn looks_like_utf16(body: &[u8]) -> bool {
    body.len() >= 4
        && (body[0] == 0 || body[1] == 0)
        && body.iter().filter(|b| **b == 0).count() * 3 >= body.len()
}

/// Line and column (1-based, in bytes) of a byte offset.
fn position(body: &[u8], offset: usize) -> (usize, usize) {
    let before = &body[..offset.min(body.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = offset
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, column)
}

fn json_error(e: serde_json::Error) -> LicenseError {
    let (line, column) = (e.line(), e.column());
    if e.is_eof() {
        return LicenseError::Truncated { line, column };
    }
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        return LicenseError::TooDeep { line, column };
    }
    // serde_json appends " at line X column Y"; the error adds its own position.
    let detail = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(head, _)| head)
        .to_owned();
    LicenseError::Syntax {
        detail,
        line,
        column,
    }
}

/// The top-level JSON value: an object's members in document order, or what it was instead.
enum Members {
    Object(Vec<(String, Value)>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            members.push((key, value));
        }
        Ok(Members::Object(members))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Members, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Members::Other("an array"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Members, E> {
        Ok(Members::Other("a string"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Members, E> {
        Ok(Members::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Members, E> {
        Ok(Members::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Members, E> {
        Ok(Members::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Members, E> {
        Ok(Members::Other("a number"))
    }

    fn visit_unit<E>(self) -> Result<Members, E> {
        Ok(Members::Other("null"))
    }
}

/// The last member with this name (case-insensitive), as the server's reader keeps it.
fn last<'a>(members: &'a [(String, Value)], name: &str) -> Option<&'a (String, Value)> {
    members
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
}

/// Organization or premium: `LicenseType` 1 or 0 decides; otherwise the properties do.
fn decide_kind(
    members: &[(String, Value)],
) -> Result<(LicenseKind, KindSource, Option<LicenseKind>), LicenseError> {
    let present = |names: &[&'static str]| -> Vec<&'static str> {
        names
            .iter()
            .copied()
            .filter(|n| last(members, n).is_some())
            .collect()
    };
    let organization = present(ORGANIZATION_ONLY);
    let user = present(USER_ONLY);
    let by_properties = match (organization.is_empty(), user.is_empty()) {
        (false, true) => Some(LicenseKind::Organization),
        (true, false) => Some(LicenseKind::User),
        _ => None,
    };

    let declared = match last(members, "LicenseType") {
        Some((key, value)) => {
            Option::<u8>::from_json(value).map_err(|problem| field_error(key, problem))?
        }
        None => None,
    };
    let declared = match declared {
        Some(LICENSE_TYPE_ORGANIZATION) => Some(LicenseKind::Organization),
        Some(LICENSE_TYPE_USER) => Some(LicenseKind::User),
        _ => None,
    };

    match (declared, by_properties) {
        (Some(kind), hint) => Ok((kind, KindSource::LicenseType, hint.filter(|h| *h != kind))),
        (None, Some(kind)) => Ok((kind, KindSource::Properties, None)),
        (None, None) if organization.is_empty() => Err(LicenseError::UnknownKind),
        (None, None) => Err(LicenseError::AmbiguousKind {
            organization: organization.join(", "),
            user: user.join(", "),
        }),
    }
}

fn field_error(key: &str, problem: FieldProblem) -> LicenseError {
    let field = key.to_owned();
    match problem {
        FieldProblem::Null => LicenseError::FieldNull { field },
        FieldProblem::WrongType { expected, found } => LicenseError::FieldWrongType {
            field,
            expected,
            found,
        },
        FieldProblem::NotInteger(value) => LicenseError::FieldNotInteger { field, value },
        FieldProblem::OutOfRange { value, min, max } => LicenseError::FieldOutOfRange {
            field,
            value,
            min,
            max,
        },
        FieldProblem::BadGuid(value) => LicenseError::FieldBadGuid { field, value },
        FieldProblem::BadDate { value, reason } => LicenseError::FieldBadDate {
            field,
            value,
            reason,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Explain;

    fn code(bytes: &[u8]) -> &'static str {
        parse(bytes).map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    #[test]
    fn cloud_camel_case_and_server_pascal_case_read_the_same() {
        let camel = parse(br#"{"licenseType":1,"id":"12300000-0000-0000-0000-000000000456","seats":10,"useSso":true,"issued":"2025-01-01T00:00:00Z"}"#).unwrap();
        let pascal = parse(br#"{"LicenseType":1,"Id":"12300000-0000-0000-0000-000000000456","Seats":10,"UseSso":true,"Issued":"2025-01-01T00:00:00"}"#).unwrap();
        assert_eq!(camel.license, pascal.license);
        let License::Organization(org) = camel.license else {
            panic!("not an organization")
        };
        assert_eq!((org.seats, org.use_sso), (Some(10), true));
    }

    #[test]
    fn missing_properties_take_the_server_defaults() {
        let parsed = parse(br#"{"LicenseType":1}"#).unwrap();
        let License::Organization(org) = parsed.license else {
            panic!("not an organization")
        };
        assert!(
            org.limit_collection_creation_deletion
                && org.allow_admin_access_to_all_collection_items
        );
        assert!(!org.enabled && !org.self_host && org.seats.is_none());
        assert_eq!(org.version, 0);
        assert_eq!(org.issued.canonical_seconds(), -62_135_596_800);
    }

    #[test]
    fn kind_comes_from_license_type_else_from_properties() {
        let by_type = parse(br#"{"LicenseType":0,"Seats":5}"#).unwrap();
        assert_eq!(
            (by_type.license.kind(), by_type.kind_source),
            (LicenseKind::User, KindSource::LicenseType)
        );
        assert_eq!(by_type.properties_suggest, Some(LicenseKind::Organization));
        let by_props = parse(br#"{"Email":"a@b.c","Premium":true}"#).unwrap();
        assert_eq!(
            (by_props.license.kind(), by_props.kind_source),
            (LicenseKind::User, KindSource::Properties)
        );
        assert_eq!(code(br#"{"Version":1}"#), "unknown_license_kind");
        assert_eq!(
            code(br#"{"Email":"a@b.c","Seats":1}"#),
            "ambiguous_license_kind"
        );
    }

    #[test]
    fn a_bom_is_fine_and_the_original_bytes_are_kept() {
        let bytes = b"\xEF\xBB\xBF{\"LicenseType\":1}\n";
        assert_eq!(parse(bytes).unwrap().raw, bytes.to_vec());
    }

    #[test]
    fn trailing_garbage_is_reported_with_its_position() {
        let err = parse(b"{\"LicenseType\":1}\n}").unwrap_err();
        assert_eq!(err, LicenseError::TrailingData { line: 2, column: 1 });
        assert!(err.advice().contains("server#3929"));
    }

    #[test]
    fn the_last_duplicate_wins_whatever_its_case() {
        let parsed = parse(br#"{"LicenseType":1,"Name":"first","name":"second"}"#).unwrap();
        let License::Organization(org) = parsed.license else {
            panic!("not an organization")
        };
        assert_eq!(org.name.as_deref(), Some("second"));
    }

    #[test]
    fn field_errors_name_the_field_as_written() {
        let err = parse(br#"{"licenseType":1,"useSso":"yes"}"#).unwrap_err();
        assert_eq!(err.code(), "field_wrong_type");
        assert!(err.to_string().contains("\"useSso\""), "{err}");
    }

    #[test]
    fn oversized_files_are_refused_before_parsing() {
        let mut big = br#"{"LicenseType":1,"Name":""#.to_vec();
        big.resize(MAX_LICENSE_BYTES + 1, b'a');
        assert_eq!(code(&big), "file_too_large");
    }

    #[test]
    fn organization_license_serialises_to_json_the_parser_reads_back() {
        let mut org = OrganizationLicense {
            version: 15,
            use_2fa: true,
            seats: Some(3),
            ..Default::default()
        };
        org.name = Some("Acme".into());
        let json = serde_json::to_string(&org).unwrap();
        assert!(
            json.contains("\"use2fa\":true") && json.contains("\"planType\":0"),
            "{json}"
        );
        let back = parse(json.as_bytes()).unwrap();
        assert_eq!(back.license, License::Organization(org));
    }
}
