//! The tray icon and its menu. On Linux only menu items fire (tray clicks do not), so every
//! action lives in the menu.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Runtime};

use crate::window;

pub const TRAY_ID: &str = "main-tray";

/// Builds the tray. "Sync all now" stays disabled until an instance is configured.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open License Companion", true, None::<&str>)?;
    let sync_all = MenuItem::with_id(app, "sync-all", "Sync all now", false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&open, &sync_all, &separator, &quit])?;

    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("License Companion")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => window::show_main(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}
