//! Organization routes of the API:
//!
//! - `POST /organizations/licenses/self-hosted` (self-hosted): create an organization from a
//!   license. Multipart `license` (file), `key` (the organization key shared to the caller,
//!   type 4), optional `collectionName` (type 2 under the organization key) and optional
//!   `keys.publicKey` + `keys.encryptedPrivateKey`. Answers `OrganizationResponseModel`
//!   with the new self-hosted id. Beyond the server's own model checks, the fake opens the
//!   posted crypto with the caller's private key and refuses what does not open, with the
//!   same validation envelope.
//! - `POST /organizations/licenses/self-hosted/{id}` (self-hosted): replace the license.
//! - `POST /organizations/{id}/keys`: `{"publicKey","encryptedPrivateKey"}` →
//!   `{"object":"organizationKeys","publicKey","privateKey"}`.
//! - `GET /organizations/{id}`: `OrganizationResponseModel` (owners).
//! - `GET /organizations/{id}/subscription`: `OrganizationSubscriptionResponseModel`
//!   (owners); on the self-hosted role `expiration` and `expirationWithoutGracePeriod`
//!   come from the license file.

use std::sync::Arc;

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use companion_core::crypto::{
    decapsulate_org_key, decrypt_collection_name, open_org_key_pair, EncString, SymmetricKey,
    Zeroizing,
};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::accounts::{current_user, require_license_part, route_id, self_hosted_only};
use super::auth::{Caller, Ctx};
use super::envelope::{ApiError, ApiResult};
use super::license_model::License;
use super::licensing::Class;
use super::models::{self, OrgView};
use super::multipart::Upload;
use super::seed::MemberRole;
use super::state::{self, Collection, Member, Realm, SelfHostedOrg, Usage, User};
use super::{license_files, upload};

/// The organization routes, relative to the API base URL.
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/organizations/licenses/self-hosted", post(create))
        .route("/organizations/licenses/self-hosted/{id}", post(update))
        .route("/organizations/{id}/keys", post(post_keys))
        .route("/organizations/{id}", get(get_organization))
        .route("/organizations/{id}/subscription", get(subscription))
        .with_state(ctx)
}

