//! The window process, seen from the tray: started on demand, focused when it is already
//! up, told to end on "Quit", and forgotten when its connection closes (its window was
//! closed, or it died: the next "Open" starts a new one, which reads the state afresh).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use companion_desktop::ipc::{Outgoing, ToWindow};
use companion_desktop::process;
use tokio::sync::{mpsc, oneshot, Notify};

/// How long a started window may take to say it is up before "Open" starts another.
const START_PATIENCE: Duration = Duration::from_secs(30);
/// How long a window told to quit may take before it is killed.
const QUIT_PATIENCE: Duration = Duration::from_secs(3);

#[derive(Default)]
pub struct WindowProcess {
    inner: Mutex<Inner>,
    /// Woken when the window's connection closes.
    gone: Notify,
}

#[derive(Default)]
struct Inner {
    /// The connected window: its number and where its messages go.
    window: Option<(u64, mpsc::UnboundedSender<ToWindow>)>,
    /// A window started by this process and not connected yet: since when.
    starting: Option<Instant>,
    /// Ends the window this process started, if it still runs.
    kill: Option<oneshot::Sender<()>>,
    connections: u64,
}

impl WindowProcess {
    /// Brings the window up: focuses it, or starts the window process.
    pub fn open(&self) {
        let mut inner = self.inner.lock().expect("window lock");
        if let Some((_, window)) = &inner.window {
            let _ = window.send(ToWindow::Focus);
            return;
        }
        if inner
            .starting
            .is_some_and(|since| since.elapsed() < START_PATIENCE)
        {
            return;
        }
        let program = process::sibling(process::WINDOW);
        let mut child = match tokio::process::Command::new(&program).spawn() {
            Ok(child) => child,
            Err(error) => {
                tracing::error!(%error, program = %program.display(), "could not start the window");
                return;
            }
        };
        tracing::info!(pid = child.id(), "window process started");
        let (kill, killed) = oneshot::channel();
        inner.starting = Some(Instant::now());
        inner.kill = Some(kill);
        tokio::spawn(async move {
            tokio::select! {
                status = child.wait() => tracing::info!(?status, "window process ended"),
                Ok(()) = killed => {
                    tracing::warn!("the window did not end when asked; ending it");
                    let _ = child.kill().await;
                }
            }
        });
    }

    /// A window process said it is up on this connection. It becomes the window, unless
    /// one is already connected: then that one is focused and the newcomer told to end.
    /// Returns the window's number for [`WindowProcess::detach`].
    pub fn attach(&self, mut outgoing: Outgoing) -> Option<u64> {
        let mut inner = self.inner.lock().expect("window lock");
        if let Some((_, window)) = &inner.window {
            let _ = window.send(ToWindow::Focus);
            tokio::spawn(async move { outgoing.send(&ToWindow::AlreadyOpen).await });
            return None;
        }
        let (sender, mut messages) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(message) = messages.recv().await {
                if outgoing.send(&message).await.is_err() {
                    break;
                }
            }
        });
        let _ = sender.send(ToWindow::Focus);
        inner.connections += 1;
        let number = inner.connections;
        inner.window = Some((number, sender));
        inner.starting = None;
        Some(number)
    }

    /// The window's connection closed.
    pub fn detach(&self, number: u64) {
        let mut inner = self.inner.lock().expect("window lock");
        if inner.window.as_ref().is_some_and(|(n, _)| *n == number) {
            inner.window = None;
            inner.kill = None;
            tracing::info!("window closed");
        }
        self.gone.notify_waiters();
    }

    /// Ends the window for "Quit": asks it, then ends the process this tray started if it
    /// has not gone within a few seconds.
    pub async fn quit(&self) {
        let gone = self.gone.notified();
        let asked = {
            let inner = self.inner.lock().expect("window lock");
            inner
                .window
                .as_ref()
                .is_some_and(|(_, window)| window.send(ToWindow::Quit).is_ok())
        };
        if asked {
            let _ = tokio::time::timeout(QUIT_PATIENCE, gone).await;
        }
        let kill = self.inner.lock().expect("window lock").kill.take();
        if let Some(kill) = kill {
            let _ = kill.send(());
            // The killer task gets a moment to reap the child before the process ends.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
