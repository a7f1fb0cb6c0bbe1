//! Start at login (tauri-plugin-autostart): off until the person turns it on in Settings.
//! The app then starts with [`HIDDEN_ARG`], straight into the tray without a window.

use companion_core::app::Settings;
use companion_core::error::Explain;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_autostart::ManagerExt;

use crate::error::CommandError;
use crate::state::AppState;

/// The argument the login entry starts the app with: no window, only the tray.
pub const HIDDEN_ARG: &str = "--hidden";

/// The login entry could not be written or removed.
#[derive(Debug)]
struct AutostartError(String);

impl std::fmt::Display for AutostartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "The login entry could not be changed: {}", self.0)
    }
}

impl Explain for AutostartError {
    fn code(&self) -> &'static str {
        "autostart_failed"
    }

    fn advice(&self) -> String {
        "Check that ~/.config/autostart exists and is writable by you; the setting was not changed."
            .into()
    }
}

/// Adds or removes the login entry, then saves the choice.
#[tauri::command]
pub fn settings_set_start_at_login<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<Settings, CommandError> {
    let manager = app.autolaunch();
    let changed = if enabled {
        manager.enable()
    } else {
        manager.disable()
    };
    changed.map_err(|e| AutostartError(e.to_string()))?;
    state.update_settings(|settings| {
        settings.start_at_login = enabled;
        Ok(())
    })
}
