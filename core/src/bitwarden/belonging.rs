//! Which cloud organization a self-hosted organization belongs to, so that a license only
//! goes where it belongs, and what a license would take away from it.
//!
//! Bitwarden's server does not check, when an organization's license is updated, that the
//! new license is that organization's: it checks seats and features in use and that no
//! *other* organization holds the license key (contract §1.8). An organization updated with
//! another one's license takes over its plan and license key, and billing sync then points
//! at the other cloud organization (§4.3: the server sets `CloudOrganizationId` from the
//! stored license). The link is read from the license in force (its `Id` and `LicenseKey`)
//! or, failing that, from the billing sync connection.

use std::path::{Path, PathBuf};

use serde::Serialize;
use uuid::Uuid;

use super::archive::{Archive, LicenseOwner};
use super::connections::billing_sync_connection;
use super::in_force::{license_in_force, ReplacedCopy};
use super::organizations::Subscription;
use super::session::Session;
use crate::license::{
    parse, License, LicenseSummary, OrganizationLicense, ParsedLicense, PlanType,
    LICENSE_TYPE_ORGANIZATION,
};
use crate::messages::{self, Phrase};

/// Where the link to the cloud organization was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LinkSource {
    /// The license file the server keeps (`bwdata/core/licenses`).
    ServerFile { path: PathBuf },
    /// The license last applied through this app or `bwlicense`.
    Archive { path: PathBuf },
    /// The billing sync connection (the server points it at its license's organization).
    BillingSync,
}

/// The cloud organization a self-hosted organization's license in force was made for.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct CloudLink {
    pub cloud_organization_id: Uuid,
    /// The organization's name, as that license gives it.
    pub name: Option<String>,
    /// Its license key; kept off the page and out of logs (billing sync sends it).
    #[serde(skip)]
    license_key: Option<String>,
    pub source: LinkSource,
}

impl std::fmt::Debug for CloudLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudLink")
            .field("cloud_organization_id", &self.cloud_organization_id)
            .field("name", &self.name)
            .field(
                "license_key",
                &self.license_key.as_ref().map(|_| "[redacted]"),
            )
            .field("source", &self.source)
            .finish()
    }
}

impl CloudLink {
    /// The link the license in force gives, else the billing sync connection's cloud
    /// organization; `None` when neither says.
    pub fn find(in_force: Option<&ReplacedCopy>, billing_sync: Option<Uuid>) -> Option<CloudLink> {
        let from_license = in_force.and_then(|copy| {
            let License::Organization(license) = parse(copy.bytes()).ok()?.license else {
                return None;
            };
            Some(CloudLink {
                cloud_organization_id: license.id,
                name: license.name,
                license_key: license.license_key,
                source: if copy.from_server {
                    LinkSource::ServerFile {
                        path: copy.source.clone(),
                    }
                } else {
                    LinkSource::Archive {
                        path: copy.source.clone(),
                    }
                },
            })
        });
        from_license.or_else(|| {
            billing_sync.map(|id| CloudLink {
                cloud_organization_id: id,
                name: None,
                license_key: None,
                source: LinkSource::BillingSync,
            })
        })
    }

    /// How `license` relates to the organization this link is of.
    pub fn judge(&self, license: &OrganizationLicense) -> Belonging {
        let same_organization = license.id == self.cloud_organization_id;
        let same_key = match (&self.license_key, &license.license_key) {
            (Some(current), Some(new)) => current == new,
            // The billing sync connection names no key; the organization ID decides.
            (None, _) => true,
            (Some(_), None) => false,
        };
        if same_organization && same_key {
            Belonging::Same {
                source: self.source.clone(),
            }
        } else {
            Belonging::Another {
                license_organization: license.id,
                license_name: license.name.clone(),
                current_organization: self.cloud_organization_id,
                current_name: self.name.clone(),
                only_the_key_differs: same_organization,
                source: self.source.clone(),
            }
        }
    }
}

/// How a license relates to the self-hosted organization it would be applied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Belonging {
    /// It is the license of the cloud organization this one belongs to.
    Same { source: LinkSource },
    /// It is another cloud organization's license (or carries another license key).
    Another {
        license_organization: Uuid,
        license_name: Option<String>,
        current_organization: Uuid,
        current_name: Option<String>,
        only_the_key_differs: bool,
        source: LinkSource,
    },
    /// Nothing on this machine or the server says which cloud organization it belongs to.
    Unknown,
}

impl Belonging {
    /// The verdict for an organization whose link may be unknown.
    pub fn of(link: Option<&CloudLink>, license: &OrganizationLicense) -> Belonging {
        link.map_or(Belonging::Unknown, |link| link.judge(license))
    }
}

