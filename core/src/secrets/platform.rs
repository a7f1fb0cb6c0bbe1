//! Which keychain each operating system uses, chosen here and nowhere else. `keyring` falls
//! back to an in-memory mock on a platform whose backend feature is missing, so a "saved"
//! secret would vanish at exit; the builder is therefore picked explicitly, and a platform
//! without one is refused.

use std::sync::OnceLock;

use keyring::credential::CredentialBuilder;

use super::KeychainError;

/// The platform's credential builder, made once.
pub(super) fn builder() -> Result<&'static CredentialBuilder, KeychainError> {
    static BUILDER: OnceLock<Option<Box<CredentialBuilder>>> = OnceLock::new();
    BUILDER
        .get_or_init(native)
        .as_deref()
        .ok_or_else(|| KeychainError::Unavailable("this system has no supported keychain".into()))
}

/// The Secret Service: over libdbus with glibc, over zbus (pure Rust) in the static musl
/// build; `core/Cargo.toml` picks which per target, the API is the same.
#[cfg(target_os = "linux")]
fn native() -> Option<Box<CredentialBuilder>> {
    Some(keyring::secret_service::default_credential_builder())
}

#[cfg(target_os = "macos")]
fn native() -> Option<Box<CredentialBuilder>> {
    Some(keyring::macos::default_credential_builder())
}

#[cfg(target_os = "windows")]
fn native() -> Option<Box<CredentialBuilder>> {
    Some(keyring::windows::default_credential_builder())
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn native() -> Option<Box<CredentialBuilder>> {
    None
}

/// The catalog key of what to do when the keychain cannot be reached, in this system's
/// words.
pub(super) fn unavailable_advice() -> &'static str {
    if cfg!(target_os = "linux") {
        "keychain.unavailable.advice.linux"
    } else if cfg!(target_os = "macos") {
        "keychain.unavailable.advice.macos"
    } else if cfg!(target_os = "windows") {
        "keychain.unavailable.advice.windows"
    } else {
        "keychain.unavailable.advice.other"
    }
}
