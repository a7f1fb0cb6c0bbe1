//! Licenses and billing sync against the test server: downloads from the cloud role,
//! safe uploads to the self-hosted role (checks, archive, summary, routes), and the
//! billing sync connection and trigger with the server's own error texts.

mod client_support;

use std::path::{Path, PathBuf};

use chrono::Utc;
use client_support::*;
use companion_core::bitwarden::{
    billing_sync_connection, delete_billing_sync_connection, download_organization_license,
    download_premium_license, plan_upload, save_billing_sync_token, send_upload, subscription,
    trigger_sync, Archive, Belonging, BitwardenError, LinkSource, Loss, Session, UploadPlan,
    UploadRequest, UploadTarget,
};
use companion_core::error::Explain;
use companion_core::license::{ExpectedInstallation, License, TrustSet};
use companion_core::secrets::SecretString;
use companion_tests::fake::{Role, Running};
use uuid::Uuid;

fn trust(server: &Running) -> TrustSet {
    let pem = std::fs::read_to_string(&server.licensing_cert_pem_path).unwrap();
    TrustSet::production().unwrap().trust_pem(&pem).unwrap()
}

/// A fresh Acme license for the self-hosted installation, written to `dir`.
async fn acme_license(server: &Running, dir: &Path) -> PathBuf {
    let cloud = cloud_owner(server).await;
    let downloaded =
        download_organization_license(&cloud, uuid(ACME_CLOUD), server.installation_id())
            .await
            .unwrap();
    let path = dir.join("bitwarden_organization_license.json");
    std::fs::write(&path, &downloaded.bytes).unwrap();
    path
}

/// A bwdata folder whose `core/licenses` is the test server's license folder.
fn bwdata_of(server: &Running, dir: &Path) -> PathBuf {
    let bwdata = dir.join("bwdata");
    std::fs::create_dir_all(bwdata.join("core")).unwrap();
    std::os::unix::fs::symlink(server.state.license_dir(), bwdata.join("core/licenses")).unwrap();
    bwdata
}

fn org_request(server: &Running, path: PathBuf, bwdata: Option<PathBuf>) -> UploadRequest {
    UploadRequest {
        target: UploadTarget::Organization(uuid(ACME_SELF_HOSTED)),
        path,
        trust: trust(server),
        installation: Some(ExpectedInstallation {
            id: server.installation_id(),
            origin: "test".into(),
        }),
        bwdata,
        now: Utc::now(),
    }
}

#[tokio::test]
async fn an_organization_license_downloads_for_the_installation_untouched() {
    let server = start(false).await;
    let cloud = cloud_owner(&server).await;
    let downloaded =
        download_organization_license(&cloud, uuid(ACME_CLOUD), server.installation_id())
            .await
            .unwrap();
    let License::Organization(license) = &downloaded.license.license else {
        panic!("an organization license");
    };
    assert_eq!(license.installation_id, server.installation_id());
    assert_eq!(license.name.as_deref(), Some("Acme Corp"));
    assert_eq!(downloaded.license.raw, downloaded.bytes);
    let path = server
        .faults
        .requests_to(
            Role::CloudApi(companion_tests::fake::Region::US),
            "GET",
            &format!("/organizations/{ACME_CLOUD}/license"),
        )
        .pop()
        .unwrap()
        .path;
    assert!(path.ends_with(&format!("?installationId={}", server.installation_id())));
}

#[tokio::test]
async fn an_unknown_installation_brings_the_clouds_text_and_advice() {
    let server = start(false).await;
    let cloud = cloud_owner(&server).await;
    let err = download_organization_license(&cloud, uuid(ACME_CLOUD), Uuid::new_v4())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "server_refused");
    assert_eq!(err.to_string(), "Invalid installation id");
    assert!(
        err.advice().contains("which region knows the ID"),
        "{}",
        err.advice()
    );
}

#[tokio::test]
async fn someone_who_is_not_owner_gets_not_found_with_the_owner_hint() {
    let server = start(false).await;
    let member = sign_in(
        &http_with(options(&server)),
        &cloud(&server),
        password("member@example.com", "member password"),
    )
    .await;
    let err = download_organization_license(&member, uuid(ACME_CLOUD), server.installation_id())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.advice().contains("Owner"));
}

