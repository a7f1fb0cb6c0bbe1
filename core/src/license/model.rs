//! The two license classes of the server, property for property in declaration order, with
//! the version each property joined the signed data (contract §1.2, §1.3). Fields are public
//! and serialise to the cloud's camelCase JSON, so a test server can build, sign and emit
//! licenses from these types.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::dates::NetDateTime;
use super::value::{FieldProblem, FieldValue};

/// One property of a license class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The C# property name (PascalCase), as used in canonical data and token claims.
    pub name: &'static str,
    /// The license `Version` from which the property is part of the signed data;
    /// `None` for properties that are never signed.
    pub signed_since: Option<i32>,
    /// Whether the cloud puts the property into the token as a claim of the same name.
    pub claim: bool,
}

/// `PlanType`, a byte enum written as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct PlanType(pub u8);

/// Enum names of `PlanType` by value (`PlanType.cs`).
const PLAN_TYPE_NAMES: [&str; 23] = [
    "Free",
    "FamiliesAnnually2019",
    "TeamsMonthly2019",
    "TeamsAnnually2019",
    "EnterpriseMonthly2019",
    "EnterpriseAnnually2019",
    "Custom",
    "FamiliesAnnually2025",
    "TeamsMonthly2020",
    "TeamsAnnually2020",
    "EnterpriseMonthly2020",
    "EnterpriseAnnually2020",
    "TeamsMonthly2023",
    "TeamsAnnually2023",
    "EnterpriseMonthly2023",
    "EnterpriseAnnually2023",
    "TeamsStarter2023",
    "TeamsMonthly",
    "TeamsAnnually",
    "EnterpriseMonthly",
    "EnterpriseAnnually",
    "TeamsStarter",
    "FamiliesAnnually",
];

/// Names 0..6 had before they gained a year suffix; canonical data still uses them (§1.4).
const LEGACY_PLAN_NAMES: [&str; 7] = [
    "Free",
    "FamiliesAnnually",
    "TeamsMonthly",
    "TeamsAnnually",
    "EnterpriseMonthly",
    "EnterpriseAnnually",
    "Custom",
];

impl PlanType {
    /// The enum name today, e.g. `EnterpriseAnnually2020`, when the value is defined.
    pub fn name(self) -> Option<&'static str> {
        PLAN_TYPE_NAMES.get(usize::from(self.0)).copied()
    }

    /// The value for an enum name, any letter case.
    pub fn from_name(name: &str) -> Option<Self> {
        PLAN_TYPE_NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .map(|i| PlanType(i as u8))
    }

    /// The product tier, to tell a downgrade from an upgrade: Free 0, Families 1, Teams
    /// Starter 2, Teams 3, Enterprise 4; `None` for Custom and unknown values.
    pub fn tier(self) -> Option<u8> {
        let name = self.name()?;
        Some(if name.starts_with("Enterprise") {
            4
        } else if name.starts_with("TeamsStarter") {
            2
        } else if name.starts_with("Teams") {
            3
        } else if name.starts_with("Families") {
            1
        } else if name == "Free" {
            0
        } else {
            return None;
        })
    }

    /// Whether the plan allows self-hosting: Families, Teams and Enterprise (not Free,
    /// Teams Starter or Custom).
    pub fn can_self_host(self) -> bool {
        matches!(self.tier(), Some(1 | 3 | 4))
    }

    /// The value as it appears in canonical data: a legacy name for 0..6, else the number.
    pub fn canonical_name(self) -> String {
        LEGACY_PLAN_NAMES
            .get(usize::from(self.0))
            .map_or_else(|| self.0.to_string(), |name| (*name).to_owned())
    }
}

/// `LicenseType` values (`LicenseType.cs`).
pub const LICENSE_TYPE_USER: u8 = 0;
/// `LicenseType` value of an organization license.
pub const LICENSE_TYPE_ORGANIZATION: u8 = 1;

