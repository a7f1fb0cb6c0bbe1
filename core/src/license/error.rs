//! Why a file could not be read as a license at all. Each cause has its own stable code so
//! the app can explain it; a file that parses but would be refused is not an error here but a
//! failed check in the inspection.

use crate::error::{Explain, Words};
use crate::messages::Phrase;

/// The server's upload limit for the request body (`ApiHelpers.ReadJsonFileFromBody`).
pub const MAX_LICENSE_BYTES: usize = 51_200;

/// A license file that cannot be parsed, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    #[error("The file is empty.")]
    Empty,
    #[error("The file is {size} bytes; the server refuses license uploads over {MAX_LICENSE_BYTES} bytes.")]
    TooLarge { size: usize },
    #[error("The file is UTF-16 text; the server reads license files as UTF-8 only.")]
    Utf16,
    #[error("The file is not UTF-8 text (invalid byte at line {line}, column {column}).")]
    NotUtf8 { line: usize, column: usize },
    #[error("The file is not valid JSON: {detail} at line {line}, column {column}.")]
    Syntax {
        detail: String,
        line: usize,
        column: usize,
    },
    #[error("The JSON ends too early (line {line}, column {column}): the file looks cut off.")]
    Truncated { line: usize, column: usize },
    #[error("The JSON nests too deeply at line {line}, column {column}.")]
    TooDeep { line: usize, column: usize },
    #[error(
        "There is extra text after the license's JSON object at line {line}, column {column}."
    )]
    TrailingData { line: usize, column: usize },
    #[error("The file holds JSON {found}, not a license object.")]
    NotAnObject { found: &'static str },
    #[error("The JSON object is neither an organization nor a premium license: it has no LicenseType and none of their properties.")]
    UnknownKind,
    #[error("The JSON object mixes organization properties ({organization}) and premium properties ({user}) and has no LicenseType to tell which it is.")]
    AmbiguousKind { organization: String, user: String },
    #[error("\"{field}\" is null, but the server requires a value there.")]
    FieldNull { field: String },
    #[error("\"{field}\" should be {expected}, but it is {found}.")]
    FieldWrongType {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("\"{field}\" should be a whole number, but it is {value}.")]
    FieldNotInteger { field: String, value: String },
    #[error("\"{field}\" is {value}, outside the allowed range {min}..{max}.")]
    FieldOutOfRange {
        field: String,
        value: String,
        min: i64,
        max: i64,
    },
    #[error("\"{field}\" is \"{value}\", which is not a GUID like 12300000-0000-0000-0000-000000000456.")]
    FieldBadGuid { field: String, value: String },
    #[error("\"{field}\" is \"{value}\", which is not a date the server reads: {reason}.")]
    FieldBadDate {
        field: String,
        value: String,
        reason: String,
    },
}

impl Explain for LicenseError {
    fn code(&self) -> &'static str {
        match self {
            LicenseError::Empty => "empty_file",
            LicenseError::TooLarge { .. } => "file_too_large",
            LicenseError::Utf16 => "utf16_encoding",
            LicenseError::NotUtf8 { .. } => "not_utf8",
            LicenseError::Syntax { .. } => "json_syntax",
            LicenseError::Truncated { .. } => "json_truncated",
            LicenseError::TooDeep { .. } => "json_too_deep",
            LicenseError::TrailingData { .. } => "trailing_data",
            LicenseError::NotAnObject { .. } => "not_an_object",
            LicenseError::UnknownKind => "unknown_license_kind",
            LicenseError::AmbiguousKind { .. } => "ambiguous_license_kind",
            LicenseError::FieldNull { .. } => "field_null",
            LicenseError::FieldWrongType { .. } => "field_wrong_type",
            LicenseError::FieldNotInteger { .. } => "field_not_integer",
            LicenseError::FieldOutOfRange { .. } => "field_out_of_range",
            LicenseError::FieldBadGuid { .. } => "field_bad_guid",
            LicenseError::FieldBadDate { .. } => "field_bad_date",
        }
    }

    /// `license_error.<code>` with the variant's values, then its advice and, except for
    /// UTF-16 (which only needs saving again), the way to a clean copy.
    fn words(&self) -> Option<Words> {
        let code = self.code();
        let advice = match self {
            LicenseError::FieldNull { .. }
            | LicenseError::FieldWrongType { .. }
            | LicenseError::FieldNotInteger { .. }
            | LicenseError::FieldOutOfRange { .. }
            | LicenseError::FieldBadGuid { .. }
            | LicenseError::FieldBadDate { .. } => "license_error.field.advice".to_owned(),
            _ => format!("license_error.{code}.advice"),
        };
        let mut advice = vec![Phrase::new(advice)];
        if !matches!(self, LicenseError::Utf16) {
            advice.push(Phrase::new("license_error.redownload"));
        }
        Some(Words {
            message: vec![self.phrase()],
            advice,
        })
    }
}

impl LicenseError {
    /// What is wrong, as one catalog phrase (the English is this error's `Display`).
    pub fn phrase(&self) -> Phrase {
        let phrase = Phrase::new(format!("license_error.{}", self.code()));
        match self {
            LicenseError::Empty | LicenseError::Utf16 | LicenseError::UnknownKind => phrase,
            LicenseError::TooLarge { size } => {
                phrase.with("size", size).with("max", MAX_LICENSE_BYTES)
            }
            LicenseError::NotUtf8 { line, column }
            | LicenseError::Truncated { line, column }
            | LicenseError::TooDeep { line, column }
            | LicenseError::TrailingData { line, column } => {
                phrase.with("line", line).with("column", column)
            }
            LicenseError::Syntax {
                detail,
                line,
                column,
            } => phrase
                .with("detail", detail)
                .with("line", line)
                .with("column", column),
            LicenseError::NotAnObject { found } => phrase.with("found", found),
            LicenseError::AmbiguousKind { organization, user } => {
                phrase.with("organization", organization).with("user", user)
            }
            LicenseError::FieldNull { field } => phrase.with("field", field),
            LicenseError::FieldWrongType {
                field,
                expected,
                found,
            } => phrase
                .with("field", field)
                .with("expected", expected)
                .with("found", found),
            LicenseError::FieldNotInteger { field, value }
            | LicenseError::FieldBadGuid { field, value } => {
                phrase.with("field", field).with("value", value)
            }
            LicenseError::FieldOutOfRange {
                field,
                value,
                min,
                max,
            } => phrase
                .with("field", field)
                .with("value", value)
                .with("min", min)
                .with("max", max),
            LicenseError::FieldBadDate {
                field,
                value,
                reason,
            } => phrase
                .with("field", field)
                .with("value", value)
                .with("reason", reason),
        }
    }
}
