//! Reading the server's error answers: its text, found in the error envelope (validation
//! errors flattened, contract §1.8), and advice matched to each known text so a refusal
//! says what to do next; and the fields of its answers, read as the server writes them.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::errors::BitwardenError;
use super::http::Reply;
use crate::license::NetDateTime;
use crate::messages::Phrase;

/// Longest piece of a non-JSON answer quoted back to the person.
const MAX_QUOTED: usize = 300;

/// The server's own words from an error answer: the validation errors when there are any
/// (the envelope's message is then only "The model state is invalid."), else its message,
/// else the body text.
pub(crate) fn error_text(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let lines = validation_lines(&value);
        if !lines.is_empty() {
            return lines.join("\n");
        }
        if let Some(message) = field(&value, "message").and_then(Value::as_str) {
            return message.to_owned();
        }
        if let Some(text) = value.as_str() {
            return text.to_owned();
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut quoted: String = text.chars().take(MAX_QUOTED).collect();
    if quoted.len() < text.len() {
        quoted.push('…');
    }
    quoted
}

/// Every validation error text, in field order.
fn validation_lines(value: &Value) -> Vec<String> {
    let Some(Value::Object(fields)) = field(value, "validationErrors") else {
        return Vec::new();
    };
    fields
        .values()
        .flat_map(|texts| match texts {
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Value::String(text) => vec![text.clone()],
            _ => Vec::new(),
        })
        .collect()
}

/// A property by name, ignoring case (the server mixes camelCase and PascalCase).
pub(crate) fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// An organization, as a request names it in a not-found error.
pub(crate) fn asked_organization(id: Uuid) -> Phrase {
    Phrase::new("asked.organization").with("id", id.hyphenated())
}

/// The signed-in account, as a request names it in a not-found error.
pub(crate) fn asked_account() -> Phrase {
    Phrase::new("asked.account")
}

/// The error for an unsuccessful API answer. `what` names the thing asked for, for 404s
/// (e.g. `organization 6f…`); `file` is the license being sent, when there is one.
pub(crate) fn api_error(reply: &Reply, what: &Phrase, file: Option<&str>) -> BitwardenError {
    let status = reply.status.as_u16();
    let message = error_text(&reply.body);
    match status {
        404 => BitwardenError::NotFound {
            what: what.clone(),
            advice: known_advice(&message, file).unwrap_or_else(|| {
                vec![Phrase::new("bitwarden_error.not_found.advice")
                    .with_words("what", what.clone())]
            }),
            message: if message.is_empty() {
                "Resource not found.".into()
            } else {
                message
            },
        },
        500..=599 => BitwardenError::ServerError {
            url: reply.url.to_string(),
            status,
            message,
        },
        _ => BitwardenError::ServerRefused {
            status,
            advice: known_advice(&message, file)
                .unwrap_or_else(|| vec![Phrase::new("bitwarden_error.server_refused.advice")]),
            message: if message.is_empty() {
                format!("HTTP {status}")
            } else {
                message
            },
        },
    }
}

/// What to do about a server text, sentence by sentence, when the text is a known one.
pub(crate) fn known_advice(text: &str, file: Option<&str>) -> Option<Vec<Phrase>> {
    let advice: Vec<Phrase> = known_refusals(text)
        .into_iter()
        .map(|refusal| refusal.advice(file))
        .fold(Vec::new(), |mut all, advice| {
            if !all.contains(&advice) {
                all.push(advice);
            }
            all
        });
    (!advice.is_empty()).then_some(advice)
}

/// A server refusal this app knows, so that each front end can say what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownRefusal {
    /// The license's format version is newer than the server reads.
    UnsupportedVersion(u32),
    BillingSyncConnectionMissing,
    CloudCommunicationDisabled,
    /// The server could not fetch the license from the cloud with its billing sync token.
    BillingTokenRejected,
    BillingSyncConnectionDisabled,
    BillingSyncConnectionExists,
    LicenseOnServerUnverifiable,
    InstallationIdMismatch,
    /// The cloud region does not know the installation ID.
    InstallationIdUnknown,
    ExpiredOrNotYetValid,
    NoSelfHosting,
    PremiumLicenseForOrganization,
    OrganizationLicenseForUser,
    /// The file was changed or is not Bitwarden's.
    SignatureFailed,
    EmailMismatch,
    LicenseUsedByAnotherOrganization,
    SingleOrganizationPolicy,
    OrganizationDisabled,
    AllowsLessThanUsed,
    NoActiveSubscription,
    AlreadyPremium,
    SelfHostedOnly,
    CloudOnly,
}

/// The known refusals in a server text, one per line at most, each once.
pub fn known_refusals(text: &str) -> Vec<KnownRefusal> {
    license_lines(text)
        .iter()
        .filter_map(|line| KnownRefusal::of_line(line))
        .fold(Vec::new(), |mut all, refusal| {
            if !all.contains(&refusal) {
                all.push(refusal);
            }
            all
        })
}

