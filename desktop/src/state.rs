//! What a running desktop process holds: its folders, the keychain, the settings, and the
//! network options. The window's commands receive it as `State<AppState>`; the tray
//! process keeps its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use companion_core::app::dashboard::LastKnown;
use companion_core::app::{Settings, SettingsError};
use std::path::PathBuf;
use std::time::Duration;

use companion_core::app::Instance;
use companion_core::bitwarden::{
    AppKind, BitwardenError, CloudUrls, Device, Endpoints, FileAction, Folders, Http, HttpOptions,
    Session, SessionStore,
};
use companion_core::error::{Explain, Problem};
use companion_core::license::TrustSet;
use companion_core::secrets::{OsKeychain, SecretStore};

use crate::error::CommandError;

/// Overrides of the cloud's API and identity URLs (a proxy, the demo, the tests).
pub const ENV_CLOUD_API: &str = "LICENSE_COMPANION_CLOUD_API";
pub const ENV_CLOUD_IDENTITY: &str = "LICENSE_COMPANION_CLOUD_IDENTITY";
/// Set by `make run`: the app runs on the built-in demo (shows a "Demo" badge).
pub const ENV_DEMO: &str = "LICENSE_COMPANION_DEMO";
/// Keychain service of the demo's sessions.
pub const DEMO_KEYCHAIN_SERVICE: &str = "license-companion-demo";
/// A licensing certificate (PEM) to trust besides Bitwarden's, for this run only (the
/// demo's test server signs with its own key). Reported as "custom" in every report.
pub const ENV_TRUST_CERT: &str = "LICENSE_COMPANION_TRUST_CERT";

pub struct AppState {
    pub folders: Folders,
    pub keychain: Arc<OsKeychain>,
    pub cloud_urls: CloudUrls,
    pub demo: bool,
    /// The extra licensing certificate of [`ENV_TRUST_CERT`].
    pub trust_cert: Option<PathBuf>,
    /// Why the settings file could not be read at start (the app then runs on defaults and
    /// the next save keeps the unreadable file as `settings.json.bak`).
    settings_problem: Option<Problem>,
    /// Each instance's rows from its last successful dashboard check (this run only).
    pub last_known: Mutex<LastKnown>,
    /// The last connection test of each instance, by id (this run only).
    pub connections: Mutex<HashMap<String, ConnectionCheck>>,
    settings: Mutex<Settings>,
    /// One HTTP client per extra CA file (`None`: the system's roots only), made once:
    /// building one loads and parses the system's certificates, which a dashboard of
    /// hundreds of servers would otherwise do for each.
    clients: Mutex<HashMap<Option<PathBuf>, Http>>,
}

/// The outcome of testing whether a server answers: its version, or why it did not.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    pub reachable: bool,
    pub version: Option<String>,
    pub problem: Option<Problem>,
    pub checked_at: DateTime<Utc>,
}

impl AppState {
    /// Loads the settings from the user's config folder. A broken settings file is
    /// reported to the user rather than silently replaced.
    pub fn load() -> Result<AppState, CommandError> {
        let folders = Folders::from_environment()?;
        let (settings, startup_problem) = match Settings::load(&folders.config) {
            Ok(settings) => (settings, None),
            Err(error) => (Settings::default(), Some(error.problem())),
        };
        let env = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        let demo = env(ENV_DEMO).is_some();
        // The demo keeps its sessions apart from the user's real ones.
        let keychain = if demo {
            OsKeychain::new(DEMO_KEYCHAIN_SERVICE)
        } else {
            OsKeychain::default()
        };
        Ok(AppState {
            folders,
            keychain: Arc::new(keychain),
            cloud_urls: CloudUrls {
                api: env(ENV_CLOUD_API),
                identity: env(ENV_CLOUD_IDENTITY),
            },
            demo,
            trust_cert: env(ENV_TRUST_CERT).map(PathBuf::from),
            settings_problem: startup_problem,
            last_known: Mutex::default(),
            connections: Mutex::default(),
            settings: Mutex::new(settings),
            clients: Mutex::default(),
        })
    }

