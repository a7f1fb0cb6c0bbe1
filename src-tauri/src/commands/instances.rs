//! The instances screen: the self-hosted servers (add, edit, remove), the cloud account's
//! region, who is signed in where, and each server's installation (read, and the one safe
//! fix: turning cloud communication on).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use companion_core::app::{InstallationPlace, Instance};
use companion_core::bitwarden::{server_info, Endpoints, LoginKind, SessionFacts};
use companion_core::error::Explain;
use companion_core::installation::{self, FixOutcome, Installation, Region};
use companion_core::messages::Phrase;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::camel::Camel;
use crate::error::CommandError;
use crate::state::{AppState, ConnectionCheck};

/// Who is signed in to a server (nothing secret).
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    email: Option<String>,
    login: LoginKind,
    signed_in_at: DateTime<Utc>,
}

impl From<SessionFacts> for Account {
    fn from(facts: SessionFacts) -> Account {
        Account {
            email: facts.email.or(Some(facts.user).filter(|u| u.contains('@'))),
            login: facts.login,
            signed_in_at: facts.signed_in_at,
        }
    }
}

/// One configured server and its kept session.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    #[serde(flatten)]
    instance: Instance,
    account: Option<Account>,
    /// The last connection test (or a check that could not reach the server), this run.
    connection: Option<ConnectionCheck>,
}

/// Everything the instances screen shows.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    cloud_region: Region,
    cloud_account: Option<Account>,
    instances: Vec<InstanceView>,
}

/// An instance as the form sends it; a missing id adds a new one.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InstanceDraft {
    id: Option<String>,
    name: String,
    url: String,
    ca_file: Option<PathBuf>,
    installation: Option<InstallationPlace>,
}

#[tauri::command]
pub fn instances_overview(state: State<'_, AppState>) -> Result<Overview, CommandError> {
    overview(&state)
}

/// Adds or changes an instance. A changed URL forgets the session of the old one.
#[tauri::command]
pub fn instance_save(
    app: AppHandle,
    state: State<'_, AppState>,
    draft: InstanceDraft,
) -> Result<Overview, CommandError> {
    let instance = Instance {
        id: draft
            .id
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        name: draft.name.trim().to_owned(),
        url: draft.url.trim().to_owned(),
        ca_file: draft.ca_file.filter(|p| !p.as_os_str().is_empty()),
        installation: draft.installation,
        renew_automatically: Vec::new(),
    };
    let previous = state.instance(&instance.id).ok();
    state.update_settings(|settings| settings.upsert(instance.clone()))?;
    if let Some(old) =
        previous.filter(|old| old.url != instance.url || old.ca_file != instance.ca_file)
    {
        if old.url != instance.url {
            forget_session(&state, &old.url)?;
        }
        state
            .connections
            .lock()
            .expect("connections lock")
            .remove(&instance.id);
        state
            .last_known
            .lock()
            .expect("last known lock")
            .forget(&instance.id);
    }
    crate::link::changed(&app);
    overview(&state)
}