#[tokio::test]
async fn the_premium_license_is_the_signed_in_users() {
    let server = start(false).await;
    let argon = sign_in(
        &http_with(options(&server)),
        &cloud(&server),
        password("argon@example.com", "argon password"),
    )
    .await;
    let downloaded = download_premium_license(&argon).await.unwrap();
    let License::User(license) = &downloaded.license.license else {
        panic!("a premium license");
    };
    assert_eq!(license.email.as_deref(), Some("argon@example.com"));
    assert!(license.premium);
}

#[tokio::test]
async fn an_upload_is_summarised_archived_and_applied_and_survives_an_expired_token() {
    let server = start(false).await;
    server.state.edit(|w| {
        if let Some(org) = w.cloud_orgs.iter_mut().find(|o| o.id == uuid(ACME_CLOUD)) {
            org.seats = Some(60);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let file = acme_license(&server, dir.path()).await;
    let bwdata = bwdata_of(&server, dir.path());
    let org = uuid(ACME_SELF_HOSTED);
    let server_copy = server.state.organization_license_file(org);
    let before = std::fs::read(&server_copy).unwrap();

    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    let plan = plan_upload(
        &session,
        &archive,
        org_request(&server, file.clone(), Some(bwdata)),
    )
    .await
    .unwrap();
    assert!(
        !plan.would_be_refused,
        "{:?}",
        plan.inspection.server_message
    );
    let seats = plan.changes.iter().find(|c| c.what == "Seats").unwrap();
    assert_eq!(
        (
            seats.current.as_deref(),
            seats.new.as_deref(),
            seats.changed
        ),
        (Some("50"), Some("60"), true)
    );
    rows_read_in_both_languages(&plan);
    assert_eq!(
        plan.replaced
            .as_ref()
            .unwrap()
            .source
            .canonicalize()
            .unwrap(),
        server_copy.canonicalize().unwrap()
    );

    server.state.expire_access_tokens();
    server.faults.clear_log();
    let outcome = send_upload(&session, &archive, &plan, false, None)
        .await
        .unwrap();

    let route = format!("/api/organizations/licenses/self-hosted/{org}");
    let statuses: Vec<u16> = server
        .faults
        .requests_to(Role::SelfHosted, "POST", &route)
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        vec![401, 200],
        "rejected unprocessed, then repeated once"
    );
    assert_eq!(
        std::fs::read(outcome.archived_replaced.unwrap()).unwrap(),
        before
    );
    assert_eq!(
        std::fs::read(&outcome.archived_new).unwrap(),
        std::fs::read(&file).unwrap()
    );
    assert!(outcome
        .archived_new
        .to_string_lossy()
        .ends_with("-applied.json"));
    assert_eq!(subscription(&session, org).await.unwrap().seats, Some(60));
}

#[tokio::test]
async fn a_license_the_server_would_refuse_is_not_sent_unless_forced() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let file = acme_license(&server, dir.path()).await;
    let other = Uuid::new_v4();
    server.state.edit(|w| {
        if let Some(settings) = w.self_hosted.as_mut() {
            settings.installation_id = other;
        }
    });
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    let mut request = org_request(&server, file, None);
    request.installation = Some(ExpectedInstallation {
        id: other,
        origin: "test".into(),
    });
    let plan = plan_upload(&session, &archive, request).await.unwrap();
    assert!(plan.would_be_refused);
    let route = format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}");

    let err = send_upload(&session, &archive, &plan, false, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "license_refused");
    assert!(err
        .to_string()
        .contains("The installation ID does not match the current installation."));
    assert!(server
        .faults
        .requests_to(Role::SelfHosted, "POST", &route)
        .is_empty());

    let err = send_upload(&session, &archive, &plan, true, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "server_refused");
    assert!(err.to_string().starts_with("Invalid license"), "{err}");
    assert!(err.advice().contains("installation ID"));
    assert_eq!(
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", &route)
            .len(),
        1
    );
}

