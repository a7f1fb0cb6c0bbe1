//! The warning before the server's license job runs: which organization or premium user it
//! will disable (or fail on), with the server's own text and the one action that prevents
//! it, in the app's language. Raised by the check that runs ahead of each run.

use chrono::{DateTime, Duration, Utc};

use super::alerts::Notice;
use crate::audit::{Action, AuditReport, Outcome, Subject};

/// How long before a run the warning is raised.
pub const WARN_BEFORE_RUN_MINUTES: i64 = 60;

/// When the check ahead of the next run is due: an hour before the organizations' job,
/// or the users' job, whichever comes first (never in the past).
pub fn check_before_next_run(report: &AuditReport, now: DateTime<Utc>) -> DateTime<Utc> {
    let next = report
        .organizations_job
        .next_run
        .min(report.users_job.next_run);
    (next - Duration::minutes(WARN_BEFORE_RUN_MINUTES)).max(now)
}

/// One notice per organization or premium user the next run will disable or fail on.
pub fn notices(report: &AuditReport, instance: &str, language: &str) -> Vec<Notice> {
    let zh = language.starts_with("zh");
    report
        .organizations
        .iter()
        .chain(&report.users)
        .filter(|s| s.prediction.needs_action())
        .map(|subject| notice(subject, instance, zh))
        .collect()
}

fn notice(subject: &Subject, instance: &str, zh: bool) -> Notice {
    let name = subject
        .name
        .clone()
        .unwrap_or_else(|| subject.id.hyphenated().to_string());
    let at = subject.next_run.format("%H:%M UTC");
    let p = &subject.prediction;
    let action = p.action.as_ref().map(|a| action(a, zh)).unwrap_or_default();
    match (p.outcome, zh) {
        (Outcome::JobFails, false) => Notice {
            title: format!("{name}: the license check at {at} will fail"),
            body: format!("{instance}: the server cannot read its license file. {action}"),
        },
        (Outcome::JobFails, true) => Notice {
            title: format!("{name}：{at} 的许可证检查将失败"),
            body: format!("{instance}：服务器无法读取其许可证文件。{action}"),
        },
        (_, false) => Notice {
            title: format!("{name} will be disabled at {at}"),
            body: format!(
                "{instance}: the server's license check will say \"{}\". {action}",
                p.server_text.unwrap_or_default()
            ),
        },
        (_, true) => Notice {
            title: format!("{name} 将在 {at} 被停用"),
            body: format!(
                "{instance}：服务器的许可证检查将报告“{}”。{action}",
                p.server_text.unwrap_or_default()
            ),
        },
    }
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
    use crate::audit::{DisableReason, Finding, Job, JobRun, Prediction};
    use uuid::Uuid;

    fn at(time: &str) -> DateTime<Utc> {
        time.parse().unwrap()
    }

    fn report(prediction: Prediction) -> AuditReport {
        let run = |job, next_run| JobRun {
            job,
            cron: "",
            next_run,
        };
        AuditReport {
            folder: "/opt/bitwarden/bwdata/core/licenses".into(),
            installation_id: None,
            checked_at: at("2026-12-06T11:00:00Z"),
            organizations_job: run(Job::Organizations, at("2026-12-06T12:30:00Z")),
            users_job: run(Job::Users, at("2026-12-06T18:00:00Z")),
            server: None,
            organizations: vec![Subject {
                id: Uuid::from_u128(1),
                name: Some("Acme Corp".into()),
                file: None,
                next_run: at("2026-12-06T12:30:00Z"),
                prediction,
            }],
            users: Vec::new(),
        }
    }

    #[test]
    fn a_file_for_another_installation_is_warned_of_with_the_run_time_and_the_fix() {
        let other = Uuid::from_u128(0x789);
        let report = report(Prediction::disabled(
            DisableReason::InvalidData,
            vec![Finding::InstallationMismatch {
                file: other,
                server: Uuid::from_u128(0x123),
            }],
            Action::UploadLicenseForInstallation {
                installation_id: Some(Uuid::from_u128(0x123)),
            },
        ));
        let [en] = &notices(&report, "Office vault", "en")[..] else {
            panic!("one notice")
        };
        assert_eq!(en.title, "Acme Corp will be disabled at 12:30 UTC");
        assert!(en.body.starts_with(
            "Office vault: the server's license check will say \"Invalid data.\". Upload the license made for installation 00000000-0000-0000-0000-000000000123"
        ), "{}", en.body);
        let [zh] = &notices(&report, "Office vault", "zh-CN")[..] else {
            panic!("one notice")
        };
        assert_eq!(zh.title, "Acme Corp 将在 12:30 UTC 被停用");
        assert!(zh.body.contains("“Invalid data.”"), "{}", zh.body);
    }

    #[test]
    fn nothing_is_said_when_everything_stays_enabled_and_the_check_comes_an_hour_early() {
        let fine = report(Prediction::stays(Vec::new()));
        assert!(notices(&fine, "Office vault", "en").is_empty());
        assert_eq!(
            check_before_next_run(&fine, at("2026-12-06T11:00:00Z")),
            at("2026-12-06T11:30:00Z")
        );
        assert_eq!(
            check_before_next_run(&fine, at("2026-12-06T12:00:00Z")),
            at("2026-12-06T12:00:00Z"),
            "never in the past"
        );
    }
}
