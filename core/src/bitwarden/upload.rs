//! Replacing a license on the self-hosted server safely. Planning reads the file, asks the
//! server for the current state, inspects the file exactly as the server will, summarises
//! what changes, finds the license being replaced and which cloud organization the target
//! belongs to. Sending refuses another organization's license (always), what the server
//! would refuse (unless forced), and a downgrade or an unknown target the admin has not
//! confirmed by name; it archives both licenses first, then sends the file's original
//! bytes (contract §4.2).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use uuid::Uuid;

use super::archive::{Archive, ArchivedRole, LicenseOwner};
use super::belonging::{cloud_link, comparable, feature_phrase, losses, Belonging, Loss};
use super::errors::{BitwardenError, FileAction};
use super::http::Body;
use super::in_force::{license_in_force, ReplacedCopy};
use super::multipart::{license_form, FilePart};
use super::notes::PlanNote;
use super::organizations::{self, Profile, Subscription};
use super::replies::{api_error, asked_organization};
use super::server_info::ensure_licensing;
use super::session::Session;
use crate::license::{
    inspect_parsed, parse, summary, ExpectedInstallation, InspectOptions, Inspection, License,
    LicenseKind, LicenseSummary, TrustSet, MAX_LICENSE_BYTES,
};
use crate::messages::Phrase;

/// Where a license goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum UploadTarget {
    Organization(Uuid),
    Premium,
}

/// What to upload, and what is known about the server's installation.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub target: UploadTarget,
    pub path: PathBuf,
    pub trust: TrustSet,
    /// The installation the license must be for; unchecked (with a note) when unknown.
    pub installation: Option<ExpectedInstallation>,
    /// The server's bwdata folder, to keep the license file it holds now.
    pub bwdata: Option<PathBuf>,
    pub now: DateTime<Utc>,
}

/// One line of the before/after summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Change {
    pub what: String,
    /// `what` as a catalog phrase.
    pub label: Phrase,
    pub current: Option<String>,
    pub new: Option<String>,
    pub changed: bool,
    /// `current` and `new` are a switch: `on` or `off`.
    pub switch: bool,
}

/// Everything known before sending.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct UploadPlan {
    pub target: UploadTarget,
    pub file: String,
    pub inspection: Inspection,
    /// The server would refuse the file (the inspection's verdict).
    pub would_be_refused: bool,
    pub notes: Vec<PlanNote>,
    pub changes: Vec<Change>,
    pub replaced: Option<ReplacedCopy>,
    /// The target organization's name on the server (or its ID when it has none).
    pub organization_name: Option<String>,
    /// Whether an organization license belongs to the target organization.
    pub belonging: Option<Belonging>,
    /// What the target has now that the license takes away.
    pub losses: Vec<Loss>,
    /// The name the admin must type before it is sent: set for a downgrade and when the
    /// target's cloud organization is unknown.
    pub confirm_by_name: Option<String>,
    /// The size of the whole request body.
    pub request_bytes: usize,
    #[serde(skip)]
    owner: LicenseOwner,
    #[serde(skip)]
    already_premium: bool,
    #[serde(skip)]
    form: FilePart,
    /// The file's bytes as read, sent and archived untouched.
    #[serde(skip)]
    bytes: Vec<u8>,
}

/// What sending did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct UploadOutcome {
    /// The API route that took the license.
    pub route: String,
    pub archived_replaced: Option<PathBuf>,
    pub archived_new: PathBuf,
}

/// Reads, inspects and summarises an upload without sending anything.
pub async fn plan_upload(
    session: &Session,
    archive: &Archive,
    request: UploadRequest,
) -> Result<UploadPlan, BitwardenError> {
    let bytes = std::fs::read(&request.path)
        .map_err(|e| BitwardenError::file(FileAction::Read, &request.path, e))?;
    plan_upload_bytes(session, archive, request, bytes).await
}

