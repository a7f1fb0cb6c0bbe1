//! The fake server: premium licenses.

use super::*;

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
        .upload_license(
            "/account/billing/vnext/self-host/license",
            &member,
            premium.clone(),
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
        .upload_license(
            "/account/billing/vnext/self-host/license",
            &argon,
            premium.clone(),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = fake
        .get_json(Side::SelfHosted, "/accounts/profile", &argon)
        .await;
    assert_eq!(profile["premium"], true);
    let response = fake
        .upload_license(
            "/account/billing/vnext/self-host/license",
            &argon,
            premium.clone(),
        )
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, "Already a premium user.").await;
    let response = fake
        .upload_license("/accounts/license", &argon, premium.clone())
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
        .upload_license("/accounts/license", &argon, owner_cloud_license)
        .await;
    expect_error(response, StatusCode::BAD_REQUEST, ORGANIZATION_AS_USER).await;

    fake.run
        .state
        .edit(|w| w.self_hosted.as_mut().unwrap().premium_upload_vnext = false);
    let response = fake
        .upload_license(
            "/account/billing/vnext/self-host/license",
            &member,
            premium.clone(),
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
