//! Account routes of the API (both roles unless noted):
//!
//! - `GET /config` (anonymous): `ConfigResponseModel` — `version` is the server version.
//! - `GET /accounts/profile`: `ProfileResponseModel` (see `models`).
//! - `GET /accounts/keys`: `KeysResponseModel` `{"object":"keys","publicKey","privateKey",
//!   "accountKeys"}`.
//! - `GET /users/{id}/public-key`: `UserKeyResponseModel` `{"object":"userKey","userId",
//!   "publicKey"}`; 404 for an unknown user.
//! - `POST /accounts/request-otp`: e-mails a verification code (no body, 200).
//! - `POST /two-factor/send-email-login` (anonymous) `{"email","masterPasswordHash"}`:
//!   e-mails a two-step code to an account with e-mail two-step login (needed when it also
//!   has an authenticator, since the code is only sent unasked when e-mail is the sole
//!   provider); otherwise `Cannot send two-factor email.` after 2 s.
//! - Self-hosted only: `POST /accounts/license` and `POST /account/billing/vnext/self-host/license`
//!   (premium uploads, multipart `license`).
//! - Cloud only: `GET /account/billing/vnext/license` (premium license download).

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde_json::{json, Value};
use uuid::Uuid;

use super::auth::{Caller, Ctx};
use super::envelope::{ApiError, ApiResult};
use super::identity::account_keys_json;
use super::license_model::License;
use super::licensing::Class;
use super::multipart::Upload;
use super::state::{MailPurpose, Realm, User};
use super::{issue, license_files, models, upload};

/// The account routes, relative to the API base URL.
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/config", get(config))
        .route("/accounts/profile", get(profile))
        .route("/accounts/keys", get(keys))
        .route("/users/{id}/public-key", get(public_key))
        .route("/accounts/request-otp", post(request_otp))
        .route("/two-factor/send-email-login", post(send_email_login))
        .route("/accounts/license", post(post_license))
        .route(
            "/account/billing/vnext/self-host/license",
            post(post_license_vnext),
        )
        .route("/account/billing/vnext/license", get(get_premium_license))
        .with_state(ctx)
}

/// `[SelfHosted(SelfHostedOnly = true)]`.
pub(crate) fn self_hosted_only(ctx: &Ctx) -> ApiResult<()> {
    match ctx.realm {
        Realm::SelfHosted => Ok(()),
        Realm::Cloud(_) => Err(ApiError::bad_request("Only allowed when self hosted.")),
    }
}

/// `[SelfHosted(NotSelfHostedOnly = true)]`.
pub(crate) fn cloud_only(ctx: &Ctx) -> ApiResult<()> {
    match ctx.realm {
        Realm::SelfHosted => Err(ApiError::bad_request("Only allowed when not self hosted.")),
        Realm::Cloud(_) => Ok(()),
    }
}

/// The calling user's account.
pub(crate) fn current_user(ctx: &Ctx, caller: &Caller) -> ApiResult<User> {
    let id = caller.user()?;
    ctx.shared
        .world()
        .user_by_id(id)
        .cloned()
        .ok_or(ApiError::Unauthorized)
}

async fn config(State(ctx): State<Ctx>) -> Json<Value> {
    let urls = &ctx.shared.config.urls;
    if ctx.shared.config.vaultwarden && ctx.realm == Realm::SelfHosted {
        return Json(super::vaultwarden::config(
            &ctx.shared.config.version,
            &urls.self_hosted,
        ));
    }
    let (vault, api, identity, region) = match ctx.realm {
        Realm::SelfHosted => (
            urls.self_hosted.clone(),
            format!("{}/api", urls.self_hosted),
            format!("{}/identity", urls.self_hosted),
            None,
        ),
        Realm::Cloud(region) => {
            let (api, identity) = urls.cloud(region).unwrap_or_default();
            (
                String::new(),
                api.to_owned(),
                identity.to_owned(),
                Some(region),
            )
        }
    };
    Json(json!({
        "object": "config",
        "version": ctx.shared.config.version,
        "gitHash": "fakebwd",
        "server": null,
        "environment": {
            "cloudRegion": region,
            "vault": vault,
            "api": api,
            "identity": identity,
            "notifications": null,
            "sso": null,
        },
        "featureStates": {},
        "push": { "pushTechnology": 0, "vapidPublicKey": null },
        "settings": { "disableUserRegistration": false },
    }))
}

async fn profile(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Value>> {
    let user = current_user(&ctx, &caller)?;
    Ok(Json(models::profile(&ctx.shared.world(), &user)))
}

async fn keys(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<Value>> {
    let user = current_user(&ctx, &caller)?;
    Ok(Json(json!({
        "object": "keys",
        "publicKey": user.keys.public_key,
        "privateKey": user.keys.private_key,
        "accountKeys": account_keys_json(&user),
    })))
}

async fn public_key(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.user()?;
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::not_found())?;
    let world = ctx.shared.world();
    let user = world
        .user_by_id(id)
        .filter(|u| u.realm == ctx.realm)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({
        "object": "userKey",
        "userId": user.id,
        "publicKey": user.keys.public_key,
    })))
}

