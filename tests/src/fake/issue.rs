//! Licenses as the cloud issues them: dates from the subscription (contract §6), signed
//! with the test licensing key over the canonical data, and with the RS256 `Token` whose
//! claims are the license (§1.7), by the fake's own `licensing` code. The cloud emits
//! `Version` 15.

use chrono::{DateTime, Duration, Months, Utc};
use companion_core::license::{
    parse, License, LicenseKind, NetDateTime, OrganizationLicense, PlanType, UserLicense,
};
use rsa::RsaPrivateKey;
use serde_json::Value;
use uuid::Uuid;

use super::envelope::ApiError;
use super::licensing::{self, Class};
use super::plans;
use super::seed::SubscriptionStatus;
use super::state::{CloudOrg, User};

/// `CurrentLicenseFileVersion`.
pub const ORGANIZATION_LICENSE_VERSION: i32 = 15;
/// Days between the end of an annual subscription and `Expires`.
const GRACE_DAYS: i64 = 60;
/// Storage the self-hosted server gives every organization and premium user (10 TB).
pub const SELF_HOSTED_MAX_STORAGE_GB: i16 = 10240;

pub const NO_SUBSCRIPTION: &str = "No active subscription found.";
pub const PAYMENT_ISSUE: &str = "Unable to generate license due to a payment issue. Please update your billing information or contact support for assistance.";

/// `Expires`, `Refresh`, `ExpirationWithoutGracePeriod` and `Trial` of a new license.
struct Dates {
    expires: DateTime<Utc>,
    refresh: DateTime<Utc>,
    without_grace: Option<DateTime<Utc>>,
    trial: bool,
}

/// The dates of an organization license issued `now` (contract §6).
fn organization_dates(org: &CloudOrg, now: DateTime<Utc>) -> Result<Dates, ApiError> {
    let sub = &org.subscription;
    match sub.status {
        SubscriptionStatus::Canceled
        | SubscriptionStatus::Incomplete
        | SubscriptionStatus::IncompleteExpired => {
            return Err(ApiError::bad_request(PAYMENT_ISSUE))
        }
        SubscriptionStatus::None if org.plan_type != 6 => {
            return Err(ApiError::bad_request(NO_SUBSCRIPTION))
        }
        SubscriptionStatus::None => {
            let expires = org.expiration_date.unwrap_or(now + Duration::days(7));
            return Ok(Dates {
                expires,
                refresh: expires,
                without_grace: None,
                trial: org.expiration_date.is_none(),
            });
        }
        _ => {}
    }
    if let Some(trial_end) = sub.trial_end.filter(|end| *end > now) {
        return Ok(Dates {
            expires: trial_end,
            refresh: trial_end,
            without_grace: None,
            trial: true,
        });
    }
    if let Some(expired) = org.expiration_date.filter(|date| *date < now) {
        return Ok(Dates {
            expires: expired,
            refresh: expired,
            without_grace: None,
            trial: false,
        });
    }
    if sub.period_end - sub.period_start > Duration::days(180) {
        return Ok(Dates {
            expires: sub.period_end + Duration::days(GRACE_DAYS),
            refresh: now + Duration::days(30),
            without_grace: Some(sub.period_end),
            trial: false,
        });
    }
    let expires = org
        .expiration_date
        .and_then(|date| date.checked_add_months(Months::new(11)))
        .unwrap_or_else(|| now.checked_add_months(Months::new(12)).unwrap_or(now));
    let refresh = if expires < now - Duration::days(30) {
        now + Duration::days(30)
    } else {
        expires
    };
    Ok(Dates {
        expires,
        refresh,
        without_grace: None,
        trial: false,
    })
}

fn net(time: DateTime<Utc>) -> NetDateTime {
    NetDateTime::from_utc(time).unwrap_or_default()
}

/// A signed organization license of `org` for `installation`, issued `now`.
pub(crate) fn organization_license(
    org: &CloudOrg,
    installation: Uuid,
    key: &RsaPrivateKey,
    now: DateTime<Utc>,
) -> Result<License, ApiError> {
    let dates = organization_dates(org, now)?;
    let f = org.features;
    let license = OrganizationLicense {
        license_key: Some(org.license_key.clone()),
        installation_id: installation,
        id: org.id,
        name: Some(org.name.clone()),
        billing_email: Some(org.billing_email.clone()),
        business_name: org.business_name.clone(),
        enabled: org.enabled,
        plan: Some(plans::name(org.plan_type).to_owned()),
        plan_type: PlanType(org.plan_type),
        seats: org.seats,
        max_collections: org.max_collections,
        use_policies: f.use_policies,
        use_sso: f.use_sso,
        use_key_connector: f.use_key_connector,
        use_scim: f.use_scim,
        use_groups: f.use_groups,
        use_events: f.use_events,
        use_directory: f.use_directory,
        use_totp: f.use_totp,
        use_2fa: f.use_2fa,
        use_api: f.use_api,
        use_reset_password: f.use_reset_password,
        max_storage_gb: org.max_storage_gb,
        self_host: f.self_host,
        users_get_premium: f.users_get_premium,
        use_custom_permissions: f.use_custom_permissions,
        version: ORGANIZATION_LICENSE_VERSION,
        issued: net(now),
        refresh: Some(net(dates.refresh)),
        expires: Some(net(dates.expires)),
        expiration_without_grace_period: dates.without_grace.map(net),
        use_password_manager: f.use_password_manager,
        use_secrets_manager: f.use_secrets_manager,
        sm_seats: org.sm_seats,
        sm_service_accounts: org.sm_service_accounts,
        trial: dates.trial,
        license_type: Some(1),
        ..OrganizationLicense::default()
    };
    sign(License::Organization(license), key, now)
}

/// A signed premium license of a cloud user, issued `now`: `Expires` is the next invoice
/// date plus 7 days, `Refresh` the invoice date (contract §6).
pub(crate) fn user_license(
    user: &User,
    key: &RsaPrivateKey,
    now: DateTime<Utc>,
) -> Result<License, ApiError> {
    let invoice = user
        .premium_expires
        .filter(|_| user.premium)
        .ok_or_else(|| ApiError::bad_request(NO_SUBSCRIPTION))?;
    let license = UserLicense {
        license_key: Some(user.license_key.clone()),
        id: user.id,
        name: Some(user.name.clone()),
        email: Some(user.email.clone()),
        premium: true,
        max_storage_gb: Some(1),
        version: 1,
        issued: net(now),
        refresh: Some(net(invoice)),
        expires: Some(net(invoice + Duration::days(7))),
        trial: false,
        license_type: Some(0),
        ..UserLicense::default()
    };
    sign(License::User(license), key, now)
}

/// Signs with the fake's own licensing code (`licensing::sign`), then reads the signed JSON
/// back into the model.
fn sign(license: License, key: &RsaPrivateKey, now: DateTime<Utc>) -> Result<License, ApiError> {
    let failed = |e: String| ApiError::bad_request(format!("Cannot sign licenses: {e}"));
    let class = match license.kind() {
        LicenseKind::Organization => Class::Organization,
        LicenseKind::User => Class::User,
    };
    let Ok(Value::Object(mut object)) = serde_json::to_value(&license) else {
        return Err(failed("the license is not a JSON object".into()));
    };
    licensing::sign(&mut object, class, key, now).map_err(failed)?;
    let bytes = serde_json::to_vec(&Value::Object(object)).map_err(|e| failed(e.to_string()))?;
    parse(&bytes)
        .map(|parsed| parsed.license)
        .map_err(|e| failed(e.to_string()))
}
