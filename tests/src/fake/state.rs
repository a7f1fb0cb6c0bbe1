//! What the fake server holds while it runs: accounts, organizations, installations, tokens
//! and the e-mail outbox, for every role. Handlers lock it briefly and never across an
//! outgoing request.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use companion_core::crypto::{Kdf, Zeroizing};
use rsa::{RsaPrivateKey, RsaPublicKey};
use secrecy::SecretString;
use serde::Serialize;
use uuid::Uuid;

use super::faults::Faults;
use super::keys::AccountKeys;
use super::license_model::{OrganizationLicense, UserLicense};
use super::plans::Features;
use super::seed::{MemberRole, Region, SubscriptionStatus};

/// Which server an account, token or request belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Realm {
    /// The self-hosted server (API and identity under one base URL).
    SelfHosted,
    /// A cloud region (API and identity on separate URLs).
    Cloud(Region),
}

/// An account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub realm: Realm,
    pub email: String,
    pub name: String,
    pub kdf: Kdf,
    pub email_verified: bool,
    /// Base32 authenticator secret, when authenticator two-step login is on.
    pub totp_secret: Option<String>,
    pub email_two_factor: bool,
    pub new_device_verification: bool,
    pub v2_encryption: bool,
    pub single_org_policy: bool,
    pub premium: bool,
    pub premium_expires: Option<DateTime<Utc>>,
    /// The account's license key (cloud: what its premium licenses carry).
    pub license_key: String,
    /// The premium license in use (self-hosted), as uploaded.
    pub premium_license: Option<UserLicense>,
    /// `User.CreationDate` (the profile's `creationDate`).
    pub created: DateTime<Utc>,
    /// `User.RevisionDate`: what `GET /accounts/revision-date` answers; it moves forward when
    /// what the account's sync shows changes (see [`World::bump_members`]).
    pub revision: DateTime<Utc>,
    pub(crate) keys: AccountKeys,
    pub(crate) api_key: Option<SecretString>,
    pub(crate) known_devices: HashSet<String>,
    /// Two-step "remember me" tokens handed out (`TwoFactorToken`).
    pub(crate) remember_tokens: HashSet<String>,
}

impl User {
    /// The account's public key (base64 SPKI).
    pub fn public_key(&self) -> &str {
        &self.keys.public_key
    }
}

/// A member of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    pub role: MemberRole,
    /// The organization key shared to this member (type 4), when known.
    pub key: Option<String>,
}

/// A cloud subscription, as far as licenses care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub status: SubscriptionStatus,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub trial_end: Option<DateTime<Utc>>,
}

/// An organization API key (`OrganizationApiKeyType`: Default 0, BillingSync 1, Scim 2).
#[derive(Debug, Clone)]
pub(crate) struct OrgApiKey {
    pub key: SecretString,
    pub revision: DateTime<Utc>,
}

/// A cloud organization.
#[derive(Debug, Clone)]
pub struct CloudOrg {
    pub id: Uuid,
    pub region: Region,
    pub name: String,
    pub billing_email: String,
    pub business_name: Option<String>,
    pub plan_type: u8,
    pub seats: Option<i32>,
    pub max_collections: Option<i16>,
    pub max_storage_gb: Option<i16>,
    pub features: Features,
    pub enabled: bool,
    pub sm_seats: Option<i32>,
    pub sm_service_accounts: Option<i32>,
    pub members: Vec<Member>,
    pub subscription: Subscription,
    pub expiration_date: Option<DateTime<Utc>>,
    pub license_key: String,
    /// Installations a license was downloaded for.
    pub installations: Vec<Uuid>,
    /// API keys by type.
    pub(crate) api_keys: HashMap<u8, OrgApiKey>,
}

/// What a self-hosted organization uses, as `CanUseLicense` counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    pub seats_in_use: i32,
    pub collections: i32,
    pub groups: i32,
    pub enabled_policies: i32,
    pub sso_enabled: bool,
    pub key_connector_enabled: bool,
    pub scim_enabled: bool,
    pub custom_permission_members: i32,
    pub reset_password_policy: bool,
}

/// A Cloud Billing Sync connection; `config` is stored PascalCase, as the server does.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub id: Uuid,
    pub enabled: bool,
    pub config: serde_json::Value,
}

/// A self-hosted organization, created from a license.
#[derive(Debug, Clone)]
pub struct SelfHostedOrg {
    pub id: Uuid,
    /// The license in use, with its token's claims applied: the organization's plan,
    /// seats, features, `Enabled`, `ExpirationDate` (= `Expires`) and license key.
    pub license: OrganizationLicense,
    pub members: Vec<Member>,
    pub usage: Usage,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    /// The collections created with the organization.
    pub collections: Vec<Collection>,
    pub connection: Option<Connection>,
    pub created: DateTime<Utc>,
    /// The organization key, when the server could open it (seeded or posted to it).
    pub(crate) org_key: Option<Arc<Zeroizing<Vec<u8>>>>,
}

