//! End-to-end: the real app window under Xvfb, driven through tauri-driver and WebKit's
//! WebDriver. Run by `make test`, which provides the display, session bus and driver.

use std::process::Command;
use std::time::{Duration, Instant};

use companion_tests::paths;
use companion_tests::webdriver::{self, Driver};
use fantoccini::{Client, ClientBuilder, Locator};

/// Opens a WebDriver session on a fresh app and waits until its page has wired itself up.
async fn open_app(driver: &Driver) -> Client {
    let app = paths::built_binary("license-companion");
    let client = ClientBuilder::rustls()
        .expect("TLS roots for the WebDriver client")
        .capabilities(Driver::capabilities(&app, &[]))
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session on the app window");
    client
        .wait()
        .for_element(Locator::Css("body[data-ready='true']"))
        .await
        .expect("the page finished loading its scripts");
    client
}

async fn text_when_filled(client: &Client, css: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if !text.is_empty() || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn save_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(paths::output_dir().join(name), png).expect("write screenshot");
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn about_button_shows_the_versions_computed_in_core() {
    let _window = webdriver::exclusive().await;
    let driver = Driver::start(4444).unwrap();
    let client = open_app(&driver).await;

    let title = client
        .wait()
        .for_element(Locator::Css("#title"))
        .await
        .unwrap();
    assert_eq!(title.text().await.unwrap(), "License Companion");
    client
        .find(Locator::Css("#about-btn"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = text_when_filled(&client, "#about-result").await;
    save_screenshot(&client, "e2e-about.png").await;

    assert_eq!(
        shown,
        format!("App 0.1.0 · core {}", companion_core::version())
    );
    client.close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_second_launch_hands_over_to_the_running_app_and_exits() {
    let _window = webdriver::exclusive().await;
    let driver = Driver::start(4444).unwrap();
    let client = open_app(&driver).await;
    client
        .wait()
        .for_element(Locator::Css("#title"))
        .await
        .unwrap();

    let mut second = Command::new(paths::built_binary("license-companion"))
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
    let title = client.find(Locator::Css("#title")).await.unwrap();
    assert_eq!(title.text().await.unwrap(), "License Companion");
    client.close().await.unwrap();
}
