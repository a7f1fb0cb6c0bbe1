//! RSA key pairs as Bitwarden stores them: public keys as base64 SubjectPublicKeyInfo DER,
//! private keys as PKCS#8 DER, keys shared with RSA-OAEP (crypto §2.5, §2.6).
//!
//! Encryption and key generation are the operations the sign-up flow needs; decryption is
//! for checking data locally and for the test server (see the note on RUSTSEC-2023-0071 in
//! the module docs of [`super`]).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::rngs::OsRng;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use zeroize::Zeroizing;

use super::enc_string::EncString;
use super::error::CryptoError;
use super::keys::SymmetricKey;

/// Size of the RSA keys Bitwarden generates.
pub const RSA_BITS: usize = 2048;

/// An RSA public key (a user's, to share an organization key with them).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(RsaPublicKey);

impl PublicKey {
    /// Reads the base64 SPKI form the server hands out (`publicKey`). Keys under 2048
    /// bits are refused: a key shared to them would be weakly protected.
    pub fn from_spki_b64(spki_b64: &str) -> Result<PublicKey, CryptoError> {
        let der = STANDARD
            .decode(spki_b64.trim())
            .map_err(|_| CryptoError::InvalidPublicKey("not valid base64".into()))?;
        let key = RsaPublicKey::from_public_key_der(&der)
            .map(PublicKey)
            .map_err(|e| CryptoError::InvalidPublicKey(e.to_string()))?;
        if key.bits() < RSA_BITS {
            return Err(CryptoError::InvalidPublicKey(format!(
                "an RSA key of {} bits is too small, {RSA_BITS} bits are needed",
                key.bits()
            )));
        }
        Ok(key)
    }

    /// The base64 SPKI form (392 characters for RSA-2048).
    pub fn to_spki_b64(&self) -> Result<String, CryptoError> {
        let der = self
            .0
            .to_public_key_der()
            .map_err(|e| CryptoError::InvalidPublicKey(e.to_string()))?;
        Ok(STANDARD.encode(der.as_bytes()))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.0.size() * 8
    }

    /// Shares a symmetric key: RSA-OAEP with SHA-1 (hash and MGF1, empty label) over the
    /// 64 raw key bytes, as type 4, which is what every client produces.
    pub fn encapsulate(&self, key: &SymmetricKey) -> Result<EncString, CryptoError> {
        let data = self
            .0
            .encrypt(&mut OsRng, Oaep::new::<sha1::Sha1>(), key.as_bytes())
            .map_err(|e| CryptoError::InvalidPublicKey(e.to_string()))?;
        Ok(EncString::Rsa2048OaepSha1B64 { data })
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey(RSA-{})", self.bits())
    }
}

/// An RSA private key: a user's (decrypted from `PrivateKey`) or a new organization's.
/// Wiped on drop by the `rsa` crate; `Debug` never shows it.
pub struct PrivateKey(RsaPrivateKey);

impl PrivateKey {
    /// A new RSA-2048 key pair with e = 65537, as the web vault makes for an organization.
    pub fn generate() -> Result<PrivateKey, CryptoError> {
        RsaPrivateKey::new(&mut OsRng, RSA_BITS)
            .map(PrivateKey)
            .map_err(|e| CryptoError::KeyGeneration(e.to_string()))
    }

    /// Reads a PKCS#8 DER private key (the plaintext of a wrapped private key).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<PrivateKey, CryptoError> {
        RsaPrivateKey::from_pkcs8_der(der)
            .map(PrivateKey)
            .map_err(|e| CryptoError::InvalidPrivateKey(e.to_string()))
    }

    /// The PKCS#8 DER form, to be wrapped under a symmetric key.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let document = self
            .0
            .to_pkcs8_der()
            .map_err(|e| CryptoError::InvalidPrivateKey(e.to_string()))?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.to_public_key())
    }

    /// Decrypts an RSA-OAEP value: types 3 and 5 use SHA-256, types 4 and 6 SHA-1; the MAC
    /// part of 5 and 6 is ignored, as the clients do (§2.6).
    pub fn decrypt(&self, value: &EncString) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let (padding, data) = match value {
            EncString::Rsa2048OaepSha256B64 { data }
            | EncString::Rsa2048OaepSha256HmacSha256B64 { data, .. } => {
                (Oaep::new::<sha2::Sha256>(), data)
            }
            EncString::Rsa2048OaepSha1B64 { data }
            | EncString::Rsa2048OaepSha1HmacSha256B64 { data, .. } => {
                (Oaep::new::<sha1::Sha1>(), data)
            }
            EncString::CoseEncrypt0B64 { .. } => {
                return Err(CryptoError::V2Account(
                    "the value is a type-7 (COSE) encrypted value",
                ))
            }
            other => return Err(CryptoError::UnsupportedEncType(other.enc_type())),
        };
        self.0
            .decrypt_blinded(&mut OsRng, padding, data)
            .map(Zeroizing::new)
            .map_err(|_| {
                CryptoError::DecryptionFailed("the RSA private key does not open this value")
            })
    }

    /// Opens a shared symmetric key (the inverse of [`PublicKey::encapsulate`]).
    pub fn decapsulate(&self, value: &EncString) -> Result<SymmetricKey, CryptoError> {
        SymmetricKey::from_bytes(&self.decrypt(value)?)
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Explain;

    #[test]
    fn generated_key_pairs_are_rsa_2048_and_round_trip_a_shared_key() {
        let private_key = PrivateKey::generate().unwrap();
        let public_key = private_key.public_key();
        assert_eq!(public_key.bits(), 2048);
        let spki = public_key.to_spki_b64().unwrap();
        assert_eq!(spki.len(), 392);
        let reread = PublicKey::from_spki_b64(&spki).unwrap();
        assert_eq!(reread, public_key);
        let key = SymmetricKey::generate();
        let shared = reread.encapsulate(&key).unwrap();
        assert_eq!(shared.enc_type(), 4);
        assert_eq!(
            private_key.decapsulate(&shared).unwrap().as_bytes(),
            key.as_bytes()
        );
        let again = PrivateKey::from_pkcs8_der(&private_key.to_pkcs8_der().unwrap()).unwrap();
        assert_eq!(again.public_key(), public_key);
    }

    #[test]
    fn symmetric_values_are_not_rsa_values() {
        let private_key = PrivateKey::generate().unwrap();
        let value = SymmetricKey::generate().encrypt(b"x");
        assert_eq!(
            private_key.decrypt(&value).unwrap_err().code(),
            "unsupported_enc_type"
        );
    }

    #[test]
    fn public_keys_under_2048_bits_are_refused() {
        let small = RsaPrivateKey::new(&mut OsRng, 1024)
            .unwrap()
            .to_public_key();
        let spki = STANDARD.encode(small.to_public_key_der().unwrap().as_bytes());
        let err = PublicKey::from_spki_b64(&spki).unwrap_err();
        assert_eq!(err.code(), "invalid_public_key");
        assert!(err.to_string().contains("1024 bits is too small"), "{err}");
    }

    #[test]
    fn garbage_private_key_bytes_are_refused() {
        let err = PrivateKey::from_pkcs8_der(b"not DER").unwrap_err();
        assert_eq!(err.code(), "invalid_private_key");
    }

    #[test]
    fn public_key_debug_shows_only_the_size() {
        let public_key = PrivateKey::generate().unwrap().public_key();
        assert_eq!(format!("{public_key:?}"), "PublicKey(RSA-2048)");
    }
}
