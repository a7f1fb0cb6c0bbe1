//! What a Bitwarden client reads once signed in, so Bitwarden's own clients (the `bw` CLI,
//! the apps) work end to end against the fake:
//!
//! - `GET /sync[?excludeDomains=true]` (`SyncController.Get`,
//!   S:`src/Api/Vault/Controllers/SyncController.cs`): `SyncResponseModel`
//!   (S:`src/Api/Vault/Models/Response/SyncResponseModel.cs`, object `sync`): `profile`
//!   (`ProfileResponseModel`, see `models::profile`), `folders` and `ciphers` (the fake
//!   keeps no vault items: empty), `collections` (`CollectionDetailsResponseModel`, object
//!   `collectionDetails`: `id`, `organizationId`, `name` (type 2 under the organization
//!   key), `externalId`, `readOnly`, `hidePasswords`, `manage`, S:`src/Api/Models/Response/CollectionResponseModel.cs`),
//!   `domains` (`DomainsResponseModel`: `equivalentDomains`, `globalEquivalentDomains`;
//!   null when `excludeDomains`), `policies` (none are kept: empty), `sends` (empty) and
//!   `userDecryption` (`UserDecryptionResponseModel`: `masterPasswordUnlock` with the KDF,
//!   the master-key-wrapped user key and the salt, as in the token response).
//! - `GET /accounts/revision-date` (`AccountsController.GetAccountRevisionDate`,
//!   S:`src/Api/Auth/Controllers/AccountsController.cs`): the account's `RevisionDate` in
//!   milliseconds since the Unix epoch (`CoreHelpers.ToEpocMilliseconds`, a bare number);
//!   clients sync again only when it is newer than their last sync.
//!
//! Collections are those created with a self-hosted organization, which the server assigns
//! (with manage rights) to the owner who created it (`SelfHostedOrganizationSignUpCommand`);
//! the organization's owners see them, other members are not assigned.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::accounts::current_user;
use super::auth::{Caller, Ctx};
use super::envelope::ApiResult;
use super::identity::kdf_parts;
use super::models;
use super::seed::MemberRole;
use super::state::{Realm, User, World};

/// The routes, relative to the API base URL.
pub(crate) fn router(ctx: Ctx) -> Router {
    Router::new()
        .route("/sync", get(sync))
        .route("/accounts/revision-date", get(revision_date))
        .with_state(ctx)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SyncQuery {
    #[serde(default)]
    exclude_domains: bool,
}

async fn sync(
    State(ctx): State<Ctx>,
    caller: Caller,
    query: Result<Query<SyncQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let user = current_user(&ctx, &caller)?;
    let exclude_domains = query.is_ok_and(|Query(q)| q.exclude_domains);
    let world = ctx.shared.world();
    let domains = if exclude_domains {
        Value::Null
    } else {
        json!({
            "object": "domains",
            "equivalentDomains": [],
            "globalEquivalentDomains": [],
        })
    };
    Ok(Json(json!({
        "object": "sync",
        "profile": models::profile(&world, &user),
        "folders": [],
        "collections": collections(&world, &user),
        "ciphers": [],
        "domains": domains,
        "policies": [],
        "sends": [],
        "userDecryption": user_decryption(&user),
    })))
}

/// `CollectionDetailsResponseModel` of every collection the user can see.
fn collections(world: &World, user: &User) -> Vec<Value> {
    if user.realm != Realm::SelfHosted {
        return Vec::new();
    }
    let mut out = Vec::new();
    for org in &world.self_hosted_orgs {
        let Some(member) = org.members.iter().find(|m| m.user_id == user.id) else {
            continue;
        };
        if member.role != MemberRole::Owner {
            continue;
        }
        for collection in &org.collections {
            out.push(json!({
                "object": "collectionDetails",
                "id": collection.id,
                "organizationId": org.id,
                "name": collection.name,
                "externalId": null,
                "type": 0,
                "readOnly": false,
                "hidePasswords": false,
                "manage": true,
            }));
        }
    }
    out
}

/// `UserDecryptionResponseModel` of an account with a master password.
fn user_decryption(user: &User) -> Value {
    let (kind, iterations, memory, parallelism) = kdf_parts(&user.kdf);
    json!({
        "masterPasswordUnlock": {
            "kdf": {
                "kdfType": kind,
                "iterations": iterations,
                "memory": memory,
                "parallelism": parallelism,
            },
            "masterKeyEncryptedUserKey": user.keys.key,
            "salt": user.email.to_lowercase(),
        },
        "webAuthnPrfOptions": null,
        "v2UpgradeToken": null,
    })
}

async fn revision_date(State(ctx): State<Ctx>, caller: Caller) -> ApiResult<Json<i64>> {
    let user = current_user(&ctx, &caller)?;
    Ok(Json(user.revision.timestamp_millis()))
}
