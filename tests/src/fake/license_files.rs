//! The self-hosted license directory (contract §5.3): `organization/{id}.json` and
//! `user/{id}.json`, written as System.Text.Json does with default options: PascalCase
//! names, two-space indentation, and the default encoder's escapes (`+` becomes `\u002B`
//! inside base64, HTML-sensitive characters and non-ASCII are escaped too).

use std::io::Write;
use std::path::{Path, PathBuf};

use companion_core::license::{parse, License};
use uuid::Uuid;

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
    /// Stores `license` as an organization's license file the way an upload writes it, but
    /// without the upload's checks or database update: what copying a file into
    /// `bwdata/core/licenses` by hand does.
    pub fn store_organization_license_file(
        &self,
        org: Uuid,
        license: &License,
    ) -> std::io::Result<()> {
        write_organization(&self.license_dir(), org, license)
    }

    /// Stores `license` as a user's premium license file, the same way.
    pub fn store_user_license_file(&self, user: Uuid, license: &License) -> std::io::Result<()> {
        write_user(&self.license_dir(), user, license)
    }
}

/// Reads an organization license file back, as `ReadOrganizationLicenseAsync` does.
pub(crate) fn read_organization(dir: &Path, org: Uuid) -> Option<License> {
    let bytes = std::fs::read(organization_path(dir, org)).ok()?;
    parse(&bytes).ok().map(|parsed| parsed.license)
}

/// The license as the server serializes it to disk. The object is flat, so every member
/// starts a line of the pretty output and only its first letter changes case.
pub(crate) fn server_json(license: &License) -> String {
    let camel = serde_json::to_string_pretty(license).unwrap_or_default();
    let pascal: Vec<String> = camel
        .lines()
        .map(|line| match line.strip_prefix("  \"") {
            Some(rest) => format!("  \"{}", upper_first(rest)),
            None => line.to_owned(),
        })
        .collect();
    escape_like_dotnet(&pascal.join("\n"))
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
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
    use companion_core::license::OrganizationLicense;

    #[test]
    fn files_are_pascal_case_indented_and_escaped_like_the_server() {
        let license = License::Organization(OrganizationLicense {
            name: Some("Café <Acme>".into()),
            signature: Some("ab+cd/==".into()),
            version: 15,
            ..Default::default()
        });
        let text = server_json(&license);
        assert!(text.starts_with("{\n  \"LicenseKey\": null,"), "{text}");
        assert!(text.contains("\"Use2fa\": false"), "{text}");
        assert!(text.contains("\"Signature\": \"ab\\u002Bcd/==\""), "{text}");
        assert!(text.contains("Caf\\u00E9 \\u003CAcme\\u003E"), "{text}");
        let back = parse(text.as_bytes()).unwrap().license;
        assert_eq!(back, license);
    }
}
