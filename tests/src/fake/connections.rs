//! Organization connections (`organizations/connections`, contract §4.3), of which the
//! fake knows the Cloud Billing Sync type (1):
//!
//! - `GET enabled` → `true` only on a self-hosted server with cloud communication on.
//! - `GET {organizationId}/{type}` (type as number or name) → `{"id","type","organizationId",
//!   "enabled","config"}`; with no connection `id` and `config` are null and `type` 0.
//! - `POST` / `PUT {connectionId}` with `{"type":1,"organizationId","enabled","config":
//!   {"billingSyncKey"}}`: the license file must verify (`Cannot verify license file.`) and
//!   its `Id` becomes `CloudOrganizationId`. `config` is read ignoring case and stored and
//!   returned PascalCase (`BillingSyncKey`, `CloudOrganizationId`, `LastLicenseSync`).
//! - `DELETE {connectionId}` and the older `POST {connectionId}/delete`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::accounts::route_id;
use super::auth::{Caller, Ctx};
use super::envelope::{ApiError, ApiResult};
use super::state::{Connection, Realm};
use super::{license_files, upload};

/// `OrganizationConnectionType.CloudBillingSync`.
const CLOUD_BILLING_SYNC: u8 = 1;

/// The connection routes, relative to the API base URL.
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/organizations/connections/enabled", get(enabled))
        .route("/organizations/connections", post(create))
        .route(
            "/organizations/connections/{id}",
            put(update).delete(delete),
        )
        .route("/organizations/connections/{id}/delete", post(delete))
        .route("/organizations/connections/{id}/{type}", get(read))
        .with_state(ctx)
}

/// The enum name the server prints for a connection type.
fn type_name(kind: u8) -> String {
    match kind {
        1 => "CloudBillingSync".into(),
        2 => "Scim".into(),
        other => other.to_string(),
    }
}

