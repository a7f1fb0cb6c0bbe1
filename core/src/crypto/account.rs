//! Unlocking an account's keys with the master key: the user key, then the user's RSA
//! private key (crypto §2.4, §2.5), and recognising accounts on the newer V2 (COSE) format,
//! which this version refuses to unlock (§2.7).
//!
//! Signing in and creating an organization do not need any of this (the server hash and
//! the server's public key suffice); it serves to check a password offline, to derive the
//! public key as the web vault does, and to test the whole chain.

use serde_json::Value;

use super::enc_string::EncString;
use super::error::CryptoError;
use super::json::{field, path};
use super::keys::SymmetricKey;
use super::master_key::MasterKey;
use super::rsa_keys::{PrivateKey, PublicKey};
use super::symmetric::decrypt_legacy_type0;

/// An account's wrapped keys as the token response, `GET /accounts/keys` or the profile
/// returns them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedAccount {
    /// The user key wrapped by the master key (`Key`).
    pub user_key: Option<EncString>,
    /// The RSA private key wrapped by the user key (`PrivateKey`).
    pub private_key: Option<EncString>,
    /// The RSA public key in base64 SPKI, as the server stores it.
    pub public_key: Option<String>,
    /// Whether the account has a signing key pair, which only V2 accounts have.
    pub has_signature_key_pair: bool,
}

impl EncryptedAccount {
    /// Reads the keys from a server answer, matching names ignoring case. The newer
    /// `UserDecryptionOptions.MasterPasswordUnlock` and `AccountKeys` objects win over the
    /// deprecated top-level `Key` / `PrivateKey` / `PublicKey`.
    pub fn from_json(response: &Value) -> Result<EncryptedAccount, CryptoError> {
        let user_key = path(
            response,
            &[
                "UserDecryptionOptions",
                "MasterPasswordUnlock",
                "MasterKeyEncryptedUserKey",
            ],
        )
        .or_else(|| field(response, "Key"));
        let key_pair = path(response, &["AccountKeys", "publicKeyEncryptionKeyPair"]);
        let private_key = key_pair
            .and_then(|pair| field(pair, "wrappedPrivateKey"))
            .or_else(|| field(response, "PrivateKey"));
        let public_key = key_pair
            .and_then(|pair| field(pair, "publicKey"))
            .or_else(|| field(response, "PublicKey"));
        Ok(EncryptedAccount {
            user_key: user_key.map(|v| enc_string(v, "user key")).transpose()?,
            private_key: private_key
                .map(|v| enc_string(v, "private key"))
                .transpose()?,
            public_key: public_key
                .map(|v| {
                    v.as_str().map(str::to_owned).ok_or_else(|| {
                        CryptoError::InvalidPublicKey("the public key is not a string".into())
                    })
                })
                .transpose()?,
            has_signature_key_pair: path(response, &["AccountKeys", "signatureKeyPair"]).is_some(),
        })
    }

    /// Why the account is on the V2 format, if it is; known before any decryption.
    pub fn v2_reason(&self) -> Option<&'static str> {
        if self.has_signature_key_pair {
            Some("the account has a signing key pair")
        } else if matches!(self.private_key, Some(EncString::CoseEncrypt0B64 { .. })) {
            Some("the private key is a type-7 (COSE) encrypted value")
        } else if matches!(self.user_key, Some(EncString::CoseEncrypt0B64 { .. })) {
            Some("the user key is a type-7 (COSE) encrypted value")
        } else {
            None
        }
    }

    /// Unlocks the user key and private key, refusing V2 accounts with their own error.
    pub fn unlock(&self, master_key: &MasterKey) -> Result<UnlockedAccount, CryptoError> {
        if let Some(reason) = self.v2_reason() {
            return Err(CryptoError::V2Account(reason));
        }
        let wrapped_user_key = self
            .user_key
            .as_ref()
            .ok_or(CryptoError::AccountFieldMissing("encrypted user key (Key)"))?;
        let wrapped_private_key =
            self.private_key
                .as_ref()
                .ok_or(CryptoError::AccountFieldMissing(
                    "encrypted private key (PrivateKey)",
                ))?;
        let user_key = decrypt_user_key(master_key, wrapped_user_key)?;
        let private_key = decrypt_private_key(&user_key, wrapped_private_key)?;
        Ok(UnlockedAccount {
            user_key,
            private_key,
        })
    }
}

/// An account's keys in the clear. Wiped on drop; `Debug` shows no key material.
#[derive(Debug)]
pub struct UnlockedAccount {
    pub user_key: SymmetricKey,
    pub private_key: PrivateKey,
}

impl UnlockedAccount {
    /// The public key derived from the private key, as the web vault obtains it.
    pub fn public_key(&self) -> PublicKey {
        self.private_key.public_key()
    }
}

/// Unwraps the user key: type 2 with the stretched master key, or the legacy type 0 with
/// the raw master key. A type-7 value or a key longer than 64 bytes means V2 (§2.4).
pub fn decrypt_user_key(
    master_key: &MasterKey,
    key: &EncString,
) -> Result<SymmetricKey, CryptoError> {
    let bytes = match key {
        EncString::AesCbc256HmacSha256B64 { .. } => master_key.stretch().decrypt(key)?,
        EncString::AesCbc256B64 { .. } => decrypt_legacy_type0(master_key.raw(), key)?,
        EncString::CoseEncrypt0B64 { .. } => {
            return Err(CryptoError::V2Account(
                "the user key is a type-7 (COSE) encrypted value",
            ))
        }
        other => return Err(CryptoError::UnsupportedEncType(other.enc_type())),
    };
    SymmetricKey::from_bytes(&bytes)
}

/// Unwraps the user's RSA private key (type 2 under the user key, PKCS#8 DER inside).
pub fn decrypt_private_key(
    user_key: &SymmetricKey,
    wrapped: &EncString,
) -> Result<PrivateKey, CryptoError> {
    if let EncString::CoseEncrypt0B64 { .. } = wrapped {
        return Err(CryptoError::V2Account(
            "the private key is a type-7 (COSE) encrypted value",
        ));
    }
    PrivateKey::from_pkcs8_der(&user_key.decrypt(wrapped)?)
}

fn enc_string(value: &Value, what: &'static str) -> Result<EncString, CryptoError> {
    value
        .as_str()
        .ok_or_else(|| CryptoError::EncStringMalformed(format!("the {what} is not a string")))?
        .parse()
}
