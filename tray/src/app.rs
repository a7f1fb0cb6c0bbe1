//! The tray process: one per settings folder. It holds the tray, runs the background
//! checks, renewals, reminders and syncs from the menu, and starts the window process when
//! the person opens it. A second launch only asks this one to open the window.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use companion_core::app::alerts::Notice;
use companion_desktop::check::{Checked, Checker};
use companion_desktop::ipc::{self, Address, Bound, Connection, Listener, ToTray};
use companion_desktop::notify;
use companion_desktop::state::AppState;
use companion_desktop::sync::sync_from_tray;
use companion_desktop::tray_menu::{Action, TrayModel, TrayOrg};
use tokio::sync::mpsc;

use crate::view::{NoIcon, Starter, View};
use crate::window_process::WindowProcess;

/// How the tray process was started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// At login: no window until the person opens one.
    pub hidden: bool,
    /// By a window process that found no tray: no window of its own, and the first check
    /// waits for that window's first view.
    pub for_window: bool,
}

impl Options {
    /// Reads `--hidden` and `--for-window`; other arguments are ignored.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Options {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                companion_desktop::autostart::HIDDEN_ARG => options.hidden = true,
                companion_desktop::process::FOR_WINDOW_ARG => options.for_window = true,
                _ => {}
            }
        }
        options
    }
}

struct Tray {
    state: Arc<AppState>,
    model: Mutex<TrayModel>,
    view: Box<dyn View>,
    window: WindowProcess,
    checker: Arc<Checker>,
    actions: mpsc::UnboundedSender<Action>,
    /// No tray icon could be shown: closing the window ends the app.
    iconless: bool,
}

/// This process is the tray of its settings folder, listening for windows.
pub struct Claimed {
    options: Options,
    state: Arc<AppState>,
    listener: Listener,
}

/// Becomes the tray of the settings folder, or hands over to the one already running
/// (then the process is done, with this exit code).
pub async fn claim(options: Options) -> Result<Claimed, ExitCode> {
    let state = match AppState::load() {
        Ok(state) => Arc::new(state),
        Err(error) => {
            let problem = error.problem();
            tracing::error!(code = %problem.code, "{}", problem.message);
            notify::show(&Notice {
                title: "License Companion could not start".into(),
                body: format!("{} {}", problem.message, problem.advice),
            });
            return Err(ExitCode::FAILURE);
        }
    };
    let address = Address::for_settings(&state.folders.config);
    match Listener::bind(&address).await {
        Ok(Bound::Listening(listener)) => Ok(Claimed {
            options,
            state,
            listener,
        }),
        Ok(Bound::Taken) => Err(ask_the_running_tray(&address, options).await),
        Err(error) => {
            tracing::error!(%error, "could not listen for the window");
            Err(ExitCode::FAILURE)
        }
    }
}

/// Runs the tray process until "Quit".
pub async fn run(claimed: Claimed, starter: Starter) -> ExitCode {
    let Claimed {
        options,
        state,
        listener,
    } = claimed;
    // The window first: nothing the tray does at start delays the person's window.
    let window = WindowProcess::default();
    if !options.hidden && !options.for_window {
        window.open();
    }
    let mut model = TrayModel::default();
    model.set_orgs(&state.settings(), []);
    let (actions, mut picked) = mpsc::unbounded_channel();
    let (view, iconless) = match starter.start(model.clone(), actions.clone()).await {
        Ok(view) => (view, false),
        Err(error) => {
            tracing::warn!(%error, "no tray icon; the window is the app's only face");
            (Box::new(NoIcon) as Box<dyn View>, true)
        }
    };
    let tray = Arc::new_cyclic(|me: &std::sync::Weak<Tray>| {
        let me = me.clone();
        let after_first_page = !options.hidden;
        let checker = Checker::start(state.clone(), after_first_page, move |checked| {
            if let Some(tray) = me.upgrade() {
                tray.checked(checked);
            }
        });
        Tray {
            state,
            model: Mutex::new(model),
            view,
            window,
            checker,
            actions,
            iconless,
        }
    });
    tokio::spawn(serve(listener, tray.clone()));
    quit_on_signals(tray.actions.clone());
    if iconless && options.hidden {
        tray.window.open();
    }
    while let Some(action) = picked.recv().await {
        if action == Action::Quit {
            break;
        }
        tray.pick(action);
    }
    tracing::info!("quitting");
    tray.window.quit().await;
    tray.view.close();
    ExitCode::SUCCESS
}

