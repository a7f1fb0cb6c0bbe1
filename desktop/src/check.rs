//! The background license check: at start (once the window's first view is painted, when
//! the window opens at start), once a day after that, and whenever "Check licenses now" is
//! picked in the tray. One task sleeps until the next check is due (or
//! until it is woken); nothing polls. Each check collects the dashboard (every configured
//! instance's organizations and premium accounts), shows its worst status in the tray icon,
//! offers the organizations with billing sync in the tray menu, and shows the reminders
//! that are due (`companion_core::app::alerts`). Automatic renewals run first. A check also
//! runs an hour before each run of the server's license job, to warn of what it will
//! disable (`companion_core::app::audit_notice`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use companion_core::app::alerts::{self, LicenseDates, Notice, SentAlerts};
use companion_core::app::audit_notice;
use companion_core::app::dashboard::{BillingSync, Row, RowKind, Unasked};
use companion_core::app::{locale, Status};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use crate::commands::dashboard;
use crate::state::AppState;
use crate::tray::{self, TrayOrg};
use crate::{notify, renewals};

/// Wakes the check task early.
struct Reminders {
    wake: Arc<Notify>,
    /// A check asked for from the tray shows a summary even when nothing is due.
    manual: AtomicBool,
    /// The first check waits for the window's first view ([`page_painted`]).
    after_first_page: AtomicBool,
}

/// How long the first check waits for the window's first view at most.
const FIRST_PAGE_PATIENCE: Duration = Duration::from_secs(60);

/// Starts the check task. Its first check runs at once, or with `after_first_page` once the
/// window's first view (which asks every server itself) is painted: a large fleet is then
/// not asked twice at the same time while the window fills.
pub fn start<R: Runtime>(app: &AppHandle<R>, after_first_page: bool) {
    let wake = Arc::new(Notify::new());
    app.manage(Reminders {
        wake: wake.clone(),
        manual: false.into(),
        after_first_page: after_first_page.into(),
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if after_first_page {
            tokio::select! {
                () = tokio::time::sleep(FIRST_PAGE_PATIENCE) => {}
                () = wake.notified() => {}
            }
        }
        loop {
            let manual = app
                .state::<Reminders>()
                .manual
                .swap(false, Ordering::SeqCst);
            let next = check(&app, manual).await;
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = wake.notified() => {}
            }
        }
    });
}

/// The window's first view is painted: the first check, when it waits for it, runs now.
pub fn page_painted<R: Runtime>(app: &AppHandle<R>) {
    let reminders = app.state::<Reminders>();
    if reminders.after_first_page.swap(false, Ordering::SeqCst) {
        reminders.wake.notify_one();
    }
}

/// Runs a check now (from the tray, or after a sync changed the licenses). `manual` shows
/// a summary notification when it is done.
pub fn check_now<R: Runtime>(app: &AppHandle<R>, manual: bool) {
    let reminders = app.state::<Reminders>();
    if manual {
        reminders.manual.store(true, Ordering::SeqCst);
    }
    reminders.wake.notify_one();
}

/// Checks every instance (the dashboard's rows), updates the tray and shows due
/// reminders; returns when the next check is due.
async fn check<R: Runtime>(app: &AppHandle<R>, manual: bool) -> chrono::DateTime<Utc> {
    let state = app.state::<AppState>();
    let settings = state.settings();
    let language = locale::language(&settings);
    // Renewals first, so the dashboard and the reminders see what they applied.
    renewals::run(app, &state, &language).await;
    let dashboard = dashboard::collect(&state, |_| {}).await;
    let now = dashboard.checked_at;
    tray::set_orgs(
        app,
        settings
            .instances
            .iter()
            .map(|i| (i.id.clone(), tray_orgs(&dashboard.rows, &i.id))),
    );
    tray::show_status(app, dashboard.worst);

    let licenses: Vec<LicenseDates> = dashboard.rows.iter().filter_map(license_dates).collect();
    let mut sent = SentAlerts::load(&state.folders.config);
    let due = alerts::due(&licenses, now, &mut sent);
    for alert in &due {
        notify::show(app, &alert.notice(&language));
    }
    if manual && due.is_empty() {
        notify::show(
            app,
            &summary(
                licenses.len(),
                dashboard.unasked(),
                dashboard.worst,
                &language,
            ),
        );
    }
    // Before each run of the server's license job: what it will disable, once per run.
    for row in &dashboard.rows {
        if let (Some((key, notice)), Some(check)) =
            (audit_notice::warning(row, &language), &row.next_check)
        {
            if sent.warn_once(key, check.at, now) {
                notify::show(app, &notice);
            }
        }
    }
    sent.last_check = Some(now);
    if let Err(error) = sent.save(&state.folders.config) {
        tracing::warn!(%error, "could not remember the reminders shown");
    }
    let daily = sent.next_check(now);
    audit_notice::check_before_next_run(&dashboard.rows, now)
        .map_or(daily, |before| before.min(daily))
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
