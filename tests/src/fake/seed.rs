//! The seed: everything the fake server knows when it starts, as JSON.
//!
//! Dates are day offsets from the moment the server starts (`-30` = thirty days ago), so a
//! seed never goes stale. Unknown fields are refused, so a typo in a seed fails loudly.
//!
//! ```json
//! {
//!   "server_version": "2025.12.0",
//!   "access_token_lifetime_seconds": 3600,
//!   "auth_failure_delay_ms": 2000,
//!   "eu_region": true,
//!   "vaultwarden": false,
//!   "cloud": {
//!     "users": [{ "email": "owner@example.com", "master_password": "…",
//!                 "kdf": { "type": "pbkdf2", "iterations": 600000 },
//!                 "totp_secret": "JBSWY3DPEHPK3PXP", "email_two_factor": false,
//!                 "new_device_verification": false, "api_key": "…", "premium_days": 200,
//!                 "region": "US" }],
//!     "installations": [{ "id": "…", "key": "…", "region": "US", "enabled": true }],
//!     "organizations": [{ "id": "…", "name": "Acme", "plan_type": 20, "seats": 50,
//!                         "owner": "owner@example.com", "members": [{ "email": "…", "type": "user" }],
//!                         "subscription": { "status": "active", "period_start_days": -30,
//!                                           "period_end_days": 335 },
//!                         "license_key": "…", "billing_sync_key": "…" }]
//!   },
//!   "self_hosted": {
//!     "installation_id": "…", "installation_key": "…", "region": "US",
//!     "enable_cloud_communication": true, "premium_upload_vnext": true,
//!     "installation_api_uri": null, "installation_identity_uri": null,
//!     "users": [ …as above, without "region"… ],
//!     "organizations": [{ "id": "…", "cloud_organization": "…", "owner": "owner@example.com",
//!                         "usage": { "seats_in_use": 3, "collections": 2, "groups": 1,
//!                                    "enabled_policies": 1 },
//!                         "billing_sync": { "billing_sync_key": "…", "enabled": true } }]
//!   }
//! }
//! ```
//!
//! A self-hosted organization is created at start from a license the cloud role issues for
//! its `cloud_organization` and the self-hosted installation, exactly as if an owner had
//! uploaded it. `new_device_verification` users are treated as having signed in from
//! another device before, so a new device identifier triggers the verification e-mail.

use std::path::Path;

use serde::Deserialize;
use uuid::Uuid;

/// The default seed, also used by the demo mode of the app.
const DEFAULT_SEED: &str = include_str!("../../data/seeds/default.json");

/// Everything the server knows at start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// What `GET /config` reports as the server version.
    #[serde(default = "default_version")]
    pub server_version: String,
    /// Lifetime of access tokens; short values let tests exercise refresh.
    #[serde(default = "default_token_lifetime")]
    pub access_token_lifetime_seconds: u64,
    /// The brute-force delay before answering a wrong password or code (the server's 2 s).
    #[serde(default = "default_failure_delay")]
    pub auth_failure_delay_ms: u64,
    /// Also serve the EU cloud region (its own API and identity ports).
    #[serde(default)]
    pub eu_region: bool,
    /// The self-hosted role plays Vaultwarden: its `/api/config` and no license routes.
    #[serde(default)]
    pub vaultwarden: bool,
    #[serde(default)]
    pub cloud: CloudSeed,
    #[serde(default)]
    pub self_hosted: SelfHostedSeed,
}

fn default_version() -> String {
    "2025.12.0".into()
}

fn default_token_lifetime() -> u64 {
    3600
}

fn default_failure_delay() -> u64 {
    2000
}

impl Seed {
    /// The seed in `tests/data/seeds/default.json`.
    pub fn default_seed() -> Seed {
        Seed::from_json(DEFAULT_SEED).expect("the built-in default seed is valid")
    }

    /// Reads a seed from JSON text.
    pub fn from_json(text: &str) -> anyhow::Result<Seed> {
        Ok(serde_json::from_str(text)?)
    }

    /// Reads a seed file.
    pub fn from_file(path: &Path) -> anyhow::Result<Seed> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read seed {}: {e}", path.display()))?;
        Seed::from_json(&text).map_err(|e| anyhow::anyhow!("seed {}: {e}", path.display()))
    }
}

/// A cloud region; each has its own API and identity server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default, serde::Serialize)]
pub enum Region {
    #[default]
    US,
    EU,
}

