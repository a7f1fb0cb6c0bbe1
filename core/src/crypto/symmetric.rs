//! AES-256-CBC-HMAC-SHA256 (type 2): encrypt-then-MAC with a fresh IV, and decryption that
//! checks the MAC in constant time before touching the ciphertext (crypto §2.3). Also the
//! legacy unauthenticated AES-256-CBC (type 0) that only old user keys use (§2.4).

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::enc_string::EncString;
use super::error::CryptoError;
use super::keys::SymmetricKey;

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

impl SymmetricKey {
    /// Encrypts to a type-2 string under a fresh random IV.
    pub fn encrypt(&self, plaintext: &[u8]) -> EncString {
        let mut iv = [0u8; 16];
        OsRng.fill_bytes(&mut iv);
        self.encrypt_with_iv(plaintext, iv)
    }

    /// Encrypts to a type-2 string under the given IV, which must be fresh and random for
    /// real data (reusing one leaks plaintext); fixed IVs are for reproducible test
    /// vectors only. Prefer [`SymmetricKey::encrypt`].
    pub fn encrypt_with_iv(&self, plaintext: &[u8], iv: [u8; 16]) -> EncString {
        // The output buffer holds the plaintext only until it is encrypted in place.
        let data = Aes256CbcEnc::new(self.enc_key().into(), &iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
        let mac = self.mac(&iv, &data).finalize().into_bytes().into();
        EncString::AesCbc256HmacSha256B64 { iv, data, mac }
    }

    /// Decrypts a type-2 string: MAC first (constant time), then AES-CBC and PKCS#7.
    /// A type-0 string is refused: with a MAC key it may be a type-2 value whose MAC was
    /// stripped (§2.3 downgrade rule).
    pub fn decrypt(&self, value: &EncString) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        match value {
            EncString::AesCbc256HmacSha256B64 { iv, data, mac } => {
                self.mac(iv, data)
                    .verify_slice(mac)
                    .map_err(|_| CryptoError::MacMismatch)?;
                aes_cbc_decrypt(self.enc_key(), iv, data)
            }
            EncString::AesCbc256B64 { .. } => Err(CryptoError::WrongKeyType(
                "an unauthenticated type-0 value cannot be decrypted with a 64-byte key",
            )),
            EncString::CoseEncrypt0B64 { .. } => Err(CryptoError::V2Account(
                "the value is a type-7 (COSE) encrypted value",
            )),
            other => Err(CryptoError::UnsupportedEncType(other.enc_type())),
        }
    }

    /// Decrypts a type-2 string holding UTF-8 text, such as a collection name.
    pub fn decrypt_to_string(&self, value: &EncString) -> Result<Zeroizing<String>, CryptoError> {
        let mut bytes = self.decrypt(value)?;
        let text = String::from_utf8(std::mem::take(&mut *bytes)).map_err(|e| {
            // Wipe the rejected bytes too: they are still plaintext.
            drop(Zeroizing::new(e.into_bytes()));
            CryptoError::NotUtf8
        })?;
        Ok(Zeroizing::new(text))
    }

    fn mac(&self, iv: &[u8], data: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.mac_key())
            .expect("HMAC accepts keys of any length");
        mac.update(iv);
        mac.update(data);
        mac
    }
}

/// Decrypts the legacy type-0 user key with the raw 32-byte master key: no MAC, no
/// stretching (§2.4). Nothing else may use this path.
pub(crate) fn decrypt_legacy_type0(
    raw_key: &[u8; 32],
    value: &EncString,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    match value {
        EncString::AesCbc256B64 { iv, data, .. } => aes_cbc_decrypt(raw_key, iv, data),
        other => Err(CryptoError::UnsupportedEncType(other.enc_type())),
    }
}

fn aes_cbc_decrypt(
    key: &[u8; 32],
    iv: &[u8; 16],
    data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut buffer = Zeroizing::new(data.to_vec());
    let plaintext_len = Aes256CbcDec::new(key.into(), iv.into())
        .decrypt_padded_mut::<Pkcs7>(&mut buffer)
        .map_err(|_| CryptoError::DecryptionFailed("the padding is invalid"))?
        .len();
    buffer.truncate(plaintext_len);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use aes::cipher::block_padding::NoPadding;

    use super::*;
    use crate::error::Explain;

    /// A type-2 value with a valid MAC around the given raw (unpadded) ciphertext blocks.
    fn authenticated(key: &SymmetricKey, plaintext_blocks: &[u8]) -> EncString {
        let iv = [9u8; 16];
        let data = Aes256CbcEnc::new(key.enc_key().into(), &iv.into())
            .encrypt_padded_vec_mut::<NoPadding>(plaintext_blocks);
        let mac = key.mac(&iv, &data).finalize().into_bytes().into();
        EncString::AesCbc256HmacSha256B64 { iv, data, mac }
    }

    #[test]
    fn invalid_padding_behind_a_valid_mac_is_a_decryption_error() {
        let key = SymmetricKey::generate();
        let err = key.decrypt(&authenticated(&key, &[0u8; 16])).unwrap_err();
        assert_eq!(err.code(), "decryption_failed");
        assert!(err.to_string().contains("padding"));
    }

    #[test]
    fn text_that_is_not_utf8_is_refused() {
        let key = SymmetricKey::generate();
        let err = key
            .decrypt_to_string(&key.encrypt(&[0xff, 0xfe]))
            .unwrap_err();
        assert_eq!(err.code(), "plaintext_not_utf8");
    }

    #[test]
    fn type1_and_rsa_values_are_not_symmetric_type2() {
        let key = SymmetricKey::generate();
        for text in [
            "1.AAECAwQFBgcICQoLDA0ODw==|x5yQT1m73ZoLfTmsKt6jtw==|63ZUUQU7I9DvpbNzOdE0XFN5yDIXPn/SIqzjFzsT5R8=",
            "4.AQID",
        ] {
            let err = key.decrypt(&text.parse().unwrap()).unwrap_err();
            assert_eq!(err.code(), "unsupported_enc_type", "{text}");
        }
    }

    #[test]
    fn legacy_type0_path_takes_only_type0() {
        let key = SymmetricKey::generate();
        let err = decrypt_legacy_type0(&[0; 32], &key.encrypt(b"x")).unwrap_err();
        assert_eq!(err.code(), "unsupported_enc_type");
    }
}
