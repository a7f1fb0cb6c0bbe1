//! The fake server: license update.

use super::*;

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
        let response = fake.upload_license(&path, &sh, license).await;
        expect_error(response, StatusCode::BAD_REQUEST, expected).await;
    }

    edit_cloud(&|o| {
        o.features.use_policies = true;
        o.seats = Some(60);
    });
    let license = fake
        .download_org_license(&cloud, ACME_CORP, INSTALLATION)
        .await;
    let response = fake.upload_license(&path, &sh, license).await;
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
    let response = fake.upload_license(&path, &member, license.clone()).await;
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
    let response = fake.upload_license(&path, &sh, teams).await;
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
    let upload = |body: String| fake.upload_license(&path, &sh, body.into_bytes());

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
