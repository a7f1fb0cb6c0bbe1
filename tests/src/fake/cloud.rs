//! Cloud-only API routes (contract §4.1, §4.3; crypto §4):
//!
//! - `GET /organizations/{id}/license?installationId=` (owner): the organization license for
//!   that installation, camelCase with `token`. Errors: `Invalid installation id`,
//!   `No active subscription found.`, the payment-issue text.
//! - `GET /installations/{id}` (anonymous): `{"object":"installation","id","key":null,
//!   "enabled"}`, 404 when unknown in this region.
//! - `POST /organizations/{id}/api-key`, `POST /organizations/{id}/rotate-api-key` with
//!   `{"type":1,"masterPasswordHash"|"otp"}` → `{"object":"apiKey","apiKey","revisionDate"}`;
//!   `GET /organizations/{id}/api-key-information/{type}` → a list of `keyInformation`.
//!   A wrong secret answers after 2 s with `{"MasterPasswordHash":["Invalid password."]}`;
//!   Free, Families and Teams Starter organizations get 404 for billing sync keys.
//! - `GET /licenses/organization/{id}` (installation token, scope `api.licensing`) with the
//!   JSON body `{licenseKey, billingSyncKey}`: a fresh license for the calling
//!   installation. Errors: `Organization not found.`, `Invalid license key.` (2 s),
//!   `Invalid Billing Sync Key`.
//!
//! On the self-hosted role these answer `Only allowed when not self hosted.`

use std::collections::HashMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::accounts::{cloud_only, current_user, route_id};
use super::auth::{Caller, Ctx};
use super::envelope::{ApiError, ApiResult};
use super::issue;
use super::keys::{random_string, secret_eq};
use super::license_model::License;
use super::plans::{self, Tier};
use super::state::{MailPurpose, OrgApiKey, Realm, User};

/// The cloud routes, relative to the API base URL.
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/organizations/{id}/license", get(organization_license))
        .route("/installations/{id}", get(installation))
        .route("/organizations/{id}/api-key", post(api_key))
        .route("/organizations/{id}/rotate-api-key", post(rotate_api_key))
        .route(
            "/organizations/{id}/api-key-information/{type}",
            get(api_key_information),
        )
        .route("/licenses/organization/{id}", get(license_for_installation))
        .with_state(ctx)
}

fn region(ctx: &Ctx) -> ApiResult<super::seed::Region> {
    match ctx.realm {
        Realm::Cloud(region) => Ok(region),
        Realm::SelfHosted => Err(ApiError::bad_request("Only allowed when not self hosted.")),
    }
}

/// `GetCloudOrganizationLicenseQuery`: checks the installation, issues the license and
/// links the installation to the organization.
fn issue_for_installation(ctx: &Ctx, org_id: Uuid, installation: Uuid) -> ApiResult<License> {
    let region = region(ctx)?;
    let mut world = ctx.shared.world();
    let known = world
        .installations
        .iter()
        .any(|i| i.id == installation && i.region == region && i.enabled);
    if !known {
        return Err(ApiError::bad_request("Invalid installation id"));
    }
    let org = world
        .cloud_orgs
        .iter_mut()
        .find(|o| o.id == org_id && o.region == region)
        .ok_or_else(ApiError::not_found)?;
    let license = issue::organization_license(
        org,
        installation,
        &ctx.shared.config.licensing_key,
        Utc::now(),
    )?;
    if !org.installations.contains(&installation) {
        org.installations.push(installation);
    }
    Ok(license)
}

async fn organization_license(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<License> {
    caller.user()?;
    cloud_only(&ctx)?;
    let id = route_id(&id)?;
    if !caller.owns(id) {
        return Err(ApiError::not_found());
    }
    let installation = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("installationId"))
        .and_then(|(_, v)| Uuid::parse_str(v).ok())
        .unwrap_or_default();
    issue_for_installation(&ctx, id, installation)
}

async fn installation(State(ctx): State<Ctx>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let region = region(&ctx)?;
    let id = route_id(&id)?;
    let world = ctx.shared.world();
    let found = world
        .installations
        .iter()
        .find(|i| i.id == id && i.region == region)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({
        "object": "installation",
        "id": found.id,
        "key": null,
        "enabled": found.enabled,
    })))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ApiKeyRequest {
    #[serde(rename = "type", default)]
    kind: u8,
    #[serde(default)]
    master_password_hash: Option<String>,
    #[serde(default)]
    otp: Option<String>,
    #[serde(default)]
    auth_request_access_code: Option<String>,
}

impl ApiKeyRequest {
    /// `SecretVerificationRequestModel.Validate`.
    fn validate(&self) -> ApiResult<()> {
        let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if given(&self.master_password_hash)
            || given(&self.otp)
            || given(&self.auth_request_access_code)
        {
            Ok(())
        } else {
            Err(ApiError::field(
                "",
                "MasterPasswordHash, OTP, or AccessCode must be supplied.",
            ))
        }
    }

    /// `Secret`: the password hash when given, else the OTP.
    fn secret(&self) -> &str {
        self.master_password_hash
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(self.otp.as_deref())
            .unwrap_or_default()
    }
}

/// `UserService.VerifySecretAsync`: the master password hash, else an e-mailed OTP.
async fn verify_secret(ctx: &Ctx, user: &User, secret: &str) -> ApiResult<()> {
    let valid = secret_eq(&user.keys.server_hash, secret)
        || ctx
            .shared
            .world()
            .take_code(user.id, MailPurpose::VerificationCode, secret);
    if valid {
        return Ok(());
    }
    tokio::time::sleep(ctx.shared.config.failure_delay).await;
    Err(ApiError::field("MasterPasswordHash", "Invalid password."))
}

