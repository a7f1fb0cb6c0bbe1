//! The tray on Linux: a StatusNotifierItem with its dbusmenu, spoken over D-Bus (`ksni`),
//! so the tray process links neither GTK nor WebKit. Tray hosts that have no
//! StatusNotifierWatcher yet (or get one later) still find the item on the bus.

use companion_desktop::tray_menu::{Action, Entry, TrayModel};
use ksni::menu::{MenuItem, StandardItem};
use ksni::TrayMethods;

use super::{Actions, View};
use crate::icon;

/// The item as ksni serves it.
struct Item {
    model: TrayModel,
    actions: Actions,
}

impl ksni::Tray for Item {
    fn id(&self) -> String {
        "license-companion".into()
    }

    /// What tray hosts list the item as.
    fn title(&self) -> String {
        "License Companion".into()
    }

    /// A click on the icon itself (where the host sends one) opens the window.
    fn activate(&mut self, _x: i32, _y: i32) {
        let _ = self.actions.send(Action::Open);
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        let pixels = icon::decode(self.model.icon_png());
        vec![ksni::Icon {
            width: pixels.width as i32,
            height: pixels.height as i32,
            data: pixels.argb(),
        }]
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip {
            title: self.model.tooltip(),
            ..ksni::ToolTip::default()
        }
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        self.model
            .menu()
            .into_iter()
            .map(|entry| match entry {
                Entry::Separator => MenuItem::Separator,
                Entry::Item {
                    action,
                    label,
                    enabled,
                } => StandardItem {
                    label,
                    enabled,
                    activate: Box::new(move |item: &mut Item| {
                        let _ = item.actions.send(action.clone());
                    }),
                    ..StandardItem::default()
                }
                .into(),
            })
            .collect()
    }
}

struct Sni(ksni::Handle<Item>);

/// Starts the tray (Linux needs no event loop of its own: D-Bus runs on the async threads).
pub struct Starter;

impl Starter {
    /// Puts the item on the session bus.
    pub async fn start(self, model: TrayModel, actions: Actions) -> Result<Box<dyn View>, String> {
        let handle = Item { model, actions }
            .assume_sni_available(true)
            .spawn()
            .await
            .map_err(|e| e.to_string())?;
        Ok(Box::new(Sni(handle)))
    }
}

impl View for Sni {
    fn show(&self, model: &TrayModel) {
        let handle = self.0.clone();
        let model = model.clone();
        tokio::spawn(async move { handle.update(|item| item.model = model).await });
    }

    fn close(&self) {
        // The request is sent now; the process ends without waiting for its answer.
        drop(self.0.shutdown());
    }
}
