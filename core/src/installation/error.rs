//! Why an installation could not be read or changed. Problems inside a file that was read
//! are findings, not errors: an error means there is nothing to show.

use crate::error::Explain;

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
    SshTargetInvalid { spec: String, reason: String },
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

    fn advice(&self) -> String {
        use InstallationError::*;
        match self {
            NotFound { .. } => "Check the path. A standard installation keeps its settings in bwdata/env/global.override.env (usually /opt/bitwarden/bwdata); Bitwarden Lite keeps them in settings.env beside its docker-compose.yml.".into(),
            NotAnInstallation { .. } => "Point at the bwdata folder (the one holding env/ and config.yml), at the env file itself, or at the Bitwarden Lite folder holding settings.env.".into(),
            NoneDiscovered { .. } => "Name the installation: its bwdata folder, its env file (global.override.env), or for a remote server its bwdata folder over SSH.".into(),
            PermissionDenied { .. } => "The file is readable only by its owner (Bitwarden's installer makes it mode 600). Read it on the server as root (sudo), or over SSH as a user that can read it.".into(),
            ReadFailed { .. } => "Check that the disk and the path are healthy, then try again.".into(),
            NotText { .. } => "Bitwarden writes this file as plain UTF-8 text. Make sure you named the env file and not a backup archive or binary; restore it from a backup if it is damaged.".into(),
            TooLarge { .. } => "Make sure you named the env file (bwdata/env/global.override.env or settings.env) and not a log or database file.".into(),
            Empty { .. } => "The file has no settings at all. Restore it from a backup, or run ./bitwarden.sh rebuild to recreate it from config.yml.".into(),
            SshTargetInvalid { .. } => "Write it as user@host or user@host:/path/to/bwdata (the path defaults to /opt/bitwarden/bwdata). Give another port as an SSH option (Port=2222).".into(),
            SshNotInstalled => "Install the OpenSSH client (Debian/Ubuntu: apt-get install openssh-client; Windows: Settings > Optional features > OpenSSH Client), or run the command on the server itself.".into(),
            SshHostKeyMismatch { host } => format!("Either the server was reinstalled or someone is intercepting the connection. Ask the server's admin for its key fingerprint (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server); only if it matches, remove the old entry with `ssh-keygen -R {host}` and connect once with `ssh {host}` to accept the new key."),
            SshHostUnknown { host } => format!("Connect once interactively with `ssh {host}` and check the fingerprint it shows, so the key is saved in ~/.ssh/known_hosts; then run this again."),
            SshAuthFailed { .. } => "The login runs without prompts (BatchMode), so a key must work on its own: load it into your agent (ssh-add), name it in ~/.ssh/config (IdentityFile), or give it as an SSH option (IdentityFile=/path/to/key). Check the user name too.".into(),
            SshTimeout { .. } => "Check the host name, that the server is up and that a firewall lets SSH through (port 22 unless another is given as an SSH option).".into(),
            SshConnectFailed { .. } => "Check the host name and port, and that sshd is running on the server.".into(),
            RemoteFileMissing { .. } => "Check the path after the colon: it should be the bwdata folder (default /opt/bitwarden/bwdata), its env/global.override.env, or a Bitwarden Lite folder holding settings.env.".into(),
            RemotePermissionDenied { .. } => "The installer makes the env file readable only by its owner. Log in as the user that owns the installation (often `bitwarden`), or read it on the server as root (sudo).".into(),
            SshFailed { .. } => "Run the same login by hand (ssh user@host true) to see what the server says.".into(),
            ChangedUnderUs { .. } => "Something else edited the file at the same moment (an update or another admin). Run the command again; it reads the file afresh.".into(),
            WriteFailed { .. } => "Run the command as a user that can write the file (for example with sudo), and check the disk has space.".into(),
        }
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
