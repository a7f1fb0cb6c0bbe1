//! End-to-end: the License screen of the real app window against the Bitwarden-compatible
//! test server. The instance and the cloud account are signed in beforehand the way
//! `bwlicense login` keeps them (the app's config folder and the OS keychain), then a
//! person's steps are replayed: open a license through the real GTK file chooser, read
//! its report, download one from the cloud, apply it after the confirmation, see it in the
//! history, and create an organization from a license.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use companion_core::bitwarden::{
    download_organization_license, AppKind, Device, Endpoints, Http, HttpOptions,
};
use companion_core::license::{parse, License};
use companion_tests::english::english_sentences;
use companion_tests::fake::{FakeBitwarden, Role, Running, Seed};
use companion_tests::ids::{
    ACME_CLOUD, ACME_SELF_HOSTED, ACME_TEAMS, OWNER_CLOUD_ID, OWNER_CLOUD_SECRET,
    OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET,
};
use companion_tests::setup::{
    api_key_session, bwdata_of, cloud_endpoints, keep_session, sessions_of,
};
use companion_tests::window::{AppWindow, Launch};
use serde_json::json;
use uuid::Uuid;

const INSTANCE: &str = "0f0f0f0f-0000-4000-8000-000000000001";
/// The title the app gives the native file chooser, in English or in Chinese (xdotool
/// matches window names as an extended regular expression).
const CHOOSER_TITLE: &str = "Open a Bitwarden license file|打开 Bitwarden 许可证文件";

/// A test server, the app signed in to it and to its cloud, and a folder for files.
struct Scene {
    server: Running,
    app: AppWindow,
    files: tempfile::TempDir,
}

impl Scene {
    async fn open(name: &str) -> Scene {
        Scene::open_with(name, Seed::default_seed()).await
    }

    async fn open_with(name: &str, seed: Seed) -> Scene {
        let server = FakeBitwarden::builder()
            .seed(seed)
            .start()
            .await
            .expect("the test server starts");
        let files = tempfile::tempdir().unwrap();
        let bwdata = bwdata_of(&server, files.path());
        // A copy outlives the server, for tests that stop it.
        let cert = files.path().join("licensing.pem");
        std::fs::copy(&server.licensing_cert_pem_path, &cert).unwrap();
        let app = Launch::default()
            .env("LICENSE_COMPANION_TRUST_CERT", &cert)
            .cloud_of(&server)
            .settings(json!({
                "instances": [{
                    "id": INSTANCE,
                    "name": "Office vault",
                    "url": server.self_hosted_url,
                    "installation": { "kind": "folder", "path": bwdata },
                }]
            }))
            .open(name)
            .await;
        let scene = Scene { server, app, files };
        scene
            .sign_in(
                Endpoints::self_hosted(&scene.server.self_hosted_url).unwrap(),
                OWNER_SELF_HOSTED_ID,
                OWNER_SELF_HOSTED_SECRET,
            )
            .await;
        scene
            .sign_in(
                cloud_endpoints(&scene.server),
                OWNER_CLOUD_ID,
                OWNER_CLOUD_SECRET,
            )
            .await;
        scene.app.click("#nav button[data-view='license']").await;
        scene
    }

    /// Signs in with a personal API key and keeps the session where the app finds it.
    async fn sign_in(&self, endpoints: Endpoints, id: &str, secret: &str) {
        keep_session(&self.app, endpoints, None, (id, secret)).await;
    }

    /// Leaves no session of this test in the keychain.
    async fn close(self) {
        sessions_of(&self.app).forget_all().unwrap();
        self.app.close().await;
    }
}

/// Picks a cloud organization in the License screen's list and downloads its license.
async fn download(app: &AppWindow, cloud_org: &str) {
    app.find(&format!("#license-cloud-org option[value='{cloud_org}']"))
        .await;
    app.select("#license-cloud-org", cloud_org).await;
    app.click("#license-download-org").await;
}

/// Invokes `cmd` straight through Tauri, as a page that skipped the screen's checks would.
async fn invoke(app: &AppWindow, cmd: &str, args: serde_json::Value) -> serde_json::Value {
    app.client
        .execute_async(
            "const [cmd, args, done] = arguments;
             window.__TAURI__.core.invoke(cmd, args).then(
               (ok) => done({ ok }), (err) => done({ err }));",
            vec![json!(cmd), args],
        )
        .await
        .unwrap_or_else(|e| panic!("invoke {cmd}: {e}"))
}

