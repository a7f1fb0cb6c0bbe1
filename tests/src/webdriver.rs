//! A WebDriver session on the real app window: `tauri-driver` (from `.tools/bin` or PATH)
//! in front of WebKitWebDriver, driven with fantoccini. Needs a display and a session bus,
//! which `make test` provides (Xvfb + dbus-run-session).

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, MutexGuard};

static WINDOW: Mutex<()> = Mutex::const_new(());

/// Serialises tests that open the app: they share one WebDriver port.
pub async fn exclusive() -> MutexGuard<'static, ()> {
    WINDOW.lock().await
}

/// A running `tauri-driver`, killed when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    /// Starts `tauri-driver` on `port` (its native WebKitWebDriver on `port + 1`), or on
    /// `LC_WEBDRIVER_PORT` when set, so two checkouts can run their window tests at once.
    pub fn start(port: u16) -> anyhow::Result<Self> {
        Self::start_with_env(port, &[], None)
    }

    /// Like [`Driver::start`], with extra environment for the app it launches (its
    /// config folders, the demo, a test server) and its output appended to `log`.
    pub fn start_with_env(
        port: u16,
        env: &[(&str, &std::ffi::OsStr)],
        log: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let output = || -> anyhow::Result<Stdio> {
            Ok(match log {
                Some(path) => std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?
                    .into(),
                None => Stdio::null(),
            })
        };
        let port = std::env::var("LC_WEBDRIVER_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(port);
        anyhow::ensure!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "port {port} is already taken (a tauri-driver left over from a killed run?); \
             stop it or set LC_WEBDRIVER_PORT"
        );
        let native_port = port + 1;
        // Its own process group, so WebKitWebDriver and the app go down with it on drop.
        let child = Command::new(tauri_driver())
            .process_group(0)
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .envs(env.iter().copied())
            .stdout(output()?)
            .stderr(output()?)
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start tauri-driver ({e}); run `make tools`"))?;
        // Both must listen before a session is asked for: tauri-driver answers a session
        // request that comes before its WebKitWebDriver listens with a dropped connection.
        let deadline = Instant::now() + Duration::from_secs(20);
        for listening in [port, native_port] {
            while TcpStream::connect(("127.0.0.1", listening)).is_err() {
                anyhow::ensure!(
                    Instant::now() < deadline,
                    "tauri-driver did not listen on {port} and {native_port}"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Ok(Self { child, port })
    }

    /// WebDriver capabilities that make tauri-driver launch `app` with `args`.
    pub fn capabilities(app: &Path, args: &[&str]) -> serde_json::Map<String, serde_json::Value> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app, "args": args }),
        );
        caps
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The next test's driver takes the same port: wait until this one's processes are gone.
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && group_alive(&group) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Whether any process of the process group (`-PGID`) is still running.
fn group_alive(group: &str) -> bool {
    Command::new("kill")
        .args(["-0", "--", group])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn tauri_driver() -> std::path::PathBuf {
    let local = crate::paths::workspace_root().join(".tools/bin/tauri-driver");
    if local.exists() {
        local
    } else {
        "tauri-driver".into()
    }
}
