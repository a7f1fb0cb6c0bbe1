//! Automatic renewal, run by the daily check before it reads the dashboard: each license
//! switched on under Billing sync is renewed from the cloud (`companion_core::renewal`,
//! which sends only what passes the review without a person) and every renewal or stop
//! raises a notification.

use companion_core::app::{renewal_notice, Instance, RenewalSwitch};
use companion_core::bitwarden::{Archive, Session};
use companion_core::renewal::{Renewal, RenewalResult, Renewer};

use crate::installation::installation_of;
use crate::notify;
use crate::state::AppState;

/// Renews what is switched on; true when something was applied.
pub async fn run(state: &AppState, language: &str) -> bool {
    let settings = state.settings();
    let wanted: Vec<&Instance> = settings
        .instances
        .iter()
        .filter(|i| !i.renew_automatically.is_empty())
        .collect();
    if wanted.is_empty() {
        return false;
    }
    let cloud = match state.cloud_session().await {
        Ok(cloud) => cloud,
        Err(error) => {
            tracing::warn!(code = %error.problem().code, "automatic renewal: no cloud session");
            notify::show(&renewal_notice::cloud_signed_out(language));
            return false;
        }
    };
    let mut applied = false;
    for instance in wanted {
        let server = match state.instance_session(&instance.id).await {
            Ok(server) => server,
            // The dashboard that follows says why the server cannot be asked.
            Err(error) => {
                tracing::warn!(instance = %instance.name, code = %error.problem().code, "automatic renewal skipped");
                continue;
            }
        };
        for renewal in renew_instance(state, instance, &server, &cloud).await {
            applied |= matches!(renewal.result, RenewalResult::Renewed { .. });
            tracing::info!(instance = %instance.name, name = %renewal.name, "automatic renewal checked");
            if let Some(notice) = renewal_notice::notice(&renewal, &instance.name, language) {
                notify::show(&notice);
            }
        }
    }
    applied
}

async fn renew_instance(
    state: &AppState,
    instance: &Instance,
    server: &Session,
    cloud: &Session,
) -> Vec<Renewal> {
    let trust = match state.trust() {
        Ok(trust) => trust,
        Err(error) => {
            tracing::warn!(code = %error.problem().code, "automatic renewal: no licensing certificate");
            return Vec::new();
        }
    };
    let archive = Archive::new(state.folders.licenses());
    let (installation, _) = installation_of(instance).await;
    let renewer = Renewer {
        server,
        cloud,
        archive: &archive,
        trust,
        installation,
        bwdata: instance.installation.as_ref().and_then(|p| p.bwdata()),
        dry_run: false,
    };
    let mut renewals = Vec::new();
    for switch in &instance.renew_automatically {
        renewals.push(match switch {
            RenewalSwitch::Organization(org) => renewer.organization(*org, None).await,
            RenewalSwitch::Premium => renewer.premium().await,
        });
    }
    renewals
}
