// Linux only: it runs Debian's sshd as root, as `make test` does; the release workflow's
// macOS runners have neither.
#![cfg(target_os = "linux")]
//! Reading an installation over SSH against a real `sshd` started by each test on
//! 127.0.0.1 (ephemeral port, throwaway host and client keys, its own config in a temp
//! folder). Needs `/usr/sbin/sshd` (openssh-server) and root (sshd's privilege separation,
//! and a throwaway user for the remote permission test); a missing sshd fails loudly.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use companion_core::error::Explain;
use companion_core::installation::{self, InstallationError, Layout, Source, SshTarget};

const SSHD: &str = "/usr/sbin/sshd";

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/installation")
        .join(relative)
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "bwlicense-test",
            "-f",
        ])
        .arg(path)
        .status()
        .expect("ssh-keygen (openssh-client) must be installed");
    assert!(status.success(), "ssh-keygen failed for {}", path.display());
}

/// The public half of a key as `type base64`, for known_hosts and authorized_keys.
fn public_key(private: &Path) -> String {
    let text = fs::read_to_string(private.with_extension("pub")).unwrap();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A running sshd, killed when dropped.
struct Sshd {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Sshd {
    fn start() -> Self {
        assert!(
            Path::new(SSHD).exists(),
            "{SSHD} is missing: install openssh-server (scripts/deps.sh installs it)"
        );
        fs::create_dir_all("/run/sshd")
            .expect("create /run/sshd for sshd's privilege separation (run as root)");
        let dir = tempfile::tempdir().unwrap();
        // Readable by the throwaway user, whose authorized_keys live here.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let host_key = dir.path().join("host_key");
        let client_key = dir.path().join("client_key");
        keygen(&host_key);
        keygen(&client_key);
        let authorized = dir.path().join("authorized_keys");
        fs::write(&authorized, public_key(&client_key) + "\n").unwrap();
        fs::set_permissions(&authorized, fs::Permissions::from_mode(0o644)).unwrap();

        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("sshd_config");
        fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nPidFile {dir}/sshd.pid\n\
                 AuthorizedKeysFile {authorized}\nStrictModes no\nUsePAM no\n\
                 PermitRootLogin prohibit-password\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n",
                host = host_key.display(),
                dir = dir.path().display(),
                authorized = authorized.display(),
            ),
        )
        .unwrap();
        let log = fs::File::create(dir.path().join("sshd.log")).unwrap();
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start sshd");
        let mut sshd = Sshd { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline || sshd.child.try_wait().ok().flatten().is_some() {
                let log = fs::read_to_string(sshd.dir.path().join("sshd.log")).unwrap_or_default();
                panic!("sshd did not start on port {port}:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        sshd.write_known_hosts(&public_key(&host_key));
        sshd
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write_known_hosts(&self, key: &str) {
        fs::write(
            self.path("known_hosts"),
            format!("[127.0.0.1]:{} {key}\n", self.port),
        )
        .unwrap();
    }

    /// A target `user@sshd-test:path` resolved through this test's own ssh config.
    fn target(&self, user: &str, remote_path: &Path) -> SshTarget {
        let config = self.path("ssh_config");
        fs::write(
            &config,
            format!(
                "Host sshd-test\n  HostName 127.0.0.1\n  Port {}\n  IdentityFile {}\n  IdentitiesOnly yes\n  \
                 UserKnownHostsFile {}\n  StrictHostKeyChecking yes\n",
                self.port,
                self.path("client_key").display(),
                self.path("known_hosts").display(),
            ),
        )
        .unwrap();
        let mut target =
            SshTarget::parse(&format!("{user}@sshd-test:{}", remote_path.display())).unwrap();
        target.config_file = Some(config);
        target
    }

    /// A copy of the standard fixture's bwdata tree inside the temp folder.
    fn bwdata(&self) -> PathBuf {
        let bwdata = self.path("opt/bitwarden/bwdata");
        fs::create_dir_all(bwdata.join("env")).unwrap();
        fs::copy(
            data("standard/bwdata/env/global.override.env"),
            bwdata.join("env/global.override.env"),
        )
        .unwrap();
        fs::copy(
            data("standard/bwdata/config.yml"),
            bwdata.join("config.yml"),
        )
        .unwrap();
        bwdata
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_error(target: SshTarget) -> InstallationError {
    match installation::read(&Source::Ssh(target)) {
        Ok(found) => panic!("expected an error, read {found:?}"),
        Err(e) => e,
    }
}

#[test]
fn reads_a_bwdata_tree_over_ssh() {
    let sshd = Sshd::start();
    let bwdata = sshd.bwdata();
    let found = installation::read(&Source::Ssh(sshd.target("root", &bwdata)))
        .unwrap_or_else(|e| panic!("{}: {e} ({})", e.code(), e.advice()));
    assert_eq!(
        found.installation_id.map(|id| id.to_string()).as_deref(),
        Some("11111111-2222-4333-8444-555555555555")
    );
    assert!(found.installation_key_present());
    assert_eq!(found.layout, Layout::Standard);
    assert_eq!(
        found.vault_url.as_deref(),
        Some("https://vault.example.test")
    );
    assert_eq!(found.source, format!("root@sshd-test:{}", bwdata.display()));
    assert_eq!(
        found.env_file,
        format!(
            "root@sshd-test:{}/env/global.override.env",
            bwdata.display()
        )
    );
    assert_eq!(
        found
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect::<Vec<_>>(),
        vec!["cloud_communication_off"]
    );
    assert!(!format!("{found:?}").contains("FAKE-installation-key"));

    // The folder above bwdata, the env file itself, and a Lite folder work the same way.
    let above =
        installation::read(&Source::Ssh(sshd.target("root", bwdata.parent().unwrap()))).unwrap();
    assert_eq!(above.installation_id, found.installation_id);
    let file = installation::read(&Source::Ssh(
        sshd.target("root", &bwdata.join("env/global.override.env")),
    ))
    .unwrap();
    assert_eq!(file.installation_id, found.installation_id);
    let lite = sshd.path("lite");
    fs::create_dir_all(&lite).unwrap();
    fs::copy(data("lite/settings.env"), lite.join("settings.env")).unwrap();
    let lite_found = installation::read(&Source::Ssh(sshd.target("root", &lite))).unwrap();
    assert_eq!(lite_found.layout, Layout::Lite);
}

#[test]
fn a_remote_fix_prints_commands_that_work_on_the_server() {
    let sshd = Sshd::start();
    let bwdata = sshd.bwdata();
    let env = bwdata.join("env/global.override.env");
    let original = fs::read(&env).unwrap();
    let report =
        installation::enable_cloud_communication(&Source::Ssh(sshd.target("root", &bwdata)))
            .unwrap();
    let installation::FixOutcome::Commands(commands) = &report.outcome else {
        panic!("a remote fix must not write: {:?}", report.outcome)
    };
    assert_eq!(
        fs::read(&env).unwrap(),
        original,
        "nothing written over SSH"
    );
    assert!(commands.last().unwrap().ends_with("./bitwarden.sh restart"));
    // Run the edit commands (not the restart) as the admin would, and check the result.
    let edit = commands[..commands.len() - 1].join(" && ");
    let status = Command::new("sh").args(["-c", &edit]).status().unwrap();
    assert!(status.success(), "{edit}");
    let mut expected = original.clone();
    expected.extend_from_slice(b"globalSettings__enableCloudCommunication=true\n");
    assert_eq!(fs::read(&env).unwrap(), expected);
    let backups: Vec<_> = fs::read_dir(env.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("global.override.env.bak-")
        })
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(fs::read(backups[0].path()).unwrap(), original);
}

#[test]
fn a_changed_host_key_is_refused_with_advice() {
    let sshd = Sshd::start();
    let other = sshd.path("other_host_key");
    keygen(&other);
    sshd.write_known_hosts(&public_key(&other));
    let error = read_error(sshd.target("root", &sshd.bwdata()));
    assert_eq!(error.code(), "ssh_host_key_mismatch", "{error}");
    assert!(
        error.advice().contains("ssh-keygen -R"),
        "{}",
        error.advice()
    );
}

#[test]
fn an_unknown_host_is_refused_with_advice() {
    let sshd = Sshd::start();
    fs::write(sshd.path("known_hosts"), "").unwrap();
    let error = read_error(sshd.target("root", &sshd.bwdata()));
    assert_eq!(error.code(), "ssh_host_unknown", "{error}");
    assert!(error.advice().contains("known_hosts"));
}

#[test]
fn a_refused_login_and_a_missing_file_are_told_apart() {
    let sshd = Sshd::start();
    let error = read_error(sshd.target("no-such-user-bwlt", &sshd.bwdata()));
    assert_eq!(error.code(), "ssh_auth_failed", "{error}");
    let error = read_error(sshd.target("root", &sshd.path("nowhere/bwdata")));
    assert_eq!(error.code(), "remote_file_missing", "{error}");
    assert!(error.to_string().contains("nowhere/bwdata"), "{error}");
    let empty = sshd.path("empty");
    fs::create_dir_all(&empty).unwrap();
    assert_eq!(
        read_error(sshd.target("root", &empty)).code(),
        "not_an_installation"
    );
}

/// A throwaway local account, removed when dropped. `-p '*'` leaves it without a password
/// but not locked, so sshd (UsePAM no) accepts its key.
struct TempUser(String);

impl TempUser {
    fn create() -> Self {
        let name = format!("bwlt{}", std::process::id());
        let status = Command::new("useradd")
            .args(["-M", "-d", "/", "-s", "/bin/sh", "-p", "*", &name])
            .status()
            .expect("useradd (passwd package) must be installed; this test runs as root");
        assert!(
            status.success(),
            "useradd {name} failed: the test needs root"
        );
        TempUser(name)
    }
}

impl Drop for TempUser {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.0).status();
    }
}

#[test]
fn a_root_only_env_file_gives_a_remote_permission_error() {
    let sshd = Sshd::start();
    let bwdata = sshd.bwdata();
    let env = bwdata.join("env/global.override.env");
    fs::set_permissions(&env, fs::Permissions::from_mode(0o600)).unwrap();
    for folder in [
        sshd.path("opt"),
        sshd.path("opt/bitwarden"),
        bwdata.clone(),
        bwdata.join("env"),
    ] {
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let user = TempUser::create();
    let error = read_error(sshd.target(&user.0, &bwdata));
    assert_eq!(error.code(), "remote_permission_denied", "{error}");
    assert!(error.to_string().contains("global.override.env"), "{error}");
    assert!(error.advice().contains("sudo"), "{}", error.advice());
}

#[test]
fn a_server_that_never_answers_times_out() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut target = SshTarget::parse("root@127.0.0.1:/opt/bitwarden/bwdata").unwrap();
    target.options = vec![format!("Port={port}"), "ConnectTimeout=1".into()];
    target.config_file = Some(PathBuf::from("/dev/null"));
    let started = Instant::now();
    let error = read_error(target);
    assert_eq!(error.code(), "ssh_timeout", "{error}");
    assert!(started.elapsed() < Duration::from_secs(20));
    drop(silent);
}
