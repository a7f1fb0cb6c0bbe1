//! The window process: the window and its commands, each a thin call into
//! `companion_desktop` and `companion_core`; nothing here knows about licenses or HTTP.
//! The tray, checks and reminders live in the tray process (`tray/`), which starts this
//! one when the person opens the window; this process ends when its window closes.

mod camel;
mod commands;
mod events;
mod link;
mod opened;
#[cfg(test)]
mod page_types;
mod picker;
mod window;

use companion_desktop::{error, state, words};
use tauri::Manager;

/// Builds and runs the window until it is closed (or the person quits from the tray).
pub fn run() {
    #[cfg(target_os = "linux")]
    window::prefer_cpu_painting();
    companion_desktop::logging::init();
    let builder = tauri::Builder::default();
    // The license chooser: GTK's own on Linux, the dialog plugin elsewhere (see picker.rs).
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(tauri_plugin_dialog::init());
    let ran = builder
        .on_window_event(opened::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::startup_problem,
            commands::app::settings_get,
            commands::app::settings_set_language,
            commands::dashboard::dashboard_load,
            commands::instances::instances_overview,
            commands::instances::instance_save,
            commands::instances::instance_remove,
            commands::instances::cloud_region_set,
            commands::instances::installation_read,
            commands::instances::installation_fix,
            commands::instances::instance_test_connection,
            commands::signin::signin_start,
            commands::signin::signin_continue,
            commands::signin::signin_send_email_code,
            commands::signin::signin_cancel,
            commands::signin::sign_out,
            commands::license::license_pick,
            commands::license::license_report,
            commands::license::license_download,
            commands::license::license_cloud_orgs,
            commands::license::license_targets,
            commands::license::license_plan_upload,
            commands::license::license_send_upload,
            commands::license::license_discard_upload,
            commands::license::license_history,
            commands::license::license_restore,
            commands::license::license_create_organization,
            commands::autostart::settings_set_start_at_login,
            commands::billing::billing_overview,
            commands::billing::billing_set_renewal,
            commands::billing::billing_save_token,
            commands::billing::billing_sync_now,
            commands::billing::billing_setup_check,
            commands::billing::billing_cloud_orgs,
            commands::billing::billing_request_code,
            commands::billing::billing_fetch_token,
            commands::app::page_ready,
            commands::app::dashboard_painted,
        ])
        .setup(|app| {
            let state = state::AppState::load().map_err(|e| e.problem().message.clone())?;
            let link = match tauri::async_runtime::block_on(link::join(&state)) {
                link::Joined::Window(link, from_tray) => {
                    link::listen(app.handle(), from_tray);
                    link
                }
                link::Joined::AlreadyOpen => std::process::exit(0),
                link::Joined::Alone => link::TrayLink::alone(),
            };
            app.manage(link);
            app.manage(opened::OpenedLicenses::new(
                state.folders.data.join("opened"),
            ));
            app.manage(commands::license::PendingUploads::default());
            let boot = commands::app::Boot::of(&state);
            app.manage(state);
            app.manage(commands::signin::PendingSignIns::default());
            window::open(app.handle(), &boot)?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = ran {
        tracing::error!(%error, "the window could not be opened");
        std::process::exit(1);
    }
}