/// Declares a license class: the struct, its defaults, and name-based access for the parser,
/// the canonical data and the token claims, all from one list.
macro_rules! license_class {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $json:literal, $since:expr, $claim:expr, $default:expr; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl Default for $name {
            /// Every property at the value the server gives a missing JSON property.
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $name {
            /// Every property in declaration order.
            pub const FIELDS: &'static [FieldSpec] = &[
                $( FieldSpec { name: $json, signed_since: $since, claim: $claim }, )*
            ];

            /// A property's canonical rendering, by its C# name.
            pub(crate) fn render_field(&self, name: &str) -> Option<String> {
                match name {
                    $( $json => Some(FieldValue::render(&self.$field)), )*
                    _ => None,
                }
            }

            /// Sets a property from its JSON value, by its C# name.
            pub(crate) fn read_field(&mut self, name: &str, value: &Value) -> Result<(), FieldProblem> {
                match name {
                    $( $json => self.$field = FieldValue::from_json(value)?, )*
                    _ => {}
                }
                Ok(())
            }

            /// A property as its token claim text (`None` when the claim would be absent).
            pub(crate) fn claim_text(&self, name: &str) -> Option<String> {
                match name {
                    $( $json => FieldValue::claim_text(&self.$field), )*
                    _ => None,
                }
            }

            /// Sets a property from a claim as the server's `GetValue<T>` does.
            pub(crate) fn set_from_claim(&mut self, name: &str, claim: Option<&str>) {
                match name {
                    $( $json => self.$field = FieldValue::from_claim(claim), )*
                    _ => {}
                }
            }

            /// Feature switches and other booleans, by C# name.
            pub fn flags(&self) -> Vec<(&'static str, bool)> {
                let mut out = Vec::new();
                $( if let Some(on) = FieldValue::as_flag(&self.$field) { out.push(($json, on)); } )*
                out
            }
        }
    };
}

