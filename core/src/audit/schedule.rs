//! When the server's background validation runs next (`JobsHostedService`): Quartz crons in
//! the server's time zone, which is UTC in Bitwarden's containers. A prediction is made for
//! that moment, because the job compares `Issued`/`Expires` with its own clock.

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use serde::Serialize;

/// One of the two license jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// `ValidateOrganizationsJob`, cron `0 30 */12 * * ?` (00:30 and 12:30).
    Organizations,
    /// `ValidateUsersJob`, cron `0 0 */6 * * ?` (00:00, 06:00, 12:00, 18:00).
    Users,
}

impl Job {
    /// The job's Quartz cron expression, as the server schedules it.
    pub fn cron(self) -> &'static str {
        match self {
            Job::Organizations => "0 30 */12 * * ?",
            Job::Users => "0 0 */6 * * ?",
        }
    }

    /// (every how many hours from midnight, at which minute).
    fn every(self) -> (u32, u32) {
        match self {
            Job::Organizations => (12, 30),
            Job::Users => (6, 0),
        }
    }

    /// The first run strictly after `now`, as Quartz's next fire time.
    pub fn next_run(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let (step, minute) = self.every();
        let midnight = now.date_naive().and_time(NaiveTime::MIN).and_utc();
        (0..=24 / step)
            .map(|i| {
                midnight + Duration::hours(i64::from(i * step)) + Duration::minutes(minute.into())
            })
            .find(|run| *run > now)
            .unwrap_or_else(|| midnight + Duration::days(1) + Duration::minutes(minute.into()))
            .with_nanosecond(0)
            .unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn organizations_are_validated_at_half_past_midnight_and_noon() {
        let job = Job::Organizations;
        assert_eq!(
            job.next_run(at("2026-12-05T08:00:00Z")),
            at("2026-12-05T12:30:00Z")
        );
        assert_eq!(
            job.next_run(at("2026-12-05T00:10:00Z")),
            at("2026-12-05T00:30:00Z")
        );
        assert_eq!(
            job.next_run(at("2026-12-05T12:30:00Z")),
            at("2026-12-06T00:30:00Z")
        );
        assert_eq!(
            job.next_run(at("2026-12-31T23:59:59Z")),
            at("2027-01-01T00:30:00Z")
        );
    }

    #[test]
    fn premium_users_are_validated_every_six_hours_on_the_hour() {
        let job = Job::Users;
        assert_eq!(
            job.next_run(at("2026-12-05T08:00:00Z")),
            at("2026-12-05T12:00:00Z")
        );
        assert_eq!(
            job.next_run(at("2026-12-05T18:00:00.5Z")),
            at("2026-12-06T00:00:00Z")
        );
        assert_eq!(
            job.next_run(at("2026-12-05T05:59:59Z")),
            at("2026-12-05T06:00:00Z")
        );
    }
}
