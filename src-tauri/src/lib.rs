//! The desktop shell: window, tray and commands. Every command is a thin call into
//! `companion_core`; nothing here knows about licenses or HTTP.

mod commands;
mod tray;
mod window;

use tauri::RunEvent;

/// Builds and runs the app until the user quits from the tray.
pub fn run() {
    tauri::Builder::default()
        // Registered first so a second launch is stopped before it builds anything.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            window::show_main(app);
        }))
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .setup(|app| {
            tray::build(app.handle())?;
            window::show_main(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("License Companion could not start")
        .run(|_app, event| {
            // Closing the window destroys it (freeing the web process) but keeps the tray
            // running; only "Quit" (an explicit exit code) ends the app.
            if let RunEvent::ExitRequested {
                code: None, api, ..
            } = event
            {
                api.prevent_exit();
            }
        });
}
