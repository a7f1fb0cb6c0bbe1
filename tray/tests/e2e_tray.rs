//! End-to-end: billing sync from the tray with no window. The app starts as it does at
//! login (`--hidden`: tray only), a tray host's click on "Sync Acme Corp" is sent over
//! D-Bus (com.canonical.dbusmenu `Event` on the app's StatusNotifierItem menu), and the
//! test checks that the server got the sync and that a desktop notification was raised.
//! Notifications are caught by a small org.freedesktop.Notifications service on the
//! session bus, run by the test.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use companion_tests::fake::{FakeBitwarden, Role, Seed};
use companion_tests::ids::{ACME_SELF_HOSTED, OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET};
use companion_tests::notifications::Catcher;
use companion_tests::paths;
use companion_tests::window::bwlicense;
use serde_json::Value;

const PATIENCE: Duration = Duration::from_secs(30);

/// The app, killed with its process group when dropped.
struct App(Child);

impl Drop for App {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.wait();
    }
}

impl App {
    /// Starts the tray program with `args`, its folders in `home`, `env` added, and its log
    /// in the test output folder as `log`.
    fn start(home: &std::path::Path, args: &[&str], env: &[(&str, &str)], log: &str) -> App {
        let output = std::fs::File::create(paths::output_dir().join(log)).unwrap();
        App(Command::new(env!("CARGO_BIN_EXE_license-companion"))
            .args(args)
            .process_group(0)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::from(output.try_clone().unwrap()))
            .stderr(Stdio::from(output))
            .spawn()
            .expect("the app starts"))
    }
}

