//! End-to-end: the real app window under Xvfb, driven through tauri-driver and WebKit's
//! WebDriver. Run by `make test`, which provides the display, session bus and driver.

use std::process::Command;
use std::time::{Duration, Instant};

use companion_tests::paths;
use companion_tests::window::Launch;

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn about_button_shows_the_versions_computed_in_core() {
    let app = Launch::default().open("e2e-about").await;
    assert_eq!(app.text("#title").await, "License Companion");

    app.click("#nav button[data-view='settings']").await;
    app.click("#about-btn").await;
    let shown = app.wait_for_text("#about-result", "core").await;
    app.screenshot("e2e-about").await;

    assert_eq!(
        shown,
        format!("App 0.1.0 · core {}", companion_core::version())
    );
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_second_launch_hands_over_to_the_running_app_and_exits() {
    let app = Launch::default().open("e2e-second-launch").await;

    let mut second = Command::new(paths::built_binary("license-companion"))
        .env("XDG_CONFIG_HOME", app.home.path().join("config"))
        .env("XDG_DATA_HOME", app.home.path().join("data"))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second instance kept running instead of handing over");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "second instance exited with {status}");

    // The first instance is still alive and answering.
    assert_eq!(app.text("#title").await, "License Companion");
    app.close().await;
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn start_at_login_registers_the_tray_program_without_a_window_and_is_undone() {
    let user_home = tempfile::tempdir().unwrap();
    let app = Launch::default()
        .env("HOME", user_home.path())
        .open("e2e-start-at-login")
        .await;
    app.click("#nav button[data-view='settings']").await;
    app.click("#settings-start-at-login").await;

    let entry = user_home
        .path()
        .join(".config/autostart/License Companion.desktop");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !entry.exists() {
        assert!(
            Instant::now() < deadline,
            "no login entry at {}",
            entry.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = std::fs::read_to_string(&entry).unwrap();
    let tray = paths::built_binary("license-companion");
    assert!(
        text.lines()
            .any(|line| line == format!("Exec={} --hidden", tray.display())),
        "{text}"
    );

    app.click("#settings-start-at-login").await;
    while entry.exists() {
        assert!(Instant::now() < deadline, "the login entry stayed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.close().await;
}
