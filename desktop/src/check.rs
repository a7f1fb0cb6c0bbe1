//! The background license check, run by the tray process: at start (once the window's
//! first dashboard is painted, when the window opens at start), once a day after that, and
//! whenever "Check licenses now" is picked in the tray or the window changed something.
//! One task sleeps until the next check is due (or until it is woken); nothing polls. Each
//! check reads the settings again (the window may have changed them), collects the
//! dashboard (every configured instance's organizations and premium accounts), hands the
//! tray its worst status and the organizations with billing sync, and shows the reminders
//! that are due (`companion_core::app::alerts`). Automatic renewals run first. A check also
//! runs an hour before each run of the server's license job, to warn of what it will
//! disable (`companion_core::app::audit_notice`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use companion_core::app::alerts::{self, LicenseDates, Notice, SentAlerts};
use companion_core::app::audit_notice;
use companion_core::app::dashboard::{BillingSync, Row, RowKind, Unasked};
use companion_core::app::{locale, Settings, Status};
use tokio::sync::Notify;

use crate::state::AppState;
use crate::tray_menu::TrayOrg;
use crate::{dashboard, notify, renewals};

/// Runs the checks and wakes them early.
pub struct Checker {
    wake: Notify,
    /// A check asked for from the tray shows a summary even when nothing is due.
    manual: AtomicBool,
    /// The first check waits for the window's first dashboard ([`Checker::page_painted`]).
    after_first_page: AtomicBool,
}

/// What a check found, for the tray.
pub struct Checked {
    /// The settings the check ran on.
    pub settings: Settings,
    pub worst: Status,
    /// Each instance's organizations with billing sync.
    pub orgs: Vec<(String, Vec<TrayOrg>)>,
}

/// How long the first check waits for the window's first dashboard at most.
const FIRST_PAGE_PATIENCE: Duration = Duration::from_secs(60);

impl Checker {
    /// Starts the check task on the current tokio runtime; `on_checked` gets what each
    /// check found. The first check runs at once, or with `after_first_page` once the
    /// window's first dashboard (which asks every server itself) is painted: a large fleet is
    /// then not asked twice at the same time while the window fills.
    pub fn start(
        state: Arc<AppState>,
        after_first_page: bool,
        on_checked: impl Fn(Checked) + Send + Sync + 'static,
    ) -> Arc<Checker> {
        let checker = Arc::new(Checker {
            wake: Notify::new(),
            manual: false.into(),
            after_first_page: after_first_page.into(),
        });
        let me = checker.clone();
        tokio::spawn(async move {
            if after_first_page {
                tokio::select! {
                    () = tokio::time::sleep(FIRST_PAGE_PATIENCE) => {}
                    () = me.wake.notified() => {}
                }
            }
            loop {
                let manual = me.manual.swap(false, Ordering::SeqCst);
                let (next, checked) = check(&state, manual).await;
                on_checked(checked);
                let wait = (next - Utc::now()).to_std().unwrap_or_default();
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = me.wake.notified() => {}
                }
            }
        });
        checker
    }

    /// The window's first dashboard is painted: the first check, when it waits for it, runs
    /// now.
    pub fn page_painted(&self) {
        if self.after_first_page.swap(false, Ordering::SeqCst) {
            self.wake.notify_one();
        }
    }

    /// Runs a check now (from the tray, or after the window changed something). `manual`
    /// shows a summary notification when it is done.
    pub fn check_now(&self, manual: bool) {
        if manual {
            self.manual.store(true, Ordering::SeqCst);
        }
        self.after_first_page.store(false, Ordering::SeqCst);
        self.wake.notify_one();
    }
}

