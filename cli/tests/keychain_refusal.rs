//! With a session bus but no Secret Service on it (a desktop without gnome-keyring or
//! KeePassXC), commands that would keep a secret refuse up front with advice: exit 3, and
//! neither the server nor a file saw anything. The bus is private and has no service
//! activation, so a gnome-keyring installed here cannot be started behind the test's back.

// The Secret Service over D-Bus is Linux's keychain; other systems have their own.
#![cfg(target_os = "linux")]

mod client_support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use client_support::*;
use companion_tests::fake::Running;

const TOKEN: &str = "RefusedBillingSyncTokenXyz4321";

/// A `dbus-daemon` with a minimal session config: no service directories.
struct BareBus {
    daemon: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl BareBus {
    fn start() -> BareBus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("session.conf");
        std::fs::write(
            &config,
            format!(
                r#"<busconfig><type>session</type><listen>unix:dir={}</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (package dbus, scripts/deps.sh)");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        BareBus {
            daemon,
            address: address.trim().to_owned(),
            _dir: dir,
        }
    }
}

impl Drop for BareBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn assert_refused_with_advice(run: &Run) {
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.error_code(), "keychain_unavailable", "{}", run.stdout);
    let advice = run.json()["error"]["advice"].as_str().unwrap().to_owned();
    assert!(advice.contains("No Secret Service is running"), "{advice}");
    assert!(advice.contains("gnome-keyring"), "{advice}");
    assert_eq!(
        run.json()["error"]["hint"],
        "Or pass --no-keychain where the command offers it."
    );
}

fn assert_nothing_kept(machine: &Machine, server: &Running) {
    assert!(
        server.faults.requests().is_empty(),
        "the server was contacted: {:?}",
        server.faults.requests()
    );
    for dir in [machine.config_dir(), machine.data_dir()] {
        for (path, bytes) in files_under(&dir) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(TOKEN), "{} holds the token", path.display());
            assert!(
                !text.contains(OWNER_SELF_HOSTED_SECRET),
                "{} holds the API key",
                path.display()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn token_set_without_a_secret_service_exits_3_before_the_server_sees_the_token() {
    let bus = BareBus::start();
    let server = start(false).await;
    let machine = Machine::new()
        .with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
        .with_env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let sv = server_args(&server);
    let run = machine
        .run(
            &args(
                &[&sv],
                &["token", "set", "--org", ACME_SELF_HOSTED, "--json"],
            ),
            &format!("{TOKEN}\n"),
        )
        .await;
    assert_refused_with_advice(&run);
    assert_nothing_kept(&machine, &server);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_without_a_secret_service_exits_3_before_signing_in() {
    let bus = BareBus::start();
    let server = start(false).await;
    let machine = Machine::new()
        .with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
        .with_env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let run = machine
        .run(&args(&[&server_args(&server)], &["login", "--json"]), "")
        .await;
    assert_refused_with_advice(&run);
    assert_nothing_kept(&machine, &server);
    assert!(!machine.app_config().join("sessions.json").exists());
}
