//! What the two desktop processes share, with no GUI: the running app's state, the jobs
//! the tray and the window both run (the dashboard, the background license check,
//! automatic renewals, syncs from the tray menu), desktop notifications, start at login,
//! and the local channel between the tray process and the window process.
//!
//! The tray process (`tray/`) never loads a web view; the window process (`src-tauri/`) is
//! started on demand and ends when its window closes. Both read and write the same
//! settings, keychain and files, so either can die without losing anything.

pub mod autostart;
pub mod check;
pub mod dashboard;
pub mod error;
pub mod installation;
pub mod ipc;
pub mod logging;
pub mod notify;
pub mod process;
pub mod renewals;
pub mod state;
pub mod sync;
pub mod tray_menu;
pub mod words;
