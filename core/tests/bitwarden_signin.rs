//! Signing in to the Bitwarden-compatible test server over real sockets: API keys,
//! passwords (PBKDF2 and Argon2id), two-step login, new-device verification, sessions kept
//! in a keychain, renewal of an expired access token, TLS, timeouts and retries.

mod client_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use client_support::*;
use companion_core::bitwarden::{
    owned_organizations, profile, trigger_sync, BitwardenError, Endpoints, Folders, HttpOptions,
    Login, LoginAnswer, LoginStep, SessionStore, TwoFactorProvider,
};
use companion_core::error::Explain;
use companion_core::secrets::{ExposeSecret, MemoryKeychain, SecretStore, SecretString};
use companion_tests::fake::{totp, FaultRule, MailPurpose, Role};
use uuid::Uuid;

#[tokio::test]
async fn api_key_sign_in_lists_the_owned_organizations_with_their_license_state() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let session = sign_in(
        &http,
        &self_hosted(&server),
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .await;
    let report = owned_organizations(&session).await.unwrap();
    assert_eq!(report.email, "owner@example.com");
    assert!(report.cloud_communication);
    let acme = report
        .organizations
        .iter()
        .find(|o| o.id.to_string() == ACME_SELF_HOSTED)
        .expect("Acme is listed");
    assert_eq!(acme.name, "Acme Corp");
    assert_eq!(acme.seats, Some(50));
    assert!(acme.expiration.is_some());
    assert!(acme.expiration_without_grace <= acme.expiration);
    assert!(acme.billing_sync.exists() && acme.billing_sync.enabled);
    let token_request =
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", "/identity/connect/token");
    assert_eq!(token_request.len(), 1);
}

#[tokio::test]
async fn a_wrong_api_key_is_invalid_credentials_and_is_sent_only_once() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let err = Login::new(
        http,
        self_hosted(&server),
        api_key(OWNER_SELF_HOSTED_ID, "WrongSecretWrongSecretWrong000"),
    )
    .start()
    .await
    .unwrap_err();
    assert_eq!(err.code(), "invalid_credentials", "{err}");
    assert_eq!(err.exit_class() as u8, 1);
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", "/identity/connect/token")
            .len(),
        1
    );
}

#[tokio::test]
async fn password_sign_in_works_for_pbkdf2_and_argon2id_accounts() {
    let server = start(false).await;
    let http = http_with(options(&server));
    for (email, secret) in [
        ("member@example.com", "member password"),
        ("argon@example.com", "argon password"),
    ] {
        let session = sign_in(&http, &self_hosted(&server), password(email, secret)).await;
        assert_eq!(profile(&session).await.unwrap().email, email);
    }
}

#[tokio::test]
async fn a_wrong_master_password_brings_the_servers_own_words() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let err = Login::new(
        http,
        self_hosted(&server),
        password("member@example.com", "not the password"),
    )
    .start()
    .await
    .unwrap_err();
    assert_eq!(err.code(), "invalid_credentials");
    assert_eq!(
        err.to_string(),
        "Username or password is incorrect. Try again."
    );
}

#[tokio::test]
async fn authenticator_two_step_login_offers_the_method_and_accepts_a_corrected_code() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let mut login = Login::new(
        http,
        cloud(&server),
        password("totp@example.com", "totp password"),
    );
    let LoginStep::NeedTwoFactor { providers } = login.start().await.unwrap() else {
        panic!("two-step login expected");
    };
    assert_eq!(providers.len(), 1);
    assert_eq!(providers[0].provider, TwoFactorProvider::Authenticator);

    let wrong = login
        .continue_with(LoginAnswer::TwoFactor {
            provider: TwoFactorProvider::Authenticator,
            code: SecretString::from("000000"),
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "two_factor_invalid");
    assert_eq!(wrong.to_string(), "Two-step token is invalid. Try again.");

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = totp::code("JBSWY3DPEHPK3PXP", now).unwrap();
    let step = login
        .continue_with(LoginAnswer::TwoFactor {
            provider: TwoFactorProvider::Authenticator,
            code: SecretString::from(code),
        })
        .await
        .unwrap();
    let LoginStep::Done(session) = step else {
        panic!("the corrected code signs in, got {step:?}");
    };
    assert_eq!(profile(&session).await.unwrap().email, "totp@example.com");
}

