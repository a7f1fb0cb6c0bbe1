//! The main window: built once when the process starts, brought to the front when the tray
//! asks. Closing it ends the window process (the tray process stays).

use companion_core::messages;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

pub const MAIN: &str = "main";

/// Builds the main window; its page finds `boot` in `window.__BOOT__` and the app's words
/// (the catalog of each language) in `window.__MESSAGES__`.
pub fn open<R: Runtime>(app: &AppHandle<R>, boot: &impl Serialize) -> tauri::Result<()> {
    let catalogs: Vec<String> = messages::CATALOGS
        .iter()
        .map(|(language, json)| format!("{language:?}: {json}"))
        .collect();
    let boot = format!(
        "window.__BOOT__ = {}; window.__MESSAGES__ = {{{}}};",
        serde_json::to_string(boot)?,
        catalogs.join(", ")
    );
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .initialization_script(&boot)
        .title("License Companion")
        .inner_size(1100.0, 760.0)
        .min_inner_size(720.0, 520.0)
        .build()
        .map(drop)
}

/// Linux: WebKitGTK paints with Skia on the GPU unless told otherwise. On software GL (a
/// virtual machine, a remote desktop, a machine without a GPU driver) each new kind of
/// drawing in the first frame first compiles a shader, which delays the first view; on
/// the CPU, Skia paints these plain views without that. The person's own setting wins.
/// Called first thing, before any thread is started.
#[cfg(target_os = "linux")]
pub fn prefer_cpu_painting() {
    const SETTING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
    if std::env::var_os(SETTING).is_none() {
        std::env::set_var(SETTING, "1");
    }
}

/// Brings the main window to the front.
pub fn focus<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
