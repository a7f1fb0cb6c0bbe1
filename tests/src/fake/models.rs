//! Response bodies shared by both roles, shaped like the server's models (camelCase, with
//! their `object` names). Only what a license dashboard reads is filled in; the rest of
//! each model is left out.
//!
//! - `ProfileResponseModel` (`GET /accounts/profile`, object `profile`): `id`, `name`,
//!   `email`, `emailVerified`, `premium`, `premiumFromOrganization`, `culture`,
//!   `twoFactorEnabled`, `key`, `privateKey`, `accountKeys` (`PrivateKeysResponseModel`),
//!   `securityStamp` (the token's `sstamp`: clients sign out when they differ),
//!   `forcePasswordReset`, `usesKeyConnector`, `avatarColor`, `creationDate`,
//!   `verifyDevices`, `organizations`, `providers`, `providerOrganizations`
//!   (S:`src/Api/Models/Response/ProfileResponseModel.cs`).
//! - `ProfileOrganizationResponseModel` (object `profileOrganization`): `id`, `name`,
//!   `enabled`, `type` (Owner 0, Admin 1, User 2, Custom 4), `status` (Confirmed 2),
//!   `seats`, `maxCollections`, `maxStorageGb`, `selfHost`, the `use*` switches,
//!   `usersGetPremium`, `productTierType` (and the older `planProductType`: Free 0,
//!   Families 1, Teams 2, Enterprise 3, TeamsStarter 4), `key` (the member's organization
//!   key, type 4), `hasPublicAndPrivateKeys`, `userId`, `organizationUserId`.
//! - `OrganizationResponseModel` (object `organization`): `id`, `name`, `businessName`,
//!   `billingEmail`, `plan` (`PlanResponseModel`: `type`, `productTier`, `name`,
//!   `isAnnual`, …), `planType`, `seats`, `maxCollections`, `maxStorageGb`, the `use*`
//!   switches, `selfHost`, `hasPublicAndPrivateKeys`, `smSeats`, `smServiceAccounts`.
//! - `OrganizationSubscriptionResponseModel` (object `organizationSubscription`, self-
//!   hosted): the organization fields plus `expiration` (license `Expires`, grace
//!   included) and `expirationWithoutGracePeriod` (the license's value, else `Expires` −
//!   60 days, or `Expires` for a trial), `storageName`, `storageGb`.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use super::issue::SELF_HOSTED_MAX_STORAGE_GB;
use super::license_model::OrganizationLicense;
use super::net_date::NetDate;
use super::plans::{self, Features};
use super::state::{CloudOrg, Member, Realm, SelfHostedOrg, User, World};

/// The organization data every model draws from, whichever role holds it.
pub(crate) struct OrgView {
    pub id: Uuid,
    pub name: String,
    pub business_name: Option<String>,
    pub billing_email: Option<String>,
    pub plan_type: u8,
    pub seats: Option<i32>,
    pub max_collections: Option<i16>,
    pub max_storage_gb: Option<i16>,
    pub features: Features,
    pub enabled: bool,
    pub sm_seats: Option<i32>,
    pub sm_service_accounts: Option<i32>,
    pub has_keys: bool,
}

impl OrgView {
    pub fn of_cloud(org: &CloudOrg) -> Self {
        OrgView {
            id: org.id,
            name: org.name.clone(),
            business_name: org.business_name.clone(),
            billing_email: Some(org.billing_email.clone()),
            plan_type: org.plan_type,
            seats: org.seats,
            max_collections: org.max_collections,
            max_storage_gb: org.max_storage_gb,
            features: org.features,
            enabled: org.enabled,
            sm_seats: org.sm_seats,
            sm_service_accounts: org.sm_service_accounts,
            has_keys: true,
        }
    }