#[tokio::test]
async fn email_two_step_login_takes_the_emailed_code_and_shows_the_masked_address() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let mut login = Login::new(
        http,
        cloud(&server),
        password("email2fa@example.com", "email password"),
    );
    let LoginStep::NeedTwoFactor { providers } = login.start().await.unwrap() else {
        panic!("two-step login expected");
    };
    assert_eq!(providers[0].provider, TwoFactorProvider::Email);
    let hint = providers[0].hint.clone().unwrap();
    assert!(
        hint.ends_with("@example.com") && hint.contains('*'),
        "{hint}"
    );
    let code = server
        .state
        .latest_code("email2fa@example.com", MailPurpose::TwoFactorEmail)
        .expect("a code was e-mailed");
    let step = login
        .continue_with(LoginAnswer::TwoFactor {
            provider: TwoFactorProvider::Email,
            code: SecretString::from(code),
        })
        .await
        .unwrap();
    assert!(matches!(step, LoginStep::Done(_)), "{step:?}");
}

#[tokio::test]
async fn a_new_device_must_enter_the_emailed_code_and_is_known_afterwards() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let credentials = || password("newdevice@example.com", "device password");
    let mut login = Login::new(http.clone(), cloud(&server), credentials());
    assert!(matches!(
        login.start().await.unwrap(),
        LoginStep::NeedNewDeviceOtp
    ));
    let code = server
        .state
        .latest_code("newdevice@example.com", MailPurpose::NewDeviceVerification)
        .expect("a code was e-mailed");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = login
        .continue_with(LoginAnswer::NewDeviceOtp(SecretString::from(wrong)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "new_device_otp_invalid");
    let step = login
        .continue_with(LoginAnswer::NewDeviceOtp(SecretString::from(code)))
        .await
        .unwrap();
    assert!(matches!(step, LoginStep::Done(_)), "{step:?}");

    // The same device identifier is known from now on: no second code.
    sign_in(&http, &cloud(&server), credentials()).await;
}

#[tokio::test]
async fn with_two_methods_the_email_code_is_sent_when_asked_for() {
    let mut seed = fast_seed();
    if let Some(user) = seed
        .cloud
        .users
        .iter_mut()
        .find(|u| u.email == "email2fa@example.com")
    {
        user.totp_secret = Some("JBSWY3DPEHPK3PXP".into());
    }
    let server = start_with(seed, false).await;
    let mut login = Login::new(
        http_with(options(&server)),
        cloud(&server),
        password("email2fa@example.com", "email password"),
    );
    let LoginStep::NeedTwoFactor { providers } = login.start().await.unwrap() else {
        panic!("two-step login expected");
    };
    assert_eq!(providers.len(), 2);
    let no_code = || {
        server
            .state
            .latest_code("email2fa@example.com", MailPurpose::TwoFactorEmail)
    };
    assert_eq!(
        no_code(),
        None,
        "not sent unasked when there are two methods"
    );
    login.request_email_code().await.unwrap();
    let code = no_code().expect("sent when asked");
    let step = login
        .continue_with(LoginAnswer::TwoFactor {
            provider: TwoFactorProvider::Email,
            code: SecretString::from(code),
        })
        .await
        .unwrap();
    assert!(matches!(step, LoginStep::Done(_)), "{step:?}");
}

fn folders(dir: &tempfile::TempDir) -> Folders {
    Folders {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    }
}

#[tokio::test]
async fn a_kept_password_session_resumes_from_the_keychain_and_logout_removes_everything() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let endpoints = self_hosted(&server);
    let dir = tempfile::tempdir().unwrap();
    let keychain = Arc::new(MemoryKeychain::default());
    let store = SessionStore::new(folders(&dir), keychain.clone());

    let mut session = sign_in(
        &http,
        &endpoints,
        password("member@example.com", "member password"),
    )
    .await;
    store.save(&mut session).unwrap();
    let facts = store.facts(&endpoints.server).unwrap().unwrap();
    let refresh = keychain.get(&facts.secret_account()).unwrap().unwrap();
    let file = std::fs::read_to_string(dir.path().join("config/sessions.json")).unwrap();
    assert!(file.contains("member@example.com"));
    assert!(!file.contains(refresh.expose_secret()));

    let resumed = store.resume(&http, &endpoints).await.unwrap();
    assert_eq!(profile(&resumed).await.unwrap().email, "member@example.com");

    assert_eq!(store.forget_all().unwrap(), vec![endpoints.server.clone()]);
    assert!(keychain.get(&facts.secret_account()).unwrap().is_none());
    assert!(!dir.path().join("config/sessions.json").exists());
    let err = store.resume(&http, &endpoints).await.unwrap_err();
    assert_eq!(err.code(), "not_signed_in");
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_once_and_the_request_repeated() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let endpoints = self_hosted(&server);
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(folders(&dir), Arc::new(MemoryKeychain::default()));
    let mut session = sign_in(
        &http,
        &endpoints,
        password("owner@example.com", "correct horse battery staple"),
    )
    .await;
    store.save(&mut session).unwrap();
    server.state.expire_access_tokens();
    server.faults.clear_log();

    assert_eq!(profile(&session).await.unwrap().email, "owner@example.com");
    let log: Vec<(String, String, u16)> = server
        .faults
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path, r.status))
        .collect();
    assert_eq!(
        log,
        vec![
            ("GET".into(), "/api/accounts/profile".into(), 401),
            ("POST".into(), "/identity/connect/token".into(), 200),
            ("GET".into(), "/api/accounts/profile".into(), 200),
        ]
    );
}

