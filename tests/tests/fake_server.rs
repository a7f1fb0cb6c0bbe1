//! The fake Bitwarden server over real sockets, with a plain reqwest client: every route,
//! the server's texts and check order, the 51,200-byte limit, two-step and new-device
//! sign-in, refresh, organization creation with its crypto checked, billing sync end to
//! end, faults, HTTPS and the binary.

mod fake_support;

use std::time::{Duration, Instant};

use chrono::Utc;
use companion_core::crypto::{EncryptedAccount, Kdf, MasterKey, OrganizationKeys};
use companion_core::license::{inspect, ExpectedInstallation, InspectOptions, TrustSet};
use companion_tests::fake::{
    totp, FakeBitwarden, FaultRule, MailPurpose, Realm, Region, Role, Seed, ALREADY_IN_USE,
    INVALID_LICENSE, MAX_UPLOAD_BYTES, NO_SUBSCRIPTION, ORGANIZATION_AS_USER, PAYMENT_ISSUE,
    PREMIUM_AS_ORGANIZATION, SYNC_FAILED,
};
use fake_support::*;
use reqwest::multipart::Form;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};
use uuid::Uuid;

/// A change to a cloud organization before its license is downloaded.
type CloudEdit = Box<dyn Fn(&mut companion_tests::fake::CloudOrg)>;

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("uuid")
}

fn with_field(form: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = form.iter().filter(|(k, _)| k != name).cloned().collect();
    out.push((name.to_owned(), value.to_owned()));
    out
}

fn without_field(form: &[(String, String)], name: &str) -> Vec<(String, String)> {
    form.iter().filter(|(k, _)| k != name).cloned().collect()
}

// ---------------------------------------------------------------- identity

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
            .get(Side::SelfHosted, "/accounts/keys", &session)
            .await
            .json()
            .await
            .unwrap();
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
        .get(Side::Cloud, "/accounts/profile", &session)
        .await
        .json()
        .await
        .unwrap();
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

// ---------------------------------------------------------------- cloud licenses

fn trust(fake: &Fake) -> TrustSet {
    let pem = std::fs::read_to_string(&fake.run.licensing_cert_pem_path).unwrap();
    TrustSet::production().unwrap().trust_pem(&pem).unwrap()
}

#[tokio::test]
async fn cloud_organization_license_is_signed_for_the_installation_and_owner_only() {
    let fake = Fake::start(quick_seed()).await;
    let owner = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let bytes = fake
        .download_org_license(&owner, ACME_CORP, INSTALLATION)
        .await;
    let license: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(license["version"], 15);
    assert_eq!(license["licenseType"], 1);
    assert_eq!(license["installationId"], INSTALLATION);
    assert!(license["token"].as_str().unwrap().split('.').count() == 3);

    let mut options = InspectOptions::new(Utc::now(), trust(&fake));
    options.expected_installation = Some(ExpectedInstallation {
        id: uuid(INSTALLATION),
        origin: "test".into(),
    });
    let inspection = inspect(&bytes, &options).unwrap();
    assert!(inspection.valid, "{:?}", inspection.server_message);
    assert!(inspection.hash.matches);
    let grace =
        inspection.dates.expires.unwrap() - inspection.dates.expiration_without_grace.unwrap();
    assert_eq!(grace.num_days(), 60, "annual plans get 60 days of grace");

    let member = fake.sign_in(Side::Cloud, MEMBER, MEMBER_PASSWORD).await;
    let response = fake
        .get(
            Side::Cloud,
            &format!("/organizations/{ACME_CORP}/license?installationId={INSTALLATION}"),
            &member,
        )
        .await;
    expect_error(response, StatusCode::NOT_FOUND, "Resource not found.").await;

    for installation in [DISABLED_INSTALLATION, EU_INSTALLATION, "not-a-guid"] {
        let response = fake
            .get(
                Side::Cloud,
                &format!("/organizations/{ACME_CORP}/license?installationId={installation}"),
                &owner,
            )
            .await;
        expect_error(response, StatusCode::BAD_REQUEST, "Invalid installation id").await;
    }
    let response = fake
        .get(
            Side::Cloud,
            &format!("/organizations/{LAPSED_CORP}/license?installationId={INSTALLATION}"),
            &owner,
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, PAYMENT_ISSUE).await;
    let response = fake
        .get(
            Side::Cloud,
            &format!("/organizations/{UNPAID_INC}/license?installationId={INSTALLATION}"),
            &owner,
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, NO_SUBSCRIPTION).await;

    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let response = fake
        .get(
            Side::SelfHosted,
            &format!("/organizations/{SEEDED_ORG}/license?installationId={INSTALLATION}"),
            &sh,
        )
        .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "Only allowed when not self hosted.",
    )
    .await;
}

