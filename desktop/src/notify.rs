//! Desktop notifications (org.freedesktop.Notifications on Linux, through
//! tauri-plugin-notification). They are raised from Rust only, so the web view is granted
//! no notification permission at all.

use companion_core::app::alerts::Notice;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Shows one notification; a desktop without a notification service only gets a log line.
pub fn show<R: Runtime>(app: &AppHandle<R>, notice: &Notice) {
    tracing::info!(title = %notice.title, "notification");
    let shown = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(&notice.body)
        .show();
    if let Err(error) = shown {
        tracing::warn!(%error, "could not show a notification");
    }
}