#[tokio::test]
async fn https_works_with_the_ca_certificate_and_is_untrusted_without_it() {
    let server = start(true).await;
    let endpoints = self_hosted(&server);
    let trusted = http_with(options(&server));
    sign_in(
        &trusted,
        &endpoints,
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .await;

    let untrusted = http_with(HttpOptions {
        ca_cert: None,
        ..options(&server)
    });
    let err = Login::new(
        untrusted,
        endpoints,
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .start()
    .await
    .unwrap_err();
    assert_eq!(err.code(), "tls_untrusted", "{err}");
    assert!(
        err.advice().contains("CA's certificate"),
        "{}",
        err.advice()
    );
    assert_eq!(err.exit_class() as u8, 3);
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_before_anything_is_sent() {
    let http = http_with(HttpOptions::default());
    let endpoints = Endpoints::self_hosted("http://vault.example.invalid").unwrap();
    let err = Login::new(
        http,
        endpoints,
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .start()
    .await
    .unwrap_err();
    assert_eq!(err.code(), "insecure_http");
}

#[tokio::test]
async fn a_refused_connection_is_network_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let http = http_with(HttpOptions {
        retry_backoff: Duration::from_millis(1),
        ..HttpOptions::default()
    });
    let endpoints = Endpoints::self_hosted(&format!("http://127.0.0.1:{port}")).unwrap();
    let err = Login::new(
        http,
        endpoints,
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .start()
    .await
    .unwrap_err();
    assert_eq!(err.code(), "network_unreachable", "{err}");
    assert_eq!(err.exit_class() as u8, 3);
}

#[tokio::test]
async fn a_hanging_server_times_out_quickly_with_a_short_timeout() {
    let server = start(false).await;
    server.faults.add(FaultRule::hang(
        Role::SelfHosted,
        "POST",
        "/identity/connect/token",
        Duration::from_secs(20),
    ));
    let http = http_with(HttpOptions {
        request_timeout: Duration::from_millis(500),
        ..options(&server)
    });
    let started = Instant::now();
    let err = Login::new(
        http,
        self_hosted(&server),
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .start()
    .await
    .unwrap_err();
    assert_eq!(err.code(), "timeout", "{err}");
    assert!(err.to_string().contains("0.5 seconds"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn server_errors_retry_a_get_three_times_but_never_a_post() {
    let server = start(false).await;
    let http = http_with(options(&server));
    let session = sign_in(
        &http,
        &self_hosted(&server),
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .await;
    server.faults.add(FaultRule::status(
        Role::SelfHosted,
        "GET",
        "/api/accounts/profile",
        500,
    ));
    let org = Uuid::parse_str(ACME_SELF_HOSTED).unwrap();
    let sync_path = format!("/api/organizations/licenses/self-hosted/{org}/sync");
    server
        .faults
        .add(FaultRule::status(Role::SelfHosted, "POST", &sync_path, 500));

    let err = profile(&session).await.unwrap_err();
    assert_eq!(err.code(), "server_error");
    let gets = server
        .faults
        .requests_to(Role::SelfHosted, "GET", "/api/accounts/profile");
    assert_eq!(gets.len(), 3);
    assert_eq!(
        gets.iter().map(|r| r.retry).collect::<Vec<_>>(),
        vec![false, true, true]
    );

    let err = trigger_sync(&session, org).await.unwrap_err();
    assert!(matches!(
        err,
        BitwardenError::ServerError { status: 500, .. }
    ));
    let posts = server
        .faults
        .requests_to(Role::SelfHosted, "POST", &sync_path);
    assert_eq!(posts.len(), 1, "a POST is never repeated");
}
