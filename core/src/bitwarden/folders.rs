//! The app's own folders: settings and non-secret session facts in the config folder
//! (`$XDG_CONFIG_HOME/license-companion`), archived licenses in the data folder
//! (`$XDG_DATA_HOME/license-companion`). Secrets never go to either: they live in the
//! keychain.

use std::path::{Path, PathBuf};

use super::errors::{BitwardenError, FileAction};
use crate::files::{self, Access};

/// The folder name under the platform's config and data folders.
const APP_FOLDER: &str = "license-companion";

/// Where the app keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folders {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl Folders {
    /// The platform's folders (on Linux `$XDG_CONFIG_HOME` and `$XDG_DATA_HOME`, else
    /// `~/.config` and `~/.local/share`).
    pub fn from_environment() -> Result<Folders, BitwardenError> {
        let missing = |what: &str| BitwardenError::File {
            action: FileAction::Find,
            path: format!("the {what} folder"),
            detail: "the home folder is unknown (set HOME or XDG_CONFIG_HOME/XDG_DATA_HOME)".into(),
        };
        Ok(Folders {
            config: dirs::config_dir()
                .ok_or_else(|| missing("config"))?
                .join(APP_FOLDER),
            data: dirs::data_dir()
                .ok_or_else(|| missing("data"))?
                .join(APP_FOLDER),
        })
    }

    /// The JSON file of non-secret session facts.
    pub fn sessions_file(&self) -> PathBuf {
        self.config.join("sessions.json")
    }

    /// The file holding this installation's device identifier.
    pub fn device_file(&self) -> PathBuf {
        self.config.join("device-id")
    }

    /// The root of the license archive.
    pub fn licenses(&self) -> PathBuf {
        self.data.join("licenses")
    }
}

/// Creates a folder (and its parents) readable only by the user.
pub(crate) fn create_private_dir(path: &Path) -> Result<(), BitwardenError> {
    files::create_private_dir(path).map_err(|e| BitwardenError::file(FileAction::Create, path, e))
}

/// Writes a file atomically, readable only by the user, so a crash never leaves half a
/// file.
pub(crate) fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), BitwardenError> {
    files::write_atomic(path, bytes, Access::Private)
        .map_err(|e| BitwardenError::file(FileAction::Write, path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn private_files_are_written_whole_and_user_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/sessions.json");
        write_private_file(&path, b"{}").unwrap();
        write_private_file(&path, b"{\"a\":1}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{\"a\":1}");
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "mode {mode:o}");
        }
    }
}
