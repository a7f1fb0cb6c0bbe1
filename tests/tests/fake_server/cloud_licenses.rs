//! The fake server: cloud licenses.

use super::*;

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

    // Who asks, on which side, for which organization and installation, and the refusal.
    let member = fake.sign_in(Side::Cloud, MEMBER, MEMBER_PASSWORD).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let not_found = (StatusCode::NOT_FOUND, "Resource not found.");
    let bad_id = (StatusCode::BAD_REQUEST, "Invalid installation id");
    let refused = [
        (Side::Cloud, &member, ACME_CORP, INSTALLATION, not_found),
        (
            Side::Cloud,
            &owner,
            ACME_CORP,
            DISABLED_INSTALLATION,
            bad_id,
        ),
        (Side::Cloud, &owner, ACME_CORP, EU_INSTALLATION, bad_id),
        (Side::Cloud, &owner, ACME_CORP, "not-a-guid", bad_id),
        (
            Side::Cloud,
            &owner,
            LAPSED_CORP,
            INSTALLATION,
            (StatusCode::BAD_REQUEST, PAYMENT_ISSUE),
        ),
        (
            Side::Cloud,
            &owner,
            UNPAID_INC,
            INSTALLATION,
            (StatusCode::BAD_REQUEST, NO_SUBSCRIPTION),
        ),
        (
            Side::SelfHosted,
            &sh,
            SEEDED_ORG,
            INSTALLATION,
            (
                StatusCode::BAD_REQUEST,
                "Only allowed when not self hosted.",
            ),
        ),
    ];
    for (side, session, org, installation, (status, message)) in refused {
        let path = format!("/organizations/{org}/license?installationId={installation}");
        let response = fake.get(side, &path, session).await;
        expect_error(response, status, message).await;
    }
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