/// The cloud organization a self-hosted organization belongs to, read from the license in
/// force (with `in_force`, when the caller has it already) or the billing sync connection.
pub async fn cloud_link(
    session: &Session,
    in_force: Option<&ReplacedCopy>,
    org: Uuid,
) -> Option<CloudLink> {
    if let Some(link) = CloudLink::find(in_force, None) {
        return Some(link);
    }
    let connection = billing_sync_connection(session, org).await.ok();
    CloudLink::find(None, connection.and_then(|c| c.cloud_organization_id))
}

/// [`cloud_link`] for an organization whose license copy is still to be found.
pub async fn find_cloud_link(
    session: &Session,
    archive: &Archive,
    org: Uuid,
    bwdata: Option<&Path>,
) -> Option<CloudLink> {
    let server = &session.endpoints().server;
    let copy = license_in_force(
        archive,
        server,
        LicenseOwner::Organization(org),
        bwdata,
        &mut Vec::new(),
    );
    cloud_link(session, copy.as_ref(), org).await
}

/// One organization the account owns, and whether an opened license belongs to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Candidate {
    pub id: Uuid,
    pub name: String,
    /// `None` for a premium license, which no organization takes.
    pub belonging: Option<Belonging>,
}

/// Where an opened license can go among the organizations an account owns on a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    pub organizations: Vec<Candidate>,
    /// The organization the license belongs to; else the one unknown organization of the
    /// license's name.
    pub suggested: Option<Uuid>,
    /// An organization license the server would accept, of a cloud organization none of
    /// these is: it can make a new organization here.
    pub can_create: bool,
}

/// Judges `license` against every owned organization (`(id, name, link)`).
pub fn place(
    license: &ParsedLicense,
    server_would_accept: bool,
    owned: Vec<(Uuid, String, Option<CloudLink>)>,
) -> Placement {
    let organization = match &license.license {
        License::Organization(l) => Some(l),
        License::User(_) => None,
    };
    let organizations: Vec<Candidate> = owned
        .into_iter()
        .map(|(id, name, link)| Candidate {
            id,
            name,
            belonging: organization.map(|l| Belonging::of(link.as_ref(), l)),
        })
        .collect();
    let same = organizations
        .iter()
        .find(|c| matches!(c.belonging, Some(Belonging::Same { .. })));
    let suggested = same.map(|c| c.id).or_else(|| {
        let name = organization?.name.as_deref()?.trim();
        let mut unknown_of_that_name = organizations.iter().filter(|c| {
            c.belonging == Some(Belonging::Unknown) && c.name.trim().eq_ignore_ascii_case(name)
        });
        match (unknown_of_that_name.next(), unknown_of_that_name.next()) {
            (Some(only), None) => Some(only.id),
            _ => None,
        }
    });
    let can_create = organization.is_some_and(|l| {
        l.license_type == Some(LICENSE_TYPE_ORGANIZATION) && server_would_accept && same.is_none()
    });
    Placement {
        organizations,
        suggested,
        can_create,
    }
}

/// Something the organization has now that the new license takes away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Loss {
    /// Fewer seats (`None`: unlimited).
    Seats {
        current: Option<i64>,
        new: Option<i64>,
    },
    /// Fewer collections (`None`: unlimited).
    Collections {
        current: Option<i64>,
        new: Option<i64>,
    },
    /// A lower product tier (Enterprise > Teams > Teams Starter > Families > Free).
    Plan { current: String, new: String },
    /// A feature switched on now and off in the new license.
    Feature {
        key: String,
        label: String,
        /// `label` as a catalog phrase.
        phrase: Phrase,
    },
}

impl Loss {
    /// The loss in plain words, e.g. "Seats 50 -> 10", "Loses: Single sign-on".
    pub fn describe(&self) -> String {
        match self {
            Loss::Seats { current, new } => {
                format!(
                    "Seats {} -> {}",
                    count_or_unlimited(*current),
                    count_or_unlimited(*new)
                )
            }
            Loss::Collections { current, new } => {
                format!(
                    "Collections {} -> {}",
                    count_or_unlimited(*current),
                    count_or_unlimited(*new)
                )
            }
            Loss::Plan { current, new } => format!("Plan {current} -> {new}"),
            Loss::Feature { label, .. } => format!("Loses: {label}"),
        }
    }
}

/// A seat or collection count in words: `None` is unlimited.
pub fn count_or_unlimited(n: Option<i64>) -> String {
    n.map_or_else(|| "unlimited".to_owned(), |n| n.to_string())
}

