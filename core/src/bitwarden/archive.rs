//! Every license this tool replaces or sends is kept, with a timestamp, in the data folder
//! (`licenses/<server>/<organization or premium>/`), so no license is ever lost: the one
//! being replaced (`…-replaced.json`), the one being sent (`…-new.json`, renamed
//! `…-applied.json` once the server accepted it).

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::errors::BitwardenError;
use super::folders::{create_private_dir, write_private_file};

/// Whose license: an organization on the server, or a user's premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseOwner {
    Organization(Uuid),
    Premium(Uuid),
}

impl LicenseOwner {
    fn folder(self) -> String {
        match self {
            LicenseOwner::Organization(id) => format!("organization-{}", id.hyphenated()),
            LicenseOwner::Premium(id) => format!("premium-{}", id.hyphenated()),
        }
    }

    /// The owner a folder name stands for (the inverse of [`LicenseOwner::folder`]).
    fn from_folder(name: &str) -> Option<LicenseOwner> {
        if let Some(id) = name.strip_prefix("organization-") {
            return Uuid::parse_str(id).ok().map(LicenseOwner::Organization);
        }
        let id = name.strip_prefix("premium-")?;
        Uuid::parse_str(id).ok().map(LicenseOwner::Premium)
    }
}

/// What an archived copy was: the license replaced, one sent (and not accepted), or one
/// the server accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArchivedRole {
    Replaced,
    New,
    Applied,
}

/// One archived license of one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedLicense {
    pub owner: LicenseOwner,
    pub role: ArchivedRole,
    /// When it was kept (from its file name, to the millisecond).
    pub at: DateTime<Utc>,
    pub path: PathBuf,
}

/// The license archive.
#[derive(Debug, Clone)]
pub struct Archive {
    root: PathBuf,
}

impl Archive {
    pub fn new(root: PathBuf) -> Archive {
        Archive { root }
    }

    /// The folder of one license owner on one server.
    pub fn folder(&self, server: &str, owner: LicenseOwner) -> PathBuf {
        self.root.join(server_folder(server)).join(owner.folder())
    }

    /// The license most recently applied through this tool, if any.
    pub fn last_applied(&self, server: &str, owner: LicenseOwner) -> Option<PathBuf> {
        let folder = self.folder(server, owner);
        let mut applied: Vec<PathBuf> = fs::read_dir(&folder)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with("-applied.json"))
            .collect();
        applied.sort();
        applied.pop()
    }

    /// Every license kept for one server, newest first.
    pub fn history(&self, server: &str) -> Vec<ArchivedLicense> {
        let Ok(owners) = fs::read_dir(self.root.join(server_folder(server))) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for owner_dir in owners.filter_map(Result::ok) {
            let Some(owner) = LicenseOwner::from_folder(&owner_dir.file_name().to_string_lossy())
            else {
                continue;
            };
            let Ok(files) = fs::read_dir(owner_dir.path()) else {
                continue;
            };
            for file in files.filter_map(Result::ok) {
                let name = file.file_name().to_string_lossy().into_owned();
                if let Some((at, role)) = parse_kept_name(&name) {
                    found.push(ArchivedLicense {
                        owner,
                        role,
                        at,
                        path: file.path(),
                    });
                }
            }
        }
        found.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.path.cmp(&a.path)));
        found
    }

    /// Keeps a copy; `role` is `replaced` or `new`.
    pub fn keep(
        &self,
        server: &str,
        owner: LicenseOwner,
        at: DateTime<Utc>,
        role: &str,
        bytes: &[u8],
    ) -> Result<PathBuf, BitwardenError> {
        let folder = self.folder(server, owner);
        create_private_dir(&folder)?;
        let stamp = at.format("%Y%m%dT%H%M%S%.3fZ");
        let mut path = folder.join(format!("{stamp}-{role}.json"));
        let mut n = 2;
        while path.exists() {
            path = folder.join(format!("{stamp}-{n}-{role}.json"));
            n += 1;
        }
        write_private_file(&path, bytes)?;
        Ok(path)
    }

    /// Marks a kept `…-new.json` as accepted by the server.
    pub fn mark_applied(&self, new: &Path) -> Result<PathBuf, BitwardenError> {
        let name = new.to_string_lossy();
        let applied = PathBuf::from(match name.strip_suffix("-new.json") {
            Some(stem) => format!("{stem}-applied.json"),
            None => format!("{name}-applied.json"),
        });
        fs::rename(new, &applied).map_err(|e| BitwardenError::file("rename", new, e))?;
        Ok(applied)
    }
}

