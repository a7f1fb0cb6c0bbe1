//! The master key and what is derived from it: the password hashes sent to or kept from
//! the server, and the stretched key that unwraps the user key (crypto §1).

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::error::CryptoError;
use super::kdf::Kdf;
use super::keys::SymmetricKey;

/// The 32-byte key derived from the master password, salt and KDF. Wiped on drop; `Debug`
/// never shows it.
pub struct MasterKey(Zeroizing<[u8; 32]>);

/// Which of the two password hashes to compute (crypto §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HashPurpose {
    /// Sent to the server as the `password` of the password grant.
    ServerAuthorization = 1,
    /// Kept on the device to check the password offline; never sent.
    LocalAuthorization = 2,
}

impl MasterKey {
    /// Derives the master key. `salt` is the account's salt as the server gives it (the
    /// `MasterPasswordUnlock.Salt`, the prelogin `salt`, else the e-mail); it is trimmed and
    /// lower-cased here, as every client does (§1.1). The password's UTF-8 bytes are used
    /// as typed: no trimming, no Unicode normalization.
    pub fn derive(
        password: &SecretString,
        salt: &str,
        kdf: &Kdf,
    ) -> Result<MasterKey, CryptoError> {
        kdf.validate()?;
        let salt = normalize_salt(salt);
        let password = password.expose_secret().as_bytes();
        let mut key = Zeroizing::new([0u8; 32]);
        match *kdf {
            Kdf::Pbkdf2 { iterations } => {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt.as_bytes(), iterations, key.as_mut());
            }
            Kdf::Argon2id {
                iterations,
                memory_mib,
                parallelism,
            } => {
                // Argon2 gets SHA-256 of the salt, not the salt itself (§1.2).
                let salt_hash = Sha256::digest(salt.as_bytes());
                let params = Params::new(memory_mib * 1024, iterations, parallelism, Some(32))
                    .map_err(|e| CryptoError::KdfFailed(e.to_string()))?;
                Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                    .hash_password_into(password, &salt_hash, key.as_mut())
                    .map_err(|e| CryptoError::KdfFailed(e.to_string()))?;
            }
        }
        Ok(MasterKey(key))
    }

    /// Builds a master key from its raw bytes (keys kept by the caller, tests).
    pub fn from_bytes(bytes: [u8; 32]) -> MasterKey {
        MasterKey(Zeroizing::new(bytes))
    }

    /// The "master password hash" sent as `password=` at sign-in and as
    /// `masterPasswordHash` when the server asks to re-verify the password.
    pub fn server_hash(&self, password: &SecretString) -> SecretString {
        self.hash(password, HashPurpose::ServerAuthorization)
    }

    /// The local hash, for checking the password offline. Never send it.
    pub fn local_hash(&self, password: &SecretString) -> SecretString {
        self.hash(password, HashPurpose::LocalAuthorization)
    }

    /// The stretched key that unwraps a type-2 user key: HKDF-Expand-SHA256 of the master
    /// key with info `enc` and `mac`, no extract step (§1.4).
    pub fn stretch(&self) -> SymmetricKey {
        let enc = hkdf_expand::<32>(&self.0, b"enc");
        let mac = hkdf_expand::<32>(&self.0, b"mac");
        SymmetricKey::from_halves(&enc, &mac)
    }

    /// The raw key, only for the legacy type-0 user key (§2.4).
    pub(crate) fn raw(&self) -> &[u8; 32] {
        &self.0
    }

    fn hash(&self, password: &SecretString, purpose: HashPurpose) -> SecretString {
        // The roles are swapped: the master key is PBKDF2's password and the master
        // password is its salt (§1.3).
        let mut hash = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<Sha256>(
            self.0.as_ref(),
            password.expose_secret().as_bytes(),
            purpose as u32,
            hash.as_mut(),
        );
        SecretString::from(STANDARD.encode(hash.as_ref()))
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// The salt as the clients use it: the server's salt or e-mail, trimmed and lower-cased.
pub fn normalize_salt(salt: &str) -> String {
    salt.trim().to_lowercase()
}

/// HKDF-Expand-SHA256 with the 32-byte key as PRK (no extract, no salt).
pub(super) fn hkdf_expand<const N: usize>(prk: &[u8; 32], info: &[u8]) -> Zeroizing<[u8; N]> {
    let mut okm = Zeroizing::new([0u8; N]);
    Hkdf::<Sha256>::from_prk(prk)
        .expect("a 32-byte PRK is the SHA-256 output size")
        .expand(info, okm.as_mut())
        .expect("callers ask for at most 255 SHA-256 blocks");
    okm
}
