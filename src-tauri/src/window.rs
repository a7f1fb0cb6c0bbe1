//! The main window: built once when the process starts, brought to the front when the tray
//! asks. Closing it ends the window process (the tray process stays).

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

pub const MAIN: &str = "main";

/// Builds the main window.
pub fn open<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("License Companion")
        .inner_size(1100.0, 760.0)
        .min_inner_size(720.0, 520.0)
        .build()
        .map(drop)
}

/// Brings the main window to the front.
pub fn focus<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
