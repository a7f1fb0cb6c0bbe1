//! The license files the server keeps (contract §5.3): `{LicenseDirectory}/organization/
//! {org id}.json` and `user/{user id}.json`, where `LicenseDirectory` is
//! `/etc/bitwarden/core/licenses` in the containers. A standard install mounts `bwdata/core`
//! there; Bitwarden Lite mounts its `bitwarden` volume at `/etc/bitwarden`, so in both the
//! folder is `core/licenses` below what is mounted. Read locally or over SSH with the same
//! reader as the installation.

use std::fs;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::error::AuditError;
use crate::installation::ssh::{fetch_licenses, SshTarget};

/// Where the files are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSource {
    /// A local license folder.
    Local(PathBuf),
    /// A remote bwdata folder (or env file, or license folder) read with `ssh`.
    Ssh(SshTarget),
}

/// Whose license a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Organization,
    User,
}

/// One stored license file, named by the self-hosted organization's or user's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub kind: FileKind,
    pub id: Uuid,
    pub path: String,
    /// `None` when the file exists but could not be read.
    pub bytes: Option<Vec<u8>>,
}

/// Every license file in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseStore {
    pub folder: String,
    pub files: Vec<StoredFile>,
}

impl LicenseStore {
    /// The stored file of this organization or user, if any.
    pub fn file(&self, kind: FileKind, id: Uuid) -> Option<&StoredFile> {
        self.files.iter().find(|f| f.kind == kind && f.id == id)
    }
}

/// The license folder of a local bwdata (or Lite data) folder: `core/licenses` below it,
/// or the folder itself when it already is one.
pub fn licenses_below(dir: &Path) -> PathBuf {
    let below = dir.join("core").join("licenses");
    let is_licenses = dir.join("organization").is_dir() || dir.join("user").is_dir();
    if below.is_dir() || !is_licenses {
        below
    } else {
        dir.to_path_buf()
    }
}

/// Reads every license file.
pub fn read(source: &StoreSource) -> Result<LicenseStore, AuditError> {
    match source {
        StoreSource::Local(folder) => read_local(folder),
        StoreSource::Ssh(target) => read_remote(target),
    }
}

fn read_local(folder: &Path) -> Result<LicenseStore, AuditError> {
    let shown = folder.display().to_string();
    match fs::metadata(folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(AuditError::LicenseFolderMissing { path: shown }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(AuditError::LicenseFolderMissing { path: shown })
        }
        Err(e) => {
            return Err(AuditError::LicenseFolderUnreadable {
                path: shown,
                reason: e.to_string(),
            })
        }
    }
    let mut files = Vec::new();
    for (kind, sub) in [
        (FileKind::Organization, "organization"),
        (FileKind::User, "user"),
    ] {
        let dir = folder.join(sub);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(AuditError::LicenseFolderUnreadable {
                    path: dir.display().to_string(),
                    reason: e.to_string(),
                })
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(id) = id_of(&path.to_string_lossy()) else {
                continue;
            };
            files.push(StoredFile {
                kind,
                id,
                path: path.display().to_string(),
                bytes: fs::read(&path).ok(),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(LicenseStore {
        folder: shown,
        files,
    })
}

fn read_remote(target: &SshTarget) -> Result<LicenseStore, AuditError> {
    let remote = fetch_licenses(target)?;
    let files = remote
        .files
        .into_iter()
        .filter_map(|(label, file)| {
            let kind = match label.as_str() {
                "organization" => FileKind::Organization,
                "user" => FileKind::User,
                _ => return None,
            };
            let id = id_of(&file.path)?;
            let ok = file.read_ok();
            Some(StoredFile {
                kind,
                id,
                path: format!("{}:{}", target.destination, file.path),
                bytes: ok.then_some(file.bytes),
            })
        })
        .collect();
    Ok(LicenseStore {
        folder: remote.folder,
        files,
    })
}

/// The id in a file name `{guid}.json`, as the server names them (`Guid.ToString()`).
fn id_of(path: &str) -> Option<Uuid> {
    let name = path.rsplit(['/', '\\']).next()?;
    let stem = name.strip_suffix(".json")?;
    let id = Uuid::parse_str(stem).ok()?;
    (id.hyphenated().to_string() == stem).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_named_like_the_server_names_them_are_licenses() {
        let id = "b0000000-0000-4000-8000-000000000001";
        assert!(id_of(&format!("/x/organization/{id}.json")).is_some());
        assert!(id_of(&format!("/x/organization/{id}.json.bak")).is_none());
        assert!(id_of(&format!("/x/organization/{}.json", id.to_uppercase())).is_none());
        assert!(id_of("/x/organization/notes.json").is_none());
    }

    #[test]
    fn a_bwdata_folder_and_a_license_folder_both_lead_to_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let licenses = dir.path().join("core/licenses");
        fs::create_dir_all(licenses.join("organization")).unwrap();
        let id = Uuid::new_v4();
        fs::write(licenses.join(format!("organization/{id}.json")), b"{}").unwrap();
        assert_eq!(licenses_below(dir.path()), licenses);
        assert_eq!(licenses_below(&licenses), licenses);
        let store = read(&StoreSource::Local(licenses)).unwrap();
        assert_eq!(store.files.len(), 1);
        assert!(store.file(FileKind::Organization, id).is_some());
    }
}
