//! The billing sync token from Bitwarden cloud (crypto §4, contract §4.3): an
//! organization API key of type BillingSync, fetched (made on first use) or rotated by an
//! Owner who proves it is them with the master password's server hash, or with a code
//! e-mailed on request. The hash is derived with the *cloud* account's KDF and salt: the
//! self-hosted account's settings may differ. The token then goes straight to the
//! keychain and, when asked, onto the self-hosted server's billing sync connection; it is
//! never printed, logged or written to a file.

use super::replies::{asked_account, asked_organization};
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::connections::{save_billing_sync_token, token_account, SavedToken};
use super::errors::BitwardenError;
use super::http::{Body, Reply};
use super::identity;
use super::organizations::profile;
use super::replies::date;
use super::replies::{api_error, error_text, field};
use super::session::Session;
use crate::crypto::{CryptoError, MasterKey};
use crate::messages::Phrase;
use crate::secrets::{mask, SecretStore};

/// `OrganizationApiKeyType.BillingSync`.
const BILLING_SYNC: u8 = 1;

/// How the person proves who they are to the cloud's API key routes.
pub struct Verification {
    proof: Proof,
}

enum Proof {
    /// The master password's server hash (never the password itself).
    PasswordHash(SecretString),
    /// A code e-mailed by [`request_otp`].
    Otp(SecretString),
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.proof {
            Proof::PasswordHash(_) => "master password hash",
            Proof::Otp(_) => "one-time code",
        };
        f.debug_struct("Verification").field("kind", &kind).finish()
    }
}

impl Verification {
    /// The master password, turned into its server hash with the KDF and salt that the
    /// session's identity server announces for the account (prelogin). The derivation
    /// runs off the async threads: it takes CPU time and memory.
    pub async fn master_password(
        session: &Session,
        password: &SecretString,
    ) -> Result<Verification, BitwardenError> {
        let email = match &session.facts().email {
            Some(email) => email.clone(),
            None => profile(session).await?.email,
        };
        let prelogin = identity::prelogin(session.http(), session.endpoints(), &email).await?;
        let password = password.clone();
        let hash = tokio::task::spawn_blocking(move || {
            MasterKey::derive(&password, &prelogin.salt, &prelogin.kdf)
                .map(|key| key.server_hash(&password))
        })
        .await
        .map_err(|e| BitwardenError::Crypto(CryptoError::KdfFailed(e.to_string())))??;
        Ok(Verification {
            proof: Proof::PasswordHash(hash),
        })
    }

    /// A one-time code the cloud e-mailed after [`request_otp`].
    pub fn otp(code: SecretString) -> Verification {
        Verification {
            proof: Proof::Otp(SecretString::from(code.expose_secret().trim().to_owned())),
        }
    }

    fn is_otp(&self) -> bool {
        matches!(self.proof, Proof::Otp(_))
    }

    /// `OrganizationApiKeyRequestModel`: the key type and the secret.
    fn body(&self) -> Value {
        match &self.proof {
            Proof::PasswordHash(hash) => {
                json!({ "type": BILLING_SYNC, "masterPasswordHash": hash.expose_secret() })
            }
            Proof::Otp(code) => json!({ "type": BILLING_SYNC, "otp": code.expose_secret() }),
        }
    }
}

/// Asks the cloud to e-mail the signed-in account a one-time code
/// (`POST /accounts/request-otp`), for [`Verification::otp`].
pub async fn request_otp(session: &Session) -> Result<(), BitwardenError> {
    session
        .expect_success(
            Method::POST,
            "/accounts/request-otp",
            Body::Empty,
            &asked_account(),
        )
        .await?;
    Ok(())
}

/// A cloud organization's billing sync token. `Debug` and serialisation show it masked.
#[derive(Clone, Serialize)]
pub struct CloudToken {
    /// The cloud organization it belongs to.
    pub organization: Uuid,
    /// The cloud server it came from ([`super::Endpoints::server`]).
    pub cloud_server: String,
    /// When it was made or last rotated.
    pub revision_date: Option<DateTime<Utc>>,
    /// The token as it may be shown: only its last four characters.
    pub masked: String,
    #[serde(skip)]
    token: SecretString,
}

impl std::fmt::Debug for CloudToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudToken")
            .field("organization", &self.organization)
            .field("revision_date", &self.revision_date)
            .field("token", &self.masked)
            .finish()
    }
}

impl CloudToken {
    pub fn token(&self) -> &SecretString {
        &self.token
    }
}

