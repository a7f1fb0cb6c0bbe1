//! The license an organization or premium account has in force on a self-hosted server,
//! and where its copy is: the file the server keeps in `bwdata/core/licenses` (contract
//! §5.3) when that folder is on this machine, else the last license applied through this
//! app or `bwlicense` (the archive).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::archive::{Archive, LicenseOwner};
use super::notes::PlanNote;

/// A copy of the license in force.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ReplacedCopy {
    pub source: PathBuf,
    /// Whether it is the server's own file (else the archive's last applied one).
    pub from_server: bool,
    #[serde(skip)]
    pub(crate) bytes: Vec<u8>,
}

impl ReplacedCopy {
    /// The copy's bytes, as found.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Where the server keeps `owner`'s license below a bwdata folder (or the folder above it).
pub fn server_license_files(bwdata: &Path, owner: LicenseOwner) -> [PathBuf; 2] {
    let relative = match owner {
        LicenseOwner::Organization(id) => format!("organization/{}.json", id.hyphenated()),
        LicenseOwner::Premium(id) => format!("user/{}.json", id.hyphenated()),
    };
    [
        bwdata.join("core/licenses").join(&relative),
        bwdata.join("bwdata/core/licenses").join(&relative),
    ]
}

/// The license in force: the server's own copy when its folder is known, else the last one
/// applied through this tool. Why a copy could not be read goes to `notes`.
pub fn license_in_force(
    archive: &Archive,
    server: &str,
    owner: LicenseOwner,
    bwdata: Option<&Path>,
    notes: &mut Vec<PlanNote>,
) -> Option<ReplacedCopy> {
    if let Some(bwdata) = bwdata {
        for candidate in server_license_files(bwdata, owner) {
            match std::fs::read(&candidate) {
                Ok(bytes) => {
                    return Some(ReplacedCopy {
                        source: candidate,
                        from_server: true,
                        bytes,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => notes.push(PlanNote::ServerCopyUnreadable {
                    path: candidate,
                    detail: e.to_string(),
                }),
            }
        }
    }
    let path = archive.last_applied(server, owner)?;
    match std::fs::read(&path) {
        Ok(bytes) => Some(ReplacedCopy {
            source: path,
            from_server: false,
            bytes,
        }),
        Err(e) => {
            notes.push(PlanNote::ArchivedCopyUnreadable {
                path,
                detail: e.to_string(),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitwarden::ArchivedRole;
    use chrono::Utc;
    use uuid::Uuid;

    #[test]
    fn the_servers_own_file_wins_over_the_archive() {
        let dir = tempfile::tempdir().unwrap();
        let org = Uuid::new_v4();
        let owner = LicenseOwner::Organization(org);
        let archive = Archive::new(dir.path().join("archive"));
        let kept = archive
            .keep("vault", owner, Utc::now(), ArchivedRole::New, b"archived")
            .unwrap();
        archive.mark_applied(&kept).unwrap();
        let mut notes = Vec::new();
        let from_archive = license_in_force(&archive, "vault", owner, None, &mut notes).unwrap();
        assert_eq!(
            (from_archive.bytes(), from_archive.from_server),
            (&b"archived"[..], false)
        );

        let bwdata = dir.path().join("bwdata");
        let file = &server_license_files(&bwdata, owner)[0];
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, b"on the server").unwrap();
        let found = license_in_force(&archive, "vault", owner, Some(&bwdata), &mut notes).unwrap();
        assert_eq!(
            (found.bytes(), found.from_server),
            (&b"on the server"[..], true)
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}
