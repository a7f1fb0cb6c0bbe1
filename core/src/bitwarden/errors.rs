//! Every way talking to a Bitwarden server can fail, each with a stable code, advice, and
//! the exit class the CLI turns into its status (1 refused, 2 usage, 3 unavailable).

use std::fmt;

use crate::crypto::CryptoError;
use crate::error::{Explain, Words};
use crate::installation::InstallationError;
use crate::license::{LicenseError, TrustError, MAX_LICENSE_BYTES};
use crate::messages::Phrase;
use crate::secrets::KeychainError;

/// How a failure ends a command: refused by a check or the server, a usage mistake, or
/// something unavailable (network, TLS, keychain, a broken server) that may work later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitClass {
    Refused = 1,
    Usage = 2,
    Unavailable = 3,
}

/// What was being done with a file when it failed, so that each language names the deed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    Read,
    Write,
    Create,
    Remove,
    Rename,
    /// Moving the file in force aside before a new one takes its place.
    KeepBackup,
    /// Finding one of the app's folders.
    Find,
    ReadInstallationId,
}

impl FileAction {
    /// Its name in the catalog keys `bitwarden_error.file_error.<key>`.
    fn key(self) -> &'static str {
        match self {
            FileAction::Read => "read",
            FileAction::Write => "write",
            FileAction::Create => "create",
            FileAction::Remove => "remove",
            FileAction::Rename => "rename",
            FileAction::KeepBackup => "keep_backup",
            FileAction::Find => "find",
            FileAction::ReadInstallationId => "read_installation_id",
        }
    }
}

/// The deed as the English message says it: "Cannot {action} {path}".
impl fmt::Display for FileAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileAction::Read => "read",
            FileAction::Write => "write",
            FileAction::Create => "create",
            FileAction::Remove => "remove",
            FileAction::Rename => "rename",
            FileAction::KeepBackup => "keep a backup of",
            FileAction::Find => "find",
            FileAction::ReadInstallationId => "read the installation ID from",
        })
    }
}

