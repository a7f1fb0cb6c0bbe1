//! The warning before the server's license job runs: which organization or premium user it
//! will disable (or fail on), with the server's own text and the one action that prevents
//! it, in the app's language. Raised by the check that runs ahead of each run.

use chrono::{DateTime, Duration, Utc};

use super::alerts::Notice;
use super::dashboard::{NextCheck, Row};
use crate::audit::{Action, Outcome};

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
    let notice = notice(
        &row.name,
        &row.instance_name,
        check,
        language.starts_with("zh"),
    )?;
    Some((key, notice))
}

fn notice(name: &str, instance: &str, check: &NextCheck, zh: bool) -> Option<Notice> {
    let at = check.at.format("%H:%M UTC");
    let action = check
        .action
        .as_ref()
        .map(|a| action(a, zh))
        .unwrap_or_default();
    let text = check.server_text.unwrap_or_default();
    Some(match (check.outcome, zh) {
        (Outcome::JobFails, false) => Notice {
            title: format!("{name}: the license check at {at} will fail"),
            body: format!("{instance}: the server cannot read its license file. {action}"),
        },
        (Outcome::JobFails, true) => Notice {
            title: format!("{name}：{at} 的许可证检查将失败"),
            body: format!("{instance}：服务器无法读取其许可证文件。{action}"),
        },
        (Outcome::Disabled, false) => Notice {
            title: format!("{name} will be disabled at {at}"),
            body: format!("{instance}: the server's license check will say \"{text}\". {action}"),
        },
        (Outcome::Disabled, true) => Notice {
            title: format!("{name} 将在 {at} 被停用"),
            body: format!("{instance}：服务器的许可证检查将报告“{text}”。{action}"),
        },
        _ => return None,
    })
}

fn action(action: &Action, zh: bool) -> String {
    match (action, zh) {
        (Action::UploadLicenseForInstallation { installation_id }, false) => format!(
            "Upload the license made for installation {} before then.",
            installation_id.map_or_else(|| "of this server".to_owned(), |id| id.to_string())
        ),
        (Action::UploadLicenseForInstallation { installation_id }, true) => format!(
            "请在此之前上传为安装 {} 生成的许可证。",
            installation_id.map_or_else(|| "（本服务器）".to_owned(), |id| id.to_string())
        ),
        (Action::Reupload, false) => {
            "Upload the license again before then, so the server writes a fresh file.".into()
        }
        (Action::Reupload, true) => "请在此之前重新上传许可证，让服务器写入新文件。".into(),
        (Action::Renew, false) => {
            "Renew the subscription, then download and upload the new license.".into()
        }
        (Action::Renew, true) => "请续订，然后下载并上传新的许可证。".into(),
        (Action::UploadPremiumLicense, false) => {
            "Upload the premium license from the account's Settings > Subscription page.".into()
        }
        (Action::UploadPremiumLicense, true) => {
            "请在账户的“设置 > 订阅”页面上传高级版许可证。".into()
        }
        (Action::ResolveDuplicate { .. }, false) => {
            "Disable or delete the other organizations that use this license.".into()
        }
        (Action::ResolveDuplicate { .. }, true) => "请停用或删除使用同一许可证的其他组织。".into(),
    }
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
