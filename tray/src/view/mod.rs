//! Drawing the tray: the model (`companion_desktop::tray_menu`) says what to show, the
//! platform's tray shows it and sends back the [`Action`] of each item picked. One
//! implementation per platform, chosen here.

use companion_desktop::tray_menu::{Action, TrayModel};
use tokio::sync::mpsc::UnboundedSender;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::Starter;

#[cfg(not(target_os = "linux"))]
mod native;
#[cfg(not(target_os = "linux"))]
pub use native::{run_event_loop, Starter};

/// A tray on screen.
pub trait View: Send + Sync {
    /// Shows the model: icon, tooltip and menu.
    fn show(&self, model: &TrayModel);
    /// Removes the tray (the app is quitting).
    fn close(&self);
}

/// Where picked items go.
pub type Actions = UnboundedSender<Action>;

/// No tray could be shown (no session bus, no tray host): the window is the app's only
/// face, and the process ends with it.
pub struct NoIcon;

impl View for NoIcon {
    fn show(&self, _model: &TrayModel) {}
    fn close(&self) {}
}