license_class! {
    /// `OrganizationLicense`: a self-hosted organization's license (contract §1.2).
    OrganizationLicense {
        license_key: Option<String> => "LicenseKey", Some(1), true, None;
        installation_id: Uuid => "InstallationId", Some(1), true, Uuid::nil();
        /// The cloud organization's id (the token audience is derived from it).
        id: Uuid => "Id", Some(1), true, Uuid::nil();
        name: Option<String> => "Name", Some(1), true, None;
        billing_email: Option<String> => "BillingEmail", Some(1), true, None;
        business_name: Option<String> => "BusinessName", Some(1), true, None;
        enabled: bool => "Enabled", Some(1), true, false;
        plan: Option<String> => "Plan", Some(1), true, None;
        plan_type: PlanType => "PlanType", Some(1), true, PlanType(0);
        seats: Option<i32> => "Seats", Some(1), true, None;
        max_collections: Option<i16> => "MaxCollections", Some(1), true, None;
        use_policies: bool => "UsePolicies", Some(6), true, false;
        use_sso: bool => "UseSso", Some(7), true, false;
        use_key_connector: bool => "UseKeyConnector", Some(9), true, false;
        use_scim: bool => "UseScim", Some(10), true, false;
        use_groups: bool => "UseGroups", Some(1), true, false;
        use_events: bool => "UseEvents", Some(3), true, false;
        use_directory: bool => "UseDirectory", Some(1), true, false;
        use_totp: bool => "UseTotp", Some(1), true, false;
        use_2fa: bool => "Use2fa", Some(4), true, false;
        use_api: bool => "UseApi", Some(5), true, false;
        use_reset_password: bool => "UseResetPassword", Some(8), true, false;
        max_storage_gb: Option<i16> => "MaxStorageGb", Some(1), true, None;
        self_host: bool => "SelfHost", Some(1), true, false;
        users_get_premium: bool => "UsersGetPremium", Some(2), true, false;
        use_custom_permissions: bool => "UseCustomPermissions", Some(11), true, false;
        version: i32 => "Version", Some(1), false, 0;
        issued: NetDateTime => "Issued", Some(1), true, NetDateTime::default();
        refresh: Option<NetDateTime> => "Refresh", Some(1), true, None;
        /// Includes the 60-day grace period for annual plans.
        expires: Option<NetDateTime> => "Expires", Some(1), true, None;
        expiration_without_grace_period: Option<NetDateTime> => "ExpirationWithoutGracePeriod", Some(12), true, None;
        use_password_manager: bool => "UsePasswordManager", Some(13), true, false;
        use_secrets_manager: bool => "UseSecretsManager", Some(13), true, false;
        sm_seats: Option<i32> => "SmSeats", Some(13), true, None;
        sm_service_accounts: Option<i32> => "SmServiceAccounts", Some(13), true, None;
        use_risk_insights: bool => "UseRiskInsights", None, true, false;
        use_phishing_blocker: bool => "UsePhishingBlocker", None, true, false;
        /// Deprecated but still signed; defaults to true when missing.
        limit_collection_creation_deletion: bool => "LimitCollectionCreationDeletion", Some(14), true, true;
        /// Deprecated but still signed; defaults to true when missing.
        allow_admin_access_to_all_collection_items: bool => "AllowAdminAccessToAllCollectionItems", Some(15), true, true;
        trial: bool => "Trial", Some(1), true, false;
        /// 1 for organization licenses; never signed.
        license_type: Option<u8> => "LicenseType", None, false, None;
        use_organization_domains: bool => "UseOrganizationDomains", None, true, false;
        use_admin_sponsored_families: bool => "UseAdminSponsoredFamilies", None, true, false;
        use_automatic_user_confirmation: bool => "UseAutomaticUserConfirmation", None, true, false;
        use_disable_sm_ads_for_users: bool => "UseDisableSmAdsForUsers", None, true, false;
        use_my_items: bool => "UseMyItems", None, true, false;
        use_invite_links: bool => "UseInviteLinks", None, true, false;
        use_pam: bool => "UsePam", None, true, false;
        /// base64(SHA-256(hash data)); signed, not hashed.
        hash: Option<String> => "Hash", Some(1), false, None;
        /// base64 RSA PKCS#1 v1.5 SHA-256 signature over the signature data.
        signature: Option<String> => "Signature", None, false, None;
        /// The claims-based license (RS256 JWT), when the cloud issued one.
        token: Option<String> => "Token", None, false, None;
    }
}

license_class! {
    /// `UserLicense`: a premium (personal) license (contract §1.3).
    UserLicense {
        license_key: Option<String> => "LicenseKey", Some(1), true, None;
        /// The cloud user's id (the token audience is derived from it).
        id: Uuid => "Id", Some(1), true, Uuid::nil();
        name: Option<String> => "Name", Some(1), true, None;
        email: Option<String> => "Email", Some(1), true, None;
        premium: bool => "Premium", Some(1), true, false;
        max_storage_gb: Option<i16> => "MaxStorageGb", Some(1), true, None;
        version: i32 => "Version", Some(1), false, 0;
        issued: NetDateTime => "Issued", Some(1), true, NetDateTime::default();
        refresh: Option<NetDateTime> => "Refresh", Some(1), true, None;
        expires: Option<NetDateTime> => "Expires", Some(1), true, None;
        trial: bool => "Trial", Some(1), true, false;
        /// 0 for premium licenses; never signed.
        license_type: Option<u8> => "LicenseType", None, false, None;
        hash: Option<String> => "Hash", Some(1), false, None;
        signature: Option<String> => "Signature", None, false, None;
        token: Option<String> => "Token", None, false, None;
    }
}

/// Which of the two license classes a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum LicenseKind {
    Organization,
    User,
}

