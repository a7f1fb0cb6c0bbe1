//! The legacy `Signature`: RSA PKCS#1 v1.5 with SHA-256 over the signature data, valid when
//! any verification key accepts it (contract §1.5).

use base64::Engine;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::canonical;
use super::certs::{CertificateKind, TrustSet};
use super::model::License;
use crate::messages::Phrase;

/// The outcome of checking `Signature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SignatureStatus {
    /// Verifies with a trusted key.
    Valid,
    /// Does not verify with any known key (tampered, damaged or foreign).
    Invalid,
    /// `Signature` is empty or absent.
    Missing,
    /// Verifies only with a known key that is not trusted in this run.
    Untrusted,
}

impl SignatureStatus {
    /// The status as named in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::Missing => "missing",
            SignatureStatus::Untrusted => "untrusted",
        }
    }
}

/// What the signature check found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct SignatureReport {
    pub status: SignatureStatus,
    /// The certificate whose key verified the signature.
    pub certificate: Option<CertificateKind>,
    /// Why it is not valid, in plain words (the English of `fault`).
    pub detail: Option<String>,
    #[serde(skip)]
    pub fault: Option<Phrase>,
    /// The key that verified it (tried first for the token, which the same key signs).
    #[serde(skip)]
    pub key: Option<RsaPublicKey>,
}

impl SignatureReport {
    fn failed(status: SignatureStatus, fault: Phrase) -> Self {
        Self {
            status,
            certificate: None,
            detail: Some(fault.say("en")),
            fault: Some(fault),
            key: None,
        }
    }
}

/// Checks the legacy signature of a license against the trust set.
pub fn verify(license: &License, trust: &TrustSet) -> SignatureReport {
    let encoded = license.signature().unwrap_or_default();
    if encoded.is_empty() {
        return SignatureReport::failed(SignatureStatus::Missing, Phrase::new("signature.missing"));
    }
    let Ok(signature) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
        return SignatureReport::failed(
            SignatureStatus::Invalid,
            Phrase::new("signature.not_base64"),
        );
    };
    let data = match canonical::signature_data(license) {
        Ok(data) => data,
        Err(e) => {
            return SignatureReport::failed(
                SignatureStatus::Invalid,
                Phrase::new("signature.uncomputable").with("error", e),
            )
        }
    };
    let digest = Sha256::digest(&data);
    for candidate in trust.keys() {
        if candidate
            .key
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
            .is_ok()
        {
            let (status, fault) = if candidate.trusted {
                (SignatureStatus::Valid, None)
            } else {
                (
                    SignatureStatus::Untrusted,
                    Some(Phrase::new("signature.development")),
                )
            };
            return SignatureReport {
                status,
                certificate: Some(candidate.certificate),
                detail: fault.as_ref().map(|fault| fault.say("en")),
                fault,
                key: Some(candidate.key.clone()),
            };
        }
    }
    SignatureReport::failed(SignatureStatus::Invalid, Phrase::new("signature.mismatch"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::license::certs::VerificationKey;
    use crate::license::model::OrganizationLicense;
    use crate::license::sign::sign_with_token;
    use crate::license::token::{self, TokenStatus};
    use chrono::{TimeZone, Utc};
    use rsa::RsaPrivateKey;

    /// A trust set where a test key plays Bitwarden's development certificate.
    fn dev_stand_in(key: &RsaPrivateKey) -> TrustSet {
        TrustSet::from_keys(vec![VerificationKey {
            certificate: CertificateKind::Development,
            key: key.to_public_key(),
            trusted: false,
        }])
    }

    #[test]
    fn development_signatures_are_untrusted_until_allowed() {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut license = License::Organization(OrganizationLicense {
            version: 15,
            ..Default::default()
        });
        sign_with_token(&mut license, &key, now).unwrap();
        let jwt = license.token().unwrap().to_owned();

        let production = dev_stand_in(&key);
        let report = verify(&license, &production);
        assert_eq!(
            (report.status, report.certificate),
            (
                SignatureStatus::Untrusted,
                Some(CertificateKind::Development)
            )
        );
        let t = token::verify(&jwt, license.kind(), license.id(), &production, None, now);
        assert_eq!(
            (t.status, t.code),
            (TokenStatus::Invalid, Some("token_untrusted"))
        );

        let development = dev_stand_in(&key).allow_development();
        assert_eq!(
            verify(&license, &development).status,
            SignatureStatus::Valid
        );
        assert_eq!(
            token::verify(&jwt, license.kind(), license.id(), &development, None, now).status,
            TokenStatus::Valid
        );
    }

    #[test]
    fn a_signature_that_is_not_base64_is_invalid_not_a_crash() {
        let license = License::Organization(OrganizationLicense {
            version: 1,
            signature: Some("%%%".into()),
            ..Default::default()
        });
        let report = verify(&license, &TrustSet::production().unwrap());
        assert_eq!(report.status, SignatureStatus::Invalid);
        assert_eq!(
            report.detail.as_deref(),
            Some("The signature is not valid base64.")
        );
    }
}