async fn premium_file(server: &Running, dir: &Path) -> PathBuf {
    let argon = sign_in(
        &http_with(options(server)),
        &cloud(server),
        password("argon@example.com", "argon password"),
    )
    .await;
    let downloaded = download_premium_license(&argon).await.unwrap();
    let path = dir.join("bitwarden_premium_license.json");
    std::fs::write(&path, &downloaded.bytes).unwrap();
    path
}

fn premium_request(server: &Running, path: PathBuf) -> UploadRequest {
    UploadRequest {
        target: UploadTarget::Premium,
        path,
        trust: trust(server),
        installation: None,
        bwdata: None,
        now: Utc::now(),
    }
}

#[tokio::test]
async fn a_first_premium_upload_falls_back_to_the_old_route_on_404() {
    let mut seed = fast_seed();
    seed.self_hosted.premium_upload_vnext = false;
    let server = start_with(seed, false).await;
    let dir = tempfile::tempdir().unwrap();
    let file = premium_file(&server, dir.path()).await;
    let session = sign_in(
        &http_with(options(&server)),
        &self_hosted(&server),
        password("argon@example.com", "argon password"),
    )
    .await;
    let archive = Archive::new(dir.path().join("archive"));
    let plan = plan_upload(&session, &archive, premium_request(&server, file))
        .await
        .unwrap();
    assert!(
        !plan.would_be_refused,
        "{:?}",
        plan.inspection.server_message
    );
    let outcome = send_upload(&session, &archive, &plan, false, None)
        .await
        .unwrap();
    assert_eq!(outcome.route, "/accounts/license");
    let log: Vec<(String, u16)> = server
        .faults
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/api/"))
        .map(|r| (r.path, r.status))
        .collect();
    assert_eq!(
        log,
        vec![
            ("/api/account/billing/vnext/self-host/license".into(), 404),
            ("/api/accounts/license".into(), 200),
        ]
    );
}

#[tokio::test]
async fn a_first_premium_upload_uses_the_vnext_route_where_it_exists() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let file = premium_file(&server, dir.path()).await;
    let session = sign_in(
        &http_with(options(&server)),
        &self_hosted(&server),
        password("argon@example.com", "argon password"),
    )
    .await;
    let archive = Archive::new(dir.path().join("archive"));
    let plan = plan_upload(&session, &archive, premium_request(&server, file))
        .await
        .unwrap();
    let premium = plan.changes.iter().find(|c| c.what == "Premium").unwrap();
    assert!(premium.switch, "{premium:?}");
    rows_read_in_both_languages(&plan);
    let outcome = send_upload(&session, &archive, &plan, false, None)
        .await
        .unwrap();
    assert_eq!(outcome.route, "/account/billing/vnext/self-host/license");
}

/// Each row of the review is labelled by a catalog phrase: the English the CLI prints, and
/// Chinese for the window; a switch's values are `on` or `off`.
fn rows_read_in_both_languages(plan: &UploadPlan) {
    assert!(!plan.changes.is_empty());
    for change in &plan.changes {
        assert_eq!(change.label.say("en"), change.what);
        assert_ne!(change.label.say("zh-CN"), change.what, "{change:?}");
        if change.switch {
            for value in [&change.current, &change.new].into_iter().flatten() {
                assert!(["on", "off"].contains(&value.as_str()), "{change:?}");
            }
        }
    }
}

async fn acme_session(server: &Running) -> (Session, Uuid) {
    (self_hosted_owner(server).await, uuid(ACME_SELF_HOSTED))
}

#[tokio::test]
async fn the_billing_sync_token_is_updated_cleared_and_created_again() {
    let server = start(false).await;
    let (session, org) = acme_session(&server).await;
    let token = SecretString::from("NewBillingSyncToken01234567890");

    let updated = save_billing_sync_token(&session, org, &token)
        .await
        .unwrap();
    assert!(!updated.created);
    assert!(updated.connection.enabled);
    assert!(billing_sync_connection(&session, org)
        .await
        .unwrap()
        .holds(&token));

    assert!(delete_billing_sync_connection(&session, org).await.unwrap());
    assert!(!billing_sync_connection(&session, org)
        .await
        .unwrap()
        .exists());
    assert!(!delete_billing_sync_connection(&session, org).await.unwrap());

    let created = save_billing_sync_token(&session, org, &token)
        .await
        .unwrap();
    assert!(created.created);
    assert_eq!(
        created.connection.cloud_organization_id,
        Some(uuid(ACME_CLOUD))
    );
    let posts =
        server
            .faults
            .requests_to(Role::SelfHosted, "POST", "/api/organizations/connections");
    assert_eq!(posts.len(), 1, "created once, never repeated");
}

