//! Creating a self-hosted organization from a license, the way the web vault does it
//! (crypto §3). The license is inspected first: it must be an organization license
//! (`LicenseType` 1) and, when the installation is known, for this installation. Then the
//! owner's public key is read from the server, a new organization key, key pair and
//! encrypted collection name are made here, and the sign-up form (license file, `key`,
//! `collectionName`) is sent once. Afterwards the access token is renewed, because the keys
//! route reads ownership from the token's claims, and the key pair is posted to
//! `POST /organizations/{id}/keys`.
//!
//! [`prepare_organization`] does everything that sends nothing, so a caller can show the
//! result before [`create_organization`] sends it.

use super::replies::{asked_account, asked_organization};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::archive::{Archive, ArchivedRole, LicenseOwner};
use super::errors::{BitwardenError, FileAction};
use super::http::Body;
use super::multipart::{license_form_with, FilePart};
use super::notes::PlanNote;
use super::replies::{api_error, field};
use super::server_info::ensure_licensing;
use super::session::Session;
use crate::crypto::{CryptoError, EncryptedAccount, OrganizationKeys};
use crate::error::{Explain, Problem, Words};
use crate::license::{
    inspect_parsed, parse, ExpectedInstallation, InspectOptions, Inspection, LicenseKind, TrustSet,
    MAX_LICENSE_BYTES,
};
use crate::messages::{say_all, Phrase};

/// The collection the web vault creates with a new organization (English name).
pub const DEFAULT_COLLECTION: &str = "Default collection";

/// The sign-up route (contract §4.2).
const SIGN_UP_ROUTE: &str = "/organizations/licenses/self-hosted";

/// The server's answer when the file's `LicenseType` is not exactly 1; on creation it
/// checks this before anything else, and a missing value fails too (contract §1.8).
const NOT_AN_ORGANIZATION_LICENSE: &str = "Premium licenses cannot be applied to an organization vault. Upload this license from your personal account Settings page.";

/// What to create an organization from.
#[derive(Debug, Clone)]
pub struct OrganizationRequest {
    /// The organization license file, as downloaded.
    pub path: PathBuf,
    /// The name of the collection created with the organization; `None` or blank for none.
    pub collection: Option<String>,
    pub trust: TrustSet,
    /// The installation the license must be for; unchecked (with a note) when unknown.
    pub installation: Option<ExpectedInstallation>,
    pub now: DateTime<Utc>,
}

/// A checked sign-up, ready to send: the license's verdict, the key material made for it,
/// and the exact request.
#[derive(Debug, Serialize)]
pub struct OrganizationDraft {
    pub file: String,
    pub inspection: Inspection,
    pub notes: Vec<PlanNote>,
    pub collection: Option<String>,
    /// The size of the whole request body.
    pub request_bytes: usize,
    #[serde(skip)]
    keys: OrganizationKeys,
    #[serde(skip)]
    form: FilePart,
    /// The file's bytes as read, sent and archived untouched.
    #[serde(skip)]
    bytes: Vec<u8>,
}

/// The organization the server created.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct CreatedOrganization {
    /// The self-hosted organization's own id (not the cloud organization's).
    pub id: Uuid,
    pub name: String,
    pub collection: Option<String>,
    /// The organization's key pair is on the server.
    pub key_pair_saved: bool,
    /// Where the license was archived.
    pub archived: Option<PathBuf>,
    /// What did not work once the organization existed.
    pub warnings: Vec<Problem>,
}

