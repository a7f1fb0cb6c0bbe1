//! Why an installation could not be read or changed. Problems inside a file that was read
//! are findings, not errors: an error means there is nothing to show.

use crate::error::{Explain, Words};
use crate::messages::Phrase;

/// The installation could not be read (or, for the safe fix, written).
#[derive(Debug, thiserror::Error)]
pub enum InstallationError {
    #[error("Nothing found at {path}.")]
    NotFound { path: String },
    #[error("{path} is not a Bitwarden installation: it has no env/global.override.env and no settings.env.")]
    NotAnInstallation { path: String },
    #[error("No Bitwarden installation found in the usual places ({searched}).")]
    NoneDiscovered { searched: String },
    #[error("{path} can only be read by another user (permission denied).")]
    PermissionDenied { path: String },
    #[error("{path} could not be read: {reason}")]
    ReadFailed { path: String, reason: String },
    #[error("{path} is not a text file.")]
    NotText { path: String },
    #[error("{path} is larger than {limit} bytes; an environment file is a few kilobytes.")]
    TooLarge { path: String, limit: usize },
    #[error("{path} holds no KEY=VALUE settings.")]
    Empty { path: String },
    #[error("\"{spec}\" is not an SSH target: {reason}")]
    SshTargetInvalid {
        spec: String,
        reason: SshTargetFault,
    },
    #[error("The ssh client is not installed (no `ssh` on PATH).")]
    SshNotInstalled,
    #[error(
        "The host key of {host} does not match the one in known_hosts: ssh refused to connect."
    )]
    SshHostKeyMismatch { host: String },
    #[error("{host} is not in known_hosts, so ssh cannot check who it is talking to.")]
    SshHostUnknown { host: String },
    #[error("{host} refused the SSH login: {detail}")]
    SshAuthFailed { host: String, detail: String },
    #[error("No SSH answer from {host} in time.")]
    SshTimeout { host: String },
    #[error("Could not connect to {host} over SSH: {detail}")]
    SshConnectFailed { host: String, detail: String },
    #[error("{path} does not exist on {host}.")]
    RemoteFileMissing { host: String, path: String },
    #[error("{path} on {host} cannot be read by the SSH user (permission denied).")]
    RemotePermissionDenied { host: String, path: String },
    #[error("The SSH command on {host} failed: {detail}")]
    SshFailed { host: String, detail: String },
    #[error("{path} changed while it was being edited; nothing was written.")]
    ChangedUnderUs { path: String },
    #[error("{path} could not be written: {reason}")]
    WriteFailed { path: String, reason: String },
}

impl Explain for InstallationError {
    fn code(&self) -> &'static str {
        use InstallationError::*;
        match self {
            NotFound { .. } => "installation_not_found",
            NotAnInstallation { .. } => "not_an_installation",
            NoneDiscovered { .. } => "no_installation_found",
            PermissionDenied { .. } => "permission_denied",
            ReadFailed { .. } => "read_failed",
            NotText { .. } => "env_file_not_text",
            TooLarge { .. } => "env_file_too_large",
            Empty { .. } => "env_file_empty",
            SshTargetInvalid { .. } => "ssh_target_invalid",
            SshNotInstalled => "ssh_not_installed",
            SshHostKeyMismatch { .. } => "ssh_host_key_mismatch",
            SshHostUnknown { .. } => "ssh_host_unknown",
            SshAuthFailed { .. } => "ssh_auth_failed",
            SshTimeout { .. } => "ssh_timeout",
            SshConnectFailed { .. } => "ssh_connect_failed",
            RemoteFileMissing { .. } => "remote_file_missing",
            RemotePermissionDenied { .. } => "remote_permission_denied",
            SshFailed { .. } => "ssh_failed",
            ChangedUnderUs { .. } => "env_file_changed",
            WriteFailed { .. } => "write_failed",
        }
    }

    fn words(&self) -> Option<Words> {
        Some(self.worded())
    }
}

impl InstallationError {
    /// `installation_error.<code>` (with the fault, for an SSH target) and the variant's
    /// values, then `installation_error.<code>.advice`.
    fn worded(&self) -> Words {
        use InstallationError::*;
        let code = self.code();
        let said = Phrase::new(format!("installation_error.{code}"));
        let message = match self {
            NotFound { path }
            | NotAnInstallation { path }
            | PermissionDenied { path }
            | NotText { path }
            | Empty { path }
            | ChangedUnderUs { path } => said.with("path", path),
            NoneDiscovered { searched } => said.with("searched", searched),
            ReadFailed { path, reason } | WriteFailed { path, reason } => {
                said.with("path", path).with("reason", reason)
            }
            TooLarge { path, limit } => said.with("path", path).with("limit", limit),
            SshTargetInvalid { spec, reason } => {
                Phrase::new(format!("installation_error.{code}.{}", reason.name()))
                    .with("spec", spec)
            }
            SshNotInstalled => said,
            SshHostKeyMismatch { host } | SshHostUnknown { host } | SshTimeout { host } => {
                said.with("host", host)
            }
            SshAuthFailed { host, detail }
            | SshConnectFailed { host, detail }
            | SshFailed { host, detail } => said.with("host", host).with("detail", detail),
            RemoteFileMissing { host, path } | RemotePermissionDenied { host, path } => {
                said.with("host", host).with("path", path)
            }
        };
        let advice = Phrase::new(format!("installation_error.{code}.advice"));
        let advice = match self {
            SshHostKeyMismatch { host } | SshHostUnknown { host } => advice.with("host", host),
            _ => advice,
        };
        Words {
            message: vec![message],
            advice: vec![advice],
        }
    }
}

/// Why a text is not an SSH target; each is worded on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SshTargetFault {
    UnclosedBracket,
    BracketsReversed,
    TextAfterBracket,
    NoHost,
    HostStartsWithDash,
    SpaceInHost,
}

impl SshTargetFault {
    /// The fault's name in catalog keys.
    fn name(self) -> &'static str {
        use SshTargetFault::*;
        match self {
            UnclosedBracket => "unclosed_bracket",
            BracketsReversed => "brackets_reversed",
            TextAfterBracket => "text_after_bracket",
            NoHost => "no_host",
            HostStartsWithDash => "host_starts_with_dash",
            SpaceInHost => "space_in_host",
        }
    }
}

impl std::fmt::Display for SshTargetFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use SshTargetFault::*;
        f.write_str(match self {
            UnclosedBracket => "a '[' without its ']'",
            BracketsReversed => "a ']' before its '['",
            TextAfterBracket => "text after ']' must start with ':'",
            NoHost => "no host before the ':'",
            HostStartsWithDash => "a host cannot start with '-'",
            SpaceInHost => "a host cannot contain spaces",
        })
    }
}

/// Maps an I/O error on a local file to the error a person can act on.
pub(crate) fn io_error(path: &std::path::Path, error: &std::io::Error) -> InstallationError {
    let path = path.display().to_string();
    match error.kind() {
        std::io::ErrorKind::NotFound => InstallationError::NotFound { path },
        std::io::ErrorKind::PermissionDenied => InstallationError::PermissionDenied { path },
        _ => InstallationError::ReadFailed {
            path,
            reason: error.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_only_file_gives_sudo_or_ssh_advice_not_a_raw_os_error() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let error = io_error(
            std::path::Path::new("/opt/bitwarden/bwdata/env/global.override.env"),
            &denied,
        );
        assert_eq!(error.code(), "permission_denied");
        assert!(error.advice().contains("sudo"));
        assert!(error.advice().contains("over SSH"));
    }
}
