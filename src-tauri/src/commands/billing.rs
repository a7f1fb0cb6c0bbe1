//! Billing sync (contract §4.3): an organization's billing sync token on its self-hosted
//! server and in the keychain, "Sync now", and the guided set-up (check the installation,
//! get the token from the cloud account or a paste, run the first sync). The token reaches
//! Rust as a `SecretString` and goes back to the page only masked (`••••••••6789`).
//! Syncs started from the tray menu run in the tray process (`companion_desktop::sync`).

use companion_core::app::{alerts, locale, RenewalSwitch};
use companion_core::bitwarden::{
    billing_sync_connection, cloud_communication_enabled, profile, request_otp, subscription,
    trigger_sync, Verification,
};
use companion_core::error::Explain;
use companion_core::installation::{self, Region};
use companion_core::messages::Phrase;
use companion_core::ops::billing::{
    self, BillingOverview, CloudOrganizations, FetchStage, OrganizationBilling, SetupCheck,
};
use companion_core::secrets::{ExposeSecret, SecretStore, SecretString};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use uuid::Uuid;

use crate::error::CommandError;
use crate::events::{self, BillingProgress, TokenStage};
use crate::state::AppState;
use crate::words::in_window;
use companion_desktop::notify;
use companion_desktop::tray_menu::TrayOrg;

/// The owned organizations of one instance and their billing sync.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InstanceBilling {
    instance_id: String,
    #[serde(flatten)]
    overview: BillingOverview,
}

/// Lists the organizations the signed-in account owns on an instance, with their billing
/// sync connection, last sync and masked token. Also refreshes the tray's menu.
#[tauri::command]
pub async fn billing_overview<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<InstanceBilling, CommandError> {
    let session = state.instance_session(&instance_id).await?;
    let switches = state.instance(&instance_id)?.renew_automatically;
    let overview = billing::overview(&session, Some(keychain(&state)), &switches).await?;
    offer_in_tray(&app, &state, &instance_id, &overview.organizations);
    Ok(InstanceBilling {
        instance_id,
        overview,
    })
}

/// Switches automatic renewal of an organization's license (or, without `org_id`, the
/// account's premium) on or off; switching on runs a check at once.
#[tauri::command]
pub async fn billing_set_renewal<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    instance_id: String,
    org_id: Option<Uuid>,
    on: bool,
) -> Result<bool, CommandError> {
    let switch = org_id.map_or(RenewalSwitch::Premium, RenewalSwitch::Organization);
    state.update_settings(|settings| settings.set_renewal(&instance_id, switch, on))?;
    if on {
        crate::link::changed(&app);
    }
    Ok(on)
}

/// Stores a pasted token on the server (creating or updating the connection) and in the
/// keychain.
#[tauri::command]
pub async fn billing_save_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    instance_id: String,
    org_id: Uuid,
    token: SecretString,
) -> Result<OrganizationBilling, CommandError> {
    let token = billing::pasted_token(&token)?;
    let session = state.instance_session(&instance_id).await?;
    let keychain = Some(keychain(&state));
    let saved = billing::store_token(&session, org_id, &token, keychain).await?;
    let row = billing::organization(&session, keychain, org_id, &saved.connection).await?;
    crate::link::changed(&app);
    Ok(row)
}

/// Asks the server to fetch the organization's license from the cloud now. A failure is
/// also shown as a desktop notification.
#[tauri::command]
pub async fn billing_sync_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    instance_id: String,
    org_id: Uuid,
) -> Result<OrganizationBilling, CommandError> {
    let session = state.instance_session(&instance_id).await?;
    if let Err(error) = trigger_sync(&session, org_id).await {
        let name = subscription(&session, org_id)
            .await
            .ok()
            .and_then(|s| s.name)
            .unwrap_or_else(|| org_id.to_string());
        let language = locale::language(&state.settings());
        notify::show(&alerts::sync_failed_notice(
            &name,
            &error.problem(),
            &language,
        ));
        return Err(error.into());
    }
    let connection = billing_sync_connection(&session, org_id).await?;
    let row = billing::organization(&session, Some(keychain(&state)), org_id, &connection).await?;
    crate::link::changed(&app);
    Ok(row)
}

/// Step 1 of the set-up: reads the installation (when the instance says where it lives)
/// and asks the running server whether cloud communication is on.
#[tauri::command]
pub async fn billing_setup_check(
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<SetupCheck, CommandError> {
    let instance = state.instance(&instance_id)?;
    let read = match &instance.installation {
        Some(place) => {
            let source = place.source()?;
            let read = tauri::async_runtime::spawn_blocking(move || installation::read(&source))
                .await
                .map_err(|_| CommandError::interrupted())?;
            Some(read)
        }
        None => None,
    };
    let server_says = match state.instance_session(&instance_id).await {
        Ok(session) => cloud_communication_enabled(&session)
            .await
            .map_err(|e| e.problem()),
        Err(error) => Err(error.problem().clone()),
    };
    let mut check = billing::setup_check(read, state.settings().cloud_region, server_says);
    let region = check.region;
    check.problems = check
        .problems
        .into_iter()
        .map(|problem| in_window(problem, region))
        .collect();
    Ok(check)
}

/// The cloud organizations the cloud account owns, and the region it is in.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloudOrgs {
    region: Region,
    #[serde(flatten)]
    owned: CloudOrganizations,
}