/// Reads and inspects the license, refuses what the server would refuse, reads the
/// owner's public key and makes the organization's keys. Sends nothing that changes state.
pub async fn prepare_organization(
    session: &Session,
    request: OrganizationRequest,
) -> Result<OrganizationDraft, BitwardenError> {
    ensure_licensing(session).await?;
    let file = request.path.display().to_string();
    let bytes = std::fs::read(&request.path)
        .map_err(|e| BitwardenError::file(FileAction::Read, &request.path, e))?;
    let parsed = parse(&bytes).map_err(|source| BitwardenError::LicenseUnreadable {
        path: file.clone(),
        source,
    })?;
    let mut options = InspectOptions::new(request.now, request.trust.clone());
    options.expected_kind = Some(LicenseKind::Organization);
    options.expected_installation = request.installation.clone();
    let mut notes = Vec::new();
    if request.installation.is_none() {
        notes.push(PlanNote::InstallationUnchecked);
    }
    let inspection = inspect_parsed(&parsed, &options);
    refuse_unsuitable(&file, &inspection, parsed.license.license_type())?;

    let public_key = user_public_key(session).await?;
    let collection = request.collection.filter(|name| !name.trim().is_empty());
    let name = collection.clone();
    let keys = tokio::task::spawn_blocking(move || {
        OrganizationKeys::generate(&public_key, name.as_deref())
    })
    .await
    .map_err(|e| BitwardenError::Crypto(CryptoError::KeyGeneration(e.to_string())))??;

    let mut fields = vec![("key", keys.key.to_string())];
    if let Some(name) = &keys.collection_name {
        fields.push(("collectionName", name.to_string()));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let file_name = request.path.file_name().map_or_else(
        || "license.json".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let form = license_form_with(&file_name, &bytes, &fields);
    if form.bytes.len() > MAX_LICENSE_BYTES {
        return Err(BitwardenError::RequestTooLarge {
            size: form.bytes.len(),
        });
    }
    Ok(OrganizationDraft {
        file,
        inspection,
        notes,
        collection,
        request_bytes: form.bytes.len(),
        keys,
        form,
        bytes,
    })
}

/// The inspection's refusal, or the creation-only rule that `LicenseType` must be 1.
/// Either way there is nothing to force: the server would refuse the file.
fn refuse_unsuitable(
    file: &str,
    inspection: &Inspection,
    license_type: Option<u8>,
) -> Result<(), BitwardenError> {
    if !inspection.valid {
        let mut said: Vec<&[Phrase]> = Vec::new();
        for check in inspection.checks.iter().filter(|c| !c.ok) {
            let advice = check.advice_phrases.as_slice();
            if !advice.is_empty() && !said.contains(&advice) {
                said.push(advice);
            }
        }
        let mut advice = said.concat();
        advice.push(Phrase::new(
            "bitwarden_error.license_unsuitable.checks.advice",
        ));
        return Err(BitwardenError::LicenseUnsuitable {
            path: file.to_owned(),
            message: inspection.server_message.clone().unwrap_or_default(),
            advice,
        });
    }
    if license_type != Some(1) {
        let advice = match license_type {
            Some(given) => Phrase::new("bitwarden_error.license_unsuitable.license_type.advice")
                .with("type", given),
            None => Phrase::new("bitwarden_error.license_unsuitable.no_license_type.advice"),
        };
        return Err(BitwardenError::LicenseUnsuitable {
            path: file.to_owned(),
            message: NOT_AN_ORGANIZATION_LICENSE.to_owned(),
            advice: vec![advice],
        });
    }
    Ok(())
}

/// The signed-in user's RSA public key (`GET /accounts/keys`). Only the public key is
/// used, so accounts on the newer V2 format need no decryption and are not refused.
async fn user_public_key(session: &Session) -> Result<String, BitwardenError> {
    let value = session.get_json("/accounts/keys", &asked_account()).await?;
    let account = EncryptedAccount::from_json(&value)?;
    account
        .public_key
        .filter(|key| !key.trim().is_empty())
        .ok_or(BitwardenError::Crypto(CryptoError::AccountFieldMissing(
            "public key",
        )))
}

/// Sends the sign-up once, archives the license, then renews the token and posts the
/// organization's key pair. A sign-up whose answer is lost is never sent again: the
/// error says to look at the server's organizations first.
pub async fn create_organization(
    session: &Session,
    archive: &Archive,
    draft: &OrganizationDraft,
) -> Result<CreatedOrganization, BitwardenError> {
    let server = session.endpoints().server.clone();
    let outcome_unknown = |cause: BitwardenError| BitwardenError::OutcomeUnknown {
        cause: Box::new(cause),
        server: server.clone(),
    };
    let sent = session
        .call(
            Method::POST,
            session.endpoints().api_url(SIGN_UP_ROUTE)?,
            Body::Multipart {
                content_type: draft.form.content_type.clone(),
                bytes: draft.form.bytes.clone(),
            },
        )
        .await;
    let reply = match sent {
        Ok(reply) => reply,
        Err(
            e @ (BitwardenError::Timeout { .. }
            | BitwardenError::NetworkUnreachable { .. }
            | BitwardenError::ServerError { .. }),
        ) => return Err(outcome_unknown(e)),
        Err(e) => return Err(e),
    };
    if reply.status.is_server_error() {
        return Err(outcome_unknown(api_error(
            &reply,
            &Phrase::new("asked.sign_up"),
            None,
        )));
    }
    if !reply.status.is_success() {
        return Err(api_error(
            &reply,
            &Phrase::new("asked.sign_up_route"),
            Some(&draft.file),
        ));
    }
    let value = reply.json()?;
    let id = field(&value, "id")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| BitwardenError::UnexpectedAnswer {
            url: reply.url.to_string(),
            detail: Phrase::new("answer_fault.new_organization_id"),
        })?;
    let name = field(&value, "name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();

    let mut warnings = Vec::new();
    let archived = match keep_applied(archive, &server, id, &draft.bytes) {
        Ok(path) => Some(path),
        Err(e) => {
            warnings.push(e.problem());
            None
        }
    };
    let key_pair_saved = match save_key_pair(session, id, &draft.keys).await {
        Ok(()) => true,
        Err(e) => {
            warnings.push(key_pair_unsaved(&e));
            false
        }
    };
    Ok(CreatedOrganization {
        id,
        name,
        collection: draft.collection.clone(),
        key_pair_saved,
        archived,
        warnings,
    })
}

/// Keeps the license in the new organization's archive folder, marked as applied, so a
/// later upload keeps it as the license it replaces.
fn keep_applied(
    archive: &Archive,
    server: &str,
    id: Uuid,
    bytes: &[u8],
) -> Result<PathBuf, BitwardenError> {
    archive.keep(
        server,
        LicenseOwner::Organization(id),
        Utc::now(),
        ArchivedRole::Applied,
        bytes,
    )
}

/// Renews the access token, then posts the key pair as the web vault does (crypto §3.3):
/// the keys route checks ownership in the token's claims, which a token issued before
/// the organization existed does not carry.
async fn save_key_pair(
    session: &Session,
    id: Uuid,
    keys: &OrganizationKeys,
) -> Result<(), BitwardenError> {
    session.renew().await?;
    let body = json!({
        "publicKey": keys.public_key,
        "encryptedPrivateKey": keys.encrypted_private_key.to_string(),
    });
    session
        .expect_success(
            Method::POST,
            &format!("/organizations/{}/keys", id.hyphenated()),
            Body::Json(body),
            &asked_organization(id),
        )
        .await?;
    Ok(())
}

/// The organization exists but its key pair was not saved: what failed, in its own words
/// after the catalog's lead-in, and what the owner can do.
fn key_pair_unsaved(e: &BitwardenError) -> Problem {
    let lead = Phrase::new("org_create.key_pair_unsaved");
    let advice = vec![Phrase::new("org_create.key_pair_unsaved.advice")];
    match e.words() {
        Some(words) => Problem::worded(
            e.code(),
            Words {
                message: std::iter::once(lead).chain(words.message).collect(),
                advice,
            },
        ),
        None => Problem::new(
            e.code(),
            format!("{} {e}", lead.say("en")),
            say_all(&advice, "en"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unsaved_key_pair_is_said_before_why_in_either_language() {
        let why = BitwardenError::Timeout {
            url: "https://vault.example.com/api/organizations/x/keys".into(),
            seconds: 30.0,
        };
        let warning = key_pair_unsaved(&why);
        assert_eq!(
            warning.message,
            format!("The organization's key pair was not saved: {why}")
        );
        let words = warning.words.expect("worded");
        let chinese = say_all(&words.message, "zh-CN");
        assert!(chinese.starts_with("组织的密钥对未保存："), "{chinese}");
        assert!(!chinese.contains("did not answer"), "{chinese}");
    }
}
