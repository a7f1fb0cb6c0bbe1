//! The native "Open" dialog for a license file.
//!
//! On Linux the GTK file chooser is built on the main thread, inside the GTK loop the
//! window already runs, and is modal to the window that asked for it. The dialog plugin's
//! GTK backend (rfd) is not used there: its first dialog starts a second thread that
//! iterates GTK's default main context for the rest of the process, so the window's own
//! events can then be dispatched off GTK's thread. With it, the page was lost under
//! WebDriver ("session deleted because of page crash or hang") once the chooser had been
//! used. Other systems use the dialog plugin.

use std::path::PathBuf;

use tauri::{Runtime, WebviewWindow};

use crate::error::CommandError;

/// The name of the file filter, as the chooser lists it.
const FILTER_NAME: &str = "Bitwarden license (JSON)";

/// Asks the user for a license file; `None` when they cancelled.
#[cfg(target_os = "linux")]
pub async fn pick_license_file<R: Runtime>(
    window: &WebviewWindow<R>,
    title: String,
) -> Result<Option<PathBuf>, CommandError> {
    let (answer, picked) = tokio::sync::oneshot::channel();
    let parent = window.clone();
    window
        .run_on_main_thread(move || gtk_chooser::show(&parent, &title, answer))
        .map_err(|_| CommandError::interrupted())?;
    picked.await.map_err(|_| CommandError::interrupted())
}

#[cfg(target_os = "linux")]
mod gtk_chooser {
    use std::cell::RefCell;
    use std::path::PathBuf;
    use std::rc::Rc;

    use gtk::prelude::*;
    use gtk::{FileChooserAction, FileChooserNative, FileFilter, ResponseType};
    use tauri::{Runtime, WebviewWindow};
    use tokio::sync::oneshot::Sender;

    use super::FILTER_NAME;

    /// Shows the chooser without blocking the main thread; `answer` gets the chosen file
    /// once the user accepts, or `None` when the dialog is cancelled or closed.
    pub fn show<R: Runtime>(
        parent: &WebviewWindow<R>,
        title: &str,
        answer: Sender<Option<PathBuf>>,
    ) {
        let parent = parent.gtk_window().ok();
        // No button labels given: GTK then uses its own, translated ones.
        let chooser = FileChooserNative::new(
            Some(title),
            parent.as_ref(),
            FileChooserAction::Open,
            None,
            None,
        );
        chooser.set_modal(true);
        let filter = FileFilter::new();
        filter.set_name(Some(FILTER_NAME));
        filter.add_pattern("*.json");
        filter.add_pattern("*.JSON");
        chooser.add_filter(filter);
        // GTK does not keep a native dialog alive by itself: the response handler holds it
        // until the answer is given, then lets it go.
        let kept = Rc::new(RefCell::new(Some(chooser.clone())));
        let answer = RefCell::new(Some(answer));
        chooser.connect_response(move |chooser, response| {
            let picked = match response {
                ResponseType::Accept => chooser.filename(),
                _ => None,
            };
            if let Some(answer) = answer.borrow_mut().take() {
                let _ = answer.send(picked);
            }
            kept.borrow_mut().take();
        });
        chooser.show();
    }
}

/// Asks the user for a license file; `None` when they cancelled.
#[cfg(not(target_os = "linux"))]
pub async fn pick_license_file<R: Runtime>(
    window: &WebviewWindow<R>,
    title: String,
) -> Result<Option<PathBuf>, CommandError> {
    use tauri_plugin_dialog::DialogExt;

    let (answer, picked) = tokio::sync::oneshot::channel();
    window
        .dialog()
        .file()
        .set_title(title)
        .set_parent(window)
        .add_filter(FILTER_NAME, &["json"])
        .pick_file(move |picked| {
            let _ = answer.send(picked);
        });
    let Some(picked) = picked.await.map_err(|_| CommandError::interrupted())? else {
        return Ok(None);
    };
    picked.into_path().map(Some).map_err(|e| {
        CommandError::invalid(
            companion_core::messages::Phrase::new("request.no_local_path").with("detail", e),
        )
    })
}
