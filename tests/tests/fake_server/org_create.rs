//! The fake server: organization creation.

use super::*;

/// The owner's self-hosted session and public key, and a fresh Acme Teams license.
pub(super) async fn creation_setup(fake: &Fake) -> (Session, String, Vec<u8>) {
    let sh = fake.sign_in(Side::SelfHosted, OWNER, OWNER_PASSWORD).await;
    let keys: Value = fake.get_json(Side::SelfHosted, "/accounts/keys", &sh).await;
    let cloud = fake.sign_in(Side::Cloud, OWNER, OWNER_PASSWORD).await;
    let license = fake
        .download_org_license(&cloud, ACME_TEAMS, INSTALLATION)
        .await;
    (sh, keys["publicKey"].as_str().unwrap().to_owned(), license)
}

pub(super) fn creation_form(license: Vec<u8>, keys: &OrganizationKeys, with_pair: bool) -> Form {
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
        .get_json(Side::SelfHosted, "/accounts/profile", &refreshed)
        .await;
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
        .get_json(Side::SelfHosted, "/accounts/keys", &member_session)
        .await;
    let good = OrganizationKeys::generate(&public_key, Some("Default collection")).unwrap();
    let other = OrganizationKeys::generate(&public_key, Some("Other")).unwrap();
    let foreign =
        OrganizationKeys::generate(member_keys["publicKey"].as_str().unwrap(), None).unwrap();
    let path = "/organizations/licenses/self-hosted";

    let response = fake.upload_license(path, &sh, license.clone()).await;
    expect_validation(response, "Key", "The Key field is required.").await;

    // Each form, the field the server names and what it says of it.
    let with_key = |key: &EncString| license_form(license.clone()).text("key", key.to_string());
    let refused = [
        (
            with_key(&foreign.key),
            "Key",
            "does not open with your account's private key",
        ),
        (
            license_form(license.clone()).text("key", "4.bm90IGFuIFJTQSBjaXBoZXJ0ZXh0"),
            "Key",
            "does not open",
        ),
        (
            with_key(&good.key).text("collectionName", "2.not|base64|!"),
            "CollectionName",
            "CollectionName is not a valid encrypted string.",
        ),
        (
            with_key(&good.key).text(
                "collectionName",
                other.collection_name.as_ref().unwrap().to_string(),
            ),
            "CollectionName",
            "does not decrypt with the organization key",
        ),
        (
            with_key(&good.key)
                .text("keys.publicKey", other.public_key.clone())
                .text(
                    "keys.encryptedPrivateKey",
                    good.encrypted_private_key.to_string(),
                ),
            "Keys.EncryptedPrivateKey",
            "not valid",
        ),
        (
            with_key(&good.key).text("keys.publicKey", good.public_key.clone()),
            "Keys.EncryptedPrivateKey",
            "The EncryptedPrivateKey field is required.",
        ),
        (
            Form::new().text("key", good.key.to_string()),
            "License",
            "The License field is required.",
        ),
    ];
    for (form, field, says) in refused {
        let response = fake.post_form(Side::SelfHosted, path, &sh, form).await;
        expect_validation(response, field, says).await;
    }

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
    // Genuine licenses this server still refuses: for another installation, or a plan
    // that may not self-host.
    for (org, installation, says) in [
        (
            ACME_TEAMS,
            "78900000-0000-0000-0000-000000000456",
            "Invalid license. The installation ID does not match the current installation.",
        ),
        (
            ACME_STARTER,
            INSTALLATION,
            "Invalid license. The license does not allow for on-premise hosting of organizations.",
        ),
    ] {
        let license = fake.download_org_license(&cloud, org, installation).await;
        assert_eq!(bad_request_message(create(license).await).await, says);
    }

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
        .get_json(Side::SelfHosted, "/accounts/keys", &single)
        .await;
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
