//! The fake's license: the object the server's JSON reader makes of a license file (the
//! class's properties the file sets, under their C# names, with the values as written;
//! see `license_reader`), signed and checked by the fake's own `licensing` code, written
//! back as the server serializes the class, and the typed views of the values the fake
//! acts on. Nothing here goes through the app's license code.

use std::collections::BTreeMap;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::licensing::{self, Class, Kind};
use super::net_date::NetDate;
use super::plans::Features;

/// A license of one class, as the server holds it after reading a file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct License {
    class: Class,
    object: Map<String, Value>,
}

impl License {
    /// A license with every property at its C# default (`new OrganizationLicense()`).
    pub(crate) fn new(class: Class) -> Self {
        License {
            class,
            object: Map::new(),
        }
    }

    /// The license the reader made of a file's properties.
    pub(crate) fn from_object(class: Class, object: Map<String, Value>) -> Self {
        License { class, object }
    }

    /// Sets a property by its C# name.
    pub(crate) fn set(&mut self, name: &'static str, value: impl Into<Value>) {
        self.object.insert(name.to_owned(), value.into());
    }

    fn value(&self, name: &str) -> Option<&Value> {
        licensing::get(&self.object, name)
    }

    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.value(name).and_then(Value::as_str)
    }

    /// A `bool` property, its C# default when the file leaves it out.
    pub(crate) fn flag(&self, name: &str) -> bool {
        let default = match licensing::property(self.class, name).map(|p| p.kind) {
            Some(Kind::Flag(default)) => default,
            _ => false,
        };
        self.value(name).and_then(Value::as_bool).unwrap_or(default)
    }

    pub(crate) fn number(&self, name: &str) -> Option<i64> {
        self.value(name).and_then(Value::as_i64)
    }

    /// A `Guid` property, `Guid.Empty` when left out.
    pub(crate) fn guid(&self, name: &str) -> Uuid {
        self.text(name)
            .and_then(|t| Uuid::parse_str(t).ok())
            .unwrap_or_default()
    }

    pub(crate) fn date(&self, name: &str) -> Option<DateTime<Utc>> {
        self.text(name)
            .and_then(NetDate::parse)
            .map(NetDate::to_utc)
    }

    /// `Version`, 0 when left out.
    pub(crate) fn version(&self) -> i32 {
        self.number("Version").map_or(0, |v| v as i32)
    }

    pub(crate) fn license_type(&self) -> Option<u8> {
        self.number("LicenseType").map(|t| t as u8)
    }

    /// `Token`, unless blank (`string.IsNullOrWhiteSpace`: then the legacy path applies).
    pub(crate) fn token(&self) -> Option<&str> {
        self.text("Token").filter(|t| !t.trim().is_empty())
    }

    /// Signs as the cloud does for a download: `Hash`, `Signature` and the token.
    pub(crate) fn sign(
        &mut self,
        key: &RsaPrivateKey,
        issued: DateTime<Utc>,
    ) -> Result<(), String> {
        licensing::sign(&mut self.object, self.class, key, issued)
    }

    /// `VerifySignature` with `key`.
    pub(crate) fn signature_verifies(&self, key: &RsaPublicKey) -> bool {
        licensing::signature_verifies(&self.object, self.class, key)
    }

    /// `GetClaimsPrincipalFromLicense` with `key` at `now`: the token's claims, or the
    /// .NET message of the failure.
    pub(crate) fn token_claims(
        &self,
        key: &RsaPublicKey,
        now: DateTime<Utc>,
    ) -> Result<Map<String, Value>, String> {
        licensing::verify_token(&self.object, self.class, key, now)
    }

    /// The license with the token's claims written over its properties.
    pub(crate) fn with_claims(&self, claims: &Map<String, Value>) -> License {
        License {
            class: self.class,
            object: licensing::apply_claims(&self.object, self.class, claims),
        }
    }

    /// Every property in declaration order, valued as System.Text.Json writes the class:
    /// defaults for what the file left out, GUIDs lowercase, dates in the writer's form.
    pub(crate) fn members(&self) -> Vec<(&'static str, Value)> {
        licensing::properties(self.class)
            .iter()
            .map(|p| (p.name, written(p.kind, self.value(p.name))))
            .collect()
    }

    /// The camelCase JSON the cloud API answers a download with.
    fn to_cloud_json(&self) -> String {
        let members: Vec<String> = self
            .members()
            .into_iter()
            .map(|(name, value)| format!("{}:{value}", Value::from(licensing::camel_case(name))))
            .collect();
        format!("{{{}}}", members.join(","))
    }

    /// What the fake acts on in an organization license.
    pub(crate) fn organization(&self) -> OrganizationLicense {
        let switches = licensing::properties(self.class)
            .iter()
            .filter(|p| matches!(p.kind, Kind::Flag(_)) && !["Enabled", "Trial"].contains(&p.name))
            .map(|p| (p.name, self.flag(p.name)))
            .collect();
        OrganizationLicense {
            license_key: self.text("LicenseKey").map(str::to_owned),
            installation_id: self.guid("InstallationId"),
            id: self.guid("Id"),
            name: self.text("Name").map(str::to_owned),
            billing_email: self.text("BillingEmail").map(str::to_owned),
            business_name: self.text("BusinessName").map(str::to_owned),
            enabled: self.flag("Enabled"),
            plan_type: self.number("PlanType").map_or(0, |p| p as u8),
            seats: self.int("Seats"),
            max_collections: self.int("MaxCollections"),
            sm_seats: self.int("SmSeats"),
            sm_service_accounts: self.int("SmServiceAccounts"),
            version: self.version(),
            issued: self.issued(),
            expires: self.date("Expires"),
            expiration_without_grace_period: self.date("ExpirationWithoutGracePeriod"),
            trial: self.flag("Trial"),
            license_type: self.license_type(),
            switches,
        }
    }

    /// What the fake acts on in a premium license.
    pub(crate) fn user(&self) -> UserLicense {
        UserLicense {
            license_key: self.text("LicenseKey").map(str::to_owned),
            email: self.text("Email").map(str::to_owned),
            premium: self.flag("Premium"),
            issued: self.issued(),
            expires: self.date("Expires"),
        }
    }

    /// A nullable integer property, when it fits `T`.
    fn int<T: TryFrom<i64>>(&self, name: &str) -> Option<T> {
        self.number(name).and_then(|n| T::try_from(n).ok())
    }

    /// `Issued`, `default(DateTime)` when left out.
    fn issued(&self) -> DateTime<Utc> {
        self.date("Issued").unwrap_or_else(|| NetDate::MIN.to_utc())
    }
}

