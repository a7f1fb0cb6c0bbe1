//! Start at login: off until the person turns it on in Settings. The login entry starts
//! only the tray process, with [`HIDDEN_ARG`]: no window until the person opens it.

use auto_launch::{AutoLaunchBuilder, MacOSLaunchMode};
use companion_core::error::Explain;
use thiserror::Error;

use crate::process;

/// The argument the login entry starts the tray with: no window.
pub const HIDDEN_ARG: &str = "--hidden";

/// The login entry could not be written or removed.
#[derive(Debug, Error)]
#[error("The login entry could not be changed: {0}")]
pub struct AutostartError(String);

impl Explain for AutostartError {
    fn code(&self) -> &'static str {
        "autostart_failed"
    }

    fn advice(&self) -> String {
        "Check that ~/.config/autostart exists and is writable by you; the setting was not changed."
            .into()
    }
}

/// Adds or removes the login entry of the tray process.
pub fn set(enabled: bool) -> Result<(), AutostartError> {
    let tray = process::sibling(process::TRAY);
    let entry = AutoLaunchBuilder::new()
        .set_app_name("License Companion")
        .set_app_path(&tray.display().to_string())
        .set_args(&[HIDDEN_ARG])
        .set_macos_launch_mode(MacOSLaunchMode::LaunchAgent)
        .build()
        .map_err(|e| AutostartError(e.to_string()))?;
    if enabled {
        entry.enable()
    } else {
        entry.disable()
    }
    .map_err(|e| AutostartError(e.to_string()))
}
