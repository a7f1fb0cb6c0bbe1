//! Reading a license file as the server's System.Text.Json reader deserializes it into the
//! class the route expects (contract §1.1): the UTF-8 BOM skipped, one JSON value and
//! nothing after it, at most 64 levels deep. Members naming a property of the class are
//! checked against its C# type (strings, `true`/`false`, integers in range, `D`-format
//! GUIDs, ISO dates, `null` only where nullable) and the last one wins; every other
//! member is skipped. The upload reader matches names ignoring case (`JsonHelpers.IgnoreCase`),
//! the reader of the server's own stored file exactly (default options).
//!
//! The result keeps the JSON values as written, under the properties' C# names: the object
//! the fake verifies, never a re-serialized model.

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::license_model::License;
use super::licensing::{self, Class, Kind};
use super::net_date::NetDate;

/// `JsonReaderOptions.MaxDepth`.
const MAX_DEPTH: usize = 64;

/// How member names find their property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    /// `PropertyNameCaseInsensitive`: `StringComparison.OrdinalIgnoreCase`.
    IgnoreCase,
    /// The default: the exact C# name.
    Exact,
}

/// An uploaded file (or a license the cloud answered), read as class `class`; `Ok(None)`
/// for a file that is `null`. The error is the reader's exception, which the upload routes
/// treat as no license.
pub(crate) fn read_ignoring_case(bytes: &[u8], class: Class) -> Result<Option<License>, String> {
    read(bytes, class, Names::IgnoreCase)
}

/// The server's own stored file (`ReadOrganizationLicenseAsync`), read as class `class`.
pub(crate) fn read_exact(bytes: &[u8], class: Class) -> Result<Option<License>, String> {
    read(bytes, class, Names::Exact)
}

fn read(bytes: &[u8], class: Class, names: Names) -> Result<Option<License>, String> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let members = match serde_json::from_slice::<TopLevel>(body) {
        Ok(TopLevel::Object(members)) => members,
        Ok(TopLevel::Null) => return Ok(None),
        Ok(TopLevel::Other) => return Err(not_convertible(class, "$")),
        Err(e) => return Err(format!("JsonException: {e}")),
    };
    if 1 + members.iter().map(|(_, v)| depth(v)).max().unwrap_or(0) > MAX_DEPTH {
        return Err(format!(
            "JsonException: The maximum configured depth of {MAX_DEPTH} has been exceeded."
        ));
    }
    let mut object = Map::new();
    for (key, value) in members {
        let Some(property) = licensing::properties(class)
            .iter()
            .find(|p| matches(names, &key, p.name))
        else {
            continue;
        };
        if !fits(property.kind, &value) {
            return Err(not_convertible(class, &format!("$.{key}")));
        }
        object.insert(property.name.to_owned(), value);
    }
    Ok(Some(License::from_object(class, object)))
}

fn not_convertible(class: Class, path: &str) -> String {
    format!(
        "JsonException: The JSON value could not be converted to {}. Path: {path}",
        class.name()
    )
}

/// Whether a member's name is a property's. `OrdinalIgnoreCase` upper-cases each character
/// on its own (so `ı` and `ſ` match `I` and `S`).
fn matches(names: Names, key: &str, name: &str) -> bool {
    match names {
        Names::Exact => key == name,
        Names::IgnoreCase => key.chars().map(upper).eq(name.chars().map(upper)),
    }
}

