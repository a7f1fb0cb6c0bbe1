//! Billing sync (contract §4.3): an organization's billing sync token on its self-hosted
//! server and in the keychain, "Sync now", and the guided set-up (check the installation,
//! get the token from the cloud account or a paste, run the first sync). The token reaches
//! Rust as a `SecretString` and goes back to the page only masked (`••••••••6789`).
//! Syncs started from the tray menu run in the tray process (`companion_desktop::sync`).

use chrono::{DateTime, Utc};
use companion_core::app::{alerts, locale, RenewalSwitch};
use companion_core::bitwarden::{
    billing_sync_connection, billing_sync_token, billing_sync_token_info,
    cloud_communication_enabled, keep_billing_sync_token, kept_token, owned_organizations, profile,
    request_otp, rotate_billing_sync_token, save_billing_sync_token, subscription, token_account,
    trigger_sync, BillingSyncConnection, BitwardenError, Session, Verification,
};
use companion_core::error::{Explain, Problem};
use companion_core::installation::{self, Region};
use companion_core::secrets::{mask, ExposeSecret, SecretStore, SecretString};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use uuid::Uuid;

use crate::error::CommandError;
use crate::state::AppState;
use crate::words::in_window;
use companion_desktop::notify;
use companion_desktop::tray_menu::TrayOrg;

/// Event telling the page which step of getting the token is running.
const PROGRESS_EVENT: &str = "billing-progress";

/// An organization's billing sync as the page shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgBilling {
    id: Uuid,
    name: String,
    /// The server has a billing sync connection for it.
    connected: bool,
    enabled: bool,
    cloud_organization_id: Option<Uuid>,
    last_license_sync: Option<DateTime<Utc>>,
    /// The renewal date and the end of the grace period (contract §6).
    renewal: Option<DateTime<Utc>>,
    expiration: Option<DateTime<Utc>>,
    /// The token, masked: the keychain's copy, else the server's.
    token: Option<String>,
    token_in_keychain: bool,
    /// Whether the keychain and the server hold the same token (when both have one).
    keychain_matches_server: Option<bool>,
    /// Why the keychain could not be read (the rest still shows).
    keychain_problem: Option<Problem>,
    /// The daily check renews its license from the cloud by itself.
    renew_automatically: bool,
}

/// The owned organizations of one instance and their billing sync.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingOverview {
    instance_id: String,
    server: String,
    email: String,
    /// The server's own answer to "may I talk to the cloud?".
    cloud_communication: bool,
    organizations: Vec<OrgBilling>,
    /// The account has premium on the server, and whether it is renewed by itself.
    premium: bool,
    renew_premium: bool,
}

