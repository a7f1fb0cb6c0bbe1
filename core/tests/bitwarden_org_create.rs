//! Creating a self-hosted organization from a license against the test server: the key
//! material opens on the server, the keys route is called with a renewed token, the
//! license is archived, and every refusal (of the checks or the server) comes back with
//! its text before or instead of anything being sent twice.

mod client_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;
use client_support::*;
use companion_core::bitwarden::{
    create_organization, download_organization_license, download_premium_license,
    owned_organizations, prepare_organization, Archive, BitwardenError, ExitClass,
    OrganizationRequest, PlanNote, Session, DEFAULT_COLLECTION,
};
use companion_core::error::Explain;
use companion_core::license::{ExpectedInstallation, TrustSet};
use companion_tests::fake::{FaultRule, RequestRecord, Role, Running, ALREADY_IN_USE};
use companion_tests::ids::ACME_TEAMS;
use uuid::Uuid;

const SIGN_UP: &str = "/api/organizations/licenses/self-hosted";

fn trust(server: &Running) -> TrustSet {
    let pem = std::fs::read_to_string(&server.licensing_cert_pem_path).unwrap();
    TrustSet::production().unwrap().trust_pem(&pem).unwrap()
}

/// A fresh Acme Teams license for the self-hosted installation, written to `dir`.
async fn teams_license(server: &Running, dir: &Path) -> PathBuf {
    let cloud = cloud_owner(server).await;
    let downloaded =
        download_organization_license(&cloud, uuid(ACME_TEAMS), server.installation_id())
            .await
            .unwrap();
    let path = dir.join("bitwarden_organization_license.json");
    std::fs::write(&path, &downloaded.bytes).unwrap();
    path
}

fn request(server: &Running, path: PathBuf, collection: Option<&str>) -> OrganizationRequest {
    OrganizationRequest {
        path,
        collection: collection.map(str::to_owned),
        trust: trust(server),
        installation: Some(ExpectedInstallation {
            id: server.installation_id(),
            origin: "test".into(),
        }),
        now: Utc::now(),
    }
}

fn sign_ups(server: &Running) -> Vec<RequestRecord> {
    server.faults.requests_to(Role::SelfHosted, "POST", SIGN_UP)
}

async fn create(
    server: &Running,
    session: &Session,
    archive: &Archive,
    request: OrganizationRequest,
) -> Result<companion_core::bitwarden::CreatedOrganization, BitwardenError> {
    let draft = prepare_organization(session, request).await?;
    create_organization(session, archive, &draft)
        .await
        .inspect(|_| {
            assert_eq!(sign_ups(server).len(), 1, "the sign-up is sent once");
        })
}

#[tokio::test]
async fn the_new_organizations_key_collection_and_key_pair_open_on_the_server() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));

    let draft = prepare_organization(
        &session,
        request(&server, license.clone(), Some("Engineering")),
    )
    .await
    .unwrap();
    assert!(draft.inspection.valid);
    assert!(draft.notes.is_empty(), "{:?}", draft.notes);
    assert!(draft.request_bytes <= 51_200);
    assert!(
        sign_ups(&server).is_empty(),
        "preparing sends nothing that changes the server"
    );

    server.faults.clear_log();
    let created = create_organization(&session, &archive, &draft)
        .await
        .unwrap();
    assert_eq!(created.name, "Acme Teams");
    assert_ne!(created.id, uuid(ACME_TEAMS), "the server gives its own id");
    assert!(created.key_pair_saved, "{:?}", created.warnings);
    assert!(created.warnings.is_empty());

    let opened = server.state.open_organization(created.id).unwrap();
    assert_eq!(opened.collection_names, ["Engineering"]);
    assert!(opened.has_key_pair);

    let log = server.faults.requests();
    let position = |path: &str| log.iter().position(|r| r.path == path);
    let sign_up = position(SIGN_UP).expect("the sign-up was sent");
    let renewal = position("/identity/connect/token").expect("the token was renewed");
    let keys_path = format!("/api/organizations/{}/keys", created.id);
    let keys: Vec<&RequestRecord> = log.iter().filter(|r| r.path == keys_path).collect();
    assert_eq!(keys.len(), 1, "{log:#?}");
    assert_eq!(keys[0].status, 200, "the first keys call is accepted");
    assert!(sign_up < renewal && renewal < position(&keys_path).unwrap());

    let archived = created.archived.expect("archived");
    assert!(archived.to_string_lossy().ends_with("-applied.json"));
    assert_eq!(
        std::fs::read(archived).unwrap(),
        std::fs::read(&license).unwrap()
    );

    session.renew().await.unwrap();
    let owned = owned_organizations(&session).await.unwrap();
    let listed = owned
        .organizations
        .iter()
        .find(|o| o.id == created.id)
        .expect("listed among the owned organizations");
    assert_eq!(listed.name, "Acme Teams");
    assert_eq!(listed.seats, Some(10));
}

