//! Bitwarden Lite (the one-container image) keeps its settings in `settings.env`, loaded by
//! docker compose. Its entrypoint maps `BW_INSTALLATION_ID` / `BW_INSTALLATION_KEY` onto
//! the server's installation settings (overriding any `globalSettings__installation__id`
//! there) and builds the vault URL `https://{BW_DOMAIN:-localhost}` unless
//! `globalSettings__baseServiceUri__vault` is set. Every other `globalSettings__...` key in
//! the file reaches the server unchanged.

use super::envfile::EnvFile;
use super::resolve::keys;
use super::{Layout, Origin};

pub(crate) const INSTALLATION_ID: &str = "BW_INSTALLATION_ID";
pub(crate) const INSTALLATION_KEY: &str = "BW_INSTALLATION_KEY";
pub(crate) const DOMAIN: &str = "BW_DOMAIN";

/// The file name Lite's docker-compose.yml loads.
pub(crate) const FILE_NAME: &str = "settings.env";

/// The example key shipped in Lite's `settings.env`, never a real key.
pub(crate) const EXAMPLE_KEY: &str = "xxxxxxxxxxxx";

/// Which layout a file belongs to: `settings.env`, or a file carrying Lite's own keys and
/// not the standard installation ID key, is Lite.
pub(crate) fn layout_of(file_name: Option<&str>, env: &EnvFile) -> Layout {
    let lite_keys = env.get(INSTALLATION_ID).is_some() || env.get(DOMAIN).is_some();
    if file_name == Some(FILE_NAME) || (lite_keys && env.get(keys::ID).is_none()) {
        Layout::Lite
    } else {
        Layout::Standard
    }
}

/// The vault URL the Lite entrypoint gives the server, and where it came from.
pub(crate) fn vault_url(env: &EnvFile) -> (String, Origin) {
    let origin = |line| Origin::Line {
        file: env.path.clone(),
        line,
    };
    if let Some(entry) = env.get(keys::VAULT).filter(|e| !e.value.trim().is_empty()) {
        return (entry.value.trim().to_owned(), origin(entry.line));
    }
    match env.get(DOMAIN).filter(|e| !e.value.trim().is_empty()) {
        Some(entry) => (
            format!("https://{}", entry.value.trim()),
            origin(entry.line),
        ),
        None => ("https://localhost".to_owned(), Origin::Default),
    }
}
