//! Start at login (`companion_desktop::autostart`): off until the person turns it on in
//! Settings. The login entry starts the tray process only.

use companion_core::app::Settings;
use companion_desktop::autostart;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Adds or removes the login entry, then saves the choice.
#[tauri::command]
pub fn settings_set_start_at_login(
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<Settings, CommandError> {
    autostart::set(enabled)?;
    state.update_settings(|settings| {
        settings.start_at_login = enabled;
        Ok(())
    })
}