fn api_key_body(key: &OrgApiKey) -> Json<Value> {
    Json(json!({
        "object": "apiKey",
        "apiKey": key.key.expose_secret(),
        "revisionDate": key.revision,
    }))
}

/// Owner of the organization in this region, or 404 (`HasApiKeyAccessAsync`).
fn owned_org(ctx: &Ctx, caller: &Caller, id: &str) -> ApiResult<Uuid> {
    let region = region(ctx)?;
    let id = route_id(id)?;
    if !caller.owns(id) {
        return Err(ApiError::not_found());
    }
    let world = ctx.shared.world();
    world
        .cloud_org(id)
        .filter(|o| o.region == region)
        .map(|o| o.id)
        .ok_or_else(ApiError::not_found)
}

/// `POST /organizations/{id}/api-key`: gets or creates the key, then checks the secret.
async fn api_key(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<ApiKeyRequest>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let model = body.map(|Json(b)| b).unwrap_or_default();
    model.validate()?;
    let user = current_user(&ctx, &caller)?;
    let id = owned_org(&ctx, &caller, &id)?;
    let key = {
        let mut world = ctx.shared.world();
        let org = world
            .cloud_orgs
            .iter_mut()
            .find(|o| o.id == id)
            .ok_or_else(ApiError::not_found)?;
        let business = matches!(plans::tier(org.plan_type), Tier::Teams | Tier::Enterprise);
        if (model.kind == 1 || model.kind == 2) && !business {
            return Err(ApiError::not_found());
        }
        org.api_keys
            .entry(model.kind)
            .or_insert_with(|| OrgApiKey {
                key: SecretString::from(random_string(30)),
                revision: Utc::now(),
            })
            .clone()
    };
    if model.kind != 2 {
        verify_secret(&ctx, &user, model.secret()).await?;
    }
    Ok(api_key_body(&key))
}

/// `POST /organizations/{id}/rotate-api-key`.
async fn rotate_api_key(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<ApiKeyRequest>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let model = body.map(|Json(b)| b).unwrap_or_default();
    model.validate()?;
    let user = current_user(&ctx, &caller)?;
    let id = owned_org(&ctx, &caller, &id)?;
    let exists = ctx
        .shared
        .world()
        .cloud_org(id)
        .is_some_and(|o| o.api_keys.contains_key(&model.kind));
    if !exists {
        return Err(ApiError::not_found());
    }
    if model.kind != 2 {
        verify_secret(&ctx, &user, model.secret()).await?;
    }
    let mut world = ctx.shared.world();
    let org = world
        .cloud_orgs
        .iter_mut()
        .find(|o| o.id == id)
        .ok_or_else(ApiError::not_found)?;
    let key = OrgApiKey {
        key: SecretString::from(random_string(30)),
        revision: Utc::now(),
    };
    org.api_keys.insert(model.kind, key.clone());
    Ok(api_key_body(&key))
}

/// `GET /organizations/{id}/api-key-information/{type}`.
async fn api_key_information(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((id, kind)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    caller.user()?;
    let id = owned_org(&ctx, &caller, &id)?;
    let kind: u8 = kind
        .parse()
        .map_err(|_| ApiError::field("type", format!("The value '{kind}' is not valid.")))?;
    let world = ctx.shared.world();
    let data: Vec<Value> = world
        .cloud_org(id)
        .and_then(|o| o.api_keys.get(&kind))
        .map(|k| json!({ "object": "keyInformation", "keyType": kind, "revisionDate": k.revision }))
        .into_iter()
        .collect();
    Ok(Json(json!({
        "object": "list",
        "data": data,
        "continuationToken": null,
    })))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SyncRequest {
    #[serde(default, alias = "LicenseKey")]
    license_key: Option<String>,
    #[serde(default, alias = "BillingSyncKey")]
    billing_sync_key: Option<String>,
}

/// `GET /licenses/organization/{id}` (`LicensesController.OrganizationSync`).
async fn license_for_installation(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<SyncRequest>, JsonRejection>,
) -> ApiResult<License> {
    let installation = caller.installation()?;
    cloud_only(&ctx)?;
    let model = body.map(|Json(b)| b).unwrap_or_default();
    let id = route_id(&id)?;
    let (license_key, billing_key) = {
        let world = ctx.shared.world();
        let org = world
            .cloud_org(id)
            .filter(|o| Realm::Cloud(o.region) == ctx.realm)
            .ok_or_else(|| ApiError::NotFound(Some("Organization not found.".into())))?;
        (
            org.license_key.clone(),
            org.api_keys.get(&1).map(|k| k.key.clone()),
        )
    };
    if model.license_key.as_deref() != Some(license_key.as_str()) {
        tokio::time::sleep(ctx.shared.config.failure_delay).await;
        return Err(ApiError::bad_request("Invalid license key."));
    }
    let given = model.billing_sync_key.unwrap_or_default();
    if given.trim().is_empty() {
        return Err(ApiError::bad_request("No billing sync key provided"));
    }
    if !billing_key.is_some_and(|k| secret_eq(&k, &given)) {
        return Err(ApiError::bad_request("Invalid Billing Sync Key"));
    }
    issue_for_installation(&ctx, id, installation)
}