fn upper(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Nesting of arrays and objects below a value.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether the converter of a property's C# type reads the JSON value.
fn fits(kind: Kind, value: &Value) -> bool {
    let integer = |min: i64, max: i64| value.as_i64().is_some_and(|n| (min..=max).contains(&n));
    let date = || value.as_str().and_then(NetDate::parse).is_some();
    let nullable = value.is_null();
    match kind {
        Kind::Text => nullable || value.is_string(),
        Kind::Guid => value.as_str().is_some_and(is_d_format_guid),
        Kind::Flag(_) => value.is_boolean(),
        Kind::Int => nullable || integer(i32::MIN.into(), i32::MAX.into()),
        Kind::Short => nullable || integer(i16::MIN.into(), i16::MAX.into()),
        Kind::Version => integer(i32::MIN.into(), i32::MAX.into()),
        Kind::Plan => integer(0, 255),
        Kind::LicenseType => nullable || integer(0, 255),
        Kind::Time => date(),
        Kind::OptionalTime => nullable || date(),
    }
}

/// `Utf8JsonReader.TryGetGuid`: exactly `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, any case.
fn is_d_format_guid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The document's top-level value: an object's members in document order (duplicates
/// kept, so the last can win), `null`, or anything else.
enum TopLevel {
    Object(Vec<(String, Value)>),
    Null,
    Other,
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopLevelVisitor)
    }
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Value>()? {
            members.push(member);
        }
        Ok(TopLevel::Object(members))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TopLevel::Other)
    }

    fn visit_unit<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
        Ok(TopLevel::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other)
    }

    fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
        Ok(TopLevel::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(text: &str) -> Option<License> {
        read_ignoring_case(text.as_bytes(), Class::Organization)
            .ok()
            .flatten()
    }

    #[test]
    fn names_match_ignoring_case_and_the_last_member_wins() {
        let license = upload(r#"{"seats": 500, "SEATS": 10, "ſelfHoſt": true}"#).unwrap();
        assert_eq!(license.number("Seats"), Some(10));
        assert!(license.flag("SelfHost"));
        let license = upload(r#"{"Seats": 10, "seats": 500}"#).unwrap();
        assert_eq!(license.number("Seats"), Some(500));
    }

    #[test]
    fn the_stored_file_is_read_with_exact_names() {
        let license = read_exact(br#"{"seats": 500, "Seats": 10}"#, Class::Organization)
            .unwrap()
            .unwrap();
        assert_eq!(license.number("Seats"), Some(10));
        let license = read_exact(br#"{"seats": 500}"#, Class::Organization)
            .unwrap()
            .unwrap();
        assert_eq!(license.number("Seats"), None);
    }

    #[test]
    fn a_premium_file_on_the_organization_route_keeps_its_license_type() {
        let license =
            upload(r#"{"LicenseType":0,"Email":"a@b.c","Premium":true,"Version":1}"#).unwrap();
        assert_eq!(license.license_type(), Some(0));
        assert_eq!(license.text("Email"), None, "not a property of the class");
    }

    #[test]
    fn a_file_without_kind_reads_as_the_route_expects_with_no_license_type() {
        let license = upload(r#"{"Version":15}"#).unwrap();
        assert_eq!((license.version(), license.license_type()), (15, None));
    }

    #[test]
    fn a_bom_is_skipped_and_null_is_no_license() {
        assert!(upload("\u{feff}{\"Seats\": 1}").is_some());
        assert_eq!(read_ignoring_case(b"null", Class::Organization), Ok(None));
    }

    #[test]
    fn values_the_servers_converters_refuse_are_no_license() {
        for text in [
            "{\"LicenseType\":1}\n}",
            "[1,2]",
            "\"text\"",
            "",
            "{\"Seats\": 1,}",
            "{/* note */ \"Seats\": 1}",
            r#"{"LicenseType":"1"}"#,
            r#"{"Seats": "10"}"#,
            r#"{"Seats": 10.0}"#,
            r#"{"Seats": 1e1}"#,
            r#"{"Seats": 2147483648}"#,
            r#"{"MaxCollections": 32768}"#,
            r#"{"PlanType": 256}"#,
            r#"{"PlanType": null}"#,
            r#"{"Enabled": null}"#,
            r#"{"Enabled": "true"}"#,
            r#"{"Enabled": 1}"#,
            r#"{"Version": null}"#,
            r#"{"Name": 5}"#,
            r#"{"Id": "{12300000-0000-0000-0000-000000000456}"}"#,
            r#"{"Id": "12300000000000000000000000000456"}"#,
            r#"{"Id": null}"#,
            r#"{"Issued": null}"#,
            r#"{"Expires": "2025-03-01 00:00:00"}"#,
            r#"{"Seats": 1, "seats": "x"}"#,
        ] {
            assert!(upload(text).is_none(), "{text}");
        }
    }

    #[test]
    fn members_that_are_no_property_are_skipped_whatever_they_hold() {
        let license =
            upload(r#"{"Email": 5, "Extra": {"a": [1, {"b": null}]}, "Seats": 3}"#).unwrap();
        assert_eq!(license.number("Seats"), Some(3));
    }

    #[test]
    fn deeper_than_64_levels_is_no_license() {
        let nested = |levels: usize| {
            format!(
                "{{\"Extra\": {}{}}}",
                "[".repeat(levels - 1),
                "]".repeat(levels - 1)
            )
        };
        assert!(upload(&nested(64)).is_some());
        assert!(upload(&nested(65)).is_none());
    }

    #[test]
    fn uppercase_guids_and_every_iso_date_form_are_read() {
        let license = upload(
            r#"{"Id": "ABCDEF00-0000-0000-0000-000000000456", "Issued": "2025-03-01", "Expires": "2025-03-01T10:00+01"}"#,
        )
        .unwrap();
        assert_eq!(
            license.organization().id.to_string(),
            "abcdef00-0000-0000-0000-000000000456"
        );
        assert!(license.organization().expires.is_some());
    }
}
