//! Reading a stored file back as the job does (`LicensingService.Read*License*`):
//! System.Text.Json with default options. That reader skips a UTF-8 BOM (the stream reader
//! for organizations, `File.ReadAllText` for users), refuses anything after the object
//! (Bitwarden server issue #2082's stray bytes) and a cut-off object, and matches names
//! case-sensitively, so the camelCase file the web vault downloads, copied into the folder
//! by hand, reads as an empty license. The parsing itself is the license module's.

use serde_json::{Map, Value};

use super::verdict::Finding;
use crate::error::Explain;
use crate::license::{parse, FieldSpec, ParsedLicense};

/// The license as the job reads it, or why it cannot (the job then throws on it).
pub fn read_back(bytes: &[u8]) -> Result<ParsedLicense, Finding> {
    let parsed = parse(bytes).map_err(|e| Finding::Unreadable {
        problem: e.problem(),
    })?;
    let names = misspelled(&parsed.raw, parsed.license.fields());
    if names.is_empty() {
        Ok(parsed)
    } else {
        Err(Finding::NamesNotPascalCase { names })
    }
}

/// Member names the server would not recognise because only their case differs.
fn misspelled(raw: &[u8], fields: &[FieldSpec]) -> Vec<String> {
    let body = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let Ok(members) = serde_json::from_slice::<Map<String, Value>>(body) else {
        return Vec::new();
    };
    members
        .keys()
        .filter(|key| {
            fields
                .iter()
                .any(|f| f.name.eq_ignore_ascii_case(key) && f.name != key.as_str())
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"LicenseKey":"k","InstallationId":"78900000-0000-0000-0000-000000000123","Id":"12300000-0000-0000-0000-000000000456","Enabled":true,"SelfHost":true,"Version":15,"LicenseType":1}"#;

    #[test]
    fn a_bom_is_read_as_dotnet_reads_it() {
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), GOOD.as_bytes()].concat();
        assert!(read_back(&with_bom).is_ok());
    }

    #[test]
    fn stray_bytes_after_the_closing_brace_make_the_file_unreadable_issue_2082() {
        let stray = format!("{GOOD}\n}}");
        match read_back(stray.as_bytes()) {
            Err(Finding::Unreadable { problem }) => assert_eq!(problem.code, "trailing_data"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cut_off_file_is_unreadable() {
        match read_back(&GOOD.as_bytes()[..GOOD.len() - 10]) {
            Err(Finding::Unreadable { problem }) => assert_eq!(problem.code, "json_truncated"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn camel_case_names_are_not_the_server_s_own_file() {
        let camel = GOOD.replace("\"LicenseKey\"", "\"licenseKey\"");
        match read_back(camel.as_bytes()) {
            Err(Finding::NamesNotPascalCase { names }) => assert_eq!(names, ["licenseKey"]),
            other => panic!("{other:?}"),
        }
    }
}
