//! The billing sync token on the self-hosted server: the organization's CloudBillingSync
//! connection (contract §4.3), created or updated (read first, then POST or PUT), read
//! back (its `config` is PascalCase inside a camelCase answer, so names are matched
//! ignoring case), deleted; and the manual license sync. The token is also kept in the
//! keychain so the app can show it masked; it is never printed or logged.

use super::replies::asked_organization;
use crate::messages::Phrase;
use chrono::{DateTime, Utc};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::errors::BitwardenError;
use super::http::Body;
use super::replies::date;
use super::replies::field;
use super::server_info::ensure_licensing;
use super::session::Session;
use crate::secrets::{account, SecretKind, SecretStore};

/// `OrganizationConnectionType.CloudBillingSync`.
pub const CLOUD_BILLING_SYNC: u8 = 1;

/// An organization's billing sync connection as the server stores it (`Default`: none).
#[derive(Clone, Default, Serialize)]
pub struct BillingSyncConnection {
    /// `None` when the organization has no connection.
    pub id: Option<Uuid>,
    pub enabled: bool,
    /// The cloud organization the server syncs from (set by the server from its license).
    pub cloud_organization_id: Option<Uuid>,
    pub last_license_sync: Option<DateTime<Utc>>,
    /// The token the server holds; never serialised.
    #[serde(skip)]
    server_token: Option<SecretString>,
}

