//! Billing sync as a person sets it up and keeps it going (contract §4.3): each owned
//! organization's connection and where its token is kept, a pasted token stored on the
//! server and in the keychain, a token got from the cloud account, and what stands in the
//! way of a first sync. The CLI and the window call these and only render what comes back.

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;
use uuid::Uuid;

use crate::app::RenewalSwitch;
use crate::bitwarden::{
    billing_sync_token, billing_sync_token_info, keep_billing_sync_token, owned_organizations,
    profile, rotate_billing_sync_token, save_billing_sync_token, subscription, token_account,
    BillingSyncConnection, BitwardenError, CloudToken, KeptToken, SavedToken, Session,
    Verification,
};
use crate::error::{Explain, Problem, Words};
use crate::installation::{Installation, InstallationError, Region};
use crate::messages::Phrase;
use crate::secrets::{mask, ExposeSecret, SecretStore, SecretString};

/// A pasted or typed token without the blanks around it; refused when empty or broken by
/// blanks (a copy from a web page that wrapped it).
pub fn pasted_token(raw: &SecretString) -> Result<SecretString, BitwardenError> {
    let trimmed = raw.expose_secret().trim();
    if trimmed.is_empty() {
        return Err(BitwardenError::BillingTokenMissing);
    }
    if trimmed.chars().any(char::is_whitespace) {
        return Err(BitwardenError::BillingTokenSpaces);
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

/// Where an organization's token is kept, and whether the copies agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TokenPlaces {
    /// The token, masked: the keychain's copy, else the server's.
    pub token: Option<String>,
    pub token_in_keychain: bool,
    /// Whether the keychain and the server hold the same token; `None` unless both hold one.
    pub keychain_matches_server: Option<bool>,
    /// Why the keychain could not be read (the server's side still shows).
    pub keychain_problem: Option<Problem>,
}

/// Reads the keychain's copy of `org`'s token on `server` (none when `keychain` is `None`)
/// and compares it with the connection's.
pub fn token_places(
    keychain: Option<&dyn SecretStore>,
    server: &str,
    org: Uuid,
    connection: &BillingSyncConnection,
) -> TokenPlaces {
    let read = keychain.map(|k| k.get(&token_account(server, org)));
    let (kept, keychain_problem) = match read {
        Some(Ok(kept)) => (kept, None),
        Some(Err(error)) => (None, Some(BitwardenError::from(error).problem())),
        None => (None, None),
    };
    TokenPlaces {
        token: kept.as_ref().or(connection.server_token()).map(mask),
        token_in_keychain: kept.is_some(),
        keychain_matches_server: kept
            .as_ref()
            .filter(|_| connection.server_token().is_some())
            .map(|k| connection.holds(k)),
        keychain_problem,
    }
}

/// Stores a token on the organization's connection (made or updated) and, when given, in
/// the keychain. The keychain is asked first, so a keychain that cannot keep it changes
/// nothing on the server.
pub async fn store_token(
    session: &Session,
    org: Uuid,
    token: &SecretString,
    keychain: Option<&dyn SecretStore>,
) -> Result<SavedToken, BitwardenError> {
    if let Some(keychain) = keychain {
        keychain.check()?;
    }
    let saved = save_billing_sync_token(session, org, token).await?;
    if let Some(keychain) = keychain {
        keychain.set(&token_account(&session.endpoints().server, org), token)?;
    }
    Ok(saved)
}

/// An owned organization's billing sync.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OrganizationBilling {
    pub id: Uuid,
    pub name: String,
    /// The server has a billing sync connection for it.
    pub connected: bool,
    pub enabled: bool,
    pub cloud_organization_id: Option<Uuid>,
    pub last_license_sync: Option<DateTime<Utc>>,
    /// The renewal date and the end of the grace period (contract §6).
    pub renewal: Option<DateTime<Utc>>,
    pub expiration: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub token: TokenPlaces,
    /// The daily check renews its license from the cloud by itself.
    pub renew_automatically: bool,
}

impl OrganizationBilling {
    fn new(id: Uuid, name: String, connection: &BillingSyncConnection, token: TokenPlaces) -> Self {
        OrganizationBilling {
            id,
            name,
            connected: connection.exists(),
            enabled: connection.enabled,
            cloud_organization_id: connection.cloud_organization_id,
            last_license_sync: connection.last_license_sync,
            renewal: None,
            expiration: None,
            token,
            renew_automatically: false,
        }
    }
}

/// The organizations a signed-in account owns on one server, with their billing sync.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BillingOverview {
    pub server: String,
    pub email: String,
    /// The server's own answer to "may I talk to the cloud?".
    pub cloud_communication: bool,
    pub organizations: Vec<OrganizationBilling>,
    /// The account has premium on the server, and whether it is renewed by itself.
    pub premium: bool,
    pub renew_premium: bool,
}