/// A downloaded license: the cloud's camelCase JSON.
impl IntoResponse for License {
    fn into_response(self) -> Response {
        ([(CONTENT_TYPE, "application/json")], self.to_cloud_json()).into_response()
    }
}

/// A property's value as System.Text.Json writes it.
fn written(kind: Kind, value: Option<&Value>) -> Value {
    let date = |v: Option<&Value>| v.and_then(Value::as_str).and_then(NetDate::parse);
    match (kind, value) {
        (Kind::Flag(default), None) => Value::Bool(default),
        (Kind::Version | Kind::Plan, None) => Value::from(0),
        (Kind::Guid, v) => Value::from(
            v.and_then(Value::as_str)
                .and_then(|t| Uuid::parse_str(t).ok())
                .unwrap_or_default()
                .hyphenated()
                .to_string(),
        ),
        (Kind::Time, v) => Value::from(date(v).unwrap_or(NetDate::MIN).to_json()),
        (Kind::OptionalTime, v) => date(v).map_or(Value::Null, |d| Value::from(d.to_json())),
        (_, Some(v)) => v.clone(),
        (_, None) => Value::Null,
    }
}

/// An organization license's values the fake acts on: what `Organization.UpdateFromLicense`
/// gives the self-hosted organization, and what the checks compare.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationLicense {
    pub license_key: Option<String>,
    pub installation_id: Uuid,
    /// The cloud organization's id.
    pub id: Uuid,
    pub name: Option<String>,
    pub billing_email: Option<String>,
    pub business_name: Option<String>,
    pub enabled: bool,
    pub plan_type: u8,
    pub seats: Option<i32>,
    pub max_collections: Option<i16>,
    pub sm_seats: Option<i32>,
    pub sm_service_accounts: Option<i32>,
    pub version: i32,
    pub issued: DateTime<Utc>,
    /// Grace period included; the organization's `ExpirationDate`.
    pub expires: Option<DateTime<Utc>>,
    pub expiration_without_grace_period: Option<DateTime<Utc>>,
    pub trial: bool,
    pub license_type: Option<u8>,
    /// Every feature switch (`SelfHost`, `UsersGetPremium`, the `Use*` flags) by C# name.
    pub switches: BTreeMap<&'static str, bool>,
}

