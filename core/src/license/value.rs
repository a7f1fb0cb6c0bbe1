//! How each C# property type is read from JSON (System.Text.Json's rules: numbers only for
//! numbers and enums, exact `D`-format GUIDs, `null` only for nullable types) and rendered
//! into canonical data (`CoreHelpers.FormatLicenseSignatureValue`, contract §1.4).

use serde_json::Value;
use uuid::Uuid;

use super::dates::NetDateTime;
use super::model::{PlanType, LICENSE_TYPE_ORGANIZATION, LICENSE_TYPE_USER};

/// Why one JSON value does not fit its property; the parser adds the field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldProblem {
    Null,
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    NotInteger(String),
    OutOfRange {
        value: String,
        min: i64,
        max: i64,
    },
    BadGuid(String),
    BadDate {
        value: String,
        reason: String,
    },
}

/// A property type of a license class.
pub(crate) trait FieldValue: Sized {
    /// Reads the value as the server's JSON reader would.
    fn from_json(value: &Value) -> Result<Self, FieldProblem>;
    /// The text this value contributes to the canonical data.
    fn render(&self) -> String;
    /// The value as the cloud writes it into a token claim (`None`: no claim).
    fn claim_text(&self) -> Option<String>;
    /// Reads a claim as the server's `GetValue<T>` does: a missing or unreadable claim
    /// gives the type's default.
    fn from_claim(text: Option<&str>) -> Self;
    /// The value when it is a boolean switch.
    fn as_flag(&self) -> Option<bool> {
        None
    }
}

/// Reads a claim of a non-nullable type: default when missing or unreadable.
fn claim_or_default<T: Default>(text: Option<&str>, parse: impl Fn(&str) -> Option<T>) -> T {
    text.and_then(|t| parse(t.trim())).unwrap_or_default()
}

/// The JSON type of a value, for messages.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expect<'a, T>(
    value: &'a Value,
    expected: &'static str,
    pick: impl Fn(&'a Value) -> Option<T>,
) -> Result<T, FieldProblem> {
    match value {
        Value::Null => Err(FieldProblem::Null),
        other => pick(other).ok_or(FieldProblem::WrongType {
            expected,
            found: json_type(other),
        }),
    }
}

/// A JSON number as an integer within `min..=max`.
fn integer(value: &Value, min: i64, max: i64) -> Result<i64, FieldProblem> {
    let number = expect(value, "a number", Value::as_number)?;
    let out_of_range = || FieldProblem::OutOfRange {
        value: number.to_string(),
        min,
        max,
    };
    let whole = match (number.as_i64(), number.as_u64(), number.as_f64()) {
        (Some(n), _, _) => n,
        (None, Some(_), _) => return Err(out_of_range()),
        // A whole number too large for 64 bits is out of range; anything else with a
        // decimal point or exponent is not an integer to the server's reader.
        (None, None, Some(f)) if f.fract() == 0.0 && (f < min as f64 || f > max as f64) => {
            return Err(out_of_range())
        }
        _ => return Err(FieldProblem::NotInteger(number.to_string())),
    };
    if (min..=max).contains(&whole) {
        Ok(whole)
    } else {
        Err(out_of_range())
    }
}

impl FieldValue for bool {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        expect(value, "true or false", Value::as_bool)
    }
    fn render(&self) -> String {
        self.to_string()
    }
    fn claim_text(&self) -> Option<String> {
        Some(if *self { "True" } else { "False" }.to_owned())
    }
    fn from_claim(text: Option<&str>) -> Self {
        claim_or_default(text, |t| match t.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
    }
    fn as_flag(&self) -> Option<bool> {
        Some(*self)
    }
}

impl FieldValue for String {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        expect(value, "a string", |v| v.as_str().map(str::to_owned))
    }
    fn render(&self) -> String {
        self.clone()
    }
    fn claim_text(&self) -> Option<String> {
        Some(self.clone())
    }
    fn from_claim(text: Option<&str>) -> Self {
        text.unwrap_or_default().to_owned()
    }
}

impl FieldValue for i32 {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        integer(value, i32::MIN.into(), i32::MAX.into()).map(|n| n as i32)
    }
    fn render(&self) -> String {
        self.to_string()
    }
    fn claim_text(&self) -> Option<String> {
        Some(self.to_string())
    }
    fn from_claim(text: Option<&str>) -> Self {
        claim_or_default(text, |t| t.parse().ok())
    }
}

impl FieldValue for i16 {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        integer(value, i16::MIN.into(), i16::MAX.into()).map(|n| n as i16)
    }
    fn render(&self) -> String {
        self.to_string()
    }
    fn claim_text(&self) -> Option<String> {
        Some(self.to_string())
    }
    fn from_claim(text: Option<&str>) -> Self {
        claim_or_default(text, |t| t.parse().ok())
    }
}

