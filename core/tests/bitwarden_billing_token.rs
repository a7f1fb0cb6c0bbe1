//! The billing sync token from the cloud against the test server: got with the master
//! password (PBKDF2 and Argon2id accounts, hashed with the cloud's KDF) or an e-mailed
//! code, kept in the keychain and on a self-hosted organization that then syncs with it,
//! rotated, and refused with the right reason for wrong secrets, plans without billing
//! sync and non-owners.

mod client_support;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use client_support::*;
use companion_core::bitwarden::{
    billing_sync_connection, billing_sync_token, billing_sync_token_info, create_organization,
    download_organization_license, keep_billing_sync_token, prepare_organization, request_otp,
    rotate_billing_sync_token, token_account, trigger_sync, Archive, BitwardenError, ExitClass,
    OrganizationRequest, Session, Verification,
};
use companion_core::error::Explain;
use companion_core::license::TrustSet;
use companion_core::secrets::{ExposeSecret, MemoryKeychain, SecretStore, SecretString};
use companion_tests::fake::seed::{MemberRole, MemberSeed};
use companion_tests::fake::{MailPurpose, Running, Seed, SYNC_FAILED};
use companion_tests::ids::{
    ACME_FAMILY, ACME_TEAMS, ACME_TOKEN, ARGON, ARGON_PASSWORD, OWNER, OWNER_PASSWORD,
};
use uuid::Uuid;

const ACME_STARTER: &str = "a0000000-0000-4000-8000-000000000003";

/// The default seed with the Argon2id account as a second owner of Acme Teams.
fn seed_with_argon_owner(delay_ms: u64) -> Seed {
    let mut seed = Seed::default_seed();
    seed.auth_failure_delay_ms = delay_ms;
    for org in &mut seed.cloud.organizations {
        if org.id == uuid(ACME_TEAMS) {
            org.members.push(MemberSeed {
                email: ARGON.into(),
                role: MemberRole::Owner,
            });
        }
    }
    seed
}

async fn cloud_as(server: &Running, email: &str, secret: &str) -> Session {
    sign_in(
        &http_with(options(server)),
        &cloud(server),
        password(email, secret),
    )
    .await
}

/// Creates the self-hosted organization of Acme Teams (which has no billing sync token
/// yet) and returns its id.
async fn self_hosted_teams(server: &Running, session: &Session, dir: &Path) -> Uuid {
    let cloud = cloud_owner(server).await;
    let license = download_organization_license(&cloud, uuid(ACME_TEAMS), server.installation_id())
        .await
        .unwrap();
    let path = dir.join("teams.json");
    std::fs::write(&path, &license.bytes).unwrap();
    let pem = std::fs::read_to_string(&server.licensing_cert_pem_path).unwrap();
    let request = OrganizationRequest {
        path,
        collection: None,
        trust: TrustSet::production().unwrap().trust_pem(&pem).unwrap(),
        installation: None,
        now: Utc::now(),
    };
    let draft = prepare_organization(session, request).await.unwrap();
    let archive = Archive::new(dir.join("archive"));
    let created = create_organization(session, &archive, &draft)
        .await
        .unwrap();
    session.renew().await.unwrap();
    created.id
}