    /// A self-hosted organization: its values come from the license in use.
    pub fn of_self_hosted(org: &SelfHostedOrg) -> Self {
        let l = &org.license;
        OrgView {
            id: org.id,
            name: l.name.clone().unwrap_or_default(),
            business_name: l.business_name.clone(),
            billing_email: l.billing_email.clone(),
            plan_type: l.plan_type,
            seats: l.seats,
            max_collections: l.max_collections,
            max_storage_gb: Some(SELF_HOSTED_MAX_STORAGE_GB),
            features: l.features(),
            enabled: l.enabled,
            sm_seats: l.sm_seats,
            sm_service_accounts: l.sm_service_accounts,
            has_keys: org.public_key.is_some() && org.private_key.is_some(),
        }
    }
}

/// `PlanResponseModel`, the parts a client reads.
pub(crate) fn plan(plan_type: u8) -> Value {
    let features = plans::features(plan_type);
    json!({
        "object": "plan",
        "type": plan_type,
        "productTier": plans::tier(plan_type) as u8,
        "name": plans::name(plan_type),
        "isAnnual": plans::is_annual(plan_type),
        "hasSelfHost": features.self_host,
        "hasPolicies": features.use_policies,
        "hasGroups": features.use_groups,
        "hasSso": features.use_sso,
        "hasResetPassword": features.use_reset_password,
        "usersGetPremium": features.users_get_premium,
    })
}

fn feature_fields(map: &mut serde_json::Map<String, Value>, f: &Features) {
    let pairs = [
        ("usePolicies", f.use_policies),
        ("useSso", f.use_sso),
        ("useKeyConnector", f.use_key_connector),
        ("useScim", f.use_scim),
        ("useGroups", f.use_groups),
        ("useDirectory", f.use_directory),
        ("useEvents", f.use_events),
        ("useTotp", f.use_totp),
        ("use2fa", f.use_2fa),
        ("useApi", f.use_api),
        ("useResetPassword", f.use_reset_password),
        ("useSecretsManager", f.use_secrets_manager),
        ("usePasswordManager", f.use_password_manager),
        ("usersGetPremium", f.users_get_premium),
        ("useCustomPermissions", f.use_custom_permissions),
        ("selfHost", f.self_host),
    ];
    for (name, on) in pairs {
        map.insert(name.into(), Value::Bool(on));
    }
}

/// `OrganizationResponseModel` (or a model extending it, by `object`).
pub(crate) fn organization(view: &OrgView, object: &str) -> Value {
    let mut body = json!({
        "object": object,
        "id": view.id,
        "name": view.name,
        "businessName": view.business_name,
        "billingEmail": view.billing_email,
        "plan": plan(view.plan_type),
        "planType": view.plan_type,
        "seats": view.seats,
        "maxAutoscaleSeats": null,
        "maxCollections": view.max_collections,
        "maxStorageGb": view.max_storage_gb,
        "hasPublicAndPrivateKeys": view.has_keys,
        "smSeats": view.sm_seats,
        "smServiceAccounts": view.sm_service_accounts,
        "limitCollectionCreation": false,
        "limitCollectionDeletion": false,
        "allowAdminAccessToAllCollectionItems": true,
    });
    if let Some(map) = body.as_object_mut() {
        feature_fields(map, &view.features);
    }
    body
}

/// `OrganizationSubscriptionResponseModel` of a self-hosted organization: the dates come
/// from its license file, when it can be read (contract §6).
pub(crate) fn self_hosted_subscription(
    org: &SelfHostedOrg,
    file: Option<&OrganizationLicense>,
) -> Value {
    let (expires, without_grace) = match file {
        Some(license) => {
            let expires = license.expires;
            let without_grace = license.expiration_without_grace_period.or_else(|| {
                expires.map(|e| {
                    if license.trial {
                        e
                    } else {
                        e - Duration::days(60)
                    }
                })
            });
            (expires, without_grace)
        }
        None => (org.license.expires, None),
    };
    let date = |d: Option<DateTime<Utc>>| d.map(|d| NetDate::from_utc(d).to_json());
    let mut body = organization(&OrgView::of_self_hosted(org), "organizationSubscription");
    if let Some(map) = body.as_object_mut() {
        map.insert("expiration".into(), json!(date(expires)));
        map.insert(
            "expirationWithoutGracePeriod".into(),
            json!(date(without_grace)),
        );
        map.insert("storageName".into(), Value::Null);
        map.insert("storageGb".into(), json!(0.0));
        map.insert("subscription".into(), Value::Null);
        map.insert("upcomingInvoice".into(), Value::Null);
        map.insert("customerDiscount".into(), Value::Null);
    }
    body
}

