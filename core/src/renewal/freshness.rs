//! Whether the cloud's license is worth applying: it lasts longer, grants other seats or
//! features, or its token outlives one that is about to die. Pure, so every rule is tested
//! with fixed dates.
//!
//! The server's own answers are the reference for an organization (what it runs on now);
//! the copy of the license in force adds what no answer shows, the token's lifetime
//! (contract §6: the JWT dies a year after issue, which can be before an annual license's
//! Expires).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::bitwarden::{feature_label, Subscription};
use crate::license::Inspection;
use crate::messages::text;

/// A token that dies within this many days is renewed even when nothing else changed.
pub const TOKEN_RENEWAL_DAYS: i64 = 60;

/// What a license grants, as far as renewal compares it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    pub expires: Option<DateTime<Utc>>,
    pub token_expires: Option<DateTime<Utc>>,
    pub seats: Option<i64>,
    pub max_collections: Option<i64>,
    pub plan_type: Option<i64>,
    pub plan: Option<String>,
    /// Feature switches by the license's names (`use_sso`).
    pub features: BTreeMap<String, bool>,
}

impl Terms {
    /// The terms an inspected license grants (its token's claims where it has one).
    pub fn of(inspection: &Inspection) -> Terms {
        let l = &inspection.license;
        Terms {
            expires: inspection.dates.expires,
            token_expires: inspection.dates.token_expires,
            seats: l.seats.map(i64::from),
            max_collections: l.max_collections.map(i64::from),
            plan_type: l.plan_type.map(i64::from),
            plan: l
                .plan
                .clone()
                .or_else(|| l.plan_type_name.map(str::to_owned)),
            features: l.features.clone(),
        }
    }
}

/// What the cloud's license changes, each reason on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    LaterExpiry {
        current: Option<DateTime<Utc>>,
        new: DateTime<Utc>,
    },
    Seats {
        current: Option<i64>,
        new: Option<i64>,
    },
    Collections {
        current: Option<i64>,
        new: Option<i64>,
    },
    Plan {
        current: Option<String>,
        new: Option<String>,
    },
    Feature {
        label: String,
        on: bool,
    },
    /// The token of the license in force dies soon; the new one's lives longer.
    TokenExpires {
        current: DateTime<Utc>,
        new: Option<DateTime<Utc>>,
    },
    /// The account has no premium on the server yet.
    NotPremium,
    /// Nothing here shows the premium license in force, so it cannot be compared.
    NoCopyInForce,
}

impl Reason {
    /// The reason in `language` (`en` or `zh-CN`), from the app's catalogs.
    pub fn describe(&self, language: &str) -> String {
        let count = |n: &Option<i64>| {
            n.map_or_else(
                || text(language, "renewal.count.unlimited", &[]),
                |n| n.to_string(),
            )
        };
        let pair = |key: &str, current: &str, new: &str| {
            text(language, key, &[("current", current), ("new", new)])
        };
        match self {
            Reason::LaterExpiry { current, new } => pair(
                "renewal.reason.laterExpiry",
                &day(current),
                &day(&Some(*new)),
            ),
            Reason::Seats { current, new } => {
                pair("renewal.reason.seats", &count(current), &count(new))
            }
            Reason::Collections { current, new } => {
                pair("renewal.reason.collections", &count(current), &count(new))
            }
            Reason::Plan { current, new } => pair(
                "renewal.reason.plan",
                current.as_deref().unwrap_or("-"),
                new.as_deref().unwrap_or("-"),
            ),
            Reason::Feature { label, on } => {
                let key = if *on {
                    "renewal.reason.featureOn"
                } else {
                    "renewal.reason.featureOff"
                };
                text(language, key, &[("label", label)])
            }
            Reason::TokenExpires { current, new } => pair(
                "renewal.reason.tokenExpires",
                &current.format("%Y-%m-%d").to_string(),
                &day(new),
            ),
            Reason::NotPremium => text(language, "renewal.reason.notPremium", &[]),
            Reason::NoCopyInForce => text(language, "renewal.reason.noCopyInForce", &[]),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe("en"))
    }
}

fn day(t: &Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d").to_string())
}

/// How the cloud's license compares with what the server runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Freshness {
    /// Worth applying, for these reasons.
    Newer { reasons: Vec<Reason> },
    /// Nothing would change.
    Same,
    /// It would end the license sooner: a lapsed or shortened subscription needs a person.
    Earlier {
        current: DateTime<Utc>,
        new: DateTime<Utc>,
    },
}

