//! The fake server: identity.

use super::*;

#[tokio::test]
async fn prelogin_reports_the_account_kdf_and_a_stable_answer_for_unknown_emails() {
    let fake = Fake::start(quick_seed()).await;
    let prelogin = |side, email: &str| {
        let url = format!("{}/accounts/prelogin", fake.identity(side));
        let request = fake.http.post(url).json(&json!({ "email": email }));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let owner = prelogin(Side::Cloud, "Owner@Example.com ").await;
    assert_eq!(owner["kdf"], 0);
    assert_eq!(owner["kdfIterations"], 600_000);
    assert!(owner["kdfMemory"].is_null());
    assert_eq!(owner["kdfSettings"]["iterations"], 600_000);
    assert_eq!(owner["salt"], "owner@example.com");

    let argon = prelogin(Side::SelfHosted, "argon@example.com").await;
    assert_eq!(
        (
            argon["kdf"].clone(),
            argon["kdfIterations"].clone(),
            argon["kdfMemory"].clone(),
            argon["kdfParallelism"].clone()
        ),
        (json!(1), json!(3), json!(64), json!(4))
    );

    let first = prelogin(Side::Cloud, "nobody@example.com").await;
    let again = prelogin(Side::Cloud, "nobody@example.com").await;
    assert_eq!(first, again);
    assert!(Kdf::from_json(&first).is_ok(), "{first}");
}

#[tokio::test]
async fn password_sign_in_returns_keys_that_unlock_with_the_master_password() {
    let fake = Fake::start(quick_seed()).await;
    for (email, password) in [
        (OWNER, OWNER_PASSWORD),
        ("argon@example.com", "argon password"),
    ] {
        let session = fake.sign_in(Side::SelfHosted, email, password).await;
        let body = &session.body;
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        assert_eq!(body["scope"], "api offline_access");
        assert!(session.refresh_token.is_some());
        let kdf = Kdf::from_json(body).expect("KDF in the token response");
        let master =
            MasterKey::derive(&SecretString::from(password.to_owned()), email, &kdf).unwrap();
        let unlocked = EncryptedAccount::from_json(body)
            .unwrap()
            .unlock(&master)
            .unwrap();
        let keys: Value = fake
            .get_json(Side::SelfHosted, "/accounts/keys", &session)
            .await;
        assert_eq!(keys["object"], "keys");
        assert_eq!(
            unlocked.public_key().to_spki_b64().unwrap(),
            keys["publicKey"]
        );
        assert_eq!(
            body["UserDecryptionOptions"]["MasterPasswordUnlock"]["Salt"],
            email
        );
    }
}

#[tokio::test]
async fn wrong_password_waits_two_seconds_and_says_username_or_password_is_incorrect() {
    let fake = Fake::start(Seed::default_seed()).await;
    let form = fake
        .password_form(Side::Cloud, OWNER, "wrong password")
        .await;
    let started = Instant::now();
    let response = fake.token(Side::Cloud, &form).await;
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        body["ErrorModel"]["Message"],
        "Username or password is incorrect. Try again."
    );

    let unknown = fake
        .password_form(Side::Cloud, "nobody@example.com", "x")
        .await;
    let body: Value = fake
        .token(Side::Cloud, &unknown)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["ErrorModel"]["Message"],
        "Username or password is incorrect. Try again."
    );
}

