//! The tray icon and its menu. On Linux only menu items fire (tray clicks do not), so every
//! action lives in the menu: sync every organization, sync one, check the licenses, open the
//! window, quit. The icon shows the worst status found by the last check; the menu lists
//! the organizations that have billing sync and is rebuilt whenever that list changes.

use std::collections::BTreeMap;
use std::sync::Mutex;

use companion_core::app::{locale, Status};
use tauri::image::Image;
use tauri::menu::{IsMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};
use uuid::Uuid;

use crate::commands::billing;
use crate::state::AppState;
use crate::{reminders, window};

pub const TRAY_ID: &str = "main-tray";
/// Menu ids of "Sync <org>" items: `sync:<instance id>:<organization id>`.
const SYNC_PREFIX: &str = "sync:";

/// An organization with billing sync on one instance, as the tray offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayOrg {
    pub instance_id: String,
    pub instance_name: String,
    pub org: Uuid,
    pub name: String,
}

/// The organizations the menu offers, per instance id.
#[derive(Default)]
struct TrayState {
    orgs: Mutex<BTreeMap<String, Vec<TrayOrg>>>,
}

/// Builds the tray with an "unknown" icon; the first check fills in the rest.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    app.manage(TrayState::default());
    // The tray item's title (what tray hosts list it as) is the application name, which
    // GLib otherwise takes from the program file: `license-companion`.
    #[cfg(target_os = "linux")]
    gtk::glib::set_application_name("License Companion");
    let menu = menu(app, &[])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("License Companion")
        .icon(icon(Status::Unknown)?)
        .menu(&menu)
        .on_menu_event(|app, event| on_menu(app, event.id.as_ref()))
        .build(app)?;
    Ok(())
}

/// Shows the worst status in the icon and its tooltip.
pub fn show_status<R: Runtime>(app: &AppHandle<R>, status: Status) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let language = locale::language(&app.state::<AppState>().settings());
    let result = icon(status)
        .and_then(|image| tray.set_icon(Some(image)))
        .and_then(|()| tray.set_tooltip(Some(tooltip(status, &language))));
    if let Err(error) = result {
        tracing::warn!(%error, "could not update the tray icon");
    }
}

/// Replaces the organizations offered for the given instances and rebuilds the menu once
/// when the list changed (a check of hundreds of servers rebuilds it once, not per server).
/// Instances no longer in the settings are dropped.
pub fn set_orgs<R: Runtime>(
    app: &AppHandle<R>,
    by_instance: impl IntoIterator<Item = (String, Vec<TrayOrg>)>,
) {
    let settings = app.state::<AppState>().settings();
    let listed = {
        let state = app.state::<TrayState>();
        let mut all = state.orgs.lock().expect("tray lock");
        let before = all.clone();
        all.extend(by_instance);
        all.retain(|id, _| settings.instances.iter().any(|i| &i.id == id));
        if *all == before {
            return;
        }
        // In the order of the settings, so the menu matches the Instances view.
        settings
            .instances
            .iter()
            .filter_map(|i| all.get(&i.id))
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
    };
    let rebuilt = menu(app, &listed).and_then(|menu| match app.tray_by_id(TRAY_ID) {
        Some(tray) => tray.set_menu(Some(menu)),
        None => Ok(()),
    });
    if let Err(error) = rebuilt {
        tracing::warn!(%error, "could not rebuild the tray menu");
    }
}

fn menu<R: Runtime>(app: &AppHandle<R>, orgs: &[TrayOrg]) -> tauri::Result<Menu<R>> {
    let zh = locale::language(&app.state::<AppState>().settings()).starts_with("zh");
    let text = |en: &str, cn: &str| if zh { cn.to_owned() } else { en.to_owned() };
    let several_instances = orgs.iter().any(|o| o.instance_id != orgs[0].instance_id);
    let open = MenuItem::with_id(
        app,
        "open",
        text("Open License Companion", "打开许可证助手"),
        true,
        None::<&str>,
    )?;
    let sync_all = MenuItem::with_id(
        app,
        "sync-all",
        text("Sync all now", "全部立即同步"),
        !orgs.is_empty(),
        None::<&str>,
    )?;
    let mut per_org = Vec::new();
    for org in orgs {
        let name = if several_instances {
            format!("{} ({})", org.name, org.instance_name)
        } else {
            org.name.clone()
        };
        per_org.push(MenuItem::with_id(
            app,
            format!("{SYNC_PREFIX}{}:{}", org.instance_id, org.org),
            text(&format!("Sync {name}"), &format!("同步 {name}")),
            true,
            None::<&str>,
        )?);
    }
    let check = MenuItem::with_id(
        app,
        "check",
        text("Check licenses now", "立即检查许可证"),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", text("Quit", "退出"), true, None::<&str>)?;
    let first = PredefinedMenuItem::separator(app)?;
    let second = PredefinedMenuItem::separator(app)?;
    let mut items: Vec<&dyn IsMenuItem<R>> = vec![&open, &first, &sync_all];
    items.extend(per_org.iter().map(|item| item as &dyn IsMenuItem<R>));
    items.push(&check);
    items.push(&second);
    items.push(&quit);
    Menu::with_items(app, &items)
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        "open" => window::show_main(app),
        "quit" => app.exit(0),
        "check" => reminders::check_now(app, true),
        "sync-all" => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { billing::sync_from_tray(&app, None).await });
        }
        other => {
            let Some((instance, org)) = other
                .strip_prefix(SYNC_PREFIX)
                .and_then(|rest| rest.rsplit_once(':'))
            else {
                return;
            };
            let Ok(org) = Uuid::parse_str(org) else {
                return;
            };
            let app = app.clone();
            let target = (instance.to_owned(), org);
            tauri::async_runtime::spawn(async move {
                billing::sync_from_tray(&app, Some(target)).await
            });
        }
    }
}

/// The tray icon of a status (64×64 PNGs in `icons/`).
fn icon(status: Status) -> tauri::Result<Image<'static>> {
    let png: &[u8] = match status {
        Status::Ok => include_bytes!("../../icons/tray-ok.png"),
        Status::Warning => include_bytes!("../../icons/tray-warning.png"),
        Status::Error => include_bytes!("../../icons/tray-error.png"),
        Status::Unknown => include_bytes!("../../icons/tray-unknown.png"),
    };
    Image::from_bytes(png)
}

fn tooltip(status: Status, language: &str) -> String {
    let zh = language.starts_with("zh");
    let said = match (status, zh) {
        (Status::Ok, false) => "all licenses fine",
        (Status::Warning, false) => "a license needs attention soon",
        (Status::Error, false) => "a license needs attention now",
        (Status::Unknown, false) => "some licenses could not be checked",
        (Status::Ok, true) => "所有许可证正常",
        (Status::Warning, true) => "有许可证即将需要处理",
        (Status::Error, true) => "有许可证需要立即处理",
        (Status::Unknown, true) => "部分许可证无法检查",
    };
    let name = if zh {
        "许可证助手"
    } else {
        "License Companion"
    };
    format!("{name}: {said}")
}
