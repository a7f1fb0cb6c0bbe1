//! The fake server: faults, TLS, binary.

use super::*;

#[tokio::test]
async fn faults_answer_500_or_hang_and_the_log_marks_repeats_without_secrets() {
    let fake = Fake::start(quick_seed()).await;
    let prelogin = || {
        fake.http
            .post(format!("{}/accounts/prelogin", fake.identity(Side::Cloud)))
            .json(&json!({ "email": OWNER }))
            .send()
    };
    fake.run.faults.add(
        FaultRule::status(
            Role::CloudIdentity(Region::US),
            "POST",
            "/accounts/prelogin",
            500,
        )
        .times(1),
    );
    let failed = prelogin().await.unwrap();
    expect_error(
        failed,
        StatusCode::INTERNAL_SERVER_ERROR,
        "An error has occurred.",
    )
    .await;
    assert_eq!(prelogin().await.unwrap().status(), StatusCode::OK);
    let log = fake.run.faults.requests_to(
        Role::CloudIdentity(Region::US),
        "POST",
        "/accounts/prelogin",
    );
    assert_eq!(
        log.iter().map(|r| (r.status, r.retry)).collect::<Vec<_>>(),
        vec![(500, false), (200, true)]
    );

    let session = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    fake.run.faults.add(FaultRule::hang(
        Role::CloudApi(Region::US),
        "GET",
        "/accounts/profile",
        Duration::from_secs(3),
    ));
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let result = impatient
        .get(format!("{}/accounts/profile", fake.api(Side::Cloud)))
        .bearer_auth(&session.access_token)
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
    fake.run.faults.clear();
    let calm = impatient
        .get(format!("{}/accounts/profile", fake.api(Side::Cloud)))
        .bearer_auth(&session.access_token)
        .send()
        .await;
    assert_eq!(
        calm.unwrap().status(),
        StatusCode::OK,
        "cleared faults no longer apply"
    );
    let given_up =
        fake.run
            .faults
            .requests_to(Role::CloudApi(Region::US), "GET", "/accounts/profile");
    assert_eq!(given_up.len(), 1, "only the calm request has ended yet");
    // The server finishes the abandoned request once its delay is over.
    let deadline = Instant::now() + Duration::from_secs(10);
    let given_up = loop {
        let ended =
            fake.run
                .faults
                .requests_to(Role::CloudApi(Region::US), "GET", "/accounts/profile");
        if ended.len() == 2 || Instant::now() > deadline {
            break ended;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        given_up.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![200, 200],
        "the request whose client gave up is still carried out and logged"
    );
    assert!(given_up[1]
        .fault
        .as_deref()
        .is_some_and(|f| f.starts_with("Hang")));

    let logged = serde_json::to_string(&fake.run.faults.requests()).unwrap();
    let hash = fake.password_hash(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    for secret in [
        session.access_token.as_str(),
        session.refresh_token.as_deref().unwrap(),
        hash.as_str(),
        OWNER_PASSWORD,
    ] {
        assert!(!logged.contains(secret), "the log holds a secret");
    }
}

#[tokio::test]
async fn https_roles_serve_a_certificate_from_the_written_ca_and_billing_sync_works_over_tls() {
    let run = FakeBitwarden::builder()
        .seed(quick_seed())
        .https(true)
        .start()
        .await
        .unwrap();
    assert!(run.self_hosted_url.starts_with("https://127.0.0.1:"));
    let ca = std::fs::read(run.ca_cert_path.as_ref().expect("CA written")).unwrap();
    let http = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    let untrusting = reqwest::Client::builder().no_proxy().build().unwrap();
    assert!(untrusting
        .get(format!("{}/api/config", run.self_hosted_url))
        .send()
        .await
        .is_err());
    let fake = Fake { run, http };
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let response = fake
        .post_json(
            Side::SelfHosted,
            &format!("/organizations/licenses/self-hosted/{SEEDED_ORG}/sync"),
            &sh,
            &json!(null),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_binary_prints_one_json_line_when_ready_and_serves_until_killed() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let port_file = dir.path().join("ports.json");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_fake-bitwarden"))
        .arg("--state-dir")
        .arg(dir.path().join("state"))
        .arg("--port-file")
        .arg(&port_file)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(120), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(std::fs::read_to_string(&port_file).unwrap().trim(), line);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}/config", info["self_hosted_api_url"].as_str().unwrap());
    let config: Value = http.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["object"], "config");
    assert!(std::path::Path::new(info["licensing_cert_pem_path"].as_str().unwrap()).exists());
    assert_eq!(info["installation_id"], INSTALLATION);
    child.kill().await.unwrap();
}
