//! The app's two programs, installed side by side: the tray process (what the menu entry,
//! the login entry and a second launch start) and the window process it starts on demand.

use std::path::PathBuf;

/// The tray process's program.
pub const TRAY: &str = "license-companion";
/// The window process's program.
pub const WINDOW: &str = "license-companion-window";

/// The program `name` beside the running one (`name.exe` on Windows).
pub fn sibling(name: &str) -> PathBuf {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&file)))
        .unwrap_or_else(|| PathBuf::from(file))
}

/// The argument a window process starts the tray with when it found none running: no
/// window of the tray's own, and its first check waits for that window's first view.
pub const FOR_WINDOW_ARG: &str = "--for-window";