    /// What the person should know at start: the settings file could not be read, or the
    /// keychain cannot be reached (said now, not at the first lost secret). Asks the
    /// keychain, so the window calls it once its first view is painted.
    pub fn startup_problem(&self) -> Option<Problem> {
        self.settings_problem
            .clone()
            .or_else(|| self.keychain.check().err().map(|e| e.problem()))
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Reads the settings file again, for a process that did not write it (the tray, after
    /// the window saved a change). An unreadable file keeps the settings as they were.
    pub fn reload_settings(&self) -> Settings {
        let mut guard = self.settings.lock().expect("settings lock");
        match Settings::load(&self.folders.config) {
            Ok(settings) if settings != *guard => {
                *guard = settings;
                self.clients.lock().expect("clients lock").clear();
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(code = %error.problem().code, "settings not read again"),
        }
        guard.clone()
    }

    /// Changes the settings and saves them; nothing changes when `change` or the save fails.
    pub fn update_settings(
        &self,
        change: impl FnOnce(&mut Settings) -> Result<(), SettingsError>,
    ) -> Result<Settings, CommandError> {
        let mut guard = self.settings.lock().expect("settings lock");
        let mut next = guard.clone();
        change(&mut next)?;
        next.save(&self.folders.config)?;
        *guard = next.clone();
        // A CA file may have been chosen or replaced: clients are made again as needed.
        self.clients.lock().expect("clients lock").clear();
        Ok(next)
    }
}

impl AppState {
    /// The certificates licenses are verified against: Bitwarden's production certificate,
    /// plus [`ENV_TRUST_CERT`] when set.
    pub fn trust(&self) -> Result<TrustSet, CommandError> {
        let trust = TrustSet::production()?;
        match &self.trust_cert {
            None => Ok(trust),
            Some(path) => {
                let pem = std::fs::read_to_string(path)
                    .map_err(|e| BitwardenError::file(FileAction::Read, path, e))?;
                Ok(trust.trust_pem(&pem)?)
            }
        }
    }

    /// The HTTP client for one server: its own CA file, the app's device identity.
    pub fn http(&self, ca_file: Option<PathBuf>) -> Result<Http, CommandError> {
        if let Some(http) = self.clients.lock().expect("clients lock").get(&ca_file) {
            return Ok(http.clone());
        }
        let device = Device::load_or_create(&self.folders, AppKind::Desktop)?;
        let options = HttpOptions {
            ca_cert: ca_file.clone(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            ..HttpOptions::default()
        };
        let http = Http::new(options, device)?;
        self.clients
            .lock()
            .expect("clients lock")
            .insert(ca_file, http.clone());
        Ok(http)
    }

    /// The HTTP client for a connection test: short timeouts and no retry, so a dead
    /// server is said within seconds.
    pub fn probe_http(&self, ca_file: Option<PathBuf>) -> Result<Http, CommandError> {
        let device = Device::load_or_create(&self.folders, AppKind::Desktop)?;
        let options = HttpOptions {
            ca_cert: ca_file,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            get_attempts: 1,
            ..HttpOptions::default()
        };
        Ok(Http::new(options, device)?)
    }

    /// Records the outcome of a connection test (or a check that found the server gone).
    pub fn record_connection(&self, instance_id: &str, check: ConnectionCheck) {
        self.connections
            .lock()
            .expect("connections lock")
            .insert(instance_id.to_owned(), check);
    }

    /// Sessions kept in the OS keychain (refresh tokens and API keys never leave it).
    pub fn sessions(&self) -> SessionStore {
        SessionStore::new(self.folders.clone(), self.keychain.clone())
    }

    /// The configured instance with this id.
    pub fn instance(&self, id: &str) -> Result<Instance, CommandError> {
        Ok(self.settings().instance(id)?.clone())
    }

    /// The HTTP client and endpoints of a configured instance.
    pub fn instance_client(&self, id: &str) -> Result<(Http, Endpoints), CommandError> {
        let instance = self.instance(id)?;
        Ok((
            self.http(instance.ca_file.clone())?,
            Endpoints::self_hosted(&instance.url)?,
        ))
    }

    /// The HTTP client and endpoints of the cloud account (the region in settings).
    pub fn cloud_client(&self) -> Result<(Http, Endpoints), CommandError> {
        let region = self.settings().cloud_region;
        Ok((
            self.http(None)?,
            Endpoints::cloud(region, &self.cloud_urls)?,
        ))
    }

    /// The kept session of a configured instance, renewed.
    pub async fn instance_session(&self, id: &str) -> Result<Session, CommandError> {
        let (http, endpoints) = self.instance_client(id)?;
        Ok(self.sessions().resume(&http, &endpoints).await?)
    }

    /// The kept session of the cloud account, renewed.
    pub async fn cloud_session(&self) -> Result<Session, CommandError> {
        let (http, endpoints) = self.cloud_client()?;
        Ok(self.sessions().resume(&http, &endpoints).await?)
    }
}
