//! Finding an installation's files on this machine: from whatever the person names (the
//! bwdata folder, the folder above it, the env file, a Lite folder or its settings.env) or,
//! when nothing is named, from the usual places.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::envfile::MAX_BYTES;
use super::error::{io_error, InstallationError};
use super::lite;
use super::resolve::{ConfigInput, Loaded};

/// Where `bitwarden.sh install` puts bwdata when run from /opt/bitwarden (Bitwarden's docs).
/// Also the remote default over SSH, since servers are Linux.
pub const DEFAULT_BWDATA: &str = "/opt/bitwarden/bwdata";

const ENV_FILE: &str = "env/global.override.env";

/// The installer scripts that sit beside `bwdata` (Linux/macOS and Windows).
const INSTALLER_SCRIPTS: [&str; 2] = ["bitwarden.sh", "bitwarden.ps1"];

/// The system-wide installs of this OS, standard layout first. Windows installs go where
/// Bitwarden's Windows guide runs `bitwarden.ps1` (`C:\Bitwarden`).
#[cfg(target_os = "windows")]
fn system_places() -> [PathBuf; 3] {
    let root = PathBuf::from(r"C:\Bitwarden");
    [
        root.join("bwdata"),
        PathBuf::from(r"C:\bitwarden-lite").join(lite::FILE_NAME),
        root.join(lite::FILE_NAME),
    ]
}

#[cfg(not(target_os = "windows"))]
fn system_places() -> [PathBuf; 3] {
    [
        PathBuf::from(DEFAULT_BWDATA),
        Path::new("/opt/bitwarden-lite").join(lite::FILE_NAME),
        Path::new("/opt/bitwarden").join(lite::FILE_NAME),
    ]
}

/// The env file and config.yml of a local installation.
pub(crate) struct Located {
    pub env: PathBuf,
    pub config: Option<PathBuf>,
}

/// The places looked at when nothing is named, in order: the current folder, the home
/// folder, then the system-wide installs of both layouts.
pub fn usual_places() -> Vec<PathBuf> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    places(&cwd, home.as_deref())
}

fn places(cwd: &Path, home: Option<&Path>) -> Vec<PathBuf> {
    let [system_bwdata, system_lite, system_lite_beside] = system_places();
    let mut list = vec![cwd.join("bwdata"), cwd.join(lite::FILE_NAME)];
    if let Some(home) = home {
        list.push(home.join("bwdata"));
    }
    list.push(system_bwdata);
    if let Some(home) = home {
        list.push(home.join("bitwarden-lite").join(lite::FILE_NAME));
        list.push(home.join("bitwarden").join(lite::FILE_NAME));
    }
    list.push(system_lite);
    list.push(system_lite_beside);
    list
}

/// Reads the first installation found in [`usual_places`].
pub(crate) fn discover() -> Result<Loaded, InstallationError> {
    let places = usual_places();
    for place in &places {
        match fs::metadata(place) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            _ => return load(place),
        }
    }
    let searched: Vec<String> = places.iter().map(|p| p.display().to_string()).collect();
    Err(InstallationError::NoneDiscovered {
        searched: searched.join(", "),
    })
}

/// Works out which files `path` means.
pub(crate) fn locate(path: &Path) -> Result<Located, InstallationError> {
    let meta = fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if let Some(folder) = installer_folder(path, &meta) {
        return locate(folder);
    }
    if !meta.is_dir() {
        return Ok(Located {
            env: path.to_path_buf(),
            config: config_beside(path),
        });
    }
    let candidates = [
        (path.join(ENV_FILE), Some(path.join("config.yml"))),
        (
            path.join("bwdata").join(ENV_FILE),
            Some(path.join("bwdata/config.yml")),
        ),
        (path.join(lite::FILE_NAME), None),
    ];
    for (env, config) in candidates {
        match fs::metadata(&env) {
            Ok(_) => return Ok(Located { env, config }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(&env, &e)),
        }
    }
    Err(InstallationError::NotAnInstallation {
        path: path.display().to_string(),
    })
}

/// The folder of a named `bitwarden.sh`/`bitwarden.ps1`, whose `bwdata` is beside it.
fn installer_folder<'a>(path: &'a Path, meta: &fs::Metadata) -> Option<&'a Path> {
    let name = path.file_name()?.to_str()?;
    let is_script = INSTALLER_SCRIPTS
        .iter()
        .any(|script| name.eq_ignore_ascii_case(script));
    (meta.is_file() && is_script)
        .then(|| path.parent())
        .flatten()
}

/// `bwdata/config.yml` for an env file inside `bwdata/env/`.
fn config_beside(env_file: &Path) -> Option<PathBuf> {
    let env_dir = env_file.parent()?;
    if env_dir.file_name()? != "env" {
        return None;
    }
    Some(env_dir.parent()?.join("config.yml"))
}

/// Reads the files of the installation at `path`.
pub(crate) fn load(path: &Path) -> Result<Loaded, InstallationError> {
    let located = locate(path)?;
    let env_bytes = read_capped(&located.env)?;
    let config = match &located.config {
        None => ConfigInput::Absent,
        Some(config) => match fs::read_to_string(config) {
            Ok(text) => ConfigInput::Text {
                path: config.display().to_string(),
                text,
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ConfigInput::Absent,
            Err(e) => ConfigInput::Unreadable {
                path: config.display().to_string(),
                reason: e.to_string(),
            },
        },
    };
    Ok(Loaded {
        source: path.display().to_string(),
        env_path: located.env.display().to_string(),
        env_name: located
            .env
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        env_bytes,
        config,
    })
}

/// Reads a file, refusing anything larger than an env file can sensibly be.
pub(crate) fn read_capped(path: &Path) -> Result<Vec<u8>, InstallationError> {
    let file = fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_folders_come_before_system_wide_ones() {
        let list = places(Path::new("/srv/site"), Some(Path::new("/home/admin")));
        assert_eq!(list[0], Path::new("/srv/site/bwdata"));
        assert_eq!(list[1], Path::new("/srv/site/settings.env"));
        assert_eq!(list[2], Path::new("/home/admin/bwdata"));
        assert_eq!(list[3], system_places()[0]);
        assert!(list.contains(&system_places()[1]));
    }

    #[cfg(not(target_os = "windows"))]
    #[test]
    fn unix_system_installs_are_under_opt() {
        assert_eq!(system_places()[0], Path::new(DEFAULT_BWDATA));
        assert_eq!(
            system_places()[1],
            Path::new("/opt/bitwarden-lite/settings.env")
        );
    }

    #[cfg(target_os = "windows")]
    #[test]
    fn windows_system_install_is_where_bitwarden_ps1_puts_it() {
        assert_eq!(system_places()[0], Path::new(r"C:\Bitwarden\bwdata"));
    }

    #[test]
    fn env_file_inside_bwdata_finds_its_config_yml() {
        assert_eq!(
            config_beside(Path::new("/opt/bitwarden/bwdata/env/global.override.env")),
            Some(PathBuf::from("/opt/bitwarden/bwdata/config.yml"))
        );
        assert_eq!(config_beside(Path::new("/tmp/copy.env")), None);
    }
}