#[tokio::test]
async fn a_password_session_renews_with_its_refresh_token_and_the_default_collection_is_made() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let session = sign_in(
        &http_with(options(&server)),
        &self_hosted(&server),
        password("owner@example.com", "correct horse battery staple"),
    )
    .await;
    let archive = Archive::new(dir.path().join("archive"));
    let license = teams_license(&server, dir.path()).await;
    let created = create(
        &server,
        &session,
        &archive,
        request(&server, license, Some(DEFAULT_COLLECTION)),
    )
    .await
    .unwrap();
    assert_eq!(
        server
            .state
            .open_organization(created.id)
            .unwrap()
            .collection_names,
        ["Default collection"]
    );
    assert!(created.key_pair_saved, "{:?}", created.warnings);
}

#[tokio::test]
async fn a_blank_collection_name_makes_no_collection() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::new(dir.path().join("archive"));
    let server = start(false).await;
    let session = self_hosted_owner(&server).await;
    let license = teams_license(&server, dir.path()).await;
    let created = create(
        &server,
        &session,
        &archive,
        request(&server, license, Some("  ")),
    )
    .await
    .unwrap();
    assert_eq!(created.collection, None);
    let opened = server.state.open_organization(created.id).unwrap();
    assert!(opened.collection_names.is_empty());
    assert!(opened.has_key_pair);
}

#[tokio::test]
async fn a_premium_license_is_refused_with_the_servers_text_before_anything_is_sent() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let cloud = sign_in(
        &http_with(options(&server)),
        &cloud(&server),
        password("argon@example.com", "argon password"),
    )
    .await;
    let premium = download_premium_license(&cloud).await.unwrap();
    let path = dir.path().join("bitwarden_premium_license.json");
    std::fs::write(&path, &premium.bytes).unwrap();
    let session = self_hosted_owner(&server).await;

    let err = prepare_organization(&session, request(&server, path, Some(DEFAULT_COLLECTION)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, BitwardenError::LicenseUnsuitable { .. }),
        "{err}"
    );
    assert_eq!(err.code(), "license_unsuitable");
    assert_eq!(err.exit_class(), ExitClass::Refused);
    assert!(err
        .to_string()
        .contains("Invalid license. Premium licenses cannot be applied to an organization vault."));
    assert!(!err.advice().contains("anyway"), "{}", err.advice());
    assert!(sign_ups(&server).is_empty());
}

#[tokio::test]
async fn a_license_for_another_installation_is_refused_before_anything_is_sent() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    let session = self_hosted_owner(&server).await;
    let mut elsewhere = request(&server, license, None);
    elsewhere.installation = Some(ExpectedInstallation {
        id: Uuid::new_v4(),
        origin: "bwdata/env/global.override.env".into(),
    });
    let err = prepare_organization(&session, elsewhere).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("The installation ID does not match the current installation."),
        "{err}"
    );
    assert!(sign_ups(&server).is_empty());
}

#[tokio::test]
async fn without_a_known_installation_the_draft_says_it_was_not_checked() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    let session = self_hosted_owner(&server).await;
    let mut unknown = request(&server, license, None);
    unknown.installation = None;
    let draft = prepare_organization(&session, unknown).await.unwrap();
    assert_eq!(draft.notes, [PlanNote::InstallationUnchecked]);
    assert!(draft.notes[0]
        .to_string()
        .contains("installation ID was not checked"));
}

#[tokio::test]
async fn a_license_that_fits_alone_but_not_with_the_keys_is_refused_before_sending() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    let bytes = std::fs::read(&license).unwrap();
    let mut padded = b"{".to_vec();
    padded.extend(std::iter::repeat_n(b' ', 50_800 - bytes.len()));
    padded.extend_from_slice(&bytes[1..]);
    std::fs::write(&license, &padded).unwrap();
    let session = self_hosted_owner(&server).await;

    let err = prepare_organization(
        &session,
        request(&server, license, Some(DEFAULT_COLLECTION)),
    )
    .await
    .unwrap_err();
    let BitwardenError::RequestTooLarge { size } = err else {
        panic!("expected the size refusal, got {err}");
    };
    assert!(size > 51_200, "{size}");
    assert!(sign_ups(&server).is_empty());
}

