//! Every license this tool replaces or sends is kept, with a timestamp, in the data folder
//! (`licenses/<server>/<organization or premium>/`), so no license is ever lost. Before a
//! send, the license in force is kept as `…-before.json` and the one being sent as
//! `…-new.json`; the server's answer then names them: accepted, they become `…-replaced`
//! and `…-applied`; refused, the new one becomes `…-refused` with the server's answer
//! beside it (`…-refused.txt`) and the one in force stays `…-before`; with no answer at
//! all, both keep their names.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::errors::{BitwardenError, FileAction};
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

/// What an archived copy was, as far as the server's answer tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ArchivedRole {
    /// The license in force when a send that was not accepted began (still in force).
    Before,
    /// The license in force until the server accepted another one.
    Replaced,
    /// Sent, with no answer from the server: it may or may not be in force.
    New,
    /// Sent and refused by the server (its answer is kept beside it).
    Refused,
    /// Accepted by the server.
    Applied,
}

impl ArchivedRole {
    const ALL: [ArchivedRole; 5] = [
        ArchivedRole::Before,
        ArchivedRole::Replaced,
        ArchivedRole::New,
        ArchivedRole::Refused,
        ArchivedRole::Applied,
    ];

    /// The role's part of a file name (`…-applied.json`).
    fn suffix(self) -> &'static str {
        match self {
            ArchivedRole::Before => "before",
            ArchivedRole::Replaced => "replaced",
            ArchivedRole::New => "new",
            ArchivedRole::Refused => "refused",
            ArchivedRole::Applied => "applied",
        }
    }

    /// Whether the server held this license at some point, so restoring it makes sense.
    pub fn was_in_force(self) -> bool {
        matches!(
            self,
            ArchivedRole::Before | ArchivedRole::Replaced | ArchivedRole::Applied
        )
    }
}

/// One archived license of one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedLicense {
    pub owner: LicenseOwner,
    pub role: ArchivedRole,
    /// When it was kept (from its file name, to the millisecond).
    pub at: DateTime<Utc>,
    pub path: PathBuf,
    /// The server's answer to a refused send.
    pub answer: Option<String>,
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
                    let path = file.path();
                    let answer = (role == ArchivedRole::Refused)
                        .then(|| fs::read_to_string(answer_file(&path)).ok())
                        .flatten();
                    found.push(ArchivedLicense {
                        owner,
                        role,
                        at,
                        path,
                        answer,
                    });
                }
            }
        }
        found.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.path.cmp(&a.path)));
        found
    }

    /// Keeps a copy as `role` (a license is kept as [`ArchivedRole::Before`] or
    /// [`ArchivedRole::New`]; the answer renames it).
    pub fn keep(
        &self,
        server: &str,
        owner: LicenseOwner,
        at: DateTime<Utc>,
        role: ArchivedRole,
        bytes: &[u8],
    ) -> Result<PathBuf, BitwardenError> {
        let folder = self.folder(server, owner);
        create_private_dir(&folder)?;
        let stamp = at.format("%Y%m%dT%H%M%S%.3fZ");
        let role = role.suffix();
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
        rename_role(new, ArchivedRole::New, ArchivedRole::Applied)
    }

    /// Marks a kept `…-before.json` as replaced, once the server accepted the new one.
    pub fn mark_replaced(&self, before: &Path) -> Result<PathBuf, BitwardenError> {
        rename_role(before, ArchivedRole::Before, ArchivedRole::Replaced)
    }

    /// Marks a kept `…-new.json` as refused and keeps the server's answer beside it.
    pub fn mark_refused(&self, new: &Path, answer: &str) -> Result<PathBuf, BitwardenError> {
        let refused = rename_role(new, ArchivedRole::New, ArchivedRole::Refused)?;
        write_private_file(&answer_file(&refused), answer.as_bytes())?;
        Ok(refused)
    }
}

