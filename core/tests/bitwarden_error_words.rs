//! Every way talking to a Bitwarden server can fail is worded by the app's catalogs: each
//! phrase has both languages with every value filled, and in English the words are exactly
//! what the CLI prints (the error's `Display` and its advice). An error that wraps another
//! core error is worded by that error.

mod catalog_support;
use std::collections::BTreeSet;

use catalog_support::{catalogs, problem_faults};
use companion_core::bitwarden::{BitwardenError, FileAction};
use companion_core::crypto::CryptoError;
use companion_core::error::Explain;
use companion_core::installation::InstallationError;
use companion_core::license::{LicenseError, TrustError};
use companion_core::messages::{say_all, Phrase};
use companion_core::secrets::KeychainError;

/// The variant's name. The match has no catch-all, so a new variant cannot be added
/// without being named here, next to the instances below.
fn variant(error: &BitwardenError) -> &'static str {
    use BitwardenError::*;
    match error {
        NetworkUnreachable { .. } => "NetworkUnreachable",
        Timeout { .. } => "Timeout",
        TlsUntrusted { .. } => "TlsUntrusted",
        InsecureHttp { .. } => "InsecureHttp",
        InvalidUrl { .. } => "InvalidUrl",
        CaCertificate { .. } => "CaCertificate",
        SystemTrustStore { .. } => "SystemTrustStore",
        Unauthorized { .. } => "Unauthorized",
        TwoFactorRequired { .. } => "TwoFactorRequired",
        TwoFactorUnsupported { .. } => "TwoFactorUnsupported",
        TwoFactorInvalid { .. } => "TwoFactorInvalid",
        NewDeviceOtpRequired => "NewDeviceOtpRequired",
        NewDeviceOtpInvalid { .. } => "NewDeviceOtpInvalid",
        InvalidCredentials { .. } => "InvalidCredentials",
        SsoRequired { .. } => "SsoRequired",
        ClientVersionRejected { .. } => "ClientVersionRejected",
        SessionExpired { .. } => "SessionExpired",
        NotSignedIn { .. } => "NotSignedIn",
        ServerRefused { .. } => "ServerRefused",
        NotFound { .. } => "NotFound",
        ServerError { .. } => "ServerError",
        UnexpectedAnswer { .. } => "UnexpectedAnswer",
        File { .. } => "File",
        LicenseUnreadable { .. } => "LicenseUnreadable",
        LicenseRefused { .. } => "LicenseRefused",
        RequestTooLarge { .. } => "RequestTooLarge",
        LicenseUnsuitable { .. } => "LicenseUnsuitable",
        LicenseForAnotherOrganization { .. } => "LicenseForAnotherOrganization",
        ConfirmationRequired { .. } => "ConfirmationRequired",
        OutcomeUnknown { .. } => "OutcomeUnknown",
        SecretRejected { .. } => "SecretRejected",
        BillingSyncNotOffered { .. } => "BillingSyncNotOffered",
        NoLicensesOnVaultwarden => "NoLicensesOnVaultwarden",
        BillingTokenMissing => "BillingTokenMissing",
        BillingTokenSpaces => "BillingTokenSpaces",
        Keychain(_) => "Keychain",
        Crypto(_) => "Crypto",
        Installation(_) => "Installation",
        Trust(_) => "Trust",
    }
}

/// How many variants `variant` names.
const VARIANTS: usize = 39;

const URL: &str = "https://vault.example.com/api/accounts/profile";
const ORG: &str = "6f0d3b3e-8c1a-4b1e-9a55-2f1b4f3c7d10";

fn timeout() -> BitwardenError {
    BitwardenError::Timeout {
        url: URL.into(),
        seconds: 30.0,
    }
}

fn unreachable() -> BitwardenError {
    BitwardenError::NetworkUnreachable {
        url: URL.into(),
        detail: "Connection refused (os error 111)".into(),
    }
}

