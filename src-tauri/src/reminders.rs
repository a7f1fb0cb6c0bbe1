//! The background license check: at start, once a day after that, and whenever "Check
//! licenses now" is picked in the tray. One task sleeps until the next check is due (or
//! until it is woken); nothing polls. Each check signs in to every configured instance,
//! reads its owned organizations (dates, billing sync), updates the tray icon and menu,
//! and shows the reminders that are due (`companion_core::app::alerts`).

use std::sync::Arc;

use chrono::Utc;
use companion_core::app::alerts::{self, LicenseDates, Notice, SentAlerts};
use companion_core::app::{Instance, Status};
use companion_core::bitwarden::{owned_organizations, OrganizationsReport};
use companion_core::error::{Explain, Problem};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use crate::notify;
use crate::state::AppState;
use crate::tray::{self, TrayOrg};

/// Wakes the check task early.
struct Reminders {
    wake: Arc<Notify>,
    /// A check asked for from the tray shows a summary even when nothing is due.
    manual: std::sync::atomic::AtomicBool,
}

/// Starts the check task; its first check runs at once.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let wake = Arc::new(Notify::new());
    app.manage(Reminders {
        wake: wake.clone(),
        manual: false.into(),
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let manual = app
                .state::<Reminders>()
                .manual
                .swap(false, std::sync::atomic::Ordering::SeqCst);
            let next = check(&app, manual).await;
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = wake.notified() => {}
            }
        }
    });
}

/// Runs a check now (from the tray, or after a sync changed the licenses). `manual` shows
/// a summary notification when it is done.
pub fn check_now<R: Runtime>(app: &AppHandle<R>, manual: bool) {
    let reminders = app.state::<Reminders>();
    if manual {
        reminders
            .manual
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
    reminders.wake.notify_one();
}

/// One instance's owned organizations, or why they could not be read.
struct Checked {
    instance: Instance,
    report: Result<OrganizationsReport, Problem>,
}

/// Checks every instance, updates the tray and shows due reminders; returns when the next
/// check is due.
async fn check<R: Runtime>(app: &AppHandle<R>, manual: bool) -> chrono::DateTime<Utc> {
    let state = app.state::<AppState>();
    let settings = state.settings();
    let mut checked = Vec::new();
    for instance in settings.instances.clone() {
        let report = match state.instance_session(&instance.id).await {
            Ok(session) => owned_organizations(&session).await.map_err(|e| e.problem()),
            Err(e) => Err(e.problem().clone()),
        };
        checked.push(Checked { instance, report });
    }
    let now = Utc::now();
    for one in &checked {
        tray::set_orgs(app, &one.instance.id, tray_orgs(one));
    }
    let licenses: Vec<LicenseDates> = checked.iter().flat_map(license_dates).collect();
    let status = Status::worst(
        checked
            .iter()
            .filter(|c| c.report.is_err())
            .map(|_| Status::Unknown)
            .chain(licenses.iter().map(|l| alerts::license_status(l, now))),
    );
    tray::show_status(app, status);

    let language = notify::language(&settings);
    let mut sent = SentAlerts::load(&state.folders.config);
    let due = alerts::due(&licenses, now, &mut sent);
    for alert in &due {
        notify::show(app, &alert.notice(&language));
    }
    if manual && due.is_empty() {
        notify::show(app, &summary(&checked, licenses.len(), status, &language));
    }
    sent.last_check = Some(now);
    if let Err(error) = sent.save(&state.folders.config) {
        tracing::warn!(%error, "could not remember the reminders shown");
    }
    sent.next_check(now)
}

/// The organizations of an instance that have a billing sync connection.
fn tray_orgs(checked: &Checked) -> Vec<TrayOrg> {
    let Ok(report) = &checked.report else {
        return Vec::new();
    };
    report
        .organizations
        .iter()
        .filter(|o| o.billing_sync.exists())
        .map(|o| TrayOrg {
            instance_id: checked.instance.id.clone(),
            instance_name: checked.instance.name.clone(),
            org: o.id,
            name: o.name.clone(),
        })
        .collect()
}

fn license_dates(checked: &Checked) -> Vec<LicenseDates> {
    let Ok(report) = &checked.report else {
        return Vec::new();
    };
    report
        .organizations
        .iter()
        .map(|o| LicenseDates {
            key: format!("{}|{}", checked.instance.id, o.id),
            name: format!("{} ({})", o.name, checked.instance.name),
            renewal: o.expiration_without_grace,
            grace_end: o.expiration,
        })
        .collect()
}

/// What a check asked for from the tray found, when no reminder is due.
fn summary(checked: &[Checked], licenses: usize, status: Status, language: &str) -> Notice {
    let unreadable = checked.iter().filter(|c| c.report.is_err()).count();
    if language.starts_with("zh") {
        let mut body = format!("已检查 {licenses} 个许可证。");
        if unreadable > 0 {
            body.push_str(&format!("{unreadable} 个实例无法读取：请在“实例”中登录。"));
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
    let mut body = format!(
        "{licenses} license{} checked.",
        if licenses == 1 { "" } else { "s" }
    );
    if unreadable > 0 {
        body.push_str(&format!(
            " {unreadable} instance{} could not be read: sign in under Instances.",
            if unreadable == 1 { "" } else { "s" }
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
