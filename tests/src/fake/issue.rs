//! Licenses as the cloud issues them: dates from the subscription (contract §6), signed
//! with the test licensing key over the canonical data, and with the RS256 `Token` whose
//! claims are the license (§1.7), by the fake's own `licensing` code. The cloud emits
//! `Version` 15.

use chrono::{DateTime, Duration, Months, Utc};
use rsa::RsaPrivateKey;
use uuid::Uuid;

use super::envelope::ApiError;
use super::license_model::License;
use super::licensing::Class;
use super::net_date::NetDate;
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

/// A date as the cloud writes one it computed (UTC).
fn date(time: DateTime<Utc>) -> String {
    NetDate::from_utc(time).to_json()
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
    let mut license = License::new(Class::Organization);
    license.set("LicenseKey", org.license_key.clone());
    license.set("InstallationId", installation.hyphenated().to_string());
    license.set("Id", org.id.hyphenated().to_string());
    license.set("Name", org.name.clone());
    license.set("BillingEmail", org.billing_email.clone());
    license.set("BusinessName", org.business_name.clone());
    license.set("Enabled", org.enabled);
    license.set("Plan", plans::name(org.plan_type));
    license.set("PlanType", org.plan_type);
    license.set("Seats", org.seats);
    license.set("MaxCollections", org.max_collections);
    for (name, on) in [
        ("UsePolicies", f.use_policies),
        ("UseSso", f.use_sso),
        ("UseKeyConnector", f.use_key_connector),
        ("UseScim", f.use_scim),
        ("UseGroups", f.use_groups),
        ("UseEvents", f.use_events),
        ("UseDirectory", f.use_directory),
        ("UseTotp", f.use_totp),
        ("Use2fa", f.use_2fa),
        ("UseApi", f.use_api),
        ("UseResetPassword", f.use_reset_password),
        ("SelfHost", f.self_host),
        ("UsersGetPremium", f.users_get_premium),
        ("UseCustomPermissions", f.use_custom_permissions),
        ("UsePasswordManager", f.use_password_manager),
        ("UseSecretsManager", f.use_secrets_manager),
    ] {
        license.set(name, on);
    }
    license.set("MaxStorageGb", org.max_storage_gb);
    license.set("Version", ORGANIZATION_LICENSE_VERSION);
    license.set("Issued", date(now));
    license.set("Refresh", date(dates.refresh));
    license.set("Expires", date(dates.expires));
    license.set(
        "ExpirationWithoutGracePeriod",
        dates.without_grace.map(date),
    );
    license.set("SmSeats", org.sm_seats);
    license.set("SmServiceAccounts", org.sm_service_accounts);
    license.set("Trial", dates.trial);
    license.set("LicenseType", 1);
    sign(license, key, now)
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
    let mut license = License::new(Class::User);
    license.set("LicenseKey", user.license_key.clone());
    license.set("Id", user.id.hyphenated().to_string());
    license.set("Name", user.name.clone());
    license.set("Email", user.email.clone());
    license.set("Premium", true);
    license.set("MaxStorageGb", 1);
    license.set("Version", 1);
    license.set("Issued", date(now));
    license.set("Refresh", date(invoice));
    license.set("Expires", date(invoice + Duration::days(7)));
    license.set("Trial", false);
    license.set("LicenseType", 0);
    sign(license, key, now)
}

/// Signs with the fake's own licensing code: `Hash`, `Signature` and the token.
fn sign(
    mut license: License,
    key: &RsaPrivateKey,
    now: DateTime<Utc>,
) -> Result<License, ApiError> {
    license
        .sign(key, now)
        .map_err(|e| ApiError::bad_request(format!("Cannot sign licenses: {e}")))?;
    Ok(license)
}
