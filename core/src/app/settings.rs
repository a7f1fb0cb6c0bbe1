//! The app's settings file (`settings.json` in the config folder): language, start at
//! login, the cloud region, and the self-hosted instances. No secret ever goes here; tokens
//! and keys live in the keychain under accounts derived from an instance's URL.
//!
//! Saving is atomic (write a temporary file, then rename) and keeps the previous file as
//! `settings.json.bak`, so a crash or a bad edit never loses the list of instances.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::bitwarden::BitwardenError;
use crate::error::{Explain, Words};
use crate::files::{self, Access};
use crate::installation::{InstallationError, Region, Source, SshTarget};
use crate::messages::Phrase;

/// File name of the settings inside the config folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// Everything the user configured in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Settings {
    /// `"en"` or `"zh-CN"`; `None` follows the system locale.
    pub language: Option<String>,
    /// Start the app (hidden, in the tray) when the user logs in. Off until asked for.
    pub start_at_login: bool,
    /// Region of the Bitwarden cloud account licenses are downloaded from.
    pub cloud_region: Region,
    /// The self-hosted servers, in the order the user added them.
    pub instances: Vec<Instance>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: None,
            start_at_login: false,
            cloud_region: Region::Us,
            instances: Vec::new(),
        }
    }
}

/// One self-hosted Bitwarden server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Instance {
    /// Stable identifier (a UUID) the UI and the tray refer to the instance by.
    pub id: String,
    /// The name the admin gave it ("Office vault").
    pub name: String,
    /// The web vault URL (`https://vault.example.org`), as `bwlicense --server` takes it.
    pub url: String,
    /// A PEM file of the CA that signed the server's certificate, for private CAs.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Where the server's installation settings can be read, if the admin said.
    #[serde(default)]
    pub installation: Option<InstallationPlace>,
    /// What the daily check renews by itself from the cloud (off until switched on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renew_automatically: Vec<RenewalSwitch>,
}

/// A license the daily check renews by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum RenewalSwitch {
    /// A self-hosted organization, by its ID on the server.
    Organization(uuid::Uuid),
    /// The signed-in account's premium.
    Premium,
}

/// Where an instance's installation (`global.override.env`) lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum InstallationPlace {
    /// A local `bwdata` (or Bitwarden Lite) folder.
    Folder { path: PathBuf },
    /// A local env file.
    EnvFile { path: PathBuf },
    /// A remote server read with the system `ssh` client: `DEST[:PATH]`.
    Ssh { target: String },
}

impl InstallationPlace {
    /// The local bwdata folder (or the folder above it), where the server keeps its license
    /// files: the folder itself, or two levels above `bwdata/env/global.override.env`.
    /// `None` over SSH.
    pub fn bwdata(&self) -> Option<PathBuf> {
        match self {
            InstallationPlace::Folder { path } => Some(path.clone()),
            InstallationPlace::EnvFile { path } => {
                path.parent().and_then(Path::parent).map(Path::to_path_buf)
            }
            InstallationPlace::Ssh { .. } => None,
        }
    }

    /// The core's installation source for this place.
    pub fn source(&self) -> Result<Source, crate::installation::InstallationError> {
        Ok(match self {
            InstallationPlace::Folder { path } | InstallationPlace::EnvFile { path } => {
                Source::Path(path.clone())
            }
            InstallationPlace::Ssh { target } => Source::Ssh(SshTarget::parse(target)?),
        })
    }
}

/// Why the settings could not be read or written.
#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("could not {action} the settings file {path}: {source}")]
    File {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("the settings file {path} is not valid: {detail}")]
    Invalid { path: String, detail: String },
    #[error("no instance has the id {0}")]
    UnknownInstance(String),
    #[error("The instance needs a name.")]
    NameMissing,
    #[error("{0}")]
    BadUrl(Box<BitwardenError>),
    #[error("{0}")]
    BadPlace(InstallationError),
    #[error("No server is set up in the app yet: {path} lists none.")]
    NoInstances { path: String },
}