impl KnownRefusal {
    fn of_line(line: &str) -> Option<KnownRefusal> {
        use KnownRefusal::*;
        let lower = line.to_ascii_lowercase();
        let has = |needle: &str| lower.contains(needle);
        let refusal = if let Some(version) = unsupported_version(line) {
            UnsupportedVersion(version)
        } else if has("unable to get cloud billing sync connection") {
            BillingSyncConnectionMissing
        } else if has("cloud communication is disabled") {
            CloudCommunicationDisabled
        } else if has("ensure the billing token is correct") {
            BillingTokenRejected
        } else if has("connection disabled for organization") {
            BillingSyncConnectionDisabled
        } else if has("already has a connection of type") {
            BillingSyncConnectionExists
        } else if has("cannot verify license file") {
            LicenseOnServerUnverifiable
        } else if has("installation id does not match") {
            InstallationIdMismatch
        } else if has("invalid installation id") {
            InstallationIdUnknown
        } else if has("has expired") || has("hasn't been issued yet") {
            ExpiredOrNotYetValid
        } else if has("does not allow for on-premise hosting") {
            NoSelfHosting
        } else if has("premium licenses cannot be applied to an organization") {
            PremiumLicenseForOrganization
        } else if has("organization licenses cannot be applied to a user") {
            OrganizationLicenseForUser
        } else if has("verification failed")
            || lower == "invalid license."
            || lower == "invalid license"
            || has("idx1")
        {
            SignatureFailed
        } else if has("email does not match") || has("email is not verified") {
            EmailMismatch
        } else if has("already in use by another organization") {
            LicenseUsedByAnotherOrganization
        } else if has("doesn't allow you to join or create additional organization") {
            SingleOrganizationPolicy
        } else if has("currently disabled") {
            OrganizationDisabled
        } else if has("remove some")
            || has("remove all")
            || has("disable your")
            || has("disable all")
        {
            AllowsLessThanUsed
        } else if has("no active subscription") || has("payment issue") {
            NoActiveSubscription
        } else if has("already a premium user") {
            AlreadyPremium
        } else if has("only allowed when self hosted") || has("outside of a self-hosted instance") {
            SelfHostedOnly
        } else if has("only allowed when not self hosted") {
            CloudOnly
        } else {
            return None;
        };
        Some(refusal)
    }

    /// What to do, in words that fit every front end: `bitwarden_error.refusal.<name>`,
    /// naming the license sent as `file` where the advice names the file.
    fn advice(self, file: Option<&str>) -> Phrase {
        use KnownRefusal::*;
        let name = match self {
            UnsupportedVersion(_) => "unsupported_version",
            BillingSyncConnectionMissing => "billing_sync_connection_missing",
            CloudCommunicationDisabled => "cloud_communication_disabled",
            BillingTokenRejected => "billing_token_rejected",
            BillingSyncConnectionDisabled => "billing_sync_connection_disabled",
            BillingSyncConnectionExists => "billing_sync_connection_exists",
            LicenseOnServerUnverifiable => "license_on_server_unverifiable",
            InstallationIdMismatch => "installation_id_mismatch",
            InstallationIdUnknown => "installation_id_unknown",
            ExpiredOrNotYetValid => "expired_or_not_yet_valid",
            NoSelfHosting => "no_self_hosting",
            PremiumLicenseForOrganization => "premium_license_for_organization",
            OrganizationLicenseForUser => "organization_license_for_user",
            SignatureFailed => "signature_failed",
            EmailMismatch => "email_mismatch",
            LicenseUsedByAnotherOrganization => "license_used_by_another_organization",
            SingleOrganizationPolicy => "single_organization_policy",
            OrganizationDisabled => "organization_disabled",
            AllowsLessThanUsed => "allows_less_than_used",
            NoActiveSubscription => "no_active_subscription",
            AlreadyPremium => "already_premium",
            SelfHostedOnly => "self_hosted_only",
            CloudOnly => "cloud_only",
        };
        let named = matches!(self, UnsupportedVersion(_) | SignatureFailed);
        let phrase = match (named, file) {
            (true, Some(file)) => {
                Phrase::new(format!("bitwarden_error.refusal.{name}.file")).with("file", file)
            }
            _ => Phrase::new(format!("bitwarden_error.refusal.{name}")),
        };
        match self {
            UnsupportedVersion(version) => phrase.with("version", version),
            _ => phrase,
        }
    }
}