#[tokio::test]
async fn installations_are_looked_up_anonymously_in_their_own_region() {
    let fake = Fake::start(quick_seed()).await;
    let get = |base: String, id: &str| {
        let request = fake.http.get(format!("{base}/installations/{id}"));
        async move { request.send().await.unwrap() }
    };
    let body: Value = get(fake.run.cloud_api_url.clone(), INSTALLATION)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body,
        json!({ "object": "installation", "id": INSTALLATION, "key": null, "enabled": true })
    );
    let body: Value = get(fake.run.cloud_api_url.clone(), DISABLED_INSTALLATION)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["enabled"], false);
    assert_eq!(
        get(fake.run.cloud_api_url.clone(), EU_INSTALLATION)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let eu = fake.run.eu_cloud_api_url.clone().expect("EU region served");
    assert_eq!(
        get(eu.clone(), EU_INSTALLATION).await.status(),
        StatusCode::OK
    );
    assert_eq!(get(eu, INSTALLATION).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_eu_region_has_its_own_accounts_organizations_and_licenses() {
    let fake = Fake::start(quick_seed()).await;
    let eu_identity = fake.run.eu_cloud_identity_url.clone().unwrap();
    let eu_api = fake.run.eu_cloud_api_url.clone().unwrap();
    let email = "eu-owner@example.com";
    let us_form = fake
        .password_form(Side::Cloud, email, "europe password")
        .await;
    let body: Value = fake
        .token(Side::Cloud, &us_form)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["ErrorModel"]["Message"],
        "Username or password is incorrect. Try again."
    );

    let prelogin: Value = fake
        .http
        .post(format!("{eu_identity}/accounts/prelogin"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hash = server_hash(
        email,
        "europe password",
        &Kdf::from_json(&prelogin).unwrap(),
    );
    let eu_form = with_field(&us_form, "password", &hash);
    let response = fake
        .http
        .post(format!("{eu_identity}/connect/token"))
        .header("Bitwarden-Client-Version", CLIENT_VERSION)
        .form(&eu_form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let eu = session(response.json().await.unwrap());
    let euro = "a0000000-0000-4000-8000-0000000000e1";
    let license = fake
        .http
        .get(format!(
            "{eu_api}/organizations/{euro}/license?installationId={EU_INSTALLATION}"
        ))
        .bearer_auth(&eu.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(license.status(), StatusCode::OK);
    let license: Value = license.json().await.unwrap();
    assert_eq!(
        (license["name"].clone(), license["installationId"].clone()),
        (json!("Euro GmbH"), json!(EU_INSTALLATION))
    );
    let us = fake.get(Side::Cloud, "/accounts/profile", &eu).await;
    assert_eq!(
        us.status(),
        StatusCode::UNAUTHORIZED,
        "an EU token is not a US token"
    );
}

#[tokio::test]
async fn the_installation_license_route_checks_token_organization_license_key_and_sync_key() {
    let fake = Fake::start(quick_seed()).await;
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "api.licensing"),
        (
            "client_id",
            "installation.78900000-0000-0000-0000-000000000123",
        ),
        ("client_secret", "fake-installation-key"),
    ];
    let token_url = format!("{}/connect/token", fake.run.cloud_identity_url);
    let response = fake.http.post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["scope"].clone(), body["expires_in"].clone()),
        (json!("api.licensing"), json!(86400))
    );
    let installation = Session {
        access_token: body["access_token"].as_str().unwrap().to_owned(),
        refresh_token: None,
        body,
    };

    let disabled = [
        (
            "client_id",
            "installation.78900000-0000-0000-0000-000000000999",
        ),
        ("client_secret", "disabled-installation-key"),
        ("grant_type", "client_credentials"),
        ("scope", "api.licensing"),
    ];
    let body: Value = fake
        .http
        .post(&token_url)
        .form(&disabled)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["error"], "invalid_client");

    let fetch = |org: &str, body: Value, token: &Session| {
        let request = fake
            .http
            .get(format!(
                "{}/licenses/organization/{org}",
                fake.run.cloud_api_url
            ))
            .bearer_auth(&token.access_token)
            .json(&body);
        async move { request.send().await.unwrap() }
    };
    let good = json!({ "licenseKey": "AcmeCorpLicenseKey000000000001", "billingSyncKey": ACME_BILLING_SYNC_KEY });
    let response = fetch(ACME_CORP, good.clone(), &installation).await;
    assert_eq!(response.status(), StatusCode::OK);
    let license: Value = response.json().await.unwrap();
    assert_eq!(license["installationId"], INSTALLATION);

    let response = fetch(&Uuid::new_v4().to_string(), good.clone(), &installation).await;
    expect_error(response, StatusCode::NOT_FOUND, "Organization not found.").await;
    let response = fetch(
        ACME_CORP,
        json!({ "licenseKey": "wrong", "billingSyncKey": ACME_BILLING_SYNC_KEY }),
        &installation,
    )
    .await;
    expect_error(response, StatusCode::BAD_REQUEST, "Invalid license key.").await;
    let response = fetch(
        ACME_CORP,
        json!({ "licenseKey": "AcmeCorpLicenseKey000000000001", "billingSyncKey": "wrong" }),
        &installation,
    )
    .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "Invalid Billing Sync Key",
    )
    .await;

    let user = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    assert_eq!(
        fetch(ACME_CORP, good, &user).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fake.get(Side::Cloud, "/accounts/profile", &installation)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

// ---------------------------------------------------------------- billing sync key (cloud)

#[tokio::test]
async fn billing_sync_key_routes_check_the_secret_the_plan_and_the_owner() {
    let fake = Fake::start(quick_seed()).await;
    let owner = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let hash = fake.password_hash(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let path = format!("/organizations/{ACME_CORP}/api-key");

    let response = fake
        .post_json(
            Side::Cloud,
            &path,
            &owner,
            &json!({ "type": 1, "masterPasswordHash": hash }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["object"], "apiKey");
    assert_eq!(
        body["apiKey"], ACME_BILLING_SYNC_KEY,
        "the existing key is returned"
    );

    let started = Instant::now();
    let response = fake
        .post_json(
            Side::Cloud,
            &path,
            &owner,
            &json!({ "type": 1, "masterPasswordHash": "bm9wZQ==" }),
        )
        .await;
    let body = expect_validation(response, "MasterPasswordHash", "Invalid password.").await;
    assert_eq!(
        body["validationErrors"],
        json!({ "MasterPasswordHash": ["Invalid password."] })
    );
    assert!(started.elapsed() >= Duration::from_millis(20));

    let response = fake
        .post_json(Side::Cloud, &path, &owner, &json!({ "type": 1 }))
        .await;
    expect_validation(
        response,
        "",
        "MasterPasswordHash, OTP, or AccessCode must be supplied.",
    )
    .await;

    let rotate = format!("/organizations/{ACME_CORP}/rotate-api-key");
    let body: Value = fake
        .post_json(
            Side::Cloud,
            &rotate,
            &owner,
            &json!({ "type": 1, "masterPasswordHash": hash }),
        )
        .await
        .json()
        .await
        .unwrap();
    let rotated = body["apiKey"].as_str().unwrap();
    assert_ne!(rotated, ACME_BILLING_SYNC_KEY);
    assert_eq!(rotated.len(), 30);
    assert!(rotated.chars().all(|c| c.is_ascii_alphanumeric()));

    let info: Value = fake
        .get(
            Side::Cloud,
            &format!("/organizations/{ACME_CORP}/api-key-information/1"),
            &owner,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["object"], "list");
    assert_eq!(info["data"][0]["keyType"], 1);
    assert_eq!(info["data"][0]["object"], "keyInformation");

    for org in [ACME_FAMILY, ACME_STARTER] {
        let response = fake
            .post_json(
                Side::Cloud,
                &format!("/organizations/{org}/api-key"),
                &owner,
                &json!({ "type": 1, "masterPasswordHash": hash }),
            )
            .await;
        expect_error(response, StatusCode::NOT_FOUND, "Resource not found.").await;
    }
    let body: Value = fake
        .post_json(
            Side::Cloud,
            &format!("/organizations/{ACME_TEAMS}/api-key"),
            &owner,
            &json!({ "type": 1, "masterPasswordHash": hash }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["apiKey"].as_str().unwrap().len(),
        30,
        "a Teams organization gets a new key"
    );

    let member = fake.sign_in(Side::Cloud, MEMBER, MEMBER_PASSWORD).await;
    let response = fake
        .post_json(
            Side::Cloud,
            &path,
            &member,
            &json!({ "type": 1, "masterPasswordHash": hash }),
        )
        .await;
    expect_error(response, StatusCode::NOT_FOUND, "Resource not found.").await;

    let response = fake
        .post_json(Side::Cloud, "/accounts/request-otp", &owner, &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let otp = fake
        .run
        .state
        .latest_code(OWNER, MailPurpose::VerificationCode)
        .unwrap();
    let response = fake
        .post_json(
            Side::Cloud,
            &path,
            &owner,
            &json!({ "type": 1, "otp": otp }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

// ---------------------------------------------------------------- premium licenses

#[tokio::test]
async fn premium_license_downloads_from_the_cloud_and_uploads_on_both_routes() {
    let fake = Fake::start(quick_seed()).await;

    let cloud = fake
        .sign_in(Side::Cloud, "argon@example.com", "argon password")
        .await;
    let response = fake
        .get(Side::Cloud, "/account/billing/vnext/license", &cloud)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let premium = response.bytes().await.unwrap().to_vec();
    let json_license: Value = serde_json::from_slice(&premium).unwrap();
    assert_eq!(
        (
            json_license["licenseType"].clone(),
            json_license["premium"].clone()
        ),
        (json!(0), json!(true))
    );

    let owner_cloud = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let response = fake
        .get(Side::Cloud, "/account/billing/vnext/license", &owner_cloud)
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, NO_SUBSCRIPTION).await;

    let member = fake
        .sign_in(Side::SelfHosted, MEMBER, MEMBER_PASSWORD)
        .await;
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/account/billing/vnext/self-host/license",
            &member,
            license_form(premium.clone()),
        )
        .await;
    let message = bad_request_message(response).await;
    assert_eq!(
        message,
        "Invalid license. The user's email does not match the license email."
    );

    let argon = fake
        .sign_in(Side::SelfHosted, "argon@example.com", "argon password")
        .await;
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/account/billing/vnext/self-host/license",
            &argon,
            license_form(premium.clone()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = fake
        .get(Side::SelfHosted, "/accounts/profile", &argon)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["premium"], true);
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/account/billing/vnext/self-host/license",
            &argon,
            license_form(premium.clone()),
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, "Already a premium user.").await;
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/accounts/license",
            &argon,
            license_form(premium.clone()),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the legacy route updates a premium user"
    );
    let user_id = profile["id"].as_str().unwrap();
    let file = std::fs::read_to_string(
        fake.run
            .state
            .license_dir()
            .join("user")
            .join(format!("{user_id}.json")),
    )
    .unwrap();
    assert!(file.contains("\"Premium\": true"), "{file}");

    let owner_cloud_license = fake
        .download_org_license(&owner_cloud, ACME_TEAMS, INSTALLATION)
        .await;
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/accounts/license",
            &argon,
            license_form(owner_cloud_license),
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, ORGANIZATION_AS_USER).await;

    fake.run
        .state
        .edit(|w| w.self_hosted.as_mut().unwrap().premium_upload_vnext = false);
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/account/billing/vnext/self-host/license",
            &member,
            license_form(premium.clone()),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "servers without the feature flag have no such route"
    );
    let response = fake
        .post_form(
            Side::Cloud,
            "/accounts/license",
            &cloud,
            license_form(premium),
        )
        .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "Only allowed when self hosted.",
    )
    .await;
}

// ---------------------------------------------------------------- organization creation

/// The owner's self-hosted session and public key, and a fresh Acme Teams license.
async fn creation_setup(fake: &Fake) -> (Session, String, Vec<u8>) {
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let keys: Value = fake
        .get(Side::SelfHosted, "/accounts/keys", &sh)
        .await
        .json()
        .await
        .unwrap();
    let cloud = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let license = fake
        .download_org_license(&cloud, ACME_TEAMS, INSTALLATION)
        .await;
    (sh, keys["publicKey"].as_str().unwrap().to_owned(), license)
}

fn creation_form(license: Vec<u8>, keys: &OrganizationKeys, with_pair: bool) -> Form {
    let mut form = license_form(license).text("key", keys.key.to_string());
    if let Some(name) = &keys.collection_name {
        form = form.text("collectionName", name.to_string());
    }
    if with_pair {
        form = form.text("keys.publicKey", keys.public_key.clone()).text(
            "keys.encryptedPrivateKey",
            keys.encrypted_private_key.to_string(),
        );
    }
    form
}

#[tokio::test]
async fn organization_creation_with_real_crypto_writes_the_license_and_needs_a_refresh_for_keys() {
    let fake = Fake::start(quick_seed()).await;
    let (sh, public_key, license) = creation_setup(&fake).await;
    let keys = OrganizationKeys::generate(&public_key, Some("Default collection")).unwrap();
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/organizations/licenses/self-hosted",
            &sh,
            creation_form(license.clone(), &keys, false),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let org: Value = response.json().await.unwrap();
    assert_eq!(org["object"], "organization");
    assert_eq!(org["name"], "Acme Teams");
    assert_eq!(org["seats"], 10);
    assert_eq!(org["hasPublicAndPrivateKeys"], false);
    let id = org["id"].as_str().unwrap().to_owned();
    assert_ne!(
        id, ACME_TEAMS,
        "the self-hosted organization gets its own id"
    );

    let file =
        std::fs::read_to_string(fake.run.state.organization_license_file(uuid(&id))).unwrap();
    assert!(
        file.starts_with("{\n  \"LicenseKey\": \"AcmeTeamsLicenseKey00000000002\","),
        "{file}"
    );
    assert!(!file.contains('+'), "'+' is written as \\u002B");
    let written = companion_core::license::parse(file.as_bytes())
        .unwrap()
        .license;
    let downloaded = companion_core::license::parse(&license).unwrap().license;
    assert_eq!(written, downloaded);

    let keys_body = json!({ "publicKey": keys.public_key, "encryptedPrivateKey": keys.encrypted_private_key.to_string() });
    let response = fake
        .post_json(
            Side::SelfHosted,
            &format!("/organizations/{id}/keys"),
            &sh,
            &keys_body,
        )
        .await;
    expect_error(response, StatusCode::UNAUTHORIZED, "Unauthorized.").await;

    let refresh = [
        ("grant_type", "refresh_token"),
        ("client_id", "cli"),
        ("refresh_token", sh.refresh_token.as_deref().unwrap()),
    ];
    let refreshed = session(
        fake.http
            .post(format!("{}/connect/token", fake.identity(Side::SelfHosted)))
            .form(&refresh)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
    );
    let response = fake
        .post_json(
            Side::SelfHosted,
            &format!("/organizations/{id}/keys"),
            &refreshed,
            &keys_body,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["object"], "organizationKeys");
    let response = fake
        .post_json(
            Side::SelfHosted,
            &format!("/organizations/{id}/keys"),
            &refreshed,
            &keys_body,
        )
        .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "Organization Keys already exist.",
    )
    .await;

    let profile: Value = fake
        .get(Side::SelfHosted, "/accounts/profile", &refreshed)
        .await
        .json()
        .await
        .unwrap();
    let listed = profile["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id.as_str())
        .expect("in the profile");
    assert_eq!(listed["type"], 0);
    assert_eq!(listed["productTierType"], 2);
    assert_eq!(listed["key"], keys.key.to_string());
    assert_eq!(listed["hasPublicAndPrivateKeys"], true);

    let response = fake
        .post_form(
            Side::SelfHosted,
            "/organizations/licenses/self-hosted",
            &sh,
            creation_form(license, &keys, true),
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, ALREADY_IN_USE).await;
}

#[tokio::test]
async fn organization_creation_refuses_malformed_or_foreign_crypto_with_the_validation_envelope() {
    let fake = Fake::start(quick_seed()).await;
    let (sh, public_key, license) = creation_setup(&fake).await;
    let member_session = fake
        .sign_in(Side::SelfHosted, MEMBER, MEMBER_PASSWORD)
        .await;
    let member_keys: Value = fake
        .get(Side::SelfHosted, "/accounts/keys", &member_session)
        .await
        .json()
        .await
        .unwrap();
    let good = OrganizationKeys::generate(&public_key, Some("Default collection")).unwrap();
    let other = OrganizationKeys::generate(&public_key, Some("Other")).unwrap();
    let foreign =
        OrganizationKeys::generate(member_keys["publicKey"].as_str().unwrap(), None).unwrap();
    let path = "/organizations/licenses/self-hosted";

    let response = fake
        .post_form(Side::SelfHosted, path, &sh, license_form(license.clone()))
        .await;
    expect_validation(response, "Key", "The Key field is required.").await;

    let form = license_form(license.clone()).text("key", foreign.key.to_string());
    let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
    expect_validation(
        response,
        "Key",
        "does not open with your account's private key",
    )
    .await;

    let form = license_form(license.clone()).text("key", "4.bm90IGFuIFJTQSBjaXBoZXJ0ZXh0");
    let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
    expect_validation(response, "Key", "does not open").await;

    let form = license_form(license.clone())
        .text("key", good.key.to_string())
        .text("collectionName", "2.not|base64|!");
    let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
    expect_validation(
        response,
        "CollectionName",
        "CollectionName is not a valid encrypted string.",
    )
    .await;

    let form = license_form(license.clone())
        .text("key", good.key.to_string())
        .text(
            "collectionName",
            other.collection_name.as_ref().unwrap().to_string(),
        );
    let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
    expect_validation(
        response,
        "CollectionName",
        "does not decrypt with the organization key",
    )
    .await;

    let form = license_form(license.clone())
        .text("key", good.key.to_string())
        .text("keys.publicKey", other.public_key.clone())
        .text(
            "keys.encryptedPrivateKey",
            good.encrypted_private_key.to_string(),
        );
    let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
    expect_validation(response, "Keys.EncryptedPrivateKey", "not valid").await;

    let form = license_form(license.clone())
        .text("key", good.key.to_string())
        .text("keys.publicKey", good.public_key.clone());
    let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
    expect_validation(
        response,
        "Keys.EncryptedPrivateKey",
        "The EncryptedPrivateKey field is required.",
    )
    .await;

    let form = Form::new().text("key", good.key.to_string());
    let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
    expect_validation(response, "License", "The License field is required.").await;

    assert_eq!(
        fake.run.state.read(|w| w.self_hosted_orgs.len()),
        1,
        "nothing was created"
    );
    let response = fake
        .post_form(
            Side::SelfHosted,
            path,
            &sh,
            creation_form(license, &good, true),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// The license with one JSON member changed.
fn tampered(license: &[u8], edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(license).unwrap();
    edit(value.as_object_mut().unwrap());
    serde_json::to_vec_pretty(&value).unwrap()
}

#[tokio::test]
async fn organization_creation_runs_the_license_checks_in_server_order() {
    let mut seed = quick_seed();
    seed.cloud.installations.push(
        serde_json::from_value(json!({ "id": "78900000-0000-0000-0000-000000000456", "key": "k" }))
            .unwrap(),
    );
    let fake = Fake::start(seed).await;
    let (sh, public_key, license) = creation_setup(&fake).await;
    let keys = OrganizationKeys::generate(&public_key, None).unwrap();
    let path = "/organizations/licenses/self-hosted";
    let create = |bytes: Vec<u8>| {
        fake.post_form(
            Side::SelfHosted,
            path,
            &sh,
            creation_form(bytes, &keys, false),
        )
    };

    let premium = tampered(&license, |m| {
        m.insert("licenseType".into(), json!(0));
    });
    expect_error(
        create(premium).await,
        StatusCode::BAD_REQUEST,
        PREMIUM_AS_ORGANIZATION,
    )
    .await;
    let untyped = tampered(&license, |m| {
        m.remove("licenseType");
    });
    expect_error(
        create(untyped).await,
        StatusCode::BAD_REQUEST,
        PREMIUM_AS_ORGANIZATION,
    )
    .await;

    let forged = tampered(&license, |m| {
        let token = m["token"].as_str().unwrap().to_owned();
        let (head, sig) = token.rsplit_once('.').unwrap();
        let flipped = if sig.starts_with('A') {
            sig.replacen('A', "B", 1)
        } else {
            format!("A{}", &sig[1..])
        };
        m.insert("token".into(), json!(format!("{head}.{flipped}")));
    });
    let message = bad_request_message(create(forged).await).await;
    assert!(
        message.starts_with("Invalid license. IDX10503: Signature validation failed."),
        "{message}"
    );

    let legacy = tampered(&license, |m| {
        m.insert("token".into(), Value::Null);
        m.insert("seats".into(), json!(500));
    });
    let message = bad_request_message(create(legacy).await).await;
    assert_eq!(message, "Invalid license. The license verification failed.");

    let cloud = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let elsewhere = fake
        .download_org_license(&cloud, ACME_TEAMS, "78900000-0000-0000-0000-000000000456")
        .await;
    let message = bad_request_message(create(elsewhere).await).await;
    assert_eq!(
        message,
        "Invalid license. The installation ID does not match the current installation."
    );

    let starter = fake
        .download_org_license(&cloud, ACME_STARTER, INSTALLATION)
        .await;
    let message = bad_request_message(create(starter).await).await;
    assert_eq!(
        message,
        "Invalid license. The license does not allow for on-premise hosting of organizations."
    );

    let in_use = fake
        .download_org_license(&cloud, ACME_CORP, INSTALLATION)
        .await;
    expect_error(
        create(in_use).await,
        StatusCode::BAD_REQUEST,
        ALREADY_IN_USE,
    )
    .await;

    expect_error(
        create(b"{\"licenseType\":1}\n}".to_vec()).await,
        StatusCode::BAD_REQUEST,
        INVALID_LICENSE,
    )
    .await;

    let single = fake
        .sign_in(Side::SelfHosted, "single@example.com", "single password")
        .await;
    let single_keys: Value = fake
        .get(Side::SelfHosted, "/accounts/keys", &single)
        .await
        .json()
        .await
        .unwrap();
    let single_org =
        OrganizationKeys::generate(single_keys["publicKey"].as_str().unwrap(), None).unwrap();
    let response = fake
        .post_form(
            Side::SelfHosted,
            path,
            &single,
            creation_form(license, &single_org, false),
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, "You cannot create a new organization vault because your current membership doesn't allow you to join or create additional organization vaults.").await;
}

#[tokio::test]
async fn the_whole_request_over_51200_bytes_counts_as_no_license() {
    let fake = Fake::start(quick_seed()).await;
    let (sh, public_key, license) = creation_setup(&fake).await;
    let keys = OrganizationKeys::generate(&public_key, None).unwrap();
    let path = "/organizations/licenses/self-hosted";
    let padded = |total: usize| {
        let mut bytes = license.clone();
        let overhead = 600 + keys.key.to_string().len();
        bytes.extend(std::iter::repeat_n(
            b' ',
            total.saturating_sub(license.len() + overhead),
        ));
        bytes
    };
    let response = fake
        .post_form(
            Side::SelfHosted,
            path,
            &sh,
            creation_form(padded(MAX_UPLOAD_BYTES as usize + 800), &keys, false),
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, INVALID_LICENSE).await;
    let log = fake.run.faults.requests_to(
        Role::SelfHosted,
        "POST",
        "/api/organizations/licenses/self-hosted",
    );
    assert_eq!(log.len(), 1);

    let response = fake
        .post_form(
            Side::SelfHosted,
            path,
            &sh,
            creation_form(padded(MAX_UPLOAD_BYTES as usize - 100), &keys, false),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "just under the limit is read"
    );
}

// ---------------------------------------------------------------- license update

#[tokio::test]
async fn license_update_enforces_can_use_license_with_the_server_texts() {
    let fake = Fake::start(quick_seed()).await;
    let cloud = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let corp = uuid(ACME_CORP);
    let path = format!("/organizations/licenses/self-hosted/{SEEDED_ORG}");
    let edit_cloud = |f: &dyn Fn(&mut companion_tests::fake::CloudOrg)| {
        fake.run
            .state
            .edit(|w| f(w.cloud_orgs.iter_mut().find(|o| o.id == corp).unwrap()));
    };

    let cases: Vec<(CloudEdit, &str)> = vec![
        (Box::new(|o| o.seats = Some(4)), "Your organization currently has 5 seats filled. Your new license only has (4) seats. Remove some users."),
        (Box::new(|o| { o.seats = Some(50); o.max_collections = Some(2); }), "Your organization currently has 3 collections. Your new license allows for a maximum of (2) collections. Remove some collections."),
        (Box::new(|o| { o.max_collections = None; o.features.use_groups = false; }), "Your organization currently has 2 groups. Your new license does not allow for the use of groups. Remove all groups."),
        (Box::new(|o| { o.features.use_groups = true; o.features.use_policies = false; }), "Your organization currently has 1 enabled policies. Your new license does not allow for the use of policies. Disable all policies."),
    ];
    for (change, expected) in cases {
        edit_cloud(&*change);
        let license = fake
            .download_org_license(&cloud, ACME_CORP, INSTALLATION)
            .await;
        let response = fake
            .post_form(Side::SelfHosted, &path, &sh, license_form(license))
            .await;
        expect_error(response, StatusCode::BAD_REQUEST, expected).await;
    }

    edit_cloud(&|o| {
        o.features.use_policies = true;
        o.seats = Some(60);
    });
    let license = fake
        .download_org_license(&cloud, ACME_CORP, INSTALLATION)
        .await;
    let response = fake
        .post_form(Side::SelfHosted, &path, &sh, license_form(license))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let seats = fake
        .run
        .state
        .read(|w| w.self_hosted_org(uuid(SEEDED_ORG)).unwrap().license.seats);
    assert_eq!(seats, Some(60));
    let file = std::fs::read_to_string(fake.run.state.organization_license_file(uuid(SEEDED_ORG)))
        .unwrap();
    assert!(file.contains("\"Seats\": 60"), "{file}");

    let member = fake
        .sign_in(Side::SelfHosted, MEMBER, MEMBER_PASSWORD)
        .await;
    let license = fake
        .download_org_license(&cloud, ACME_CORP, INSTALLATION)
        .await;
    let response = fake
        .post_form(
            Side::SelfHosted,
            &path,
            &member,
            license_form(license.clone()),
        )
        .await;
    expect_error(response, StatusCode::NOT_FOUND, "Resource not found.").await;

    let (sh_creator, public_key, teams) = creation_setup(&fake).await;
    let keys = OrganizationKeys::generate(&public_key, None).unwrap();
    let response = fake
        .post_form(
            Side::SelfHosted,
            "/organizations/licenses/self-hosted",
            &sh_creator,
            creation_form(teams.clone(), &keys, false),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = fake
        .post_form(Side::SelfHosted, &path, &sh, license_form(teams))
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, ALREADY_IN_USE).await;
}

#[tokio::test]
async fn an_upload_is_verified_as_the_server_reads_its_bytes() {
    let fake = Fake::start(quick_seed()).await;
    let cloud = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let path = format!("/organizations/licenses/self-hosted/{SEEDED_ORG}");
    let downloaded = fake
        .download_org_license(&cloud, ACME_CORP, INSTALLATION)
        .await;
    let text = String::from_utf8(downloaded).unwrap();
    let seats = serde_json::from_str::<Value>(&text).unwrap()["seats"].clone();
    // Without its token the signature over the JSON decides (the legacy path).
    let (members, _) = text.rsplit_once(",\"token\":").unwrap();
    let upload = |body: String| {
        fake.post_form(
            Side::SelfHosted,
            &path,
            &sh,
            license_form(body.into_bytes()),
        )
    };

    let overridden = format!("{{\"SEATS\":500,{}}}", &members[1..]);
    let response = upload(overridden).await;
    assert_eq!(response.status(), StatusCode::OK, "the last member wins");
    let applied = fake
        .run
        .state
        .read(|w| w.self_hosted_org(uuid(SEEDED_ORG)).unwrap().license.seats);
    assert_eq!(json!(applied), seats);

    let message = bad_request_message(upload(format!("{members},\"SEATS\":500}}")).await).await;
    assert_eq!(message, "Invalid license. The license verification failed.");

    let extra = format!("{members},\"Extra\":{{\"any\":[1,null,\"x\"]}},\"email\":5}}");
    assert_eq!(upload(extra).await.status(), StatusCode::OK);

    for unreadable in [
        format!("/* exported */{members}}}"),
        format!("{members},}}"),
        format!("{members},\"seats\":\"60\"}}"),
        format!("{members},\"selfHost\":null}}"),
        "null".to_owned(),
    ] {
        expect_error(
            upload(unreadable).await,
            StatusCode::BAD_REQUEST,
            INVALID_LICENSE,
        )
        .await;
    }
}

// ---------------------------------------------------------------- connections and sync

#[tokio::test]
async fn connections_are_read_created_updated_and_deleted_with_the_server_texts() {
    let fake = Fake::start(quick_seed()).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let enabled: Value = fake
        .get(Side::SelfHosted, "/organizations/connections/enabled", &sh)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(enabled, json!(true));

    let read = fake
        .get(
            Side::SelfHosted,
            &format!("/organizations/connections/{SEEDED_ORG}/CloudBillingSync"),
            &sh,
        )
        .await;
    let seeded: Value = read.json().await.unwrap();
    assert_eq!(seeded["type"], 1);
    assert_eq!(seeded["enabled"], true);
    assert_eq!(seeded["config"]["BillingSyncKey"], ACME_BILLING_SYNC_KEY);
    assert_eq!(seeded["config"]["CloudOrganizationId"], ACME_CORP);
    assert!(seeded["config"]["LastLicenseSync"].is_null());

    let create = json!({ "type": 1, "organizationId": SEEDED_ORG, "enabled": true, "config": { "billingSyncKey": "x" } });
    let response = fake
        .post_json(Side::SelfHosted, "/organizations/connections", &sh, &create)
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, "The requested organization already has a connection of type CloudBillingSync. Only one of each connection type may exist per organization.").await;

    let id = seeded["id"].as_str().unwrap();
    let response = fake.http.put(format!("{}/organizations/connections/{id}", fake.api(Side::SelfHosted))).bearer_auth(&sh.access_token).json(&json!({ "type": 1, "organizationId": SEEDED_ORG, "enabled": false, "config": { "BILLINGSYNCKEY": "NewKey" } })).send().await.unwrap();
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["enabled"], false);
    assert_eq!(updated["config"]["BillingSyncKey"], "NewKey");

    let response = fake
        .http
        .delete(format!(
            "{}/organizations/connections/{id}",
            fake.api(Side::SelfHosted)
        ))
        .bearer_auth(&sh.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let none: Value = fake
        .get(
            Side::SelfHosted,
            &format!("/organizations/connections/{SEEDED_ORG}/1"),
            &sh,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            none["id"].clone(),
            none["type"].clone(),
            none["config"].clone()
        ),
        (Value::Null, json!(0), Value::Null)
    );

    let response = fake
        .post_json(
            Side::SelfHosted,
            "/organizations/connections",
            &sh,
            &json!({ "type": 1, "organizationId": SEEDED_ORG, "enabled": true, "config": 5 }),
        )
        .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "Organization Connection configuration malformed",
    )
    .await;

    let member = fake
        .sign_in(Side::SelfHosted, MEMBER, MEMBER_PASSWORD)
        .await;
    let response = fake
        .post_json(
            Side::SelfHosted,
            "/organizations/connections",
            &member,
            &create,
        )
        .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "You do not have permission to create a connection of type CloudBillingSync.",
    )
    .await;

    std::fs::remove_file(fake.run.state.organization_license_file(uuid(SEEDED_ORG))).unwrap();
    let response = fake
        .post_json(Side::SelfHosted, "/organizations/connections", &sh, &create)
        .await;
    expect_error(
        response,
        StatusCode::BAD_REQUEST,
        "Cannot verify license file.",
    )
    .await;

    fake.run
        .state
        .edit(|w| w.self_hosted.as_mut().unwrap().enable_cloud_communication = false);
    let enabled: Value = fake
        .get(Side::SelfHosted, "/organizations/connections/enabled", &sh)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(enabled, json!(false));
}

