//! Every way the client crypto can fail, each with a stable code and advice. Messages name
//! the parameter or the part that is wrong, never a key, a hash or a plaintext.

use crate::error::{Explain, Words};
use crate::messages::Phrase;

/// Why a key derivation, an encryption or a decryption did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("The server's KDF settings are incomplete or not numbers: {0}")]
    KdfMalformed(String),
    #[error("The KDF type {0} is not known (0 = PBKDF2-SHA256, 1 = Argon2id)")]
    KdfUnsupported(i64),
    #[error("The KDF {parameter} is {value}; this app accepts {min} to {max}")]
    KdfOutOfRange {
        parameter: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
    #[error("The key derivation failed: {0}")]
    KdfFailed(String),
    #[error("The encrypted value is malformed: {0}")]
    EncStringMalformed(String),
    #[error("Encryption type {0} is not supported here")]
    UnsupportedEncType(u8),
    #[error("The key does not fit this encrypted value: {0}")]
    WrongKeyType(&'static str),
    #[error("The integrity check (MAC) of an encrypted value failed")]
    MacMismatch,
    #[error("Decryption failed: {0}")]
    DecryptionFailed(&'static str),
    #[error("A symmetric key must be 64 bytes, found {0}")]
    InvalidKeyLength(usize),
    #[error(
        "This account uses a newer encryption format (V2) that this version cannot unlock: {0}"
    )]
    V2Account(&'static str),
    #[error("The RSA public key is not a valid base64 SubjectPublicKeyInfo: {0}")]
    InvalidPublicKey(String),
    #[error("The RSA private key is not a valid PKCS#8 RSA key: {0}")]
    InvalidPrivateKey(String),
    #[error("The decrypted text is not valid UTF-8")]
    NotUtf8,
    #[error("A new key could not be generated: {0}")]
    KeyGeneration(String),
    #[error("The account data has no {0}")]
    AccountFieldMissing(&'static str),
    #[error("The organization's public key does not belong to its private key")]
    OrgKeyPairMismatch,
    #[error("The organization key fields are incomplete: {0}")]
    OrgKeysIncomplete(&'static str),
}

impl Explain for CryptoError {
    fn code(&self) -> &'static str {
        match self {
            CryptoError::KdfMalformed(_) => "kdf_malformed",
            CryptoError::KdfUnsupported(_) => "kdf_unsupported",
            CryptoError::KdfOutOfRange { .. } => "kdf_out_of_range",
            CryptoError::KdfFailed(_) => "kdf_failed",
            CryptoError::EncStringMalformed(_) => "enc_string_malformed",
            CryptoError::UnsupportedEncType(_) => "unsupported_enc_type",
            CryptoError::WrongKeyType(_) => "wrong_key_type",
            CryptoError::MacMismatch => "mac_mismatch",
            CryptoError::DecryptionFailed(_) => "decryption_failed",
            CryptoError::InvalidKeyLength(_) => "invalid_key_length",
            CryptoError::V2Account(_) => "v2_account",
            CryptoError::InvalidPublicKey(_) => "invalid_public_key",
            CryptoError::InvalidPrivateKey(_) => "invalid_private_key",
            CryptoError::NotUtf8 => "plaintext_not_utf8",
            CryptoError::KeyGeneration(_) => "key_generation_failed",
            CryptoError::AccountFieldMissing(_) => "account_field_missing",
            CryptoError::OrgKeyPairMismatch => "org_key_pair_mismatch",
            CryptoError::OrgKeysIncomplete(_) => "org_keys_incomplete",
        }
    }

    /// `crypto.<code>` with the part that failed as `{detail}` (a library's or the
    /// format's own technical words), and the advice its kind of failure shares.
    fn words(&self) -> Option<Words> {
        let message = Phrase::new(format!("crypto.{}", self.code()));
        let message = match self {
            CryptoError::KdfMalformed(detail)
            | CryptoError::KdfFailed(detail)
            | CryptoError::EncStringMalformed(detail)
            | CryptoError::InvalidPublicKey(detail)
            | CryptoError::InvalidPrivateKey(detail)
            | CryptoError::KeyGeneration(detail) => message.with("detail", detail),
            CryptoError::WrongKeyType(detail)
            | CryptoError::DecryptionFailed(detail)
            | CryptoError::V2Account(detail)
            | CryptoError::AccountFieldMissing(detail)
            | CryptoError::OrgKeysIncomplete(detail) => message.with("detail", detail),
            CryptoError::KdfUnsupported(kind) => message.with("kind", kind),
            CryptoError::KdfOutOfRange {
                parameter,
                value,
                min,
                max,
            } => message
                .with("parameter", parameter)
                .with("value", value)
                .with("min", min)
                .with("max", max),
            CryptoError::UnsupportedEncType(kind) => message.with("kind", kind),
            CryptoError::InvalidKeyLength(length) => message.with("length", length),
            CryptoError::MacMismatch | CryptoError::NotUtf8 | CryptoError::OrgKeyPairMismatch => {
                message
            }
        };
        let advice = match self {
            CryptoError::KdfMalformed(_) | CryptoError::KdfUnsupported(_) => "crypto.advice.server",
            CryptoError::KdfOutOfRange { .. } => "crypto.advice.kdf_range",
            CryptoError::KdfFailed(_) | CryptoError::KeyGeneration(_) => "crypto.advice.retry",
            CryptoError::MacMismatch => "crypto.advice.password",
            CryptoError::V2Account(_) => "crypto.advice.v2",
            CryptoError::OrgKeyPairMismatch | CryptoError::OrgKeysIncomplete(_) => {
                "crypto.advice.org_keys"
            }
            CryptoError::AccountFieldMissing(_) => "crypto.advice.account_field",
            CryptoError::EncStringMalformed(_)
            | CryptoError::UnsupportedEncType(_)
            | CryptoError::WrongKeyType(_)
            | CryptoError::DecryptionFailed(_)
            | CryptoError::InvalidKeyLength(_)
            | CryptoError::InvalidPublicKey(_)
            | CryptoError::InvalidPrivateKey(_)
            | CryptoError::NotUtf8 => "crypto.advice.damaged",
        };
        Some(Words {
            message: vec![message],
            advice: vec![Phrase::new(advice)],
        })
    }
}
