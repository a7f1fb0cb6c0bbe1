//! The organizations a person owns on a self-hosted server and the state of their
//! licenses: `GET /accounts/profile` (memberships; `type` 0 is Owner), then per owned
//! organization `GET /organizations/{id}/subscription` (plan, seats, `expiration` with the
//! grace period, `expirationWithoutGracePeriod`, contract §6) and its billing sync
//! connection, plus whether the server may talk to the cloud at all.

use super::replies::{asked_account, asked_organization};
use crate::messages::Phrase;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::connections::{self, BillingSyncConnection};
use super::errors::BitwardenError;
use super::replies::{date, field};
use super::server_info::ensure_licensing;
use super::session::Session;
use crate::license::dates::days_until;

/// `OrganizationUserType.Owner`.
const OWNER: i64 = 0;

/// The signed-in account, as far as licenses care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: Uuid,
    pub email: String,
    pub name: Option<String>,
    pub premium: bool,
    pub organizations: Vec<Membership>,
}

/// One organization the account belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub id: Uuid,
    pub name: String,
    /// `OrganizationUserType`: Owner 0, Admin 1, User 2, Custom 4.
    pub role: i64,
    pub enabled: bool,
}

impl Membership {
    pub fn is_owner(&self) -> bool {
        self.role == OWNER
    }
}

/// `GET /accounts/profile`.
pub async fn profile(session: &Session) -> Result<Profile, BitwardenError> {
    let value = session
        .get_json("/accounts/profile", &asked_account())
        .await?;
    let url = || session.endpoints().api.to_string();
    let id = uuid_field(&value, "id").ok_or_else(|| unreadable(url(), "id"))?;
    let email = text(&value, "email").ok_or_else(|| unreadable(url(), "email"))?;
    let organizations = field(&value, "organizations")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|org| {
                    Some(Membership {
                        id: uuid_field(org, "id")?,
                        name: text(org, "name").unwrap_or_default(),
                        role: field(org, "type").and_then(Value::as_i64).unwrap_or(-1),
                        enabled: field(org, "enabled")
                            .and_then(Value::as_bool)
                            .unwrap_or(true),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Profile {
        id,
        email,
        name: text(&value, "name"),
        premium: field(&value, "premium")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        organizations,
    })
}

/// A self-hosted organization's plan and license dates as the server reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscription {
    pub name: Option<String>,
    pub plan: Option<String>,
    pub plan_type: Option<i64>,
    pub seats: Option<i64>,
    pub max_collections: Option<i64>,
    pub sm_seats: Option<i64>,
    pub sm_service_accounts: Option<i64>,
    pub self_host: Option<bool>,
    /// When the organization is disabled (`Expires`, grace included).
    pub expiration: Option<DateTime<Utc>>,
    /// When the subscription itself ends.
    pub expiration_without_grace: Option<DateTime<Utc>>,
    /// Feature switches by their JSON name (`useSso`, ...).
    pub features: BTreeMap<String, bool>,
}

/// `GET /organizations/{id}/subscription`.
pub async fn subscription(session: &Session, org: Uuid) -> Result<Subscription, BitwardenError> {
    let value = session
        .get_json(
            &format!("/organizations/{}/subscription", org.hyphenated()),
            &asked_organization(org),
        )
        .await?;
    let plan = field(&value, "plan");
    let features = value
        .as_object()
        .map(|object| {
            object
                .iter()
                .filter(|(key, v)| {
                    v.is_boolean() && (key.starts_with("use") || key.as_str() == "usersGetPremium")
                })
                .map(|(key, v)| (key.clone(), v.as_bool().unwrap_or(false)))
                .collect()
        })
        .unwrap_or_default();
    Ok(Subscription {
        name: text(&value, "name"),
        plan: plan.and_then(|p| text(p, "name")),
        plan_type: field(&value, "planType").and_then(Value::as_i64),
        seats: field(&value, "seats").and_then(Value::as_i64),
        max_collections: field(&value, "maxCollections").and_then(Value::as_i64),
        sm_seats: field(&value, "smSeats").and_then(Value::as_i64),
        sm_service_accounts: field(&value, "smServiceAccounts").and_then(Value::as_i64),
        self_host: field(&value, "selfHost").and_then(Value::as_bool),
        expiration: date(&value, "expiration"),
        expiration_without_grace: date(&value, "expirationWithoutGracePeriod"),
        features,
    })
}

/// An owned organization and the state of its license.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationState {
    pub id: Uuid,
    pub name: String,
    pub enabled: bool,
    pub plan: Option<String>,
    pub seats: Option<i64>,
    pub expiration: Option<DateTime<Utc>>,
    pub expiration_without_grace: Option<DateTime<Utc>>,
    pub days_until_grace: Option<i64>,
    pub days_until_disabled: Option<i64>,
    pub billing_sync: BillingSyncConnection,
}

