//! What is wrong or risky in an installation's settings, as data: each finding has a stable
//! code, a message naming the file and line, and the fix, worded by the catalogs. Messages
//! name keys and lines, never values, so a secret in a broken line can never reach the
//! screen.

use serde::Serialize;

use crate::error::{Problem, Words};
use crate::messages::{say_all, Phrase};

/// Stable identifiers of findings; the UI and scripts branch on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[cfg_attr(feature = "typescript", ts(type = "string"))]
pub enum FindingCode {
    /// `enableCloudCommunication` is not `true`: billing sync and sponsorship sync fail.
    CloudCommunicationOff,
    /// `enableCloudCommunication` is neither `true` nor `false`.
    CloudCommunicationInvalid,
    /// The installation API/identity URIs belong to the other region than `cloudRegion`.
    RegionUriMismatch,
    /// The push relay still points at the US relay on an EU installation.
    PushRelayWrongRegion,
    /// `cloudRegion` is neither `US` nor `EU`.
    RegionUnknown,
    /// An installation URI is not an absolute http(s) URL.
    InstallationUriInvalid,
    /// No installation ID.
    InstallationIdMissing,
    /// The installation ID is not a GUID.
    InstallationIdInvalid,
    /// No installation key.
    InstallationKeyMissing,
    /// A value licensing needs is still the installer's or the example's placeholder.
    PlaceholderValue,
    /// A key is set on more than one line; only the first counts.
    DuplicateKey,
    /// A line that is neither a setting, a comment nor blank.
    UnparseableLine,
    /// A value opens a quote it never closes.
    UnbalancedQuote,
    /// The env file's vault URL differs from config.yml's `url`.
    VaultUrlMismatch,
    /// Neither the env file nor config.yml gives the vault URL.
    VaultUrlMissing,
    /// config.yml exists but cannot be read.
    ConfigYmlUnreadable,
    /// Bitwarden cloud knows the installation ID in the other region.
    CloudRegionMismatch,
    /// Neither cloud region knows the installation ID.
    InstallationIdUnknown,
    /// The cloud region that knows the ID has disabled it.
    InstallationDisabled,
    /// Neither cloud region could be asked.
    CloudUnreachable,
}

impl FindingCode {
    /// The code as written in JSON.
    pub fn as_str(self) -> &'static str {
        use FindingCode::*;
        match self {
            CloudCommunicationOff => "cloud_communication_off",
            CloudCommunicationInvalid => "cloud_communication_invalid",
            RegionUriMismatch => "region_uri_mismatch",
            PushRelayWrongRegion => "push_relay_wrong_region",
            RegionUnknown => "region_unknown",
            InstallationUriInvalid => "installation_uri_invalid",
            InstallationIdMissing => "installation_id_missing",
            InstallationIdInvalid => "installation_id_invalid",
            InstallationKeyMissing => "installation_key_missing",
            PlaceholderValue => "placeholder_value",
            DuplicateKey => "duplicate_key",
            UnparseableLine => "unparseable_line",
            UnbalancedQuote => "unbalanced_quote",
            VaultUrlMismatch => "vault_url_mismatch",
            VaultUrlMissing => "vault_url_missing",
            ConfigYmlUnreadable => "config_yml_unreadable",
            CloudRegionMismatch => "cloud_region_mismatch",
            InstallationIdUnknown => "installation_id_unknown",
            InstallationDisabled => "installation_disabled",
            CloudUnreachable => "cloud_unreachable",
        }
    }
}

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One thing to fix, with the fix: `message` and `advice` are the English of `words`, which
/// a window says in its own language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Finding {
    pub code: FindingCode,
    pub message: String,
    pub advice: String,
    pub words: Words,
}

impl Finding {
    pub(crate) fn new(code: FindingCode, message: Phrase, advice: Phrase) -> Self {
        let words = Words {
            message: vec![message],
            advice: vec![advice],
        };
        Self {
            code,
            message: say_all(&words.message, "en"),
            advice: say_all(&words.advice, "en"),
            words,
        }
    }

    /// The finding in the shape every problem report takes.
    pub fn problem(&self) -> Problem {
        Problem::worded(self.code.as_str(), self.words.clone())
    }
}

/// The catalog phrase `installation.finding.<name>`.
pub(crate) fn phrase(name: &str) -> Phrase {
    Phrase::new(format!("installation.finding.{name}"))
}