fn failing() -> BitwardenError {
    BitwardenError::ServerError {
        url: URL.into(),
        status: 502,
        message: "Bad Gateway".into(),
    }
}

fn file(action: FileAction) -> BitwardenError {
    BitwardenError::File {
        action,
        path: "/home/ada/.local/share/license-companion/sessions.json".into(),
        detail: "Permission denied (os error 13)".into(),
    }
}

/// One of each error that is not another core error wrapped, in each of its forms.
fn own_errors() -> Vec<BitwardenError> {
    use BitwardenError::*;
    let refusal = |key: &str| Phrase::new(format!("bitwarden_error.refusal.{key}"));
    let mut errors = vec![
        unreachable(),
        timeout(),
        TlsUntrusted {
            host: "vault.example.com".into(),
            detail: "invalid peer certificate: UnknownIssuer".into(),
        },
        InsecureHttp {
            url: "http://vault.example.com".into(),
        },
        InvalidUrl {
            input: "vault example".into(),
            reason: Phrase::new("url_fault.domain_character"),
        },
        CaCertificate {
            path: "/etc/ssl/private-ca.pem".into(),
            detail: "no certificate found".into(),
        },
        SystemTrustStore {
            detail: "no CA certificates found".into(),
        },
        Unauthorized {
            server: "https://vault.example.com".into(),
            message: "401 Unauthorized".into(),
        },
        TwoFactorRequired {
            providers: vec!["Authenticator app".into(), "Email".into()],
        },
        TwoFactorUnsupported {
            providers: vec!["YubiKey OTP".into(), "Duo".into()],
        },
        TwoFactorInvalid {
            message: "Two-step token is invalid. Try again.".into(),
        },
        NewDeviceOtpRequired,
        NewDeviceOtpInvalid {
            message: "New device verification code is invalid.".into(),
        },
        InvalidCredentials {
            message: "Username or password is incorrect. Try again.".into(),
        },
        SsoRequired {
            message: "Sso authentication is required.".into(),
        },
        ClientVersionRejected {
            message: "invalid_client_version".into(),
        },
        SessionExpired {
            server: "Bitwarden cloud (US)".into(),
        },
        NotSignedIn {
            server: "https://vault.example.com".into(),
        },
        ServerRefused {
            status: 400,
            message: "Invalid license. Version 17 is not supported.".into(),
            advice: vec![refusal("unsupported_version.file")
                .with("file", "bitwarden_organization_license.json")
                .with("version", 17)],
        },
        ServerRefused {
            status: 400,
            message: "Invalid license. The license has expired.\nThe license verification failed."
                .into(),
            advice: vec![
                refusal("expired_or_not_yet_valid"),
                refusal("signature_failed"),
            ],
        },
        ServerRefused {
            status: 400,
            message: "invalid_request: Something new.".into(),
            advice: vec![Phrase::new("bitwarden_error.server_refused.sign_in.advice")],
        },
        NotFound {
            what: Phrase::new("asked.organization").with("id", ORG),
            message: "Resource not found.".into(),
            advice: vec![Phrase::new("bitwarden_error.not_found.advice")
                .with_words("what", Phrase::new("asked.organization").with("id", ORG))],
        },
        NotFound {
            what: Phrase::new("asked.organization_on")
                .with("id", ORG)
                .with("server", "Bitwarden cloud (EU)"),
            message: "Resource not found.".into(),
            advice: vec![Phrase::new("bitwarden_error.not_found.not_an_owner.advice")
                .with("name", "Acme Corp")],
        },
        failing(),
        UnexpectedAnswer {
            url: URL.into(),
            detail: Phrase::new("answer_fault.not_json")
                .with("detail", "expected value at line 1 column 1"),
        },
        LicenseUnreadable {
            path: "/tmp/license.json".into(),
            source: LicenseError::Empty,
        },
        LicenseRefused {
            path: "/tmp/license.json".into(),
            message: "Invalid license. The license has expired.".into(),
        },
        RequestTooLarge { size: 60_000 },
        LicenseUnsuitable {
            path: "/tmp/license.json".into(),
            message: "Invalid license. The license has expired.".into(),
            advice: vec![
                Phrase::new("check.expired.advice").with("expires", "2026-01-01"),
                Phrase::new("bitwarden_error.license_unsuitable.checks.advice"),
            ],
        },
        LicenseUnsuitable {
            path: "/tmp/license.json".into(),
            message: "Premium licenses cannot be applied to an organization vault.".into(),
            advice: vec![
                Phrase::new("bitwarden_error.license_unsuitable.license_type.advice")
                    .with("type", 0),
            ],
        },
        LicenseUnsuitable {
            path: "/tmp/license.json".into(),
            message: "Premium licenses cannot be applied to an organization vault.".into(),
            advice: vec![Phrase::new(
                "bitwarden_error.license_unsuitable.no_license_type.advice",
            )],
        },
        ConfirmationRequired {
            organization: "Acme Corp".into(),
            reasons: vec!["Seats 50 -> 10".into(), "Plan Enterprise -> Teams".into()],
        },
        SecretRejected {
            message: "Invalid password.".into(),
            otp: false,
        },
        SecretRejected {
            message: "Invalid password.".into(),
            otp: true,
        },
        BillingSyncNotOffered {
            organization: "Acme Corp".into(),
            tier: "Families".into(),
            message: "Resource not found.".into(),
        },
        NoLicensesOnVaultwarden,
        BillingTokenMissing,
        BillingTokenSpaces,
    ];
    for only_the_key_differs in [false, true] {
        errors.push(LicenseForAnotherOrganization {
            license: format!("Acme Corp ({ORG})"),
            target: "Acme".into(),
            current: "cloud organization a1b2c3d4-0000-4000-8000-00000000cafe".into(),
            only_the_key_differs,
        });
    }
    for cause in [timeout(), unreachable(), failing(), BillingTokenMissing] {
        errors.push(OutcomeUnknown {
            cause: Box::new(cause),
            server: "https://vault.example.com".into(),
        });
    }
    for action in [
        FileAction::Read,
        FileAction::Write,
        FileAction::Create,
        FileAction::Remove,
        FileAction::Rename,
        FileAction::KeepBackup,
        FileAction::Find,
        FileAction::ReadInstallationId,
    ] {
        errors.push(file(action));
    }
    errors
}