/// What applying `license` would take from an organization whose subscription is `now`.
pub fn losses(now: &Subscription, license: &LicenseSummary) -> Vec<Loss> {
    let mut found = Vec::new();
    let fewer = |current: Option<i64>, new: Option<i64>| match (current, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(c), Some(n)) => n < c,
    };
    let seats = license.seats.map(i64::from);
    if fewer(now.seats, seats) {
        found.push(Loss::Seats {
            current: now.seats,
            new: seats,
        });
    }
    let collections = license.max_collections.map(i64::from);
    if fewer(now.max_collections, collections) {
        found.push(Loss::Collections {
            current: now.max_collections,
            new: collections,
        });
    }
    let current_plan = now
        .plan_type
        .and_then(|t| u8::try_from(t).ok())
        .map(PlanType);
    let new_plan = license.plan_type.map(PlanType);
    if let (Some(current), Some(new)) = (current_plan, new_plan) {
        if let (Some(from), Some(to)) = (current.tier(), new.tier()) {
            if to < from {
                let name = |plan: &Option<String>, t: PlanType| {
                    plan.clone()
                        .or_else(|| t.name().map(str::to_owned))
                        .unwrap_or_default()
                };
                found.push(Loss::Plan {
                    current: name(&now.plan, current),
                    new: name(&license.plan, new),
                });
            }
        }
    }
    for (name, on_now) in &now.features {
        let new = license
            .features
            .iter()
            .find(|(key, _)| comparable(key) == comparable(name))
            .map(|(_, on)| *on);
        if *on_now && new == Some(false) {
            found.push(Loss::Feature {
                key: comparable(name),
                label: feature_label(name),
                phrase: feature_phrase(name),
            });
        }
    }
    found
}

/// A feature switch as the catalog names it (`license.feature.useSso`: "Single sign-on"),
/// whichever way the property is spelled (`useSso`, `UseSso`, `use_sso`); a switch the
/// catalog does not know yet is the property spelled out (`useNewThing`: "New thing").
pub fn feature_phrase(name: &str) -> Phrase {
    let wanted = comparable(name);
    let known =
        messages::keys(FEATURE_KEYS).find(|key| comparable(&key[FEATURE_KEYS.len()..]) == wanted);
    if let Some(key) = known {
        return Phrase::new(key);
    }
    Phrase::new("license.feature_other").with("name", spelled_out(name))
}

const FEATURE_KEYS: &str = "license.feature.";