/// A collection of a self-hosted organization; its name is encrypted with the organization
/// key (type 2), as clients send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub id: Uuid,
    pub name: String,
}

/// A self-hosted installation registered with the cloud.
#[derive(Debug, Clone)]
pub struct Installation {
    pub id: Uuid,
    pub region: Region,
    pub enabled: bool,
    pub(crate) key: SecretString,
}

/// The self-hosted server's global settings.
#[derive(Debug, Clone)]
pub struct SelfHostedSettings {
    pub installation_id: Uuid,
    pub enable_cloud_communication: bool,
    pub installation_api_uri: String,
    pub installation_identity_uri: String,
    pub premium_upload_vnext: bool,
    pub(crate) installation_key: SecretString,
}

/// Why a code was e-mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailPurpose {
    /// The code of e-mail two-step login.
    TwoFactorEmail,
    /// The OTP asked for by new-device verification.
    NewDeviceVerification,
    /// The OTP of `POST /accounts/request-otp`.
    VerificationCode,
}

/// One e-mail the server "sent".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mail {
    pub to: String,
    pub realm: Realm,
    pub purpose: MailPurpose,
    pub code: String,
    pub sent: DateTime<Utc>,
}

/// Who an access token was issued to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    User(Uuid),
    Installation(Uuid),
}

/// An issued access token; opaque to clients.
#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub realm: Realm,
    pub subject: Subject,
    pub scopes: Vec<String>,
    pub expires: Instant,
    /// Organizations the user owned when the token was issued (the `orgowner` claims).
    pub owner_of: HashSet<Uuid>,
}

/// A refresh token of the password grant.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub realm: Realm,
    pub user_id: Uuid,
    pub client_id: String,
    pub scopes: Vec<String>,
    /// The device identifier signed in with (the `device` claim of refreshed tokens).
    pub device: Option<String>,
    pub expires: Instant,
}

/// Everything the server knows; tests may read and change it through [`State`].
#[derive(Debug, Default)]
pub struct World {
    pub users: Vec<User>,
    pub cloud_orgs: Vec<CloudOrg>,
    pub installations: Vec<Installation>,
    pub self_hosted_orgs: Vec<SelfHostedOrg>,
    pub self_hosted: Option<SelfHostedSettings>,
    pub outbox: Vec<Mail>,
    pub(crate) tokens: HashMap<String, AccessToken>,
    pub(crate) refresh_tokens: HashMap<String, RefreshGrant>,
    pub(crate) codes: HashMap<(Uuid, MailPurpose), (String, Instant)>,
}

/// How long e-mailed codes stay valid.
const CODE_LIFETIME: Duration = Duration::from_secs(15 * 60);

impl World {
    /// The account with this e-mail on this server (e-mails compare case-insensitively).
    pub fn user(&self, realm: Realm, email: &str) -> Option<&User> {
        let email = email.trim();
        self.users
            .iter()
            .find(|u| u.realm == realm && u.email.eq_ignore_ascii_case(email))
    }

    pub fn user_by_id(&self, id: Uuid) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub(crate) fn user_by_id_mut(&mut self, id: Uuid) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    pub fn cloud_org(&self, id: Uuid) -> Option<&CloudOrg> {
        self.cloud_orgs.iter().find(|o| o.id == id)
    }

    pub fn self_hosted_org(&self, id: Uuid) -> Option<&SelfHostedOrg> {
        self.self_hosted_orgs.iter().find(|o| o.id == id)
    }

    pub(crate) fn self_hosted_org_mut(&mut self, id: Uuid) -> Option<&mut SelfHostedOrg> {
        self.self_hosted_orgs.iter_mut().find(|o| o.id == id)
    }

    /// Moves the revision date of every member of a self-hosted organization to now, as the
    /// server's stored procedures do when an organization or its memberships change
    /// (`User_BumpAccountRevisionDateByOrganizationId`), so clients know to sync again.
    pub(crate) fn bump_members(&mut self, org: Uuid) {
        let members: Vec<Uuid> = self
            .self_hosted_org(org)
            .map(|o| o.members.iter().map(|m| m.user_id).collect())
            .unwrap_or_default();
        let now = Utc::now();
        for user in self.users.iter_mut().filter(|u| members.contains(&u.id)) {
            user.revision = now.max(user.revision + chrono::Duration::milliseconds(1));
        }
    }

    /// The organizations this user owns on this server (what its token's claims carry).
    pub(crate) fn owned_orgs(&self, realm: Realm, user_id: Uuid) -> HashSet<Uuid> {
        let owner = |members: &[Member]| {
            members
                .iter()
                .any(|m| m.user_id == user_id && m.role == MemberRole::Owner)
        };
        match realm {
            Realm::SelfHosted => self
                .self_hosted_orgs
                .iter()
                .filter(|o| owner(&o.members))
                .map(|o| o.id)
                .collect(),
            Realm::Cloud(region) => self
                .cloud_orgs
                .iter()
                .filter(|o| o.region == region && owner(&o.members))
                .map(|o| o.id)
                .collect(),
        }
    }