/// A cloud owner gets the token with the master password; it goes to the keychain and
/// the self-hosted organization, which then syncs its license with it.
async fn token_reaches_the_server_and_syncs(email: &str, secret: &str) {
    let server = start_with(seed_with_argon_owner(0), false).await;
    let dir = tempfile::tempdir().unwrap();
    let self_hosted_session = self_hosted_owner(&server).await;
    let org = self_hosted_teams(&server, &self_hosted_session, dir.path()).await;
    let before = trigger_sync(&self_hosted_session, org).await.unwrap_err();
    assert!(before
        .to_string()
        .contains("Unable to get Cloud Billing Sync connection"));

    let cloud_session = cloud_as(&server, email, secret).await;
    let verification = Verification::master_password(&cloud_session, &SecretString::from(secret))
        .await
        .unwrap();
    let token = billing_sync_token(&cloud_session, uuid(ACME_TEAMS), &verification)
        .await
        .unwrap();
    assert_eq!(token.token().expose_secret().len(), 30);
    assert!(token.revision_date.is_some());
    assert!(!format!("{token:?}").contains(token.token().expose_secret()));

    let keychain = MemoryKeychain::default();
    let kept = keep_billing_sync_token(&token, Some(&keychain), Some((&self_hosted_session, org)))
        .await
        .unwrap();
    let account = token_account(&self_hosted_session.endpoints().server, org);
    assert_eq!(kept.keychain_account.as_deref(), Some(account.as_str()));
    assert_eq!(
        keychain.get(&account).unwrap().unwrap().expose_secret(),
        token.token().expose_secret()
    );
    let saved = kept.connection.expect("stored on the server");
    assert!(saved.created);
    assert_eq!(
        saved.connection.cloud_organization_id,
        Some(uuid(ACME_TEAMS))
    );
    assert!(billing_sync_connection(&self_hosted_session, org)
        .await
        .unwrap()
        .holds(token.token()));

    trigger_sync(&self_hosted_session, org).await.unwrap();
    let connection = billing_sync_connection(&self_hosted_session, org)
        .await
        .unwrap();
    assert!(connection.last_license_sync.is_some());

    let again = billing_sync_token(&cloud_session, uuid(ACME_TEAMS), &verification)
        .await
        .unwrap();
    assert_eq!(
        again.token().expose_secret(),
        token.token().expose_secret(),
        "getting it again returns the same token"
    );
}

#[tokio::test]
async fn a_pbkdf2_owners_token_reaches_the_keychain_and_the_server_which_syncs() {
    token_reaches_the_server_and_syncs(OWNER, OWNER_PASSWORD).await;
}

#[tokio::test]
async fn an_argon2id_owners_token_reaches_the_keychain_and_the_server_which_syncs() {
    token_reaches_the_server_and_syncs(ARGON, ARGON_PASSWORD).await;
}

#[tokio::test]
async fn a_wrong_master_password_is_refused_after_the_servers_delay() {
    let server = start_with(Seed::default_seed(), false).await;
    let session = cloud_owner(&server).await;
    let verification = Verification::master_password(&session, &SecretString::from("wrong"))
        .await
        .unwrap();
    let started = Instant::now();
    let err = billing_sync_token(&session, uuid(ACME_CLOUD), &verification)
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(
        matches!(err, BitwardenError::SecretRejected { otp: false, .. }),
        "{err}"
    );
    assert_eq!(err.to_string(), "Invalid password.");
    assert_eq!(err.code(), "invalid_password");
    assert_eq!(err.exit_class(), ExitClass::Refused);
    assert!(err.advice().contains("e-mailed code"), "{}", err.advice());
}

#[tokio::test]
async fn an_emailed_code_gets_the_token_and_a_wrong_code_is_refused() {
    let server = start(false).await;
    let session = cloud_owner(&server).await;
    request_otp(&session).await.unwrap();
    let code = server
        .state
        .latest_code(OWNER, MailPurpose::VerificationCode)
        .expect("a code was e-mailed");
    let token = billing_sync_token(
        &session,
        uuid(ACME_CLOUD),
        &Verification::otp(SecretString::from(code.clone())),
    )
    .await
    .unwrap();
    assert_eq!(token.token().expose_secret(), ACME_TOKEN);

    let err = billing_sync_token(
        &session,
        uuid(ACME_CLOUD),
        &Verification::otp(SecretString::from(code)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, BitwardenError::SecretRejected { otp: true, .. }),
        "{err}"
    );
    assert_eq!(err.code(), "invalid_otp");
    assert_eq!(err.to_string(), "Invalid password.");
}

