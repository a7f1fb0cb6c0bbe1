//! Billing sync as the self-hosted server does it (contract §4.3): `POST
//! /organizations/licenses/self-hosted/{id}/sync` signs in to the cloud identity with
//! `installation.{id}` and the installation key (scope `api.licensing`), asks the cloud API
//! `GET /licenses/organization/{cloudOrgId}` with a JSON body `{licenseKey, billingSyncKey}`,
//! applies the returned license through the normal update and records `LastLicenseSync`.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::Router;
use chrono::Local;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use uuid::Uuid;

use super::accounts::{route_id, self_hosted_only};
use super::auth::{Caller, Ctx};
use super::envelope::{ApiError, ApiResult};
use super::license_model::License;
use super::license_reader;
use super::licensing::Class;
use super::orgs::apply_license_update;

/// Every failure to reach the cloud or get a license from it answers this.
pub const SYNC_FAILED: &str =
    "An error has occurred. Check your internet connection and ensure the billing token is correct.";

/// The sync route (with and without the web vault's trailing slash).
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/organizations/licenses/self-hosted/{id}/sync", post(sync))
        .route("/organizations/licenses/self-hosted/{id}/sync/", post(sync))
        .with_state(ctx)
}

/// `DateTime.Now` as System.Text.Json writes it: seven fraction digits and the offset.
fn local_now_like_dotnet() -> String {
    let now = Local::now();
    format!(
        "{}.{:07}{}",
        now.format("%Y-%m-%dT%H:%M:%S"),
        now.timestamp_subsec_nanos() / 100,
        now.format("%:z")
    )
}

/// What the sync needs from the world, read before going out.
struct Plan {
    identity_uri: String,
    api_uri: String,
    installation: String,
    installation_key: String,
    cloud_org: Uuid,
    license_key: String,
    billing_sync_key: String,
}

async fn sync(State(ctx): State<Ctx>, caller: Caller, Path(id): Path<String>) -> ApiResult<()> {
    caller.user()?;
    self_hosted_only(&ctx)?;
    let id = route_id(&id)?;
    let plan = prepare(&ctx, &caller, id)?;
    let license = fetch(&ctx, &plan)
        .await
        .ok_or_else(|| ApiError::bad_request(SYNC_FAILED))?;
    apply_license_update(&ctx, id, &license)?;
    let stamp = local_now_like_dotnet();
    let mut world = ctx.shared.world();
    if let Some(connection) = world
        .self_hosted_org_mut(id)
        .and_then(|o| o.connection.as_mut())
    {
        if let Some(config) = connection.config.as_object_mut() {
            config.insert("LastLicenseSync".into(), Value::from(stamp));
        }
    }
    Ok(())
}

/// The checks before going out (`SyncLicenseAsync`, `SelfHostedGetOrganizationLicenseQuery`,
/// `OrganizationConnection.CanUse`), in the server's order.
fn prepare(ctx: &Ctx, caller: &Caller, id: Uuid) -> ApiResult<Plan> {
    let world = ctx.shared.world();
    let org = world.self_hosted_org(id).ok_or_else(ApiError::not_found)?;
    if !caller.owns(id) {
        return Err(ApiError::not_found());
    }
    let connection = org.connection.as_ref().ok_or_else(|| {
        ApiError::NotFound(Some("Unable to get Cloud Billing Sync connection".into()))
    })?;
    let settings = world
        .self_hosted
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("This action is only available for self-hosted."))?;
    if !settings.enable_cloud_communication {
        return Err(ApiError::bad_request(
            "Cloud communication is disabled in global settings",
        ));
    }
    if !connection.enabled {
        return Err(ApiError::bad_request(format!(
            "Connection disabled for organization {id}"
        )));
    }
    let config = connection.config.as_object().ok_or_else(|| {
        ApiError::bad_request(format!("No saved Connection config for organization {id}"))
    })?;
    let billing_sync_key = config
        .get("BillingSyncKey")
        .and_then(Value::as_str)
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("Failed to get Billing Sync Key"))?;
    let cloud_org = config
        .get("CloudOrganizationId")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .unwrap_or_default();
    Ok(Plan {
        identity_uri: settings.installation_identity_uri.clone(),
        api_uri: settings.installation_api_uri.clone(),
        installation: format!("installation.{}", settings.installation_id.hyphenated()),
        installation_key: settings.installation_key.expose_secret().to_owned(),
        cloud_org,
        license_key: org.license.license_key.clone().unwrap_or_default(),
        billing_sync_key: billing_sync_key.to_owned(),
    })
}

/// The installation token, then the license, read as the server's HTTP client reads JSON
/// (names ignoring case); `None` on any failure.
async fn fetch(ctx: &Ctx, plan: &Plan) -> Option<License> {
    let client = &ctx.shared.client;
    let token: Value = client
        .post(format!(
            "{}/connect/token",
            plan.identity_uri.trim_end_matches('/')
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "api.licensing"),
            ("client_id", plan.installation.as_str()),
            ("client_secret", plan.installation_key.as_str()),
        ])
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?
        .json()
        .await
        .ok()?;
    let access = token.get("access_token")?.as_str()?.to_owned();
    let body = client
        .get(format!(
            "{}/licenses/organization/{}",
            plan.api_uri.trim_end_matches('/'),
            plan.cloud_org.hyphenated()
        ))
        .bearer_auth(access)
        .json(&json!({
            "licenseKey": plan.license_key,
            "billingSyncKey": plan.billing_sync_key,
        }))
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?
        .bytes()
        .await
        .ok()?;
    license_reader::read_ignoring_case(&body, Class::Organization)
        .ok()
        .flatten()
}