    /// Makes a new six-digit code, records it in the outbox and returns it.
    pub(crate) fn send_code(&mut self, user_id: Uuid, purpose: MailPurpose) -> Option<String> {
        let user = self.user_by_id(user_id)?;
        let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
        self.outbox.push(Mail {
            to: user.email.clone(),
            realm: user.realm,
            purpose,
            code: code.clone(),
            sent: Utc::now(),
        });
        let slot = code_slot(purpose);
        self.codes.insert(
            (user_id, slot),
            (code.clone(), Instant::now() + CODE_LIFETIME),
        );
        Some(code)
    }

    /// Checks and uses up an e-mailed code.
    pub(crate) fn take_code(&mut self, user_id: Uuid, purpose: MailPurpose, given: &str) -> bool {
        let key = (user_id, code_slot(purpose));
        match self.codes.get(&key) {
            Some((code, expires)) if code == given.trim() && Instant::now() < *expires => {
                self.codes.remove(&key);
                true
            }
            _ => false,
        }
    }
}

/// New-device verification and `request-otp` share the account's one OTP, as on the server.
fn code_slot(purpose: MailPurpose) -> MailPurpose {
    match purpose {
        MailPurpose::NewDeviceVerification => MailPurpose::VerificationCode,
        other => other,
    }
}

/// The base URLs of every role.
#[derive(Debug, Clone, Serialize)]
pub struct Urls {
    pub self_hosted: String,
    pub cloud_api: String,
    pub cloud_identity: String,
    pub eu_cloud_api: Option<String>,
    pub eu_cloud_identity: Option<String>,
}

impl Urls {
    /// The API and identity URLs of a cloud region, when it is served.
    pub fn cloud(&self, region: Region) -> Option<(&str, &str)> {
        match region {
            Region::US => Some((&self.cloud_api, &self.cloud_identity)),
            Region::EU => Some((
                self.eu_cloud_api.as_deref()?,
                self.eu_cloud_identity.as_deref()?,
            )),
        }
    }
}

/// Settings fixed at start.
pub(crate) struct Config {
    pub version: String,
    /// The self-hosted role plays Vaultwarden (see `vaultwarden`).
    pub vaultwarden: bool,
    pub token_lifetime: Duration,
    pub failure_delay: Duration,
    pub licensing_key: RsaPrivateKey,
    /// Signs the identity roles' access tokens.
    pub jwt: super::jwt::Signer,
    /// The licensing key's public half: uploads verify against it alone (see `upload`).
    pub verifying_key: RsaPublicKey,
    pub license_dir: PathBuf,
    pub urls: Urls,
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub world: Mutex<World>,
    pub config: Config,
    pub faults: Faults,
    /// The client the self-hosted role uses to reach the cloud (trusts the test CA).
    pub client: reqwest::Client,
}

impl Shared {
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A handle on the running server's state, for assertions and for changing the world
/// between requests.
#[derive(Clone)]
pub struct State(pub(crate) Arc<Shared>);

impl State {
    /// Reads the world.
    pub fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.0.world())
    }

    /// Changes the world.
    pub fn edit<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.0.world())
    }

    /// Every e-mail sent so far.
    pub fn outbox(&self) -> Vec<Mail> {
        self.read(|w| w.outbox.clone())
    }

    /// The latest code e-mailed to this address for this purpose.
    pub fn latest_code(&self, email: &str, purpose: MailPurpose) -> Option<String> {
        self.read(|w| {
            w.outbox
                .iter()
                .rev()
                .find(|m| m.purpose == purpose && m.to.eq_ignore_ascii_case(email))
                .map(|m| m.code.clone())
        })
    }

    /// Makes every access token issued so far expire now (refresh tokens stay valid).
    pub fn expire_access_tokens(&self) {
        let now = Instant::now();
        self.edit(|w| w.tokens.values_mut().for_each(|t| t.expires = now));
    }

    /// The folder the self-hosted role writes license files to (`organization/`, `user/`).
    pub fn license_dir(&self) -> PathBuf {
        self.0.config.license_dir.clone()
    }

    /// Where the license file of a self-hosted organization is.
    pub fn organization_license_file(&self, id: Uuid) -> PathBuf {
        self.license_dir()
            .join("organization")
            .join(format!("{}.json", id.hyphenated()))
    }

    /// A field of a self-hosted organization's billing sync connection config, read
    /// case-insensitively (the server stores it PascalCase, contract §4.3).
    pub fn connection_field(&self, org: Uuid, name: &str) -> Option<String> {
        self.read(|world| {
            let config = &world.self_hosted_org(org)?.connection.as_ref()?.config;
            config
                .as_object()?
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned)
        })
    }
}
