//! The fake server: connections and sync.

use super::*;

#[tokio::test]
async fn connections_are_read_created_updated_and_deleted_with_the_server_texts() {
    let fake = Fake::start(quick_seed()).await;
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let enabled: Value = fake
        .get_json(Side::SelfHosted, "/organizations/connections/enabled", &sh)
        .await;
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
        .get_json(
            Side::SelfHosted,
            &format!("/organizations/connections/{SEEDED_ORG}/1"),
            &sh,
        )
        .await;
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
        .get_json(Side::SelfHosted, "/organizations/connections/enabled", &sh)
        .await;
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
