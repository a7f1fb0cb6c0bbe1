//! Running the real `bwlicense` binary against the Bitwarden-compatible test server: each
//! test gets its own server and its own config and data folders; secrets known to the
//! test are checked never to appear on stdout or stderr.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;

use chrono::Utc;
use companion_core::bitwarden::{
    download_organization_license, download_premium_license, AppKind, CloudUrls, Credentials,
    Device, Endpoints, Http, HttpOptions, Login, LoginStep, Session,
};
use companion_core::installation::Region;
use companion_core::secrets::SecretString;
use companion_tests::fake::{FakeBitwarden, Running, Seed};
pub use companion_tests::ids::*;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// Secrets that must never be printed.
const NEVER_PRINTED: [&str; 3] = [OWNER_SELF_HOSTED_SECRET, OWNER_CLOUD_SECRET, ACME_TOKEN];

pub fn fast_seed() -> Seed {
    let mut seed = Seed::default_seed();
    seed.auth_failure_delay_ms = 0;
    seed
}

pub async fn start_with(seed: Seed, https: bool) -> Running {
    FakeBitwarden::builder()
        .seed(seed)
        .https(https)
        .start()
        .await
        .expect("the test server starts")
}

pub async fn start(https: bool) -> Running {
    start_with(fast_seed(), https).await
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The one JSON object `--json` prints.
    pub fn json(&self) -> Value {
        assert_eq!(
            self.stdout.trim_end().lines().count(),
            1,
            "exactly one line of JSON on stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        serde_json::from_str(&self.stdout).expect("valid JSON")
    }

    /// The error code of a failed `--json` run.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A person's machine: its own config and data folders, and environment.
pub struct Machine {
    pub home: tempfile::TempDir,
    env: Vec<(String, String)>,
    secrets: Vec<String>,
}

impl Machine {
    pub fn new() -> Machine {
        Machine {
            home: tempfile::tempdir().unwrap(),
            env: Vec::new(),
            secrets: NEVER_PRINTED.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Signs every command in with this API key (BW_CLIENTID / BW_CLIENTSECRET).
    pub fn with_api_key(mut self, id: &str, secret: &str) -> Machine {
        self.env.push(("BW_CLIENTID".into(), id.into()));
        self.env.push(("BW_CLIENTSECRET".into(), secret.into()));
        self
    }

    pub fn with_env(mut self, name: &str, value: &str) -> Machine {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Another value that must never be printed.
    pub fn secret(mut self, value: &str) -> Machine {
        self.secrets.push(value.into());
        self
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    /// The app's own folders under them.
    pub fn app_config(&self) -> PathBuf {
        self.config_dir().join("license-companion")
    }

    pub fn app_data(&self) -> PathBuf {
        self.data_dir().join("license-companion")
    }

    /// Runs `bwlicense` with these arguments and this text on stdin.
    pub async fn run(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = self.spawn(args);
        child.type_line(stdin).await;
        child.finish(self).await
    }

    /// Starts `bwlicense`; answer its prompts with [`Running::type_line`].
    pub fn spawn(&self, args: &[&str]) -> Child {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_bwlicense"));
        command
            .args(args)
            .current_dir(self.home.path())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.config_dir())
            .env("XDG_DATA_HOME", self.data_dir())
            .env("NO_COLOR", "1")
            .env_remove("BW_CLIENTID")
            .env_remove("BW_CLIENTSECRET")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        Child(command.spawn().expect("run bwlicense"))
    }
}

/// A running `bwlicense`.
pub struct Child(tokio::process::Child);

impl Child {
    /// Writes text to its stdin (include the newline).
    pub async fn type_line(&mut self, text: &str) {
        if let Some(input) = self.0.stdin.as_mut() {
            input.write_all(text.as_bytes()).await.unwrap();
            input.flush().await.unwrap();
        }
    }

    /// Closes stdin, waits for the end, and checks no secret was printed.
    pub async fn finish(mut self, machine: &Machine) -> Run {
        drop(self.0.stdin.take());
        let output = self.0.wait_with_output().await.expect("bwlicense ends");
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        };
        for secret in &machine.secrets {
            assert!(
                !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                "a secret was printed:\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
        run
    }
}

/// `--server URL` and, for HTTPS, `--ca-cert FILE`.
pub fn server_args(server: &Running) -> Vec<String> {
    let mut args = vec!["--server".to_owned(), server.self_hosted_url.clone()];
    if let Some(ca) = &server.ca_cert_path {
        args.push("--ca-cert".into());
        args.push(ca.display().to_string());
    }
    args
}

/// `--cloud us --cloud-api URL --cloud-identity URL`.
pub fn cloud_args(server: &Running) -> Vec<String> {
    vec![
        "--cloud".into(),
        "us".into(),
        "--cloud-api".into(),
        server.cloud_api_url.clone(),
        "--cloud-identity".into(),
        server.cloud_identity_url.clone(),
    ]
}

/// The command line for [`Machine::run`]: the command words and options, then the
/// server options.
pub fn args<'a>(parts: &[&'a [String]], command: &[&'a str]) -> Vec<&'a str> {
    command
        .iter()
        .copied()
        .chain(parts.iter().flat_map(|p| p.iter().map(String::as_str)))
        .collect()
}

async fn cloud_session(server: &Running, credentials: Credentials) -> Session {
    let http = Http::new(
        HttpOptions {
            ca_cert: server.ca_cert_path.clone(),
            ..HttpOptions::default()
        },
        Device::with_identifier(AppKind::Cli, Uuid::new_v4()),
    )
    .unwrap();
    let endpoints = Endpoints::cloud(
        Region::Us,
        &CloudUrls {
            api: Some(server.cloud_api_url.clone()),
            identity: Some(server.cloud_identity_url.clone()),
        },
    )
    .unwrap();
    match Login::new(http, endpoints, credentials)
        .start()
        .await
        .unwrap()
    {
        LoginStep::Done(session) => *session,
        other => panic!("cloud sign-in: {other:?}"),
    }
}

/// A fresh license of a cloud organization for the self-hosted installation.
pub async fn org_license(server: &Running, cloud_org: &str, dir: &Path) -> PathBuf {
    org_license_for(server, cloud_org, server.installation_id(), dir).await
}

/// A fresh license of a cloud organization for any installation the cloud knows.
pub async fn org_license_for(
    server: &Running,
    cloud_org: &str,
    installation: Uuid,
    dir: &Path,
) -> PathBuf {
    let session = cloud_session(
        server,
        Credentials::ApiKey {
            client_id: OWNER_CLOUD_ID.into(),
            client_secret: SecretString::from(OWNER_CLOUD_SECRET),
        },
    )
    .await;
    let license =
        download_organization_license(&session, Uuid::parse_str(cloud_org).unwrap(), installation)
            .await
            .unwrap();
    let path = dir.join(format!("license-{}.json", Utc::now().timestamp_micros()));
    std::fs::write(&path, &license.bytes).unwrap();
    path
}

/// A premium license of a cloud user with a password.
pub async fn premium_license(server: &Running, email: &str, password: &str, dir: &Path) -> PathBuf {
    let session = cloud_session(
        server,
        Credentials::Password {
            email: email.into(),
            password: SecretString::from(password),
        },
    )
    .await;
    let license = download_premium_license(&session).await.unwrap();
    let path = dir.join("bitwarden_premium_license.json");
    std::fs::write(&path, &license.bytes).unwrap();
    path
}

/// A bwdata folder describing the test server's installation, with `core/licenses`
/// pointing at the server's license folder.
pub fn bwdata_of(server: &Running, dir: &Path) -> PathBuf {
    let bwdata = dir.join("bwdata");
    std::fs::create_dir_all(bwdata.join("env")).unwrap();
    std::fs::create_dir_all(bwdata.join("core")).unwrap();
    std::fs::write(
        bwdata.join("env/global.override.env"),
        format!(
            "globalSettings__baseServiceUri__vault={}\nglobalSettings__baseServiceUri__cloudRegion=US\nglobalSettings__installation__id={}\nglobalSettings__installation__key=fake-installation-key\nglobalSettings__enableCloudCommunication=true\n",
            server.self_hosted_url,
            server.installation_id()
        ),
    )
    .unwrap();
    std::os::unix::fs::symlink(server.state.license_dir(), bwdata.join("core/licenses")).unwrap();
    bwdata
}

/// Every file under a folder, with its contents.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
    found
}
