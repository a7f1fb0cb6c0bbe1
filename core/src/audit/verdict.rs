//! What the next run will do to one organization or premium user, why, and the one action
//! that prevents it. Typed with stable codes; the CLI and the window put them into words.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::error::Problem;
use crate::license::SignatureStatus;

/// What the job will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check passes: the organization (or premium) stays enabled.
    StaysEnabled,
    /// The job disables it, for [`Prediction::reason`].
    Disabled,
    /// The job throws on this file (it cannot read it or its token): the organization stays
    /// enabled, but the server cannot use its license (Bitwarden server issue #2082); for
    /// premium users the exception also stops the job for every user after this one.
    JobFails,
    /// Already disabled: the job only looks at enabled organizations and premium users.
    Skipped,
    /// This machine could not read the file, so nothing can be said.
    Unknown,
}

/// The job's own disable reason, as it logs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisableReason {
    NoLicenseFile,
    MultipleOrganizations,
    InvalidData,
    InvalidSignature,
}

impl DisableReason {
    /// The server's text (`LicensingService.Validate*Async`).
    pub fn server_text(self) -> &'static str {
        match self {
            DisableReason::NoLicenseFile => "No license file.",
            DisableReason::MultipleOrganizations => "Multiple organizations.",
            DisableReason::InvalidData => "Invalid data.",
            DisableReason::InvalidSignature => "Invalid signature.",
        }
    }
}

/// Why, in detail. Each variant is one fact found about the file or the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Finding {
    /// There is no `{id}.json` for an enabled organization (or premium user).
    FileMissing { path: String },
    /// The file exists but this machine could not read it.
    FileNotReadable { path: String },
    /// The job's JSON reader refuses the file.
    Unreadable { problem: Problem },
    /// Names the job would not see: only their case differs from the server's spelling.
    NamesNotPascalCase { names: Vec<String> },
    /// A premium license in an organization's place, or the other way round.
    WrongKind,
    /// `Version` outside what the server reads (it throws `NotSupportedException`).
    VersionUnsupported { version: i32 },
    /// Other enabled organizations carry the same license key.
    LicenseKeyShared { organizations: Vec<Uuid> },
    /// The token does not verify at the run time (`GetClaimsPrincipalFromLicense` throws).
    TokenRejected {
        status: String,
        detail: Option<String>,
        expires: Option<DateTime<Utc>>,
    },
    /// `Issued` is after the run.
    NotIssuedYet { issued: DateTime<Utc> },
    /// `Expires` is before the run.
    Expired { expires: Option<DateTime<Utc>> },
    /// The file is for another installation.
    InstallationMismatch { file: Uuid, server: Uuid },
    /// A value the job compares with the organization (or user) differs.
    FieldDiffers {
        field: &'static str,
        file: String,
        server: String,
    },
    /// The legacy signature does not verify.
    SignatureInvalid { status: String },
}

/// The one thing to do so the next run keeps the organization enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "typescript", ts(rename = "AuditAction"))]
pub enum Action {
    /// Upload the license made for this installation (download it for this ID).
    UploadLicenseForInstallation { installation_id: Option<Uuid> },
    /// Upload the license again through the web vault or `bwlicense upload`, so the server
    /// writes a fresh file.
    Reupload,
    /// Renew the subscription (or wait for the renewal), download the new license, upload it.
    Renew,
    /// Upload the premium license from the account's Settings > Subscription page.
    UploadPremiumLicense,
    /// Disable or delete the other organizations that use this license key.
    ResolveDuplicate { organizations: Vec<Uuid> },
}

/// The prediction for one organization or premium user at its job's next run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prediction {
    pub outcome: Outcome,
    pub reason: Option<DisableReason>,
    /// The server's disable text, when it disables.
    pub server_text: Option<&'static str>,
    pub findings: Vec<Finding>,
    pub action: Option<Action>,
    /// What the job compares but this audit could not see (sign in with `--server`).
    pub not_compared: Vec<&'static str>,
}

impl Prediction {
    pub(crate) fn stays(not_compared: Vec<&'static str>) -> Self {
        Prediction {
            outcome: Outcome::StaysEnabled,
            reason: None,
            server_text: None,
            findings: Vec::new(),
            action: None,
            not_compared,
        }
    }

    pub(crate) fn skipped() -> Self {
        Prediction {
            outcome: Outcome::Skipped,
            ..Prediction::stays(Vec::new())
        }
    }

    pub(crate) fn unknown(finding: Finding) -> Self {
        Prediction {
            outcome: Outcome::Unknown,
            findings: vec![finding],
            ..Prediction::stays(Vec::new())
        }
    }

    pub(crate) fn disabled(reason: DisableReason, findings: Vec<Finding>, action: Action) -> Self {
        Prediction {
            outcome: Outcome::Disabled,
            reason: Some(reason),
            server_text: Some(reason.server_text()),
            findings,
            action: Some(action),
            not_compared: Vec::new(),
        }
    }

    pub(crate) fn job_fails(finding: Finding, action: Action) -> Self {
        Prediction {
            outcome: Outcome::JobFails,
            reason: None,
            server_text: None,
            findings: vec![finding],
            action: Some(action),
            not_compared: Vec::new(),
        }
    }

    /// The legacy path's signature check: nothing to say when it verifies; without a
    /// signature the job throws (and fails), any other failure disables.
    pub(crate) fn of_signature(status: SignatureStatus, action: Action) -> Option<Self> {
        let finding = Finding::SignatureInvalid {
            status: status.as_str().to_owned(),
        };
        match status {
            SignatureStatus::Valid => None,
            SignatureStatus::Missing => Some(Prediction::job_fails(finding, action)),
            _ => Some(Prediction::disabled(
                DisableReason::InvalidSignature,
                vec![finding],
                action,
            )),
        }
    }

    /// Whether the person should act before the run.
    pub fn needs_action(&self) -> bool {
        matches!(self.outcome, Outcome::Disabled | Outcome::JobFails)
    }
}
