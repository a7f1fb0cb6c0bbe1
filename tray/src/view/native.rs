//! The tray on Windows and macOS: the system's own (`tray-icon`, with `muda` menus). Both
//! systems want it made and driven on the main thread, by an event loop (`tao`); the rest
//! of the tray process runs on another thread and talks to the loop through its proxy.

use std::sync::{Arc, Mutex};

use companion_desktop::tray_menu::{Action, Entry, TrayModel};
use tao::event::Event;
use tao::event_loop::{ControlFlow, EventLoopBuilder, EventLoopProxy};
use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

use super::{Actions, View};
use crate::icon;

enum UserEvent {
    Show(TrayModel),
    Menu(MenuEvent),
    Clicked,
    Close,
    Exit(u8),
}

/// Where picked items go, once the tray process has said.
type Slot = Arc<Mutex<Option<Actions>>>;

/// Runs the event loop on this (the main) thread and `body` on another; the process ends
/// with `body`'s exit code.
pub fn run_event_loop(body: impl FnOnce(Starter) -> u8 + Send + 'static) -> ! {
    let event_loop = EventLoopBuilder::<UserEvent>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    let to_loop = Mutex::new(proxy.clone());
    MenuEvent::set_event_handler(Some(move |event| {
        let _ = to_loop
            .lock()
            .expect("proxy lock")
            .send_event(UserEvent::Menu(event));
    }));
    let to_loop = Mutex::new(proxy.clone());
    TrayIconEvent::set_event_handler(Some(move |event| {
        if let TrayIconEvent::Click {
            button: MouseButton::Left,
            button_state: MouseButtonState::Up,
            ..
        } = event
        {
            let _ = to_loop
                .lock()
                .expect("proxy lock")
                .send_event(UserEvent::Clicked);
        }
    }));
    let actions = Slot::default();
    let starter = Starter {
        proxy: proxy.clone(),
        actions: actions.clone(),
    };
    std::thread::spawn(move || {
        let code = body(starter);
        // The loop removes the icon and ends the process; should it not, this thread does.
        let _ = proxy.send_event(UserEvent::Exit(code));
        std::thread::sleep(std::time::Duration::from_secs(2));
        std::process::exit(i32::from(code));
    });
    let mut tray: Option<TrayIcon> = None;
    event_loop.run(move |event, _, control_flow| {
        *control_flow = ControlFlow::Wait;
        let Event::UserEvent(event) = event else {
            return;
        };
        let send = |action: Action| {
            if let Some(actions) = actions.lock().expect("actions lock").as_ref() {
                let _ = actions.send(action);
            }
        };
        match event {
            UserEvent::Show(model) => show(&mut tray, &model),
            UserEvent::Menu(event) => {
                if let Some(action) = Action::from_id(event.id().as_ref()) {
                    send(action);
                }
            }
            UserEvent::Clicked => send(Action::Open),
            UserEvent::Close => tray = None,
            UserEvent::Exit(code) => {
                tray = None;
                std::process::exit(i32::from(code));
            }
        }
    })
}

/// Hands the tray process its view of the tray.
pub struct Starter {
    proxy: EventLoopProxy<UserEvent>,
    actions: Slot,
}

impl Starter {
    /// Shows the tray; picked items go to `actions`.
    pub async fn start(self, model: TrayModel, actions: Actions) -> Result<Box<dyn View>, String> {
        *self.actions.lock().expect("actions lock") = Some(actions);
        let native = Native(Mutex::new(self.proxy));
        native.show(&model);
        Ok(Box::new(native))
    }
}

struct Native(Mutex<EventLoopProxy<UserEvent>>);

impl View for Native {
    fn show(&self, model: &TrayModel) {
        let _ = self
            .0
            .lock()
            .expect("proxy lock")
            .send_event(UserEvent::Show(model.clone()));
    }

    fn close(&self) {
        let _ = self
            .0
            .lock()
            .expect("proxy lock")
            .send_event(UserEvent::Close);
    }
}

/// Makes the tray icon, or brings it up to date (on the event loop's thread).
fn show(tray: &mut Option<TrayIcon>, model: &TrayModel) {
    let pixels = icon::decode(model.icon_png());
    let icon = match tray_icon::Icon::from_rgba(pixels.rgba, pixels.width, pixels.height) {
        Ok(icon) => icon,
        Err(error) => {
            tracing::warn!(%error, "could not make the tray icon");
            return;
        }
    };
    let menu = Menu::new();
    for entry in model.menu() {
        let added = match entry {
            Entry::Separator => menu.append(&PredefinedMenuItem::separator()),
            Entry::Item {
                action,
                label,
                enabled,
            } => menu.append(&MenuItem::with_id(action.id(), label, enabled, None)),
        };
        if let Err(error) = added {
            tracing::warn!(%error, "could not build the tray menu");
        }
    }
    match tray {
        Some(tray) => {
            if let Err(error) = tray
                .set_icon(Some(icon))
                .and_then(|()| tray.set_tooltip(Some(model.tooltip())))
            {
                tracing::warn!(%error, "could not update the tray icon");
            }
            tray.set_menu(Some(Box::new(menu)));
        }
        None => {
            let built = TrayIconBuilder::new()
                .with_id("license-companion")
                .with_icon(icon)
                .with_tooltip(model.tooltip())
                .with_menu(Box::new(menu))
                .build();
            match built {
                Ok(built) => *tray = Some(built),
                Err(error) => tracing::error!(%error, "could not show the tray icon"),
            }
        }
    }
}
