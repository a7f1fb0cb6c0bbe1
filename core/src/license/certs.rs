//! Which RSA keys a license may be signed with. Bitwarden's two licensing certificates are
//! compiled in and pinned by SHA-1 thumbprint (what the server checks) and by SHA-256
//! (contract §1.6, §2); the development one is trusted only when asked for. More keys can
//! be added from PEM files, e.g. a test server's.

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::RsaPublicKey;
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::der::{Decode, Encode};
use x509_cert::Certificate;

use crate::error::{Explain, Words};
use crate::messages::Phrase;

/// Bitwarden's production licensing certificate (DER).
const PRODUCTION_DER: &[u8] = include_bytes!("../../certs/licensing.cer");
/// Bitwarden's development licensing certificate (DER).
const DEVELOPMENT_DER: &[u8] = include_bytes!("../../certs/licensing_dev.cer");

/// SHA-1 thumbprint the server pins for the production certificate.
pub const PRODUCTION_THUMBPRINT: &str = "B34876439FCDA2846505B2EFBBA6C4A951313EBE";
/// SHA-1 thumbprint the server pins for the development certificate.
pub const DEVELOPMENT_THUMBPRINT: &str = "207E64A231E8AA32AAF68A61037C075EBEBD553F";
const PRODUCTION_SHA256: &str = "EB3A634B8FF34D5A9AA8593F6EAB38382BF8893B9E3CCF0897D97327201B1A37";
const DEVELOPMENT_SHA256: &str = "23C73A3145F7553CCFEE2F9348AB6F3278D501439642DB466B2DB352EED9B581";

/// Where a verification key came from, as reported with a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CertificateKind {
    /// Bitwarden's production certificate: what every self-hosted server trusts.
    Production,
    /// Bitwarden's development certificate: trusted only by non-production servers.
    Development,
    /// A key the caller added (a test or private server).
    Custom,
}

impl CertificateKind {
    /// The certificate as named in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateKind::Production => "production",
            CertificateKind::Development => "development",
            CertificateKind::Custom => "custom",
        }
    }
}

/// One verification key.
#[derive(Debug, Clone)]
pub struct VerificationKey {
    pub certificate: CertificateKind,
    pub key: RsaPublicKey,
    /// Whether a signature by this key counts in this run; a known but untrusted key only
    /// lets the report say "untrusted" instead of "invalid".
    pub trusted: bool,
}

/// The keys a license is checked against, trusted ones first.
#[derive(Debug, Clone)]
pub struct TrustSet {
    keys: Vec<VerificationKey>,
}

/// Why a trust set could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("The built-in {which} licensing certificate does not match its pinned fingerprint (expected {expected}, found {found}).")]
    PinMismatch {
        which: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("The {which} certificate cannot be read: {detail}")]
    BadCertificate { which: String, detail: String },
    #[error("The PEM data cannot be read: {0}")]
    BadPem(String),
    #[error("The PEM block is \"{0}\"; expected CERTIFICATE, PUBLIC KEY or RSA PUBLIC KEY.")]
    UnsupportedPem(String),
}

impl Explain for TrustError {
    fn code(&self) -> &'static str {
        match self {
            TrustError::PinMismatch { .. } => "certificate_pin_mismatch",
            TrustError::BadCertificate { .. } => "certificate_unreadable",
            TrustError::BadPem(_) => "pem_unreadable",
            TrustError::UnsupportedPem(_) => "pem_unsupported",
        }
    }

    fn words(&self) -> Option<Words> {
        let (message, advice) = match self {
            TrustError::PinMismatch {
                which,
                expected,
                found,
            } => (
                Phrase::new(format!("trust.pin_mismatch.{which}"))
                    .with("expected", expected)
                    .with("found", found),
                "trust.pin_mismatch.advice",
            ),
            TrustError::BadCertificate { which, detail } => (
                Phrase::new("trust.bad_certificate")
                    .with("which", which)
                    .with("detail", detail),
                "trust.pem.advice",
            ),
            TrustError::BadPem(detail) => (
                Phrase::new("trust.bad_pem").with("detail", detail),
                "trust.pem.advice",
            ),
            TrustError::UnsupportedPem(label) => (
                Phrase::new("trust.unsupported_pem").with("label", label),
                "trust.unsupported_pem.advice",
            ),
        };
        Some(Words {
            message: vec![message],
            advice: vec![Phrase::new(advice)],
        })
    }
}

impl TrustSet {
    /// What a production self-hosted server trusts: the production certificate. The
    /// development certificate is known (to report "untrusted") but not trusted.
    pub fn production() -> Result<Self, TrustError> {
        let production = pinned(
            "production",
            PRODUCTION_DER,
            PRODUCTION_THUMBPRINT,
            PRODUCTION_SHA256,
        )?;
        let development = pinned(
            "development",
            DEVELOPMENT_DER,
            DEVELOPMENT_THUMBPRINT,
            DEVELOPMENT_SHA256,
        )?;
        Ok(Self {
            keys: vec![
                VerificationKey {
                    certificate: CertificateKind::Production,
                    key: production,
                    trusted: true,
                },
                VerificationKey {
                    certificate: CertificateKind::Development,
                    key: development,
                    trusted: false,
                },
            ],
        })
    }

    /// Also trusts the development certificate, as a server not running in `Production` does.
    pub fn allow_development(mut self) -> Self {
        for key in &mut self.keys {
            if key.certificate == CertificateKind::Development {
                key.trusted = true;
            }
        }
        self
    }

