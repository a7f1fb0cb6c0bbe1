//! License Companion core: everything the app and the `bwlicense` CLI do, with no GUI.
//!
//! Data flows one way: a caller (CLI or Tauri command) asks a module here, the module talks
//! to files, the network or the OS keychain, and a typed result or a coded error comes back.

pub mod app;
pub mod audit;
pub mod bitwarden;
pub mod crypto;
pub mod error;
pub mod files;
pub mod fleet;
pub mod installation;
pub mod license;
pub mod messages;
pub mod ops;
pub mod renewal;
pub mod secrets;

/// Version of this core library, shown by the CLI and the app's About box.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