impl Explain for SettingsError {
    fn code(&self) -> &'static str {
        match self {
            SettingsError::File { .. } => "settings_file",
            SettingsError::Invalid { .. } => "settings_invalid",
            SettingsError::UnknownInstance(_) => "unknown_instance",
            SettingsError::NameMissing | SettingsError::BadUrl(_) | SettingsError::BadPlace(_) => {
                "settings_rejected"
            }
            SettingsError::NoInstances { .. } => "no_instances",
        }
    }

    fn words(&self) -> Option<Words> {
        let rejected = |message: Vec<Phrase>| Words {
            message,
            advice: vec![Phrase::new("settings.rejected.advice")],
        };
        Some(match self {
            SettingsError::File {
                action,
                path,
                source,
            } => Words {
                message: vec![Phrase::new(format!("settings.file.{}", action_key(action)))
                    .with("path", path)
                    .with("detail", source)],
                advice: vec![Phrase::new("settings.file.advice")],
            },
            SettingsError::Invalid { path, detail } => Words {
                message: vec![Phrase::new("settings.invalid")
                    .with("path", path)
                    .with("detail", detail)],
                advice: vec![Phrase::new("settings.invalid.advice")
                    .with("path", path)
                    .with("backup", format!("{SETTINGS_FILE}.bak"))],
            },
            SettingsError::UnknownInstance(id) => Words {
                message: vec![Phrase::new("settings.unknown_instance").with("id", id)],
                advice: vec![Phrase::new("settings.unknown_instance.advice")],
            },
            SettingsError::NameMissing => rejected(vec![Phrase::new("settings.name_missing")]),
            SettingsError::BadUrl(e) => rejected(e.words()?.message),
            SettingsError::BadPlace(e) => rejected(e.words()?.message),
            SettingsError::NoInstances { path } => Words {
                message: vec![Phrase::new("settings.no_instances").with("path", path)],
                advice: vec![Phrase::new("settings.no_instances.advice")],
            },
        })
    }
}

/// The catalog's name for what was being done to the settings file.
fn action_key(action: &str) -> &'static str {
    match action {
        "read" => "read",
        "create the folder of" => "create_folder",
        "write" => "write",
        "back up" => "back_up",
        _ => "replace",
    }
}

