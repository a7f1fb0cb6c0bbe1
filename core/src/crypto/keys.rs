//! The 64-byte AES-256-CBC-HMAC-SHA256 key that user keys, organization keys and the
//! stretched master key all are (crypto §2.2): `enc_key || mac_key`.

use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::Zeroizing;

use super::error::CryptoError;

/// Length of an AES-256-CBC-HMAC key: 32 bytes to encrypt, 32 bytes to authenticate.
pub const SYMMETRIC_KEY_LEN: usize = 64;

/// An AES-256-CBC-HMAC-SHA256 key. Wiped from memory when dropped; `Debug` never shows it.
/// Held as its two 32-byte halves, `[enc, mac]`.
pub struct SymmetricKey(Zeroizing<[[u8; 32]; 2]>);

impl SymmetricKey {
    /// A fresh random key from the operating system's CSPRNG (a new organization key).
    pub fn generate() -> SymmetricKey {
        let mut halves = Zeroizing::new([[0u8; 32]; 2]);
        OsRng.fill_bytes(halves.as_flattened_mut());
        SymmetricKey(halves)
    }

    /// Takes decrypted key bytes. Longer than 64 bytes is a padded COSE key, i.e. an
    /// account on the newer V2 format, which is refused on purpose (crypto §2.2, §2.7).
    pub fn from_bytes(bytes: &[u8]) -> Result<SymmetricKey, CryptoError> {
        if bytes.len() > SYMMETRIC_KEY_LEN {
            return Err(CryptoError::V2Account(
                "the key is a COSE key (longer than 64 bytes)",
            ));
        }
        if bytes.len() != SYMMETRIC_KEY_LEN {
            return Err(CryptoError::InvalidKeyLength(bytes.len()));
        }
        let mut halves = Zeroizing::new([[0u8; 32]; 2]);
        halves.as_flattened_mut().copy_from_slice(bytes);
        Ok(SymmetricKey(halves))
    }

    /// Builds the key from its two halves (used for the stretched master key).
    pub(crate) fn from_halves(enc: &[u8; 32], mac: &[u8; 32]) -> SymmetricKey {
        let mut halves = Zeroizing::new([[0u8; 32]; 2]);
        halves[0].copy_from_slice(enc);
        halves[1].copy_from_slice(mac);
        SymmetricKey(halves)
    }

    /// The raw 64 bytes, for encapsulating the key to a public key or for tests.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_flattened()
    }

    /// The AES-256 half.
    pub(crate) fn enc_key(&self) -> &[u8; 32] {
        &self.0[0]
    }

    /// The HMAC-SHA256 half.
    pub(crate) fn mac_key(&self) -> &[u8; 32] {
        &self.0[1]
    }
}

impl std::fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SymmetricKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Explain;

    #[test]
    fn generated_keys_are_random_and_64_bytes() {
        let a = SymmetricKey::generate();
        let b = SymmetricKey::generate();
        assert_eq!(a.as_bytes().len(), 64);
        assert_ne!(a.as_bytes(), b.as_bytes());
    }

    #[test]
    fn debug_output_never_shows_key_bytes() {
        let key = SymmetricKey::from_bytes(&[0xAB; 64]).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "SymmetricKey([redacted])");
    }

    #[test]
    fn keys_longer_than_64_bytes_are_refused_as_v2() {
        let err = SymmetricKey::from_bytes(&[5; 69]).unwrap_err();
        assert_eq!(err.code(), "v2_account");
        assert!(err.to_string().contains("newer encryption format"), "{err}");
    }

    #[test]
    fn short_keys_are_refused_with_their_length() {
        let err = SymmetricKey::from_bytes(&[0; 32]).unwrap_err();
        assert_eq!(err.code(), "invalid_key_length");
        assert!(err.to_string().contains("found 32"));
    }

    #[test]
    fn halves_split_at_32_bytes() {
        let key = SymmetricKey::from_halves(&[1; 32], &[2; 32]);
        assert_eq!(key.enc_key(), &[1; 32]);
        assert_eq!(key.mac_key(), &[2; 32]);
    }
}
