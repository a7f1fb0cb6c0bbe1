//! What the tray shows, whatever draws it: the menu's items, the icon of a status and its
//! tooltip. On Linux only menu items fire (tray clicks do not), so every action lives in
//! the menu: open the window, sync every organization, sync one, check the licenses, quit.
//! The menu lists the organizations that have billing sync, in the order of the settings.

use std::collections::BTreeMap;

use companion_core::app::{locale, Settings, Status};
use companion_core::messages::text;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Menu ids of "Sync <org>" items: `sync:<instance id>:<organization id>`.
const SYNC_PREFIX: &str = "sync:";

/// An organization with billing sync on one instance, as the tray offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrayOrg {
    pub instance_id: String,
    pub instance_name: String,
    pub org: Uuid,
    pub name: String,
}

/// What picking a menu item does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Open,
    SyncAll,
    Sync { instance_id: String, org: Uuid },
    Check,
    Quit,
}

impl Action {
    /// The item id a tray library carries for this action.
    pub fn id(&self) -> String {
        match self {
            Action::Open => "open".into(),
            Action::SyncAll => "sync-all".into(),
            Action::Sync { instance_id, org } => format!("{SYNC_PREFIX}{instance_id}:{org}"),
            Action::Check => "check".into(),
            Action::Quit => "quit".into(),
        }
    }

    /// The action of an item id; `None` for an id this menu never made.
    pub fn from_id(id: &str) -> Option<Action> {
        match id {
            "open" => Some(Action::Open),
            "sync-all" => Some(Action::SyncAll),
            "check" => Some(Action::Check),
            "quit" => Some(Action::Quit),
            other => {
                let (instance_id, org) = other.strip_prefix(SYNC_PREFIX)?.rsplit_once(':')?;
                Some(Action::Sync {
                    instance_id: instance_id.to_owned(),
                    org: Uuid::parse_str(org).ok()?,
                })
            }
        }
    }
}

/// One line of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Item {
        action: Action,
        label: String,
        enabled: bool,
    },
    Separator,
}

/// The tray's state: the worst status of the last check, the organizations it offers and
/// the language it speaks. Each process that draws a tray keeps one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayModel {
    pub status: Status,
    pub language: String,
    /// The organizations offered, per instance id.
    orgs: BTreeMap<String, Vec<TrayOrg>>,
    /// The order of the instances in the settings.
    order: Vec<String>,
}

impl Default for TrayModel {
    /// Before the first check: status unknown, English until the settings are read.
    fn default() -> Self {
        TrayModel {
            status: Status::Unknown,
            language: "en".into(),
            orgs: BTreeMap::new(),
            order: Vec::new(),
        }
    }
}

impl TrayModel {
    /// Replaces the organizations offered for the given instances and takes the settings'
    /// instances and language; instances no longer in the settings are dropped. True when
    /// the menu changed (a check of hundreds of servers so rebuilds it once, not per server).
    pub fn set_orgs(
        &mut self,
        settings: &Settings,
        by_instance: impl IntoIterator<Item = (String, Vec<TrayOrg>)>,
    ) -> bool {
        let before = self.clone();
        self.orgs.extend(by_instance);
        self.orgs
            .retain(|id, _| settings.instances.iter().any(|i| &i.id == id));
        self.order = settings.instances.iter().map(|i| i.id.clone()).collect();
        self.language = locale::language(settings);
        *self != before
    }

    /// Takes a new status; true when it changed.
    pub fn set_status(&mut self, status: Status) -> bool {
        std::mem::replace(&mut self.status, status) != status
    }

    /// The organizations offered, in the order of the settings (as the Instances view).
    pub fn orgs(&self) -> Vec<&TrayOrg> {
        self.order
            .iter()
            .filter_map(|id| self.orgs.get(id))
            .flatten()
            .collect()
    }

    /// The menu, top to bottom.
    pub fn menu(&self) -> Vec<Entry> {
        let say = |key: &str, values: &[(&str, &str)]| text(&self.language, key, values);
        let orgs = self.orgs();
        let several_instances = orgs.iter().any(|o| o.instance_id != orgs[0].instance_id);
        let item = |action, label, enabled| Entry::Item {
            action,
            label,
            enabled,
        };
        let mut menu = vec![
            item(Action::Open, say("tray.open", &[]), true),
            Entry::Separator,
            item(Action::SyncAll, say("tray.syncAll", &[]), !orgs.is_empty()),
        ];
        for org in &orgs {
            let name = if several_instances {
                format!("{} ({})", org.name, org.instance_name)
            } else {
                org.name.clone()
            };
            menu.push(item(
                Action::Sync {
                    instance_id: org.instance_id.clone(),
                    org: org.org,
                },
                say("tray.sync", &[("name", &name)]),
                true,
            ));
        }
        menu.push(item(Action::Check, say("tray.check", &[]), true));
        menu.push(Entry::Separator);
        menu.push(item(Action::Quit, say("tray.quit", &[]), true));
        menu
    }