/// Removes an instance and signs out of it (its keychain entry goes too).
#[tauri::command]
pub fn instance_remove(
    app: AppHandle,
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<Overview, CommandError> {
    let instance = state.instance(&instance_id)?;
    forget_session(&state, &instance.url)?;
    state
        .connections
        .lock()
        .expect("connections lock")
        .remove(&instance_id);
    state.update_settings(|settings| {
        settings.remove(&instance_id);
        Ok(())
    })?;
    crate::link::changed(&app);
    overview(&state)
}

/// Sets the cloud account's region (US or EU).
#[tauri::command]
pub fn cloud_region_set(
    state: State<'_, AppState>,
    region: Region,
) -> Result<Overview, CommandError> {
    state.update_settings(|settings| {
        settings.cloud_region = region;
        Ok(())
    })?;
    overview(&state)
}

/// Tests whether the instance's server answers (`GET /api/config`, no sign-in, short
/// timeouts): its version, or the problem with advice. Remembered for the instance's card.
#[tauri::command]
pub async fn instance_test_connection(
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<ConnectionCheck, CommandError> {
    let instance = state.instance(&instance_id)?;
    let http = state.probe_http(instance.ca_file.clone())?;
    let endpoints = Endpoints::self_hosted(&instance.url)?;
    let check = match server_info(&http, &endpoints).await {
        Ok(info) => ConnectionCheck {
            reachable: true,
            version: info.version,
            problem: None,
            checked_at: Utc::now(),
        },
        Err(error) => ConnectionCheck {
            reachable: false,
            version: None,
            problem: Some(error.problem()),
            checked_at: Utc::now(),
        },
    };
    state.record_connection(&instance_id, check.clone());
    Ok(check)
}

/// Reads the instance's installation settings (installation ID, region, cloud
/// communication, URIs) with their findings. The installation key is never sent.
#[tauri::command]
pub async fn installation_read(
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<Camel<Installation>, CommandError> {
    let place = installation_place(&state, &instance_id)?;
    tauri::async_runtime::spawn_blocking(move || {
        let source = place.source()?;
        Ok(Camel(installation::read(&source)?))
    })
    .await
    .map_err(|_| CommandError::interrupted())?
}

/// What the cloud communication fix did: the changed lines and the backup for a local
/// installation, the commands to run for a remote one.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FixView {
    env_file: String,
    /// `nothingToDo`, `written` or `commands`.
    outcome: &'static str,
    changes: Vec<ChangeView>,
    backup: Option<String>,
    commands: Vec<String>,
    restart: String,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChangeView {
    key: &'static str,
    value: String,
    line: Option<usize>,
}

/// Turns cloud communication on (with the EU URIs for an EU installation): written with a
/// backup for a local file, or the exact commands for an SSH one.
#[tauri::command]
pub async fn installation_fix(
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<FixView, CommandError> {
    let place = installation_place(&state, &instance_id)?;
    let report = tauri::async_runtime::spawn_blocking(move || {
        let source = place.source()?;
        installation::enable_cloud_communication(&source)
    })
    .await
    .map_err(|_| CommandError::interrupted())??;
    let (outcome, backup, commands) = match report.outcome {
        FixOutcome::NothingToDo => ("nothingToDo", None, Vec::new()),
        FixOutcome::Written { backup } => ("written", Some(backup.display().to_string()), vec![]),
        FixOutcome::Commands(commands) => ("commands", None, commands),
    };
    Ok(FixView {
        env_file: report.env_file,
        outcome,
        changes: report
            .changes
            .into_iter()
            .map(|c| ChangeView {
                key: c.key,
                value: c.value,
                line: c.line,
            })
            .collect(),
        backup,
        commands,
        restart: report.restart,
    })
}

fn installation_place(
    state: &AppState,
    instance_id: &str,
) -> Result<InstallationPlace, CommandError> {
    state
        .instance(instance_id)?
        .installation
        .ok_or_else(|| CommandError::invalid(Phrase::new("request.installation_place_missing")))
}

fn forget_session(state: &AppState, url: &str) -> Result<(), CommandError> {
    if let Ok(endpoints) = Endpoints::self_hosted(url) {
        state.sessions().forget(&endpoints.server)?;
    }
    Ok(())
}

fn overview(state: &AppState) -> Result<Overview, CommandError> {
    let settings = state.settings();
    let sessions = state.sessions();
    let account = |server: Option<String>| -> Result<Option<Account>, CommandError> {
        Ok(match server {
            Some(server) => sessions.facts(&server)?.map(Account::from),
            None => None,
        })
    };
    let cloud_server = Endpoints::cloud(settings.cloud_region, &state.cloud_urls)
        .ok()
        .map(|e| e.server);
    let connections = state.connections.lock().expect("connections lock").clone();
    let mut instances = Vec::new();
    for instance in settings.instances {
        let server = Endpoints::self_hosted(&instance.url).ok().map(|e| e.server);
        instances.push(InstanceView {
            account: account(server)?,
            connection: connections.get(&instance.id).cloned(),
            instance,
        });
    }
    Ok(Overview {
        cloud_region: settings.cloud_region,
        cloud_account: account(cloud_server)?,
        instances,
    })
}
