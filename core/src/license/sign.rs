//! Making licenses as the cloud does, for test servers and fixtures: fill `Hash`, sign the
//! data with an RSA key (PKCS#1 v1.5, SHA-256) and issue the claims token (RS256, issuer
//! `bitwarden`, one year). Self-hosted servers and this app never sign real licenses.

use base64::Engine;
use chrono::{DateTime, Months, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::canonical::{self, UnsupportedVersion};
use super::claims::license_claims;
use super::model::License;
use super::token::{audience, Claims, ISSUER};
use crate::error::Explain;

/// Why a license could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error(transparent)]
    UnsupportedVersion(#[from] UnsupportedVersion),
    #[error("Signing failed: {0}")]
    Crypto(String),
}

impl Explain for SignError {
    fn code(&self) -> &'static str {
        match self {
            SignError::UnsupportedVersion(_) => "sign_unsupported_version",
            SignError::Crypto(_) => "sign_failed",
        }
    }

    fn advice(&self) -> String {
        match self {
            SignError::UnsupportedVersion(_) => {
                "Set Version to 1..16 for an organization license or 1 for a premium license."
                    .into()
            }
            SignError::Crypto(_) => "Use an RSA private key of at least 2048 bits.".into(),
        }
    }
}

/// Sets `Hash` and `Signature` as the cloud does for a newly generated license.
pub fn sign_license(license: &mut License, key: &RsaPrivateKey) -> Result<(), SignError> {
    let hash = canonical::compute_hash(license)?;
    match license {
        License::Organization(l) => l.hash = Some(hash),
        License::User(l) => l.hash = Some(hash),
    }
    let digest = Sha256::digest(canonical::signature_data(license)?);
    let signature = key
        .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
        .map_err(|e| SignError::Crypto(e.to_string()))?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(signature);
    match license {
        License::Organization(l) => l.signature = Some(encoded),
        License::User(l) => l.signature = Some(encoded),
    }
    Ok(())
}

/// The full claim set of a token issued at `issued`: the license claims plus `iss`, `aud`,
/// `nbf` = `iat` = issue time, `exp` = issue time + 1 year, and a random `jti`.
pub fn token_claims(license: &License, issued: DateTime<Utc>) -> Claims {
    let mut claims = license_claims(license);
    let expires = issued.checked_add_months(Months::new(12)).unwrap_or(issued);
    claims.insert("iss".into(), Value::from(ISSUER));
    claims.insert(
        "aud".into(),
        Value::from(audience(license.kind(), license.id())),
    );
    claims.insert("nbf".into(), Value::from(issued.timestamp()));
    claims.insert("iat".into(), Value::from(issued.timestamp()));
    claims.insert("exp".into(), Value::from(expires.timestamp()));
    claims.insert(
        "jti".into(),
        Value::from(Uuid::new_v4().hyphenated().to_string()),
    );
    claims
}

/// Signs any claim set as an RS256 JWT without `kid`, as the cloud does.
pub fn encode_token(claims: &Claims, key: &RsaPrivateKey) -> Result<String, SignError> {
    let der = key
        .to_pkcs1_der()
        .map_err(|e| SignError::Crypto(e.to_string()))?;
    let encoding = EncodingKey::from_rsa_der(der.as_bytes());
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &encoding)
        .map_err(|e| SignError::Crypto(e.to_string()))
}

/// Signs the license and attaches a token issued at `issued`, like a cloud download.
pub fn sign_with_token(
    license: &mut License,
    key: &RsaPrivateKey,
    issued: DateTime<Utc>,
) -> Result<(), SignError> {
    sign_license(license, key)?;
    let token = encode_token(&token_claims(license, issued), key)?;
    match license {
        License::Organization(l) => l.token = Some(token),
        License::User(l) => l.token = Some(token),
    }
    Ok(())
}