/// The session ending (SIGTERM) or Ctrl-C in a terminal quits as "Quit" does, window and
/// all.
fn quit_on_signals(actions: mpsc::UnboundedSender<Action>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut interrupt)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = interrupt.recv() => {}
        }
        let _ = actions.send(Action::Quit);
    });
    #[cfg(not(unix))]
    drop(actions);
}

/// Another tray process serves this settings folder: a plain launch asks it for the
/// window; a login start or a window's start leaves it be.
async fn ask_the_running_tray(address: &Address, options: Options) -> ExitCode {
    if options.hidden || options.for_window {
        return ExitCode::SUCCESS;
    }
    let asked = match ipc::connect(address).await {
        Ok(mut tray) => tray.send(&ToTray::Open).await,
        Err(error) => Err(error),
    };
    match asked {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the running License Companion did not answer");
            ExitCode::FAILURE
        }
    }
}

/// Takes connections from windows and second launches.
async fn serve(mut listener: Listener, tray: Arc<Tray>) {
    loop {
        match listener.accept().await {
            Ok(connection) => {
                tokio::spawn(serve_one(connection, tray.clone()));
            }
            Err(error) => tracing::warn!(%error, "a connection failed"),
        }
    }
}

async fn serve_one(connection: Connection, tray: Arc<Tray>) {
    let (mut incoming, outgoing) = connection.split();
    let mut outgoing = Some(outgoing);
    let mut window = None;
    loop {
        let message = match incoming.receive::<ToTray>().await {
            Ok(Some(message)) => message,
            Ok(None) => break,
            Err(error) => {
                tracing::warn!(%error, "a message the tray does not understand; connection closed");
                break;
            }
        };
        match message {
            ToTray::Open => {
                let _ = tray.actions.send(Action::Open);
            }
            ToTray::Window => {
                if let Some(outgoing) = outgoing.take() {
                    window = tray.window.attach(outgoing);
                }
            }
            ToTray::Changed => tray.checker.check_now(false),
            ToTray::PagePainted => tray.checker.page_painted(),
            ToTray::Orgs { instance_id, orgs } => tray.offer(instance_id, orgs),
        }
    }
    if let Some(number) = window {
        tray.window.detach(number);
        // What the window changed before it went (or died) is on disk: look again.
        tray.checker.check_now(false);
        if tray.iconless {
            let _ = tray.actions.send(Action::Quit);
        }
    }
}

impl Tray {
    fn pick(self: &Arc<Self>, action: Action) {
        match action {
            Action::Open => self.window.open(),
            Action::Check => self.checker.check_now(true),
            Action::SyncAll => self.sync(None),
            Action::Sync { instance_id, org } => self.sync(Some((instance_id, org))),
            Action::Quit => {}
        }
    }

    fn sync(self: &Arc<Self>, target: Option<(String, uuid::Uuid)>) {
        let tray = self.clone();
        tokio::spawn(async move {
            sync_from_tray(&tray.state, target).await;
            tray.checker.check_now(false);
        });
    }

    /// A check's findings: the icon's status and the organizations offered.
    fn checked(&self, checked: Checked) {
        let mut model = self.model.lock().expect("model lock");
        let changed = model.set_orgs(&checked.settings, checked.orgs);
        if model.set_status(checked.worst) | changed {
            self.view.show(&model);
        }
    }

    /// The window read an instance's organizations with billing sync.
    fn offer(&self, instance_id: String, orgs: Vec<TrayOrg>) {
        let settings = self.state.reload_settings();
        let mut model = self.model.lock().expect("model lock");
        if model.set_orgs(&settings, [(instance_id, orgs)]) {
            self.view.show(&model);
        }
    }
}