    /// The icon of the current status, a 64×64 PNG.
    pub fn icon_png(&self) -> &'static [u8] {
        match self.status {
            Status::Ok => include_bytes!("../../icons/tray-ok.png"),
            Status::Warning => include_bytes!("../../icons/tray-warning.png"),
            Status::Error => include_bytes!("../../icons/tray-error.png"),
            Status::Unknown => include_bytes!("../../icons/tray-unknown.png"),
        }
    }

    /// The tooltip: the app's name and what the status means.
    pub fn tooltip(&self) -> String {
        let status = match self.status {
            Status::Ok => "tray.status.ok",
            Status::Warning => "tray.status.warning",
            Status::Error => "tray.status.error",
            Status::Unknown => "tray.status.unknown",
        };
        let status = text(&self.language, status, &[]);
        let app = self.title();
        text(
            &self.language,
            "tray.tooltip",
            &[("app", &app), ("status", &status)],
        )
    }

    /// The app's name in the tray's language.
    pub fn title(&self) -> String {
        text(&self.language, "app.title", &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use companion_core::app::Instance;

    fn settings(ids: &[&str]) -> Settings {
        Settings {
            instances: ids
                .iter()
                .map(|id| Instance {
                    id: (*id).into(),
                    name: format!("Vault {id}"),
                    url: format!("https://{id}.example.org"),
                    ca_file: None,
                    installation: None,
                    renew_automatically: Vec::new(),
                })
                .collect(),
            ..Settings::default()
        }
    }

    fn org(instance: &str, name: &str, n: u128) -> TrayOrg {
        TrayOrg {
            instance_id: instance.into(),
            instance_name: format!("Vault {instance}"),
            org: Uuid::from_u128(n),
            name: name.into(),
        }
    }

    fn labels(model: &TrayModel) -> Vec<String> {
        model
            .menu()
            .into_iter()
            .map(|entry| match entry {
                Entry::Item { label, .. } => label,
                Entry::Separator => "—".into(),
            })
            .collect()
    }

    #[test]
    fn every_item_id_names_its_action_again() {
        let mut model = TrayModel::default();
        model.set_orgs(&settings(&["a"]), [("a".into(), vec![org("a", "Acme", 7)])]);
        for entry in model.menu() {
            if let Entry::Item { action, .. } = entry {
                assert_eq!(Action::from_id(&action.id()), Some(action));
            }
        }
        assert_eq!(Action::from_id("sync:a:not-a-uuid"), None);
        assert_eq!(Action::from_id("other"), None);
    }

    #[test]
    fn organizations_follow_the_settings_order_and_name_their_server_when_there_are_several() {
        let mut model = TrayModel::default();
        let settings = settings(&["b", "a"]);
        assert!(model.set_orgs(&settings, [("a".into(), vec![org("a", "Acme", 1)])]));
        assert_eq!(
            labels(&model),
            [
                "Open License Companion",
                "—",
                "Sync all now",
                "Sync Acme",
                "Check licenses now",
                "—",
                "Quit"
            ]
        );
        assert!(model.set_orgs(&settings, [("b".into(), vec![org("b", "Bolt", 2)])]));
        assert_eq!(
            labels(&model)[3..5],
            ["Sync Bolt (Vault b)", "Sync Acme (Vault a)"]
        );
        // The same answer again changes nothing, so the menu is not rebuilt.
        assert!(!model.set_orgs(&settings, [("b".into(), vec![org("b", "Bolt", 2)])]));
    }

    #[test]
    fn sync_all_is_greyed_out_without_organizations_and_removed_servers_drop_theirs() {
        let mut model = TrayModel::default();
        model.set_orgs(&settings(&["a"]), [("a".into(), vec![org("a", "Acme", 1)])]);
        assert!(model.set_orgs(&settings(&[]), []));
        let sync_all = model.menu().into_iter().find_map(|entry| match entry {
            Entry::Item {
                action: Action::SyncAll,
                enabled,
                ..
            } => Some(enabled),
            _ => None,
        });
        assert_eq!(sync_all, Some(false));
    }

    #[test]
    fn the_menu_and_tooltip_speak_the_settings_language() {
        let mut model = TrayModel::default();
        let mut chinese = settings(&[]);
        chinese.language = Some("zh-CN".into());
        assert!(model.set_orgs(&chinese, []));
        assert_eq!(labels(&model)[0], "打开许可证助手");
        assert!(model.set_status(Status::Error));
        assert_eq!(model.tooltip(), "许可证助手: 有许可证需要立即处理");
        assert!(!model.set_status(Status::Error));
    }
}
