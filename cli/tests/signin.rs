//! `bwlicense login`, `logout` and `orgs` against the test server: API keys, passwords
//! with two-step login and new-device codes fed on stdin, HTTPS with and without
//! `--ca-cert`, plain http refused, a refused connection and a hanging server. Tests that
//! keep a session need a real Secret Service (run them with scripts/with-desktop.sh).

mod client_support;

use std::time::{Duration, Instant};

use client_support::*;
use companion_tests::fake::{totp, FaultRule, MailPurpose, Role};

#[tokio::test(flavor = "multi_thread")]
async fn orgs_lists_owned_organizations_with_license_state_as_json_and_text() {
    let server = start(false).await;
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let sv = server_args(&server);

    let run = machine.run(&args(&[&sv], &["orgs", "--json"]), "").await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["email"], "owner@example.com");
    assert_eq!(report["cloud_communication"], true);
    let acme = &report["organizations"][0];
    assert_eq!(acme["id"], ACME_SELF_HOSTED);
    assert_eq!(acme["seats"], 50);
    assert_eq!(acme["billing_sync"]["enabled"], true);
    assert!(acme["expiration"].is_string());

    let run = machine.run(&args(&[&sv], &["orgs"]), "").await;
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Acme Corp"), "{}", run.stdout);
    assert!(run.stdout.contains("50 seats"));
    assert!(run.stdout.contains("Billing sync: token set, enabled"));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "login checks the keychain first: needs a Secret Service, run `make test`"]
