//! A bare Tauri 2 window with a tray icon, built the way License Companion is (same tauri
//! features and profiles, the window destroyed on close while the tray keeps the app
//! running), so `make bench` can show what the app costs on top of Tauri and WebKit.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{SystemTime, UNIX_EPOCH};

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{RunEvent, WebviewUrl, WebviewWindowBuilder};

/// The page has painted: prints the same line as the app (`page ready epoch_ms=…`), which
/// the benchmark compares with the moment it launched the process.
#[tauri::command]
fn page_ready() {
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    eprintln!("page ready epoch_ms={epoch_ms}");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![page_ready])
        .setup(|app| {
            let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
            let menu = Menu::with_items(app, &[&quit])?;
            let mut tray = TrayIconBuilder::with_id("bare-tray")
                .menu(&menu)
                .on_menu_event(|app, event| {
                    if event.id.as_ref() == "quit" {
                        app.exit(0);
                    }
                });
            if let Some(icon) = app.default_window_icon() {
                tray = tray.icon(icon.clone());
            }
            tray.build(app)?;
            WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                .title("Bare window")
                .inner_size(1100.0, 760.0)
                .build()?;
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the bare window could not start")
        .run(|_app, event| {
            if let RunEvent::ExitRequested {
                code: None, api, ..
            } = event
            {
                api.prevent_exit();
            }
        });
}
