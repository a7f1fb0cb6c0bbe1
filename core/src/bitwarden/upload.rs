//! Replacing a license on the self-hosted server safely. Planning reads the file, asks the
//! server for the current state, inspects the file exactly as the server will, summarises
//! what changes, and finds the license being replaced. Sending refuses what the server
//! would refuse (unless forced), archives both licenses first, then sends the file's
//! original bytes (contract §4.2).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use uuid::Uuid;

use super::archive::{Archive, LicenseOwner};
use super::errors::BitwardenError;
use super::http::Body;
use super::multipart::{license_form, FilePart};
use super::organizations::{self, Profile, Subscription};
use super::replies::api_error;
use super::session::Session;
use crate::license::{
    inspect_parsed, parse, ExpectedInstallation, InspectOptions, Inspection, LicenseKind, TrustSet,
    MAX_LICENSE_BYTES,
};

/// Where a license goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
pub struct Change {
    pub what: String,
    pub current: Option<String>,
    pub new: Option<String>,
    pub changed: bool,
}

/// The license being replaced, and where its copy was found.
#[derive(Debug, Clone, Serialize)]
pub struct ReplacedCopy {
    pub source: PathBuf,
    #[serde(skip)]
    bytes: Vec<u8>,
}

/// Everything known before sending.
#[derive(Debug, Clone, Serialize)]
pub struct UploadPlan {
    pub target: UploadTarget,
    pub file: String,
    pub inspection: Inspection,
    /// The server would refuse the file (the inspection's verdict).
    pub would_be_refused: bool,
    pub notes: Vec<String>,
    pub changes: Vec<Change>,
    pub replaced: Option<ReplacedCopy>,
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
    let file = request.path.display().to_string();
    let bytes =
        std::fs::read(&request.path).map_err(|e| BitwardenError::file("read", &request.path, e))?;
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
                notes.push("The installation ID was not checked: pass --bwdata DIR or --installation-id ID to check it.".to_owned());
            }
            let sub = organizations::subscription(session, org).await?;
            (
                LicenseOwner::Organization(org),
                Current::Organization(sub),
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
    let replaced = find_replaced(
        archive,
        server,
        owner,
        request.bwdata.as_deref(),
        &mut notes,
    );
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
        changes: changes(&current, &inspection),
        inspection,
        notes,
        replaced,
        request_bytes: form.bytes.len(),
        owner,
        already_premium,
        form,
        bytes,
    })
}

/// Archives the replaced and the new license, then sends the new one. A file the server
/// would refuse is not sent unless `force`.
pub async fn send_upload(
    session: &Session,
    archive: &Archive,
    plan: &UploadPlan,
    force: bool,
) -> Result<UploadOutcome, BitwardenError> {
    if plan.would_be_refused && !force {
        return Err(BitwardenError::LicenseRefused {
            path: plan.file.clone(),
            message: plan.inspection.server_message.clone().unwrap_or_default(),
        });
    }
    let server = &session.endpoints().server;
    let now = Utc::now();
    let archived_replaced = match &plan.replaced {
        Some(copy) => Some(archive.keep(server, plan.owner, now, "replaced", &copy.bytes)?),
        None => None,
    };
    let contents = plan.form.clone();
    let new_copy = archive.keep(server, plan.owner, now, "new", &plan.bytes)?;
    let route = match plan.target {
        UploadTarget::Organization(org) => {
            let route = format!("/organizations/licenses/self-hosted/{}", org.hyphenated());
            post_license(
                session,
                &route,
                contents,
                plan,
                &format!("organization {}", org.hyphenated()),
            )
            .await?;
            route
        }
        UploadTarget::Premium => send_premium(session, contents, plan).await?,
    };
    let archived_new = archive.mark_applied(&new_copy)?;
    Ok(UploadOutcome {
        route,
        archived_replaced,
        archived_new,
    })
}

