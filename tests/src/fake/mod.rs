//! `fake-bitwarden`: a Bitwarden-compatible server for integration tests, benchmarks and the
//! app's demo mode. One process serves three roles on separate loopback ports:
//!
//! 1. the **self-hosted** server, API under `/api` and identity under `/identity`;
//! 2. the **cloud API** (`api.bitwarden.com`) and 3. the **cloud identity**
//!    (`identity.bitwarden.com`), plus an EU pair when the seed asks for it.
//!
//! Every route answers like the real server: its paths, camelCase bodies (identity custom
//! keys and connection configs PascalCase), its status codes, error envelope, texts and
//! check order. Licenses are signed with a test licensing key made at start; uploads verify
//! only against it, as a real server verifies only against Bitwarden's certificate. The
//! state comes from a [`Seed`]; tests start a server with
//! `FakeBitwarden::builder().seed(seed).https(true).start().await`.

mod accounts;
mod auth;
mod build;
mod cloud;
mod connections;
mod envelope;
mod faults;
mod identity;
mod issue;
mod jwt;
mod keys;
mod license_files;
mod license_model;
mod license_reader;
pub mod licensing;
mod models;
mod multipart;
mod net_date;
mod orgs;
mod plans;
pub mod seed;
mod serve;
mod state;
mod sync;
mod tls;
pub mod totp;
mod upload;
mod validation_job;
mod vault;
mod vaultwarden;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use envelope::MODEL_STATE_INVALID;
pub use faults::{FaultAction, FaultRule, Faults, RequestRecord, Role};
pub use issue::{NO_SUBSCRIPTION, PAYMENT_ISSUE};
pub use license_model::{OrganizationLicense, UserLicense};
pub use multipart::MAX_UPLOAD_BYTES;
pub use orgs::OpenedOrganization;
pub use seed::{Region, Seed};
pub use state::{
    CloudOrg, Collection, Connection, Mail, MailPurpose, Member, Realm, SelfHostedOrg, State, Urls,
    Usage, User, World,
};
pub use sync::SYNC_FAILED;
pub use upload::{ALREADY_IN_USE, INVALID_LICENSE, ORGANIZATION_AS_USER, PREMIUM_AS_ORGANIZATION};
pub use validation_job::{
    JobDecision, JobResult, INVALID_DATA, INVALID_SIGNATURE, MULTIPLE_ORGANIZATIONS,
    NO_LICENSE_FILE, RUN_ROUTE,
};

use auth::Ctx;
use state::{Config, Shared};

/// Entry point: `FakeBitwarden::builder()`.
pub struct FakeBitwarden;

impl FakeBitwarden {
    pub fn builder() -> Builder {
        Builder {
            seed: None,
            https: false,
            https_self_hosted_only: false,
            state_dir: None,
            self_hosted_count: 1,
        }
    }
}

/// How to start a fake server.
pub struct Builder {
    seed: Option<Seed>,
    https: bool,
    https_self_hosted_only: bool,
    state_dir: Option<PathBuf>,
    self_hosted_count: usize,
}

impl Builder {
    /// The starting state (the default seed when not given).
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Serve HTTPS with a certificate from a CA made at start (see [`Running::ca_cert_path`]).
    pub fn https(mut self, on: bool) -> Self {
        self.https = on;
        self
    }

    /// Serve HTTPS on the self-hosted role only and plain HTTP on the cloud roles (the
    /// demo: Bitwarden's clients need HTTPS for the server they sign in to, while the app
    /// reaches the cloud roles on loopback without a CA of its own).
    pub fn https_self_hosted_only(mut self, on: bool) -> Self {
        self.https_self_hosted_only = on;
        self
    }

    /// Where license files, the CA and the licensing certificate go (a temporary folder,
    /// removed on drop, when not given).
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// Serve the self-hosted role on `n` ports (at least one): `n` servers to a client, for
    /// fleet tests and benchmarks, sharing one state (accounts, organizations, license files).
    pub fn self_hosted_count(mut self, n: usize) -> Self {
        self.self_hosted_count = n.max(1);
        self
    }

