//! The real app window for an end-to-end test: launched through tauri-driver with its own
//! config and data folders (so no test sees another's settings or the user's), with helpers
//! that act as a person would: click, type, wait for text, take a screenshot.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use tokio::sync::MutexGuard;

use crate::paths;
use crate::webdriver::{self, Driver};

/// How long a test waits for something a person would see before it fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// A running app window and the WebDriver session driving it.
pub struct AppWindow {
    pub client: Client,
    /// The app's private home: `config/` and `data/` (XDG folders) live here.
    pub home: tempfile::TempDir,
    /// Everything the app and its driver printed.
    pub log: PathBuf,
    _driver: Driver,
    _exclusive: MutexGuard<'static, ()>,
}

/// Builds the launch of an [`AppWindow`].
#[derive(Default)]
pub struct Launch {
    env: Vec<(String, OsString)>,
    config: Option<String>,
}

impl Launch {
    /// Extra environment for the app (a test server's URLs, the demo flag).
    pub fn env(mut self, name: &str, value: impl Into<OsString>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    /// Points the app's cloud account at the test server's cloud role.
    pub fn cloud_of(self, server: &crate::fake::Running) -> Self {
        self.env("LICENSE_COMPANION_CLOUD_API", &server.cloud_api_url)
            .env(
                "LICENSE_COMPANION_CLOUD_IDENTITY",
                &server.cloud_identity_url,
            )
    }

    /// A `settings.json` the app finds at start.
    pub fn settings(mut self, json: serde_json::Value) -> Self {
        self.config = Some(json.to_string());
        self
    }

    /// Opens the app and waits until its page has wired itself up. `name` names the log
    /// file in the test output folder.
    pub async fn open(self, name: &str) -> AppWindow {
        let exclusive = webdriver::exclusive().await;
        let home = tempfile::tempdir().expect("a home folder for the app");
        let config = home.path().join("config");
        let data = home.path().join("data");
        std::fs::create_dir_all(config.join("license-companion")).unwrap();
        if let Some(settings) = &self.config {
            std::fs::write(config.join("license-companion/settings.json"), settings).unwrap();
        }
        let log = paths::output_dir().join(format!("{name}.log"));
        let _ = std::fs::remove_file(&log);
        let mut env: Vec<(&str, &std::ffi::OsStr)> = vec![
            ("XDG_CONFIG_HOME", config.as_os_str()),
            ("XDG_DATA_HOME", data.as_os_str()),
            ("RUST_LOG", "info".as_ref()),
            ("LICENSE_COMPANION_RECORD_IPC", "1".as_ref()),
        ];
        env.extend(self.env.iter().map(|(k, v)| (k.as_str(), v.as_os_str())));
        let driver = Driver::start_with_env(4444, &env, Some(&log)).expect("tauri-driver");
        let app = paths::built_binary("license-companion-window");
        let mut builder = ClientBuilder::rustls().expect("TLS roots for the WebDriver client");
        builder.capabilities(Driver::capabilities(&app, &[]));
        let url = format!("http://127.0.0.1:{}", driver.port);
        let connect = builder.connect(&url);
        // An app that dies at start leaves WebKitWebDriver waiting forever: fail instead.
        let client = tokio::time::timeout(PATIENCE * 2, connect)
            .await
            .unwrap_or_else(|_| panic!("the app window never opened; see {}", log.display()))
            .expect("WebDriver session on the app window");
        let window = AppWindow {
            client,
            home,
            log,
            _driver: driver,
            _exclusive: exclusive,
        };
        window.find("body[data-ready='true']").await;
        window
    }
}

impl AppWindow {
    /// Waits for the element matching `css` to exist.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    /// Clicks the element matching `css` once it is shown. The element is looked up again
    /// while waiting, so a view that re-renders (replacing the element) is followed.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let element = self.find(css).await;
            if element.is_displayed().await.unwrap_or(false) {
                element
                    .click()
                    .await
                    .unwrap_or_else(|e| panic!("click {css}: {e}"));
                return;
            }
            assert!(Instant::now() < deadline, "{css} never became visible");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Replaces the value of the input matching `css` with `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        element.clear().await.unwrap();
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Picks the option with this `value` in the `<select>` matching `css`. The list is
    /// looked up again while waiting, so options a view re-renders are followed.
    pub async fn select(&self, css: &str, value: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.find(css).await.select_by_value(value).await {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!("select {value} in {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// The visible text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Waits until the element matching `css` shows text containing `needle`; returns
    /// the whole text. Fails with what was shown instead.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let shown = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if shown.contains(needle) {
                return shown;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("failed-{}", sanitize(css))).await;
                panic!("{css} never showed {needle:?}; it showed {shown:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot of the window as `<name>.png` in the test output folder, once
    /// the page has painted what it last changed: WebKit's snapshot can lag behind the
    /// page, so snapshots are taken until two in a row are the same (an animation on
    /// screen never settles: then the last one after two seconds).
    pub async fn screenshot(&self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut last: Option<Vec<u8>> = None;
        loop {
            let _ = self
                .client
                .execute_async(
                    "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                    vec![],
                )
                .await;
            let Ok(png) = self.client.screenshot().await else {
                return;
            };
            let settled = last.as_ref() == Some(&png) || Instant::now() > deadline;
            if settled {
                let _ = std::fs::write(paths::output_dir().join(format!("{name}.png")), png);
                return;
            }
            last = Some(png);
        }
    }

    /// Waits until the page stops scrolling (smooth scrolling has settled): the scroll
    /// position reads the same over two animation frames.
    pub async fn scrolling_settled(&self) {
        let deadline = Instant::now() + PATIENCE;
        let read = "const done = arguments[0]; const at = () => [...document.querySelectorAll('*')].map((e) => e.scrollTop).join(); const before = at(); requestAnimationFrame(() => requestAnimationFrame(() => done(before === at())));";
        while Instant::now() < deadline {
            let settled = self.client.execute_async(read, vec![]).await;
            if settled.ok().and_then(|v| v.as_bool()) == Some(true) {
                return;
            }
        }
        panic!("the page kept scrolling");
    }

    /// Every command the page sent and every answer it got, as the page's IPC wrapper
    /// recorded them (JSON).
    pub async fn ipc_traffic(&self) -> String {
        let value = self
            .client
            .execute(
                "return window.__ipcLog === undefined ? null : JSON.stringify(window.__ipcLog);",
                vec![],
            )
            .await
            .expect("read the IPC log");
        value
            .as_str()
            .expect("the page keeps an IPC log (LICENSE_COMPANION_RECORD_IPC is set)")
            .to_owned()
    }

    /// Every field name in the answers the page got that is not camelCase (`snake_case`
    /// from a core type that was not renamed on its way out), with the command it came
    /// from.
    pub async fn snake_case_fields_in_answers(&self) -> Vec<String> {
        fn walk(value: &serde_json::Value, command: &str, found: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(fields) => {
                    for (name, value) in fields {
                        let snake = name.contains('_')
                            && name.starts_with(|c: char| c.is_ascii_lowercase())
                            && name
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                        if snake {
                            found.push(format!("{command}: {name}"));
                        }
                        walk(value, command, found);
                    }
                }
                serde_json::Value::Array(items) => {
                    for item in items {
                        walk(item, command, found);
                    }
                }
                _ => {}
            }
        }
        let traffic: serde_json::Value =
            serde_json::from_str(&self.ipc_traffic().await).expect("the IPC log is JSON");
        let mut found = Vec::new();
        for call in traffic.as_array().into_iter().flatten() {
            let command = call["cmd"].as_str().unwrap_or("?");
            walk(&call["result"], command, &mut found);
        }
        found.sort();
        found.dedup();
        found
    }

    /// The app's config folder (`$XDG_CONFIG_HOME/license-companion`).
    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config/license-companion")
    }

    /// The app's data folder (`$XDG_DATA_HOME/license-companion`).
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data/license-companion")
    }

    /// Ends the WebDriver session (the driver and app stop when this is dropped).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

fn sanitize(css: &str) -> String {
    css.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Reads a log file written by an [`AppWindow`].
pub fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Runs the built `bwlicense` signed in with a personal API key (`(client_id, secret)`)
/// and with the config and data folders of the app living in `home`, so what it keeps
/// (sessions, keychain entries) is what the app finds. Fails the test when it fails.
pub async fn bwlicense(home: &Path, (id, secret): (&str, &str), args: &[&str]) {
    let out = tokio::process::Command::new(paths::built_binary("bwlicense"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("BW_CLIENTID", id)
        .env("BW_CLIENTSECRET", secret)
        .output()
        .await
        .expect("bwlicense runs");
    assert!(
        out.status.success(),
        "bwlicense {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