async fn a_bad_api_key_exits_1_with_invalid_credentials() {
    let server = start(false).await;
    let machine =
        Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, "NotTheSecretNotTheSecret000000");
    let run = machine
        .run(&args(&[&server_args(&server)], &["login", "--json"]), "")
        .await;
    assert_eq!(run.code, 1);
    assert_eq!(run.error_code(), "invalid_credentials");
    assert!(!machine.app_config().join("sessions.json").exists());
    let text = machine
        .run(&args(&[&server_args(&server)], &["orgs"]), "")
        .await;
    assert_eq!(text.code, 1);
    assert!(text.stderr.contains("invalid_client"), "{}", text.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keychain_login_exits_3_and_keeps_nothing() {
    let server = start(false).await;
    let machine = Machine::new()
        .with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET)
        .with_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let run = machine
        .run(&args(&[&server_args(&server)], &["login", "--json"]), "")
        .await;
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert!(run.error_code().starts_with("keychain_"), "{}", run.stdout);
    assert!(!machine.app_config().join("sessions.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_without_a_session_say_how_to_sign_in() {
    let server = start(false).await;
    let run = Machine::new()
        .run(&args(&[&server_args(&server)], &["orgs", "--json"]), "")
        .await;
    assert_eq!(run.code, 1);
    assert_eq!(run.error_code(), "not_signed_in");
    let error = &run.json()["error"];
    assert_eq!(error["advice"], "Sign in to this server first.");
    assert!(error["hint"]
        .as_str()
        .unwrap()
        .starts_with("Run: bwlicense login --server URL"));
}

#[tokio::test(flavor = "multi_thread")]
async fn https_works_with_ca_cert_and_is_untrusted_without_it() {
    let server = start(true).await;
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let run = machine
        .run(&args(&[&server_args(&server)], &["orgs", "--json"]), "")
        .await;
    assert_eq!(run.code, 0, "{}", run.stdout);

    let run = machine
        .run(&["orgs", "--server", &server.self_hosted_url, "--json"], "")
        .await;
    assert_eq!(run.code, 3);
    assert_eq!(run.error_code(), "tls_untrusted");
    let text = machine
        .run(&["orgs", "--server", &server.self_hosted_url], "")
        .await;
    assert!(
        text.stderr
            .contains("\nPass the CA's PEM file with --ca-cert FILE."),
        "{}",
        text.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_to_another_machine_is_refused_unless_insisted() {
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let run = machine
        .run(
            &["orgs", "--server", "http://vault.example.invalid", "--json"],
            "",
        )
        .await;
    assert_eq!(run.code, 1);
    assert_eq!(run.error_code(), "insecure_http");
    let insisted = machine
        .run(
            &[
                "orgs",
                "--server",
                "http://vault.example.invalid",
                "--allow-insecure-http",
                "--timeout",
                "2",
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(insisted.code, 3, "{}", insisted.stdout);
    assert_eq!(insisted.error_code(), "network_unreachable");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_exits_3_network_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let run = machine
        .run(
            &[
                "orgs",
                "--server",
                &format!("http://127.0.0.1:{port}"),
                "--json",
            ],
            "",
        )
        .await;
    assert_eq!(run.code, 3);
    assert_eq!(run.error_code(), "network_unreachable");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_server_times_out_after_the_given_seconds() {
    let server = start(false).await;
    server.faults.add(FaultRule::hang(
        Role::SelfHosted,
        "GET",
        "/api/accounts/profile",
        Duration::from_secs(30),
    ));
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let started = Instant::now();
    let run = machine
        .run(
            &args(
                &[&server_args(&server)],
                &["orgs", "--timeout", "1", "--json"],
            ),
            "",
        )
        .await;
    assert_eq!(run.code, 3);
    assert_eq!(run.error_code(), "timeout");
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_server_is_asked_three_times_for_a_get() {
    let server = start(false).await;
    server.faults.add(FaultRule::status(
        Role::SelfHosted,
        "GET",
        "/api/organizations/connections/enabled",
        500,
    ));
    let machine = Machine::new().with_api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET);
    let run = machine
        .run(&args(&[&server_args(&server)], &["orgs", "--json"]), "")
        .await;
    assert_eq!(run.code, 3);
    assert_eq!(run.error_code(), "server_error");
    let asked = server.faults.requests_to(
        Role::SelfHosted,
        "GET",
        "/api/organizations/connections/enabled",
    );
    assert_eq!(asked.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "login checks the keychain first: needs a Secret Service, run `make test`"]
async fn two_step_login_without_a_code_on_stdin_is_two_factor_required() {
    let server = start(false).await;
    let run = Machine::new()
        .run(
            &args(
                &[&cloud_args(&server)],
                &[
                    "login",
                    "--password",
                    "--email",
                    "totp@example.com",
                    "--json",
                ],
            ),
            "totp password\n",
        )
        .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.error_code(), "two_factor_required");
    assert!(run.stderr.contains("Code from your authenticator app"));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn password_login_with_an_authenticator_code_keeps_a_session_for_later_commands() {
    let server = start(false).await;
    let machine = Machine::new().secret("totp password");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = totp::code("JBSWY3DPEHPK3PXP", now).unwrap();
    let cloud = cloud_args(&server);
    let run = machine
        .run(
            &args(&[&cloud], &["login", "--password"]),
            &format!("totp@example.com\ntotp password\n000000\n{code}\n"),
        )
        .await;
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("Two-step token is invalid. Try again."));
    assert!(run
        .stdout
        .contains("Signed in to Bitwarden cloud (US) as totp@example.com"));

    let sessions = std::fs::read_to_string(machine.app_config().join("sessions.json")).unwrap();
    assert!(sessions.contains("totp@example.com"));
    assert!(!sessions.to_lowercase().contains("token\":"), "{sessions}");

    let logout = machine.run(&["logout", "--json"], "").await;
    assert_eq!(logout.code, 0);
    assert_eq!(logout.json()["signed_out"][0], server.cloud_identity_url);
    assert!(!machine.app_config().join("sessions.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn a_new_device_enters_the_emailed_code_and_is_signed_in() {
    let server = start(false).await;
    let machine = Machine::new().secret("device password");
    let cloud = cloud_args(&server);
    let mut child = machine.spawn(&args(
        &[&cloud],
        &["login", "--password", "--email", "newdevice@example.com"],
    ));
    child.type_line("device password\n").await;
    let started = Instant::now();
    let code = loop {
        if let Some(code) = server
            .state
            .latest_code("newdevice@example.com", MailPurpose::NewDeviceVerification)
        {
            break code;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no code e-mailed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    child.type_line(&format!("{code}\n")).await;
    let run = child.finish(&machine).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("verify this new device"));
    assert!(run.stdout.contains("as newdevice@example.com"));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs an unlocked Secret Service: run make test"]
async fn an_api_key_login_is_kept_and_resumed_then_logout_forgets_it() {
    let server = start(false).await;
    let sv = server_args(&server);
    let machine = Machine::new();
    let login = machine
        .run(
            &args(&[&sv], &["login", "--json"]),
            &format!("{OWNER_SELF_HOSTED_ID}\n{OWNER_SELF_HOSTED_SECRET}\n"),
        )
        .await;
    assert_eq!(login.code, 0, "{}", login.stdout);
    assert_eq!(login.json()["login"], "api_key");
    for (path, bytes) in files_under(&machine.app_config()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(OWNER_SELF_HOSTED_SECRET),
            "{}",
            path.display()
        );
    }
    server.faults.clear_log();
    let orgs = machine.run(&args(&[&sv], &["orgs", "--json"]), "").await;
    assert_eq!(orgs.code, 0, "{}", orgs.stdout);
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", "/identity/connect/token")
            .len(),
        1,
        "one renewal with the kept API key"
    );
    let logout = machine.run(&args(&[&sv], &["logout"]), "").await;
    assert_eq!(logout.code, 0);
    let after = machine.run(&args(&[&sv], &["orgs", "--json"]), "").await;
    assert_eq!(after.error_code(), "not_signed_in");
}
