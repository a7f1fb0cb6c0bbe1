//! The License screen: open a license (native picker, drag and drop, cloud download,
//! archive), inspect it against the chosen instance's installation, apply it after the
//! user confirmed the change, list what was applied, and create an organization from an
//! organization license. Every path is chosen in Rust; the page holds opaque ids.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use chrono::Utc;
use companion_core::app::Instance;
use companion_core::bitwarden::{
    create_organization, find_cloud_link, plan_upload, prepare_organization, send_upload, Archive,
    BitwardenError, CreatedOrganization, FileAction, LicenseOwner, OrganizationRequest,
    UploadOutcome, UploadPlan, UploadRequest, UploadTarget,
};
use companion_core::error::Problem;
use companion_core::files;
use companion_core::license::{inspect, parse, InspectOptions, Inspection};
use companion_core::messages::Phrase;
use companion_core::ops::licenses::{self, HistoryEntry, Targets, Wanted};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State, WebviewWindow};
use uuid::Uuid;

use crate::camel::Camel;
use crate::error::CommandError;
use crate::events::{self, CreateProgress, CreateStep};
use crate::opened::OpenedLicenses;
use crate::picker::pick_license_file;
use crate::state::AppState;
use companion_desktop::installation::installation_of;

/// Upload plans the user has seen but not yet confirmed, by id. Sending takes a plan out,
/// so a confirmed upload is sent once and never again without a new review.
#[derive(Default)]
pub struct PendingUploads(Mutex<HashMap<String, PendingUpload>>);

struct PendingUpload {
    instance_id: String,
    plan: UploadPlan,
}

/// An opened license and its full inspection against the instance's installation.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OpenedReport {
    id: String,
    file: String,
    source: String,
    /// The installation the license was checked against, when the instance says where
    /// its installation lives and it could be read.
    installation: Option<InstallationRef>,
    /// Why the installation could not be read (the checks then skip it).
    installation_problem: Option<Problem>,
    #[cfg_attr(test, ts(as = "Inspection"))]
    inspection: Camel<Inspection>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
struct InstallationRef {
    id: Uuid,
    origin: String,
}

/// Opens a license with the native file picker (modal to the window that asked);
/// `None` when the user cancelled.
#[tauri::command]
pub async fn license_pick(
    window: WebviewWindow,
    state: State<'_, AppState>,
    opened: State<'_, OpenedLicenses>,
    instance_id: Option<String>,
    title: String,
) -> Result<Option<OpenedReport>, CommandError> {
    let Some(path) = pick_license_file(&window, title).await? else {
        return Ok(None);
    };
    let id = opened.open_file(&path)?;
    report(&state, &opened, &id, instance_id.as_deref())
        .await
        .map(Some)
}

/// The report of an opened license (after a drop, or when the instance changes).
#[tauri::command]
pub async fn license_report(
    state: State<'_, AppState>,
    opened: State<'_, OpenedLicenses>,
    id: String,
    instance_id: Option<String>,
) -> Result<OpenedReport, CommandError> {
    report(&state, &opened, &id, instance_id.as_deref()).await
}

/// Downloads the organization license of a cloud organization (for the instance's
/// installation ID) or, without `cloud_org_id`, the cloud account's premium license; saves
/// it in the data folder (an older file is kept beside it) and opens it.
#[tauri::command]
pub async fn license_download(
    state: State<'_, AppState>,
    opened: State<'_, OpenedLicenses>,
    instance_id: Option<String>,
    cloud_org_id: Option<String>,
) -> Result<OpenedReport, CommandError> {
    let instance = instance_id
        .as_deref()
        .map(|id| state.instance(id))
        .transpose()?;
    let org = cloud_org_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Uuid::parse_str(s).map_err(|_| {
                CommandError::invalid(Phrase::new("request.not_an_organization_id").with("id", s))
            })
        })
        .transpose()?;
    let wanted = match org {
        Some(cloud_org) => {
            let installation = match &instance {
                Some(instance) => installation_of(instance).await.0,
                None => None,
            };
            let installation = installation
                .ok_or_else(|| CommandError::invalid(Phrase::new("request.installation_needed")))?;
            Wanted::Organization {
                cloud_org,
                installation: installation.id,
            }
        }
        None => Wanted::Premium,
    };
    let session = state.cloud_session().await?;
    let folder = state.folders.data.join("downloads");
    files::create_private_dir(&folder)
        .map_err(|e| BitwardenError::file(FileAction::Create, &folder, e))?;
    let path = folder.join(wanted.file_name());
    let (_, downloaded) = licenses::download(&session, wanted, &path).await?;
    let id = opened.keep(wanted.file_name().to_owned(), path, downloaded.bytes)?;
    report(&state, &opened, &id, instance_id.as_deref()).await
}