/// Reads every owned organization's connection, dates and token places; `switches` are the
/// server's automatic renewals as the app keeps them.
pub async fn overview(
    session: &Session,
    keychain: Option<&dyn SecretStore>,
    switches: &[RenewalSwitch],
) -> Result<BillingOverview, BitwardenError> {
    let report = owned_organizations(session).await?;
    let server = &session.endpoints().server;
    let organizations = report
        .organizations
        .into_iter()
        .map(|org| {
            let places = token_places(keychain, server, org.id, &org.billing_sync);
            OrganizationBilling {
                renewal: org.expiration_without_grace,
                expiration: org.expiration,
                renew_automatically: switches.contains(&RenewalSwitch::Organization(org.id)),
                ..OrganizationBilling::new(org.id, org.name, &org.billing_sync, places)
            }
        })
        .collect();
    Ok(BillingOverview {
        server: session.endpoints().label(),
        email: report.email,
        cloud_communication: report.cloud_communication,
        organizations,
        premium: report.premium,
        renew_premium: switches.contains(&RenewalSwitch::Premium),
    })
}

/// One organization's billing sync after a change to `connection`: its name and dates
/// read again from the server.
pub async fn organization(
    session: &Session,
    keychain: Option<&dyn SecretStore>,
    org: Uuid,
    connection: &BillingSyncConnection,
) -> Result<OrganizationBilling, BitwardenError> {
    let sub = subscription(session, org).await?;
    let places = token_places(keychain, &session.endpoints().server, org, connection);
    let name = sub.name.unwrap_or_else(|| org.to_string());
    Ok(OrganizationBilling {
        renewal: sub.expiration_without_grace,
        expiration: sub.expiration,
        ..OrganizationBilling::new(org, name, connection, places)
    })
}

/// What stands in the way of billing sync that the installation's files or the running
/// server show, beyond the installation's own findings.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SetupProblem {
    #[error("The server is a {installation} installation, but the app's cloud account is in the {account} cloud.")]
    AccountRegionMismatch {
        installation: Region,
        account: Region,
    },
    #[error("The server answers that cloud communication is disabled in its global settings.")]
    ServerCloudCommunicationOff {
        /// The env file was read and turns it on: the server was not restarted since.
        file_turns_it_on: bool,
    },
}

impl Explain for SetupProblem {
    fn code(&self) -> &'static str {
        match self {
            SetupProblem::AccountRegionMismatch { .. } => "account_region_mismatch",
            SetupProblem::ServerCloudCommunicationOff { .. } => "server_cloud_communication_off",
        }
    }

    fn words(&self) -> Option<Words> {
        Some(match self {
            SetupProblem::AccountRegionMismatch {
                installation,
                account,
            } => Words {
                message: vec![Phrase::new("setup.problem.account_region_mismatch")
                    .with("installation", installation)
                    .with("account", account)],
                advice: vec![Phrase::new("setup.problem.account_region_mismatch.advice")
                    .with("installation", installation)],
            },
            SetupProblem::ServerCloudCommunicationOff { file_turns_it_on } => Words {
                message: vec![Phrase::new("setup.problem.server_cloud_communication_off")],
                advice: vec![Phrase::new(if *file_turns_it_on {
                    "setup.problem.server_cloud_communication_off.restart"
                } else {
                    "setup.problem.server_cloud_communication_off.advice"
                })],
            },
        })
    }
}

/// Step 1 of the set-up: what stands in the way of billing sync on one server.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetupCheck {
    /// Where the installation settings were read, when the app knows where they are.
    pub source: Option<String>,
    pub installation_id: Option<Uuid>,
    /// The installation's cloud region, and the cloud account's region in the app.
    pub region: Option<Region>,
    pub account_region: Region,
    /// `enableCloudCommunication` in the env file.
    pub cloud_communication: Option<bool>,
    /// The running server's answer (it may not have been restarted since the file changed).
    pub server_cloud_communication: Option<bool>,
    /// Each problem with its fix; empty when billing sync can work.
    pub problems: Vec<Problem>,
    pub ready: bool,
}