/// Checks every instance (the dashboard's rows) and shows due reminders; returns when the
/// next check is due, and what it found.
async fn check(state: &AppState, manual: bool) -> (DateTime<Utc>, Checked) {
    let settings = state.reload_settings();
    let language = locale::language(&settings);
    // Renewals first, so the dashboard and the reminders see what they applied.
    renewals::run(state, &language).await;
    let dashboard = dashboard::collect(state, |_| {}).await;
    let now = dashboard.checked_at;
    let checked = Checked {
        orgs: settings
            .instances
            .iter()
            .map(|i| (i.id.clone(), tray_orgs(&dashboard.rows, &i.id)))
            .collect(),
        worst: dashboard.worst,
        settings,
    };

    let licenses: Vec<LicenseDates> = dashboard.rows.iter().filter_map(license_dates).collect();
    let mut sent = SentAlerts::load(&state.folders.config);
    let due = alerts::due(&licenses, now, &mut sent);
    for alert in &due {
        notify::show(&alert.notice(&language));
    }
    if manual && due.is_empty() {
        notify::show(&summary(
            licenses.len(),
            dashboard.unasked(),
            dashboard.worst,
            &language,
        ));
    }
    // Before each run of the server's license job: what it will disable, once per run.
    for row in &dashboard.rows {
        if let (Some((key, notice)), Some(check)) =
            (audit_notice::warning(row, &language), &row.next_check)
        {
            if sent.warn_once(key, check.at, now) {
                notify::show(&notice);
            }
        }
    }
    sent.last_check = Some(now);
    if let Err(error) = sent.save(&state.folders.config) {
        tracing::warn!(%error, "could not remember the reminders shown");
    }
    let daily = sent.next_check(now);
    let next = audit_notice::check_before_next_run(&dashboard.rows, now)
        .map_or(daily, |before| before.min(daily));
    (next, checked)
}

/// The organizations of an instance that have a billing sync connection.
fn tray_orgs(rows: &[Row], instance_id: &str) -> Vec<TrayOrg> {
    rows.iter()
        .filter(|r| r.instance_id == instance_id && r.kind == RowKind::Organization)
        .filter(|r| r.billing_sync.is_some_and(|b| b != BillingSync::NotSetUp))
        .filter_map(|r| {
            Some(TrayOrg {
                instance_id: r.instance_id.clone(),
                instance_name: r.instance_name.clone(),
                org: r.org_id?,
                name: r.name.clone(),
            })
        })
        .collect()
}

/// The renewal and grace dates of an organization or premium row.
fn license_dates(row: &Row) -> Option<LicenseDates> {
    let which = match (row.kind, row.org_id) {
        (RowKind::Organization, Some(org)) => org.to_string(),
        (RowKind::Premium, _) => format!("premium:{}", row.name),
        _ => return None,
    };
    Some(LicenseDates {
        key: format!("{}|{which}", row.instance_id),
        name: format!("{} ({})", row.name, row.instance_name),
        renewal: row.expires_without_grace,
        grace_end: row.expires,
    })
}

/// What a check asked for from the tray found, when no reminder is due.
fn summary(licenses: usize, unasked: Unasked, status: Status, language: &str) -> Notice {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if language.starts_with("zh") {
        let mut body = format!("已检查 {licenses} 个许可证。");
        if unasked.signed_out > 0 {
            body.push_str(&format!(
                "{} 个实例未登录：请在“实例”中登录。",
                unasked.signed_out
            ));
        }
        if unasked.unreachable > 0 {
            body.push_str(&format!(
                "{} 个服务器无法连接：请在“实例”中测试连接。",
                unasked.unreachable
            ));
        }
        let title = match status {
            Status::Ok => "许可证检查完成：一切正常",
            _ => "许可证检查完成：需要关注",
        };
        return Notice {
            title: title.into(),
            body,
        };
    }
    let mut body = format!("{licenses} license{} checked.", plural(licenses));
    if unasked.signed_out > 0 {
        body.push_str(&format!(
            " {} instance{} not signed in: sign in under Instances.",
            unasked.signed_out,
            plural(unasked.signed_out)
        ));
    }
    if unasked.unreachable > 0 {
        body.push_str(&format!(
            " {} server{} could not be reached: test the connection under Instances.",
            unasked.unreachable,
            plural(unasked.unreachable)
        ));
    }
    let title = match status {
        Status::Ok => "Licenses checked: all fine",
        _ => "Licenses checked: attention needed",
    };
    Notice {
        title: title.into(),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_in_server_with_no_organization_is_not_asked_to_sign_in() {
        let notice = summary(0, Unasked::default(), Status::Ok, "en");
        assert_eq!(notice.body, "0 licenses checked.");
        let notice = summary(
            1,
            Unasked {
                signed_out: 1,
                unreachable: 2,
            },
            Status::Error,
            "en",
        );
        assert_eq!(
            notice.body,
            "1 license checked. 1 instance not signed in: sign in under Instances. \
             2 servers could not be reached: test the connection under Instances."
        );
    }
}
