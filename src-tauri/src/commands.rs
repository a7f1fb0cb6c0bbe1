//! Commands the web view may call (each one granted by name in `capabilities/main.json`).

use serde::Serialize;

/// Versions of the app and of the core library it runs on.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    app_version: &'static str,
    core_version: &'static str,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        app_version: env!("CARGO_PKG_VERSION"),
        core_version: companion_core::version(),
    }
}