#[tokio::test]
async fn client_version_header_and_device_fields_are_required_after_the_password_check() {
    let mut seed = quick_seed();
    seed.self_hosted.users[2].v2_encryption = true;
    let fake = Fake::start(seed).await;
    let form = fake
        .password_form(Side::SelfHosted, OWNER, OWNER_PASSWORD)
        .await;

    let response = fake
        .http
        .post(format!("{}/connect/token", fake.identity(Side::SelfHosted)))
        .form(&form)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "version_header_missing");
    assert!(body["ErrorModel"]["Message"]
        .as_str()
        .unwrap()
        .contains("Bitwarden-Client-Version"));

    let wrong = fake.password_form(Side::SelfHosted, OWNER, "wrong").await;
    let response = fake
        .http
        .post(format!("{}/connect/token", fake.identity(Side::SelfHosted)))
        .form(&wrong)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"], "invalid_grant",
        "the password is checked before the header"
    );

    let body: Value = fake
        .token(Side::SelfHosted, &without_field(&form, "deviceIdentifier"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"], "device_error");
    assert_eq!(body["error_description"], "No device information provided");

    let argon = fake
        .password_form(Side::SelfHosted, "argon@example.com", "argon password")
        .await;
    let response = fake
        .http
        .post(format!("{}/connect/token", fake.identity(Side::SelfHosted)))
        .header("Bitwarden-Client-Version", "2025.10.0")
        .form(&argon)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client_version");
    assert_eq!(
        body["ErrorModel"]["Message"],
        "Please update your app to continue using Bitwarden"
    );
    assert_eq!(
        fake.token(Side::SelfHosted, &argon).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn authenticator_two_step_login_prompts_refuses_a_wrong_code_and_remembers_the_device() {
    let fake = Fake::start(quick_seed()).await;
    let form = fake
        .password_form(Side::Cloud, "totp@example.com", "totp password")
        .await;
    let prompt = fake.token(Side::Cloud, &form).await;
    assert_eq!(prompt.status(), StatusCode::BAD_REQUEST);
    let body: Value = prompt.json().await.unwrap();
    assert_eq!(body["error_description"], "Two factor required.");
    assert_eq!(body["TwoFactorProviders"], json!(["0"]));
    assert!(body["TwoFactorProviders2"]["0"].is_null());

    let wrong = with_field(
        &with_field(&form, "twoFactorProvider", "0"),
        "twoFactorToken",
        "000000",
    );
    let body: Value = fake.token(Side::Cloud, &wrong).await.json().await.unwrap();
    assert_eq!(
        body["ErrorModel"]["Message"],
        "Two-step token is invalid. Try again."
    );

    let now = Utc::now().timestamp() as u64;
    let code = totp::code("JBSWY3DPEHPK3PXP", now).unwrap();
    let right = with_field(
        &with_field(
            &with_field(&form, "twoFactorProvider", "0"),
            "twoFactorToken",
            &code,
        ),
        "twoFactorRemember",
        "1",
    );
    let response = fake.token(Side::Cloud, &right).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let remember = body["TwoFactorToken"]
        .as_str()
        .expect("remember token")
        .to_owned();

    let remembered = with_field(
        &with_field(&form, "twoFactorProvider", "5"),
        "twoFactorToken",
        &remember,
    );
    let response = fake.token(Side::Cloud, &remembered).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn email_two_step_login_sends_a_code_to_the_outbox_that_signs_in_once() {
    let fake = Fake::start(quick_seed()).await;
    let email = "email2fa@example.com";
    let form = fake
        .password_form(Side::Cloud, email, "email password")
        .await;
    let body: Value = fake.token(Side::Cloud, &form).await.json().await.unwrap();
    assert_eq!(body["TwoFactorProviders"], json!(["1"]));
    assert_eq!(
        body["TwoFactorProviders2"]["1"]["Email"],
        "e*******@example.com"
    );
    let code = fake
        .run
        .state
        .latest_code(email, MailPurpose::TwoFactorEmail)
        .expect("code e-mailed");
    let with_code = with_field(
        &with_field(&form, "twoFactorProvider", "1"),
        "twoFactorToken",
        &code,
    );
    assert_eq!(
        fake.token(Side::Cloud, &with_code).await.status(),
        StatusCode::OK
    );
    let body: Value = fake
        .token(Side::Cloud, &with_code)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["ErrorModel"]["Message"], "Two-step token is invalid. Try again.",
        "codes are single use"
    );
}

#[tokio::test]
async fn new_device_verification_needs_the_emailed_otp_and_refuses_a_wrong_one() {
    let fake = Fake::start(quick_seed()).await;
    let email = "newdevice@example.com";
    let form = fake
        .password_form(Side::Cloud, email, "device password")
        .await;
    let body: Value = fake.token(Side::Cloud, &form).await.json().await.unwrap();
    assert_eq!(body["error"], "device_error");
    assert_eq!(
        body["error_description"],
        "New device verification required"
    );
    let code = fake
        .run
        .state
        .latest_code(email, MailPurpose::NewDeviceVerification)
        .expect("OTP e-mailed");

    let body: Value = fake
        .token(Side::Cloud, &with_field(&form, "newDeviceOtp", "123"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["error_description"], "Invalid New Device OTP");

    let response = fake
        .token(Side::Cloud, &with_field(&form, "newDeviceOtp", &code))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        fake.token(Side::Cloud, &form).await.status(),
        StatusCode::OK,
        "the device is known now"
    );
}

#[tokio::test]
async fn personal_api_key_signs_in_with_scope_api_and_without_a_refresh_token() {
    let fake = Fake::start(quick_seed()).await;
    let form = |secret: &str, scope: &str| -> Vec<(String, String)> {
        [
            ("grant_type", "client_credentials"),
            ("client_id", "user.c0000000-0000-4000-8000-000000000001"),
            ("client_secret", secret),
            ("scope", scope),
            ("deviceType", "25"),
            ("deviceIdentifier", DEVICE),
            ("deviceName", "linux"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    };
    let response = fake
        .token(Side::Cloud, &form("OwnerPersonalApiKeySecret01234", "api"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let session = session(response.json().await.unwrap());
    assert!(session.refresh_token.is_none());
    assert_eq!(session.body["scope"], "api");
    let profile: Value = fake
        .get_json(Side::Cloud, "/accounts/profile", &session)
        .await;
    assert_eq!(profile["email"], OWNER);

    let body: Value = fake
        .token(Side::Cloud, &form("wrong", "api"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"], "invalid_client");
    let body: Value = fake
        .token(
            Side::Cloud,
            &without_field(&form("OwnerPersonalApiKeySecret01234", "api"), "deviceName"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["error_description"], "No device information provided");
}

#[tokio::test]
async fn an_expired_access_token_gets_401_and_the_refresh_token_gets_a_new_one() {
    let fake = Fake::start(quick_seed()).await;
    let mut session = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    assert_eq!(
        fake.get(Side::SelfHosted, "/accounts/profile", &session)
            .await
            .status(),
        StatusCode::OK
    );
    fake.run.state.expire_access_tokens();
    let response = fake
        .get(Side::SelfHosted, "/accounts/profile", &session)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));

    let refresh = [
        ("grant_type", "refresh_token"),
        ("client_id", "cli"),
        ("refresh_token", session.refresh_token.as_deref().unwrap()),
    ];
    let response = fake
        .http
        .post(format!("{}/connect/token", fake.identity(Side::SelfHosted)))
        .form(&refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    session = fake_support::session(response.json().await.unwrap());
    assert_eq!(
        fake.get(Side::SelfHosted, "/accounts/profile", &session)
            .await
            .status(),
        StatusCode::OK
    );

    let bad = [
        ("grant_type", "refresh_token"),
        ("client_id", "cli"),
        ("refresh_token", "nope"),
    ];
    let response = fake
        .http
        .post(format!("{}/connect/token", fake.identity(Side::SelfHosted)))
        .form(&bad)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    let cloud = fake.get(Side::Cloud, "/accounts/profile", &session).await;
    assert_eq!(
        cloud.status(),
        StatusCode::UNAUTHORIZED,
        "a self-hosted token is not a cloud token"
    );
}

#[tokio::test]
async fn short_lived_tokens_expire_on_their_own() {
    let mut seed = quick_seed();
    seed.access_token_lifetime_seconds = 1;
    let fake = Fake::start(seed).await;
    let session = fake
        .sign_in(Side::SelfHosted, MEMBER, MEMBER_PASSWORD)
        .await;
    assert_eq!(session.body["expires_in"], 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        fake.get(Side::SelfHosted, "/accounts/profile", &session)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}