/// What the cloud account can download licenses for, and which cloud organization the
/// asked-for self-hosted organization belongs to.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloudChoices {
    #[serde(flatten)]
    choices: licenses::CloudChoices,
    linked: Option<Uuid>,
}

/// The cloud organizations the cloud account owns (with plan and whether they can
/// self-host), and, for `org_id` on the instance, which of them it belongs to.
#[tauri::command]
pub async fn license_cloud_orgs(
    state: State<'_, AppState>,
    instance_id: Option<String>,
    org_id: Option<Uuid>,
) -> Result<CloudChoices, CommandError> {
    let session = state.cloud_session().await?;
    let choices = licenses::cloud_choices(&session).await?;
    let linked = match (instance_id, org_id) {
        (Some(instance_id), Some(org)) => {
            let instance = state.instance(&instance_id)?;
            let session = state.instance_session(&instance_id).await?;
            let bwdata = bwdata_of(&instance);
            find_cloud_link(&session, &archive(&state), org, bwdata.as_deref())
                .await
                .map(|link| link.cloud_organization_id)
        }
        _ => None,
    };
    Ok(CloudChoices { choices, linked })
}

/// The organizations and account an opened license may be applied to.
#[tauri::command]
pub async fn license_targets(
    state: State<'_, AppState>,
    opened: State<'_, OpenedLicenses>,
    instance_id: String,
    id: String,
) -> Result<Camel<Targets>, CommandError> {
    let license = opened.get(&id).ok_or_else(unknown_license)?;
    let report = report(&state, &opened, &id, Some(&instance_id)).await?;
    let instance = state.instance(&instance_id)?;
    let session = state.instance_session(&instance_id).await?;
    let parsed = parse(&license.bytes).map_err(|source| BitwardenError::LicenseUnreadable {
        path: license.source.display().to_string(),
        source,
    })?;
    let bwdata = bwdata_of(&instance);
    let targets = licenses::targets(
        &session,
        &archive(&state),
        bwdata.as_deref(),
        &parsed,
        report.inspection.0.valid,
    )
    .await?;
    Ok(Camel(targets))
}

/// Where the page asks to apply a license.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TargetArg {
    Organization { id: Uuid },
    Premium,
}

/// A reviewed upload waiting for the user's confirmation.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PlannedUpload {
    plan_id: String,
    #[cfg_attr(test, ts(as = "UploadPlan"))]
    plan: Camel<UploadPlan>,
}

/// Checks the opened license for the target and summarises what would change; sends
/// nothing (contract §4.2).
#[tauri::command]
pub async fn license_plan_upload(
    state: State<'_, AppState>,
    opened: State<'_, OpenedLicenses>,
    pending: State<'_, PendingUploads>,
    instance_id: String,
    id: String,
    target: TargetArg,
) -> Result<PlannedUpload, CommandError> {
    let license = opened.get(&id).ok_or_else(unknown_license)?;
    let instance = state.instance(&instance_id)?;
    let (target, installation) = match target {
        TargetArg::Organization { id } => (
            UploadTarget::Organization(id),
            installation_of(&instance).await.0,
        ),
        TargetArg::Premium => (UploadTarget::Premium, None),
    };
    let request = UploadRequest {
        target,
        path: license.staged.clone(),
        trust: state.trust()?,
        installation,
        bwdata: bwdata_of(&instance),
        now: Utc::now(),
    };
    let session = state.instance_session(&instance_id).await?;
    let plan = plan_upload(&session, &archive(&state), request).await?;
    let plan_id = Uuid::new_v4().simple().to_string();
    let shown = plan.clone();
    pending.0.lock().expect("pending uploads lock").insert(
        plan_id.clone(),
        PendingUpload {
            instance_id: instance_id.clone(),
            plan,
        },
    );
    Ok(PlannedUpload {
        plan_id,
        plan: Camel(shown),
    })
}

/// Sends a reviewed upload once: the plan is used up whatever the answer, so a failure
/// is never retried blindly (the user reviews again). `confirmed` is the organization name
/// the user typed when the review asked for it (a downgrade, an unknown organization).
#[tauri::command]
pub async fn license_send_upload(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, PendingUploads>,
    plan_id: String,
    confirmed: Option<String>,
) -> Result<Camel<UploadOutcome>, CommandError> {
    let PendingUpload { instance_id, plan } = pending
        .0
        .lock()
        .expect("pending uploads lock")
        .remove(&plan_id)
        .ok_or_else(|| CommandError::invalid(Phrase::new("request.upload_gone")))?;
    let session = state.instance_session(&instance_id).await?;
    let outcome = send_upload(
        &session,
        &archive(&state),
        &plan,
        false,
        confirmed.as_deref(),
    )
    .await?;
    // New dates and seats: the tray icon and the reminders follow.
    crate::link::changed(&app);
    Ok(Camel(outcome))
}

