//! Commands the web view may call, one module per screen. Each is granted by name in
//! `capabilities/main.json` and only calls into `companion_core`. Every failure reaches the
//! page as a [`CommandError`](crate::error::CommandError): code, message, advice.

pub mod app;
pub mod autostart;
pub mod billing;
pub mod dashboard;
pub mod instances;
pub mod signin;