async fn request_otp(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<()> {
    let user = current_user(&ctx, &caller)?;
    ctx.shared
        .world()
        .send_code(user.id, MailPurpose::VerificationCode);
    Ok(())
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SendEmailLogin {
    #[serde(default)]
    email: String,
    #[serde(default)]
    master_password_hash: String,
}

async fn send_email_login(
    State(ctx): State<Ctx>,
    body: Result<Json<SendEmailLogin>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<()> {
    let model = body.map(|Json(b)| b).unwrap_or_default();
    let sent = {
        let mut world = ctx.shared.world();
        let user = world
            .user(ctx.realm, &model.email)
            .filter(|u| u.email_two_factor)
            .filter(|u| super::keys::secret_eq(&u.keys.server_hash, &model.master_password_hash))
            .map(|u| u.id);
        user.and_then(|id| world.send_code(id, MailPurpose::TwoFactorEmail))
    };
    if sent.is_some() {
        return Ok(());
    }
    tokio::time::sleep(ctx.shared.config.failure_delay).await;
    Err(ApiError::bad_request("Cannot send two-factor email."))
}

/// The `[Required] License` model check of the upload request models.
pub(crate) fn require_license_part(upload: &Upload) -> ApiResult<()> {
    match upload.file("license") {
        Some(_) => Ok(()),
        None => Err(ApiError::field("License", "The License field is required.")),
    }
}

/// `POST /accounts/license` (`UserService.UpdateLicenseAsync`).
async fn post_license(
    State(ctx): State<Ctx>,
    caller: Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<()> {
    let user = current_user(&ctx, &caller)?;
    self_hosted_only(&ctx)?;
    let upload = Upload::read(&headers, multipart).await;
    require_license_part(&upload)?;
    let license = upload
        .license_within_limit()
        .and_then(|bytes| upload::read_as(bytes, Class::User))
        .ok_or_else(|| ApiError::bad_request(upload::INVALID_LICENSE))?;
    if license.license_type().is_some_and(|t| t != 0) {
        return Err(ApiError::bad_request(upload::ORGANIZATION_AS_USER));
    }
    apply_premium_license(&ctx, &user, license)
}

/// `POST /account/billing/vnext/self-host/license` (`CreatePremiumSelfHostedSubscriptionCommand`);
/// 404 where the feature flag is off.
async fn post_license_vnext(
    State(ctx): State<Ctx>,
    caller: Result<Caller, ApiError>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<()> {
    let enabled = ctx
        .shared
        .world()
        .self_hosted
        .as_ref()
        .is_some_and(|s| s.premium_upload_vnext);
    if ctx.realm == Realm::SelfHosted && !enabled {
        return Err(ApiError::NoRoute);
    }
    let user = current_user(&ctx, &caller?)?;
    self_hosted_only(&ctx)?;
    let upload = Upload::read(&headers, multipart).await;
    require_license_part(&upload)?;
    let license = upload
        .license_within_limit()
        .and_then(|bytes| upload::read_as(bytes, Class::User))
        .ok_or_else(|| ApiError::bad_request("Invalid license."))?;
    if user.premium {
        return Err(ApiError::bad_request("Already a premium user."));
    }
    apply_premium_license(&ctx, &user, license)
}

/// Verifies a premium license for `user`, writes it and makes the account premium.
fn apply_premium_license(ctx: &Ctx, user: &User, license: License) -> ApiResult<()> {
    let now = Utc::now();
    let trust = &ctx.shared.config.verifying_key;
    if license.token().is_none() && license.version() != 1 {
        return Err(ApiError::bad_request(format!(
            "Version {} is not supported.",
            license.version()
        )));
    }
    if !upload::verify_license(&license, trust, now) {
        return Err(ApiError::bad_request("Invalid license."));
    }
    let claims = upload::claims_license(&license, trust, now).map_err(ApiError::BadRequest)?;
    let claims_path = claims.is_some();
    let effective = claims.unwrap_or(license);
    let applied = effective.user();
    upload::user_can_use(&applied, claims_path, user, now).map_err(ApiError::BadRequest)?;
    license_files::write_user(&ctx.shared.config.license_dir, user.id, &effective)
        .map_err(|e| ApiError::bad_request(format!("Cannot write the license file: {e}")))?;
    let mut world = ctx.shared.world();
    if let Some(u) = world.user_by_id_mut(user.id) {
        u.premium = applied.premium;
        u.premium_expires = applied.expires;
        u.license_key = applied.license_key.clone().unwrap_or_default();
        u.premium_license = Some(applied);
    }
    Ok(())
}

/// `GET /account/billing/vnext/license`: the caller's premium license, signed.
async fn get_premium_license(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<License> {
    let user = current_user(&ctx, &caller)?;
    cloud_only(&ctx)?;
    issue::user_license(&user, &ctx.shared.config.licensing_key, Utc::now())
}

/// Parses a route id the way `new Guid(id)` would, else 404.
pub(crate) fn route_id(id: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found())
}
