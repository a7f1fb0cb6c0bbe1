//! What the desktop app keeps between runs and computes for its screens, with no GUI:
//! the configured instances ([`settings`]), how things stand ([`status`]), the dashboard
//! rows computed from what the servers said ([`dashboard`]), the reminders before a
//! license lapses ([`alerts`]), the warning before the server's license job disables
//! something ([`audit_notice`]), the notice after an automatic renewal
//! ([`renewal_notice`]) and the language to speak ([`locale`]). The Tauri shell only
//! calls into here and into the other core modules.

pub mod alerts;
pub mod audit_notice;
pub mod dashboard;
pub mod locale;
pub mod renewal_notice;
pub mod settings;
pub mod status;

pub use dashboard::Dashboard;
pub use settings::{InstallationPlace, Instance, RenewalSwitch, Settings, SettingsError};
pub use status::Status;
