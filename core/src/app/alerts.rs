//! Reminders before a license lapses: a desktop notification 30, 14, 7 and 1 days before a
//! license's renewal date (`ExpirationWithoutGracePeriod`) and before its grace period ends
//! (`Expires`, renewal + 60 days for annual plans; contract §6), each sent once, and one on
//! every failed billing sync. Bitwarden itself gives no warning before it disables an
//! organization (the 12-hourly job, contract §6), and calendar reminders were found not to
//! be reliable by admins, hence these.
//!
//! Everything here is pure: the shell passes the licenses, the time and the alerts already
//! sent (kept in [`ALERTS_FILE`] in the config folder), and gets back what to show.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::files::{self, Access};
use crate::messages::text;

/// Days before a deadline at which a reminder is due, most distant first.
pub const REMINDER_DAYS: [i64; 4] = [30, 14, 7, 1];

/// File in the config folder remembering which reminders were already shown.
pub const ALERTS_FILE: &str = "alerts.json";

/// How often the licenses are checked in the background.
pub const CHECK_EVERY: TimeDelta = TimeDelta::days(1);

/// The two dates that matter for one license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseDates {
    /// Stable identity of the license (instance and organization ids), for the sent record.
    pub key: String,
    /// What the person calls it: "Acme Corp (Office vault)".
    pub name: String,
    /// The renewal date: `ExpirationWithoutGracePeriod`.
    pub renewal: Option<DateTime<Utc>>,
    /// When the grace period ends and the server disables the organization: `Expires`.
    pub grace_end: Option<DateTime<Utc>>,
}

/// Which date a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Deadline {
    Renewal,
    GraceEnd,
}

/// One reminder to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub license: String,
    pub deadline: Deadline,
    pub date: DateTime<Utc>,
    /// Whole days left (0 when less than a day is left).
    pub days_left: i64,
}

/// A reminder already shown; kept until its date has passed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SentAlert {
    license: String,
    deadline: Deadline,
    date: NaiveDate,
    days: i64,
}

/// Which reminders were shown, and when the licenses were last checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SentAlerts {
    sent: BTreeSet<SentAlert>,
    pub last_check: Option<DateTime<Utc>>,
    /// Warnings before a run of the server's license job, by key, with the run's time.
    warned: BTreeMap<String, DateTime<Utc>>,
}

