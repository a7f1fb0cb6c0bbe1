//! The core's errors are worded by the app's catalogs: one of every variant has its words
//! in both languages with every value filled, and their English is the error's own text,
//! so the CLI prints what the window says in English.

use std::time::Duration;

mod catalog_support;

use catalog_support::{catalogs, problem_faults};
use companion_core::app::SettingsError;
use companion_core::audit::AuditError;
use companion_core::crypto::CryptoError;
use companion_core::error::Explain;
use companion_core::fleet::FleetError;
use companion_core::installation::Region;
use companion_core::license::TrustError;

use companion_core::ops::billing::SetupProblem;
use companion_core::ops::licenses::RestoreError;
use companion_core::secrets::KeychainError;

/// What is wrong with `error`'s words: none, a key missing from a catalog, a value left
/// unfilled, or English that differs from the error's own text.
fn error_faults(error: &dyn Explain) -> Vec<String> {
    let problem = error.problem();
    let mut out = problem_faults(&problem, &catalogs());
    if problem.message != error.to_string() {
        out.push(format!(
            "{}: the catalog says {:?}, the error {:?}",
            problem.code,
            problem.message,
            error.to_string()
        ));
    }
    if problem.advice != error.advice() {
        out.push(format!(
            "{}: its problem's advice is not its advice",
            problem.code
        ));
    }
    out
}

fn every_error() -> Vec<Box<dyn Explain>> {
    let io = || std::io::Error::other("disk full");
    vec![
        Box::new(KeychainError::Unavailable("no D-Bus".into())),
        Box::new(KeychainError::Denied("locked".into())),
        Box::new(KeychainError::Other("bad entry".into())),
        Box::new(TrustError::PinMismatch {
            which: "production",
            expected: "AA",
            found: "BB".into(),
        }),
        Box::new(TrustError::PinMismatch {
            which: "development",
            expected: "AA",
            found: "BB".into(),
        }),
        Box::new(TrustError::BadCertificate {
            which: "/etc/ca.pem".into(),
            detail: "bad DER".into(),
        }),
        Box::new(TrustError::BadPem("no BEGIN line".into())),
        Box::new(TrustError::UnsupportedPem("PRIVATE KEY".into())),
        Box::new(AuditError::LicenseFolderMissing {
            path: "/opt/bwdata".into(),
        }),
        Box::new(AuditError::LicenseFolderUnreadable {
            path: "/opt/bwdata/core/licenses".into(),
            reason: "permission denied".into(),
        }),
        Box::new(AuditError::InstallationPlaceMissing {
            instance: "Office vault".into(),
        }),
        Box::new(SettingsError::File {
            action: "read",
            path: "settings.json".into(),
            source: io(),
        }),
        Box::new(SettingsError::File {
            action: "create the folder of",
            path: "settings.json".into(),
            source: io(),
        }),
        Box::new(SettingsError::File {
            action: "write",
            path: "settings.json".into(),
            source: io(),
        }),
        Box::new(SettingsError::File {
            action: "back up",
            path: "settings.json".into(),
            source: io(),
        }),
        Box::new(SettingsError::File {
            action: "replace",
            path: "settings.json".into(),
            source: io(),
        }),
        Box::new(SettingsError::Invalid {
            path: "settings.json".into(),
            detail: "expected value at line 1".into(),
        }),
        Box::new(SettingsError::UnknownInstance("x".into())),
        Box::new(SettingsError::NameMissing),
        Box::new(SettingsError::NoInstances {
            path: "settings.json".into(),
        }),
        Box::new(SetupProblem::AccountRegionMismatch {
            installation: Region::Eu,
            account: Region::Us,
        }),
        Box::new(SetupProblem::ServerCloudCommunicationOff {
            file_turns_it_on: true,
        }),
        Box::new(SetupProblem::ServerCloudCommunicationOff {
            file_turns_it_on: false,
        }),
        Box::new(RestoreError::Gone),
        Box::new(RestoreError::NeverInForce),
        Box::new(FleetError::TimedOut {
            after: Duration::from_secs(30),
        }),
        Box::new(CryptoError::KdfMalformed("kdfIterations".into())),
        Box::new(CryptoError::KdfUnsupported(7)),
        Box::new(CryptoError::KdfOutOfRange {
            parameter: "iterations",
            value: 1,
            min: 5000,
            max: 2_000_000,
        }),
        Box::new(CryptoError::KdfFailed("out of memory".into())),
        Box::new(CryptoError::EncStringMalformed("no type".into())),
        Box::new(CryptoError::UnsupportedEncType(9)),
        Box::new(CryptoError::WrongKeyType("a COSE key")),
        Box::new(CryptoError::MacMismatch),
        Box::new(CryptoError::DecryptionFailed("the padding is invalid")),
        Box::new(CryptoError::InvalidKeyLength(32)),
        Box::new(CryptoError::V2Account("COSE user key")),
        Box::new(CryptoError::InvalidPublicKey("bad base64".into())),
        Box::new(CryptoError::InvalidPrivateKey("bad PKCS#8".into())),
        Box::new(CryptoError::NotUtf8),
        Box::new(CryptoError::KeyGeneration("no entropy".into())),
        Box::new(CryptoError::AccountFieldMissing("encrypted user key (Key)")),
        Box::new(CryptoError::OrgKeyPairMismatch),
        Box::new(CryptoError::OrgKeysIncomplete("public key")),
    ]
}

#[test]
fn every_error_is_worded_in_both_languages_and_reads_in_english_as_its_own_text() {
    let found: Vec<String> = every_error()
        .iter()
        .flat_map(|e| error_faults(e.as_ref()))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_rejected_instance_keeps_the_words_of_what_was_wrong_with_it() {
    let error = SettingsError::NameMissing;
    let words = error.words().unwrap();
    assert_eq!(words.message[0].say("zh-CN"), "实例需要一个名称。");
    assert_eq!(error.code(), "settings_rejected");
}
