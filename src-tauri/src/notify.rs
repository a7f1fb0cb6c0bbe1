//! Desktop notifications (org.freedesktop.Notifications on Linux, through
//! tauri-plugin-notification). They are raised from Rust only, so the web view is granted
//! no notification permission at all.

use companion_core::app::alerts::Notice;
use companion_core::app::Settings;
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

/// The language of notifications and tray labels: the one picked in Settings, else the
/// system's (`zh…` in LC_ALL, LC_MESSAGES or LANG gives Simplified Chinese).
pub fn language(settings: &Settings) -> String {
    if let Some(language) = &settings.language {
        return language.clone();
    }
    let system = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .unwrap_or_default();
    if system.starts_with("zh") {
        "zh-CN".into()
    } else {
        "en".into()
    }
}