/// `[Required]`, `[EncryptedString]` and both-or-neither `keys.*` of the creation model.
fn validate_create_model(upload: &Upload) -> ApiResult<()> {
    let mut errors = Vec::new();
    if upload.file("license").is_none() {
        errors.push((
            "License".to_owned(),
            "The License field is required.".to_owned(),
        ));
    }
    if upload.field("key").is_none_or(|k| k.trim().is_empty()) {
        errors.push(("Key".to_owned(), "The Key field is required.".to_owned()));
    }
    if let Some(name) = upload.field("collectionName").filter(|n| !n.is_empty()) {
        if !valid_enc_string(name) {
            errors.push((
                "CollectionName".to_owned(),
                "CollectionName is not a valid encrypted string.".to_owned(),
            ));
        } else if name.len() > 1000 {
            errors.push((
                "CollectionName".to_owned(),
                "The field CollectionName must be a string with a maximum length of 1000."
                    .to_owned(),
            ));
        }
    }
    let public = upload.field("keys.publicKey").filter(|k| !k.is_empty());
    let private = upload
        .field("keys.encryptedPrivateKey")
        .filter(|k| !k.is_empty());
    match (public, private) {
        (Some(_), None) => errors.push((
            "Keys.EncryptedPrivateKey".to_owned(),
            "The EncryptedPrivateKey field is required.".to_owned(),
        )),
        (None, Some(_)) => errors.push((
            "Keys.PublicKey".to_owned(),
            "The PublicKey field is required.".to_owned(),
        )),
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// `EncryptedStringAttribute`: a known type with the right pieces (type 1 is not accepted).
fn valid_enc_string(text: &str) -> bool {
    text.parse::<EncString>()
        .is_ok_and(|parsed| parsed.enc_type() != 1)
}

/// The posted organization crypto, opened with the caller's private key: the fake's extra
/// check that the material is real, answered in the server's validation envelope.
fn open_posted_crypto(user: &User, upload: &Upload) -> ApiResult<SymmetricKey> {
    let key = upload.field("key").unwrap_or_default();
    let org_key = decapsulate_org_key(&user.keys.private, key).map_err(|e| {
        ApiError::field(
            "Key",
            format!("Key does not open with your account's private key: {e}"),
        )
    })?;
    if let Some(name) = upload.field("collectionName").filter(|n| !n.is_empty()) {
        decrypt_collection_name(&org_key, name).map_err(|e| {
            ApiError::field(
                "CollectionName",
                format!("CollectionName does not decrypt with the organization key: {e}"),
            )
        })?;
    }
    let public = upload.field("keys.publicKey").filter(|k| !k.is_empty());
    let private = upload
        .field("keys.encryptedPrivateKey")
        .filter(|k| !k.is_empty());
    if let (Some(public), Some(private)) = (public, private) {
        open_org_key_pair(&org_key, public, private).map_err(|e| {
            ApiError::field(
                "Keys.EncryptedPrivateKey",
                format!("The organization key pair is not valid: {e}"),
            )
        })?;
    }
    Ok(org_key)
}

/// A self-hosted organization's key material as the server can open it: what a test
/// checks to prove that a client's sign-up round-trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedOrganization {
    /// The collection names, decrypted with the organization key.
    pub collection_names: Vec<String>,
    /// The organization has a key pair, and it opens with the organization key.
    pub has_key_pair: bool,
}

impl state::State {
    /// Opens an organization's key material as its owners hold it: each owner's `key` with
    /// that owner's private key (all must give the organization key the server kept at
    /// sign-up), then the collection names and the key pair with that key.
    pub fn open_organization(&self, id: Uuid) -> anyhow::Result<OpenedOrganization> {
        self.read(|world| {
            let org = world
                .self_hosted_org(id)
                .ok_or_else(|| anyhow::anyhow!("no self-hosted organization {id}"))?;
            let kept = org.org_key.as_ref().ok_or_else(|| {
                anyhow::anyhow!("the server never opened this organization's key")
            })?;
            let owners: Vec<&Member> = org
                .members
                .iter()
                .filter(|m| m.role == MemberRole::Owner)
                .collect();
            anyhow::ensure!(!owners.is_empty(), "the organization has no owner");
            let mut org_key = None;
            for owner in owners {
                let user = world
                    .user_by_id(owner.user_id)
                    .ok_or_else(|| anyhow::anyhow!("owner {} is unknown", owner.user_id))?;
                let key = owner
                    .key
                    .as_deref()
                    .ok_or_else(|| anyhow::anyhow!("owner {} holds no key", user.email))?;
                let opened = decapsulate_org_key(&user.keys.private, key)?;
                anyhow::ensure!(
                    opened.as_bytes() == kept.as_slice(),
                    "owner {} holds another organization key",
                    user.email
                );
                org_key = Some(opened);
            }
            let org_key = org_key.ok_or_else(|| anyhow::anyhow!("no owner key"))?;
            let collection_names = org
                .collections
                .iter()
                .map(|c| decrypt_collection_name(&org_key, &c.name).map(|n| n.to_string()))
                .collect::<Result<_, _>>()?;
            let has_key_pair = match (&org.public_key, &org.private_key) {
                (Some(public), Some(private)) => {
                    open_org_key_pair(&org_key, public, private)?;
                    true
                }
                _ => false,
            };
            Ok(OpenedOrganization {
                collection_names,
                has_key_pair,
            })
        })
    }
}

/// `POST /organizations/licenses/self-hosted` (`SelfHostedOrganizationSignUpCommand`).
async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Json<Value>> {
    let user = current_user(&ctx, &caller)?;
    self_hosted_only(&ctx)?;
    let upload = Upload::read(&headers, multipart).await;
    validate_create_model(&upload)?;
    let org_key = open_posted_crypto(&user, &upload)?;
    let license = upload
        .license_within_limit()
        .and_then(|bytes| upload::read_as(bytes, Class::Organization))
        .ok_or_else(|| ApiError::bad_request(upload::INVALID_LICENSE))?;
    if license.license_type() != Some(1) {
        return Err(ApiError::bad_request(upload::PREMIUM_AS_ORGANIZATION));
    }
    let now = Utc::now();
    let effective = checked_license(&ctx, &license, now)?.organization();

    let mut world = ctx.shared.world();
    let license_key = license.text("LicenseKey");
    let in_use = world
        .self_hosted_orgs
        .iter()
        .any(|o| o.license.enabled && o.license.license_key.as_deref() == license_key);
    if in_use {
        return Err(ApiError::bad_request(upload::ALREADY_IN_USE));
    }
    if user.single_org_policy {
        return Err(ApiError::bad_request("You cannot create a new organization vault because your current membership doesn't allow you to join or create additional organization vaults."));
    }
    let id = Uuid::new_v4();
    license_files::write_organization(&ctx.shared.config.license_dir, id, &license)
        .map_err(|e| ApiError::bad_request(format!("Cannot write the license file: {e}")))?;
    let org = SelfHostedOrg {
        id,
        license: effective,
        members: vec![Member {
            user_id: user.id,
            role: MemberRole::Owner,
            key: upload.field("key").map(str::to_owned),
        }],
        usage: Usage {
            seats_in_use: 1,
            collections: i32::from(
                upload
                    .field("collectionName")
                    .is_some_and(|n| !n.is_empty()),
            ),
            ..Usage::default()
        },
        public_key: upload
            .field("keys.publicKey")
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
        private_key: upload
            .field("keys.encryptedPrivateKey")
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
        collections: upload
            .field("collectionName")
            .filter(|n| !n.is_empty())
            .map(|name| {
                vec![Collection {
                    id: Uuid::new_v4(),
                    name: name.to_owned(),
                }]
            })
            .unwrap_or_default(),
        connection: None,
        created: now,
        org_key: Some(Arc::new(Zeroizing::new(org_key.as_bytes().to_vec()))),
    };
    let body = models::organization(&OrgView::of_self_hosted(&org), "organization");
    world.self_hosted_orgs.push(org);
    world.bump_members(id);
    Ok(Json(body))
}

/// The token check and `CanUse` of an organization upload; the license as the server then
/// uses it (claims applied when there is a token).
fn checked_license(ctx: &Ctx, license: &License, now: DateTime<Utc>) -> ApiResult<License> {
    let trust = &ctx.shared.config.verifying_key;
    let claims = upload::claims_license(license, trust, now).map_err(ApiError::BadRequest)?;
    let claims_path = claims.is_some();
    let effective = claims.unwrap_or_else(|| license.clone());
    let installation = ctx
        .shared
        .world()
        .self_hosted
        .as_ref()
        .map(|s| s.installation_id)
        .unwrap_or_default();
    let signature_ok = !claims_path && license.signature_verifies(trust);
    upload::organization_can_use(
        &license.organization(),
        &effective.organization(),
        claims_path,
        installation,
        signature_ok,
        now,
    )
    .map_err(ApiError::BadRequest)?;
    Ok(effective)
}

/// `POST /organizations/licenses/self-hosted/{id}`.
async fn update(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<()> {
    caller.user()?;
    self_hosted_only(&ctx)?;
    let upload = Upload::read(&headers, multipart).await;
    require_license_part(&upload)?;
    let id = route_id(&id)?;
    if !caller.owns(id) {
        return Err(ApiError::not_found());
    }
    let license = upload
        .license_within_limit()
        .and_then(|bytes| upload::read_as(bytes, Class::Organization))
        .ok_or_else(|| ApiError::bad_request(upload::INVALID_LICENSE))?;
    apply_license_update(&ctx, id, &license)
}

/// `UpdateOrganizationLicenseCommand`: the license key must not belong to another
/// organization, then the token, `CanUse` and `CanUseLicense`; the file is written and the
/// organization takes the license's values. Billing sync ends here too.
pub(crate) fn apply_license_update(ctx: &Ctx, id: Uuid, license: &License) -> ApiResult<()> {
    let license_key = license.text("LicenseKey");
    {
        let world = ctx.shared.world();
        if world.self_hosted_org(id).is_none() {
            return Err(ApiError::not_found());
        }
        let other = world
            .self_hosted_orgs
            .iter()
            .any(|o| o.id != id && o.license.license_key.as_deref() == license_key);
        if other {
            return Err(ApiError::bad_request(upload::ALREADY_IN_USE));
        }
    }
    let now = Utc::now();
    let effective = checked_license(ctx, license, now)?;
    let applied = effective.organization();
    let mut world = ctx.shared.world();
    let org = world
        .self_hosted_org_mut(id)
        .ok_or_else(ApiError::not_found)?;
    upload::can_use_license(org, &applied).map_err(ApiError::BadRequest)?;
    license_files::write_organization(&ctx.shared.config.license_dir, id, &effective)
        .map_err(|e| ApiError::bad_request(format!("Cannot write the license file: {e}")))?;
    org.license = applied;
    world.bump_members(id);
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeysRequest {
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default)]
    encrypted_private_key: Option<String>,
}

/// `POST /organizations/{id}/keys` (`OrganizationUpdateKeysCommand`): needs a token that
/// knows the caller owns the organization (refresh after creating it).
async fn post_keys(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<KeysRequest>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let body = body.map(|Json(b)| b).unwrap_or(KeysRequest {
        public_key: None,
        encrypted_private_key: None,
    });
    let mut errors = Vec::new();
    if body.public_key.as_deref().is_none_or(str::is_empty) {
        errors.push((
            "PublicKey".to_owned(),
            "The PublicKey field is required.".to_owned(),
        ));
    }
    if body
        .encrypted_private_key
        .as_deref()
        .is_none_or(str::is_empty)
    {
        errors.push((
            "EncryptedPrivateKey".to_owned(),
            "The EncryptedPrivateKey field is required.".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let public_key = body.public_key.unwrap_or_default();
    let private_key = body.encrypted_private_key.unwrap_or_default();
    current_user(&ctx, &caller)?;
    let id = route_id(&id)?;
    if !caller.owns(id) {
        return Err(ApiError::Unauthorized);
    }
    if ctx.realm != Realm::SelfHosted {
        return Err(ApiError::bad_request("Organization Keys already exist."));
    }
    let mut world = ctx.shared.world();
    let org = world
        .self_hosted_org_mut(id)
        .ok_or_else(ApiError::not_found)?;
    if org.public_key.is_some() && org.private_key.is_some() {
        return Err(ApiError::bad_request("Organization Keys already exist."));
    }
    if let Some(bytes) = &org.org_key {
        let org_key =
            SymmetricKey::from_bytes(bytes).map_err(|e| ApiError::bad_request(e.to_string()))?;
        open_org_key_pair(&org_key, &public_key, &private_key).map_err(|e| {
            ApiError::field(
                "EncryptedPrivateKey",
                format!("The organization key pair is not valid: {e}"),
            )
        })?;
    }
    org.public_key = Some(public_key.clone());
    org.private_key = Some(private_key.clone());
    world.bump_members(id);
    Ok(Json(json!({
        "object": "organizationKeys",
        "publicKey": public_key,
        "privateKey": private_key,
    })))
}

async fn get_organization(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.user()?;
    let id = route_id(&id)?;
    if !caller.owns(id) {
        return Err(ApiError::not_found());
    }
    let world = ctx.shared.world();
    let view = match ctx.realm {
        Realm::SelfHosted => world.self_hosted_org(id).map(OrgView::of_self_hosted),
        Realm::Cloud(_) => world.cloud_org(id).map(OrgView::of_cloud),
    }
    .ok_or_else(ApiError::not_found)?;
    Ok(Json(models::organization(&view, "organization")))
}

async fn subscription(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.user()?;
    let id = route_id(&id)?;
    if !caller.owns(id) {
        return Err(ApiError::not_found());
    }
    let file = license_files::read_organization(&ctx.shared.config.license_dir, id);
    let file = file.and_then(|license| {
        match upload::claims_license(&license, &ctx.shared.config.verifying_key, Utc::now()) {
            Ok(Some(effective)) => Some(effective.organization()),
            Ok(None) => Some(license.organization()),
            Err(_) => None,
        }
    });
    let world = ctx.shared.world();
    match ctx.realm {
        Realm::SelfHosted => {
            let org = world.self_hosted_org(id).ok_or_else(ApiError::not_found)?;
            Ok(Json(models::self_hosted_subscription(org, file.as_ref())))
        }
        Realm::Cloud(_) => {
            let org = world.cloud_org(id).ok_or_else(ApiError::not_found)?;
            Ok(Json(models::cloud_subscription(org)))
        }
    }
}