/// Forgets a reviewed upload the user cancelled.
#[tauri::command]
pub fn license_discard_upload(pending: State<'_, PendingUploads>, plan_id: String) {
    pending
        .0
        .lock()
        .expect("pending uploads lock")
        .remove(&plan_id);
}

/// Every license this app or `bwlicense` applied or replaced on the instance, newest
/// first, from the archive in the data folder.
#[tauri::command]
pub fn license_history(
    state: State<'_, AppState>,
    instance_id: String,
) -> Result<Vec<HistoryEntry>, CommandError> {
    let server = server_of(&state, &instance_id)?;
    Ok(licenses::history(&archive(&state), &server))
}

/// An archived license opened again, with the target it was for.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    report: OpenedReport,
    /// Where it was applied, which the review proposes again.
    target: TargetArg,
}

/// Opens an archived license of the instance so it can be uploaded again (after the same
/// review and confirmation as any upload).
#[tauri::command]
pub async fn license_restore(
    state: State<'_, AppState>,
    opened: State<'_, OpenedLicenses>,
    instance_id: String,
    key: String,
) -> Result<Restored, CommandError> {
    let server = server_of(&state, &instance_id)?;
    let restorable = licenses::restorable(&archive(&state), &server, &key)?;
    let id = opened.open_file(&restorable.path)?;
    let target = match restorable.owner {
        LicenseOwner::Organization(id) => TargetArg::Organization { id },
        LicenseOwner::Premium(_) => TargetArg::Premium,
    };
    Ok(Restored {
        report: report(&state, &opened, &id, Some(&instance_id)).await?,
        target,
    })
}

/// Creates an organization on the instance from an opened organization license: checks
/// it, makes the keys here (crypto §3), sends the sign-up once and reports the new
/// organization. Progress goes to the page as [`CreateProgress`].
#[tauri::command]
pub async fn license_create_organization(
    app: AppHandle,
    state: State<'_, AppState>,
    opened: State<'_, OpenedLicenses>,
    instance_id: String,
    id: String,
    collection: Option<String>,
) -> Result<Camel<CreatedOrganization>, CommandError> {
    let license = opened.get(&id).ok_or_else(unknown_license)?;
    let instance = state.instance(&instance_id)?;
    let progress = |step| events::send(&app, CreateProgress { step });
    progress(CreateStep::Checking);
    let request = OrganizationRequest {
        path: license.staged.clone(),
        collection,
        trust: state.trust()?,
        installation: installation_of(&instance).await.0,
        now: Utc::now(),
    };
    let session = state.instance_session(&instance_id).await?;
    let draft = prepare_organization(&session, request).await?;
    progress(CreateStep::Sending);
    let created = create_organization(&session, &archive(&state), &draft).await?;
    crate::link::changed(&app);
    Ok(Camel(created))
}

/// Inspects an opened license against the instance's installation (when known).
async fn report(
    state: &AppState,
    opened: &OpenedLicenses,
    id: &str,
    instance_id: Option<&str>,
) -> Result<OpenedReport, CommandError> {
    let license = opened.get(id).ok_or_else(unknown_license)?;
    let instance = instance_id.map(|id| state.instance(id)).transpose()?;
    let (installation, installation_problem) = match &instance {
        Some(instance) => installation_of(instance).await,
        None => (None, None),
    };
    let mut options = InspectOptions::new(Utc::now(), state.trust()?);
    options.expected_installation = installation.clone();
    let inspection =
        inspect(&license.bytes, &options).map_err(|source| BitwardenError::LicenseUnreadable {
            path: license.source.display().to_string(),
            source,
        })?;
    Ok(OpenedReport {
        id: id.to_owned(),
        file: license.name.clone(),
        source: license.source.display().to_string(),
        installation: installation.map(|i| InstallationRef {
            id: i.id,
            origin: i.origin,
        }),
        installation_problem,
        inspection: Camel(inspection),
    })
}

/// The instance's bwdata folder, where the server keeps the license being replaced.
fn bwdata_of(instance: &Instance) -> Option<PathBuf> {
    instance.installation.as_ref().and_then(|p| p.bwdata())
}

fn archive(state: &AppState) -> Archive {
    Archive::new(state.folders.licenses())
}

/// The name the archive files an instance under (its endpoints' server).
fn server_of(state: &AppState, instance_id: &str) -> Result<String, CommandError> {
    Ok(state.instance_client(instance_id)?.1.server)
}

fn unknown_license() -> CommandError {
    CommandError::invalid(Phrase::new("request.license_not_open"))
}