impl SentAlerts {
    /// Reads the record from `config_dir`. A missing or unreadable file means nothing was
    /// sent yet: at worst a reminder is shown twice, never skipped.
    pub fn load(config_dir: &Path) -> SentAlerts {
        fs::read_to_string(config_dir.join(ALERTS_FILE))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the record atomically (temporary file, then rename).
    pub fn save(&self, config_dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_string_pretty(self).expect("alerts always serialise");
        fs::create_dir_all(config_dir)?;
        files::write_atomic(
            &config_dir.join(ALERTS_FILE),
            json.as_bytes(),
            Access::Default,
        )
    }

    /// Records a warning before the run at `run`; false when it was already given. Runs
    /// that have passed are forgotten.
    pub fn warn_once(&mut self, key: String, run: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.warned.retain(|_, at| *at >= now);
        self.warned.insert(key, run).is_none()
    }

    /// When the next background check is due: a day after the last one, or now.
    pub fn next_check(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.last_check
            .map_or(now, |last| (last + CHECK_EVERY).max(now))
    }
}

/// The reminders due now, recorded in `sent` so none is shown twice. When several
/// thresholds were crossed while the app was not running (30 and 14 days), only the most
/// urgent is shown and the others are recorded as shown. Deadlines already passed get no
/// reminder (the dashboard shows them), and records of passed deadlines are dropped.
pub fn due(licenses: &[LicenseDates], now: DateTime<Utc>, sent: &mut SentAlerts) -> Vec<Alert> {
    sent.sent.retain(|s| s.date >= now.date_naive());
    let mut alerts = Vec::new();
    for license in licenses {
        let deadlines = [
            (Deadline::Renewal, license.renewal),
            (Deadline::GraceEnd, license.grace_end),
        ];
        for (deadline, date) in deadlines {
            let Some(date) = date.filter(|d| *d > now) else {
                continue;
            };
            let days_left = (date - now).num_days();
            let crossed: Vec<i64> = REMINDER_DAYS
                .into_iter()
                .filter(|&d| days_left <= d)
                .collect();
            let Some(&most_urgent) = crossed.last() else {
                continue;
            };
            let record = |days| SentAlert {
                license: license.key.clone(),
                deadline,
                date: date.date_naive(),
                days,
            };
            if !sent.sent.contains(&record(most_urgent)) {
                alerts.push(Alert {
                    license: license.name.clone(),
                    deadline,
                    date,
                    days_left,
                });
            }
            sent.sent.extend(crossed.into_iter().map(record));
        }
    }
    alerts
}

/// A notification's title and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

impl Alert {
    /// The notification text in `language` (`en` or `zh-CN`).
    pub fn notice(&self, language: &str) -> Notice {
        let day = self.date.format("%Y-%m-%d").to_string();
        let days = self.days_left.to_string();
        let when = match self.days_left {
            0 => text(language, "notice.when.lessThanADay", &[]),
            1 => text(language, "notice.when.oneDay", &[]),
            _ => text(language, "notice.when.days", &[("days", &days)]),
        };
        let key = match self.deadline {
            Deadline::Renewal => "notice.renewal",
            Deadline::GraceEnd => "notice.graceEnd",
        };
        Notice {
            title: text(
                language,
                &format!("{key}.title"),
                &[("license", &self.license), ("when", &when)],
            ),
            body: text(language, &format!("{key}.body"), &[("day", &day)]),
        }
    }
}

/// The notification of a failed billing sync.
pub fn sync_failed_notice(organization: &str, problem: &Problem, language: &str) -> Notice {
    Notice {
        title: text(
            language,
            "notice.syncFailed.title",
            &[("organization", organization)],
        ),
        body: format!("{} {}", problem.message, problem.advice),
    }
}

/// The notification of a successful billing sync.
pub fn synced_notice(organization: &str, expires: Option<DateTime<Utc>>, language: &str) -> Notice {
    let body = match expires {
        Some(day) => text(
            language,
            "notice.synced.bodyUntil",
            &[("day", &day.format("%Y-%m-%d").to_string())],
        ),
        None => text(language, "notice.synced.body", &[]),
    };
    Notice {
        title: text(
            language,
            "notice.synced.title",
            &[("organization", organization)],
        ),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
    }

    /// Renewal on 2026-07-31, grace (60 days) ends 2026-09-29.
    fn acme() -> LicenseDates {
        LicenseDates {
            key: "office|acme".into(),
            name: "Acme Corp".into(),
            renewal: Some(at(2026, 7, 31)),
            grace_end: Some(at(2026, 9, 29)),
        }
    }

    fn deadlines(alerts: &[Alert]) -> Vec<(Deadline, i64)> {
        alerts.iter().map(|a| (a.deadline, a.days_left)).collect()
    }

    #[test]
    fn nothing_is_due_more_than_thirty_days_ahead() {
        let mut sent = SentAlerts::default();
        assert!(due(&[acme()], at(2026, 6, 30), &mut sent).is_empty());
        let month = due(&[acme()], at(2026, 7, 1), &mut sent);
        assert_eq!(deadlines(&month), [(Deadline::Renewal, 30)]);
    }

    #[test]
    fn each_threshold_alerts_once() {
        let mut sent = SentAlerts::default();
        let first = due(&[acme()], at(2026, 7, 2), &mut sent);
        assert_eq!(deadlines(&first), [(Deadline::Renewal, 29)]);
        assert!(due(&[acme()], at(2026, 7, 2), &mut sent).is_empty());
        assert!(due(&[acme()], at(2026, 7, 10), &mut sent).is_empty());
        let fortnight = due(&[acme()], at(2026, 7, 18), &mut sent);
        assert_eq!(deadlines(&fortnight), [(Deadline::Renewal, 13)]);
        assert_eq!(
            deadlines(&due(&[acme()], at(2026, 7, 25), &mut sent)),
            [(Deadline::Renewal, 6)]
        );
        let last = due(&[acme()], at(2026, 7, 30), &mut sent);
        assert_eq!(deadlines(&last), [(Deadline::Renewal, 1)]);
        let eve = at(2026, 7, 30) + TimeDelta::hours(12);
        assert!(due(&[acme()], eve, &mut sent).is_empty());
    }

    #[test]
    fn missed_thresholds_give_only_the_most_urgent_reminder() {
        let mut sent = SentAlerts::default();
        let late = due(&[acme()], at(2026, 7, 26), &mut sent);
        assert_eq!(deadlines(&late), [(Deadline::Renewal, 5)]);
        assert!(due(&[acme()], at(2026, 7, 27), &mut sent).is_empty());
    }

    #[test]
    fn grace_end_has_its_own_reminders_after_the_renewal_date() {
        let mut sent = SentAlerts::default();
        assert!(due(&[acme()], at(2026, 8, 5), &mut sent).is_empty());
        let grace = due(&[acme()], at(2026, 8, 31), &mut sent);
        assert_eq!(deadlines(&grace), [(Deadline::GraceEnd, 29)]);
        assert!(due(&[acme()], at(2026, 10, 1), &mut sent).is_empty());
    }

    #[test]
    fn a_renewed_license_is_reminded_again_for_its_new_date() {
        let mut sent = SentAlerts::default();
        due(&[acme()], at(2026, 7, 30), &mut sent);
        let mut renewed = acme();
        renewed.renewal = Some(at(2027, 7, 31));
        renewed.grace_end = Some(at(2027, 9, 29));
        assert_eq!(due(&[renewed], at(2027, 7, 2), &mut sent).len(), 1);
        assert!(
            sent.sent
                .iter()
                .all(|s| s.date.to_string().starts_with("2027")),
            "records of passed dates are dropped: {:?}",
            sent.sent
        );
    }

    #[test]
    fn the_sent_record_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let mut sent = SentAlerts::default();
        due(&[acme()], at(2026, 7, 2), &mut sent);
        sent.last_check = Some(at(2026, 7, 2));
        sent.save(dir.path()).unwrap();

        let mut again = SentAlerts::load(dir.path());
        assert_eq!(again, sent);
        assert!(due(&[acme()], at(2026, 7, 3), &mut again).is_empty());
        assert_eq!(again.next_check(at(2026, 7, 2)), at(2026, 7, 3));
        assert_eq!(again.next_check(at(2026, 7, 9)), at(2026, 7, 9));
        assert_eq!(
            SentAlerts::default().next_check(at(2026, 7, 9)),
            at(2026, 7, 9)
        );
    }

    #[test]
    fn a_broken_record_means_nothing_was_sent() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(ALERTS_FILE), "{ broken").unwrap();
        assert_eq!(SentAlerts::load(dir.path()), SentAlerts::default());
    }

    #[test]
    fn notices_name_the_license_the_date_and_the_time_left() {
        let mut sent = SentAlerts::default();
        let alert = due(&[acme()], at(2026, 7, 25), &mut sent).remove(0);
        let en = alert.notice("en");
        assert_eq!(en.title, "Acme Corp renews in 6 days");
        assert!(en.body.contains("2026-07-31"));
        let zh = alert.notice("zh-CN");
        assert!(zh.title.contains("6 天后") && zh.body.contains("2026-07-31"));

        let problem = Problem::new(
            "sync_failed",
            "Cloud communication is disabled in global settings",
            "Turn it on.",
        );
        let failed = sync_failed_notice("Acme Corp", &problem, "en");
        assert_eq!(failed.title, "Billing sync of Acme Corp failed");
        assert!(failed.body.contains("disabled") && failed.body.contains("Turn it on."));
    }
}