/// Premium: the first-time route, falling back on 404 to the long-standing one, which is
/// also the only route for an account that is already premium (contract §4.2).
async fn send_premium(
    session: &Session,
    contents: FilePart,
    plan: &UploadPlan,
) -> Result<String, BitwardenError> {
    const FIRST_TIME: &str = "/account/billing/vnext/self-host/license";
    const UPDATE: &str = "/accounts/license";
    if !plan.already_premium {
        match post_license(
            session,
            FIRST_TIME,
            contents.clone(),
            plan,
            "the premium license route",
        )
        .await
        {
            Err(BitwardenError::NotFound { .. }) => {}
            other => return other.map(|()| FIRST_TIME.to_owned()),
        }
    }
    post_license(session, UPDATE, contents, plan, "the premium license route").await?;
    Ok(UPDATE.to_owned())
}

async fn post_license(
    session: &Session,
    route: &str,
    contents: FilePart,
    plan: &UploadPlan,
    what: &str,
) -> Result<(), BitwardenError> {
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
        Ok(())
    } else {
        Err(api_error(&reply, what, Some(&plan.file)))
    }
}

/// The server's state before the upload.
enum Current {
    Organization(Subscription),
    Premium(Profile),
}

/// The license the upload replaces: the server's own copy when its folder is known, else
/// the last one applied through this tool.
fn find_replaced(
    archive: &Archive,
    server: &str,
    owner: LicenseOwner,
    bwdata: Option<&Path>,
    notes: &mut Vec<String>,
) -> Option<ReplacedCopy> {
    if let Some(bwdata) = bwdata {
        let relative = match owner {
            LicenseOwner::Organization(id) => format!("organization/{}.json", id.hyphenated()),
            LicenseOwner::Premium(id) => format!("user/{}.json", id.hyphenated()),
        };
        let candidates = [
            bwdata.join("core/licenses").join(&relative),
            bwdata.join("bwdata/core/licenses").join(&relative),
        ];
        for candidate in &candidates {
            match std::fs::read(candidate) {
                Ok(bytes) => {
                    return Some(ReplacedCopy {
                        source: candidate.clone(),
                        bytes,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => notes.push(format!(
                    "The server's current license {} could not be read ({e}); run with sudo to keep a copy of it.",
                    candidate.display()
                )),
            }
        }
    }
    match archive.last_applied(server, owner) {
        Some(path) => match std::fs::read(&path) {
            Ok(bytes) => Some(ReplacedCopy {
                source: path,
                bytes,
            }),
            Err(e) => {
                notes.push(format!(
                    "The last applied license {} could not be read ({e}).",
                    path.display()
                ));
                None
            }
        },
        None => {
            notes.push("No copy of the license being replaced is available (pass --bwdata DIR to keep the server's copy).".to_owned());
            None
        }
    }
}

/// Current server state against the new license.
fn changes(current: &Current, inspection: &Inspection) -> Vec<Change> {
    let l = &inspection.license;
    let d = &inspection.dates;
    let mut rows = Vec::new();
    match current {
        Current::Organization(sub) => {
            rows.push(change("Plan", sub.plan.clone(), l.plan.clone()));
            rows.push(change(
                "Seats",
                sub.seats.map(|n| n.to_string()),
                l.seats.map(|n| n.to_string()),
            ));
            rows.push(change(
                "Collections",
                sub.max_collections.map(|n| n.to_string()),
                l.max_collections.map(|n| n.to_string()),
            ));
            rows.push(change(
                "Expires",
                sub.expiration.map(day),
                d.expires.map(day),
            ));
            rows.push(change(
                "Subscription ends",
                sub.expiration_without_grace.map(day),
                d.expiration_without_grace.map(day),
            ));
            for (name, on) in &l.features {
                let now = sub
                    .features
                    .iter()
                    .find(|(k, _)| comparable(k) == comparable(name))
                    .map(|(_, v)| *v);
                if now != Some(*on) {
                    rows.push(change(name, now.map(switch), Some(switch(*on))));
                }
            }
        }
        Current::Premium(profile) => {
            rows.push(change(
                "Premium",
                Some(switch(profile.premium)),
                l.premium.map(switch),
            ));
            rows.push(change(
                "Email",
                Some(profile.email.clone()),
                l.email.clone(),
            ));
            rows.push(change("Expires", None, d.expires.map(day)));
        }
    }
    rows
}

fn change(what: &str, current: Option<String>, new: Option<String>) -> Change {
    Change {
        what: what.to_owned(),
        changed: current != new,
        current,
        new,
    }
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn switch(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}

/// `useSso`, `UseSso` and `use_sso` compare equal.
fn comparable(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
