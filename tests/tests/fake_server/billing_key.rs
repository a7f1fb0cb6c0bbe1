//! The fake server: billing sync key (cloud).

use super::*;

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
        .get_json(
            Side::Cloud,
            &format!("/organizations/{ACME_CORP}/api-key-information/1"),
            &owner,
        )
        .await;
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
