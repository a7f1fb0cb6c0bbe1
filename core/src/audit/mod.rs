//! The server's own view of its licenses: what `ValidateOrganizationsJob` (00:30 and 12:30
//! UTC) and `ValidateUsersJob` (every six hours) will do at their next run, predicted from
//! the license files the server keeps and the organizations as its API reports them
//! (contract §"Background revalidation"). Each organization or premium user gets an
//! [`Outcome`], the server's disable text, the findings behind it and the one [`Action`]
//! that prevents it.
//!
//! The job also compares each organization's license key with its database, which no API
//! shows; uploads set it from the file, so the stored file's key stands in for it.

mod error;
mod organization;
mod readback;
mod schedule;
mod server_view;
mod store;
mod user;
mod verdict;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::app::{InstallationPlace, Instance};
use crate::installation::{self, SshTarget};
use crate::license::TrustSet;

pub use error::AuditError;
pub use schedule::Job;
pub use server_view::{server_view, AccountView, OrganizationView, ServerView};
pub use store::{licenses_below, FileKind, LicenseStore, StoreSource, StoredFile};
pub use verdict::{Action, DisableReason, Finding, Outcome, Prediction};

/// Where the installation and its license files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditSource {
    /// A local bwdata folder (or Lite folder) for the installation ID; the license folder is
    /// `core/licenses` below it unless given (Lite keeps it in its docker volume).
    Local {
        installation: PathBuf,
        licenses: Option<PathBuf>,
    },
    /// A remote bwdata folder, read with the system `ssh` client.
    Ssh(SshTarget),
}

impl AuditSource {
    /// Where a configured instance's installation and license files are: the folder, the
    /// env file with `core/licenses` below its bwdata folder, or the SSH target.
    pub fn of_instance(instance: &Instance) -> Result<AuditSource, AuditError> {
        let place =
            instance
                .installation
                .as_ref()
                .ok_or_else(|| AuditError::InstallationPlaceMissing {
                    instance: instance.name.clone(),
                })?;
        Ok(match place {
            InstallationPlace::Folder { path } => AuditSource::Local {
                installation: path.clone(),
                licenses: None,
            },
            InstallationPlace::EnvFile { path } => AuditSource::Local {
                installation: path.clone(),
                licenses: place.bwdata().map(|bwdata| licenses_below(&bwdata)),
            },
            InstallationPlace::Ssh { target } => AuditSource::Ssh(SshTarget::parse(target)?),
        })
    }
}

/// The installation ID and the stored license files of a server.
#[derive(Debug, Clone)]
pub struct ServerFiles {
    pub installation_id: Option<Uuid>,
    pub store: LicenseStore,
}

/// Reads the installation ID and every stored license file. Sync: SSH runs a child process.
pub fn read_server_files(source: &AuditSource) -> Result<ServerFiles, AuditError> {
    let (found, store) = match source {
        AuditSource::Local {
            installation,
            licenses,
        } => {
            let found = installation::read(&installation::Source::Path(installation.clone()))?;
            let folder = licenses
                .clone()
                .unwrap_or_else(|| licenses_below(installation));
            (found, store::read(&StoreSource::Local(folder))?)
        }
        AuditSource::Ssh(target) => {
            let found = installation::read(&installation::Source::Ssh(target.clone()))?;
            (found, store::read(&StoreSource::Ssh(target.clone()))?)
        }
    };
    Ok(ServerFiles {
        installation_id: found.installation_id,
        store,
    })
}

/// What the audit looks at.
pub struct AuditInput<'a> {
    pub store: &'a LicenseStore,
    /// The server's installation ID (`globalSettings__installation__id`).
    pub installation_id: Option<Uuid>,
    /// The signed-in server's answers; without them plan values are not compared.
    pub view: Option<&'a ServerView>,
    /// The certificates the server verifies with.
    pub trust: &'a TrustSet,
    pub now: DateTime<Utc>,
}

/// One organization or premium user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The self-hosted organization's or user's id (the file's name).
    pub id: Uuid,
    /// The organization's name or the account's e-mail, when known.
    pub name: Option<String>,
    pub file: Option<String>,
    pub next_run: DateTime<Utc>,
    pub prediction: Prediction,
}

/// The audit of one server.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub folder: String,
    pub installation_id: Option<Uuid>,
    pub checked_at: DateTime<Utc>,
    pub organizations_job: JobRun,
    pub users_job: JobRun,
    /// Whether the plan values came from the signed-in server.
    pub server: Option<String>,
    pub organizations: Vec<Subject>,
    pub users: Vec<Subject>,
}

/// A job and its next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JobRun {
    pub job: Job,
    pub cron: &'static str,
    pub next_run: DateTime<Utc>,
}

impl JobRun {
    fn of(job: Job, now: DateTime<Utc>) -> Self {
        JobRun {
            job,
            cron: job.cron(),
            next_run: job.next_run(now),
        }
    }
}

impl AuditReport {
    /// Whether anything will be disabled or make the job fail.
    pub fn needs_action(&self) -> bool {
        self.organizations
            .iter()
            .chain(&self.users)
            .any(|s| s.prediction.needs_action())
    }
}

/// Predicts both jobs' next runs.
pub fn audit(input: &AuditInput) -> AuditReport {
    let organizations_job = JobRun::of(Job::Organizations, input.now);
    let users_job = JobRun::of(Job::Users, input.now);
    AuditReport {
        folder: input.store.folder.clone(),
        installation_id: input.installation_id,
        checked_at: input.now,
        organizations_job,
        users_job,
        server: input.view.map(|v| v.server.clone()),
        organizations: organization::predict_all(input, organizations_job.next_run),
        users: user::predict_all(input, users_job.next_run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Explain;

    fn instance(installation: Option<InstallationPlace>) -> Instance {
        Instance {
            id: "branch".into(),
            name: "Branch vault".into(),
            url: "https://branch.example.org".into(),
            ca_file: None,
            installation,
            renew_automatically: Vec::new(),
        }
    }

    #[test]
    fn an_instance_env_file_is_audited_with_the_license_folder_of_its_bwdata() {
        let env = PathBuf::from("/opt/bitwarden/bwdata/env/global.override.env");
        let source = AuditSource::of_instance(&instance(Some(InstallationPlace::EnvFile {
            path: env.clone(),
        })))
        .unwrap();
        assert_eq!(
            source,
            AuditSource::Local {
                installation: env,
                licenses: Some(PathBuf::from("/opt/bitwarden/bwdata/core/licenses")),
            }
        );
        let over_ssh = AuditSource::of_instance(&instance(Some(InstallationPlace::Ssh {
            target: "admin@branch.example.org:/srv/bwdata".into(),
        })))
        .unwrap();
        assert!(matches!(over_ssh, AuditSource::Ssh(t) if t.path == "/srv/bwdata"));
    }

    #[test]
    fn an_instance_without_an_installation_cannot_be_audited() {
        let err = AuditSource::of_instance(&instance(None)).unwrap_err();
        assert_eq!(err.code(), "installation_place_missing");
        assert!(err
            .to_string()
            .starts_with("Branch vault has no installation"));
    }
}