    /// Binds every role, builds the world and starts serving.
    pub async fn start(self) -> anyhow::Result<Running> {
        let seed = self.seed.unwrap_or_else(Seed::default_seed);
        let (temp, state_dir) = match self.state_dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir)?;
                (None, dir)
            }
            None => {
                let temp = tempfile::tempdir()?;
                let dir = temp.path().to_path_buf();
                (Some(temp), dir)
            }
        };
        let (https_all, https_self_hosted) = (self.https, self.https_self_hosted_only);
        let https = |role: Role| https_all || (https_self_hosted && role == Role::SelfHosted);
        let mut bound = Vec::new();
        let mut roles = vec![
            Role::SelfHosted,
            Role::CloudApi(Region::US),
            Role::CloudIdentity(Region::US),
        ];
        if seed.eu_region {
            roles.push(Role::CloudApi(Region::EU));
            roles.push(Role::CloudIdentity(Region::EU));
        }
        for role in roles {
            let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
            let scheme = if https(role) { "https" } else { "http" };
            let url = format!("{scheme}://127.0.0.1:{}", listener.local_addr()?.port());
            bound.push((role, listener, url));
        }
        let mut more_self_hosted = Vec::new();
        for _ in 1..self.self_hosted_count {
            let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
            let scheme = if https(Role::SelfHosted) {
                "https"
            } else {
                "http"
            };
            let url = format!("{scheme}://127.0.0.1:{}", listener.local_addr()?.port());
            more_self_hosted.push((listener, url));
        }
        let self_hosted_urls = bound
            .iter()
            .filter(|(role, _, _)| *role == Role::SelfHosted)
            .map(|(_, _, url)| url.clone())
            .chain(more_self_hosted.iter().map(|(_, url)| url.clone()))
            .collect();
        let url_of = |role: Role| {
            bound
                .iter()
                .find(|(r, _, _)| *r == role)
                .map(|(_, _, url)| url.clone())
        };
        let urls = Urls {
            self_hosted: url_of(Role::SelfHosted).unwrap_or_default(),
            cloud_api: url_of(Role::CloudApi(Region::US)).unwrap_or_default(),
            cloud_identity: url_of(Role::CloudIdentity(Region::US)).unwrap_or_default(),
            eu_cloud_api: url_of(Role::CloudApi(Region::EU)),
            eu_cloud_identity: url_of(Role::CloudIdentity(Region::EU)),
        };

        let tls = if https_all || https_self_hosted {
            Some(tls::make()?)
        } else {
            None
        };
        let ca_cert_path = match &tls {
            Some(tls) => {
                let path = state_dir.join("ca.pem");
                std::fs::write(&path, &tls.ca_pem)?;
                Some(path)
            }
            None => None,
        };

        let license_dir = state_dir.join("licenses");
        let licensing_cert_pem_path = state_dir.join("licensing.pem");
        let shared = {
            let seed = seed.clone();
            let urls = urls.clone();
            let license_dir = license_dir.clone();
            let cert_path = licensing_cert_pem_path.clone();
            tokio::task::spawn_blocking(move || build_shared(&seed, urls, &license_dir, &cert_path))
                .await??
        };
        let client = {
            let mut builder = reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30));
            if let Some(tls) = &tls {
                builder = builder
                    .add_root_certificate(reqwest::Certificate::from_pem(tls.ca_pem.as_bytes())?);
            }
            builder.build()?
        };
        let shared = Arc::new(Shared {
            world: Mutex::new(shared.0),
            config: shared.1,
            faults: Faults::default(),
            client,
        });

        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        let more_self_hosted = more_self_hosted
            .into_iter()
            .map(|(listener, url)| (Role::SelfHosted, listener, url));
        for (role, listener, _) in bound.into_iter().chain(more_self_hosted) {
            let app = role_router(role, &shared);
            let acceptor = tls
                .as_ref()
                .filter(|_| https(role))
                .map(|t| t.acceptor.clone());
            tasks.push(tokio::spawn(serve::run(
                listener,
                app,
                acceptor,
                stopped.clone(),
            )));
        }
        Ok(Running {
            self_hosted_url: urls.self_hosted.clone(),
            self_hosted_urls,
            cloud_api_url: urls.cloud_api.clone(),
            cloud_identity_url: urls.cloud_identity.clone(),
            eu_cloud_api_url: urls.eu_cloud_api.clone(),
            eu_cloud_identity_url: urls.eu_cloud_identity.clone(),
            licensing_cert_pem_path,
            ca_cert_path,
            state_dir,
            state: State(shared.clone()),
            faults: shared.faults.clone(),
            stop,
            tasks,
            _temp: temp,
        })
    }
}

/// The licensing key and certificate and the world (CPU-heavy).
fn build_shared(
    seed: &Seed,
    urls: Urls,
    license_dir: &Path,
    cert_path: &Path,
) -> anyhow::Result<(state::World, Config)> {
    let mut cursor = keys::KeyCursor::default();
    let licensing_key = cursor.next_rsa()?;
    let cert = keys::licensing_certificate_pem(&licensing_key)?;
    std::fs::write(cert_path, &cert)?;
    let verifying_key = licensing_key.to_public_key();
    std::fs::create_dir_all(license_dir)?;
    let world = build::world(
        seed,
        build::Inputs {
            urls: &urls,
            licensing_key: &licensing_key,
            verifying_key: &verifying_key,
            license_dir,
            cursor: &mut cursor,
        },
    )?;
    let jwt = jwt::Signer::new(&cursor.next_rsa()?)?;
    let config = Config {
        version: seed.server_version.clone(),
        vaultwarden: seed.vaultwarden,
        token_lifetime: Duration::from_secs(seed.access_token_lifetime_seconds),
        failure_delay: Duration::from_millis(seed.auth_failure_delay_ms),
        licensing_key,
        jwt,
        verifying_key,
        license_dir: license_dir.to_path_buf(),
        urls,
    };
    Ok((world, config))
}