/// The cloud organizations the cloud account owns, with the date of their token.
#[tauri::command]
pub async fn billing_cloud_orgs(state: State<'_, AppState>) -> Result<CloudOrgs, CommandError> {
    let session = state.cloud_session().await?;
    Ok(CloudOrgs {
        region: state.settings().cloud_region,
        owned: billing::cloud_organizations(&session).await?,
    })
}

/// Asks the cloud to e-mail a one-time code; returns the address it went to.
#[tauri::command]
pub async fn billing_request_code(state: State<'_, AppState>) -> Result<String, CommandError> {
    let session = state.cloud_session().await?;
    request_otp(&session).await?;
    Ok(match &session.facts().email {
        Some(email) => email.clone(),
        None => profile(&session).await?.email,
    })
}

/// What getting the token from the cloud did.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FetchedToken {
    masked: String,
    revision_date: Option<chrono::DateTime<chrono::Utc>>,
    /// A new connection was made on the server (else the existing one was updated).
    created: bool,
    organization: OrganizationBilling,
}

/// Step 2 from the cloud account: proves who the person is (master password, whose KDF
/// runs off the async threads, or an e-mailed code), gets or rotates the cloud
/// organization's token, and puts it straight into the keychain and onto the self-hosted
/// organization's connection. Progress goes to the page as `billing-progress` events.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn billing_fetch_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    instance_id: String,
    org_id: Uuid,
    cloud_org_id: Uuid,
    rotate: bool,
    password: Option<SecretString>,
    code: Option<SecretString>,
) -> Result<FetchedToken, CommandError> {
    let progress = |stage| events::send(&app, BillingProgress { stage });
    let filled =
        |secret: Option<SecretString>| secret.filter(|s| !s.expose_secret().trim().is_empty());
    let proof = match (filled(code), filled(password)) {
        (Some(code), _) => Proof::Code(code),
        (None, Some(password)) => Proof::Password(password),
        (None, None) => {
            return Err(CommandError::invalid(Phrase::new(
                "request.cloud_password_or_code",
            )))
        }
    };
    progress(TokenStage::SigningIn);
    // The self-hosted session first: a token rotated but not delivered would stop syncs.
    let server = state.instance_session(&instance_id).await?;
    let cloud = state.cloud_session().await?;
    progress(TokenStage::Verifying);
    let verification = match proof {
        Proof::Code(code) => Verification::otp(code),
        Proof::Password(password) => Verification::master_password(&cloud, &password).await?,
    };
    let keychain = Some(keychain(&state));
    let fetched = billing::fetch_token(
        &cloud,
        cloud_org_id,
        &verification,
        rotate,
        keychain,
        Some((&server, org_id)),
        |stage| {
            progress(match stage {
                FetchStage::Fetching => TokenStage::Fetching,
                FetchStage::Saving => TokenStage::Saving,
            })
        },
    )
    .await
    .map_err(|e| CommandError::new(in_window(e.problem(), None)))?;
    let saved = fetched
        .kept
        .connection
        .expect("a server was given, so the connection was saved");
    let organization = billing::organization(&server, keychain, org_id, &saved.connection).await?;
    progress(TokenStage::Done);
    crate::link::changed(&app);
    Ok(FetchedToken {
        masked: fetched.token.masked.clone(),
        revision_date: fetched.token.revision_date,
        created: saved.created,
        organization,
    })
}

/// How the person proves who they are when getting the token.
enum Proof {
    Code(SecretString),
    Password(SecretString),
}

/// The app's keychain as the core's port.
fn keychain(state: &AppState) -> &dyn SecretStore {
    state.keychain.as_ref()
}

/// Offers the instance's organizations that have billing sync in the tray menu.
fn offer_in_tray<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    instance_id: &str,
    organizations: &[OrganizationBilling],
) {
    let Ok(instance) = state.instance(instance_id) else {
        return;
    };
    let orgs = organizations
        .iter()
        .filter(|o| o.connected)
        .map(|o| TrayOrg {
            instance_id: instance.id.clone(),
            instance_name: instance.name.clone(),
            org: o.id,
            name: o.name.clone(),
        })
        .collect();
    crate::link::offer(app, instance_id, orgs);
}