/// `busctl --user --json=short ARGS`, parsed; `None` when it fails (a connection that
/// does not answer, a name that went away).
fn busctl(args: &[&str]) -> Option<Value> {
    let out = Command::new("busctl")
        .args(["--user", "--json=short", "--timeout=2", "--"])
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

/// The app's StatusNotifierItem on one of the process's bus connections: (bus name, item
/// path, menu path), the menu path being what the item's `Menu` property says, as a tray
/// host reads it.
fn item_of(pid: u32) -> Option<(String, String, String)> {
    let names = busctl(&["list"])?;
    for entry in names.as_array()? {
        let name = entry["name"].as_str().unwrap_or_default();
        if !name.starts_with(':') || entry["pid"].as_u64() != Some(u64::from(pid)) {
            continue;
        }
        let out = Command::new("busctl")
            .args(["--user", "--timeout=2", "tree", "--list", name])
            .output()
            .ok()?;
        for path in String::from_utf8_lossy(&out.stdout).lines().map(str::trim) {
            let menu = busctl(&[
                "get-property",
                name,
                path,
                "org.kde.StatusNotifierItem",
                "Menu",
            ]);
            if let Some(menu) = menu.as_ref().and_then(|m| m["data"].as_str()) {
                return Some((name.to_owned(), path.to_owned(), menu.to_owned()));
            }
        }
    }
    None
}

/// The id of the menu item labelled `label` in a dbusmenu layout.
fn item_id(layout: &Value, label: &str) -> Option<i64> {
    let node = layout.get("data").unwrap_or(layout);
    let fields = node.as_array()?;
    if fields.len() == 3 {
        if fields[1]["label"]["data"].as_str() == Some(label) {
            return fields[0].as_i64();
        }
        for child in fields[2].as_array()? {
            if let Some(id) = item_id(child, label) {
                return Some(id);
            }
        }
    }
    None
}

/// Waits until the tray menu offers `label`; returns the bus name, menu path and item id.
async fn wait_for_item(pid: u32, label: &str) -> (String, String, i64) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some((name, _, path)) = item_of(pid) {
            let layout = busctl(&[
                "call",
                &name,
                &path,
                "com.canonical.dbusmenu",
                "GetLayout",
                "iias",
                "0",
                "-1",
                "0",
            ]);
            if let Some(id) = layout
                .as_ref()
                .and_then(|l| l["data"].get(1))
                .and_then(|root| item_id(root, label))
            {
                return (name, path, id);
            }
        }
        assert!(
            Instant::now() < deadline,
            "the tray menu never offered {label:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Clicks a tray menu item the way a tray host does.
fn click(name: &str, path: &str, id: i64) {
    let status = Command::new("busctl")
        .args(["--user", "--timeout=5", "call", name, path])
        .args(["com.canonical.dbusmenu", "Event", "isvu"])
        .args([&id.to_string(), "clicked", "i", "0", "0"])
        .status()
        .unwrap();
    assert!(status.success(), "the dbusmenu Event call failed");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus and a keychain: run `make test`"]
async fn sync_from_the_tray_works_without_a_window_and_notifies() {
    let mut seed = Seed::default_seed();
    seed.auth_failure_delay_ms = 0;
    let server = FakeBitwarden::builder().seed(seed).start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/license-companion");
    std::fs::create_dir_all(&config).unwrap();
    let settings = serde_json::json!({
        "instances": [{ "id": "office", "name": "Office vault", "url": server.self_hosted_url }]
    });
    std::fs::write(config.join("settings.json"), settings.to_string()).unwrap();
    let owner = (OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    bwlicense(
        home.path(),
        owner,
        &["login", "--server", &server.self_hosted_url],
    )
    .await;

    let catcher = Catcher::start().await;

    let log = paths::output_dir().join("e2e-tray.log");
    let app = App::start(
        home.path(),
        &["--hidden"],
        &[
            ("LICENSE_COMPANION_CLOUD_API", &server.cloud_api_url),
            (
                "LICENSE_COMPANION_CLOUD_IDENTITY",
                &server.cloud_identity_url,
            ),
        ],
        "e2e-tray.log",
    );

    let (name, path, sync) = wait_for_item(app.0.id(), "Sync Acme Corp").await;
    click(&name, &path, sync);

    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}/sync");
    let deadline = Instant::now() + PATIENCE;
    let notice = loop {
        let synced = server
            .faults
            .requests_to(Role::SelfHosted, "POST", &route)
            .len();
        let notice = catcher
            .all()
            .into_iter()
            .find(|(summary, _)| summary.contains("Acme Corp synced"));
        if let (1, Some(notice)) = (synced, notice) {
            break notice;
        }
        assert!(
            Instant::now() < deadline,
            "no sync or no notification: {synced} syncs, notifications {:?}; see {}",
            catcher.all(),
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(notice.1.contains("fetched its license"), "{notice:?}");

    // "Open" builds the window afterwards; the screenshot shows it over the empty desktop.
    let (name, path, open) = wait_for_item(app.0.id(), "Open License Companion").await;
    click(&name, &path, open);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let shot = paths::output_dir().join("e2e-tray.png");
    let _ = Command::new("import")
        .args(["-window", "root"])
        .arg(&shot)
        .status();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus and a keychain: run `make test`"]
async fn the_tray_item_is_called_license_companion() {
    let home = tempfile::tempdir().unwrap();
    let log = paths::output_dir().join("e2e-tray-title.log");
    let app = App::start(home.path(), &["--hidden"], &[], "e2e-tray-title.log");

    // Tray hosts list the StatusNotifierItem by its Title.
    wait_for_item(app.0.id(), "Open License Companion").await;
    let (name, item, _) = item_of(app.0.id()).unwrap();
    let item = item.as_str();
    let title = busctl(&[
        "get-property",
        &name,
        item,
        "org.kde.StatusNotifierItem",
        "Title",
    ])
    .unwrap_or_else(|| panic!("no Title on {name} {item}; see {}", log.display()));
    assert_eq!(title["data"], "License Companion", "{title}");
}

/// The programs running as children of `pid` (`/proc/PID/task/*/children`), by name.
fn children(pid: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return found;
    };
    for task in tasks.flatten() {
        let list = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in list
            .split_whitespace()
            .filter_map(|c| c.parse::<u32>().ok())
        {
            let name = std::fs::read_to_string(format!("/proc/{child}/comm")).unwrap_or_default();
            found.push((child, name.trim().to_owned()));
        }
    }
    found
}

/// The window process the tray started, once it runs.
async fn window_child(tray: u32) -> u32 {
    let deadline = Instant::now() + PATIENCE;
    loop {
        // `comm` keeps 15 bytes: "license-compani".
        if let Some((pid, _)) = children(tray).into_iter().find(|(pid, _)| {
            std::fs::read_link(format!("/proc/{pid}/exe"))
                .is_ok_and(|exe| exe.ends_with("license-companion-window"))
        }) {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "the tray started no window process"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `log` holds `line` `count` times.
async fn wait_for_lines(log: &std::path::Path, line: &str, count: usize) {
    let deadline = Instant::now() + PATIENCE;
    while std::fs::read_to_string(log)
        .unwrap_or_default()
        .matches(line)
        .count()
        < count
    {
        assert!(
            Instant::now() < deadline,
            "{line:?} not {count} times in {}",
            log.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus and a keychain: run `make test`"]
async fn the_window_is_a_process_of_its_own_that_can_die_and_come_back_and_quit_ends_both() {
    let home = tempfile::tempdir().unwrap();
    let log = paths::output_dir().join("e2e-tray-processes.log");
    let app = App::start(home.path(), &[], &[], "e2e-tray-processes.log");
    let tray = app.0.id();

    // A plain start opens the window, in a process of its own.
    let first = window_child(tray).await;
    wait_for_lines(&log, "page ready", 1).await;

    // The window process dies mid-way: the tray lives on and opens a new one on "Open".
    Command::new("kill")
        .args(["-KILL", &first.to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    while children(tray).iter().any(|(pid, _)| *pid == first) {
        assert!(
            Instant::now() < deadline,
            "the killed window was never reaped"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        std::fs::metadata(format!("/proc/{tray}")).is_ok(),
        "the tray died with its window; see {}",
        log.display()
    );
    let (name, path, open) = wait_for_item(tray, "Open License Companion").await;
    click(&name, &path, open);
    let second = window_child(tray).await;
    assert_ne!(second, first);
    wait_for_lines(&log, "page ready", 2).await;

    // A second launch of the app hands over to this one and ends.
    let status = Command::new(env!("CARGO_BIN_EXE_license-companion"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .status()
        .unwrap();
    assert!(status.success(), "the second launch said {status}");
    assert_eq!(
        window_child(tray).await,
        second,
        "a second window was started"
    );

    // "Quit" ends the window and the tray.
    let (name, path, quit) = wait_for_item(tray, "Quit").await;
    click(&name, &path, quit);
    let mut app = app;
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = app.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "Quit did not end the tray");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the tray ended with {status}");
    assert!(
        std::fs::metadata(format!("/proc/{second}")).is_err()
            || std::fs::read_to_string(format!("/proc/{second}/stat"))
                .is_ok_and(|s| s.contains(") Z")),
        "the window outlived Quit"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs a display, a session bus and a keychain: run `make test`"]
async fn a_start_at_login_starts_the_tray_alone() {
    let home = tempfile::tempdir().unwrap();
    let log = paths::output_dir().join("e2e-tray-hidden.log");
    let app = App::start(home.path(), &["--hidden"], &[], "e2e-tray-hidden.log");
    wait_for_item(app.0.id(), "Open License Companion").await;
    // Time for a window to show up, were one started.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(children(app.0.id()), [], "see {}", log.display());
}