    /// Trusts one more RSA public key, reported as "custom".
    pub fn trust_key(mut self, key: RsaPublicKey) -> Self {
        self.keys.push(VerificationKey {
            certificate: CertificateKind::Custom,
            key,
            trusted: true,
        });
        self
    }

    /// Trusts the key of a PEM `CERTIFICATE`, `PUBLIC KEY` or `RSA PUBLIC KEY`.
    pub fn trust_pem(self, pem: &str) -> Result<Self, TrustError> {
        let (label, der) = x509_cert::der::pem::decode_vec(pem.trim().as_bytes())
            .map_err(|e| TrustError::BadPem(e.to_string()))?;
        let key = match label {
            "CERTIFICATE" => key_of_certificate("custom", &der)?,
            "PUBLIC KEY" => {
                RsaPublicKey::from_public_key_der(&der).map_err(|e| bad("custom", e))?
            }
            "RSA PUBLIC KEY" => RsaPublicKey::from_pkcs1_der(&der).map_err(|e| bad("custom", e))?,
            other => return Err(TrustError::UnsupportedPem(other.to_owned())),
        };
        Ok(self.trust_key(key))
    }

    /// A trust set of exactly these keys, for tests that need a stand-in for a Bitwarden key.
    #[cfg(test)]
    pub(crate) fn from_keys(keys: Vec<VerificationKey>) -> Self {
        Self { keys }
    }

    /// Every key, trusted ones first, in the order they are tried.
    pub fn keys(&self) -> impl Iterator<Item = &VerificationKey> {
        self.keys
            .iter()
            .filter(|k| k.trusted)
            .chain(self.keys.iter().filter(|k| !k.trusted))
    }
}

fn bad(which: &str, e: impl std::fmt::Display) -> TrustError {
    TrustError::BadCertificate {
        which: which.to_owned(),
        detail: e.to_string(),
    }
}

/// The RSA key of a DER certificate.
fn key_of_certificate(which: &str, der: &[u8]) -> Result<RsaPublicKey, TrustError> {
    let certificate = Certificate::from_der(der).map_err(|e| bad(which, e))?;
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| bad(which, e))?;
    RsaPublicKey::from_public_key_der(&spki).map_err(|e| bad(which, e))
}

/// The key of a built-in certificate after checking both of its fingerprints.
fn pinned(
    which: &'static str,
    der: &[u8],
    sha1_pin: &'static str,
    sha256_pin: &'static str,
) -> Result<RsaPublicKey, TrustError> {
    for (expected, found) in [
        (sha1_pin, hex(&Sha1::digest(der))),
        (sha256_pin, hex(&Sha256::digest(der))),
    ] {
        if found != expected {
            return Err(TrustError::PinMismatch {
                which,
                expected,
                found,
            });
        }
    }
    key_of_certificate(which, der)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::traits::PublicKeyParts;

    #[test]
    fn built_in_certificates_match_their_pins_and_hold_rsa_4096_keys() {
        let set = TrustSet::production().unwrap();
        let keys: Vec<_> = set.keys().collect();
        assert_eq!(keys.len(), 2);
        assert!(keys.iter().all(|k| k.key.size() * 8 == 4096));
        assert_eq!(
            (keys[0].certificate, keys[0].trusted),
            (CertificateKind::Production, true)
        );
        assert_eq!(
            (keys[1].certificate, keys[1].trusted),
            (CertificateKind::Development, false)
        );
    }

    #[test]
    fn a_certificate_that_does_not_match_its_pin_is_refused() {
        let err = pinned(
            "production",
            DEVELOPMENT_DER,
            PRODUCTION_THUMBPRINT,
            PRODUCTION_SHA256,
        )
        .unwrap_err();
        assert_eq!(err.code(), "certificate_pin_mismatch");
        assert!(err.to_string().contains(DEVELOPMENT_THUMBPRINT));
    }

    #[test]
    fn development_certificate_is_trusted_only_on_request() {
        let set = TrustSet::production().unwrap().allow_development();
        assert!(set.keys().all(|k| k.trusted));
    }

    #[test]
    fn pem_certificate_and_public_key_are_both_accepted() {
        use x509_cert::der::pem::{encode_string, LineEnding};
        let cert_pem = encode_string("CERTIFICATE", LineEnding::LF, PRODUCTION_DER).unwrap();
        let from_cert = TrustSet::production()
            .unwrap()
            .trust_pem(&cert_pem)
            .unwrap();
        let custom = from_cert
            .keys()
            .find(|k| k.certificate == CertificateKind::Custom)
            .unwrap();
        let production = from_cert.keys().next().unwrap();
        assert_eq!(custom.key, production.key);

        let spki =
            rsa::pkcs8::EncodePublicKey::to_public_key_pem(&custom.key, rsa::pkcs8::LineEnding::LF)
                .unwrap();
        assert!(TrustSet::production().unwrap().trust_pem(&spki).is_ok());
    }

    #[test]
    fn private_keys_and_garbage_are_refused_as_trust_anchors() {
        let private = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            TrustSet::production()
                .unwrap()
                .trust_pem(private)
                .unwrap_err()
                .code(),
            "pem_unsupported"
        );
        assert_eq!(
            TrustSet::production()
                .unwrap()
                .trust_pem("hello")
                .unwrap_err()
                .code(),
            "pem_unreadable"
        );
    }
}
