//! What the desktop app keeps between runs and computes for its screens, with no GUI:
//! the configured instances ([`settings`]), how things stand ([`status`]) and the reminders
//! before a license lapses ([`alerts`]). The Tauri shell only calls into here and into
//! the other core modules.

pub mod alerts;
pub mod settings;
pub mod status;

pub use settings::{InstallationPlace, Instance, Settings, SettingsError};
pub use status::Status;