/// The cloud (bitwarden.com / bitwarden.eu) accounts, organizations and installations.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudSeed {
    #[serde(default)]
    pub users: Vec<UserSeed>,
    #[serde(default)]
    pub installations: Vec<InstallationSeed>,
    #[serde(default)]
    pub organizations: Vec<CloudOrganizationSeed>,
}

/// An account on one server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    pub master_password: String,
    #[serde(default)]
    pub kdf: KdfSeed,
    /// Cloud accounts only: the region the account lives in.
    #[serde(default)]
    pub region: Region,
    #[serde(default = "yes")]
    pub email_verified: bool,
    /// Base32 authenticator secret: enables authenticator (TOTP) two-step login.
    #[serde(default)]
    pub totp_secret: Option<String>,
    /// Enables e-mail two-step login (codes go to the outbox).
    #[serde(default)]
    pub email_two_factor: bool,
    /// Whether sign-ins from unknown devices need the e-mailed OTP.
    #[serde(default)]
    pub new_device_verification: bool,
    /// Marks the account as using V2 encryption: clients older than 2025.11.0 are refused.
    #[serde(default)]
    pub v2_encryption: bool,
    /// Personal API key client secret (`client_id` is `user.<id>`).
    #[serde(default)]
    pub api_key: Option<String>,
    /// Premium until this many days from start (cloud: the subscription; self-hosted: the
    /// uploaded license); `None` means not premium.
    #[serde(default)]
    pub premium_days: Option<i64>,
    /// Member of an organization with a Single Organization policy: creating an
    /// organization is refused.
    #[serde(default)]
    pub single_org_policy: bool,
}

fn yes() -> bool {
    true
}

/// How the master key is derived.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum KdfSeed {
    Pbkdf2 {
        iterations: u32,
    },
    Argon2id {
        iterations: u32,
        memory_mib: u32,
        parallelism: u32,
    },
}

impl Default for KdfSeed {
    fn default() -> Self {
        KdfSeed::Pbkdf2 {
            iterations: 600_000,
        }
    }
}

/// A self-hosted installation registered with the cloud.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallationSeed {
    pub id: Uuid,
    pub key: String,
    #[serde(default)]
    pub region: Region,
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// An organization member and its role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSeed {
    pub email: String,
    #[serde(rename = "type", default)]
    pub role: MemberRole,
}

/// `OrganizationUserType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberRole {
    Owner,
    Admin,
    #[default]
    User,
    Custom,
}

impl MemberRole {
    /// The enum value on the wire (Owner 0, Admin 1, User 2, Custom 4).
    pub fn value(self) -> u8 {
        match self {
            MemberRole::Owner => 0,
            MemberRole::Admin => 1,
            MemberRole::User => 2,
            MemberRole::Custom => 4,
        }
    }
}

/// A cloud organization with its subscription.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudOrganizationSeed {
    pub id: Uuid,
    pub name: String,
    #[serde(default)]
    pub region: Region,
    /// `PlanType` (20 = Enterprise annually, 18 = Teams annually, 21 = Teams Starter, 22 =
    /// Families, 0 = Free, 6 = Custom).
    #[serde(default = "enterprise_annually")]
    pub plan_type: u8,
    #[serde(default)]
    pub seats: Option<i32>,
    #[serde(default)]
    pub max_collections: Option<i16>,
    #[serde(default)]
    pub max_storage_gb: Option<i16>,
    #[serde(default)]
    pub billing_email: Option<String>,
    #[serde(default)]
    pub business_name: Option<String>,
    /// The owner's e-mail (a cloud user in the same region).
    pub owner: String,
    #[serde(default)]
    pub members: Vec<MemberSeed>,
    #[serde(default)]
    pub subscription: SubscriptionSeed,
    pub license_key: String,
    /// The billing sync token (`api-key` of type 1), when one was created.
    #[serde(default)]
    pub billing_sync_key: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Overrides of the plan's features.
    #[serde(default)]
    pub features: FeaturesSeed,
    #[serde(default)]
    pub sm_seats: Option<i32>,
    #[serde(default)]
    pub sm_service_accounts: Option<i32>,
    /// `Organization.ExpirationDate`, in days from start.
    #[serde(default)]
    pub expiration_days: Option<i64>,
}

fn enterprise_annually() -> u8 {
    20
}

/// A Stripe subscription as far as licenses care.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSeed {
    #[serde(default)]
    pub status: SubscriptionStatus,
    #[serde(default = "thirty_days_ago")]
    pub period_start_days: i64,
    #[serde(default = "in_335_days")]
    pub period_end_days: i64,
    #[serde(default)]
    pub trial_end_days: Option<i64>,
}

fn thirty_days_ago() -> i64 {
    -30
}

