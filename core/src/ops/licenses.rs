//! Licenses as a person gets, picks and places them: a download saved beside the old file,
//! what the cloud account can download, where an opened license can go on a server, and
//! the archive's history of what was applied or replaced there, from which a license that
//! was in force can be opened again.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::bitwarden::{
    download_organization_license, download_premium_license, find_cloud_link, place, profile,
    save_keeping_old, subscription, Archive, ArchivedLicense, ArchivedRole, BitwardenError,
    Candidate, Downloaded, LicenseOwner, Saved, Session, DEFAULT_COLLECTION,
    ORGANIZATION_LICENSE_FILE, PREMIUM_LICENSE_FILE,
};
use crate::error::{Explain, Problem, Words};
use crate::license::{parse, License, LicenseKind, ParsedLicense, PlanType};
use crate::messages::Phrase;

/// A license to get from the cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// A cloud organization's license, made for one installation of the server.
    Organization { cloud_org: Uuid, installation: Uuid },
    /// The signed-in account's premium license.
    Premium,
}

impl Wanted {
    /// The name the server gives such a license file.
    pub fn file_name(self) -> &'static str {
        match self {
            Wanted::Organization { .. } => ORGANIZATION_LICENSE_FILE,
            Wanted::Premium => PREMIUM_LICENSE_FILE,
        }
    }
}

/// Downloads the wanted license and saves it as `path`, keeping a file already there
/// beside it.
pub async fn download(
    cloud: &Session,
    wanted: Wanted,
    path: &Path,
) -> Result<(Saved, Downloaded), BitwardenError> {
    let downloaded = match wanted {
        Wanted::Organization {
            cloud_org,
            installation,
        } => download_organization_license(cloud, cloud_org, installation).await?,
        Wanted::Premium => download_premium_license(cloud).await?,
    };
    let saved = save_keeping_old(path, &downloaded.bytes, Utc::now())?;
    Ok((saved, downloaded))
}

/// A cloud organization the cloud account owns, to download its license.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloudChoice {
    pub id: Uuid,
    pub name: String,
    pub plan: Option<String>,
    /// Whether its plan allows self-hosting (`None` when the plan could not be read).
    pub can_self_host: Option<bool>,
    /// Why its plan could not be read.
    pub problem: Option<Problem>,
}

/// What the cloud account can download licenses for.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloudChoices {
    pub email: String,
    pub premium: bool,
    pub organizations: Vec<CloudChoice>,
}

/// The cloud organizations the cloud account owns, each with its plan and whether that
/// plan may self-host, read at once.
pub async fn cloud_choices(cloud: &Session) -> Result<CloudChoices, BitwardenError> {
    let me = profile(cloud).await?;
    let organizations = join_all(me.organizations.iter().filter(|m| m.is_owner()).map(
        |m| async move {
            let (plan, can_self_host, problem) = match subscription(cloud, m.id).await {
                Ok(sub) => (sub.plan, sub.plan_type.map(may_self_host), None),
                Err(e) => (None, None, Some(e.problem())),
            };
            CloudChoice {
                id: m.id,
                name: m.name.clone(),
                plan,
                can_self_host,
                problem,
            }
        },
    ))
    .await;
    Ok(CloudChoices {
        email: me.email,
        premium: me.premium,
        organizations,
    })
}

/// Whether a plan type (`PlanType`, contract §1) may self-host; an unknown number may not.
fn may_self_host(plan_type: i64) -> bool {
    u8::try_from(plan_type).is_ok_and(|p| PlanType(p).can_self_host())
}

/// Where an opened license can go on a server.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Targets {
    /// The organizations the signed-in account owns there, each with whether the license
    /// belongs to it (`belonging.verdict`: `same`, `another`, `unknown`).
    pub organizations: Vec<Candidate>,
    /// The signed-in account (its premium license is replaced by a premium upload).
    pub account_email: String,
    pub account_premium: bool,
    /// The organization the license belongs to, or `premium`.
    pub suggested: Option<String>,
    /// The license can make a new organization here.
    pub can_create: bool,
    pub default_collection: &'static str,
}

