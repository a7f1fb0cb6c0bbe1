//! Why an audit has nothing to show: the installation or its license folder could not be
//! read. Problems inside a license file are findings of the prediction, not errors.

use crate::bitwarden::BitwardenError;
use crate::error::{Explain, Words};
use crate::installation::InstallationError;
use crate::messages::Phrase;

/// The audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Installation(#[from] InstallationError),
    #[error("{path} has no license folder (core/licenses): the server has not stored a license there yet, or this is not the folder the server uses.")]
    LicenseFolderMissing { path: String },
    #[error("{path} could not be read: {reason}")]
    LicenseFolderUnreadable { path: String, reason: String },
    #[error(transparent)]
    Server(#[from] BitwardenError),
    #[error(
        "{instance} has no installation set: the audit reads the license files its server keeps."
    )]
    InstallationPlaceMissing { instance: String },
}

impl Explain for AuditError {
    fn code(&self) -> &'static str {
        match self {
            AuditError::Installation(e) => e.code(),
            AuditError::LicenseFolderMissing { .. } => "license_folder_missing",
            AuditError::LicenseFolderUnreadable { .. } => "license_folder_unreadable",
            AuditError::Server(e) => e.code(),
            AuditError::InstallationPlaceMissing { .. } => "installation_place_missing",
        }
    }

    fn words(&self) -> Option<Words> {
        let (message, advice) = match self {
            AuditError::Installation(e) => return e.words(),
            AuditError::Server(e) => return e.words(),
            AuditError::LicenseFolderMissing { path } => (
                Phrase::new("audit.license_folder_missing").with("path", path),
                "audit.license_folder_missing.advice",
            ),
            AuditError::LicenseFolderUnreadable { path, reason } => (
                Phrase::new("audit.license_folder_unreadable")
                    .with("path", path)
                    .with("reason", reason),
                "audit.license_folder_unreadable.advice",
            ),
            AuditError::InstallationPlaceMissing { instance } => (
                Phrase::new("audit.installation_place_missing").with("instance", instance),
                "audit.installation_place_missing.advice",
            ),
        };
        Some(Words {
            message: vec![message],
            advice: vec![Phrase::new(advice)],
        })
    }
}
