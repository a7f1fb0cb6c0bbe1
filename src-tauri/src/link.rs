//! The window's line to the tray process (`companion_desktop::ipc`). The window tells the
//! tray when it changed something (the tray then checks again) and when its first view is
//! painted; the tray tells the window to come to the front or to end. A window started on
//! its own (from a terminal, or by WebDriver) starts the tray first when none runs, so
//! the checks, reminders and tray menu are there whichever program the person started.

use std::time::{Duration, Instant};

use companion_desktop::ipc::{self, Address, Connection, Incoming, Outgoing, ToTray, ToWindow};
use companion_desktop::process;
use companion_desktop::state::AppState;
use companion_desktop::tray_menu::TrayOrg;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::mpsc;

/// How long a tray started by this window may take to listen.
const TRAY_START_PATIENCE: Duration = Duration::from_secs(10);
/// How long the tray may take to welcome this window.
const WELCOME_PATIENCE: Duration = Duration::from_secs(5);

/// Where messages to the tray go; empty when no tray could be reached.
pub struct TrayLink(Option<mpsc::UnboundedSender<ToTray>>);

/// What the tray said to this window's arrival.
pub enum Joined {
    /// This is the window; messages to the tray go through the link, the tray's come in.
    Window(TrayLink, Incoming),
    /// Another window already runs: it was brought to the front, and this one ends.
    AlreadyOpen,
    /// No tray could be reached: the window works alone.
    Alone,
}

/// Finds (or starts) the tray of this settings folder and says a window is up.
pub async fn join(state: &AppState) -> Joined {
    let address = Address::for_settings(&state.folders.config);
    let Some(mut tray) = reach(&address).await else {
        return Joined::Alone;
    };
    let welcome = async {
        tray.send(&ToTray::Window).await?;
        tray.receive::<ToWindow>().await
    };
    match tokio::time::timeout(WELCOME_PATIENCE, welcome).await {
        Ok(Ok(Some(ToWindow::AlreadyOpen))) => Joined::AlreadyOpen,
        Ok(Ok(Some(_))) => {
            let (incoming, outgoing) = tray.split();
            Joined::Window(TrayLink(Some(forward(outgoing))), incoming)
        }
        other => {
            tracing::warn!(
                ?other,
                "the tray did not welcome the window; it works alone"
            );
            Joined::Alone
        }
    }
}

/// A connection to the running tray, or to one this window starts.
async fn reach(address: &Address) -> Option<Connection> {
    if let Ok(tray) = ipc::connect(address).await {
        return Some(tray);
    }
    let program = process::sibling(process::TRAY);
    if let Err(error) = std::process::Command::new(&program)
        .arg(process::FOR_WINDOW_ARG)
        .spawn()
    {
        tracing::warn!(%error, program = %program.display(), "could not start the tray");
        return None;
    }
    let deadline = Instant::now() + TRAY_START_PATIENCE;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(25)).await;
        if let Ok(tray) = ipc::connect(address).await {
            return Some(tray);
        }
    }
    tracing::warn!("the tray did not start listening");
    None
}

/// Sends what is queued for the tray, in order, until the tray goes.
fn forward(mut outgoing: Outgoing) -> mpsc::UnboundedSender<ToTray> {
    let (sender, mut queued) = mpsc::unbounded_channel();
    tauri::async_runtime::spawn(async move {
        while let Some(message) = queued.recv().await {
            if let Err(error) = outgoing.send(&message).await {
                tracing::warn!(%error, "the tray is gone; the window works alone");
                break;
            }
        }
    });
    sender
}

/// Does what the tray asks until it goes: come to the front, or end.
pub fn listen<R: Runtime>(app: &AppHandle<R>, mut incoming: Incoming) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match incoming.receive::<ToWindow>().await {
                Ok(Some(ToWindow::Focus | ToWindow::AlreadyOpen)) => crate::window::focus(&app),
                Ok(Some(ToWindow::Quit)) => app.exit(0),
                Ok(None) | Err(_) => {
                    tracing::warn!("the tray is gone; the window works alone");
                    break;
                }
            }
        }
    });
}

impl TrayLink {
    /// A link that tells no one (no tray could be reached).
    pub fn alone() -> TrayLink {
        TrayLink(None)
    }

    fn send(&self, message: ToTray) {
        if let Some(tray) = &self.0 {
            let _ = tray.send(message);
        }
    }
}

/// The window changed settings, sessions or licenses: the tray checks again.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    app.state::<TrayLink>().send(ToTray::Changed);
}

/// The window's first dashboard is painted: the tray's first check may run.
pub fn page_painted<R: Runtime>(app: &AppHandle<R>) {
    app.state::<TrayLink>().send(ToTray::PagePainted);
}

/// The window read the organizations with billing sync of an instance: the tray offers
/// them at once.
pub fn offer<R: Runtime>(app: &AppHandle<R>, instance_id: &str, orgs: Vec<TrayOrg>) {
    app.state::<TrayLink>().send(ToTray::Orgs {
        instance_id: instance_id.to_owned(),
        orgs,
    });
}