async fn enabled(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<bool>> {
    caller.user()?;
    let on = ctx.realm == Realm::SelfHosted
        && ctx
            .shared
            .world()
            .self_hosted
            .as_ref()
            .is_some_and(|s| s.enable_cloud_communication);
    Ok(Json(on))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionRequest {
    #[serde(rename = "type", default)]
    kind: u8,
    #[serde(default)]
    organization_id: Uuid,
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    config: Value,
}

/// `BillingSyncConfig` read ignoring case, written PascalCase; `None` when malformed.
fn parse_config(config: &Value) -> Option<Map<String, Value>> {
    let Value::Object(members) = config else {
        return None;
    };
    let find = |name: &str| {
        members
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let key = match find("BillingSyncKey") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => Value::String(s),
        Some(_) => return None,
    };
    let last_sync = match find("LastLicenseSync") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => Value::String(s),
        Some(_) => return None,
    };
    if let Some(id) = find("CloudOrganizationId") {
        id.as_str().and_then(|s| Uuid::parse_str(s).ok())?;
    }
    let mut out = Map::new();
    out.insert("BillingSyncKey".into(), key);
    out.insert("CloudOrganizationId".into(), json!(Uuid::nil()));
    out.insert("LastLicenseSync".into(), last_sync);
    Some(out)
}

fn response(connection: &Connection, org: Uuid) -> Value {
    json!({
        "id": connection.id,
        "type": CLOUD_BILLING_SYNC,
        "organizationId": org,
        "enabled": connection.enabled,
        "config": connection.config,
    })
}

/// `ValidateBillingSyncConfig`: self-hosted, and the license file verifies; its `Id` is the
/// cloud organization.
fn validated_config(ctx: &Ctx, model: &ConnectionRequest) -> ApiResult<Value> {
    let mut config = parse_config(&model.config)
        .ok_or_else(|| ApiError::bad_request("Organization Connection configuration malformed"))?;
    if ctx.realm != Realm::SelfHosted {
        return Err(ApiError::bad_request(format!(
            "Cannot create a {} connection outside of a self-hosted instance.",
            type_name(model.kind)
        )));
    }
    let license =
        license_files::read_organization(&ctx.shared.config.license_dir, model.organization_id)
            .filter(|l| upload::verify_license(l, &ctx.shared.config.verifying_key, Utc::now()))
            .ok_or_else(|| ApiError::bad_request("Cannot verify license file."))?;
    config.insert("CloudOrganizationId".into(), json!(license.guid("Id")));
    Ok(Value::Object(config))
}

fn one_per_type() -> ApiError {
    ApiError::bad_request("The requested organization already has a connection of type CloudBillingSync. Only one of each connection type may exist per organization.")
}

async fn create(
    State(ctx): State<Ctx>,
    caller: Caller,
    body: Result<Json<ConnectionRequest>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    caller.user()?;
    let Json(model) =
        body.map_err(|_| ApiError::bad_request("Organization Connection configuration malformed"))?;
    if !caller.owns(model.organization_id) {
        return Err(ApiError::bad_request(format!(
            "You do not have permission to create a connection of type {}.",
            type_name(model.kind)
        )));
    }
    let exists = ctx
        .shared
        .world()
        .self_hosted_org(model.organization_id)
        .is_some_and(|o| o.connection.is_some());
    if exists && model.kind == CLOUD_BILLING_SYNC {
        return Err(one_per_type());
    }
    if model.kind != CLOUD_BILLING_SYNC {
        return Err(ApiError::bad_request(format!(
            "Unknown Organization connection Type: {}",
            type_name(model.kind)
        )));
    }
    let config = validated_config(&ctx, &model)?;
    let connection = Connection {
        id: Uuid::new_v4(),
        enabled: model.enabled,
        config,
    };
    let mut world = ctx.shared.world();
    let org = world
        .self_hosted_org_mut(model.organization_id)
        .ok_or_else(ApiError::not_found)?;
    org.connection = Some(connection.clone());
    Ok(Json(response(&connection, model.organization_id)))
}

async fn update(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<Json<ConnectionRequest>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    caller.user()?;
    let Ok(Json(model)) = body else {
        return Err(ApiError::not_found());
    };
    let id = route_id(&id)?;
    let found = ctx
        .shared
        .world()
        .self_hosted_org(model.organization_id)
        .and_then(|o| o.connection.as_ref())
        .is_some_and(|c| c.id == id);
    if !found {
        return Err(ApiError::not_found());
    }
    if !caller.owns(model.organization_id) {
        return Err(ApiError::bad_request(
            "You do not have permission to update this connection.",
        ));
    }
    if model.kind != CLOUD_BILLING_SYNC {
        return Err(ApiError::bad_request(format!(
            "Unknown Organization connection Type: {}",
            type_name(model.kind)
        )));
    }
    let config = validated_config(&ctx, &model)?;
    let mut world = ctx.shared.world();
    let org = world
        .self_hosted_org_mut(model.organization_id)
        .ok_or_else(ApiError::not_found)?;
    let connection = Connection {
        id,
        enabled: model.enabled,
        config,
    };
    org.connection = Some(connection.clone());
    Ok(Json(response(&connection, model.organization_id)))
}

/// A connection type in the route: its number or its name, any case.
fn parse_type(text: &str) -> Option<u8> {
    text.parse().ok().or_else(|| {
        ["CloudBillingSync", "Scim"]
            .iter()
            .position(|n| n.eq_ignore_ascii_case(text))
            .map(|i| i as u8 + 1)
    })
}

async fn read(
    State(ctx): State<Ctx>,
    caller: Caller,
    Path((org, kind)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    caller.user()?;
    let org = route_id(&org)?;
    let kind = parse_type(&kind)
        .ok_or_else(|| ApiError::field("type", format!("The value '{kind}' is not valid.")))?;
    if !caller.owns(org) {
        return Err(ApiError::bad_request(format!(
            "You do not have permission to retrieve a connection of type {}.",
            type_name(kind)
        )));
    }
    if kind != CLOUD_BILLING_SYNC {
        return Err(ApiError::bad_request(format!(
            "Unknown Organization connection Type: {}",
            type_name(kind)
        )));
    }
    if ctx.realm != Realm::SelfHosted {
        return Err(ApiError::bad_request(
            "Cannot get a CloudBillingSync connection outside of a self-hosted instance.",
        ));
    }
    let world = ctx.shared.world();
    let connection = world
        .self_hosted_org(org)
        .and_then(|o| o.connection.as_ref());
    Ok(Json(match connection {
        Some(c) => response(c, org),
        None => json!({
            "id": null,
            "type": 0,
            "organizationId": Uuid::nil(),
            "enabled": false,
            "config": null,
        }),
    }))
}

async fn delete(State(ctx): State<Ctx>, caller: Caller, Path(id): Path<String>) -> ApiResult<()> {
    caller.user()?;
    let id = route_id(&id)?;
    let mut world = ctx.shared.world();
    let org = world
        .self_hosted_orgs
        .iter_mut()
        .find(|o| o.connection.as_ref().is_some_and(|c| c.id == id))
        .ok_or_else(ApiError::not_found)?;
    if !caller.owns(org.id) {
        return Err(ApiError::bad_request(
            "You do not have permission to remove this connection of type CloudBillingSync.",
        ));
    }
    org.connection = None;
    Ok(())
}
