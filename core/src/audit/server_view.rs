//! The organizations and account as the signed-in self-hosted API reports them: the values
//! `VerifyData` compares the stored license with (the organization's plan, seats and
//! switches), read with the existing organization listing.

use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

use crate::bitwarden::{profile, subscription, BitwardenError, Session};

/// One organization as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationView {
    pub id: Uuid,
    pub name: String,
    pub enabled: bool,
    /// Whether the plan was readable (only owners may read it).
    pub owned: bool,
    pub plan_type: Option<i64>,
    pub seats: Option<i64>,
    pub max_collections: Option<i64>,
    pub sm_seats: Option<i64>,
    pub sm_service_accounts: Option<i64>,
    pub self_host: Option<bool>,
    /// Switches by their API name (`useSso`, `usersGetPremium`, ...).
    pub features: BTreeMap<String, bool>,
}

/// The signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    pub id: Uuid,
    pub email: String,
    pub premium: bool,
}

/// Everything the server told us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerView {
    pub server: String,
    pub account: AccountView,
    pub organizations: Vec<OrganizationView>,
}

impl ServerView {
    pub fn organization(&self, id: Uuid) -> Option<&OrganizationView> {
        self.organizations.iter().find(|o| o.id == id)
    }
}

/// Reads the account's organizations, with the plan of each one it owns.
pub async fn server_view(session: &Session) -> Result<ServerView, BitwardenError> {
    let profile = profile(session).await?;
    let mut organizations = Vec::new();
    for membership in &profile.organizations {
        let mut view = OrganizationView {
            id: membership.id,
            name: membership.name.clone(),
            enabled: membership.enabled,
            owned: membership.is_owner(),
            plan_type: None,
            seats: None,
            max_collections: None,
            sm_seats: None,
            sm_service_accounts: None,
            self_host: None,
            features: BTreeMap::new(),
        };
        if view.owned {
            let sub = subscription(session, membership.id).await?;
            view.name = sub.name.unwrap_or(view.name);
            view.plan_type = sub.plan_type;
            view.seats = sub.seats;
            view.max_collections = sub.max_collections;
            view.sm_seats = sub.sm_seats;
            view.sm_service_accounts = sub.sm_service_accounts;
            view.self_host = sub.self_host;
            view.features = sub.features;
        }
        organizations.push(view);
    }
    Ok(ServerView {
        server: session.endpoints().label(),
        account: AccountView {
            id: profile.id,
            email: profile.email,
            premium: profile.premium,
        },
        organizations,
    })
}