/// A fresh license of a cloud organization for the server's installation, as a file.
async fn org_license_file(server: &Running, org: &str, dir: &Path) -> PathBuf {
    let http = Http::new(
        HttpOptions::default(),
        Device::with_identifier(AppKind::Cli, Uuid::new_v4()),
    )
    .unwrap();
    let session = api_key_session(
        http,
        cloud_endpoints(server),
        OWNER_CLOUD_ID,
        OWNER_CLOUD_SECRET,
    )
    .await;
    let license = download_organization_license(
        &session,
        Uuid::parse_str(org).unwrap(),
        server.installation_id(),
    )
    .await
    .unwrap();
    let path = dir.join("org.json");
    std::fs::write(&path, &license.bytes).unwrap();
    path
}

fn xdotool(args: &[&str]) -> Option<String> {
    let out = Command::new("xdotool").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The visible windows of the GTK file chooser (none when it is closed).
fn chooser_windows() -> Vec<String> {
    xdotool(&["search", "--onlyvisible", "--name", CHOOSER_TITLE])
        .map(|found| found.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The visible window of the GTK file chooser, once it is up.
fn chooser_window(patience: Duration) -> Option<String> {
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        if let Some(id) = chooser_windows().into_iter().next() {
            return Some(id);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

/// Waits until the file chooser is gone; false when it is still up after `patience`.
fn chooser_closed(patience: Duration) -> bool {
    let deadline = Instant::now() + patience;
    while !chooser_windows().is_empty() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    true
}

/// Puts `text` on the clipboard (xclip keeps serving it in the background).
fn set_clipboard(text: &str) {
    let mut xclip = Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("xclip");
    std::io::Write::write_all(xclip.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    drop(xclip.stdin.take());
    xclip.wait().unwrap();
}

/// Drives the real GTK "Open" dialog as a person would: location bar (ctrl+L), the whole
/// path pasted at once (typing races the bar's completion), Enter. The chooser looks the
/// path up before it closes, so each try waits for that before typing again: keys sent
/// after it closed would land in the app window (Enter there opens a second chooser).
fn choose_file(path: &Path) {
    let window = chooser_window(Duration::from_secs(30)).expect("the file chooser opened");
    let main = xdotool(&["search", "--onlyvisible", "--name", "^License"])
        .and_then(|found| found.lines().next().map(str::to_owned));
    set_clipboard(&path.display().to_string());
    for _attempt in 0..4 {
        let _ = xdotool(&["windowfocus", "--sync", &window]);
        std::thread::sleep(Duration::from_millis(300));
        let _ = xdotool(&["key", "--clearmodifiers", "ctrl+l"]);
        std::thread::sleep(Duration::from_millis(400));
        let _ = xdotool(&["key", "--clearmodifiers", "ctrl+a"]);
        let _ = xdotool(&["key", "--clearmodifiers", "ctrl+v"]);
        std::thread::sleep(Duration::from_millis(700));
        let _ = xdotool(&["key", "--clearmodifiers", "Return"]);
        if chooser_closed(Duration::from_secs(5)) {
            // Keyboard focus goes back to the app window, as a window manager would do.
            if let Some(main) = &main {
                let _ = xdotool(&["windowfocus", main]);
            }
            return;
        }
    }
    panic!("the file chooser did not take {}", path.display());
}

#[tokio::test]
#[ignore = "needs a display, a session bus, xdotool and tauri-driver: run `make test`"]
async fn a_license_opened_in_the_native_file_chooser_shows_its_full_report() {
    let scene = Scene::open("e2e-license-open").await;
    let file = org_license_file(&scene.server, ACME_CLOUD, scene.files.path()).await;

    scene.app.click("#license-open").await;
    let chosen = file.clone();
    tokio::task::spawn_blocking(move || choose_file(&chosen))
        .await
        .unwrap();

    let app = &scene.app;
    app.wait_for_text("#license-verdict", "The server would accept this license.")
        .await;
    let summary = app.text("#license-summary").await;
    assert!(summary.contains("Organization license"), "{summary}");
    assert!(summary.contains("Acme Corp"), "{summary}");
    assert!(summary.contains("50"), "{summary}");
    let installation = app.text("#license-installation").await;
    assert!(
        installation.contains(&scene.server.installation_id().to_string()),
        "{installation}"
    );
    let checks = app.text("#license-checks").await;
    assert!(checks.contains("Passed"), "{checks}");
    assert!(!checks.contains("Failed"), "{checks}");
    assert!(app.text("#license-source").await.contains("org.json"));
    app.screenshot("e2e-license-open").await;
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_downloaded_license_is_applied_after_confirmation_and_listed_in_the_history() {
    let scene = Scene::open("e2e-license-upload").await;
    let app = &scene.app;
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");
    let uploads = || {
        scene
            .server
            .faults
            .requests_to(Role::SelfHosted, "POST", &route)
            .len()
    };

    let before = std::fs::read(
        scene
            .server
            .state
            .organization_license_file(Uuid::parse_str(ACME_SELF_HOSTED).unwrap()),
    )
    .unwrap();
    let seats_on_dashboard =
        format!("#dashboard-rows tr[data-org='{ACME_SELF_HOSTED}'] .dash-seats");
    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text(&seats_on_dashboard, "50").await;
    // The admin bought more seats in the cloud: the new license carries them.
    scene.server.state.edit(|w| {
        let acme = Uuid::parse_str(ACME_CLOUD).unwrap();
        w.cloud_orgs
            .iter_mut()
            .find(|o| o.id == acme)
            .unwrap()
            .seats = Some(75);
    });
    app.click("#nav button[data-view='license']").await;
    download(app, ACME_CLOUD).await;
    app.wait_for_text("#license-verdict", "accept").await;
    app.wait_for_text("#license-target", "Acme Corp").await;
    let target = app
        .find("#license-target")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(target.as_deref(), Some(ACME_SELF_HOSTED));

    app.click("#license-review").await;
    let confirm = app.wait_for_text("#license-confirm", "Seats").await;
    assert!(
        confirm.contains("50") && confirm.contains("75"),
        "{confirm}"
    );
    assert!(confirm.contains("kept in the archive"), "{confirm}");
    app.screenshot("e2e-license-confirm").await;
    assert_eq!(uploads(), 0, "nothing is sent before the confirmation");

    app.click("#license-confirm-send").await;
    app.wait_for_text("#license-apply-status", "The server accepted the license.")
        .await;
    app.wait_for_text("#license-history-table", "Applied").await;
    app.wait_for_text("#license-history-table", "Replaced")
        .await;
    app.screenshot("e2e-license-applied").await;
    assert_eq!(uploads(), 1);
    // "When" is the window's one date-and-time format: "Dec 4, 2026, 9:03 PM".
    let when = app
        .client
        .execute(
            "return [...document.querySelectorAll('#license-history-table .history-when')].map(c => c.innerText);",
            vec![],
        )
        .await
        .unwrap();
    let when: Vec<String> = serde_json::from_value(when).unwrap();
    assert!(!when.is_empty());
    for text in &when {
        assert!(is_medium_date_and_short_time(text), "{when:?}");
    }

    let held_file = scene
        .server
        .state
        .organization_license_file(Uuid::parse_str(ACME_SELF_HOSTED).unwrap());
    let held = std::fs::read(held_file).unwrap();
    assert_ne!(held, before, "the server holds the new license");
    match parse(&held).unwrap().license {
        License::Organization(l) => assert_eq!(l.name.as_deref(), Some("Acme Corp")),
        other => panic!("the server holds {other:?}"),
    }
    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text(&seats_on_dashboard, "75").await;
    app.screenshot("e2e-license-dashboard-after-upload").await;
    app.click("#nav button[data-view='license']").await;

    // Restoring the replaced license asks again, and cancelling sends nothing.
    app.click("#license-history-table tr[data-role='replaced'] .history-restore")
        .await;
    app.wait_for_text("#license-confirm", "Seats").await;
    app.click("#license-confirm-cancel").await;
    assert!(!app
        .find("#license-confirm")
        .await
        .is_displayed()
        .await
        .unwrap());
    assert_eq!(uploads(), 1);
    let snake = app.snake_case_fields_in_answers().await;
    assert!(
        snake.is_empty(),
        "answers with snake_case fields: {snake:?}"
    );
    scene.close().await;
}

/// "Dec 4, 2026, 9:03 PM" (English medium date, short time: no seconds).
fn is_medium_date_and_short_time(text: &str) -> bool {
    let Some((date, time)) = text.rsplit_once(", ") else {
        return false;
    };
    let (month_day, year) = date.split_once(", ").unwrap_or_default();
    let (month, day) = month_day.split_once(' ').unwrap_or_default();
    let (clock, half) = time
        .split_once(|c: char| c.is_whitespace())
        .unwrap_or_default();
    let (hours, minutes) = clock.split_once(':').unwrap_or_default();
    month.len() == 3
        && day.parse::<u8>().is_ok()
        && year.len() == 4
        && year.parse::<u16>().is_ok()
        && hours.parse::<u8>().is_ok()
        && minutes.len() == 2
        && minutes.parse::<u8>().is_ok()
        && (half == "AM" || half == "PM")
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_trial_license_is_reported_as_a_trial() {
    let scene = Scene::open("e2e-license-trial").await;
    let app = &scene.app;
    scene.server.state.edit(|w| {
        let acme = Uuid::parse_str(ACME_CLOUD).unwrap();
        let org = w.cloud_orgs.iter_mut().find(|o| o.id == acme).unwrap();
        org.subscription.trial_end = Some(chrono::Utc::now() + chrono::Duration::days(14));
    });
    download(app, ACME_CLOUD).await;
    app.wait_for_text("#license-verdict", "accept").await;
    let kind = app
        .wait_for_text("#license-summary dd[data-field='kind']", "Trial license")
        .await;
    assert_eq!(kind, "Organization license · Trial license");
    app.screenshot("e2e-license-trial").await;
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn an_organization_is_created_from_a_license_for_this_installation() {
    let scene = Scene::open("e2e-license-create").await;
    let app = &scene.app;

    download(app, ACME_TEAMS).await;
    app.wait_for_text("#license-verdict", "accept").await;
    app.find("#license-create:not([hidden])").await;
    let collection = app
        .find("#license-collection")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(collection.as_deref(), Some("Default collection"));

    app.fill("#license-collection", "Engineering").await;
    app.click("#license-create-btn").await;
    let shown = app.wait_for_text("#license-created", "Created").await;
    assert!(shown.contains("Acme Teams"), "{shown}");
    app.screenshot("e2e-license-created").await;

    let id = app
        .find("#license-created [data-org-id]")
        .await
        .attr("data-org-id")
        .await
        .unwrap()
        .expect("the new organization's id");
    let opened = scene
        .server
        .state
        .open_organization(Uuid::parse_str(&id).unwrap())
        .unwrap();
    assert_eq!(opened.collection_names, ["Engineering"]);
    assert!(opened.has_key_pair);
    app.wait_for_text("#license-target", "Acme Teams").await;

    // The new organization is on the dashboard, under this instance.
    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text(
        &format!("#dashboard-rows tr[data-org='{id}'] .dash-name"),
        "Acme Teams",
    )
    .await;
    app.screenshot("e2e-license-created-dashboard").await;
    let snake = app.snake_case_fields_in_answers().await;
    assert!(
        snake.is_empty(),
        "answers with snake_case fields: {snake:?}"
    );
    scene.close().await;
}

/// The number of uploads the server got for Acme Corp.
fn acme_uploads(scene: &Scene) -> usize {
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");
    scene
        .server
        .faults
        .requests_to(Role::SelfHosted, "POST", &route)
        .len()
}

/// Sets the seats of Acme Corp's subscription in the cloud (its next license carries them).
fn cloud_seats(scene: &Scene, seats: i32) {
    scene.server.state.edit(|w| {
        let acme = Uuid::parse_str(ACME_CLOUD).unwrap();
        w.cloud_orgs
            .iter_mut()
            .find(|o| o.id == acme)
            .unwrap()
            .seats = Some(seats);
    });
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn another_organizations_license_is_not_offered_for_it_and_never_sent() {
    let scene = Scene::open("e2e-license-wrong-org").await;
    let app = &scene.app;

    download(app, ACME_TEAMS).await;
    app.wait_for_text("#license-verdict", "accept").await;
    app.wait_for_text(
        "#license-target",
        "Acme Corp · belongs to another cloud organization",
    )
    .await;
    let option = app
        .find(&format!(
            "#license-target option[value='{ACME_SELF_HOSTED}']"
        ))
        .await;
    assert!(option.attr("disabled").await.unwrap().is_some());
    let why = app.text("#license-belonging").await;
    assert!(
        why.contains("belongs to the cloud organization Acme Corp")
            && why.contains("this license is for Acme Teams")
            && why.contains("cannot be applied there"),
        "{why}"
    );
    assert!(app
        .find("#license-review")
        .await
        .attr("disabled")
        .await
        .unwrap()
        .is_some());
    app.screenshot("e2e-license-wrong-org").await;

    // A page that asks anyway, even with the organization's name, is refused by core.
    let opened = invoke(
        app,
        "license_download",
        json!({ "instanceId": INSTANCE, "cloudOrgId": ACME_TEAMS }),
    )
    .await;
    let planned = invoke(
        app,
        "license_plan_upload",
        json!({
            "instanceId": INSTANCE,
            "id": opened["ok"]["id"],
            "target": { "kind": "organization", "id": ACME_SELF_HOSTED },
        }),
    )
    .await;
    assert_eq!(
        planned["ok"]["plan"]["belonging"]["verdict"], "another",
        "{planned}"
    );
    let sent = invoke(
        app,
        "license_send_upload",
        json!({ "planId": planned["ok"]["planId"], "confirmed": "Acme Corp" }),
    )
    .await;
    assert_eq!(
        sent["err"]["code"], "license_for_another_organization",
        "{sent}"
    );
    assert_eq!(acme_uploads(&scene), 0);
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_downgrade_is_spelled_out_and_sent_only_once_the_organizations_name_is_typed() {
    let scene = Scene::open("e2e-license-downgrade").await;
    let app = &scene.app;
    cloud_seats(&scene, 10);

    download(app, ACME_CLOUD).await;
    app.wait_for_text("#license-verdict", "accept").await;
    app.wait_for_text(
        "#license-belonging",
        "is the license of the cloud organization",
    )
    .await;
    app.click("#license-review").await;
    let heading = app
        .wait_for_text("#license-confirm-heading", "Acme Corp")
        .await;
    assert_eq!(heading, "Apply this license to Acme Corp on Office vault?");
    let losses = app.text("#license-confirm-losses").await;
    assert!(losses.contains("Seats 50 → 10"), "{losses}");
    // Only what changes is listed; "Now" comes from the server or the license in force.
    let changes = app.text("#license-changes").await;
    assert!(!changes.contains("—"), "{changes}");
    assert!(
        !changes.contains("Single sign-on"),
        "unchanged rows are folded away: {changes}"
    );
    let send = app.find("#license-confirm-send").await;
    assert!(send.attr("disabled").await.unwrap().is_some());
    app.fill("#license-confirm-name", "Acme").await;
    assert!(send.attr("disabled").await.unwrap().is_some());
    app.screenshot("e2e-license-downgrade").await;
    app.fill("#license-confirm-name", " acme corp ").await;
    assert!(send.attr("disabled").await.unwrap().is_none());
    assert_eq!(
        acme_uploads(&scene),
        0,
        "nothing is sent before the confirmation"
    );

    app.click("#license-confirm-send").await;
    app.wait_for_text("#license-apply-status", "The server accepted the license.")
        .await;
    app.wait_for_text("#license-history-table", "Replaced")
        .await;
    assert_eq!(acme_uploads(&scene), 1);
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_refused_upload_is_its_own_history_row_with_the_servers_answer_and_no_restore() {
    let scene = Scene::open("e2e-license-refused").await;
    let app = &scene.app;
    // Five seats are in use on the server: a two-seat license is refused there.
    cloud_seats(&scene, 2);

    download(app, ACME_CLOUD).await;
    app.wait_for_text(
        "#license-belonging",
        "is the license of the cloud organization",
    )
    .await;
    app.click("#license-review").await;
    app.wait_for_text("#license-confirm-losses", "Seats 50 → 2")
        .await;
    app.fill("#license-confirm-name", "Acme Corp").await;
    app.click("#license-confirm-send").await;
    app.wait_for_text(
        "#license-apply-status",
        "Your organization currently has 5 seats filled. Your new license only has (2) seats.",
    )
    .await;
    let refused = app
        .wait_for_text(
            "#license-history-table tr[data-role='refused']",
            "Refused by the server",
        )
        .await;
    assert!(refused.contains("5 seats filled"), "{refused}");
    assert!(!app
        .find("#license-confirm")
        .await
        .is_displayed()
        .await
        .unwrap());
    let history = app.text("#license-history-table").await;
    assert!(!history.contains("Replaced"), "{history}");
    let restore_buttons = app
        .client
        .execute(
            "return [...document.querySelectorAll('#license-history-table tr')]
               .filter(r => r.querySelector('.history-restore')).map(r => r.dataset.role);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(restore_buttons, json!(["before"]), "{history}");
    app.client
        .execute(
            "document.getElementById('license-history-card').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    app.screenshot("e2e-license-refused").await;
    assert_eq!(acme_uploads(&scene), 1);
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn get_a_new_license_on_the_dashboard_chooses_the_organizations_cloud_organization() {
    // Acme Corp's subscription ended five days ago: its license is in the grace period.
    let mut seed: serde_json::Value =
        serde_json::from_str(include_str!("../data/seeds/default.json")).unwrap();
    let acme = seed["cloud"]["organizations"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o["id"] == ACME_CLOUD)
        .unwrap();
    acme["subscription"] =
        json!({ "status": "active", "period_start_days": -370, "period_end_days": -5 });
    let seed = Seed::from_json(&seed.to_string()).unwrap();
    let scene = Scene::open_with("e2e-license-renew", seed).await;
    let app = &scene.app;

    // Another organization was chosen for download earlier.
    app.find(&format!("#license-cloud-org option[value='{ACME_TEAMS}']"))
        .await;
    app.select("#license-cloud-org", ACME_TEAMS).await;

    app.click("#nav button[data-view='dashboard']").await;
    app.click(&format!(
        "#dashboard-rows tr[data-org='{ACME_SELF_HOSTED}'] .problem-action[data-action='newLicense']"
    ))
    .await;
    app.wait_for_text("#license-cloud-linked", "Acme Corp")
        .await;
    let chosen = app
        .find("#license-cloud-org")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(chosen.as_deref(), Some(ACME_CLOUD));
    let focused = app
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("license-download-org"));
    app.screenshot("e2e-license-renew").await;

    app.click("#license-download-org").await;
    app.wait_for_text("#license-verdict", "accept").await;
    let installation = app.text("#license-installation").await;
    assert!(
        installation.contains(&scene.server.installation_id().to_string()),
        "{installation}"
    );
    app.wait_for_text("#license-target", "Acme Corp · this license's organization")
        .await;
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn an_unreachable_server_is_said_on_the_license_screen_with_a_connection_test_not_a_sign_in()
{
    let scene = Scene::open("e2e-license-unreachable").await;
    download(&scene.app, ACME_CLOUD).await;
    scene
        .app
        .wait_for_text("#license-target", "Acme Corp · this license's organization")
        .await;

    let Scene { server, app, files } = scene;
    server.shutdown().await;
    // The screen is shown again, as after a visit to another view.
    app.click("#nav button[data-view='dashboard']").await;
    app.click("#nav button[data-view='license']").await;
    let said = app
        .wait_for_text("#license-unreachable", "cannot be reached")
        .await;
    let page = app.text("#view-license").await;
    assert!(!page.contains("Sign in"), "{page}");
    assert!(!page.contains("null"), "{page}");
    assert!(
        app.find("#license-review")
            .await
            .prop("disabled")
            .await
            .unwrap()
            == Some("true".into()),
        "nothing can be reviewed for a server that cannot be reached: {said}"
    );
    app.screenshot("e2e-license-unreachable").await;

    app.click("#license-test-connection").await;
    app.wait_for_text(
        &format!(".instance[data-id='{INSTANCE}'] .instance-account"),
        "server not reachable",
    )
    .await;
    sessions_of(&app).forget_all().unwrap();
    app.close().await;
    drop(files);
}

/// The names the scene gives things (instance, organizations, plans, people), which a
/// Chinese window shows as they are.
const NAMES: &[&str] = &["Office vault", "Acme Corp", "Bitwarden"];

/// Each view, an element and a text that say it has loaded, and its heading in English
/// and in Chinese.
const SCREENS: [(&str, &str, &str, [&str; 2]); 5] = [
    (
        "dashboard",
        "#dashboard-rows",
        "Acme Corp",
        ["Dashboard", "概览"],
    ),
    (
        "instances",
        "#instance-list",
        "Office vault",
        ["Instances", "实例"],
    ),
    (
        "license",
        "#license-report",
        "Acme Corp",
        ["License", "许可证"],
    ),
    (
        "billing",
        "#view-billing",
        "Acme Corp",
        ["Billing sync", "计费同步"],
    ),
    ("settings", "#about-heading", "", ["Settings", "设置"]),
];

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn every_screen_is_captured_in_english_and_in_simplified_chinese() {
    let scene = Scene::open("e2e-screens").await;
    let app = &scene.app;
    // More seats in the cloud, so the review below has a changed row to show.
    scene.server.state.edit(|w| {
        let acme = Uuid::parse_str(ACME_CLOUD).unwrap();
        let cloud = w.cloud_orgs.iter_mut().find(|o| o.id == acme).unwrap();
        cloud.seats = Some(75);
    });
    download(app, ACME_CLOUD).await;
    app.wait_for_text("#license-verdict", "accept").await;
    let shot = |language: &str, view: &str| {
        companion_tests::paths::output_dir().join(format!("screen-{language}-{view}.png"))
    };
    for (view, ..) in SCREENS {
        for language in ["en", "zh-CN"] {
            let _ = std::fs::remove_file(shot(language, view));
        }
    }

    let mut english = Vec::new();
    for (index, language) in ["en", "zh-CN"].into_iter().enumerate() {
        if language != "en" {
            app.click("#nav button[data-view='settings']").await;
            app.select("#settings-language", language).await;
            app.wait_for_text("#settings-heading", "设置").await;
        }
        for (view, content, loaded, headings) in SCREENS {
            app.click(&format!("#nav button[data-view='{view}']")).await;
            app.wait_for_text(&format!("#{view}-heading"), headings[index])
                .await;
            app.wait_for_text(content, loaded).await;
            if view == "license" {
                app.wait_for_text("#license-cloud-account", "owner@example.com")
                    .await;
            }
            app.screenshot(&format!("screen-{language}-{view}")).await;
            let shown = app.text(&format!("#view-{view}")).await;
            for slip in ["null", "undefined", "[object", "NaN"] {
                assert!(
                    !shown.contains(slip),
                    "{view} ({language}) shows {slip}: {shown}"
                );
            }
            if language != "en" {
                english.extend(
                    english_sentences(&shown, NAMES)
                        .into_iter()
                        .map(|sentence| format!("{view}: {sentence}")),
                );
            }
        }
    }
    for (view, ..) in SCREENS {
        for language in ["en", "zh-CN"] {
            let file = shot(language, view);
            assert!(file.is_file(), "{} was saved", file.display());
        }
    }
    // The review of an upload, in Chinese: its rows are labelled in Chinese too.
    app.click("#nav button[data-view='license']").await;
    app.wait_for_text("#license-target", "Acme Corp").await;
    app.click("#license-review").await;
    let changes = app.wait_for_text("#license-changes", "席位").await;
    assert!(
        changes.contains("50") && changes.contains("75"),
        "{changes}"
    );
    assert!(!changes.contains("Seats"), "{changes}");
    app.screenshot("screen-zh-CN-license-review").await;
    english.extend(
        english_sentences(&app.text("#license-confirm").await, NAMES)
            .into_iter()
            .map(|sentence| format!("review: {sentence}")),
    );
    app.click("#license-confirm-cancel").await;

    let snake = app.snake_case_fields_in_answers().await;
    assert!(
        snake.is_empty(),
        "answers with snake_case fields: {snake:?}"
    );
    assert!(
        english.is_empty(),
        "English in the Chinese window:\n{}",
        english.join("\n")
    );
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus, xdotool and tauri-driver: run `make test`"]
async fn a_broken_file_opened_after_a_good_one_leaves_nothing_of_the_good_ones_verdict() {
    let scene = Scene::open("e2e-license-broken-after-good").await;
    let app = &scene.app;
    download(app, ACME_CLOUD).await;
    app.wait_for_text("#license-verdict", "The server would accept this license.")
        .await;
    app.wait_for_text("#license-target", "Acme Corp").await;

    let broken = scene.files.path().join("broken.json");
    std::fs::write(&broken, b"{\"LicenseKey\": \"truncated").unwrap();
    app.click("#license-open").await;
    tokio::task::spawn_blocking(move || choose_file(&broken))
        .await
        .unwrap();

    app.find("#license-open-status .problem").await;
    let hidden = app
        .client
        .execute(
            "return ['license-report', 'license-apply', 'license-create'].map((id) => document.getElementById(id).hidden);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, json!([true, true, true]));
    let page = app.text("#view-license").await;
    assert!(!page.contains("would accept"), "{page}");
    assert!(!page.contains("Review upload"), "{page}");
    app.wait_for_text("#license-open-status .problem", "The JSON ends too early")
        .await;
    app.screenshot("e2e-license-broken-after-good").await;

    // The same file in the Chinese window: the core's reason is worded in Chinese.
    app.click("#nav button[data-view='settings']").await;
    app.select("#settings-language", "zh-CN").await;
    app.wait_for_text("#settings-heading", "设置").await;
    app.click("#nav button[data-view='license']").await;
    let broken = scene.files.path().join("broken.json");
    app.click("#license-open").await;
    tokio::task::spawn_blocking(move || choose_file(&broken))
        .await
        .unwrap();
    let said = app
        .wait_for_text("#license-open-status .problem", "JSON 过早结束")
        .await;
    let english = english_sentences(&said, &[]);
    assert!(
        english.is_empty(),
        "English in the Chinese window: {english:?}"
    );
    scene.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn the_dashboard_says_the_server_check_will_disable_a_license_for_another_installation_and_leads_to_the_fix(
) {
    const ELSEWHERE: &str = "78900000-0000-0000-0000-000000000456";
    let mut seed: serde_json::Value =
        serde_json::from_str(include_str!("../data/seeds/default.json")).unwrap();
    seed["cloud"]["installations"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": ELSEWHERE, "key": "elsewhere-key", "region": "US" }));
    let scene = Scene::open_with(
        "e2e-license-next-check",
        Seed::from_json(&seed.to_string()).unwrap(),
    )
    .await;
    // The server keeps a license made for another installation (copied over by hand).
    let http = Http::new(
        HttpOptions::default(),
        Device::with_identifier(AppKind::Cli, Uuid::new_v4()),
    )
    .unwrap();
    let cloud = api_key_session(
        http,
        cloud_endpoints(&scene.server),
        OWNER_CLOUD_ID,
        OWNER_CLOUD_SECRET,
    )
    .await;
    let moved = download_organization_license(
        &cloud,
        Uuid::parse_str(ACME_CLOUD).unwrap(),
        Uuid::parse_str(ELSEWHERE).unwrap(),
    )
    .await
    .unwrap();
    scene
        .server
        .state
        .store_organization_license_file(Uuid::parse_str(ACME_SELF_HOSTED).unwrap(), &moved.bytes)
        .unwrap();

    let app = &scene.app;
    app.click("#nav button[data-view='dashboard']").await;
    app.click("#dashboard-refresh").await;
    let row = format!("#dashboard-rows tr[data-org='{ACME_SELF_HOSTED}']");
    let said = app
        .wait_for_text(&format!("{row} .dash-check"), "Invalid data.")
        .await;
    assert!(said.starts_with("Disabled at "), "{said}");
    let problems = app.text(&format!("{row} .dash-problems")).await;
    assert!(
        problems.contains("The server's license check at") && problems.contains("will disable it"),
        "{problems}"
    );
    assert_eq!(app.text(&format!("{row} .dash-status")).await, "Error");
    app.screenshot("e2e-license-next-check").await;

    app.click(&format!("{row} .check-action")).await;
    app.wait_for_text("#license-cloud-linked", "Acme Corp")
        .await;
    scene.close().await;
}