impl LicenseKind {
    /// The `LicenseType` claim and enum name.
    pub fn license_type_name(self) -> &'static str {
        match self {
            LicenseKind::Organization => "Organization",
            LicenseKind::User => "User",
        }
    }

    /// The value of the `LicenseType` property.
    pub fn license_type_value(self) -> u8 {
        match self {
            LicenseKind::Organization => LICENSE_TYPE_ORGANIZATION,
            LicenseKind::User => LICENSE_TYPE_USER,
        }
    }

    /// How people call it in the app.
    pub fn describe(self) -> &'static str {
        match self {
            LicenseKind::Organization => "organization license",
            LicenseKind::User => "premium (personal) license",
        }
    }
}

/// A license of either class.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum License {
    Organization(OrganizationLicense),
    User(UserLicense),
}

impl License {
    pub fn kind(&self) -> LicenseKind {
        match self {
            License::Organization(_) => LicenseKind::Organization,
            License::User(_) => LicenseKind::User,
        }
    }

    /// The property list of this license's class.
    pub fn fields(&self) -> &'static [FieldSpec] {
        match self {
            License::Organization(_) => OrganizationLicense::FIELDS,
            License::User(_) => UserLicense::FIELDS,
        }
    }

    pub fn version(&self) -> i32 {
        match self {
            License::Organization(l) => l.version,
            License::User(l) => l.version,
        }
    }

    pub fn id(&self) -> Uuid {
        match self {
            License::Organization(l) => l.id,
            License::User(l) => l.id,
        }
    }

    pub fn issued(&self) -> NetDateTime {
        match self {
            License::Organization(l) => l.issued,
            License::User(l) => l.issued,
        }
    }

    pub fn refresh(&self) -> Option<NetDateTime> {
        match self {
            License::Organization(l) => l.refresh,
            License::User(l) => l.refresh,
        }
    }

    pub fn expires(&self) -> Option<NetDateTime> {
        match self {
            License::Organization(l) => l.expires,
            License::User(l) => l.expires,
        }
    }

    pub fn trial(&self) -> bool {
        match self {
            License::Organization(l) => l.trial,
            License::User(l) => l.trial,
        }
    }

    pub fn license_type(&self) -> Option<u8> {
        match self {
            License::Organization(l) => l.license_type,
            License::User(l) => l.license_type,
        }
    }

    pub fn hash(&self) -> Option<&str> {
        match self {
            License::Organization(l) => l.hash.as_deref(),
            License::User(l) => l.hash.as_deref(),
        }
    }

    pub fn signature(&self) -> Option<&str> {
        match self {
            License::Organization(l) => l.signature.as_deref(),
            License::User(l) => l.signature.as_deref(),
        }
    }

    /// The token, when present and not empty (an empty token means the legacy path).
    pub fn token(&self) -> Option<&str> {
        let token = match self {
            License::Organization(l) => l.token.as_deref(),
            License::User(l) => l.token.as_deref(),
        };
        token.filter(|t| !t.is_empty())
    }

    pub(crate) fn render_field(&self, name: &str) -> Option<String> {
        match self {
            License::Organization(l) => l.render_field(name),
            License::User(l) => l.render_field(name),
        }
    }

    pub(crate) fn read_field(&mut self, name: &str, value: &Value) -> Result<(), FieldProblem> {
        match self {
            License::Organization(l) => l.read_field(name, value),
            License::User(l) => l.read_field(name, value),
        }
    }

    pub(crate) fn claim_text(&self, name: &str) -> Option<String> {
        match self {
            License::Organization(l) => l.claim_text(name),
            License::User(l) => l.claim_text(name),
        }
    }

    pub(crate) fn set_from_claim(&mut self, name: &str, claim: Option<&str>) {
        match self {
            License::Organization(l) => l.set_from_claim(name, claim),
            License::User(l) => l.set_from_claim(name, claim),
        }
    }

    /// The license as the cloud's camelCase JSON (enums as numbers, GUIDs lowercase).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl From<OrganizationLicense> for License {
    fn from(license: OrganizationLicense) -> Self {
        License::Organization(license)
    }
}

impl From<UserLicense> for License {
    fn from(license: UserLicense) -> Self {
        License::User(license)
    }
}
