//! Licenses opened in the window: through the native file picker, by dropping a file on
//! the window, downloaded from the cloud, or taken from the archive. The page only ever
//! holds an opaque random id; no path ever comes from the web view.
//!
//! Each opened license is read once (up to the server's size limit) and staged as a
//! private copy, so what is inspected, uploaded or turned into an organization is byte
//! for byte what the user saw, even if the original file changes meanwhile.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use companion_core::bitwarden::{BitwardenError, FileAction};
use companion_core::files::{self, Access};
use companion_core::license::{LicenseError, MAX_LICENSE_BYTES};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

use crate::events::{self, PageEvent};

/// One opened license.
#[derive(Debug)]
pub struct OpenedLicense {
    /// The file's own name, sent to the server as the upload's file name.
    pub name: String,
    /// Where it was opened from (shown to the user).
    pub source: PathBuf,
    pub bytes: Vec<u8>,
    /// The private copy the core reads when it plans an upload or a sign-up.
    pub staged: PathBuf,
}

/// Every license opened since the app started, by id.
pub struct OpenedLicenses {
    staging: PathBuf,
    licenses: Mutex<HashMap<String, Arc<OpenedLicense>>>,
}

impl OpenedLicenses {
    /// Staged copies live under `staging`, which is emptied now: they only serve this run.
    pub fn new(staging: PathBuf) -> OpenedLicenses {
        let _ = fs::remove_dir_all(&staging);
        OpenedLicenses {
            staging,
            licenses: Mutex::new(HashMap::new()),
        }
    }

    /// Reads a license file (refusing more than the server would take) and keeps it.
    pub fn open_file(&self, path: &Path) -> Result<String, BitwardenError> {
        let bytes = read_limited(path)?;
        let name = path.file_name().map_or_else(
            || "license.json".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.keep(name, path.to_path_buf(), bytes)
    }

    /// Keeps license bytes under a new random id and stages them.
    pub fn keep(
        &self,
        name: String,
        source: PathBuf,
        bytes: Vec<u8>,
    ) -> Result<String, BitwardenError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let staged = self.staging.join(&id).join(&name);
        files::write_atomic(&staged, &bytes, Access::Private)
            .map_err(|e| BitwardenError::file(FileAction::Write, &staged, e))?;
        let opened = OpenedLicense {
            name,
            source,
            bytes,
            staged,
        };
        self.licenses
            .lock()
            .expect("opened licenses lock")
            .insert(id.clone(), Arc::new(opened));
        Ok(id)
    }

    /// The license opened under `id`.
    pub fn get(&self, id: &str) -> Option<Arc<OpenedLicense>> {
        self.licenses
            .lock()
            .expect("opened licenses lock")
            .get(id)
            .cloned()
    }
}

/// Reads at most one byte more than the server's limit, so a huge file is never loaded.
fn read_limited(path: &Path) -> Result<Vec<u8>, BitwardenError> {
    let file = fs::File::open(path).map_err(|e| BitwardenError::file(FileAction::Read, path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_LICENSE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| BitwardenError::file(FileAction::Read, path, e))?;
    if bytes.len() > MAX_LICENSE_BYTES {
        let size = fs::metadata(path).map_or(bytes.len(), |m| m.len() as usize);
        return Err(BitwardenError::LicenseUnreadable {
            path: path.display().to_string(),
            source: LicenseError::TooLarge { size },
        });
    }
    Ok(bytes)
}

/// What the page hears after a file was dropped on the window: its `id`, or the `error`
/// that kept it from being opened.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Dropped {
    id: Option<String>,
    error: Option<crate::error::CommandError>,
}

impl PageEvent for Dropped {
    const NAME: &'static str = "license-dropped";
}

/// Opens the first file dropped on a window and tells the page its id (or why it could
/// not be read). The path is taken from the window system here, never from the page.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event else {
        return;
    };
    let Some(path) = paths.first() else {
        return;
    };
    let app: AppHandle<R> = window.app_handle().clone();
    let path = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let opened = app.state::<OpenedLicenses>();
        let payload = match opened.open_file(&path) {
            Ok(id) => Dropped {
                id: Some(id),
                error: None,
            },
            Err(e) => Dropped {
                id: None,
                error: Some(e.into()),
            },
        };
        events::send(&app, payload);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opened_license_is_staged_privately_and_found_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bitwarden_organization_license.json");
        fs::write(&file, b"{\"x\":1}").unwrap();
        let opened = OpenedLicenses::new(dir.path().join("staging"));
        let id = opened.open_file(&file).unwrap();
        let license = opened.get(&id).unwrap();
        assert_eq!(license.name, "bitwarden_organization_license.json");
        assert_eq!(fs::read(&license.staged).unwrap(), b"{\"x\":1}");
        assert!(license.staged.starts_with(dir.path().join("staging")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&license.staged).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0);
        }
        assert!(opened.get("unknown").is_none());
    }

    #[test]
    fn a_file_over_the_upload_limit_is_refused_before_it_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.json");
        fs::write(&file, vec![b' '; MAX_LICENSE_BYTES + 10]).unwrap();
        let opened = OpenedLicenses::new(dir.path().join("staging"));
        let error = opened.open_file(&file).unwrap_err();
        assert!(matches!(
            error,
            BitwardenError::LicenseUnreadable {
                source: LicenseError::TooLarge { size },
                ..
            } if size == MAX_LICENSE_BYTES + 10
        ));
    }

    #[test]
    fn staging_is_emptied_when_the_app_starts() {
        let dir = tempfile::tempdir().unwrap();
        let staging = dir.path().join("staging");
        let first = OpenedLicenses::new(staging.clone());
        let id = first
            .keep("a.json".into(), "a.json".into(), b"{}".to_vec())
            .unwrap();
        assert!(staging.join(&id).exists());
        OpenedLicenses::new(staging.clone());
        assert!(!staging.join(&id).exists());
    }
}
