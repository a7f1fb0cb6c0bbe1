//! Every way talking to a Bitwarden server can fail, each with a stable code, advice, and
//! the exit class the CLI turns into its status (1 refused, 2 usage, 3 unavailable).

use crate::crypto::CryptoError;
use crate::error::{Explain, Words};
use crate::installation::InstallationError;
use crate::license::{LicenseError, TrustError};
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
    #[error("\"{input}\" is not a usable server URL: {reason}")]
    InvalidUrl { input: String, reason: String },
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
        advice: String,
    },
    #[error("{what} was not found: {message}")]
    NotFound {
        what: String,
        message: String,
        advice: String,
    },
    #[error("{url} failed with HTTP {status}: {message}")]
    ServerError {
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url} answered something this app cannot read: {detail}")]
    UnexpectedAnswer { url: String, detail: String },
    #[error("Cannot {action} {path}: {detail}")]
    File {
        action: &'static str,
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
        advice: String,
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
    pub fn file(action: &'static str, path: &std::path::Path, e: std::io::Error) -> Self {
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

    fn advice(&self) -> String {
        match self {
            BitwardenError::NetworkUnreachable { .. } => "Check the URL, that the server is running, and that this machine can reach it (VPN, firewall, HTTPS_PROXY).".into(),
            BitwardenError::Timeout { .. } => "The server may be overloaded or a proxy may be holding the request. Try again, or give it longer to answer.".into(),
            BitwardenError::TlsUntrusted { .. } => "If the server uses a self-signed or private CA certificate, trust that CA's certificate (its PEM file).".into(),
            BitwardenError::InsecureHttp { .. } => "Use the server's https:// URL. Plain http:// is only used for this machine (localhost) unless it is allowed explicitly.".into(),
            BitwardenError::InvalidUrl { .. } => "Give the vault's address as in the browser, e.g. https://vault.example.com.".into(),
            BitwardenError::CaCertificate { .. } => "Pass a PEM file holding the CA certificate (-----BEGIN CERTIFICATE-----).".into(),
            BitwardenError::SystemTrustStore { .. } => "Install the system's CA certificates (the ca-certificates package on Debian, Ubuntu, Fedora and Alpine).".into(),
            BitwardenError::Unauthorized { .. } | BitwardenError::SessionExpired { .. } => "Sign in to this server again.".into(),
            BitwardenError::NotSignedIn { .. } => "Sign in to this server first.".into(),
            BitwardenError::TwoFactorRequired { .. } => "Enter the code from your authenticator app or e-mail when asked (sign in from a terminal).".into(),
            BitwardenError::TwoFactorUnsupported { .. } => "Sign in with your personal API key instead; it needs no two-step login.".into(),
            BitwardenError::TwoFactorInvalid { .. } => "Check the code (authenticator codes change every 30 seconds) and sign in again.".into(),
            BitwardenError::NewDeviceOtpRequired => "Enter the code Bitwarden e-mailed to you when asked, or sign in with your personal API key.".into(),
            BitwardenError::NewDeviceOtpInvalid { .. } => "Use the newest code from the e-mail and sign in again.".into(),
            BitwardenError::InvalidCredentials { .. } => "Check the e-mail and master password, or the API key's client_id (user.…) and client_secret under Account settings > Security > Keys.".into(),
            BitwardenError::SsoRequired { .. } => "Your organization requires SSO: sign in with your personal API key instead.".into(),
            BitwardenError::ClientVersionRejected { .. } => "Update License Companion.".into(),
            BitwardenError::ServerRefused { advice, .. } | BitwardenError::NotFound { advice, .. } => advice.clone(),
            BitwardenError::ServerError { .. } => "The server failed. Try again later; if it persists, look at the server's logs (./bitwarden.sh logs).".into(),
            BitwardenError::UnexpectedAnswer { .. } => "Check that the URL points to a Bitwarden server (not a login portal or proxy page).".into(),
            BitwardenError::File { .. } => "Check the path and its permissions.".into(),
            BitwardenError::LicenseUnreadable { source, .. } => source.advice(),
            BitwardenError::LicenseRefused { .. } => "The file's checks say why. Send it anyway only if you are sure the server will take it.".into(),
            BitwardenError::RequestTooLarge { .. } => "Upload the license file exactly as downloaded; a file this large is not a Bitwarden license.".into(),
            BitwardenError::LicenseUnsuitable { advice, .. } => advice.clone(),
            BitwardenError::LicenseForAnotherOrganization { only_the_key_differs: false, current, .. } => format!("Download the license of {current} for this installation and apply that one; apply this license to the organization it was made for, or create a new organization from it."),
            BitwardenError::LicenseForAnotherOrganization { only_the_key_differs: true, .. } => "The license key differs from the one in force, so this is not a renewal of the same subscription. Download the organization's license again from the cloud account that owns it.".into(),
            BitwardenError::ConfirmationRequired { organization, .. } => format!("Check the changes, then confirm by typing the organization's name, {organization}."),
            BitwardenError::OutcomeUnknown { server, .. } => format!("Do not simply try again: first look at the organizations on {server} to see whether it took effect."),
            BitwardenError::SecretRejected { otp: false, .. } => "Check the master password of this account on this server (a cloud account's password can differ from the self-hosted one's), or use an e-mailed code instead.".into(),
            BitwardenError::SecretRejected { otp: true, .. } => "Try again with the newest code from the e-mail, or use the master password instead.".into(),
            BitwardenError::BillingSyncNotOffered { .. } => "Billing sync needs a Teams or Enterprise plan. Upgrade the organization in the web vault, or move licenses by hand: download the license from the cloud, then upload it to the server.".into(),
            BitwardenError::BillingTokenMissing => "Copy the organization's billing sync token from the cloud web vault and give it again.".into(),
            BitwardenError::BillingTokenSpaces => "Copy the token again from the cloud web vault, in one piece.".into(),
            BitwardenError::NoLicensesOnVaultwarden => "Vaultwarden unlocks every feature by itself. Signing in, listing organizations and reading the installation still work here.".into(),
            BitwardenError::Keychain(e) => e.advice(),
            BitwardenError::Crypto(e) => e.advice(),
            BitwardenError::Installation(e) => e.advice(),
            BitwardenError::Trust(e) => e.advice(),
        }
    }

    /// Worded by the catalog where the cause is (a license file that is none).
    fn words(&self) -> Option<Words> {
        match self {
            BitwardenError::LicenseUnreadable { path, source } => {
                let mut words = source.words()?;
                words
                    .message
                    .insert(0, Phrase::new("license_error.in_file").with("path", path));
                Some(words)
            }
            _ => None,
        }
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
            advice: String::new(),
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
