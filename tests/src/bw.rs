//! Bitwarden's own command-line client, `bw` (npm `@bitwarden/cli`, pinned by
//! `scripts/bw-cli/package-lock.json` and installed into `.tools/` by `make tools`), run
//! against the test server. Each [`Bw`] is one person's client: its own data folder
//! (`BITWARDENCLI_APPDATA_DIR`), the test server's CA trusted through
//! `NODE_EXTRA_CA_CERTS`, no prompts (`BW_NOINTERACTION`), and a time limit on every run,
//! so a client that hangs fails the test instead of stalling it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::fake::Running;

/// The longest one `bw` command may take (Argon2id and the first start of its WebAssembly
/// crypto included).
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The pinned version, read from the lock file `make tools` installs from.
pub fn pinned_version() -> String {
    let lock = crate::paths::workspace_root().join("scripts/bw-cli/package-lock.json");
    let text = std::fs::read_to_string(&lock)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", lock.display()));
    let value: Value = serde_json::from_str(&text).expect("the bw lock file is JSON");
    value["packages"]["node_modules/@bitwarden/cli"]["version"]
        .as_str()
        .expect("the lock file pins @bitwarden/cli")
        .to_owned()
}

/// Where `make tools` puts `bw`; panics with the command to run when it is missing, so a
/// test never passes by skipping.
pub fn binary() -> PathBuf {
    let path = crate::paths::workspace_root().join(".tools/bin/bw");
    assert!(
        path.exists(),
        "{} is missing: run `make tools` (Bitwarden's CLI from npm, needs Node.js)",
        path.display()
    );
    path
}

/// What one `bw` run did.
#[derive(Debug)]
pub struct BwRun {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// One person's `bw`, with its own data folder.
pub struct Bw {
    data: tempfile::TempDir,
    ca: Option<PathBuf>,
    /// `BW_SESSION`: the key `login`/`unlock` printed, for the commands after them.
    session: Option<String>,
    /// Extra environment for every run (passwords, API keys).
    env: Vec<(String, String)>,
}

impl Bw {
    /// A client with an empty data folder that trusts `server`'s CA.
    pub fn new(server: &Running) -> Bw {
        Bw {
            data: tempfile::tempdir().expect("a data folder for bw"),
            ca: server.ca_cert_path.clone(),
            session: None,
            env: Vec::new(),
        }
    }

    /// Sets an environment variable for every later run (e.g. the one `--passwordenv`
    /// names, so the password never appears on a command line).
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_owned(), value.to_owned()));
    }

    /// Uses this session key for every later run.
    pub fn set_session(&mut self, key: &str) {
        self.session = Some(key.trim().to_owned());
    }

    /// Runs `bw` with these arguments within the time limit.
    pub async fn run(&self, args: &[&str]) -> BwRun {
        let mut command = tokio::process::Command::new(binary());
        command
            .args(args)
            .current_dir(self.data.path())
            .env("HOME", self.data.path())
            .env("BITWARDENCLI_APPDATA_DIR", self.data.path().join("appdata"))
            .env("BW_NOINTERACTION", "true")
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .env_remove("BW_SESSION")
            .env_remove("BW_CLIENTID")
            .env_remove("BW_CLIENTSECRET")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(ca) = &self.ca {
            command.env("NODE_EXTRA_CA_CERTS", ca);
        }
        if let Some(session) = &self.session {
            command.env("BW_SESSION", session);
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start bw ({e}); run `make tools`"));
        let output = tokio::time::timeout(RUN_LIMIT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("bw {args:?} did not finish within {RUN_LIMIT:?}"))
            .expect("bw ran");
        BwRun {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `bw` and fails the test unless it succeeds; its standard output.
    pub async fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args).await;
        assert_eq!(
            run.code, 0,
            "bw {args:?} failed:\nstdout: {}\nstderr: {}",
            run.stdout, run.stderr
        );
        run.stdout
    }

    /// Runs `bw` (which must succeed) and reads the JSON it prints.
    pub async fn json(&self, args: &[&str]) -> Value {
        let stdout = self.ok(args).await;
        serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("bw {args:?} printed no JSON ({e}):\n{stdout}"))
    }
}