/// Judges the set-up from the installation as read (`None` when the app does not know
/// where it lives), the cloud account's region, and the running server's answer to "is
/// cloud communication on?".
pub fn setup_check(
    read: Option<Result<Installation, InstallationError>>,
    account_region: Region,
    server_says: Result<bool, Problem>,
) -> SetupCheck {
    let mut problems = Vec::new();
    let found = match read {
        Some(Ok(found)) => Some(found),
        Some(Err(error)) => {
            problems.push(error.problem());
            None
        }
        None => None,
    };
    if let Some(found) = &found {
        problems.extend(found.findings.iter().map(|f| f.problem()));
        if found.region != account_region {
            problems.push(
                SetupProblem::AccountRegionMismatch {
                    installation: found.region,
                    account: account_region,
                }
                .problem(),
            );
        }
    }
    let server_cloud_communication = match server_says {
        Ok(on) => Some(on),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    let file_turns_it_on = found.as_ref().is_none_or(|f| f.cloud_communication);
    if server_cloud_communication == Some(false) && file_turns_it_on {
        problems.push(
            SetupProblem::ServerCloudCommunicationOff {
                file_turns_it_on: found.is_some(),
            }
            .problem(),
        );
    }
    SetupCheck {
        source: found.as_ref().map(|f| f.source.clone()),
        installation_id: found.as_ref().and_then(|f| f.installation_id),
        region: found.as_ref().map(|f| f.region),
        account_region,
        cloud_communication: found.as_ref().map(|f| f.cloud_communication),
        server_cloud_communication,
        ready: problems.is_empty(),
        problems,
    }
}

/// A cloud organization the cloud account owns.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloudOrganization {
    pub id: Uuid,
    pub name: String,
    /// When its token was made or last rotated; `None` when it has none yet.
    pub token_date: Option<DateTime<Utc>>,
    /// Why no token can be had for it (not Teams or Enterprise, …).
    pub problem: Option<Problem>,
}

/// The cloud account and the organizations it owns.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloudOrganizations {
    pub email: String,
    pub organizations: Vec<CloudOrganization>,
}

/// The organizations the cloud account owns, with the date of their token.
pub async fn cloud_organizations(cloud: &Session) -> Result<CloudOrganizations, BitwardenError> {
    let profile = profile(cloud).await?;
    let mut organizations = Vec::new();
    for membership in profile.organizations.iter().filter(|m| m.is_owner()) {
        let (token_date, problem) = match billing_sync_token_info(cloud, membership.id).await {
            Ok(date) => (date, None),
            Err(error) => (None, Some(error.problem())),
        };
        organizations.push(CloudOrganization {
            id: membership.id,
            name: membership.name.clone(),
            token_date,
            problem,
        });
    }
    Ok(CloudOrganizations {
        email: profile.email,
        organizations,
    })
}

/// The step of getting a token from the cloud that is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchStage {
    Fetching,
    Saving,
}

/// A token got from the cloud and where it was kept.
#[derive(Debug)]
pub struct FetchedToken {
    pub token: CloudToken,
    pub kept: KeptToken,
}