/// The time and role in a kept file's name (`20250101T000000.000Z[-2]-applied.json`).
fn parse_kept_name(name: &str) -> Option<(DateTime<Utc>, ArchivedRole)> {
    let stem = name.strip_suffix(".json")?;
    let (rest, role) = if let Some(rest) = stem.strip_suffix("-applied") {
        (rest, ArchivedRole::Applied)
    } else if let Some(rest) = stem.strip_suffix("-replaced") {
        (rest, ArchivedRole::Replaced)
    } else {
        (stem.strip_suffix("-new")?, ArchivedRole::New)
    };
    let stamp = rest.split('-').next()?;
    let at = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.3fZ").ok()?;
    Some((at.and_utc(), role))
}

/// A folder name for a server URL: its host, port and path, with anything else replaced.
fn server_folder(server: &str) -> String {
    let without_scheme = server.split_once("://").map_or(server, |(_, rest)| rest);
    let name: String = without_scheme
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        format!("server{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_folders_keep_host_port_and_path_and_nothing_else() {
        assert_eq!(
            server_folder("https://vault.example.com:8443/bw"),
            "vault.example.com_8443_bw"
        );
        assert_eq!(server_folder("http://127.0.0.1:4000"), "127.0.0.1_4000");
        assert_eq!(server_folder("https://../../etc"), "server.._.._etc");
    }

    #[test]
    fn the_last_applied_license_is_the_newest_accepted_one() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::new(dir.path().to_path_buf());
        let owner = LicenseOwner::Organization(Uuid::nil());
        let server = "https://vault.example.com";
        let t1 = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let t2 = DateTime::parse_from_rfc3339("2025-02-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert!(archive.last_applied(server, owner).is_none());
        let first = archive.keep(server, owner, t1, "new", b"first").unwrap();
        let first = archive.mark_applied(&first).unwrap();
        let refused = archive
            .keep(server, owner, t2, "new", b"never applied")
            .unwrap();
        assert_eq!(archive.last_applied(server, owner), Some(first.clone()));
        let second = archive.mark_applied(&refused).unwrap();
        assert_eq!(archive.last_applied(server, owner), Some(second));
        assert_eq!(fs::read(first).unwrap(), b"first");
    }

    #[test]
    fn the_history_lists_every_kept_copy_newest_first_with_owner_and_role() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::new(dir.path().to_path_buf());
        let org = LicenseOwner::Organization(Uuid::from_u128(7));
        let premium = LicenseOwner::Premium(Uuid::from_u128(9));
        let server = "https://vault.example.com";
        let t1 = DateTime::parse_from_rfc3339("2025-01-01T10:00:00.250Z")
            .unwrap()
            .to_utc();
        let t2 = DateTime::parse_from_rfc3339("2025-03-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let replaced = archive.keep(server, org, t1, "replaced", b"old").unwrap();
        let sent = archive.keep(server, org, t1, "new", b"sent").unwrap();
        let applied = archive.mark_applied(&sent).unwrap();
        let refused = archive.keep(server, premium, t2, "new", b"no").unwrap();
        archive.keep("https://other", org, t2, "new", b"x").unwrap();
        fs::write(archive.folder(server, org).join("notes.txt"), b"").unwrap();

        let history = archive.history(server);
        let rows: Vec<_> = history
            .iter()
            .map(|h| (h.owner, h.role, h.at, h.path.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                (premium, ArchivedRole::New, t2, refused),
                (org, ArchivedRole::Replaced, t1, replaced),
                (org, ArchivedRole::Applied, t1, applied),
            ]
        );
        assert!(archive.history("https://nowhere").is_empty());
    }

    #[test]
    fn two_copies_in_the_same_millisecond_both_survive() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::new(dir.path().to_path_buf());
        let owner = LicenseOwner::Premium(Uuid::nil());
        let at = Utc::now();
        let a = archive
            .keep("https://v", owner, at, "replaced", b"a")
            .unwrap();
        let b = archive
            .keep("https://v", owner, at, "replaced", b"b")
            .unwrap();
        assert_ne!(a, b);
        assert_eq!(fs::read(a).unwrap(), b"a");
        assert_eq!(fs::read(b).unwrap(), b"b");
    }
}
