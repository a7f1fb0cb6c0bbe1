//! Shared helpers for the integration and end-to-end tests: where the built binaries are,
//! where test output goes, a WebDriver session on the real app window ([`window::AppWindow`]), `fake`, the
//! Bitwarden-compatible server the tests and the demo mode talk to, [`bw::Bw`],
//! Bitwarden's own CLI run against it, and what window tests [`setup`] before they start.

pub mod bw;
pub mod english;
pub mod fake;
pub mod families;
pub mod ids;
pub mod notifications;
pub mod paths;
pub mod setup;
pub mod webdriver;
pub mod window;
