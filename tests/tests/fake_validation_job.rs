//! The fake server's organization validation job, triggered over HTTP as another process
//! (the app's window tests, the `fake-bitwarden` binary) triggers it: it disables an
//! organization whose license file is gone with the server's text, and keeps the others.

use companion_tests::fake::{FakeBitwarden, Seed, RUN_ROUTE};
use serde_json::Value;
use uuid::Uuid;

#[tokio::test]
async fn the_job_route_disables_an_organization_without_a_license_file_and_keeps_the_rest() {
    let server = FakeBitwarden::builder()
        .seed(Seed::default_seed())
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let post = |url: String| {
        let request = http.post(url);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let org = Uuid::parse_str("b0000000-0000-4000-8000-000000000001").unwrap();
    let url = format!("{}{RUN_ROUTE}", server.self_hosted_url);

    let kept = post(url.clone()).await;
    assert_eq!(kept[0]["organization"], org.to_string());
    assert_eq!(kept[0]["result"], "kept");

    std::fs::remove_file(server.state.organization_license_file(org)).unwrap();
    let disabled = post(format!("{url}?at=2030-01-01T00:30:00Z")).await;
    assert_eq!(disabled[0]["result"], "disabled");
    assert_eq!(disabled[0]["reason"], "No license file.");
    let enabled = server
        .state
        .read(|w| w.self_hosted_org(org).map(|o| o.license.enabled));
    assert_eq!(enabled, Some(false));

    let next = post(url).await;
    assert_eq!(
        next,
        Value::Array(Vec::new()),
        "the job only looks at enabled organizations"
    );
}
