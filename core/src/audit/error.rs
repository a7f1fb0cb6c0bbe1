//! Why an audit has nothing to show: the installation or its license folder could not be
//! read. Problems inside a license file are findings of the prediction, not errors.

use crate::bitwarden::BitwardenError;
use crate::error::Explain;
use crate::installation::InstallationError;

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

    fn advice(&self) -> String {
        match self {
            AuditError::Installation(e) => e.advice(),
            AuditError::LicenseFolderMissing { .. } => "Give the bwdata folder (its core/licenses holds the files), or for Bitwarden Lite the core/licenses folder in the volume mounted at /etc/bitwarden.".into(),
            AuditError::LicenseFolderUnreadable { .. } => "Run as the user that owns the installation (the files are written by the server's container).".into(),
            AuditError::Server(e) => e.advice(),
            AuditError::InstallationPlaceMissing { .. } => "Edit the instance in the app and say where its installation lives: a bwdata folder, an env file, or user@host:/path over SSH.".into(),
        }
    }
}