/// The lines of a refusal without the `Invalid license. ` / `Invalid license: ` prefix
/// (servers differ in the punctuation).
fn license_lines(text: &str) -> Vec<&str> {
    let trimmed = text.trim();
    let rest = match strip_prefix_ignore_case(trimmed, "invalid license") {
        Some(rest) if !rest.is_empty() => rest.trim_start_matches(['.', ':']).trim_start(),
        _ => trimmed,
    };
    let lines: Vec<&str> = rest
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        vec![trimmed]
    } else {
        lines
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `n` from `Version n is not supported.`
fn unsupported_version(line: &str) -> Option<u32> {
    let rest = line.trim().strip_prefix("Version ")?;
    let (number, tail) = rest.split_once(' ')?;
    tail.starts_with("is not supported")
        .then(|| number.parse().ok())
        .flatten()
}

/// A server date (ISO 8601, with or without an offset; offset-less dates are UTC).
pub(crate) fn date(value: &Value, name: &str) -> Option<DateTime<Utc>> {
    field(value, name)
        .and_then(Value::as_str)
        .and_then(|s| NetDateTime::parse_iso(s).ok())
        .map(NetDateTime::to_utc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::say_all;

    fn english(advice: Option<Vec<Phrase>>) -> String {
        say_all(&advice.expect("the text is a known one"), "en")
    }

    #[test]
    fn validation_envelopes_are_flattened_to_their_texts() {
        let body = br#"{"object":"error","message":"The model state is invalid.","validationErrors":{"MasterPasswordHash":["Invalid password."],"Other":["Second."]},"exceptionMessage":null}"#;
        assert_eq!(error_text(body), "Invalid password.\nSecond.");
        let plain = br#"{"object":"error","message":"Invalid license","validationErrors":null}"#;
        assert_eq!(error_text(plain), "Invalid license");
        assert_eq!(error_text(b"  Bad Gateway  "), "Bad Gateway");
    }

    #[test]
    fn version_not_supported_names_the_file_and_the_update() {
        let advice = english(known_advice(
            "Version 15 is not supported.",
            Some("bitwarden_organization_license.json"),
        ));
        assert!(advice.contains("bitwarden_organization_license.json is a version 15 license"));
        assert!(advice.contains("./bitwarden.sh update"));
    }

    #[test]
    fn the_invalid_license_prefix_is_matched_with_a_period_or_a_colon() {
        for text in [
            "Invalid license. The installation ID does not match the current installation.",
            "Invalid license: The installation ID does not match the current installation.",
            "invalid license.The installation ID does not match the current installation.",
        ] {
            let advice = english(known_advice(text, None));
            assert!(advice.contains("installation ID"), "{text}");
        }
    }

    #[test]
    fn every_line_of_a_multi_line_refusal_gets_its_advice_once() {
        let text = "Invalid license. The license has expired.\nThe installation ID does not match the current installation.\nThe license has expired.";
        let advice = english(known_advice(text, None));
        assert_eq!(advice.matches("Download a fresh license").count(), 1);
        assert!(advice.contains("this server's installation ID"));
        assert_eq!(
            known_refusals(text),
            [
                KnownRefusal::ExpiredOrNotYetValid,
                KnownRefusal::InstallationIdMismatch
            ]
        );
    }

    #[test]
    fn a_missing_billing_sync_connection_says_to_set_the_token_first() {
        let advice = english(known_advice(
            "Unable to get Cloud Billing Sync connection",
            None,
        ));
        assert!(advice.contains("billing sync token on this server first"));
    }

    #[test]
    fn every_known_refusal_is_advised_in_both_languages() {
        use KnownRefusal::*;
        let all = [
            UnsupportedVersion(17),
            BillingSyncConnectionMissing,
            CloudCommunicationDisabled,
            BillingTokenRejected,
            BillingSyncConnectionDisabled,
            BillingSyncConnectionExists,
            LicenseOnServerUnverifiable,
            InstallationIdMismatch,
            InstallationIdUnknown,
            ExpiredOrNotYetValid,
            NoSelfHosting,
            PremiumLicenseForOrganization,
            OrganizationLicenseForUser,
            SignatureFailed,
            EmailMismatch,
            LicenseUsedByAnotherOrganization,
            SingleOrganizationPolicy,
            OrganizationDisabled,
            AllowsLessThanUsed,
            NoActiveSubscription,
            AlreadyPremium,
            SelfHostedOnly,
            CloudOnly,
        ];
        for refusal in all {
            for file in [None, Some("license.json")] {
                let advice = refusal.advice(file);
                let english = advice.say("en");
                let chinese = advice.say("zh-CN");
                assert_ne!(english, advice.key, "{refusal:?} has no English");
                assert_ne!(chinese, english, "{refusal:?} has no Chinese");
                assert!(
                    !english.contains('{') && !chinese.contains('{'),
                    "{english}"
                );
            }
        }
        assert_eq!(
            SignatureFailed.advice(None).say("en"),
            "Download the license file again and upload it unchanged (no editing, no reformatting)."
        );
        assert!(UnsupportedVersion(17)
            .advice(None)
            .say("en")
            .starts_with("the license file is a version 17 license"));
    }

    #[test]
    fn unknown_texts_have_no_invented_advice() {
        assert_eq!(known_advice("Something new happened.", None), None);
    }
}