/// Judges `license` against every organization the account owns on the server (their
/// cloud links read at once, from the archive and `bwdata` where the server keeps them).
/// `server_would_accept` is the inspection's verdict against this installation.
pub async fn targets(
    session: &Session,
    archive: &Archive,
    bwdata: Option<&Path>,
    license: &ParsedLicense,
    server_would_accept: bool,
) -> Result<Targets, BitwardenError> {
    let me = profile(session).await?;
    let owned = join_all(
        me.organizations
            .iter()
            .filter(|m| m.is_owner())
            .map(|m| async move {
                let link = find_cloud_link(session, archive, m.id, bwdata).await;
                (m.id, m.name.clone(), link)
            }),
    )
    .await;
    let placement = place(license, server_would_accept, owned);
    let suggested = match license.license.kind() {
        LicenseKind::Organization => placement.suggested.map(|id| id.hyphenated().to_string()),
        LicenseKind::User => Some("premium".to_owned()),
    };
    Ok(Targets {
        suggested,
        can_create: placement.can_create,
        organizations: placement.organizations,
        account_email: me.email,
        account_premium: me.premium,
        default_collection: DEFAULT_COLLECTION,
    })
}

/// One archived license of a server, as the history shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Names the entry for [`restorable`] (never a path a caller could change).
    pub key: String,
    /// `organization` or `premium`.
    pub owner_kind: &'static str,
    pub owner_id: Uuid,
    pub role: ArchivedRole,
    /// The server's answer, for a refused license.
    pub answer: Option<String>,
    /// Whom the license names (organization name or account e-mail), read from the file
    /// so the history reads the same when the server cannot be reached.
    pub licensed_to: Option<String>,
    /// It was in force at some point, so it can be applied again.
    pub restorable: bool,
    pub at: DateTime<Utc>,
    pub file: String,
}

/// Every license applied or replaced on `server` (by the app or `bwlicense`), newest first.
pub fn history(archive: &Archive, server: &str) -> Vec<HistoryEntry> {
    archive
        .history(server)
        .into_iter()
        .map(|entry| {
            let (owner_kind, owner_id) = match entry.owner {
                LicenseOwner::Organization(id) => ("organization", id),
                LicenseOwner::Premium(id) => ("premium", id),
            };
            HistoryEntry {
                key: history_key(&entry.path),
                owner_kind,
                owner_id,
                role: entry.role,
                restorable: entry.role.was_in_force(),
                licensed_to: licensed_to(&entry.path),
                answer: entry.answer,
                at: entry.at,
                file: entry.path.display().to_string(),
            }
        })
        .collect()
}

/// An archived license that may be applied again, and whom it was for.
#[derive(Debug, Clone)]
pub struct Restorable {
    pub path: PathBuf,
    pub owner: LicenseOwner,
}

/// Why an archived license cannot be opened again.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RestoreError {
    #[error("That archived license is no longer there.")]
    Gone,
    #[error("That license was never in force on the server, so there is nothing to restore.")]
    NeverInForce,
}

impl Explain for RestoreError {
    fn code(&self) -> &'static str {
        match self {
            RestoreError::Gone => "archived_license_gone",
            RestoreError::NeverInForce => "archived_license_never_in_force",
        }
    }

    fn words(&self) -> Option<Words> {
        let key = match self {
            RestoreError::Gone => "restore.gone",
            RestoreError::NeverInForce => "restore.never_in_force",
        };
        Some(Words {
            message: vec![Phrase::new(key)],
            advice: vec![Phrase::new(format!("{key}.advice"))],
        })
    }
}

/// The history entry `key` of `server`, when it was in force once (applying it again goes
/// through the same review as any upload).
pub fn restorable(archive: &Archive, server: &str, key: &str) -> Result<Restorable, RestoreError> {
    let entry: ArchivedLicense = archive
        .history(server)
        .into_iter()
        .find(|e| history_key(&e.path) == key)
        .ok_or(RestoreError::Gone)?;
    if !entry.role.was_in_force() {
        return Err(RestoreError::NeverInForce);
    }
    Ok(Restorable {
        path: entry.path,
        owner: entry.owner,
    })
}

/// The organization name or e-mail an archived license names.
fn licensed_to(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    match parse(&bytes).ok()?.license {
        License::Organization(l) => l.name,
        License::User(l) => l.email.or(l.name),
    }
}

/// An archived file's owner folder and file name.
fn history_key(path: &Path) -> String {
    let mut parts = path.iter().rev().take(2).collect::<Vec<_>>();
    parts.reverse();
    parts
        .iter()
        .map(|p| p.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_key_names_the_owner_folder_and_file_only() {
        assert_eq!(
            history_key(Path::new(
                "/data/licenses/vault_8443/organization-1/20250101T000000.000Z-applied.json"
            )),
            "organization-1/20250101T000000.000Z-applied.json"
        );
    }

    #[test]
    fn only_plans_that_may_self_host_offer_a_download_and_unknown_numbers_do_not() {
        assert!(!may_self_host(0), "Free");
        assert!(may_self_host(20), "EnterpriseAnnually");
        assert!(!may_self_host(21), "TeamsStarter");
        assert!(!may_self_host(-1));
        assert!(!may_self_host(1_000));
    }
}