/// `LicenseType` is a byte enum read as a number; any byte value is accepted by the reader.
impl FieldValue for u8 {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        integer(value, 0, 255).map(|n| n as u8)
    }
    fn render(&self) -> String {
        self.to_string()
    }
    fn claim_text(&self) -> Option<String> {
        Some(self.to_string())
    }
    /// `Enum.TryParse(ignoreCase)`: the number or the name (`User`, `Organization`).
    fn from_claim(text: Option<&str>) -> Self {
        claim_or_default(text, |t| match t.to_ascii_lowercase().as_str() {
            "user" => Some(LICENSE_TYPE_USER),
            "organization" => Some(LICENSE_TYPE_ORGANIZATION),
            number => number.parse().ok(),
        })
    }
}

impl FieldValue for PlanType {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        u8::from_json(value).map(PlanType)
    }
    fn render(&self) -> String {
        self.canonical_name()
    }
    fn claim_text(&self) -> Option<String> {
        Some(self.0.to_string())
    }
    /// `Enum.TryParse(ignoreCase)`: the number or the enum name.
    fn from_claim(text: Option<&str>) -> Self {
        claim_or_default(text, |t| {
            t.parse()
                .ok()
                .map(PlanType)
                .or_else(|| PlanType::from_name(t))
        })
    }
}

/// GUIDs: System.Text.Json accepts only the hyphenated `D` format; rendered lowercase.
impl FieldValue for Uuid {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        let text = expect(value, "a GUID string", Value::as_str)?;
        parse_guid(text).ok_or_else(|| FieldProblem::BadGuid(text.to_owned()))
    }
    fn render(&self) -> String {
        self.hyphenated().to_string()
    }
    fn claim_text(&self) -> Option<String> {
        Some(self.render())
    }
    /// `Guid.TryParse` accepts the usual GUID spellings.
    fn from_claim(text: Option<&str>) -> Self {
        claim_or_default(text, |t| Uuid::try_parse(t).ok())
    }
}

/// A `D`-format GUID (`8-4-4-4-12` hex digits), any letter case.
pub(crate) fn parse_guid(text: &str) -> Option<Uuid> {
    let hyphens_ok = text.len() == 36
        && text
            .char_indices()
            .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'));
    if hyphens_ok {
        Uuid::try_parse(text).ok()
    } else {
        None
    }
}

impl FieldValue for NetDateTime {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        let text = expect(value, "a date string", Value::as_str)?;
        NetDateTime::parse_iso(text).map_err(|problem| FieldProblem::BadDate {
            value: text.to_owned(),
            reason: problem.0,
        })
    }
    fn render(&self) -> String {
        self.canonical_seconds().to_string()
    }
    fn claim_text(&self) -> Option<String> {
        Some(self.to_claim())
    }
    fn from_claim(text: Option<&str>) -> Self {
        claim_or_default(text, NetDateTime::parse_claim)
    }
}

/// Nullable types: JSON `null` is `None`, rendered as the empty string.
impl<T: FieldValue> FieldValue for Option<T> {
    fn from_json(value: &Value) -> Result<Self, FieldProblem> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
    fn render(&self) -> String {
        self.as_ref().map(T::render).unwrap_or_default()
    }
    fn claim_text(&self) -> Option<String> {
        self.as_ref().and_then(T::claim_text)
    }
    /// A missing claim is `null`; a present one is read as the inner type.
    fn from_claim(text: Option<&str>) -> Self {
        text.map(|t| T::from_claim(Some(t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_must_be_whole_and_in_range() {
        assert_eq!(i16::from_json(&json!(100)), Ok(100));
        assert!(matches!(
            i16::from_json(&json!(40000)),
            Err(FieldProblem::OutOfRange { .. })
        ));
        assert!(matches!(
            i32::from_json(&json!(10.5)),
            Err(FieldProblem::NotInteger(_))
        ));
        assert!(matches!(
            i32::from_json(&json!(18446744073709551615u64)),
            Err(FieldProblem::OutOfRange { .. })
        ));
        assert!(matches!(
            i32::from_json(&json!("10")),
            Err(FieldProblem::WrongType { .. })
        ));
    }

    #[test]
    fn null_is_refused_only_for_non_nullable_types() {
        assert_eq!(bool::from_json(&Value::Null), Err(FieldProblem::Null));
        assert_eq!(Option::<bool>::from_json(&Value::Null), Ok(None));
        assert_eq!(Option::<i32>::None.render(), "");
    }

    #[test]
    fn guids_must_be_hyphenated_and_render_lowercase() {
        let g = Uuid::from_json(&json!("12300000-0000-0000-0000-00000000ABCD")).unwrap();
        assert_eq!(g.render(), "12300000-0000-0000-0000-00000000abcd");
        for bad in [
            "123000000000000000000000000000000456",
            "{12300000-0000-0000-0000-000000000456}",
            "12300000-0000-0000-0000-00000000045g",
        ] {
            assert!(Uuid::from_json(&json!(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn plan_types_render_legacy_names_below_seven() {
        assert_eq!(
            PlanType::from_json(&json!(5)).unwrap().render(),
            "EnterpriseAnnually"
        );
        assert_eq!(PlanType::from_json(&json!(20)).unwrap().render(), "20");
        assert!(PlanType::from_json(&json!(256)).is_err());
    }
}
