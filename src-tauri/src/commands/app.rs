//! The app itself: versions and settings.

use companion_core::app::{locale, Settings};
use companion_core::error::Problem;
use companion_core::messages::Phrase;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::error::CommandError;
use crate::state::AppState;

/// Versions of the app and of the core library it runs on, and whether this is the demo.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    app_version: &'static str,
    core_version: &'static str,
    demo: bool,
    /// The language the system locale asks for (`en` or `zh-CN`), used until the user picks
    /// one. Read here because WebKit reports `en-US` whenever the locale is not generated.
    system_language: &'static str,
}

impl AppInfo {
    fn of(state: &AppState) -> AppInfo {
        AppInfo {
            app_version: env!("CARGO_PKG_VERSION"),
            core_version: companion_core::version(),
            demo: state.demo,
            system_language: locale::system_language(|name| std::env::var(name).ok()),
        }
    }
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo::of(&state)
}

/// What the page needs for its first view, handed to it as `window.__BOOT__` before any of
/// its scripts runs (see `window::open`): it paints in the right language at once, without
/// waiting for a command.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Boot {
    #[serde(flatten)]
    info: AppInfo,
    /// The language picked in Settings (none: the system's).
    language: Option<String>,
    /// Whether the page keeps every command and its answer in `window.__ipcLog`: only for
    /// the end-to-end tests (`LICENSE_COMPANION_RECORD_IPC`), which read it to prove no
    /// secret reaches the page.
    record_ipc: bool,
}

impl Boot {
    pub fn of(state: &AppState) -> Boot {
        Boot {
            info: AppInfo::of(state),
            language: state.settings().language,
            record_ipc: std::env::var_os("LICENSE_COMPANION_RECORD_IPC").is_some(),
        }
    }
}

/// Why the settings could not be read, or why the keychain cannot be reached: asked once
/// the first view is painted (the keychain may take a moment to answer), shown as a banner.
#[tauri::command]
pub async fn startup_problem(state: State<'_, AppState>) -> Result<Option<Problem>, CommandError> {
    Ok(tokio::task::block_in_place(|| state.startup_problem()))
}

/// The saved settings (they never hold a secret).
#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> Settings {
    state.settings()
}

/// Saves the language and start-at-login choice; instances are changed by their own
/// commands.
#[tauri::command]
pub fn settings_set_language(
    state: State<'_, AppState>,
    language: Option<String>,
) -> Result<Settings, CommandError> {
    if let Some(lang) = &language {
        if lang != "en" && lang != "zh-CN" {
            return Err(CommandError::invalid(
                Phrase::new("request.language_not_offered").with("language", lang),
            ));
        }
    }
    state.update_settings(|settings| {
        settings.language = language;
        Ok(())
    })
}

/// The page has painted its first view. Logged at info with the wall-clock time, which
/// `make bench` compares with the moment it launched the app.
#[tauri::command]
pub fn page_ready() {
    let epoch_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or_default();
    tracing::info!(epoch_ms, "page ready");
}

/// The dashboard has painted every row of a check. Logged at info like [`page_ready`], for
/// `make bench-fleet` (the time to show a whole fleet). The tray's first check may run now:
/// a large fleet is not asked twice at the same time while the window fills.
#[tauri::command]
pub fn dashboard_painted<R: Runtime>(app: AppHandle<R>, rows: usize, servers: usize) {
    crate::link::page_painted(&app);
    let epoch_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or_default();
    tracing::info!(epoch_ms, rows, servers, "dashboard painted");
}