/// The routes of one role, wrapped in the fault and log middleware.
fn role_router(role: Role, shared: &Arc<Shared>) -> Router {
    let ctx = |realm| Ctx {
        shared: shared.clone(),
        realm,
    };
    let api = |realm| {
        Router::new()
            .merge(accounts::router(ctx(realm)))
            .merge(orgs::router(ctx(realm)))
            .merge(connections::router(ctx(realm)))
            .merge(sync::router(ctx(realm)))
            .merge(vault::router(ctx(realm)))
            .merge(cloud::router(ctx(realm)))
    };
    let app = match role {
        Role::SelfHosted => Router::new()
            .merge(validation_job::router(ctx(Realm::SelfHosted)))
            .nest("/api", api(Realm::SelfHosted))
            .nest("/identity", identity::router(ctx(Realm::SelfHosted)))
            .layer(axum::middleware::from_fn_with_state(
                shared.config.vaultwarden,
                vaultwarden::layer,
            )),
        Role::CloudApi(region) => api(Realm::Cloud(region)),
        Role::CloudIdentity(region) => identity::router(ctx(Realm::Cloud(region))),
    };
    app.layer(axum::middleware::from_fn_with_state(
        (shared.faults.clone(), role),
        faults::layer,
    ))
}

/// A started fake server; stops when dropped.
pub struct Running {
    /// Base URL of the self-hosted server (`/api`, `/identity` below it).
    pub self_hosted_url: String,
    /// Every port the self-hosted role answers on, [`Running::self_hosted_url`] first
    /// ([`Builder::self_hosted_count`]).
    pub self_hosted_urls: Vec<String>,
    /// The cloud API role (`api.bitwarden.com`).
    pub cloud_api_url: String,
    /// The cloud identity role (`identity.bitwarden.com`).
    pub cloud_identity_url: String,
    /// The EU cloud API role, when the seed asks for the EU region.
    pub eu_cloud_api_url: Option<String>,
    /// The EU cloud identity role, when the seed asks for the EU region.
    pub eu_cloud_identity_url: Option<String>,
    /// The test licensing certificate (PEM) every license is signed with.
    pub licensing_cert_pem_path: PathBuf,
    /// The CA certificate (PEM) to trust, when serving HTTPS.
    pub ca_cert_path: Option<PathBuf>,
    /// Where the server keeps its files.
    pub state_dir: PathBuf,
    /// The live state, for assertions and changes.
    pub state: State,
    /// Fault injection and the request log.
    pub faults: Faults,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    _temp: Option<tempfile::TempDir>,
}

impl Running {
    /// The self-hosted API base URL (`…/api`).
    pub fn self_hosted_api(&self) -> String {
        format!("{}/api", self.self_hosted_url)
    }

    /// The self-hosted identity base URL (`…/identity`).
    pub fn self_hosted_identity(&self) -> String {
        format!("{}/identity", self.self_hosted_url)
    }

    /// The self-hosted installation id of the seed.
    pub fn installation_id(&self) -> uuid::Uuid {
        self.state
            .read(|w| w.self_hosted.as_ref().map(|s| s.installation_id))
            .unwrap_or_default()
    }

    /// The URLs and file paths as one JSON object (what the binary prints when ready).
    pub fn info(&self) -> Value {
        json!({
            "self_hosted_url": self.self_hosted_url,
            "self_hosted_urls": self.self_hosted_urls,
            "self_hosted_api_url": self.self_hosted_api(),
            "self_hosted_identity_url": self.self_hosted_identity(),
            "cloud_api_url": self.cloud_api_url,
            "cloud_identity_url": self.cloud_identity_url,
            "eu_cloud_api_url": self.eu_cloud_api_url,
            "eu_cloud_identity_url": self.eu_cloud_identity_url,
            "licensing_cert_pem_path": self.licensing_cert_pem_path,
            "ca_cert_path": self.ca_cert_path,
            "state_dir": self.state_dir,
            "license_dir": self.state.license_dir(),
            "installation_id": self.installation_id(),
        })
    }

    /// Stops accepting and waits for open connections to finish.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
