//! Desktop notifications (org.freedesktop.Notifications on Linux, the Action Center on
//! Windows, the Notification Center on macOS), raised from Rust only: the web view is
//! granted no notification permission at all.

use std::sync::mpsc::Sender;
use std::sync::OnceLock;

use companion_core::app::alerts::Notice;

/// The app's identifier, which Windows and macOS file notifications under.
pub const APP_ID: &str = "org.licensecompanion.app";

/// Shows a notification from a thread of its own, in the order they were asked for: showing
/// one blocks for a round trip to the desktop's notification service, which the async
/// threads must not wait on.
pub fn show(notice: &Notice) {
    static QUEUE: OnceLock<Sender<Notice>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Notice>();
        std::thread::spawn(move || {
            for notice in receiver {
                show_now(&notice);
            }
        });
        sender
    });
    let _ = queue.send(notice.clone());
}

/// Shows one notification now; a desktop without a notification service only gets a log
/// line.
fn show_now(notice: &Notice) {
    tracing::info!(title = %notice.title, "notification");
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("License Companion")
        .summary(&notice.title)
        .body(&notice.body);
    #[cfg(target_os = "windows")]
    notification.app_id(APP_ID);
    if let Err(error) = notification.show() {
        tracing::warn!(%error, "could not show a notification");
    }
}
