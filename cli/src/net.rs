//! What every network command shares: the global options (`--ca-cert`, `--cloud-api`,
//! `--cloud-identity`, `--timeout`, `--json`), the HTTP client, the app's folders, and
//! finding a session (the personal API key in BW_CLIENTID/BW_CLIENTSECRET for this run,
//! else the one kept by `bwlicense login`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use companion_core::bitwarden::{
    AppKind, BitwardenError, CloudUrls, Credentials, Device, Endpoints, Folders, Http, HttpOptions,
    Login, LoginStep, Session, SessionStore,
};
use companion_core::installation::Region;
use companion_core::secrets::{OsKeychain, SecretString};

/// The personal API key's client_id, as Bitwarden's own CLI reads it.
pub const ENV_CLIENT_ID: &str = "BW_CLIENTID";
/// The personal API key's client_secret.
pub const ENV_CLIENT_SECRET: &str = "BW_CLIENTSECRET";

/// Options of every command that talks to a server.
#[derive(Debug, Clone, Args)]
pub struct NetArgs {
    /// Also trust the CA certificate(s) in this PEM file (for self-signed servers).
    #[arg(long, value_name = "FILE", global = true)]
    pub ca_cert: Option<PathBuf>,
    /// Base URL of the cloud API instead of the region's (a proxy or a test server).
    #[arg(long, value_name = "URL", global = true)]
    pub cloud_api: Option<String>,
    /// Base URL of the cloud identity server instead of the region's.
    #[arg(long, value_name = "URL", global = true)]
    pub cloud_identity: Option<String>,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS", global = true, default_value_t = 30.0)]
    pub timeout: f64,
    /// Allow plain http:// to servers other than this machine (sends tokens unencrypted).
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// Print one JSON object instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// A Bitwarden cloud region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Cloud {
    Us,
    Eu,
}

impl From<Region> for Cloud {
    fn from(region: Region) -> Cloud {
        match region {
            Region::Us => Cloud::Us,
            Region::Eu => Cloud::Eu,
        }
    }
}

impl From<Cloud> for Region {
    fn from(cloud: Cloud) -> Region {
        match cloud {
            Cloud::Us => Region::Us,
            Cloud::Eu => Region::Eu,
        }
    }
}

/// The network context of one command.
#[derive(Clone)]
pub struct Net {
    pub http: Http,
    pub folders: Folders,
    cloud_urls: CloudUrls,
}

impl Net {
    pub fn new(args: &NetArgs) -> Result<Net, BitwardenError> {
        let folders = Folders::from_environment()?;
        let device = Device::load_or_create(&folders, AppKind::Cli)?;
        let timeout = Duration::try_from_secs_f64(args.timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .unwrap_or(Duration::from_secs(30));
        let options = HttpOptions {
            ca_cert: args.ca_cert.clone(),
            allow_insecure_http: args.allow_insecure_http,
            connect_timeout: timeout.min(Duration::from_secs(10)),
            request_timeout: timeout,
            ..HttpOptions::default()
        };
        Ok(Net {
            http: Http::new(options, device)?,
            folders,
            cloud_urls: CloudUrls {
                api: args.cloud_api.clone(),
                identity: args.cloud_identity.clone(),
            },
        })
    }

    /// The same HTTP client trusting another CA file instead (a server of the app's list
    /// with its own); the command's `--ca-cert` when it has none.
    pub fn http_for(&self, ca_file: Option<&Path>) -> Result<Http, BitwardenError> {
        let Some(ca) = ca_file else {
            return Ok(self.http.clone());
        };
        let options = HttpOptions {
            ca_cert: Some(ca.to_path_buf()),
            ..self.http.options().clone()
        };
        Http::new(options, self.http.device().clone())
    }

    pub fn self_hosted(&self, url: &str) -> Result<Endpoints, BitwardenError> {
        Endpoints::self_hosted(url)
    }

    pub fn cloud(&self, cloud: Cloud) -> Result<Endpoints, BitwardenError> {
        Endpoints::cloud(cloud.into(), &self.cloud_urls)
    }

    /// Sessions kept in the OS keychain.
    pub fn store(&self) -> SessionStore {
        SessionStore::new(self.folders.clone(), Arc::new(OsKeychain::default()))
    }

    /// A session for this command: the API key from the environment when set (nothing is
    /// kept), else the session kept by `bwlicense login`.
    pub async fn session(&self, endpoints: &Endpoints) -> Result<Session, BitwardenError> {
        self.session_with(&self.http, endpoints).await
    }

    /// [`Net::session`] through another HTTP client ([`Net::http_for`]).
    pub async fn session_with(
        &self,
        http: &Http,
        endpoints: &Endpoints,
    ) -> Result<Session, BitwardenError> {
        if let Some(credentials) = env_api_key() {
            let mut login = Login::new(http.clone(), endpoints.clone(), credentials);
            return match login.start().await? {
                LoginStep::Done(session) => Ok(*session),
                _ => Err(BitwardenError::TwoFactorRequired {
                    providers: Vec::new(),
                }),
            };
        }
        self.store().resume(http, endpoints).await
    }
}

/// The API key from BW_CLIENTID and BW_CLIENTSECRET, when both are set.
pub fn env_api_key() -> Option<Credentials> {
    let id = std::env::var(ENV_CLIENT_ID)
        .ok()
        .filter(|v| !v.trim().is_empty())?;
    let secret = std::env::var(ENV_CLIENT_SECRET)
        .ok()
        .filter(|v| !v.trim().is_empty())?;
    Some(Credentials::ApiKey {
        client_id: id.trim().to_owned(),
        client_secret: SecretString::from(secret.trim().to_owned()),
    })
}

/// Runs a command's async body on a small runtime.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, BitwardenError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BitwardenError::NetworkUnreachable {
            url: String::new(),
            detail: format!("cannot start the network runtime: {e}"),
        })?;
    Ok(runtime.block_on(future))
}