/// Why a request to a Bitwarden server, a sign-in, or a license transfer did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum BitwardenError {
    #[error("Cannot reach {url}: {detail}")]
    NetworkUnreachable { url: String, detail: String },
    #[error("{url} did not answer within {seconds} seconds")]
    Timeout { url: String, seconds: f64 },
    #[error("The TLS certificate of {host} is not trusted: {detail}")]
    TlsUntrusted { host: String, detail: String },
    #[error("{url} uses plain http://, which would send passwords and tokens unencrypted")]
    InsecureHttp { url: String },
    #[error("\"{input}\" is not a usable server URL: {}", reason.say("en"))]
    InvalidUrl { input: String, reason: Phrase },
    #[error("The CA certificate file {path} cannot be used: {detail}")]
    CaCertificate { path: String, detail: String },
    #[error("This system's CA certificates could not be loaded: {detail}")]
    SystemTrustStore { detail: String },
    #[error("{server} no longer accepts this session: {message}")]
    Unauthorized { server: String, message: String },
    #[error("Two-step login is required (offered: {})", providers.join(", "))]
    TwoFactorRequired { providers: Vec<String> },
    #[error("None of the offered two-step login methods ({}) can be used here", providers.join(", "))]
    TwoFactorUnsupported { providers: Vec<String> },
    #[error("{message}")]
    TwoFactorInvalid { message: String },
    #[error("Bitwarden e-mailed a verification code for this new device; it is needed to sign in")]
    NewDeviceOtpRequired,
    #[error("{message}")]
    NewDeviceOtpInvalid { message: String },
    #[error("{message}")]
    InvalidCredentials { message: String },
    #[error("{message}")]
    SsoRequired { message: String },
    #[error("The server refused this client's version: {message}")]
    ClientVersionRejected { message: String },
    #[error("The sign-in to {server} has expired")]
    SessionExpired { server: String },
    #[error("Not signed in to {server}")]
    NotSignedIn { server: String },
    #[error("{message}")]
    ServerRefused {
        status: u16,
        message: String,
        /// What to do, sentence by sentence (chosen from the server's text).
        advice: Vec<Phrase>,
    },
    #[error("{} was not found: {message}", what.say("en"))]
    NotFound {
        /// What was asked for.
        what: Phrase,
        message: String,
        /// What to do, sentence by sentence (chosen from the server's text).
        advice: Vec<Phrase>,
    },
    #[error("{url} failed with HTTP {status}: {message}")]
    ServerError {
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url} answered something this app cannot read: {}", detail.say("en"))]
    UnexpectedAnswer { url: String, detail: Phrase },
    #[error("Cannot {action} {path}: {detail}")]
    File {
        action: FileAction,
        path: String,
        detail: String,
    },
    #[error("{path} is not a license file: {source}")]
    LicenseUnreadable { path: String, source: LicenseError },
    #[error("The server would refuse {path}:\n{message}")]
    LicenseRefused { path: String, message: String },
    #[error(
        "The upload would be {size} bytes; the server ignores license uploads over 51200 bytes"
    )]
    RequestTooLarge { size: usize },
    #[error("The server would refuse {path} for a new organization:\n{message}")]
    LicenseUnsuitable {
        path: String,
        message: String,
        /// What to do, sentence by sentence (from the file's failed checks).
        advice: Vec<Phrase>,
    },
    #[error("{license} is the license of another organization than {target} on this server, which belongs to {current}")]
    LicenseForAnotherOrganization {
        /// The license's organization (name and cloud ID).
        license: String,
        /// The self-hosted organization it was to be applied to.
        target: String,
        /// The cloud organization `target` belongs to.
        current: String,
        /// The cloud organization is the same but the license key differs.
        only_the_key_differs: bool,
    },
    #[error("Applying this license to {organization} needs your confirmation: {}", reasons.join("; "))]
    ConfirmationRequired {
        organization: String,
        reasons: Vec<String>,
    },
    #[error("{cause}; the request may have been carried out all the same")]
    OutcomeUnknown {
        cause: Box<BitwardenError>,
        /// The server whose organizations show whether it was.
        server: String,
    },
    #[error("{message}")]
    SecretRejected { message: String, otp: bool },
    #[error("{organization} is on the {tier} plan, which has no billing sync (the cloud answered: {message})")]
    BillingSyncNotOffered {
        organization: String,
        tier: String,
        message: String,
    },
    #[error("Vaultwarden needs no Bitwarden license; nothing to upload or sync here.")]
    NoLicensesOnVaultwarden,
    #[error("No billing sync token was given")]
    BillingTokenMissing,
    #[error("The billing sync token contains spaces")]
    BillingTokenSpaces,
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Installation(#[from] InstallationError),
    #[error(transparent)]
    Trust(#[from] TrustError),
}

impl BitwardenError {
    /// How the CLI should exit on this error.
    pub fn exit_class(&self) -> ExitClass {
        match self {
            BitwardenError::NetworkUnreachable { .. }
            | BitwardenError::Timeout { .. }
            | BitwardenError::TlsUntrusted { .. }
            | BitwardenError::ServerError { .. }
            | BitwardenError::UnexpectedAnswer { .. }
            | BitwardenError::OutcomeUnknown { .. }
            | BitwardenError::SystemTrustStore { .. }
            | BitwardenError::Keychain(_) => ExitClass::Unavailable,
            BitwardenError::InvalidUrl { .. }
            | BitwardenError::CaCertificate { .. }
            | BitwardenError::File { .. }
            | BitwardenError::LicenseUnreadable { .. }
            | BitwardenError::Installation(_)
            | BitwardenError::BillingTokenMissing
            | BitwardenError::BillingTokenSpaces
            | BitwardenError::Trust(_) => ExitClass::Usage,
            _ => ExitClass::Refused,
        }
    }

    /// Whether a repeated GET could succeed where this attempt failed: the connection
    /// could not be made, or the server failed (5xx).
    pub(crate) fn is_transient(&self) -> bool {
        matches!(
            self,
            BitwardenError::NetworkUnreachable { .. } | BitwardenError::ServerError { .. }
        )
    }

    /// A file that could not be read or written.
    pub fn file(action: FileAction, path: &std::path::Path, e: std::io::Error) -> Self {
        BitwardenError::File {
            action,
            path: path.display().to_string(),
            detail: e.to_string(),
        }
    }
}

impl Explain for BitwardenError {
    fn code(&self) -> &'static str {
        match self {
            BitwardenError::NetworkUnreachable { .. } => "network_unreachable",
            BitwardenError::Timeout { .. } => "timeout",
            BitwardenError::TlsUntrusted { .. } => "tls_untrusted",
            BitwardenError::InsecureHttp { .. } => "insecure_http",
            BitwardenError::InvalidUrl { .. } => "invalid_url",
            BitwardenError::CaCertificate { .. } => "ca_certificate_unusable",
            BitwardenError::SystemTrustStore { .. } => "system_trust_store_unavailable",
            BitwardenError::Unauthorized { .. } => "unauthorized",
            BitwardenError::TwoFactorRequired { .. } => "two_factor_required",
            BitwardenError::TwoFactorUnsupported { .. } => "two_factor_unsupported",
            BitwardenError::TwoFactorInvalid { .. } => "two_factor_invalid",
            BitwardenError::NewDeviceOtpRequired => "new_device_otp_required",
            BitwardenError::NewDeviceOtpInvalid { .. } => "new_device_otp_invalid",
            BitwardenError::InvalidCredentials { .. } => "invalid_credentials",
            BitwardenError::SsoRequired { .. } => "sso_required",
            BitwardenError::ClientVersionRejected { .. } => "client_version_rejected",
            BitwardenError::SessionExpired { .. } => "session_expired",
            BitwardenError::NotSignedIn { .. } => "not_signed_in",
            BitwardenError::ServerRefused { .. } => "server_refused",
            BitwardenError::NotFound { .. } => "not_found",
            BitwardenError::ServerError { .. } => "server_error",
            BitwardenError::UnexpectedAnswer { .. } => "unexpected_answer",
            BitwardenError::File { .. } => "file_error",
            BitwardenError::LicenseUnreadable { source, .. } => source.code(),
            BitwardenError::LicenseRefused { .. } => "license_refused",
            BitwardenError::RequestTooLarge { .. } => "request_too_large",
            BitwardenError::LicenseUnsuitable { .. } => "license_unsuitable",
            BitwardenError::LicenseForAnotherOrganization { .. } => {
                "license_for_another_organization"
            }
            BitwardenError::ConfirmationRequired { .. } => "confirmation_required",
            BitwardenError::OutcomeUnknown { .. } => "outcome_unknown",
            BitwardenError::SecretRejected { otp: false, .. } => "invalid_password",
            BitwardenError::SecretRejected { otp: true, .. } => "invalid_otp",
            BitwardenError::BillingSyncNotOffered { .. } => "billing_sync_not_offered",
            BitwardenError::NoLicensesOnVaultwarden => "vaultwarden_needs_no_license",
            BitwardenError::BillingTokenMissing => "billing_token_missing",
            BitwardenError::BillingTokenSpaces => "billing_token_spaces",
            BitwardenError::Keychain(e) => e.code(),
            BitwardenError::Crypto(e) => e.code(),
            BitwardenError::Installation(e) => e.code(),
            BitwardenError::Trust(e) => e.code(),
        }
    }

    /// `bitwarden_error.<code>` with the variant's values, then `bitwarden_error.<code>.advice`
    /// (or advice shared by several variants, or chosen when the error was made). A wrapped
    /// error is worded by its own words.
    fn words(&self) -> Option<Words> {
        use BitwardenError::*;
        let code = self.code();
        let said = || Phrase::new(format!("bitwarden_error.{code}"));
        let advised = || vec![Phrase::new(format!("bitwarden_error.{code}.advice"))];
        let (message, advice) = match self {
            Keychain(e) => return e.words(),
            Crypto(e) => return e.words(),
            Installation(e) => return e.words(),
            Trust(e) => return e.words(),
            LicenseUnreadable { path, source } => {
                let mut words = source.words()?;
                words
                    .message
                    .insert(0, Phrase::new("license_error.in_file").with("path", path));
                return Some(words);
            }
            NetworkUnreachable { url, detail } => {
                (said().with("url", url).with("detail", detail), advised())
            }
            Timeout { url, seconds } => {
                (said().with("url", url).with("seconds", seconds), advised())
            }
            TlsUntrusted { host, detail } => {
                (said().with("host", host).with("detail", detail), advised())
            }
            InsecureHttp { url } => (said().with("url", url), advised()),
            InvalidUrl { input, reason } => (
                said()
                    .with("input", input)
                    .with_words("reason", reason.clone()),
                advised(),
            ),
            CaCertificate { path, detail } => {
                (said().with("path", path).with("detail", detail), advised())
            }
            SystemTrustStore { detail } => (said().with("detail", detail), advised()),
            Unauthorized { server, message } => (
                said().with("server", server).with("message", message),
                vec![Phrase::new("bitwarden_error.sign_in_again.advice")],
            ),
            SessionExpired { server } => (
                said().with("server", server),
                vec![Phrase::new("bitwarden_error.sign_in_again.advice")],
            ),
            NotSignedIn { server } => (said().with("server", server), advised()),
            TwoFactorRequired { providers } | TwoFactorUnsupported { providers } => {
                (said().with("providers", providers.join(", ")), advised())
            }
            TwoFactorInvalid { message }
            | NewDeviceOtpInvalid { message }
            | InvalidCredentials { message }
            | SsoRequired { message }
            | ClientVersionRejected { message }
            | SecretRejected { message, .. } => (said().with("message", message), advised()),
            NewDeviceOtpRequired
            | NoLicensesOnVaultwarden
            | BillingTokenMissing
            | BillingTokenSpaces => (said(), advised()),
            ServerRefused {
                message, advice, ..
            } => (said().with("message", message), advice.clone()),
            NotFound {
                what,
                message,
                advice,
            } => (
                said()
                    .with_words("what", what.clone())
                    .with("message", message),
                advice.clone(),
            ),
            ServerError {
                url,
                status,
                message,
            } => (
                said()
                    .with("url", url)
                    .with("status", status)
                    .with("message", message),
                advised(),
            ),
            UnexpectedAnswer { url, detail } => {
                let said = said().with("url", url);
                (said.with_words("detail", detail.clone()), advised())
            }
            File {
                action,
                path,
                detail,
            } => (
                Phrase::new(format!("bitwarden_error.file_error.{}", action.key()))
                    .with("path", path)
                    .with("detail", detail),
                advised(),
            ),
            LicenseRefused { path, message } => (
                said().with("path", path).with("message", message),
                advised(),
            ),
            RequestTooLarge { size } => (
                said().with("size", size).with("max", MAX_LICENSE_BYTES),
                advised(),
            ),
            LicenseUnsuitable {
                path,
                message,
                advice,
            } => (
                said().with("path", path).with("message", message),
                advice.clone(),
            ),
            LicenseForAnotherOrganization {
                license,
                target,
                current,
                only_the_key_differs,
            } => (
                said()
                    .with("license", license)
                    .with("target", target)
                    .with("current", current),
                if *only_the_key_differs {
                    vec![Phrase::new(
                        "bitwarden_error.license_for_another_organization.new_key.advice",
                    )]
                } else {
                    vec![
                        Phrase::new("bitwarden_error.license_for_another_organization.advice")
                            .with("current", current),
                    ]
                },
            ),
            ConfirmationRequired {
                organization,
                reasons,
            } => (
                said()
                    .with("organization", organization)
                    .with("reasons", reasons.join("; ")),
                vec![Phrase::new("bitwarden_error.confirmation_required.advice")
                    .with("organization", organization)],
            ),
            OutcomeUnknown { cause, server } => (
                lost_answer(cause),
                vec![Phrase::new("bitwarden_error.outcome_unknown.advice").with("server", server)],
            ),
            BillingSyncNotOffered {
                organization,
                tier,
                message,
            } => (
                said()
                    .with("organization", organization)
                    .with("tier", tier)
                    .with("message", message),
                advised(),
            ),
        };
        Some(Words {
            message: vec![message],
            advice,
        })
    }
}