impl OrganizationLicense {
    /// A feature switch by its C# name (`false` for a name the class does not have).
    pub fn switch(&self, name: &str) -> bool {
        self.switches.get(name).copied().unwrap_or(false)
    }

    /// The switches a plan's features cover.
    pub fn features(&self) -> Features {
        let on = |name| self.switch(name);
        Features {
            self_host: on("SelfHost"),
            use_policies: on("UsePolicies"),
            use_sso: on("UseSso"),
            use_key_connector: on("UseKeyConnector"),
            use_scim: on("UseScim"),
            use_groups: on("UseGroups"),
            use_events: on("UseEvents"),
            use_directory: on("UseDirectory"),
            use_totp: on("UseTotp"),
            use_2fa: on("Use2fa"),
            use_api: on("UseApi"),
            use_reset_password: on("UseResetPassword"),
            users_get_premium: on("UsersGetPremium"),
            use_custom_permissions: on("UseCustomPermissions"),
            use_secrets_manager: on("UseSecretsManager"),
            use_password_manager: on("UsePasswordManager"),
        }
    }
}

/// A premium license's values the fake acts on.
#[derive(Debug, Clone, PartialEq)]
pub struct UserLicense {
    pub license_key: Option<String>,
    pub email: Option<String>,
    pub premium: bool,
    pub issued: DateTime<Utc>,
    /// The account's `PremiumExpirationDate`.
    pub expires: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn organization(object: Value) -> License {
        License::from_object(Class::Organization, object.as_object().unwrap().clone())
    }

    #[test]
    fn left_out_properties_take_their_csharp_defaults() {
        let license = organization(json!({"Seats": 5}));
        let view = license.organization();
        assert_eq!(view.seats, Some(5));
        assert_eq!(view.issued, NetDate::MIN.to_utc());
        assert!(license.flag("LimitCollectionCreationDeletion"));
        assert!(!view.switch("UseSso"));
        assert_eq!((view.version, view.license_type), (0, None));
    }

    #[test]
    fn downloads_list_every_property_in_declaration_order_in_camel_case() {
        let mut license = License::new(Class::User);
        license.set("Email", "a@example.com");
        license.set("Issued", "2025-03-01T00:00:00.5000Z");
        let json = license.to_cloud_json();
        assert!(
            json.starts_with(r#"{"licenseKey":null,"id":"00000000-0000-0000-0000-000000000000","name":null,"email":"a@example.com","premium":false,"#),
            "{json}"
        );
        assert!(
            json.contains(r#""issued":"2025-03-01T00:00:00.5Z""#),
            "{json}"
        );
        assert!(
            json.ends_with(r#""hash":null,"signature":null,"token":null}"#),
            "{json}"
        );
    }

    #[test]
    fn a_blank_token_is_no_token() {
        assert_eq!(organization(json!({"Token": " \n"})).token(), None);
        assert_eq!(
            organization(json!({"Token": "a.b.c"})).token(),
            Some("a.b.c")
        );
    }
}