#[tokio::test]
async fn a_rotated_token_stops_the_old_one_until_the_server_gets_the_new_one() {
    let server = start(false).await;
    let cloud_session = cloud_as(&server, OWNER, OWNER_PASSWORD).await;
    let verification =
        Verification::master_password(&cloud_session, &SecretString::from(OWNER_PASSWORD))
            .await
            .unwrap();
    let rotated = rotate_billing_sync_token(&cloud_session, uuid(ACME_CLOUD), &verification)
        .await
        .unwrap();
    assert_ne!(rotated.token().expose_secret(), ACME_TOKEN);
    assert_eq!(
        billing_sync_token_info(&cloud_session, uuid(ACME_CLOUD))
            .await
            .unwrap(),
        rotated.revision_date
    );

    let self_hosted_session = self_hosted_owner(&server).await;
    let org = uuid(ACME_SELF_HOSTED);
    let stale = trigger_sync(&self_hosted_session, org).await.unwrap_err();
    assert_eq!(stale.to_string(), SYNC_FAILED);

    let kept = keep_billing_sync_token(&rotated, None, Some((&self_hosted_session, org)))
        .await
        .unwrap();
    assert_eq!(kept.keychain_account, None);
    assert!(!kept.connection.expect("updated").created);
    trigger_sync(&self_hosted_session, org).await.unwrap();
}

#[tokio::test]
async fn a_token_kept_without_a_server_is_named_after_the_cloud_organization() {
    let server = start(false).await;
    let session = cloud_owner(&server).await;
    let verification = Verification::master_password(&session, &SecretString::from(OWNER_PASSWORD))
        .await
        .unwrap();
    let token = billing_sync_token(&session, uuid(ACME_CLOUD), &verification)
        .await
        .unwrap();
    let keychain = MemoryKeychain::default();
    let kept = keep_billing_sync_token(&token, Some(&keychain), None)
        .await
        .unwrap();
    let account = token_account(&cloud(&server).server, uuid(ACME_CLOUD));
    assert_eq!(kept.keychain_account, Some(account.clone()));
    assert!(kept.connection.is_none());
    assert_eq!(
        keychain.get(&account).unwrap().unwrap().expose_secret(),
        ACME_TOKEN
    );
}

#[tokio::test]
async fn plans_without_billing_sync_are_refused_with_the_plan_named() {
    let server = start(false).await;
    server.state.edit(|w| {
        if let Some(org) = w.cloud_orgs.iter_mut().find(|o| o.id == uuid(ACME_TEAMS)) {
            org.plan_type = 0;
        }
    });
    let session = cloud_owner(&server).await;
    let verification = Verification::master_password(&session, &SecretString::from(OWNER_PASSWORD))
        .await
        .unwrap();
    for (org, name, tier) in [
        (ACME_FAMILY, "Acme Family", "Families"),
        (ACME_STARTER, "Acme Starter", "Teams Starter"),
        (ACME_TEAMS, "Acme Teams", "Free"),
    ] {
        let err = billing_sync_token(&session, uuid(org), &verification)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "billing_sync_not_offered", "{err}");
        assert_eq!(
            err.to_string(),
            format!("{name} is on the {tier} plan, which has no billing sync (the cloud answered: Resource not found.)")
        );
        assert!(err.advice().contains("Teams or Enterprise"));
        assert_eq!(err.exit_class(), ExitClass::Refused);
    }
}

#[tokio::test]
async fn a_member_who_is_not_an_owner_is_told_only_owners_can() {
    let server = start(false).await;
    let session = cloud_as(&server, "member@example.com", "member password").await;
    let verification =
        Verification::master_password(&session, &SecretString::from("member password"))
            .await
            .unwrap();
    let err = billing_sync_token(&session, uuid(ACME_CLOUD), &verification)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().ends_with("Resource not found."), "{err}");
    assert!(
        err.advice().starts_with("Only an Owner of Acme Corp"),
        "{}",
        err.advice()
    );
    let stranger = billing_sync_token(&session, Uuid::new_v4(), &verification)
        .await
        .unwrap_err();
    assert!(
        stranger.advice().contains("not a member"),
        "{}",
        stranger.advice()
    );
}

#[tokio::test]
async fn rotating_an_organization_without_a_token_says_to_get_one_first() {
    let server = start(false).await;
    let session = cloud_owner(&server).await;
    assert_eq!(
        billing_sync_token_info(&session, uuid(ACME_TEAMS))
            .await
            .unwrap(),
        None
    );
    let verification = Verification::master_password(&session, &SecretString::from(OWNER_PASSWORD))
        .await
        .unwrap();
    let err = rotate_billing_sync_token(&session, uuid(ACME_TEAMS), &verification)
        .await
        .unwrap_err();
    assert!(
        err.advice().contains("no billing sync token to rotate yet"),
        "{}",
        err.advice()
    );
}
