//! End-to-end: the dashboard over a small fleet in the real app window: three servers of one
//! test server (one port each), a slow one and a dead one. Rows come in as each server
//! answers, with how many have been read, and the table sorts by a column and filters.

use std::time::Duration;

use companion_core::bitwarden::Endpoints;
use companion_tests::fake::{FakeBitwarden, FaultRule, Role, Running, Seed};
use companion_tests::setup::keep_session;
use companion_tests::window::{read_log, AppWindow, Launch};
use serde_json::json;

const OWNER_API_KEY: (&str, &str) = (
    "user.50000000-0000-4000-8000-000000000001",
    "OwnerSelfHostedApiKeySecret012",
);

async fn fake(ports: usize) -> Running {
    FakeBitwarden::builder()
        .seed(Seed::default_seed())
        .self_hosted_count(ports)
        .start()
        .await
        .expect("the fake server starts")
}

/// The instance name of every dashboard row, in the order shown.
async fn shown_instances(app: &AppWindow) -> Vec<String> {
    let value = app
        .client
        .execute(
            "return [...document.querySelectorAll('#dashboard-rows tr .dash-instance')].map(c => c.firstChild.textContent);",
            vec![],
        )
        .await
        .expect("read the dashboard rows");
    serde_json::from_value(value).expect("names")
}

#[tokio::test]
#[ignore = "needs a display, a session bus and tauri-driver: run `make test`"]
async fn a_fleet_fills_the_dashboard_as_servers_answer_and_sorts_and_filters() {
    let fleet = fake(3).await;
    let slow = fake(1).await;
    // Signed in to, then gone: its port is closed.
    let gone = fake(1).await;
    let dead = gone.self_hosted_url.clone();
    let mut instances: Vec<_> = fleet
        .self_hosted_urls
        .iter()
        .enumerate()
        .map(|(n, url)| json!({ "id": format!("v{n}"), "name": format!("Vault {n}"), "url": url }))
        .collect();
    instances.push(json!({ "id": "slow", "name": "Slow vault", "url": slow.self_hosted_url }));
    instances.push(json!({ "id": "dead", "name": "Dead vault", "url": dead }));
    let app = Launch::default()
        .cloud_of(&fleet)
        .settings(json!({ "instances": instances }))
        .open("e2e-fleet")
        .await;
    for url in fleet
        .self_hosted_urls
        .iter()
        .chain([&slow.self_hosted_url, &dead])
    {
        let endpoints = Endpoints::self_hosted(url).unwrap();
        keep_session(&app, endpoints, None, OWNER_API_KEY).await;
    }
    gone.shutdown().await;
    slow.faults.add(FaultRule::hang(
        Role::SelfHosted,
        "GET",
        "/api/accounts/profile",
        Duration::from_secs(6),
    ));

    app.click("#dashboard-refresh").await;
    app.wait_for_text("#dashboard-summary", "4 of 5 servers read")
        .await;
    let early = app.text("#dashboard-rows").await;
    assert_eq!(early.matches("Acme Corp").count(), 3, "{early}");
    app.screenshot("e2e-fleet-arriving").await;

    app.wait_for_text("#dashboard-summary", "attention now")
        .await;
    let rows = shown_instances(&app).await;
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert_eq!(rows[0], "Dead vault", "worst first: {rows:?}");
    assert_eq!(
        app.text("#dashboard-rows")
            .await
            .matches("Acme Corp")
            .count(),
        4
    );

    app.click("#dashboard-table th button[data-sort='instance']")
        .await;
    let by_name = shown_instances(&app).await;
    assert_eq!(
        by_name,
        ["Dead vault", "Slow vault", "Vault 0", "Vault 1", "Vault 2"]
    );
    app.click("#dashboard-table th button[data-sort='instance']")
        .await;
    let reversed: Vec<String> = by_name.into_iter().rev().collect();
    assert_eq!(shown_instances(&app).await, reversed);

    app.fill("#dashboard-filter", "vault 1").await;
    app.wait_for_text("#dashboard-shown", "1 of 5 rows shown")
        .await;
    assert_eq!(shown_instances(&app).await, ["Vault 1"]);
    app.screenshot("e2e-fleet-filtered").await;

    app.click("#nav button[data-view='settings']").await;
    app.select("#settings-language", "zh-CN").await;
    app.click("#nav button[data-view='dashboard']").await;
    app.wait_for_text("label[for='dashboard-filter']", "筛选")
        .await;
    app.wait_for_text("#dashboard-shown", "显示 1/5 行").await;

    let log_path = app.log.clone();
    app.close().await;
    let log = read_log(&log_path);
    assert!(
        log.lines()
            .any(|line| line.contains("dashboard painted") && line.contains("rows=5 servers=5")),
        "the painted line is logged"
    );
}