/// Gets (or, with `rotate`, replaces) a cloud organization's token with a proof of who the
/// person is, and keeps it in the keychain and on the self-hosted organization's
/// connection when given. The keychain is asked before the cloud is: a rotated token that
/// cannot be kept would stop the server's syncs. `server` should be signed in already, for
/// the same reason.
pub async fn fetch_token(
    cloud: &Session,
    cloud_org: Uuid,
    verification: &Verification,
    rotate: bool,
    keychain: Option<&dyn SecretStore>,
    server: Option<(&Session, Uuid)>,
    progress: impl Fn(FetchStage),
) -> Result<FetchedToken, BitwardenError> {
    if let Some(keychain) = keychain {
        keychain.check()?;
    }
    progress(FetchStage::Fetching);
    let token = if rotate {
        rotate_billing_sync_token(cloud, cloud_org, verification).await?
    } else {
        billing_sync_token(cloud, cloud_org, verification).await?
    };
    progress(FetchStage::Saving);
    let kept = keep_billing_sync_token(&token, keychain, server).await?;
    Ok(FetchedToken { token, kept })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryKeychain;

    const SERVER: &str = "https://vault.example.com";

    fn connection(server_token: Option<&str>) -> BillingSyncConnection {
        BillingSyncConnection::holding(server_token)
    }

    #[test]
    fn a_pasted_token_loses_its_blanks_and_is_refused_when_empty_or_broken() {
        let token = pasted_token(&SecretString::from("  abc123XYZ\n")).unwrap();
        assert_eq!(token.expose_secret(), "abc123XYZ");
        let empty = pasted_token(&SecretString::from(" \n")).unwrap_err();
        assert_eq!(empty.code(), "billing_token_missing");
        let broken = pasted_token(&SecretString::from("abc 123")).unwrap_err();
        assert_eq!(broken.code(), "billing_token_spaces");
    }

    #[test]
    fn the_keychain_copy_is_shown_masked_and_compared_with_the_servers() {
        let org = Uuid::nil();
        let keychain = MemoryKeychain::default();
        keychain
            .set(
                &token_account(SERVER, org),
                &SecretString::from("kept-token-1234"),
            )
            .unwrap();
        let same = token_places(
            Some(&keychain),
            SERVER,
            org,
            &connection(Some("kept-token-1234")),
        );
        assert_eq!(same.token.as_deref(), Some("••••••••1234"));
        assert!(same.token_in_keychain);
        assert_eq!(same.keychain_matches_server, Some(true));
        let other = token_places(
            Some(&keychain),
            SERVER,
            org,
            &connection(Some("server-token-9876")),
        );
        assert_eq!(other.keychain_matches_server, Some(false));
    }

    #[test]
    fn keychain_and_server_are_compared_only_when_both_hold_a_token() {
        let org = Uuid::nil();
        let keychain = MemoryKeychain::default();
        let server_only = token_places(
            Some(&keychain),
            SERVER,
            org,
            &connection(Some("server-token-9876")),
        );
        assert_eq!(server_only.token.as_deref(), Some("••••••••9876"));
        assert!(!server_only.token_in_keychain);
        assert_eq!(server_only.keychain_matches_server, None);
        keychain
            .set(
                &token_account(SERVER, org),
                &SecretString::from("kept-token-1234"),
            )
            .unwrap();
        let keychain_only = token_places(Some(&keychain), SERVER, org, &connection(None));
        assert_eq!(keychain_only.keychain_matches_server, None);
        let not_asked = token_places(None, SERVER, org, &connection(Some("server-token-9876")));
        assert!(!not_asked.token_in_keychain && not_asked.keychain_problem.is_none());
    }

    fn installation(region: Region, cloud_communication: bool) -> Installation {
        let env = format!(
            "globalSettings__installation__id=6b2ae7a0-7a9a-4b8e-9a55-0d2f1d5f7c11\n\
             globalSettings__installation__key=realkey\n\
             globalSettings__baseServiceUri__vault=https://vault.example.com\n\
             globalSettings__enableCloudCommunication={cloud_communication}\n\
             globalSettings__baseServiceUri__cloudRegion={}\n",
            region.name()
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("global.override.env");
        std::fs::write(&file, env).unwrap();
        crate::installation::read(&crate::installation::Source::Path(file)).unwrap()
    }

    fn codes(check: &SetupCheck) -> Vec<&str> {
        check.problems.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn an_installation_in_the_other_cloud_than_the_account_stands_in_the_way() {
        let check = setup_check(
            Some(Ok(installation(Region::Eu, true))),
            Region::Us,
            Ok(true),
        );
        let codes = codes(&check);
        assert!(codes.contains(&"account_region_mismatch"), "{codes:?}");
        assert!(!check.ready);
        assert_eq!(check.region, Some(Region::Eu));
    }

    #[test]
    fn a_server_not_restarted_since_the_file_turned_cloud_communication_on_is_named() {
        let check = setup_check(
            Some(Ok(installation(Region::Us, true))),
            Region::Us,
            Ok(false),
        );
        let off = check
            .problems
            .iter()
            .find(|p| p.code == "server_cloud_communication_off")
            .expect("the server's answer is a problem");
        assert!(
            off.advice.contains("has not been restarted"),
            "{}",
            off.advice
        );
        assert_eq!(check.cloud_communication, Some(true));
        assert_eq!(check.server_cloud_communication, Some(false));
    }

    #[test]
    fn with_the_file_off_only_its_own_finding_is_shown_not_the_servers_too() {
        let check = setup_check(
            Some(Ok(installation(Region::Us, false))),
            Region::Us,
            Ok(false),
        );
        let codes = codes(&check);
        assert!(codes.contains(&"cloud_communication_off"), "{codes:?}");
        assert!(
            !codes.contains(&"server_cloud_communication_off"),
            "{codes:?}"
        );
    }

    #[test]
    fn without_a_known_installation_the_servers_answer_alone_decides() {
        let ready = setup_check(None, Region::Us, Ok(true));
        assert!(ready.ready && ready.problems.is_empty() && ready.source.is_none());
        let off = setup_check(None, Region::Us, Ok(false));
        assert_eq!(off.problems.len(), 1);
        assert!(off.problems[0]
            .advice
            .contains("enableCloudCommunication=true"));
        let unreachable = Problem::new("not_signed_in", "Not signed in", "Sign in");
        let unknown = setup_check(None, Region::Us, Err(unreachable.clone()));
        assert_eq!(unknown.problems, vec![unreachable]);
        assert_eq!(unknown.server_cloud_communication, None);
    }
}