#[tokio::test]
async fn a_license_already_in_use_is_refused_with_the_servers_text() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    create(
        &server,
        &session,
        &archive,
        request(&server, license.clone(), None),
    )
    .await
    .unwrap();
    let draft = prepare_organization(&session, request(&server, license, None))
        .await
        .unwrap();
    let err = create_organization(&session, &archive, &draft)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), ALREADY_IN_USE);
    assert!(err.advice().contains("upload it there"), "{}", err.advice());
    assert_eq!(err.exit_class(), ExitClass::Refused);
}

#[tokio::test]
async fn a_single_organization_policy_refusal_comes_back_with_its_text_and_advice() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    let session = sign_in(
        &http_with(options(&server)),
        &self_hosted(&server),
        password("single@example.com", "single password"),
    )
    .await;
    let archive = Archive::new(dir.path().join("archive"));
    let err = create(&server, &session, &archive, request(&server, license, None))
        .await
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "You cannot create a new organization vault because your current membership doesn't allow you to join or create additional organization vaults."
        ),
        "{err}"
    );
    assert!(err.advice().contains("Single Organization policy"));
    assert_eq!(sign_ups(&server).len(), 1);
}

#[tokio::test]
async fn a_lost_answer_is_not_sent_again_and_says_to_check_the_organizations() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    server.faults.add(FaultRule::hang(
        Role::SelfHosted,
        "POST",
        SIGN_UP,
        Duration::from_secs(3),
    ));
    let session = sign_in(
        &http_with(companion_core::bitwarden::HttpOptions {
            request_timeout: Duration::from_secs(1),
            ..options(&server)
        }),
        &self_hosted(&server),
        api_key(OWNER_SELF_HOSTED_ID, OWNER_SELF_HOSTED_SECRET),
    )
    .await;
    let archive = Archive::new(dir.path().join("archive"));
    let draft = prepare_organization(&session, request(&server, license, None))
        .await
        .unwrap();
    let err = create_organization(&session, &archive, &draft)
        .await
        .unwrap_err();
    assert!(
        matches!(err, BitwardenError::OutcomeUnknown { .. }),
        "{err}"
    );
    assert_eq!(err.code(), "outcome_unknown");
    assert_eq!(err.exit_class(), ExitClass::Unavailable);
    assert!(err.to_string().contains("did not answer within 1 seconds"));
    assert!(
        err.advice().contains(&format!(
            "look at the organizations on {}",
            server.self_hosted_url
        )),
        "{}",
        err.advice()
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    while sign_ups(&server).is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = sign_ups(&server);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].status, 200, "the server did create it");
    assert_eq!(
        server.state.read(|w| w.self_hosted_orgs.len()),
        2,
        "the organization exists although its answer was lost"
    );
    assert!(
        !dir.path().join("archive").exists(),
        "nothing is archived as applied"
    );
}

#[tokio::test]
async fn a_failing_sign_up_is_sent_once_and_its_outcome_called_unknown() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    server
        .faults
        .add(FaultRule::status(Role::SelfHosted, "POST", SIGN_UP, 500));
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    let err = create(&server, &session, &archive, request(&server, license, None))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "outcome_unknown");
    assert!(err.to_string().contains("HTTP 500"), "{err}");
    assert_eq!(sign_ups(&server).len(), 1);
}

#[tokio::test]
async fn a_key_pair_that_cannot_be_saved_leaves_the_organization_with_a_warning() {
    let server = start(false).await;
    let dir = tempfile::tempdir().unwrap();
    let license = teams_license(&server, dir.path()).await;
    let session = self_hosted_owner(&server).await;
    let archive = Archive::new(dir.path().join("archive"));
    let draft = prepare_organization(&session, request(&server, license, None))
        .await
        .unwrap();
    server.faults.add(FaultRule::status(
        Role::SelfHosted,
        "POST",
        "/identity/connect/token",
        500,
    ));
    let created = create_organization(&session, &archive, &draft)
        .await
        .unwrap();
    assert!(!created.key_pair_saved);
    assert_eq!(created.warnings.len(), 1);
    assert!(
        created.warnings[0]
            .message
            .starts_with("The organization's key pair was not saved"),
        "{:?}",
        created.warnings
    );
    assert!(created.archived.is_some());
    let opened = server.state.open_organization(created.id).unwrap();
    assert!(!opened.has_key_pair);
    let keys = format!("/api/organizations/{}/keys", created.id);
    assert!(server.faults.requests().iter().all(|r| r.path != keys));
}