/// Lists the organizations the signed-in account owns on an instance, with their billing
/// sync connection, last sync and masked token. Also refreshes the tray's menu.
#[tauri::command]
pub async fn billing_overview<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<BillingOverview, CommandError> {
    let session = state.instance_session(&instance_id).await?;
    let report = owned_organizations(&session).await?;
    let switches = state.instance(&instance_id)?.renew_automatically;
    let mut organizations = Vec::new();
    for org in report.organizations {
        let mut row = org_billing(&state, &session, org.id, org.name, org.billing_sync);
        row.renewal = org.expiration_without_grace;
        row.expiration = org.expiration;
        row.renew_automatically = switches.contains(&RenewalSwitch::Organization(org.id));
        organizations.push(row);
    }
    offer_in_tray(&app, &state, &instance_id, &organizations);
    Ok(BillingOverview {
        instance_id,
        server: session.endpoints().label(),
        email: report.email,
        cloud_communication: report.cloud_communication,
        organizations,
        premium: report.premium,
        renew_premium: switches.contains(&RenewalSwitch::Premium),
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
) -> Result<OrgBilling, CommandError> {
    let token = checked_token(&token)?;
    let session = state.instance_session(&instance_id).await?;
    let saved = save_billing_sync_token(&session, org_id, &token).await?;
    state
        .keychain
        .set(&token_account(&session.endpoints().server, org_id), &token)
        .map_err(BitwardenError::from)?;
    let row = refreshed(&state, &session, org_id, saved.connection).await?;
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
) -> Result<OrgBilling, CommandError> {
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
    let row = refreshed(&state, &session, org_id, connection).await?;
    crate::link::changed(&app);
    Ok(row)
}

/// Step 1 of the set-up: what stands in the way of billing sync on this instance.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupCheck {
    /// Where the installation settings were read, when the instance says where they are.
    source: Option<String>,
    installation_id: Option<Uuid>,
    /// The installation's cloud region, and the cloud account's region in the app.
    region: Option<Region>,
    account_region: Region,
    /// `enableCloudCommunication` in the env file.
    cloud_communication: Option<bool>,
    /// The running server's answer (it may not have been restarted since the file changed).
    server_cloud_communication: Option<bool>,
    /// Each problem with its fix; empty when billing sync can work.
    problems: Vec<Problem>,
    ready: bool,
}

/// Checks the installation's findings (cloud communication on, region matching the cloud
/// account) and asks the running server whether cloud communication is on.
#[tauri::command]
pub async fn billing_setup_check(
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<SetupCheck, CommandError> {
    let instance = state.instance(&instance_id)?;
    let account_region = state.settings().cloud_region;
    let mut problems = Vec::new();
    let read = match &instance.installation {
        Some(place) => {
            let source = place.source()?;
            let read = tauri::async_runtime::spawn_blocking(move || installation::read(&source))
                .await
                .map_err(|_| CommandError::interrupted())?;
            match read {
                Ok(found) => Some(found),
                Err(error) => {
                    problems.push(error.problem());
                    None
                }
            }
        }
        None => None,
    };
    if let Some(found) = &read {
        problems.extend(
            found
                .findings
                .iter()
                .map(|f| in_window(f.problem(), Some(found.region))),
        );
        if found.region != account_region {
            problems.push(region_mismatch(found.region, account_region));
        }
    }
    let server_cloud_communication = match state.instance_session(&instance_id).await {
        Ok(session) => match cloud_communication_enabled(&session).await {
            Ok(on) => Some(on),
            Err(error) => {
                problems.push(error.problem());
                None
            }
        },
        Err(error) => {
            problems.push(error.problem().clone());
            None
        }
    };
    if server_cloud_communication == Some(false)
        && read.as_ref().is_none_or(|found| found.cloud_communication)
    {
        problems.push(server_cloud_communication_off(read.is_some()));
    }
    Ok(SetupCheck {
        source: read.as_ref().map(|f| f.source.clone()),
        installation_id: read.as_ref().and_then(|f| f.installation_id),
        region: read.as_ref().map(|f| f.region),
        account_region,
        cloud_communication: read.as_ref().map(|f| f.cloud_communication),
        server_cloud_communication,
        ready: problems.is_empty(),
        problems,
    })
}

fn region_mismatch(installation: Region, account: Region) -> Problem {
    Problem {
        code: "account_region_mismatch".into(),
        message: format!(
            "The server is a {installation} installation, but the app's cloud account is in the {account} cloud."
        ),
        advice: format!(
            "Billing sync only works with the {installation} cloud: sign in to the {installation} cloud account that owns the organization (Instances), then get the token again."
        ),
    }
}

fn server_cloud_communication_off(file_read: bool) -> Problem {
    let advice = if file_read {
        "The env file already turns it on, so the server has not been restarted since: run `./bitwarden.sh restart` on the server, then check again."
    } else {
        "Set globalSettings__enableCloudCommunication=true in bwdata/env/global.override.env, run `./bitwarden.sh restart`, then check again. Tell the app where the installation lives (Instances) to have it checked too."
    };
    Problem {
        code: "server_cloud_communication_off".into(),
        message: "The server answers that cloud communication is disabled in its global settings."
            .into(),
        advice: advice.into(),
    }
}

/// A cloud organization the signed-in cloud account owns.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudOrg {
    id: Uuid,
    name: String,
    /// When its token was made or last rotated; `None` when it has none yet.
    token_date: Option<DateTime<Utc>>,
    /// Why no token can be had for it (not Teams or Enterprise, …).
    problem: Option<Problem>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudOrgs {
    email: String,
    region: Region,
    organizations: Vec<CloudOrg>,
}

/// The cloud organizations the cloud account owns, with the date of their token.
#[tauri::command]
pub async fn billing_cloud_orgs(state: State<'_, AppState>) -> Result<CloudOrgs, CommandError> {
    let session = state.cloud_session().await?;
    let profile = profile(&session).await?;
    let mut organizations = Vec::new();
    for membership in profile.organizations.iter().filter(|m| m.is_owner()) {
        let (token_date, problem) = match billing_sync_token_info(&session, membership.id).await {
            Ok(date) => (date, None),
            Err(error) => (None, Some(error.problem())),
        };
        organizations.push(CloudOrg {
            id: membership.id,
            name: membership.name.clone(),
            token_date,
            problem,
        });
    }
    Ok(CloudOrgs {
        email: profile.email,
        region: state.settings().cloud_region,
        organizations,
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
#[serde(rename_all = "camelCase")]
pub struct FetchedToken {
    masked: String,
    revision_date: Option<DateTime<Utc>>,
    /// A new connection was made on the server (else the existing one was updated).
    created: bool,
    organization: OrgBilling,
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
    let progress = |stage: &str| {
        let _ = app.emit(PROGRESS_EVENT, serde_json::json!({ "stage": stage }));
    };
    let filled =
        |secret: Option<SecretString>| secret.filter(|s| !s.expose_secret().trim().is_empty());
    let proof = match (filled(code), filled(password)) {
        (Some(code), _) => Proof::Code(code),
        (None, Some(password)) => Proof::Password(password),
        (None, None) => {
            return Err(CommandError::invalid(
                "Type the cloud account's master password, or the code Bitwarden e-mailed.",
            ))
        }
    };
    progress("signing-in");
    // The self-hosted session first: a token rotated but not delivered would stop syncs.
    let server = state.instance_session(&instance_id).await?;
    let cloud = state.cloud_session().await?;
    progress("verifying");
    let verification = match proof {
        Proof::Code(code) => Verification::otp(code),
        Proof::Password(password) => Verification::master_password(&cloud, &password).await?,
    };
    progress("fetching");
    let token = if rotate {
        rotate_billing_sync_token(&cloud, cloud_org_id, &verification).await
    } else {
        billing_sync_token(&cloud, cloud_org_id, &verification).await
    }
    .map_err(|e| CommandError::new(in_window(e.problem(), None)))?;
    progress("saving");
    let kept = keep_billing_sync_token(
        &token,
        Some(state.keychain.as_ref()),
        Some((&server, org_id)),
    )
    .await?;
    let saved = kept
        .connection
        .expect("a server was given, so the connection was saved");
    let organization = refreshed(&state, &server, org_id, saved.connection).await?;
    progress("done");
    crate::link::changed(&app);
    Ok(FetchedToken {
        masked: token.masked.clone(),
        revision_date: token.revision_date,
        created: saved.created,
        organization,
    })
}

/// How the person proves who they are when getting the token.
enum Proof {
    Code(SecretString),
    Password(SecretString),
}

/// A pasted token without surrounding blanks; refused when empty or broken by spaces.
fn checked_token(token: &SecretString) -> Result<SecretString, CommandError> {
    let trimmed = token.expose_secret().trim();
    if trimmed.is_empty() {
        return Err(CommandError::invalid("Paste the billing sync token first."));
    }
    if trimmed.chars().any(char::is_whitespace) {
        return Err(CommandError::invalid(
            "The billing sync token contains spaces; copy it again from the cloud web vault.",
        ));
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

/// An organization's row after a change: its name and dates read again from the server.
async fn refreshed(
    state: &AppState,
    session: &Session,
    org: Uuid,
    connection: BillingSyncConnection,
) -> Result<OrgBilling, CommandError> {
    let sub = subscription(session, org).await?;
    let mut row = org_billing(
        state,
        session,
        org,
        sub.name.unwrap_or_else(|| org.to_string()),
        connection,
    );
    row.renewal = sub.expiration_without_grace;
    row.expiration = sub.expiration;
    Ok(row)
}

fn org_billing(
    state: &AppState,
    session: &Session,
    id: Uuid,
    name: String,
    connection: BillingSyncConnection,
) -> OrgBilling {
    let (kept, keychain_problem) =
        match kept_token(state.keychain.as_ref(), &session.endpoints().server, id) {
            Ok(kept) => (kept, None),
            Err(error) => (None, Some(error.problem())),
        };
    OrgBilling {
        id,
        name,
        connected: connection.exists(),
        enabled: connection.enabled,
        cloud_organization_id: connection.cloud_organization_id,
        last_license_sync: connection.last_license_sync,
        renewal: None,
        expiration: None,
        token: kept.as_ref().or(connection.server_token()).map(mask),
        token_in_keychain: kept.is_some(),
        keychain_matches_server: kept
            .as_ref()
            .filter(|_| connection.server_token().is_some())
            .map(|k| connection.holds(k)),
        keychain_problem,
        renew_automatically: false,
    }
}

/// Offers the instance's organizations that have billing sync in the tray menu.
fn offer_in_tray<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    instance_id: &str,
    organizations: &[OrgBilling],
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
