//! The self-hosted installation as the server sees it: its installation ID (so admins never
//! hunt for it again), whether its key is there, its region, the cloud URIs billing sync will
//! really use, and whether cloud communication is on, each with the file and line it came
//! from. Read from a local `bwdata` folder, Bitwarden Lite's `settings.env`, or a remote
//! server over SSH; problems found on the way are [`Finding`]s, not errors.

pub(crate) mod cloud_check;
mod config_yml;
mod envfile;
mod error;
mod findings;
mod fix;
mod lite;
mod locate;
mod resolve;
pub(crate) mod ssh;

use std::path::PathBuf;

use secrecy::SecretString;
use serde::{Serialize, Serializer};
use uuid::Uuid;

pub use cloud_check::{CloudCheck, CloudEndpoints, RegionAnswer, RegionCheck};
pub use error::{InstallationError, SshTargetFault};
pub use findings::{Finding, FindingCode};
pub use fix::{enable_cloud_communication, write_fix, Change, FixOutcome, FixReport};
pub use locate::{usual_places, DEFAULT_BWDATA};
pub use ssh::SshTarget;

/// Where to read the installation from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A bwdata folder, an env file, a Bitwarden Lite folder or its `settings.env`.
    Path(PathBuf),
    /// A remote server, read with the system `ssh` client.
    Ssh(SshTarget),
    /// The usual places on this machine ([`usual_places`]).
    Discover,
}

/// Reads and checks the installation. Sync: SSH runs a blocking child process.
pub fn read(source: &Source) -> Result<Installation, InstallationError> {
    let loaded = match source {
        Source::Path(path) => locate::load(path)?,
        Source::Ssh(target) => ssh::load(target)?,
        Source::Discover => locate::discover()?,
    };
    resolve::build(&loaded)
}

/// Bitwarden cloud data region (contract §4 table; Setup offers only these two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum Region {
    #[serde(rename = "US")]
    Us,
    #[serde(rename = "EU")]
    Eu,
}

impl Region {
    /// The name Bitwarden uses in settings and messages: `US` or `EU`.
    pub fn name(self) -> &'static str {
        match self {
            Region::Us => "US",
            Region::Eu => "EU",
        }
    }

    /// The region's cloud API base URL.
    pub fn api_uri(self) -> &'static str {
        match self {
            Region::Us => "https://api.bitwarden.com",
            Region::Eu => "https://api.bitwarden.eu",
        }
    }

    /// The region's cloud identity base URL.
    pub fn identity_uri(self) -> &'static str {
        match self {
            Region::Us => "https://identity.bitwarden.com",
            Region::Eu => "https://identity.bitwarden.eu",
        }
    }

    /// The region's push relay.
    pub fn push_relay_uri(self) -> &'static str {
        match self {
            Region::Us => "https://push.bitwarden.com",
            Region::Eu => "https://push.bitwarden.eu",
        }
    }

    /// The other region.
    pub fn other(self) -> Region {
        match self {
            Region::Us => Region::Eu,
            Region::Eu => Region::Us,
        }
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the server is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// `bitwarden.sh` with `bwdata/env/global.override.env` and `bwdata/config.yml`.
    Standard,
    /// Bitwarden Lite (one container) with `settings.env`.
    Lite,
}

impl Layout {
    /// `standard` or `lite`, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Standard => "standard",
            Layout::Lite => "lite",
        }
    }
}

/// Where a value came from: a line of a file, or the server's default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(
    feature = "typescript",
    ts(type = r#""default" | { file: string, line: number }"#)
)]
pub enum Origin {
    Line { file: String, line: usize },
    Default,
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Origin::Default => serializer.serialize_str("default"),
            Origin::Line { file, line } => {
                use serde::ser::SerializeStruct;
                let mut s = serializer.serialize_struct("Origin", 2)?;
                s.serialize_field("file", file)?;
                s.serialize_field("line", line)?;
                s.end()
            }
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::Line { file, line } => write!(f, "{file}:{line}"),
        }
    }
}

/// Where each reported value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Origins {
    pub installation_id: Origin,
    pub installation_key: Origin,
    pub region: Origin,
    pub vault_url: Origin,
    pub api_uri: Origin,
    pub identity_uri: Origin,
    pub cloud_communication: Origin,
}

/// A self-hosted installation's licensing-relevant settings. `Debug` and `Serialize` never
/// show the installation key (it is a [`SecretString`]; JSON only says whether it is there).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(feature = "typescript", ts(as = "InstallationView<'static>"))]
pub struct Installation {
    /// The installation ID, when it is a real GUID (not missing, not a placeholder).
    pub installation_id: Option<Uuid>,
    /// The installation key, when set to something other than a placeholder.
    pub installation_key: Option<SecretString>,
    /// `cloudRegion`, default US.
    pub region: Region,
    /// The vault's public URL.
    pub vault_url: Option<String>,
    /// The cloud API billing sync talks to (not derived from the region by the server).
    pub api_uri: String,
    /// The cloud identity billing sync logs in to.
    pub identity_uri: String,
    /// `enableCloudCommunication`, default false.
    pub cloud_communication: bool,
    pub layout: Layout,
    /// What was read, as the person named it (`/opt/bitwarden/bwdata`, `admin@host:/path`).
    pub source: String,
    /// The env file the values came from.
    pub env_file: String,
    pub origins: Origins,
    pub findings: Vec<Finding>,
}

impl Installation {
    /// Whether an installation key is set (its value is never shown).
    pub fn installation_key_present(&self) -> bool {
        self.installation_key.is_some()
    }

    /// Adds what a cloud check found to the findings.
    pub fn add_cloud_check(&mut self, check: &CloudCheck) {
        self.findings.extend(check.findings(self.region));
    }
}

/// The JSON shape of an installation (a public interface: field names are stable).
#[derive(Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(feature = "typescript", ts(rename = "Installation"))]
struct InstallationView<'a> {
    installation_id: Option<String>,
    installation_key_present: bool,
    region: Region,
    cloud_communication: bool,
    vault_url: Option<&'a str>,
    api_uri: &'a str,
    identity_uri: &'a str,
    layout: Layout,
    source: &'a str,
    env_file: &'a str,
    origins: &'a Origins,
    findings: &'a [Finding],
}

impl Serialize for Installation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        InstallationView {
            installation_id: self.installation_id.map(|id| id.hyphenated().to_string()),
            installation_key_present: self.installation_key_present(),
            region: self.region,
            cloud_communication: self.cloud_communication,
            vault_url: self.vault_url.as_deref(),
            api_uri: &self.api_uri,
            identity_uri: &self.identity_uri,
            layout: self.layout,
            source: &self.source,
            env_file: &self.env_file,
            origins: &self.origins,
            findings: &self.findings,
        }
        .serialize(serializer)
    }
}