/// [`plan_upload`] for a license already in memory (a fresh download); `request.path`
/// names it in the plan and in the upload's file name.
pub async fn plan_upload_bytes(
    session: &Session,
    archive: &Archive,
    request: UploadRequest,
    bytes: Vec<u8>,
) -> Result<UploadPlan, BitwardenError> {
    ensure_licensing(session).await?;
    let file = request.path.display().to_string();
    let parsed = parse(&bytes).map_err(|source| BitwardenError::LicenseUnreadable {
        path: file.clone(),
        source,
    })?;
    let mut options = InspectOptions::new(request.now, request.trust.clone());
    let mut notes = Vec::new();
    let server = &session.endpoints().server;
    let (owner, current, already_premium) = match request.target {
        UploadTarget::Organization(org) => {
            options.expected_kind = Some(LicenseKind::Organization);
            options.expected_installation = request.installation.clone();
            if request.installation.is_none() {
                notes.push(PlanNote::InstallationUnchecked);
            }
            let sub = organizations::subscription(session, org).await?;
            (
                LicenseOwner::Organization(org),
                Current::Organization { id: org, sub },
                false,
            )
        }
        UploadTarget::Premium => {
            options.expected_kind = Some(LicenseKind::User);
            let profile = organizations::profile(session).await?;
            options.email = Some(profile.email.clone());
            let premium = profile.premium;
            (
                LicenseOwner::Premium(profile.id),
                Current::Premium(profile),
                premium,
            )
        }
    };
    let inspection = inspect_parsed(&parsed, &options);
    let replaced = license_in_force(
        archive,
        server,
        owner,
        request.bwdata.as_deref(),
        &mut notes,
    );
    if replaced.is_none() {
        notes.push(PlanNote::NoReplacedCopy);
    }
    let (organization_name, belonging, losses) = match (&current, &parsed.license) {
        (Current::Organization { id: org, sub }, License::Organization(license)) => {
            let org = *org;
            let link = cloud_link(session, replaced.as_ref(), org).await;
            (
                Some(
                    sub.name
                        .clone()
                        .unwrap_or_else(|| org.hyphenated().to_string()),
                ),
                Some(Belonging::of(link.as_ref(), license)),
                losses(sub, &inspection.license),
            )
        }
        (Current::Organization { sub, .. }, License::User(_)) => {
            (sub.name.clone(), None, Vec::new())
        }
        (Current::Premium(_), _) => (None, None, Vec::new()),
    };
    let confirm_by_name = match &belonging {
        Some(Belonging::Unknown) => organization_name.clone(),
        _ if !losses.is_empty() => organization_name.clone(),
        _ => None,
    };
    // What the license in force grants: "Now" for what the server's answer leaves out.
    let in_force = replaced
        .as_ref()
        .and_then(|copy| parse(copy.bytes()).ok())
        .map(|p| summary(&p.license));
    let file_name = request.path.file_name().map_or_else(
        || "license.json".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let form = license_form(&file_name, &bytes);
    if form.bytes.len() > MAX_LICENSE_BYTES {
        return Err(BitwardenError::RequestTooLarge {
            size: form.bytes.len(),
        });
    }
    Ok(UploadPlan {
        target: request.target,
        file,
        would_be_refused: !inspection.valid,
        changes: changes(&current, &inspection, in_force.as_ref()),
        inspection,
        notes,
        replaced,
        organization_name,
        belonging,
        losses,
        confirm_by_name,
        request_bytes: form.bytes.len(),
        owner,
        already_premium,
        form,
        bytes,
    })
}

impl UploadPlan {
    /// Whether the plan may be sent: never another organization's license; a file the
    /// server would refuse only when `force`; a downgrade or an organization whose cloud
    /// organization is unknown only with its name typed as `confirmed`.
    pub fn consent(&self, force: bool, confirmed: Option<&str>) -> Result<(), BitwardenError> {
        if let Some(Belonging::Another {
            license_organization,
            license_name,
            current_organization,
            current_name,
            only_the_key_differs,
            ..
        }) = &self.belonging
        {
            let named = |name: &Option<String>, id: &Uuid| match name {
                Some(name) => format!("{name} ({})", id.hyphenated()),
                None => format!("cloud organization {}", id.hyphenated()),
            };
            return Err(BitwardenError::LicenseForAnotherOrganization {
                license: named(license_name, license_organization),
                target: self.organization_name.clone().unwrap_or_default(),
                current: named(current_name, current_organization),
                only_the_key_differs: *only_the_key_differs,
            });
        }
        if self.would_be_refused && !force {
            return Err(BitwardenError::LicenseRefused {
                path: self.file.clone(),
                message: self.inspection.server_message.clone().unwrap_or_default(),
            });
        }
        if let Some(name) = &self.confirm_by_name {
            let typed = confirmed.map(str::trim).unwrap_or_default();
            if !typed.eq_ignore_ascii_case(name.trim()) {
                let mut reasons: Vec<String> = self.losses.iter().map(Loss::describe).collect();
                if self.belonging == Some(Belonging::Unknown) {
                    reasons.insert(
                        0,
                        format!("nothing here says which cloud organization {name} belongs to"),
                    );
                }
                return Err(BitwardenError::ConfirmationRequired {
                    organization: name.clone(),
                    reasons,
                });
            }
        }
        Ok(())
    }
}

/// Archives the license in force and the new one, then sends the new one, once the plan
/// has the admin's consent ([`UploadPlan::consent`]). The archive follows the server's
/// answer: the old license counts as replaced only once the new one was accepted.
pub async fn send_upload(
    session: &Session,
    archive: &Archive,
    plan: &UploadPlan,
    force: bool,
    confirmed: Option<&str>,
) -> Result<UploadOutcome, BitwardenError> {
    plan.consent(force, confirmed)?;
    let server = &session.endpoints().server;
    let now = Utc::now();
    let before = match &plan.replaced {
        Some(copy) => {
            Some(archive.keep(server, plan.owner, now, ArchivedRole::Before, &copy.bytes)?)
        }
        None => None,
    };
    let new_copy = archive.keep(server, plan.owner, now, ArchivedRole::New, &plan.bytes)?;
    let contents = plan.form.clone();
    let (route, answer) = match plan.target {
        UploadTarget::Organization(org) => {
            let route = format!("/organizations/licenses/self-hosted/{}", org.hyphenated());
            let what = asked_organization(org);
            let answer = post_license(session, &route, contents, plan, &what).await?;
            (route, answer)
        }
        UploadTarget::Premium => send_premium(session, contents, plan).await?,
    };
    if let Err(refusal) = answer {
        archive.mark_refused(&new_copy, &refusal.to_string())?;
        return Err(refusal);
    }
    let archived_new = archive.mark_applied(&new_copy)?;
    let archived_replaced = before.map(|b| archive.mark_replaced(&b)).transpose()?;
    Ok(UploadOutcome {
        route,
        archived_replaced,
        archived_new,
    })
}

/// The server's answer to a send: accepted, or refused with its reason. A send that got
/// no answer (or a server error, which may come after the license was stored) is an
/// `Err` of the call itself.
type Answer = Result<(), BitwardenError>;

/// Premium: the first-time route, falling back on 404 to the long-standing one, which is
/// also the only route for an account that is already premium (contract §4.2).
async fn send_premium(
    session: &Session,
    contents: FilePart,
    plan: &UploadPlan,
) -> Result<(String, Answer), BitwardenError> {
    const FIRST_TIME: &str = "/account/billing/vnext/self-host/license";
    const UPDATE: &str = "/accounts/license";
    let what = Phrase::new("asked.premium_license_route");
    if !plan.already_premium {
        match post_license(session, FIRST_TIME, contents.clone(), plan, &what).await? {
            Err(BitwardenError::NotFound { .. }) => {}
            answer => return Ok((FIRST_TIME.to_owned(), answer)),
        }
    }
    let answer = post_license(session, UPDATE, contents, plan, &what).await?;
    Ok((UPDATE.to_owned(), answer))
}

async fn post_license(
    session: &Session,
    route: &str,
    contents: FilePart,
    plan: &UploadPlan,
    what: &Phrase,
) -> Result<Answer, BitwardenError> {
    let reply = session
        .call(
            Method::POST,
            session.endpoints().api_url(route)?,
            Body::Multipart {
                content_type: contents.content_type,
                bytes: contents.bytes,
            },
        )
        .await?;
    if reply.status.is_success() {
        return Ok(Ok(()));
    }
    match api_error(&reply, what, Some(&plan.file)) {
        e @ BitwardenError::ServerError { .. } => Err(e),
        refusal => Ok(Err(refusal)),
    }
}

/// The server's state before the upload.
enum Current {
    Organization { id: Uuid, sub: Subscription },
    Premium(Profile),
}

/// Current server state against the new license.
fn changes(
    current: &Current,
    inspection: &Inspection,
    in_force: Option<&LicenseSummary>,
) -> Vec<Change> {
    let l = &inspection.license;
    let d = &inspection.dates;
    let mut rows = Vec::new();
    match current {
        Current::Organization { sub, .. } => {
            rows.push(change("plan", sub.plan.clone(), l.plan.clone()));
            rows.push(change(
                "seats",
                sub.seats.map(|n| n.to_string()),
                l.seats.map(|n| n.to_string()),
            ));
            rows.push(change(
                "collections",
                sub.max_collections.map(|n| n.to_string()),
                l.max_collections.map(|n| n.to_string()),
            ));
            rows.push(change(
                "expires",
                sub.expiration.map(day),
                d.expires.map(day),
            ));
            rows.push(change(
                "subscription_ends",
                sub.expiration_without_grace.map(day),
                d.expiration_without_grace.map(day),
            ));
            for (name, on) in &l.features {
                let now = sub
                    .features
                    .iter()
                    .find(|(k, _)| comparable(k) == comparable(name))
                    .map(|(_, v)| *v)
                    .or_else(|| in_force.and_then(|f| f.features.get(name).copied()));
                if now != Some(*on) {
                    rows.push(switched(feature_phrase(name), now, Some(*on)));
                }
            }
        }
        Current::Premium(profile) => {
            rows.push(switched(
                Phrase::new("upload.change.premium"),
                Some(profile.premium),
                l.premium,
            ));
            rows.push(change(
                "email",
                Some(profile.email.clone()),
                l.email.clone(),
            ));
            rows.push(change("expires", None, d.expires.map(day)));
        }
    }
    rows
}

/// A row labelled `upload.change.<label>`.
fn change(label: &str, current: Option<String>, new: Option<String>) -> Change {
    row(
        Phrase::new(format!("upload.change.{label}")),
        current,
        new,
        false,
    )
}

/// The row of a switch, its values `on` or `off`.
fn switched(label: Phrase, current: Option<bool>, new: Option<bool>) -> Change {
    row(label, current.map(switch), new.map(switch), true)
}

fn row(label: Phrase, current: Option<String>, new: Option<String>, switch: bool) -> Change {
    Change {
        what: label.say("en"),
        label,
        changed: current != new,
        current,
        new,
        switch,
    }
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn switch(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}