/// The errors that wrap another core error.
fn wrapping_errors() -> Vec<BitwardenError> {
    vec![
        KeychainError::Unavailable("no D-Bus session".into()).into(),
        CryptoError::KdfUnsupported(7).into(),
        InstallationError::NotFound {
            path: "/opt/bitwarden/bwdata".into(),
        }
        .into(),
        TrustError::BadPem("no PEM block".into()).into(),
    ]
}

#[test]
fn every_variant_has_an_instance_here() {
    let named: BTreeSet<&str> = own_errors()
        .iter()
        .chain(&wrapping_errors())
        .map(variant)
        .collect();
    assert_eq!(named.len(), VARIANTS, "{named:?}");
}

#[test]
fn every_own_error_is_worded_in_both_languages_with_every_value_filled() {
    let catalogs = catalogs();
    let found: Vec<String> = own_errors()
        .iter()
        .flat_map(|error| problem_faults(&error.problem(), &catalogs))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn in_english_the_words_are_exactly_what_the_cli_prints() {
    for error in own_errors() {
        let words = error.words().expect("every own error has words");
        assert_eq!(
            say_all(&words.message, "en"),
            error.to_string(),
            "{error:?}"
        );
        assert_eq!(say_all(&words.advice, "en"), error.advice(), "{error:?}");
        let problem = error.problem();
        assert_eq!(problem.message, error.to_string());
        assert_eq!(problem.advice, error.advice());
    }
}

#[test]
fn what_was_not_found_is_named_in_the_window_language() {
    let error = BitwardenError::NotFound {
        what: Phrase::new("asked.account"),
        message: "Resource not found.".into(),
        advice: vec![Phrase::new("bitwarden_error.not_found.advice")
            .with_words("what", Phrase::new("asked.account"))],
    };
    let words = error.words().unwrap();
    assert_eq!(
        say_all(&words.message, "en"),
        "the account was not found: Resource not found."
    );
    let chinese = say_all(&words.message, "zh-CN") + &say_all(&words.advice, "zh-CN");
    assert!(chinese.contains("账户"), "{chinese}");
    assert!(!chinese.contains("account"), "{chinese}");
}

#[test]
fn value_names_are_single_lowercase_words() {
    for error in own_errors() {
        let words = error.words().unwrap();
        for phrase in words.message.iter().chain(&words.advice) {
            for name in phrase.values.keys() {
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase()),
                    "{}: {name}",
                    phrase.key
                );
            }
        }
    }
}

