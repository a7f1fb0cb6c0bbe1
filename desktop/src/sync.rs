//! Billing sync from the tray menu: one organization, or every one that has a billing sync
//! connection, each told in a desktop notification.

use companion_core::app::{alerts, locale};
use companion_core::bitwarden::{
    billing_sync_connection, profile, subscription, trigger_sync, BitwardenError, Session,
};
use companion_core::error::Explain;
use uuid::Uuid;

use crate::notify;
use crate::state::AppState;

/// Syncs one organization, or every one with billing sync on every instance, and tells the
/// result in a desktop notification per organization. Run by the tray process, with or
/// without a window.
pub async fn sync_from_tray(state: &AppState, target: Option<(String, Uuid)>) {
    let language = locale::language(&state.settings());
    let instances: Vec<String> = match &target {
        Some((instance, _)) => vec![instance.clone()],
        None => state
            .settings()
            .instances
            .iter()
            .map(|i| i.id.clone())
            .collect(),
    };
    for instance in instances {
        let session = match state.instance_session(&instance).await {
            Ok(session) => session,
            Err(error) => {
                let name = state
                    .instance(&instance)
                    .map_or(instance.clone(), |i| i.name);
                notify::show(&alerts::sync_failed_notice(
                    &name,
                    error.problem(),
                    &language,
                ));
                continue;
            }
        };
        let orgs = match &target {
            Some((_, org)) => Ok(vec![*org]),
            None => with_connection(&session).await,
        };
        let orgs = match orgs {
            Ok(orgs) => orgs,
            Err(error) => {
                notify::show(&alerts::sync_failed_notice(
                    &session.endpoints().label(),
                    &error.problem(),
                    &language,
                ));
                continue;
            }
        };
        for org in orgs {
            let outcome = trigger_sync(&session, org).await;
            let sub = subscription(&session, org).await.ok();
            let name = sub
                .as_ref()
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| org.to_string());
            let notice = match outcome {
                Ok(()) => alerts::synced_notice(&name, sub.and_then(|s| s.expiration), &language),
                Err(error) => alerts::sync_failed_notice(&name, &error.problem(), &language),
            };
            notify::show(&notice);
        }
    }
}

/// The owned organizations of the session that have a billing sync connection.
async fn with_connection(session: &Session) -> Result<Vec<Uuid>, BitwardenError> {
    let mut orgs = Vec::new();
    for membership in profile(session).await?.organizations {
        if membership.is_owner()
            && billing_sync_connection(session, membership.id)
                .await?
                .exists()
        {
            orgs.push(membership.id);
        }
    }
    Ok(orgs)
}
