//! The dashboard view: every server's rows, sent to the page as each server answers
//! (`companion_desktop::dashboard`).

use companion_core::app::dashboard::{Dashboard, Progress};
use companion_desktop::dashboard::collect;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Every instance's organizations and premium accounts with their problems, worst first;
/// each server's rows also go to `on_instance` the moment they are in, so the window
/// fills while slower servers are still being asked.
#[tauri::command]
pub async fn dashboard_load(
    state: State<'_, AppState>,
    on_instance: Channel<Progress>,
) -> Result<Dashboard, CommandError> {
    Ok(collect(&state, |progress| {
        // A window closed meanwhile still gets the whole dashboard's answer, or none.
        let _ = on_instance.send(progress);
    })
    .await)
}