#[tokio::test]
async fn billing_sync_fetches_the_license_and_records_the_time() {
    let server = start(false).await;
    let (session, org) = acme_session(&server).await;
    trigger_sync(&session, org).await.unwrap();
    let connection = billing_sync_connection(&session, org).await.unwrap();
    assert!(connection.last_license_sync.is_some());
}

#[tokio::test]
async fn sync_without_a_connection_says_to_set_the_token_first() {
    let server = start(false).await;
    let (session, org) = acme_session(&server).await;
    delete_billing_sync_connection(&session, org).await.unwrap();
    let err = trigger_sync(&session, org).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err
        .to_string()
        .contains("Unable to get Cloud Billing Sync connection"));
    assert!(err
        .advice()
        .contains("Set the organization's billing sync token on this server first"));
}

#[tokio::test]
async fn sync_with_a_wrong_token_brings_the_servers_text() {
    let server = start(false).await;
    let (session, org) = acme_session(&server).await;
    save_billing_sync_token(
        &session,
        org,
        &SecretString::from("WrongTokenWrongTokenWrongToken"),
    )
    .await
    .unwrap();
    let err = trigger_sync(&session, org).await.unwrap_err();
    assert_eq!(err.code(), "server_refused");
    assert_eq!(
        err.to_string(),
        "An error has occurred. Check your internet connection and ensure the billing token is correct."
    );
    assert!(err.advice().contains("check the billing sync token"));
}

#[tokio::test]
async fn sync_with_cloud_communication_off_says_how_to_turn_it_on() {
    let server = start(false).await;
    server.state.edit(|w| {
        if let Some(settings) = w.self_hosted.as_mut() {
            settings.enable_cloud_communication = false;
        }
    });
    let (session, org) = acme_session(&server).await;
    let err = trigger_sync(&session, org).await.unwrap_err();
    assert!(matches!(
        err,
        BitwardenError::ServerRefused { status: 400, .. }
    ));
    assert_eq!(
        err.to_string(),
        "Cloud communication is disabled in global settings"
    );
    assert!(err.advice().contains("Turn on cloud communication"));
}

const ACME_TEAMS_CLOUD: &str = "a0000000-0000-4000-8000-000000000002";

/// A fresh license of a cloud organization for the self-hosted installation.
async fn cloud_license(server: &Running, dir: &Path, cloud_org: &str) -> PathBuf {
    let cloud = cloud_owner(server).await;
    let downloaded =
        download_organization_license(&cloud, uuid(cloud_org), server.installation_id())
            .await
            .unwrap();
    let path = dir.join(format!("{cloud_org}.json"));
    std::fs::write(&path, &downloaded.bytes).unwrap();
    path
}

fn upload_posts(server: &Running) -> usize {
    server
        .faults
        .requests_to(
            Role::SelfHosted,
            "POST",
            &format!("/api/organizations/licenses/self-hosted/{ACME_SELF_HOSTED}"),
        )
        .len()
}