impl std::fmt::Debug for BillingSyncConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BillingSyncConnection")
            .field("id", &self.id)
            .field("enabled", &self.enabled)
            .field("cloud_organization_id", &self.cloud_organization_id)
            .field("last_license_sync", &self.last_license_sync)
            .field(
                "server_token",
                &self.server_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl BillingSyncConnection {
    pub fn exists(&self) -> bool {
        self.id.is_some()
    }

    /// The token the server holds, when it returns it.
    pub fn server_token(&self) -> Option<&SecretString> {
        self.server_token.as_ref()
    }

    /// An enabled connection holding `token`, as a test would have the server answer.
    #[cfg(test)]
    pub(crate) fn holding(token: Option<&str>) -> Self {
        read_connection(&json!({
            "id": "5f0c2b0e-56a8-4c56-9a1f-1c2d3e4f5a6b",
            "enabled": true,
            "config": token.map(|t| json!({ "billingSyncKey": t })),
        }))
    }

    /// Whether the server holds this token.
    pub fn holds(&self, token: &SecretString) -> bool {
        self.server_token
            .as_ref()
            .is_some_and(|held| held.expose_secret() == token.expose_secret())
    }
}

/// The keychain account of an organization's billing sync token on a server.
pub fn token_account(server: &str, org: Uuid) -> String {
    account(
        SecretKind::BillingSyncToken,
        &format!("{server}|{}", org.hyphenated()),
    )
}

/// `GET /organizations/connections/enabled`: whether the server may talk to the cloud
/// (self-hosted with `enableCloudCommunication`).
pub async fn cloud_communication_enabled(session: &Session) -> Result<bool, BitwardenError> {
    let value = session
        .get_json(
            "/organizations/connections/enabled",
            &Phrase::new("asked.connections_route"),
        )
        .await?;
    Ok(value.as_bool().unwrap_or(false))
}

/// `GET /organizations/connections/{org}/1`.
pub async fn billing_sync_connection(
    session: &Session,
    org: Uuid,
) -> Result<BillingSyncConnection, BitwardenError> {
    let value = session
        .get_json(
            &format!(
                "/organizations/connections/{}/{CLOUD_BILLING_SYNC}",
                org.hyphenated()
            ),
            &asked_organization(org),
        )
        .await?;
    Ok(read_connection(&value))
}

fn read_connection(value: &Value) -> BillingSyncConnection {
    let id = field(value, "id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    let config = field(value, "config").and_then(|c| match c {
        Value::String(text) => serde_json::from_str::<Value>(text).ok(),
        Value::Object(_) => Some(c.clone()),
        _ => None,
    });
    let config = config.as_ref();
    BillingSyncConnection {
        id,
        enabled: id.is_some() && field(value, "enabled").and_then(Value::as_bool) == Some(true),
        cloud_organization_id: config
            .and_then(|c| field(c, "cloudOrganizationId"))
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
            .filter(|id| !id.is_nil()),
        last_license_sync: config.and_then(|c| date(c, "lastLicenseSync")),
        server_token: config
            .and_then(|c| field(c, "billingSyncKey"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(SecretString::from),
    }
}

/// What storing the token did.
#[derive(Debug, Clone, Serialize)]
pub struct SavedToken {
    /// A new connection was made (else the existing one was updated).
    pub created: bool,
    pub connection: BillingSyncConnection,
}

/// Stores the token as the organization's billing sync connection: reads the connection,
/// then creates (POST) or updates (PUT) it, enabled. Nothing is retried.
pub async fn save_billing_sync_token(
    session: &Session,
    org: Uuid,
    token: &SecretString,
) -> Result<SavedToken, BitwardenError> {
    ensure_licensing(session).await?;
    let existing = billing_sync_connection(session, org).await?;
    let body = json!({
        "type": CLOUD_BILLING_SYNC,
        "organizationId": org.hyphenated().to_string(),
        "enabled": true,
        "config": { "billingSyncKey": token.expose_secret() },
    });
    let what = asked_organization(org);
    let reply = match existing.id {
        Some(id) => {
            session
                .expect_success(
                    Method::PUT,
                    &format!("/organizations/connections/{}", id.hyphenated()),
                    Body::Json(body),
                    &what,
                )
                .await?
        }
        None => {
            session
                .expect_success(
                    Method::POST,
                    "/organizations/connections",
                    Body::Json(body),
                    &what,
                )
                .await?
        }
    };
    let connection = match reply.json() {
        Ok(value) if field(&value, "id").is_some() => read_connection(&value),
        _ => billing_sync_connection(session, org).await?,
    };
    Ok(SavedToken {
        created: existing.id.is_none(),
        connection,
    })
}

/// Deletes the organization's billing sync connection. `Ok(false)` when it had none.
pub async fn delete_billing_sync_connection(
    session: &Session,
    org: Uuid,
) -> Result<bool, BitwardenError> {
    let existing = billing_sync_connection(session, org).await?;
    let Some(id) = existing.id else {
        return Ok(false);
    };
    session
        .expect_success(
            Method::DELETE,
            &format!("/organizations/connections/{}", id.hyphenated()),
            Body::Empty,
            &asked_organization(org),
        )
        .await?;
    Ok(true)
}

/// Asks the server to fetch the organization's license from the cloud now
/// (`POST /organizations/licenses/self-hosted/{org}/sync`).
pub async fn trigger_sync(session: &Session, org: Uuid) -> Result<(), BitwardenError> {
    ensure_licensing(session).await?;
    session
        .expect_success(
            Method::POST,
            &format!(
                "/organizations/licenses/self-hosted/{}/sync",
                org.hyphenated()
            ),
            Body::Empty,
            &asked_organization(org),
        )
        .await?;
    Ok(())
}

/// The token kept in the keychain for an organization on a server.
pub fn kept_token(
    keychain: &dyn SecretStore,
    server: &str,
    org: Uuid,
) -> Result<Option<SecretString>, BitwardenError> {
    Ok(keychain.get(&token_account(server, org))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pascal_case_config_is_read_ignoring_case() {
        let value = json!({
            "id": "5f0c2b0e-56a8-4c56-9a1f-1c2d3e4f5a6b",
            "type": 1,
            "organizationId": "0b2e3c7a-0000-4000-8000-000000000001",
            "enabled": true,
            "config": {
                "BillingSyncKey": "abcdefghijklmnopqrstuvwxyz1234",
                "CloudOrganizationId": "7e57c10d-0000-4000-8000-000000000002",
                "LastLicenseSync": "2025-06-01T12:30:00.1234567"
            }
        });
        let c = read_connection(&value);
        assert!(c.exists() && c.enabled);
        assert_eq!(
            c.cloud_organization_id.unwrap().to_string(),
            "7e57c10d-0000-4000-8000-000000000002"
        );
        assert_eq!(
            c.last_license_sync.unwrap().to_rfc3339(),
            "2025-06-01T12:30:00.123456700+00:00"
        );
        assert!(c.holds(&SecretString::from("abcdefghijklmnopqrstuvwxyz1234")));
        assert!(!c.holds(&SecretString::from("something-else")));
        assert!(!format!("{c:?}").contains("abcdefghijklmnopqrstuvwxyz1234"));
        assert!(!serde_json::to_string(&c)
            .unwrap()
            .contains("abcdefghijklmnopqrstuvwxyz1234"));
    }

    #[test]
    fn no_connection_reads_as_absent_and_disabled() {
        let value = json!({"id": null, "type": 0, "organizationId": null, "enabled": false, "config": null});
        let c = read_connection(&value);
        assert!(!c.exists());
        assert!(!c.enabled);
        assert!(c.server_token().is_none());
    }
}
