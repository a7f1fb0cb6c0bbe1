//! Secrets in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) through the `keyring` crate. Secrets never touch a file or a log:
//! they travel as [`SecretString`], whose `Debug` output is redacted.

use std::collections::HashMap;
use std::sync::Mutex;

pub use secrecy::{ExposeSecret, SecretString};

use crate::error::{Explain, Words};
use crate::messages::Phrase;

mod platform;

/// Keychain service name under which every secret of the app is stored.
pub const SERVICE: &str = "license-companion";

/// What a stored secret is, so entries are named the same way by the app and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// An organization's billing sync token (cloud `api-key` of type BillingSync).
    BillingSyncToken,
    /// A personal API key's client secret.
    ApiKey,
    /// An identity server refresh token.
    RefreshToken,
}

impl SecretKind {
    fn prefix(self) -> &'static str {
        match self {
            SecretKind::BillingSyncToken => "billing-sync-token",
            SecretKind::ApiKey => "api-key",
            SecretKind::RefreshToken => "refresh-token",
        }
    }
}

/// The keychain account name of one secret: its kind plus whose it is (a server URL and an
/// organization or user id), so two servers never share an entry.
pub fn account(kind: SecretKind, scope: &str) -> String {
    format!("{}:{}", kind.prefix(), scope)
}

/// Why the keychain could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    #[error("The system keychain is not available: {0}")]
    Unavailable(String),
    #[error("The system keychain refused access: {0}")]
    Denied(String),
    #[error("The keychain entry could not be used: {0}")]
    Other(String),
}

impl Explain for KeychainError {
    fn code(&self) -> &'static str {
        match self {
            KeychainError::Unavailable(_) => "keychain_unavailable",
            KeychainError::Denied(_) => "keychain_denied",
            KeychainError::Other(_) => "keychain_error",
        }
    }

    fn words(&self) -> Option<Words> {
        let (key, detail, advice) = match self {
            KeychainError::Unavailable(detail) => (
                "keychain.unavailable",
                detail,
                platform::unavailable_advice(),
            ),
            KeychainError::Denied(detail) => ("keychain.denied", detail, "keychain.denied.advice"),
            KeychainError::Other(detail) => ("keychain.other", detail, "keychain.other.advice"),
        };
        Some(Words {
            message: vec![Phrase::new(key).with("detail", detail)],
            advice: vec![Phrase::new(advice)],
        })
    }
}

impl From<keyring::Error> for KeychainError {
    fn from(e: keyring::Error) -> Self {
        match e {
            keyring::Error::PlatformFailure(inner) => KeychainError::Unavailable(inner.to_string()),
            keyring::Error::NoStorageAccess(inner) => KeychainError::Denied(inner.to_string()),
            other => KeychainError::Other(other.to_string()),
        }
    }
}

/// Where secrets are kept. The app and CLI use [`OsKeychain`]; unit tests use
/// [`MemoryKeychain`].
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<SecretString>, KeychainError>;
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), KeychainError>;
    /// Removes the entry; `Ok(false)` when there was none.
    fn delete(&self, account: &str) -> Result<bool, KeychainError>;

    /// Fails unless the keychain can be reached now, so a job refuses before it changes
    /// anything rather than after a server already took the secret.
    fn check(&self) -> Result<(), KeychainError> {
        self.get(PROBE_ACCOUNT).map(drop)
    }
}

/// The operating system's keychain, under [`SERVICE`] unless told otherwise.
#[derive(Debug, Clone)]
pub struct OsKeychain {
    service: String,
}

impl Default for OsKeychain {
    fn default() -> Self {
        Self::new(SERVICE)
    }
}

impl OsKeychain {
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, KeychainError> {
        let credential = platform::builder()?.build(None, &self.service, account)?;
        Ok(keyring::Entry::new_with_credential(credential))
    }
}

/// An account never written, read only to see whether the keychain answers.
const PROBE_ACCOUNT: &str = "availability-check";

impl SecretStore for OsKeychain {
    fn get(&self, account: &str) -> Result<Option<SecretString>, KeychainError> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(SecretString::from(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn set(&self, account: &str, secret: &SecretString) -> Result<(), KeychainError> {
        Ok(self.entry(account)?.set_password(secret.expose_secret())?)
    }

    fn delete(&self, account: &str) -> Result<bool, KeychainError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// An in-process store for tests and for the demo's throw-away sessions.
#[derive(Debug, Default)]
pub struct MemoryKeychain {
    entries: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemoryKeychain {
    fn get(&self, account: &str) -> Result<Option<SecretString>, KeychainError> {
        let entries = self.entries.lock().expect("keychain lock");
        Ok(entries.get(account).cloned().map(SecretString::from))
    }

    fn set(&self, account: &str, secret: &SecretString) -> Result<(), KeychainError> {
        let mut entries = self.entries.lock().expect("keychain lock");
        entries.insert(account.to_owned(), secret.expose_secret().to_owned());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<bool, KeychainError> {
        let mut entries = self.entries.lock().expect("keychain lock");
        Ok(entries.remove(account).is_some())
    }
}

/// A secret as it may be shown: only its last four characters, e.g. `••••••••k3Qz`.
pub fn mask(secret: &SecretString) -> String {
    let chars: Vec<char> = secret.expose_secret().chars().collect();
    if chars.len() <= 8 {
        return "•".repeat(8);
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{}{tail}", "•".repeat(8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_keychain_round_trips_and_deletes() {
        let store = MemoryKeychain::default();
        let name = account(SecretKind::BillingSyncToken, "https://vault.example/|org");
        assert!(store.get(&name).unwrap().is_none());
        store
            .set(&name, &SecretString::from("s3cr3t-token"))
            .unwrap();
        assert_eq!(
            store.get(&name).unwrap().unwrap().expose_secret(),
            "s3cr3t-token"
        );
        assert!(store.delete(&name).unwrap());
        assert!(!store.delete(&name).unwrap());
    }

    #[test]
    fn secret_debug_output_never_shows_the_value() {
        let secret = SecretString::from("hunter2-billing-token");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn mask_shows_only_the_last_four_characters() {
        assert_eq!(
            mask(&SecretString::from("abcdefghijklmnopqrstuvwxyz1234")),
            "••••••••1234"
        );
        assert_eq!(mask(&SecretString::from("abc")), "••••••••");
    }

    #[test]
    fn accounts_differ_by_kind_and_scope() {
        assert_ne!(
            account(SecretKind::ApiKey, "a"),
            account(SecretKind::RefreshToken, "a")
        );
        assert_ne!(
            account(SecretKind::ApiKey, "a"),
            account(SecretKind::ApiKey, "b")
        );
    }
}