/// An organization's license from the cloud (`new`) against its subscription on the
/// server and, when a copy is here, the license in force.
pub fn of_organization(
    server: &Subscription,
    in_force: Option<&Terms>,
    new: &Terms,
    now: DateTime<Utc>,
) -> Freshness {
    let current_expiry = server
        .expiration
        .or_else(|| in_force.and_then(|i| i.expires));
    if let (Some(current), Some(new)) = (current_expiry, new.expires) {
        if whole_seconds(new) < whole_seconds(current) {
            return Freshness::Earlier { current, new };
        }
    }
    let mut reasons = Vec::new();
    if let Some(expires) = new.expires {
        if current_expiry.is_none_or(|c| whole_seconds(expires) > whole_seconds(c)) {
            reasons.push(Reason::LaterExpiry {
                current: current_expiry,
                new: expires,
            });
        }
    }
    if server.seats != new.seats {
        reasons.push(Reason::Seats {
            current: server.seats,
            new: new.seats,
        });
    }
    if server.max_collections != new.max_collections {
        reasons.push(Reason::Collections {
            current: server.max_collections,
            new: new.max_collections,
        });
    }
    if new.plan_type.is_some() && server.plan_type != new.plan_type {
        reasons.push(Reason::Plan {
            current: server.plan.clone(),
            new: new.plan.clone(),
        });
    }
    reasons.extend(feature_changes(&server.features, &new.features));
    reasons.extend(token_dying(in_force, new, now));
    verdict(reasons)
}

/// A premium license from the cloud against the account on the server and, when a copy is
/// here, the license in force. The server shows no premium dates, so without a copy the
/// cloud's license is applied.
pub fn of_premium(
    premium_now: bool,
    in_force: Option<&Terms>,
    new: &Terms,
    now: DateTime<Utc>,
) -> Freshness {
    if !premium_now {
        return Freshness::Newer {
            reasons: vec![Reason::NotPremium],
        };
    }
    let Some(in_force) = in_force else {
        return Freshness::Newer {
            reasons: vec![Reason::NoCopyInForce],
        };
    };
    let mut reasons = Vec::new();
    match (in_force.expires, new.expires) {
        (Some(current), Some(new)) if whole_seconds(new) < whole_seconds(current) => {
            return Freshness::Earlier { current, new };
        }
        (current, Some(new)) if current.is_none_or(|c| whole_seconds(new) > whole_seconds(c)) => {
            reasons.push(Reason::LaterExpiry { current, new });
        }
        _ => {}
    }
    reasons.extend(token_dying(Some(in_force), new, now));
    verdict(reasons)
}

fn verdict(reasons: Vec<Reason>) -> Freshness {
    if reasons.is_empty() {
        Freshness::Same
    } else {
        Freshness::Newer { reasons }
    }
}

/// Features the server reports that the new license switches the other way. Names are
/// compared as the server and the license spell them (`useSso`, `use_sso`).
fn feature_changes(server: &BTreeMap<String, bool>, new: &BTreeMap<String, bool>) -> Vec<Reason> {
    let key = |name: &str| name.replace('_', "").to_ascii_lowercase();
    new.iter()
        .filter_map(|(name, on)| {
            let now = server
                .iter()
                .find(|(k, _)| key(k) == key(name))
                .map(|(_, v)| *v)?;
            (now != *on).then(|| Reason::Feature {
                label: feature_label(name),
                on: *on,
            })
        })
        .collect()
}

fn token_dying(in_force: Option<&Terms>, new: &Terms, now: DateTime<Utc>) -> Vec<Reason> {
    let Some(current) = in_force.and_then(|i| i.token_expires) else {
        return Vec::new();
    };
    let new_token = new.token_expires;
    let soon = current - now < Duration::days(TOKEN_RENEWAL_DAYS);
    let outlives = new_token.is_some_and(|n| n > current);
    if soon && outlives {
        vec![Reason::TokenExpires {
            current,
            new: new_token,
        }]
    } else {
        Vec::new()
    }
}