/// Gets the organization's billing sync token, made by the cloud on first use
/// (`POST /organizations/{id}/api-key`). Owners only, on a Teams or Enterprise plan.
pub async fn billing_sync_token(
    session: &Session,
    organization: Uuid,
    verification: &Verification,
) -> Result<CloudToken, BitwardenError> {
    api_key(session, organization, verification, "api-key").await
}

/// Replaces the token with a new one (`POST /organizations/{id}/rotate-api-key`). The
/// old token stops working at once: the self-hosted server must be given the new one.
pub async fn rotate_billing_sync_token(
    session: &Session,
    organization: Uuid,
    verification: &Verification,
) -> Result<CloudToken, BitwardenError> {
    api_key(session, organization, verification, "rotate-api-key").await
}

/// When the organization's token was made or last rotated, without revealing it
/// (`GET /organizations/{id}/api-key-information/1`); `None` when it has none yet.
pub async fn billing_sync_token_info(
    session: &Session,
    organization: Uuid,
) -> Result<Option<DateTime<Utc>>, BitwardenError> {
    let path = format!(
        "/organizations/{}/api-key-information/{BILLING_SYNC}",
        organization.hyphenated()
    );
    let reply = session
        .call(
            Method::GET,
            session.endpoints().api_url(&path)?,
            Body::Empty,
        )
        .await?;
    if !reply.status.is_success() {
        return Err(refusal(session, organization, &reply, None).await);
    }
    let value = reply.json()?;
    let revision = field(&value, "data")
        .and_then(Value::as_array)
        .and_then(|items| {
            items.iter().find(|item| {
                field(item, "keyType").and_then(Value::as_u64) == Some(u64::from(BILLING_SYNC))
            })
        })
        .and_then(|item| date(item, "revisionDate"));
    Ok(revision)
}

async fn api_key(
    session: &Session,
    organization: Uuid,
    verification: &Verification,
    route: &str,
) -> Result<CloudToken, BitwardenError> {
    let path = format!("/organizations/{}/{route}", organization.hyphenated());
    let reply = session
        .call(
            Method::POST,
            session.endpoints().api_url(&path)?,
            Body::Json(verification.body()),
        )
        .await?;
    if !reply.status.is_success() {
        return Err(refusal(session, organization, &reply, Some((verification, route))).await);
    }
    let value = reply.json()?;
    let token = field(&value, "apiKey")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(|t| SecretString::from(t.to_owned()))
        .ok_or_else(|| BitwardenError::UnexpectedAnswer {
            url: reply.url.to_string(),
            detail: Phrase::new("answer_fault.field").with("field", "apiKey"),
        })?;
    Ok(CloudToken {
        organization,
        cloud_server: session.endpoints().server.clone(),
        revision_date: date(&value, "revisionDate"),
        masked: mask(&token),
        token,
    })
}

/// Turns a refusal into what the person can act on: a wrong password or code, or for a
/// 404 (the cloud answers the same to non-owners, to plans without billing sync and, on
/// rotation, when there is no token yet) the reason read from the account's profile.
async fn refusal(
    session: &Session,
    organization: Uuid,
    reply: &Reply,
    sent: Option<(&Verification, &str)>,
) -> BitwardenError {
    let text = error_text(&reply.body);
    if reply.status == StatusCode::BAD_REQUEST && text.contains("Invalid password.") {
        return BitwardenError::SecretRejected {
            message: text,
            otp: sent.is_some_and(|(v, _)| v.is_otp()),
        };
    }
    let generic = api_error(reply, &asked_organization(organization), None);
    if reply.status != StatusCode::NOT_FOUND {
        return generic;
    }
    let Ok(profile) = session
        .get_json("/accounts/profile", &asked_account())
        .await
    else {
        return generic;
    };
    let membership = field(&profile, "organizations")
        .and_then(Value::as_array)
        .and_then(|orgs| {
            orgs.iter().find(|o| {
                field(o, "id")
                    .and_then(Value::as_str)
                    .and_then(|id| Uuid::parse_str(id).ok())
                    == Some(organization)
            })
        });
    let message = if text.is_empty() {
        "Resource not found.".to_owned()
    } else {
        text
    };
    let what = Phrase::new("asked.organization_on")
        .with("id", organization.hyphenated())
        .with("server", session.endpoints().label());
    let not_found = |advice: Phrase| BitwardenError::NotFound {
        what: what.clone(),
        message: message.clone(),
        advice: vec![advice],
    };
    let Some(membership) = membership else {
        return not_found(
            Phrase::new("bitwarden_error.not_found.not_a_member.advice")
                .with("server", session.endpoints().label()),
        );
    };
    // Every membership has a name; the ID stands in should one come without.
    let name = field(membership, "name")
        .and_then(Value::as_str)
        .map_or_else(|| organization.hyphenated().to_string(), str::to_owned);
    if field(membership, "type").and_then(Value::as_i64) != Some(0) {
        return not_found(
            Phrase::new("bitwarden_error.not_found.not_an_owner.advice").with("name", &name),
        );
    }
    let tier = field(membership, "productTierType")
        .or_else(|| field(membership, "planProductType"))
        .and_then(Value::as_i64);
    if let Some(tier) = tier.and_then(tier_without_billing_sync) {
        return BitwardenError::BillingSyncNotOffered {
            organization: name,
            tier: tier.to_owned(),
            message,
        };
    }
    if sent.is_some_and(|(_, route)| route == "rotate-api-key") {
        return not_found(
            Phrase::new("bitwarden_error.not_found.nothing_to_rotate.advice").with("name", name),
        );
    }
    generic
}