/// A property in words, as the page spells one it has no name for (`useNewThing`,
/// `use_new_thing` -> "New thing").
fn spelled_out(name: &str) -> String {
    let bare = name
        .strip_prefix("use")
        .or_else(|| name.strip_prefix("Use"))
        .unwrap_or(name);
    let mut words = String::new();
    let mut previous = ' ';
    for c in bare.chars() {
        if c == '_' {
            words.push(' ');
        } else {
            if c.is_ascii_uppercase()
                && (previous.is_ascii_lowercase() || previous.is_ascii_digit())
            {
                words.push(' ');
            }
            words.push(c.to_ascii_lowercase());
        }
        previous = c;
    }
    let mut chars = words.trim().chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A feature switch in plain English (`useSso` -> "Single sign-on").
pub fn feature_label(name: &str) -> String {
    feature_phrase(name).say("en")
}

/// `useSso`, `UseSso` and `use_sso` compare equal.
pub(crate) fn comparable(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn link(id: Uuid, key: Option<&str>) -> CloudLink {
        CloudLink {
            cloud_organization_id: id,
            name: Some("Acme Corp".into()),
            license_key: key.map(str::to_owned),
            source: LinkSource::BillingSync,
        }
    }

    fn license(id: Uuid, key: &str) -> OrganizationLicense {
        OrganizationLicense {
            id,
            name: Some("Acme Teams".into()),
            license_key: Some(key.into()),
            ..OrganizationLicense::default()
        }
    }

    #[test]
    fn another_cloud_organizations_license_does_not_belong() {
        let acme = Uuid::new_v4();
        let teams = Uuid::new_v4();
        let verdict = link(acme, Some("acme-key")).judge(&license(teams, "teams-key"));
        let Belonging::Another {
            license_organization,
            current_organization,
            only_the_key_differs,
            ..
        } = verdict
        else {
            panic!("{verdict:?}");
        };
        assert_eq!(
            (
                license_organization,
                current_organization,
                only_the_key_differs
            ),
            (teams, acme, false)
        );
    }

    #[test]
    fn the_same_organization_with_another_license_key_does_not_belong() {
        let acme = Uuid::new_v4();
        let verdict = link(acme, Some("acme-key")).judge(&license(acme, "other-key"));
        assert!(matches!(
            verdict,
            Belonging::Another {
                only_the_key_differs: true,
                ..
            }
        ));
    }

    #[test]
    fn the_same_organization_and_key_belongs_and_a_billing_sync_link_checks_the_id_only() {
        let acme = Uuid::new_v4();
        assert!(matches!(
            link(acme, Some("acme-key")).judge(&license(acme, "acme-key")),
            Belonging::Same { .. }
        ));
        assert!(matches!(
            link(acme, None).judge(&license(acme, "any-key")),
            Belonging::Same { .. }
        ));
        assert_eq!(Belonging::of(None, &license(acme, "k")), Belonging::Unknown);
    }

    #[test]
    fn the_link_comes_from_the_license_in_force_before_billing_sync() {
        let bytes = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "../tests/data/upstream/organization_license_fixture_version16_licversion15.json",
        ));
        let Ok(bytes) = bytes else {
            panic!("upstream vector missing");
        };
        let copy = ReplacedCopy {
            source: "server.json".into(),
            from_server: true,
            bytes,
        };
        let from_file = CloudLink::find(Some(&copy), Some(Uuid::new_v4())).unwrap();
        assert!(matches!(from_file.source, LinkSource::ServerFile { .. }));
        assert_ne!(from_file.cloud_organization_id, Uuid::nil());
        let other = Uuid::new_v4();
        let unreadable = ReplacedCopy {
            bytes: b"{".to_vec(),
            ..copy
        };
        let from_sync = CloudLink::find(Some(&unreadable), Some(other)).unwrap();
        assert_eq!(
            (from_sync.cloud_organization_id, from_sync.source),
            (other, LinkSource::BillingSync)
        );
        assert!(CloudLink::find(None, None).is_none());
    }

    #[test]
    fn fewer_seats_a_lower_plan_and_a_lost_feature_are_losses() {
        let now = Subscription {
            name: Some("Acme Corp".into()),
            plan: Some("Enterprise (Annually)".into()),
            plan_type: Some(20),
            seats: Some(50),
            max_collections: None,
            sm_seats: None,
            sm_service_accounts: None,
            self_host: None,
            expiration: None,
            expiration_without_grace: None,
            features: BTreeMap::from([
                ("useSso".to_owned(), true),
                ("useGroups".to_owned(), true),
                ("useTotp".to_owned(), false),
            ]),
        };
        let new = LicenseSummary {
            plan: Some("Teams (Annually)".into()),
            plan_type: Some(18),
            seats: Some(10),
            features: BTreeMap::from([
                ("use_sso".to_owned(), false),
                ("use_groups".to_owned(), true),
                ("use_totp".to_owned(), false),
            ]),
            ..LicenseSummary::default()
        };
        let described: Vec<String> = losses(&now, &new).iter().map(Loss::describe).collect();
        assert_eq!(
            described,
            [
                "Seats 50 -> 10",
                "Plan Enterprise (Annually) -> Teams (Annually)",
                "Loses: Single sign-on"
            ]
        );
    }

    #[test]
    fn a_feature_reads_from_the_catalog_however_the_property_is_spelled() {
        for name in ["useSso", "UseSso", "use_sso"] {
            let phrase = feature_phrase(name);
            assert_eq!(phrase.key, "license.feature.useSso");
            assert_eq!(phrase.say("en"), "Single sign-on");
            assert_eq!(phrase.say("zh-CN"), "单点登录（SSO）");
        }
        assert_eq!(
            feature_label("limit_collection_creation_deletion"),
            "Limit collection creation and deletion"
        );
        for name in ["useNewThing", "UseNewThing", "use_new_thing"] {
            assert_eq!(feature_phrase(name).say("zh-CN"), "New thing", "{name}");
        }
    }

    #[test]
    fn more_seats_and_the_same_plan_lose_nothing() {
        let now = Subscription {
            name: None,
            plan: None,
            plan_type: Some(20),
            seats: Some(50),
            max_collections: Some(10),
            sm_seats: None,
            sm_service_accounts: None,
            self_host: None,
            expiration: None,
            expiration_without_grace: None,
            features: BTreeMap::from([("useSso".to_owned(), true)]),
        };
        let new = LicenseSummary {
            plan_type: Some(15),
            seats: Some(60),
            max_collections: None,
            features: BTreeMap::from([("use_sso".to_owned(), true)]),
            ..LicenseSummary::default()
        };
        assert_eq!(losses(&now, &new), []);
    }
}
