//! Downloading licenses from Bitwarden cloud (contract §4.1) and saving them without ever
//! losing a file: the answer's bytes are saved untouched, and an existing file of the same
//! name is first renamed `FILE.bak-<timestamp>`.

use crate::messages::Phrase;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use uuid::Uuid;

use super::errors::{BitwardenError, FileAction};
use super::http::Body;
use super::session::Session;
use crate::files::{self, Access};
use crate::license::{parse, ParsedLicense};

/// The file name the web vault gives an organization license.
pub const ORGANIZATION_LICENSE_FILE: &str = "bitwarden_organization_license.json";
/// The file name the web vault gives a premium license.
pub const PREMIUM_LICENSE_FILE: &str = "bitwarden_premium_license.json";

/// A downloaded license: the bytes as the cloud sent them, and what they say.
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub bytes: Vec<u8>,
    pub license: ParsedLicense,
}

/// `GET {api}/organizations/{org}/license?installationId={id}` (Owner only, else 404).
pub async fn download_organization_license(
    session: &Session,
    org: Uuid,
    installation_id: Uuid,
) -> Result<Downloaded, BitwardenError> {
    let mut url = session
        .endpoints()
        .api_url(&format!("/organizations/{}/license", org.hyphenated()))?;
    url.query_pairs_mut()
        .append_pair("installationId", &installation_id.hyphenated().to_string());
    download(
        session,
        url,
        &Phrase::new("asked.organization_on")
            .with("id", org.hyphenated())
            .with("server", session.endpoints().label()),
    )
    .await
}

/// `GET {api}/account/billing/vnext/license`: the signed-in user's premium license.
pub async fn download_premium_license(session: &Session) -> Result<Downloaded, BitwardenError> {
    let url = session
        .endpoints()
        .api_url("/account/billing/vnext/license")?;
    download(session, url, &Phrase::new("asked.premium_license")).await
}

async fn download(
    session: &Session,
    url: reqwest::Url,
    what: &Phrase,
) -> Result<Downloaded, BitwardenError> {
    let reply = session.call(Method::GET, url, Body::Empty).await?;
    if !reply.status.is_success() {
        return Err(super::replies::api_error(&reply, what, None));
    }
    let license = parse(&reply.body).map_err(|e| BitwardenError::UnexpectedAnswer {
        url: reply.url.to_string(),
        detail: Phrase::new("answer_fault.not_license").with_words("detail", e.phrase()),
    })?;
    Ok(Downloaded {
        bytes: reply.body,
        license,
    })
}

/// Where a license was saved, and where the file it replaced went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Saved {
    pub path: PathBuf,
    pub backup: Option<PathBuf>,
    pub bytes: usize,
}

/// Saves bytes to `path`. An existing file is renamed `path.bak-<timestamp>` first (never
/// overwritten); the new file is written beside it and renamed into place.
pub fn save_keeping_old(
    path: &Path,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<Saved, BitwardenError> {
    let staged = files::stage(path, bytes, Access::Default)
        .map_err(|e| BitwardenError::file(FileAction::Write, path, e))?;
    let backup = if fs::symlink_metadata(path).is_ok() {
        let backup = backup_name(path, now);
        fs::rename(path, &backup)
            .map_err(|e| BitwardenError::file(FileAction::KeepBackup, path, e))?;
        Some(backup)
    } else {
        None
    };
    staged
        .commit()
        .map_err(|e| BitwardenError::file(FileAction::Write, path, e))?;
    Ok(Saved {
        path: path.to_path_buf(),
        backup,
        bytes: bytes.len(),
    })
}

/// `FILE.bak-20250601T120000Z`, with a counter if that exists too.
fn backup_name(path: &Path, now: DateTime<Utc>) -> PathBuf {
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let base = format!("{}.bak-{stamp}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 2;
    while fs::symlink_metadata(&candidate).is_ok() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_file_is_renamed_to_a_backup_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(ORGANIZATION_LICENSE_FILE);
        let now = DateTime::parse_from_rfc3339("2025-06-01T12:00:00Z")
            .unwrap()
            .to_utc();
        let first = save_keeping_old(&path, b"old license", now).unwrap();
        assert_eq!(first.backup, None);
        let second = save_keeping_old(&path, b"new license", now).unwrap();
        let backup = second.backup.unwrap();
        assert!(backup
            .to_string_lossy()
            .ends_with("bitwarden_organization_license.json.bak-20250601T120000Z"));
        assert_eq!(fs::read(&backup).unwrap(), b"old license");
        assert_eq!(fs::read(&path).unwrap(), b"new license");
        let third = save_keeping_old(&path, b"newest", now).unwrap();
        assert!(third.backup.unwrap().to_string_lossy().ends_with("-2"));
        assert_eq!(fs::read(&backup).unwrap(), b"old license");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let missing_parent = dir.path().join("no/such/folder/license.json");
        let now = Utc::now();
        let err = save_keeping_old(&missing_parent, b"x", now).unwrap_err();
        assert!(matches!(err, BitwardenError::File { .. }));
    }
}