impl Settings {
    /// Reads the settings from `config_dir`; a missing file means defaults.
    pub fn load(config_dir: &Path) -> Result<Settings, SettingsError> {
        let path = config_dir.join(SETTINGS_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => {
                return Err(SettingsError::File {
                    action: "read",
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        serde_json::from_str(&text).map_err(|e| SettingsError::Invalid {
            path: path.display().to_string(),
            detail: e.to_string(),
        })
    }

    /// The instances of the settings in `config_dir`, for a command run over all of them:
    /// none at all is an error, not an empty success.
    pub fn load_instances(config_dir: &Path) -> Result<Vec<Instance>, SettingsError> {
        let instances = Settings::load(config_dir)?.instances;
        if instances.is_empty() {
            return Err(SettingsError::NoInstances {
                path: config_dir.join(SETTINGS_FILE).display().to_string(),
            });
        }
        Ok(instances)
    }

    /// Writes the settings atomically, keeping the previous file as `settings.json.bak`.
    pub fn save(&self, config_dir: &Path) -> Result<(), SettingsError> {
        let path = config_dir.join(SETTINGS_FILE);
        let io = |action: &'static str, source: std::io::Error| SettingsError::File {
            action,
            path: path.display().to_string(),
            source,
        };
        fs::create_dir_all(config_dir).map_err(|e| io("create the folder of", e))?;
        let text = serde_json::to_string_pretty(self).expect("settings always serialise");
        let staged =
            files::stage(&path, text.as_bytes(), Access::Default).map_err(|e| io("write", e))?;
        if path.exists() {
            fs::copy(&path, config_dir.join(format!("{SETTINGS_FILE}.bak")))
                .map_err(|e| io("back up", e))?;
        }
        staged.commit().map_err(|e| io("replace", e))
    }

    /// The instance with this id.
    pub fn instance(&self, id: &str) -> Result<&Instance, SettingsError> {
        self.instances
            .iter()
            .find(|i| i.id == id)
            .ok_or_else(|| SettingsError::UnknownInstance(id.to_owned()))
    }

    /// Adds or replaces (same id) an instance after checking its fields.
    pub fn upsert(&mut self, instance: Instance) -> Result<(), SettingsError> {
        if instance.name.trim().is_empty() {
            return Err(SettingsError::NameMissing);
        }
        crate::bitwarden::Endpoints::self_hosted(&instance.url)
            .map_err(|e| SettingsError::BadUrl(Box::new(e)))?;
        if let Some(place) = &instance.installation {
            place.source().map_err(SettingsError::BadPlace)?;
        }
        match self.instances.iter_mut().find(|i| i.id == instance.id) {
            // Editing where a server is leaves what it renews by itself as it was.
            Some(existing) => {
                let switches = std::mem::take(&mut existing.renew_automatically);
                *existing = Instance {
                    renew_automatically: switches,
                    ..instance
                };
            }
            None => self.instances.push(instance),
        }
        Ok(())
    }

    /// Switches automatic renewal of one license of an instance on or off.
    pub fn set_renewal(
        &mut self,
        instance_id: &str,
        switch: RenewalSwitch,
        on: bool,
    ) -> Result<(), SettingsError> {
        let instance = self
            .instances
            .iter_mut()
            .find(|i| i.id == instance_id)
            .ok_or_else(|| SettingsError::UnknownInstance(instance_id.to_owned()))?;
        instance.renew_automatically.retain(|s| *s != switch);
        if on {
            instance.renew_automatically.push(switch);
        }
        Ok(())
    }

    /// Removes an instance; true when it was there.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.instances.len();
        self.instances.retain(|i| i.id != id);
        before != self.instances.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Instance {
        Instance {
            id: "7f1c".into(),
            name: "Office vault".into(),
            url: "https://vault.example.org".into(),
            ca_file: None,
            installation: Some(InstallationPlace::Ssh {
                target: "admin@vault.example.org:/opt/bitwarden/bwdata".into(),
            }),
            renew_automatically: Vec::new(),
        }
    }

    #[test]
    fn renewal_switches_are_kept_when_the_instance_is_edited_and_saved() {
        let dir = tempfile::tempdir().unwrap();
        let family = uuid::Uuid::from_u128(4);
        let mut settings = Settings::default();
        settings.upsert(office()).unwrap();
        settings
            .set_renewal("7f1c", RenewalSwitch::Organization(family), true)
            .unwrap();
        settings
            .set_renewal("7f1c", RenewalSwitch::Premium, true)
            .unwrap();
        let mut edited = office();
        edited.name = "HQ".into();
        settings.upsert(edited).unwrap();
        settings.save(dir.path()).unwrap();
        let loaded = Settings::load(dir.path()).unwrap();
        assert_eq!(
            loaded.instance("7f1c").unwrap().renew_automatically,
            [RenewalSwitch::Organization(family), RenewalSwitch::Premium]
        );
        settings
            .set_renewal("7f1c", RenewalSwitch::Organization(family), false)
            .unwrap();
        assert_eq!(
            settings.instance("7f1c").unwrap().renew_automatically,
            [RenewalSwitch::Premium]
        );
        assert_eq!(
            settings
                .set_renewal("gone", RenewalSwitch::Premium, true)
                .unwrap_err()
                .code(),
            "unknown_instance"
        );
    }

    #[test]
    fn missing_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
    }

    #[test]
    fn saved_settings_load_back_and_keep_the_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::default();
        settings.upsert(office()).unwrap();
        settings.save(dir.path()).unwrap();
        settings.language = Some("zh-CN".into());
        settings.save(dir.path()).unwrap();

        assert_eq!(Settings::load(dir.path()).unwrap(), settings);
        let backup = fs::read_to_string(dir.path().join("settings.json.bak")).unwrap();
        assert!(backup.contains("Office vault") && !backup.contains("zh-CN"));
    }

    #[test]
    fn listing_every_instance_of_an_empty_settings_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Settings::load_instances(dir.path()).unwrap_err();
        assert_eq!(err.code(), "no_instances");
        let mut settings = Settings::default();
        settings.upsert(office()).unwrap();
        settings.save(dir.path()).unwrap();
        assert_eq!(Settings::load_instances(dir.path()).unwrap(), [office()]);
    }

    #[test]
    fn broken_file_is_reported_not_replaced_by_defaults() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(SETTINGS_FILE), "{ not json").unwrap();
        let err = Settings::load(dir.path()).unwrap_err();
        assert_eq!(err.code(), "settings_invalid");
    }

    #[test]
    fn instance_without_name_or_with_a_bad_url_is_refused() {
        let mut settings = Settings::default();
        let mut nameless = office();
        nameless.name = "  ".into();
        assert_eq!(
            settings.upsert(nameless).unwrap_err().code(),
            "settings_rejected"
        );
        let mut bad_url = office();
        bad_url.url = "vault example".into();
        assert_eq!(
            settings.upsert(bad_url).unwrap_err().code(),
            "settings_rejected"
        );
        assert!(settings.instances.is_empty());
    }

    #[test]
    fn upsert_replaces_by_id_and_remove_forgets() {
        let mut settings = Settings::default();
        settings.upsert(office()).unwrap();
        let mut renamed = office();
        renamed.name = "HQ".into();
        settings.upsert(renamed).unwrap();
        assert_eq!(settings.instances.len(), 1);
        assert_eq!(settings.instance("7f1c").unwrap().name, "HQ");
        assert!(settings.remove("7f1c"));
        assert_eq!(
            settings.instance("7f1c").unwrap_err().code(),
            "unknown_instance"
        );
    }
}