/// Renames `…-<from>.json` to `…-<to>.json`.
fn rename_role(
    path: &Path,
    from: ArchivedRole,
    to: ArchivedRole,
) -> Result<PathBuf, BitwardenError> {
    let name = path.to_string_lossy();
    let suffix = format!("-{}.json", from.suffix());
    let renamed = PathBuf::from(match name.strip_suffix(&suffix) {
        Some(stem) => format!("{stem}-{}.json", to.suffix()),
        None => format!("{name}-{}.json", to.suffix()),
    });
    fs::rename(path, &renamed).map_err(|e| BitwardenError::file(FileAction::Rename, path, e))?;
    Ok(renamed)
}

/// Where a refused license's server answer is kept (`…-refused.txt`).
fn answer_file(refused: &Path) -> PathBuf {
    refused.with_extension("txt")
}

/// The time and role in a kept file's name (`20250101T000000.000Z[-2]-applied.json`).
fn parse_kept_name(name: &str) -> Option<(DateTime<Utc>, ArchivedRole)> {
    let stem = name.strip_suffix(".json")?;
    let (rest, role) = ArchivedRole::ALL.iter().find_map(|role| {
        stem.strip_suffix(&format!("-{}", role.suffix()))
            .map(|rest| (rest, *role))
    })?;
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
        let first = archive
            .keep(server, owner, t1, ArchivedRole::New, b"first")
            .unwrap();
        let first = archive.mark_applied(&first).unwrap();
        let refused = archive
            .keep(server, owner, t2, ArchivedRole::New, b"never applied")
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
        let replaced = archive
            .keep(server, org, t1, ArchivedRole::Replaced, b"old")
            .unwrap();
        let sent = archive
            .keep(server, org, t1, ArchivedRole::New, b"sent")
            .unwrap();
        let applied = archive.mark_applied(&sent).unwrap();
        let refused = archive
            .keep(server, premium, t2, ArchivedRole::New, b"no")
            .unwrap();
        archive
            .keep("https://other", org, t2, ArchivedRole::New, b"x")
            .unwrap();
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
    fn a_refused_send_keeps_the_answer_and_leaves_the_license_in_force_unreplaced() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::new(dir.path().to_path_buf());
        let owner = LicenseOwner::Organization(Uuid::from_u128(3));
        let server = "https://vault.example.com";
        let at = Utc::now();
        let before = archive
            .keep(server, owner, at, ArchivedRole::Before, b"in force")
            .unwrap();
        let new = archive
            .keep(server, owner, at, ArchivedRole::New, b"sent")
            .unwrap();
        archive.mark_refused(&new, "Seats are in use.").unwrap();

        let history = archive.history(server);
        let roles: Vec<_> = history
            .iter()
            .map(|h| (h.role, h.answer.as_deref()))
            .collect();
        assert!(roles.contains(&(ArchivedRole::Before, None)), "{roles:?}");
        assert!(roles.contains(&(ArchivedRole::Refused, Some("Seats are in use."))));
        assert!(!roles.iter().any(|(r, _)| *r == ArchivedRole::Replaced));
        assert!(!ArchivedRole::Refused.was_in_force() && !ArchivedRole::New.was_in_force());

        let replaced = archive.mark_replaced(&before).unwrap();
        assert!(replaced.to_string_lossy().ends_with("-replaced.json"));
        assert_eq!(fs::read(replaced).unwrap(), b"in force");
    }

    #[test]
    fn two_copies_in_the_same_millisecond_both_survive() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::new(dir.path().to_path_buf());
        let owner = LicenseOwner::Premium(Uuid::nil());
        let at = Utc::now();
        let a = archive
            .keep("https://v", owner, at, ArchivedRole::Replaced, b"a")
            .unwrap();
        let b = archive
            .keep("https://v", owner, at, ArchivedRole::Replaced, b"b")
            .unwrap();
        assert_ne!(a, b);
        assert_eq!(fs::read(a).unwrap(), b"a");
        assert_eq!(fs::read(b).unwrap(), b"b");
    }
}
