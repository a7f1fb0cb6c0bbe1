//! The self-hosted license directory (contract §5.3): `organization/{id}.json` and
//! `user/{id}.json`, written as System.Text.Json does with default options: every property
//! of the class in declaration order, PascalCase names, two-space indentation, and the
//! default encoder's escapes (`+` becomes `\u002B` inside base64, HTML-sensitive
//! characters and non-ASCII are escaped too).

use std::io::{Error, ErrorKind, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use uuid::Uuid;

use super::license_model::License;
use super::license_reader;
use super::licensing::Class;

/// The organization license file's path.
pub(crate) fn organization_path(dir: &Path, org: Uuid) -> PathBuf {
    dir.join("organization")
        .join(format!("{}.json", org.hyphenated()))
}

/// The premium license file's path.
pub(crate) fn user_path(dir: &Path, user: Uuid) -> PathBuf {
    dir.join("user").join(format!("{}.json", user.hyphenated()))
}

/// Writes an organization license (`FileMode.Create`: replaces the file).
pub(crate) fn write_organization(dir: &Path, org: Uuid, license: &License) -> std::io::Result<()> {
    let path = organization_path(dir, org);
    std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
    std::fs::write(path, server_json(license))
}

/// Writes a premium license with `File.OpenWrite`, which does not truncate: a shorter new
/// license leaves the tail of the old one behind, as on the real server.
pub(crate) fn write_user(dir: &Path, user: Uuid, license: &License) -> std::io::Result<()> {
    let path = user_path(dir, user);
    std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(server_json(license).as_bytes())
}

impl super::state::State {
    /// Stores a license file (e.g. as downloaded) as an organization's license file the
    /// way an upload writes it, but without the upload's checks or database update: what
    /// copying a file into `bwdata/core/licenses` by hand does.
    pub fn store_organization_license_file(&self, org: Uuid, file: &[u8]) -> std::io::Result<()> {
        write_organization(
            &self.license_dir(),
            org,
            &readable(file, Class::Organization)?,
        )
    }

    /// Stores a premium license file as a user's license file, the same way.
    pub fn store_user_license_file(&self, user: Uuid, file: &[u8]) -> std::io::Result<()> {
        write_user(&self.license_dir(), user, &readable(file, Class::User)?)
    }
}

/// A license file as an upload reads it, or why it cannot be stored.
fn readable(file: &[u8], class: Class) -> std::io::Result<License> {
    match license_reader::read_ignoring_case(file, class) {
        Ok(Some(license)) => Ok(license),
        Ok(None) => Err(Error::new(ErrorKind::InvalidData, "the file is null")),
        Err(e) => Err(Error::new(ErrorKind::InvalidData, e)),
    }
}

/// Reads an organization license file back, as `ReadOrganizationLicenseAsync` does (exact
/// PascalCase names); `None` when missing or unreadable.
pub(crate) fn read_organization(dir: &Path, org: Uuid) -> Option<License> {
    let bytes = std::fs::read(organization_path(dir, org)).ok()?;
    license_reader::read_exact(&bytes, Class::Organization)
        .ok()
        .flatten()
}

/// The license as the server serializes it to disk.
pub(crate) fn server_json(license: &License) -> String {
    let members: Vec<String> = license
        .members()
        .into_iter()
        .map(|(name, value)| format!("  {}: {value}", Value::from(name)))
        .collect();
    escape_like_dotnet(&format!("{{\n{}\n}}", members.join(",\n")))
}

/// The escapes of .NET's default `JavaScriptEncoder`. Outside strings the JSON has none of
/// these characters (no floats, no exponents), so escaping them everywhere is exact.
fn escape_like_dotnet(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '+' | '<' | '>' | '&' | '\'' | '`' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_pascal_case_indented_and_escaped_like_the_server() {
        let mut license = License::new(Class::Organization);
        license.set("Name", "Café <Acme>");
        license.set("Signature", "ab+cd/==");
        license.set("Version", 15);
        license.set("Expires", "2025-03-01T00:00:00.0000000Z");
        let text = server_json(&license);
        assert!(text.starts_with("{\n  \"LicenseKey\": null,\n"), "{text}");
        assert!(text.contains("\n  \"Use2fa\": false,\n"), "{text}");
        assert!(
            text.contains("\"Expires\": \"2025-03-01T00:00:00Z\""),
            "{text}"
        );
        assert!(text.contains("\"Signature\": \"ab\\u002Bcd/==\""), "{text}");
        assert!(text.contains("Caf\\u00E9 \\u003CAcme\\u003E"), "{text}");
        assert!(text.ends_with("\n  \"Token\": null\n}"), "{text}");
        let back = license_reader::read_exact(text.as_bytes(), Class::Organization)
            .unwrap()
            .unwrap();
        assert_eq!(back.organization(), license.organization());
        assert_eq!(back.text("Signature"), Some("ab+cd/=="));
    }
}