/// An answer lost to `cause`, said in one sentence with the cause's own values: a sign-up
/// loses its answer only to a timeout, the network or a failing server; any other cause is
/// quoted as its English.
fn lost_answer(cause: &BitwardenError) -> Phrase {
    let lost = |name: &str| Phrase::new(format!("bitwarden_error.outcome_unknown.{name}"));
    match cause {
        BitwardenError::Timeout { url, seconds } => {
            lost("timeout").with("url", url).with("seconds", seconds)
        }
        BitwardenError::NetworkUnreachable { url, detail } => lost("network_unreachable")
            .with("url", url)
            .with("detail", detail),
        BitwardenError::ServerError {
            url,
            status,
            message,
        } => lost("server_error")
            .with("url", url)
            .with("status", status)
            .with("message", message),
        other => Phrase::new("bitwarden_error.outcome_unknown").with("cause", other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_and_keychain_failures_exit_with_3_refusals_with_1() {
        let network = BitwardenError::NetworkUnreachable {
            url: "https://vault.example".into(),
            detail: "connection refused".into(),
        };
        let keychain = BitwardenError::from(KeychainError::Unavailable("no bus".into()));
        let refused = BitwardenError::ServerRefused {
            status: 400,
            message: "Invalid license".into(),
            advice: Vec::new(),
        };
        assert_eq!(network.exit_class() as u8, 3);
        assert_eq!(keychain.exit_class() as u8, 3);
        assert_eq!(keychain.code(), "keychain_unavailable");
        assert_eq!(refused.exit_class() as u8, 1);
    }

    #[test]
    fn tls_untrusted_advice_says_to_trust_the_servers_ca() {
        let e = BitwardenError::TlsUntrusted {
            host: "vault.example".into(),
            detail: "UnknownIssuer".into(),
        };
        assert_eq!(e.code(), "tls_untrusted");
        assert!(e.advice().contains("CA's certificate"));
    }
}