/// The name of a `ProductTierType` that has no billing sync (only Teams 2 and
/// Enterprise 3 have it), or `None` when it has.
fn tier_without_billing_sync(tier: i64) -> Option<&'static str> {
    match tier {
        0 => Some("Free"),
        1 => Some("Families"),
        4 => Some("Teams Starter"),
        _ => None,
    }
}

/// Where a fetched token was put.
#[derive(Debug, Clone, Serialize)]
pub struct KeptToken {
    /// The keychain entry holding it, when it went to the keychain.
    pub keychain_account: Option<String>,
    /// The self-hosted server's billing sync connection, when it went there.
    pub connection: Option<SavedToken>,
}

/// Puts the token into the keychain, then onto a self-hosted organization's billing sync
/// connection. With a server the keychain entry is the one `token set` uses for it;
/// without, it is named after the cloud organization.
pub async fn keep_billing_sync_token(
    token: &CloudToken,
    keychain: Option<&dyn SecretStore>,
    server: Option<(&Session, Uuid)>,
) -> Result<KeptToken, BitwardenError> {
    let keychain_account = match keychain {
        Some(keychain) => {
            let account = match server {
                Some((session, org)) => token_account(&session.endpoints().server, org),
                None => token_account(&token.cloud_server, token.organization),
            };
            keychain.set(&account, &token.token)?;
            Some(account)
        }
        None => None,
    };
    let connection = match server {
        Some((session, org)) => Some(save_billing_sync_token(session, org, &token.token).await?),
        None => None,
    };
    Ok(KeptToken {
        keychain_account,
        connection,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_carries_the_type_and_exactly_one_secret() {
        let hash = Verification {
            proof: Proof::PasswordHash(SecretString::from("aGFzaA==")),
        };
        assert_eq!(
            hash.body(),
            json!({"type": 1, "masterPasswordHash": "aGFzaA=="})
        );
        let otp = Verification::otp(SecretString::from(" 123456\n"));
        assert_eq!(otp.body(), json!({"type": 1, "otp": "123456"}));
        assert!(otp.is_otp() && !hash.is_otp());
        assert!(
            !format!("{hash:?}{otp:?}").contains("aGFzaA")
                && !format!("{otp:?}").contains("123456")
        );
    }

    #[test]
    fn only_teams_and_enterprise_have_billing_sync() {
        assert_eq!(tier_without_billing_sync(0), Some("Free"));
        assert_eq!(tier_without_billing_sync(1), Some("Families"));
        assert_eq!(tier_without_billing_sync(4), Some("Teams Starter"));
        assert_eq!(tier_without_billing_sync(2), None);
        assert_eq!(tier_without_billing_sync(3), None);
    }

    #[test]
    fn a_token_shows_only_masked() {
        let token = CloudToken {
            organization: Uuid::nil(),
            cloud_server: "https://identity.bitwarden.com".into(),
            revision_date: None,
            masked: mask(&SecretString::from("AbcdefghijklmnopqrstuvwxyZ1234")),
            token: SecretString::from("AbcdefghijklmnopqrstuvwxyZ1234"),
        };
        let shown = format!(
            "{token:?}{}",
            serde_json::to_string(&token).unwrap_or_default()
        );
        assert!(!shown.contains("AbcdefghijklmnopqrstuvwxyZ"), "{shown}");
        assert!(shown.contains("••••••••1234"));
    }
}