fn in_335_days() -> i64 {
    335
}

impl Default for SubscriptionSeed {
    fn default() -> Self {
        SubscriptionSeed {
            status: SubscriptionStatus::Active,
            period_start_days: thirty_days_ago(),
            period_end_days: in_335_days(),
            trial_end_days: None,
        }
    }
}

/// Stripe subscription states; `none` means the organization has no subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    #[default]
    Active,
    Trialing,
    PastDue,
    Unpaid,
    Canceled,
    Incomplete,
    IncompleteExpired,
    None,
}

/// Feature switches that differ from the plan's defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesSeed {
    pub self_host: Option<bool>,
    pub use_policies: Option<bool>,
    pub use_sso: Option<bool>,
    pub use_key_connector: Option<bool>,
    pub use_scim: Option<bool>,
    pub use_groups: Option<bool>,
    pub use_events: Option<bool>,
    pub use_directory: Option<bool>,
    pub use_totp: Option<bool>,
    pub use_2fa: Option<bool>,
    pub use_api: Option<bool>,
    pub use_reset_password: Option<bool>,
    pub users_get_premium: Option<bool>,
    pub use_custom_permissions: Option<bool>,
    pub use_secrets_manager: Option<bool>,
    pub use_password_manager: Option<bool>,
}

/// The self-hosted server: its installation, settings, accounts and organizations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfHostedSeed {
    #[serde(default = "default_installation_id")]
    pub installation_id: Uuid,
    #[serde(default = "default_installation_key")]
    pub installation_key: String,
    /// Which cloud region the installation URIs point to when not given.
    #[serde(default)]
    pub region: Region,
    #[serde(default = "yes")]
    pub enable_cloud_communication: bool,
    /// `globalSettings__installation__apiUri`; defaults to the cloud API role's URL.
    #[serde(default)]
    pub installation_api_uri: Option<String>,
    /// `globalSettings__installation__identityUri`; defaults to the cloud identity URL.
    #[serde(default)]
    pub installation_identity_uri: Option<String>,
    /// Whether `POST /account/billing/vnext/self-host/license` exists (feature flag on);
    /// off, it answers 404 like servers without the flag.
    #[serde(default = "yes")]
    pub premium_upload_vnext: bool,
    #[serde(default)]
    pub users: Vec<UserSeed>,
    #[serde(default)]
    pub organizations: Vec<SelfHostedOrganizationSeed>,
}

fn default_installation_id() -> Uuid {
    Uuid::from_u128(0x7890_0000_0000_0000_0000_0000_0000_0123)
}

fn default_installation_key() -> String {
    "fake-installation-key".into()
}

impl Default for SelfHostedSeed {
    fn default() -> Self {
        serde_json::from_str("{}").expect("an empty self-hosted seed is valid")
    }
}

/// A self-hosted organization already created from a license.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfHostedOrganizationSeed {
    #[serde(default)]
    pub id: Option<Uuid>,
    /// The cloud organization whose license it runs on.
    pub cloud_organization: Uuid,
    /// The owner's e-mail (a self-hosted user).
    pub owner: String,
    #[serde(default)]
    pub members: Vec<MemberSeed>,
    #[serde(default)]
    pub usage: UsageSeed,
    /// A Cloud Billing Sync connection.
    #[serde(default)]
    pub billing_sync: Option<BillingSyncSeed>,
}

/// What the organization uses, as `CanUseLicense` counts it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageSeed {
    /// Occupied seats; defaults to the number of members.
    pub seats_in_use: Option<i32>,
    #[serde(default)]
    pub collections: i32,
    #[serde(default)]
    pub groups: i32,
    #[serde(default)]
    pub enabled_policies: i32,
    #[serde(default)]
    pub sso_enabled: bool,
    #[serde(default)]
    pub key_connector_enabled: bool,
    #[serde(default)]
    pub scim_enabled: bool,
    #[serde(default)]
    pub custom_permission_members: i32,
    #[serde(default)]
    pub reset_password_policy: bool,
}

/// A Cloud Billing Sync connection on a self-hosted organization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingSyncSeed {
    pub billing_sync_key: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seed_parses_and_has_both_roles() {
        let seed = Seed::default_seed();
        assert!(!seed.cloud.users.is_empty() && !seed.self_hosted.users.is_empty());
        assert!(!seed.self_hosted.organizations.is_empty());
    }

    #[test]
    fn a_typo_in_a_seed_is_refused() {
        let err = Seed::from_json(r#"{"cloud":{"userz":[]}}"#).unwrap_err();
        assert!(err.to_string().contains("userz"), "{err}");
    }
}
