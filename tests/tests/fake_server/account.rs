//! The fake server: account routes.

use super::*;

#[tokio::test]
async fn profile_subscription_config_and_public_key_describe_the_self_hosted_server() {
    let fake = Fake::start(quick_seed()).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let profile: Value = fake
        .get_json(Side::SelfHosted, "/accounts/profile", &sh)
        .await;
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
        .get_json(
            Side::SelfHosted,
            &format!("/organizations/{SEEDED_ORG}/subscription"),
            &sh,
        )
        .await;
    assert_eq!(sub["object"], "organizationSubscription");
    assert_eq!(sub["plan"]["name"], "Enterprise (Annually)");
    let expiration =
        chrono::DateTime::parse_from_rfc3339(sub["expiration"].as_str().unwrap()).unwrap();
    let without =
        chrono::DateTime::parse_from_rfc3339(sub["expirationWithoutGracePeriod"].as_str().unwrap())
            .unwrap();
    assert_eq!((expiration - without).num_days(), 60);

    let org_response: Value = fake
        .get_json(
            Side::SelfHosted,
            &format!("/organizations/{SEEDED_ORG}"),
            &sh,
        )
        .await;
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
        .get_json(
            Side::SelfHosted,
            &format!("/users/{member_id}/public-key"),
            &sh,
        )
        .await;
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