#[tokio::test]
async fn another_organizations_license_is_never_sent_not_even_forced() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let teams = cloud_license(&server, dir.path(), ACME_TEAMS_CLOUD).await;
    let bwdata = bwdata_of(&server, dir.path());
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    let plan = plan_upload(
        &session,
        &archive,
        org_request(&server, teams, Some(bwdata)),
    )
    .await
    .unwrap();
    let Some(Belonging::Another {
        license_organization,
        current_organization,
        source: LinkSource::ServerFile { .. },
        ..
    }) = &plan.belonging
    else {
        panic!("{:?}", plan.belonging);
    };
    assert_eq!(
        (*license_organization, *current_organization),
        (uuid(ACME_TEAMS_CLOUD), uuid(ACME_CLOUD))
    );
    for force in [false, true] {
        let err = send_upload(&session, &archive, &plan, force, Some("Acme Corp"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "license_for_another_organization");
        assert_eq!(
            err.to_string(),
            format!("Acme Teams ({ACME_TEAMS_CLOUD}) is the license of another organization than Acme Corp on this server, which belongs to Acme Corp ({ACME_CLOUD})")
        );
        assert!(err.advice().contains("Download the license of Acme Corp"));
    }
    assert_eq!(upload_posts(&server), 0, "nothing reached the server");
    assert!(archive.history(&session.endpoints().server).is_empty());
}

#[tokio::test]
async fn without_a_license_copy_the_billing_sync_connection_tells_the_organization() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let teams = cloud_license(&server, dir.path(), ACME_TEAMS_CLOUD).await;
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    let plan = plan_upload(&session, &archive, org_request(&server, teams, None))
        .await
        .unwrap();
    assert!(matches!(
        plan.belonging,
        Some(Belonging::Another {
            source: LinkSource::BillingSync,
            ..
        })
    ));
    let acme = acme_license(&server, dir.path()).await;
    let plan = plan_upload(&session, &archive, org_request(&server, acme, None))
        .await
        .unwrap();
    assert_eq!(
        plan.belonging,
        Some(Belonging::Same {
            source: LinkSource::BillingSync
        })
    );
    assert_eq!(plan.confirm_by_name, None);
}

#[tokio::test]
async fn an_organization_nothing_links_is_sent_only_once_confirmed_by_name() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let session = self_hosted_owner(&server).await;
    delete_billing_sync_connection(&session, uuid(ACME_SELF_HOSTED))
        .await
        .unwrap();
    let acme = acme_license(&server, dir.path()).await;
    let archive = Archive::new(dir.path().join("archive"));
    let plan = plan_upload(&session, &archive, org_request(&server, acme, None))
        .await
        .unwrap();
    assert_eq!(plan.belonging, Some(Belonging::Unknown));
    assert_eq!(plan.confirm_by_name.as_deref(), Some("Acme Corp"));
    for typed in [None, Some("Acme Teams")] {
        let err = send_upload(&session, &archive, &plan, false, typed)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "confirmation_required");
        assert!(
            err.to_string()
                .contains("nothing here says which cloud organization Acme Corp belongs to"),
            "{err}"
        );
    }
    assert_eq!(upload_posts(&server), 0);
    send_upload(&session, &archive, &plan, false, Some(" acme corp "))
        .await
        .unwrap();
    assert_eq!(upload_posts(&server), 1);
}

#[tokio::test]
async fn a_downgrade_is_spelled_out_and_needs_the_organizations_name() {
    let server = start(false).await;
    server.state.edit(|w| {
        if let Some(org) = w.cloud_orgs.iter_mut().find(|o| o.id == uuid(ACME_CLOUD)) {
            org.seats = Some(10);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let acme = acme_license(&server, dir.path()).await;
    let bwdata = bwdata_of(&server, dir.path());
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    let plan = plan_upload(&session, &archive, org_request(&server, acme, Some(bwdata)))
        .await
        .unwrap();
    assert!(matches!(plan.belonging, Some(Belonging::Same { .. })));
    let described: Vec<String> = plan.losses.iter().map(Loss::describe).collect();
    assert_eq!(described, ["Seats 50 -> 10"]);
    let err = send_upload(&session, &archive, &plan, false, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "confirmation_required");
    assert_eq!(
        err.to_string(),
        "Applying this license to Acme Corp needs your confirmation: Seats 50 -> 10"
    );
    assert_eq!(upload_posts(&server), 0);
    send_upload(&session, &archive, &plan, false, Some("Acme Corp"))
        .await
        .unwrap();
    assert_eq!(
        subscription(&session, uuid(ACME_SELF_HOSTED))
            .await
            .unwrap()
            .seats,
        Some(10)
    );
}