/// `OrganizationSubscriptionResponseModel` of a cloud organization, with the parts of the
/// Stripe subscription (`BillingSubscription`) a license dashboard shows.
pub(crate) fn cloud_subscription(org: &CloudOrg) -> Value {
    let sub = &org.subscription;
    let status = serde_json::to_value(sub.status).unwrap_or(Value::Null);
    let mut body = organization(&OrgView::of_cloud(org), "organizationSubscription");
    if let Some(map) = body.as_object_mut() {
        map.insert("expiration".into(), json!(org.expiration_date));
        map.insert("expirationWithoutGracePeriod".into(), Value::Null);
        map.insert(
            "subscription".into(),
            match sub.status {
                super::seed::SubscriptionStatus::None => Value::Null,
                _ => json!({
                    "status": status,
                    "trialEndDate": sub.trial_end,
                    "periodStartDate": sub.period_start,
                    "periodEndDate": sub.period_end,
                    "cancelled": sub.status == super::seed::SubscriptionStatus::Canceled,
                    "items": [],
                }),
            },
        );
        map.insert("upcomingInvoice".into(), Value::Null);
    }
    body
}

/// `ProfileOrganizationResponseModel` of one membership.
fn profile_organization(view: &OrgView, member: &Member) -> Value {
    let tier = plans::tier(view.plan_type) as u8;
    let mut body = json!({
        "object": "profileOrganization",
        "id": view.id,
        "name": view.name,
        "enabled": view.enabled,
        "type": member.role.value(),
        "status": 2,
        "seats": view.seats,
        "maxCollections": view.max_collections,
        "maxStorageGb": view.max_storage_gb,
        "key": member.key,
        "hasPublicAndPrivateKeys": view.has_keys,
        "productTierType": tier,
        "planProductType": tier,
        "userId": member.user_id,
        "organizationUserId": Uuid::new_v5(&view.id, member.user_id.as_bytes()),
        "identifier": null,
        "permissions": null,
        "resetPasswordEnrolled": false,
        "ssoBound": false,
        "providerId": null,
        "providerName": null,
        "accessSecretsManager": view.features.use_secrets_manager,
    });
    if let Some(map) = body.as_object_mut() {
        feature_fields(map, &view.features);
    }
    body
}

/// `ProfileResponseModel` of a user, with its confirmed memberships on this server.
pub(crate) fn profile(world: &World, user: &User) -> Value {
    let mut organizations = Vec::new();
    match user.realm {
        Realm::SelfHosted => {
            for org in &world.self_hosted_orgs {
                if let Some(m) = org.members.iter().find(|m| m.user_id == user.id) {
                    organizations.push(profile_organization(&OrgView::of_self_hosted(org), m));
                }
            }
        }
        Realm::Cloud(region) => {
            for org in world.cloud_orgs.iter().filter(|o| o.region == region) {
                if let Some(m) = org.members.iter().find(|m| m.user_id == user.id) {
                    organizations.push(profile_organization(&OrgView::of_cloud(org), m));
                }
            }
        }
    }
    json!({
        "object": "profile",
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "emailVerified": user.email_verified,
        "premium": user.premium,
        "premiumFromOrganization": false,
        "culture": "en-US",
        "twoFactorEnabled": user.totp_secret.is_some() || user.email_two_factor,
        "key": user.keys.key,
        "privateKey": user.keys.private_key,
        "accountKeys": super::identity::account_keys_json(user),
        "securityStamp": super::jwt::security_stamp(user),
        "forcePasswordReset": false,
        "usesKeyConnector": false,
        "avatarColor": null,
        "creationDate": user.created,
        "verifyDevices": user.new_device_verification,
        "organizations": organizations,
        "providers": [],
        "providerOrganizations": [],
    })
}
