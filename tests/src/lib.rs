//! Shared helpers for the integration and end-to-end tests: where the built binaries are,
//! where test output goes, and a WebDriver session on the real app window.

pub mod paths;
pub mod webdriver;