/// Every organization the account owns on a server, with cloud communication.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationsReport {
    pub server: String,
    /// The signed-in account, as its profile says (read once for the whole report).
    pub account_id: Uuid,
    pub email: String,
    pub premium: bool,
    pub cloud_communication: bool,
    pub organizations: Vec<OrganizationState>,
    /// Whether Bitwarden licenses apply here (not on Vaultwarden, see
    /// [`ServerInfo::licensing`](super::ServerInfo::licensing)); when they do not, the
    /// organizations come without plan, seats, dates or billing sync.
    pub takes_licenses: bool,
}

/// Lists the owned organizations with their license state.
pub async fn owned_organizations(session: &Session) -> Result<OrganizationsReport, BitwardenError> {
    let profile = profile(session).await?;
    if let Err(BitwardenError::NoLicensesOnVaultwarden) = ensure_licensing(session).await {
        let organizations = profile
            .organizations
            .iter()
            .filter(|m| m.is_owner())
            .map(|membership| OrganizationState {
                id: membership.id,
                name: membership.name.clone(),
                enabled: membership.enabled,
                plan: None,
                seats: None,
                days_until_grace: None,
                days_until_disabled: None,
                expiration: None,
                expiration_without_grace: None,
                billing_sync: BillingSyncConnection::default(),
            })
            .collect();
        return Ok(OrganizationsReport {
            server: session.endpoints().label(),
            account_id: profile.id,
            email: profile.email,
            premium: profile.premium,
            cloud_communication: false,
            organizations,
            takes_licenses: false,
        });
    }
    let cloud_communication = connections::cloud_communication_enabled(session).await?;
    let now = Utc::now();
    let mut organizations = Vec::new();
    for membership in profile.organizations.iter().filter(|m| m.is_owner()) {
        let sub = subscription(session, membership.id).await?;
        let billing_sync = connections::billing_sync_connection(session, membership.id).await?;
        organizations.push(OrganizationState {
            id: membership.id,
            name: sub.name.clone().unwrap_or_else(|| membership.name.clone()),
            enabled: membership.enabled,
            plan: sub.plan,
            seats: sub.seats,
            days_until_grace: sub.expiration_without_grace.map(|d| days_until(now, d)),
            days_until_disabled: sub.expiration.map(|d| days_until(now, d)),
            expiration: sub.expiration,
            expiration_without_grace: sub.expiration_without_grace,
            billing_sync,
        });
    }
    Ok(OrganizationsReport {
        server: session.endpoints().label(),
        account_id: profile.id,
        email: profile.email,
        premium: profile.premium,
        cloud_communication,
        organizations,
        takes_licenses: true,
    })
}

fn text(value: &Value, name: &str) -> Option<String> {
    field(value, name)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn uuid_field(value: &Value, name: &str) -> Option<Uuid> {
    field(value, name)
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// The profile at `url` lacks `field`.
fn unreadable(url: String, field: &str) -> BitwardenError {
    BitwardenError::UnexpectedAnswer {
        url,
        detail: Phrase::new("answer_fault.profile_field").with("field", field),
    }
}
