//! The main window. It is destroyed on close (a hidden WebKit window keeps its whole web
//! process alive) and built again when the user opens it from the tray.

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

pub const MAIN: &str = "main";

/// Shows and focuses the main window, building it if it was closed.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let built = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("License Companion")
        .inner_size(1100.0, 760.0)
        .min_inner_size(720.0, 520.0)
        .build();
    if let Err(error) = built {
        tracing::error!(%error, "could not open the main window");
    }
}