/// Server answers and license fields round dates differently below a second.
fn whole_seconds(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: &str) -> DateTime<Utc> {
        format!("{day}T00:00:00Z").parse().unwrap()
    }

    fn server(expires: &str, seats: i64) -> Subscription {
        Subscription {
            name: Some("Acme Family".into()),
            plan: Some("Families".into()),
            plan_type: Some(19),
            seats: Some(seats),
            max_collections: None,
            sm_seats: None,
            sm_service_accounts: None,
            self_host: Some(true),
            expiration: Some(at(expires)),
            expiration_without_grace: None,
            features: BTreeMap::from([("useTotp".to_owned(), true)]),
        }
    }

    fn license(expires: &str, seats: i64, token_expires: Option<&str>) -> Terms {
        Terms {
            expires: Some(at(expires)),
            token_expires: token_expires.map(at),
            seats: Some(seats),
            max_collections: None,
            plan_type: Some(19),
            plan: Some("Families".into()),
            features: BTreeMap::from([("use_totp".to_owned(), true)]),
        }
    }

    #[test]
    fn the_same_license_again_is_not_newer() {
        let now = at("2026-12-01");
        let verdict = of_organization(
            &server("2027-06-01", 6),
            None,
            &license("2027-06-01", 6, None),
            now,
        );
        assert_eq!(verdict, Freshness::Same);
    }

    #[test]
    fn a_later_expiry_and_more_seats_are_both_reasons() {
        let verdict = of_organization(
            &server("2027-06-01", 6),
            None,
            &license("2028-06-01", 8, None),
            at("2026-12-01"),
        );
        let Freshness::Newer { reasons } = verdict else {
            panic!("{verdict:?}")
        };
        assert_eq!(
            reasons.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["expires 2027-06-01 -> 2028-06-01", "seats 6 -> 8"]
        );
    }

    #[test]
    fn a_license_that_ends_sooner_is_never_newer_even_with_more_seats() {
        let verdict = of_organization(
            &server("2027-06-01", 6),
            None,
            &license("2027-01-01", 8, None),
            at("2026-12-01"),
        );
        assert!(matches!(verdict, Freshness::Earlier { .. }), "{verdict:?}");
    }

    #[test]
    fn a_feature_switched_in_the_cloud_is_a_reason() {
        let mut new = license("2027-06-01", 6, None);
        new.features.insert("use_totp".into(), false);
        let verdict = of_organization(&server("2027-06-01", 6), None, &new, at("2026-12-01"));
        let Freshness::Newer { reasons } = verdict else {
            panic!("{verdict:?}")
        };
        assert!(matches!(&reasons[..], [Reason::Feature { on: false, .. }]));
    }

    #[test]
    fn a_token_dying_within_sixty_days_is_renewed_when_the_new_one_outlives_it() {
        let now = at("2026-12-01");
        let in_force = license("2027-06-01", 6, Some("2027-01-15"));
        let dying = of_organization(
            &server("2027-06-01", 6),
            Some(&in_force),
            &license("2027-06-01", 6, Some("2027-12-01")),
            now,
        );
        assert!(matches!(dying, Freshness::Newer { .. }), "{dying:?}");
        let far = license("2027-06-01", 6, Some("2027-11-15"));
        let not_yet = of_organization(
            &server("2027-06-01", 6),
            Some(&far),
            &license("2027-06-01", 6, Some("2027-12-01")),
            now,
        );
        assert_eq!(not_yet, Freshness::Same);
    }

    #[test]
    fn sub_second_differences_between_the_server_and_the_file_are_the_same_date() {
        let mut sub = server("2027-06-01", 6);
        sub.expiration = Some(at("2027-06-01") + Duration::milliseconds(400));
        let verdict = of_organization(
            &sub,
            None,
            &license("2027-06-01", 6, None),
            at("2026-12-01"),
        );
        assert_eq!(verdict, Freshness::Same);
    }

    #[test]
    fn premium_without_a_copy_in_force_is_applied_and_with_one_compared() {
        let now = at("2026-12-01");
        let new = license("2027-06-01", 0, None);
        assert!(matches!(
            of_premium(true, None, &new, now),
            Freshness::Newer { ref reasons } if reasons == &[Reason::NoCopyInForce]
        ));
        assert!(matches!(
            of_premium(false, None, &new, now),
            Freshness::Newer { ref reasons } if reasons == &[Reason::NotPremium]
        ));
        let same = license("2027-06-01", 0, None);
        assert_eq!(of_premium(true, Some(&same), &new, now), Freshness::Same);
    }
}
