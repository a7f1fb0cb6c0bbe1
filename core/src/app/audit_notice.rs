//! The warning before the server's license job runs: which organization or premium user it
//! will disable (or fail on), with the server's own text and the one action that prevents
//! it, in the app's language. Raised by the check that runs ahead of each run.

use chrono::{DateTime, Duration, Utc};

use super::alerts::Notice;
use super::dashboard::{NextCheck, Row};
use crate::audit::{Action, Outcome};
use crate::messages::text;

/// How long before a run the warning is raised.
pub const WARN_BEFORE_RUN_MINUTES: i64 = 60;

/// When the check ahead of the next run is due: an hour before the earliest run any row
/// waits for, or, when that hour has begun, just after the run (to learn the one after);
/// `None` when no server's files were read.
pub fn check_before_next_run(rows: &[Row], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    rows.iter()
        .filter_map(|r| r.next_check.as_ref())
        .map(|c| {
            let warn = c.at - Duration::minutes(WARN_BEFORE_RUN_MINUTES);
            if warn > now {
                warn
            } else {
                c.at + Duration::minutes(1)
            }
        })
        .filter(|at| *at > now)
        .min()
}

/// The warning for one row, when the next run will disable it or fail on its file: a key
/// (the row and the run, so each run warns once) and the notice.
pub fn warning(row: &Row, language: &str) -> Option<(String, Notice)> {
    let check = row.next_check.as_ref()?;
    let key = format!(
        "{}|{}|{}",
        row.instance_id,
        row.org_id
            .map_or_else(|| row.name.clone(), |id| id.to_string()),
        check.at.timestamp()
    );
    let notice = notice(&row.name, &row.instance_name, check, language)?;
    Some((key, notice))
}

fn notice(name: &str, instance: &str, check: &NextCheck, language: &str) -> Option<Notice> {
    let at = check.at.format("%H:%M UTC").to_string();
    let action = check
        .action
        .as_ref()
        .map(|a| action(a, language))
        .unwrap_or_default();
    let key = match check.outcome {
        Outcome::JobFails => "notice.jobFails",
        Outcome::Disabled => "notice.disabled",
        _ => return None,
    };
    let values = [
        ("name", name),
        ("at", &at),
        ("instance", instance),
        ("action", &action),
        ("text", check.server_text.unwrap_or_default()),
    ];
    Some(Notice {
        title: text(language, &format!("{key}.title"), &values),
        body: text(language, &format!("{key}.body"), &values),
    })
}

fn action(action: &Action, language: &str) -> String {
    let key = match action {
        Action::UploadLicenseForInstallation { installation_id } => {
            let installation = installation_id.map_or_else(
                || text(language, "notice.action.thisServer", &[]),
                |id| id.to_string(),
            );
            return text(
                language,
                "notice.action.uploadForInstallation",
                &[("installation", &installation)],
            );
        }
        Action::Reupload => "notice.action.reupload",
        Action::Renew => "notice.action.renew",
        Action::UploadPremiumLicense => "notice.action.uploadPremium",
        Action::ResolveDuplicate { .. } => "notice.action.resolveDuplicate",
    };
    text(language, key, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::dashboard::{blank_row, RowKind};
    use uuid::Uuid;

    fn at(time: &str) -> DateTime<Utc> {
        time.parse().unwrap()
    }

    fn acme(check: NextCheck) -> Row {
        let office = crate::app::Instance {
            id: "office".into(),
            name: "Office vault".into(),
            url: "https://vault.example.org".into(),
            ca_file: None,
            installation: None,
            renew_automatically: Vec::new(),
        };
        let mut row = blank_row(&office, RowKind::Organization);
        row.name = "Acme Corp".into();
        row.org_id = Some(Uuid::from_u128(1));
        row.next_check = Some(check);
        row
    }

    fn disabled() -> NextCheck {
        NextCheck {
            at: at("2026-12-06T12:30:00Z"),
            outcome: Outcome::Disabled,
            server_text: Some("Invalid data."),
            action: Some(Action::UploadLicenseForInstallation {
                installation_id: Some(Uuid::from_u128(0x123)),
            }),
        }
    }

    #[test]
    fn a_file_for_another_installation_is_warned_of_with_the_run_time_and_the_fix() {
        let (key, en) = warning(&acme(disabled()), "en").unwrap();
        assert_eq!(key, format!("office|{}|1796560200", Uuid::from_u128(1)));
        assert_eq!(en.title, "Acme Corp will be disabled at 12:30 UTC");
        assert!(en.body.starts_with(
            "Office vault: the server's license check will say \"Invalid data.\". Upload the license made for installation 00000000-0000-0000-0000-000000000123"
        ), "{}", en.body);
        let (_, zh) = warning(&acme(disabled()), "zh-CN").unwrap();
        assert_eq!(zh.title, "Acme Corp 将在 12:30 UTC 被停用");
        assert!(zh.body.contains("“Invalid data.”"), "{}", zh.body);
    }

    #[test]
    fn a_fine_row_is_not_warned_of_and_the_check_comes_before_then_after_the_run() {
        let fine = acme(NextCheck {
            outcome: Outcome::StaysEnabled,
            server_text: None,
            action: None,
            ..disabled()
        });
        assert!(warning(&fine, "en").is_none());
        let rows = [fine];
        assert_eq!(
            check_before_next_run(&rows, at("2026-12-06T11:00:00Z")),
            Some(at("2026-12-06T11:30:00Z"))
        );
        assert_eq!(
            check_before_next_run(&rows, at("2026-12-06T11:30:00Z")),
            Some(at("2026-12-06T12:31:00Z")),
            "warned already: next, just after the run"
        );
        assert_eq!(check_before_next_run(&[], at("2026-12-06T12:00:00Z")), None);
    }
}