#[test]
fn a_wrapped_error_is_worded_and_advised_by_the_error_it_wraps() {
    for error in wrapping_errors() {
        let (words, advice) = match &error {
            BitwardenError::Keychain(e) => (e.words(), e.advice()),
            BitwardenError::Crypto(e) => (e.words(), e.advice()),
            BitwardenError::Installation(e) => (e.words(), e.advice()),
            BitwardenError::Trust(e) => (e.words(), e.advice()),
            other => panic!("{other:?} wraps no other error"),
        };
        assert_eq!(error.words(), words, "{error:?}");
        assert_eq!(error.advice(), advice, "{error:?}");
    }
}

#[test]
fn a_file_error_names_the_deed_in_chinese() {
    let error = file(FileAction::KeepBackup);
    assert_eq!(
        error.to_string(),
        "Cannot keep a backup of /home/ada/.local/share/license-companion/sessions.json: Permission denied (os error 13)"
    );
    let words = error.words().unwrap();
    assert_eq!(
        say_all(&words.message, "zh-CN"),
        "无法为 /home/ada/.local/share/license-companion/sessions.json 保留备份：Permission denied (os error 13)"
    );
    assert_eq!(say_all(&words.advice, "zh-CN"), "请检查路径及其权限。");
}

#[test]
fn a_refusal_keeps_the_servers_text_and_advises_in_chinese() {
    let error = BitwardenError::ServerRefused {
        status: 400,
        message: "Invalid license. Version 17 is not supported.".into(),
        advice: vec![
            Phrase::new("bitwarden_error.refusal.unsupported_version.file")
                .with("file", "license.json")
                .with("version", 17),
        ],
    };
    let words = error.words().unwrap();
    assert_eq!(
        say_all(&words.message, "zh-CN"),
        "服务器拒绝了请求：Invalid license. Version 17 is not supported."
    );
    assert_eq!(
        error.advice(),
        "license.json is a version 17 license, newer than this Bitwarden server can read. Update the server (`./bitwarden.sh updateself`, then `./bitwarden.sh update`) and upload the same file again."
    );
    assert!(say_all(&words.advice, "zh-CN").starts_with("license.json 是第 17 版许可证"));
}

#[test]
fn a_lost_answer_is_said_in_one_sentence_with_its_cause() {
    let error = BitwardenError::OutcomeUnknown {
        cause: Box::new(timeout()),
        server: "https://vault.example.com".into(),
    };
    let words = error.words().unwrap();
    assert_eq!(words.message.len(), 1);
    assert_eq!(
        say_all(&words.message, "zh-CN"),
        format!("{URL} 在 30 秒内没有响应；请求仍可能已经执行")
    );
    assert_eq!(
        error.advice(),
        "Do not simply try again: first look at the organizations on https://vault.example.com to see whether it took effect."
    );
}
