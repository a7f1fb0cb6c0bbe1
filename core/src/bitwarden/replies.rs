//! Reading the server's error answers: its text, found in the error envelope (validation
//! errors flattened, contract §1.8), and advice matched to each known text so a refusal
//! says what to do next; and the fields of its answers, read as the server writes them.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::errors::BitwardenError;
use super::http::Reply;
use crate::license::NetDateTime;

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

/// The error for an unsuccessful API answer. `what` names the thing asked for, for 404s
/// (e.g. `organization 6f…`); `file` is the license being sent, when there is one.
pub(crate) fn api_error(reply: &Reply, what: &str, file: Option<&str>) -> BitwardenError {
    let status = reply.status.as_u16();
    let message = error_text(&reply.body);
    match status {
        404 => BitwardenError::NotFound {
            what: what.to_owned(),
            advice: known_advice(&message, file).unwrap_or_else(|| {
                format!("Check the ID and that you are an Owner of {what}; Bitwarden answers \"not found\" to everyone else.")
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
            advice: known_advice(&message, file).unwrap_or_else(|| {
                "The server refused the request; its reason is above.".to_owned()
            }),
            message: if message.is_empty() {
                format!("HTTP {status}")
            } else {
                message
            },
        },
    }
}

/// What to do about a server text, when the text is a known one.
pub(crate) fn known_advice(text: &str, file: Option<&str>) -> Option<String> {
    let advice: Vec<String> = known_refusals(text)
        .into_iter()
        .map(|refusal| refusal.advice(file))
        .fold(Vec::new(), |mut all, advice| {
            if !all.contains(&advice) {
                all.push(advice);
            }
            all
        });
    (!advice.is_empty()).then(|| advice.join(" "))
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

    /// What to do, in words that fit every front end; `file` names the license sent.
    fn advice(self, file: Option<&str>) -> String {
        use KnownRefusal::*;
        let the_file = file.map_or_else(|| "the license file".to_owned(), |f| f.to_owned());
        match self {
            UnsupportedVersion(version) => format!("{the_file} is a version {version} license, newer than this Bitwarden server can read. Update the server (`./bitwarden.sh updateself`, then `./bitwarden.sh update`) and upload the same file again."),
            BillingSyncConnectionMissing => "Set the organization's billing sync token on this server first.".into(),
            CloudCommunicationDisabled => "Turn on cloud communication in the installation's settings, then restart the server.".into(),
            BillingTokenRejected => "The server could not fetch the license from Bitwarden cloud: check the billing sync token, that the server reaches the cloud region it is installed for, and its installation ID and key.".into(),
            BillingSyncConnectionDisabled => "Enable the billing sync connection again by setting the token again.".into(),
            BillingSyncConnectionExists => "Update the existing connection instead (setting the token again does this).".into(),
            LicenseOnServerUnverifiable => "The license on the server fails verification: upload a freshly downloaded license first.".into(),
            InstallationIdMismatch => "Download the license for this server's installation ID (the installation's settings show it).".into(),
            InstallationIdUnknown => "The cloud region does not know this installation ID: check the region (US or EU) and which region knows the ID.".into(),
            ExpiredOrNotYetValid => "Download a fresh license from the Bitwarden web vault and check this machine's clock.".into(),
            NoSelfHosting => "The plan does not include self-hosting: the organization needs an Enterprise or Teams plan with self-hosting.".into(),
            PremiumLicenseForOrganization => "This is a premium license: upload it as your premium license, not to an organization.".into(),
            OrganizationLicenseForUser => "This is an organization license: upload it to its organization, not as a premium license.".into(),
            SignatureFailed => format!("Download {the_file} again and upload it unchanged (no editing, no reformatting)."),
            EmailMismatch => "Download the premium license while signed in to the cloud with the same, verified e-mail address as this account.".into(),
            LicenseUsedByAnotherOrganization => "The license belongs to another organization vault on this server: upload it there.".into(),
            SingleOrganizationPolicy => "A Single Organization policy (or automatic user confirmation) of an organization you belong to forbids another one: leave that organization, ask its owner to lift the policy, or create this organization with another account.".into(),
            OrganizationDisabled => "The cloud organization is disabled: check its billing in the Bitwarden web vault.".into(),
            AllowsLessThanUsed => "The new license allows less than the organization uses: reduce the usage first, or buy the plan that covers it and download the license again.".into(),
            NoActiveSubscription => "Renew the subscription or update the billing information in the Bitwarden web vault.".into(),
            AlreadyPremium => "The account is already premium: its license can only be replaced, not added.".into(),
            SelfHostedOnly => "Run this against the self-hosted server, not the cloud.".into(),
            CloudOnly => "Run this against Bitwarden cloud, not the self-hosted server.".into(),
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
        let advice = known_advice(
            "Version 15 is not supported.",
            Some("bitwarden_organization_license.json"),
        )
        .unwrap();
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
            let advice = known_advice(text, None).unwrap();
            assert!(advice.contains("installation ID"), "{text}");
        }
    }

    #[test]
    fn every_line_of_a_multi_line_refusal_gets_its_advice_once() {
        let text = "Invalid license. The license has expired.\nThe installation ID does not match the current installation.\nThe license has expired.";
        let advice = known_advice(text, None).unwrap();
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
        let advice = known_advice("Unable to get Cloud Billing Sync connection", None).unwrap();
        assert!(advice.contains("billing sync token on this server first"));
    }

    #[test]
    fn unknown_texts_have_no_invented_advice() {
        assert_eq!(known_advice("Something new happened.", None), None);
    }
}