#[tokio::test]
async fn billing_sync_fetches_a_fresh_license_from_the_cloud_and_applies_it() {
    let fake = Fake::start(quick_seed()).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    fake.run.state.edit(|w| {
        w.cloud_orgs
            .iter_mut()
            .find(|o| o.id == uuid(ACME_CORP))
            .unwrap()
            .seats = Some(75)
    });
    let before =
        std::fs::read_to_string(fake.run.state.organization_license_file(uuid(SEEDED_ORG)))
            .unwrap();
    fake.run.faults.clear_log();

    let response = fake
        .post_json(
            Side::SelfHosted,
            &format!("/organizations/licenses/self-hosted/{SEEDED_ORG}/sync/"),
            &sh,
            &json!(null),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let org = fake
        .run
        .state
        .read(|w| w.self_hosted_org(uuid(SEEDED_ORG)).cloned().unwrap());
    assert_eq!(org.license.seats, Some(75));
    let config = &org.connection.as_ref().unwrap().config;
    assert!(config["LastLicenseSync"].is_string(), "{config}");
    let after = std::fs::read_to_string(fake.run.state.organization_license_file(uuid(SEEDED_ORG)))
        .unwrap();
    assert_ne!(before, after);

    let log = fake.run.faults.requests();
    let token = log
        .iter()
        .find(|r| r.role == Role::CloudIdentity(Region::US))
        .expect("installation sign-in");
    assert_eq!(
        (token.method.as_str(), token.path.as_str(), token.status),
        ("POST", "/connect/token", 200)
    );
    let fetch = log
        .iter()
        .find(|r| r.role == Role::CloudApi(Region::US))
        .expect("license fetch");
    assert_eq!(
        (fetch.method.as_str(), fetch.path.as_str(), fetch.status),
        (
            "GET",
            format!("/licenses/organization/{ACME_CORP}").as_str(),
            200
        )
    );
    assert!(fake.run.state.read(|w| w
        .cloud_org(uuid(ACME_CORP))
        .unwrap()
        .installations
        .contains(&uuid(INSTALLATION))));
}

#[tokio::test]
async fn billing_sync_failures_answer_the_server_texts() {
    let fake = Fake::start(quick_seed()).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let path = format!("/organizations/licenses/self-hosted/{SEEDED_ORG}/sync");
    let null = json!(null);
    let sync = || fake.post_json(Side::SelfHosted, &path, &sh, &null);

    fake.run.faults.add(
        FaultRule::status(
            Role::CloudIdentity(Region::US),
            "POST",
            "/connect/token",
            500,
        )
        .times(1),
    );
    expect_error(sync().await, StatusCode::BAD_REQUEST, SYNC_FAILED).await;

    fake.run.state.edit(|w| {
        w.cloud_orgs
            .iter_mut()
            .find(|o| o.id == uuid(ACME_CORP))
            .unwrap()
            .license_key = "changed".into()
    });
    expect_error(sync().await, StatusCode::BAD_REQUEST, SYNC_FAILED).await;
    let refused = fake.run.faults.requests_to(
        Role::CloudApi(Region::US),
        "GET",
        &format!("/licenses/organization/{ACME_CORP}"),
    );
    assert_eq!(refused.last().map(|r| r.status), Some(400));
    fake.run.state.edit(|w| {
        w.cloud_orgs
            .iter_mut()
            .find(|o| o.id == uuid(ACME_CORP))
            .unwrap()
            .license_key = "AcmeCorpLicenseKey000000000001".into()
    });

    let cloud = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let hash = fake.password_hash(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    fake.post_json(
        Side::Cloud,
        &format!("/organizations/{ACME_CORP}/rotate-api-key"),
        &cloud,
        &json!({ "type": 1, "masterPasswordHash": hash }),
    )
    .await;
    expect_error(sync().await, StatusCode::BAD_REQUEST, SYNC_FAILED).await;

    fake.run
        .state
        .edit(|w| w.self_hosted.as_mut().unwrap().enable_cloud_communication = false);
    expect_error(
        sync().await,
        StatusCode::BAD_REQUEST,
        "Cloud communication is disabled in global settings",
    )
    .await;

    fake.run.state.edit(|w| {
        let org = w
            .self_hosted_orgs
            .iter_mut()
            .find(|o| o.id == uuid(SEEDED_ORG))
            .unwrap();
        org.connection = None;
    });
    expect_error(
        sync().await,
        StatusCode::NOT_FOUND,
        "Unable to get Cloud Billing Sync connection",
    )
    .await;
}

// ---------------------------------------------------------------- account routes

#[tokio::test]
async fn profile_subscription_config_and_public_key_describe_the_self_hosted_server() {
    let fake = Fake::start(quick_seed()).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let profile: Value = fake
        .get(Side::SelfHosted, "/accounts/profile", &sh)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["object"], "profile");
    let org = &profile["organizations"][0];
    assert_eq!(org["object"], "profileOrganization");
    assert_eq!(org["id"], SEEDED_ORG);
    assert_eq!(
        (
            org["type"].clone(),
            org["enabled"].clone(),
            org["seats"].clone()
        ),
        (json!(0), json!(true), json!(50))
    );
    assert_eq!(
        (
            org["productTierType"].clone(),
            org["planProductType"].clone()
        ),
        (json!(3), json!(3))
    );
    assert!(org["key"].as_str().unwrap().starts_with("4."));

    let sub: Value = fake
        .get(
            Side::SelfHosted,
            &format!("/organizations/{SEEDED_ORG}/subscription"),
            &sh,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sub["object"], "organizationSubscription");
    assert_eq!(sub["plan"]["name"], "Enterprise (Annually)");
    let expiration =
        chrono::DateTime::parse_from_rfc3339(sub["expiration"].as_str().unwrap()).unwrap();
    let without =
        chrono::DateTime::parse_from_rfc3339(sub["expirationWithoutGracePeriod"].as_str().unwrap())
            .unwrap();
    assert_eq!((expiration - without).num_days(), 60);

    let org_response: Value = fake
        .get(
            Side::SelfHosted,
            &format!("/organizations/{SEEDED_ORG}"),
            &sh,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            org_response["object"].clone(),
            org_response["maxStorageGb"].clone()
        ),
        (json!("organization"), json!(10240))
    );

    let config: Value = fake
        .http
        .get(format!("{}/config", fake.api(Side::SelfHosted)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["version"], "2025.12.0");
    let member_id = fake
        .run
        .state
        .read(|w| w.user(Realm::SelfHosted, MEMBER).unwrap().id);
    let key: Value = fake
        .get(
            Side::SelfHosted,
            &format!("/users/{member_id}/public-key"),
            &sh,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(key["object"], "userKey");
    assert!(key["publicKey"]
        .as_str()
        .unwrap()
        .starts_with("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"));
    let missing = fake
        .get(
            Side::SelfHosted,
            &format!("/users/{}/public-key", Uuid::new_v4()),
            &sh,
        )
        .await;
    expect_error(missing, StatusCode::NOT_FOUND, "Resource not found.").await;

    let cloud_profile: Value = fake
        .get(
            Side::Cloud,
            "/accounts/profile",
            &fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        cloud_profile["organizations"].as_array().unwrap().len(),
        6,
        "US organizations only"
    );
    let unknown = fake
        .http
        .get(format!("{}/no/such/route", fake.api(Side::SelfHosted)))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let anonymous = fake
        .http
        .get(format!("{}/accounts/profile", fake.api(Side::SelfHosted)))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------- faults, TLS, binary

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
    tokio::time::sleep(Duration::from_secs(3)).await;
    let given_up =
        fake.run
            .faults
            .requests_to(Role::CloudApi(Region::US), "GET", "/accounts/profile");
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
