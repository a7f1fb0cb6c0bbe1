//! From the files of an installation to the values the server really uses (contract §5.1):
//! defaults where a key is absent, the Lite mapping where it applies, and a finding for each
//! problem on the way.

use secrecy::SecretString;
use uuid::Uuid;

use super::envfile::{Entry, EnvFile, Malformed};
use super::error::InstallationError;
use super::findings::{phrase, Finding, FindingCode as Code};
use super::{config_yml, lite, Installation, Layout, Origin, Origins, Region};

/// Keys of `global.override.env` the companion reads or writes.
pub(crate) mod keys {
    pub const VAULT: &str = "globalSettings__baseServiceUri__vault";
    pub const REGION: &str = "globalSettings__baseServiceUri__cloudRegion";
    pub const ID: &str = "globalSettings__installation__id";
    pub const KEY: &str = "globalSettings__installation__key";
    pub const API_URI: &str = "globalSettings__installation__apiUri";
    pub const IDENTITY_URI: &str = "globalSettings__installation__identityUri";
    pub const CLOUD: &str = "globalSettings__enableCloudCommunication";
    pub const PUSH_RELAY: &str = "globalSettings__pushRelayBaseUri";
}

/// The installer's placeholder for values the admin must fill in.
pub(crate) const PLACEHOLDER: &str = "REPLACE";

/// Files as read from disk or over SSH, before interpretation.
pub(crate) struct Loaded {
    /// What the person named, for display.
    pub source: String,
    /// The env file's path as shown in messages.
    pub env_path: String,
    /// The env file's file name, which tells Lite (`settings.env`) apart.
    pub env_name: Option<String>,
    pub env_bytes: Vec<u8>,
    pub config: ConfigInput,
}

/// `bwdata/config.yml`, when the layout has one.
pub(crate) enum ConfigInput {
    Absent,
    Text { path: String, text: String },
    Unreadable { path: String, reason: String },
}

/// Interprets loaded files.
pub(crate) fn build(loaded: &Loaded) -> Result<Installation, InstallationError> {
    let env = EnvFile::parse(&loaded.env_path, &loaded.env_bytes)?;
    let layout = lite::layout_of(loaded.env_name.as_deref(), &env);
    let mut findings = Vec::new();
    syntax_findings(&env, &mut findings);

    let (id_key, key_key) = match layout {
        Layout::Standard => (keys::ID, keys::KEY),
        Layout::Lite => (lite::INSTALLATION_ID, lite::INSTALLATION_KEY),
    };
    let (installation_id, id_origin) = installation_id(&env, id_key, &mut findings);
    let (installation_key, key_origin) = installation_key(&env, key_key, &mut findings);
    let (region, region_origin) = region(&env, &mut findings);
    let (api_uri, api_origin) =
        installation_uri(&env, keys::API_URI, Region::Us.api_uri(), &mut findings);
    let (identity_uri, identity_origin) = installation_uri(
        &env,
        keys::IDENTITY_URI,
        Region::Us.identity_uri(),
        &mut findings,
    );
    let (cloud_communication, cloud_origin) = cloud_communication(&env, layout, &mut findings);
    region_findings(&env, region, &api_uri, &identity_uri, layout, &mut findings);
    let (vault_url, vault_origin) = match layout {
        Layout::Standard => standard_vault_url(&env, &loaded.config, &mut findings),
        Layout::Lite => lite_vault_url(&env, &mut findings),
    };

    Ok(Installation {
        installation_id,
        installation_key,
        region,
        vault_url,
        api_uri,
        identity_uri,
        cloud_communication,
        layout,
        source: loaded.source.clone(),
        env_file: loaded.env_path.clone(),
        origins: Origins {
            installation_id: id_origin,
            installation_key: key_origin,
            region: region_origin,
            vault_url: vault_origin,
            api_uri: api_origin,
            identity_uri: identity_origin,
            cloud_communication: cloud_origin,
        },
        findings,
    })
}

fn origin(env: &EnvFile, entry: &Entry) -> Origin {
    Origin::Line {
        file: env.path.clone(),
        line: entry.line,
    }
}

/// The first line for `key`, unless it is empty.
fn set<'a>(env: &'a EnvFile, key: &str) -> Option<&'a Entry> {
    env.get(key).filter(|e| !e.value.trim().is_empty())
}

/// What a value licensing needs still is instead of a real one.
enum Placeholder {
    /// The installer's `REPLACE`.
    Replace,
    /// The example installation ID of all zeros.
    Zeros,
    /// The example key of Lite's `settings.env`.
    LiteExample,
}

fn placeholder(env: &EnvFile, entry: &Entry, what: Placeholder) -> Finding {
    let what = match what {
        Placeholder::Replace => "replace",
        Placeholder::Zeros => "zeros",
        Placeholder::LiteExample => "example",
    };
    Finding::new(
        Code::PlaceholderValue,
        phrase(&format!("placeholder_value.{what}"))
            .with("key", &entry.key)
            .with("line", entry.line)
            .with("path", &env.path),
        phrase("placeholder_value.advice"),
    )
}

fn syntax_findings(env: &EnvFile, findings: &mut Vec<Finding>) {
    for (key, first, ignored) in env.duplicates() {
        findings.push(Finding::new(
            Code::DuplicateKey,
            phrase("duplicate_key")
                .with("key", key)
                .with("first", first)
                .with("ignored", ignored)
                .with("path", &env.path),
            phrase("duplicate_key.advice")
                .with("first", first)
                .with("ignored", ignored),
        ));
    }
    for &(line, why) in &env.malformed {
        let what = match why {
            Malformed::NoEquals => "no_equals",
            Malformed::EmptyKey => "empty_key",
            Malformed::SpaceInKey => "space_in_key",
        };
        findings.push(Finding::new(
            Code::UnparseableLine,
            phrase(&format!("unparseable_line.{what}"))
                .with("line", line)
                .with("path", &env.path),
            phrase("unparseable_line.advice"),
        ));
    }
    for entry in env.entries.iter().filter(|e| e.unbalanced_quote) {
        findings.push(Finding::new(
            Code::UnbalancedQuote,
            phrase("unbalanced_quote")
                .with("key", &entry.key)
                .with("line", entry.line)
                .with("path", &env.path),
            phrase("unbalanced_quote.advice"),
        ));
    }
}

fn installation_id(
    env: &EnvFile,
    key: &str,
    findings: &mut Vec<Finding>,
) -> (Option<Uuid>, Origin) {
    let Some(entry) = set(env, key) else {
        findings.push(Finding::new(
            Code::InstallationIdMissing,
            phrase("installation_id_missing")
                .with("key", key)
                .with("path", &env.path),
            phrase("installation_id_missing.advice").with("key", key),
        ));
        return (
            None,
            env.get(key).map_or(Origin::Default, |e| origin(env, e)),
        );
    };
    let value = entry.value.trim();
    if value == PLACEHOLDER {
        findings.push(placeholder(env, entry, Placeholder::Replace));
        return (None, origin(env, entry));
    }
    match Uuid::parse_str(value) {
        Ok(id) if id.is_nil() => {
            findings.push(placeholder(env, entry, Placeholder::Zeros));
            (None, origin(env, entry))
        }
        Ok(id) => (Some(id), origin(env, entry)),
        Err(_) => {
            findings.push(Finding::new(
                Code::InstallationIdInvalid,
                phrase("installation_id_invalid")
                    .with("key", key)
                    .with("line", entry.line)
                    .with("path", &env.path),
                phrase("installation_id_invalid.advice"),
            ));
            (None, origin(env, entry))
        }
    }
}

fn installation_key(
    env: &EnvFile,
    key: &str,
    findings: &mut Vec<Finding>,
) -> (Option<SecretString>, Origin) {
    let Some(entry) = set(env, key) else {
        findings.push(Finding::new(
            Code::InstallationKeyMissing,
            phrase("installation_key_missing")
                .with("key", key)
                .with("path", &env.path),
            phrase("installation_key_missing.advice").with("key", key),
        ));
        return (
            None,
            env.get(key).map_or(Origin::Default, |e| origin(env, e)),
        );
    };
    let value = entry.value.trim();
    if value == PLACEHOLDER {
        findings.push(placeholder(env, entry, Placeholder::Replace));
        return (None, origin(env, entry));
    }
    if value == lite::EXAMPLE_KEY {
        findings.push(placeholder(env, entry, Placeholder::LiteExample));
        return (None, origin(env, entry));
    }
    (
        Some(SecretString::from(value.to_owned())),
        origin(env, entry),
    )
}

fn region(env: &EnvFile, findings: &mut Vec<Finding>) -> (Region, Origin) {
    let Some(entry) = set(env, keys::REGION) else {
        return (Region::Us, Origin::Default);
    };
    let value = entry.value.trim();
    if value == PLACEHOLDER {
        findings.push(placeholder(env, entry, Placeholder::Replace));
        return (Region::Us, Origin::Default);
    }
    match value.to_ascii_uppercase().as_str() {
        "US" => (Region::Us, origin(env, entry)),
        "EU" => (Region::Eu, origin(env, entry)),
        _ => {
            findings.push(Finding::new(
                Code::RegionUnknown,
                phrase("region_unknown")
                    .with("key", &entry.key)
                    .with("line", entry.line)
                    .with("path", &env.path),
                phrase("region_unknown.advice"),
            ));
            (Region::Us, origin(env, entry))
        }
    }
}

fn installation_uri(
    env: &EnvFile,
    key: &str,
    default: &str,
    findings: &mut Vec<Finding>,
) -> (String, Origin) {
    let Some(entry) = set(env, key) else {
        return (default.to_owned(), Origin::Default);
    };
    let value = entry.value.trim();
    if value == PLACEHOLDER {
        findings.push(placeholder(env, entry, Placeholder::Replace));
    } else if !is_web_url(value) {
        findings.push(Finding::new(
            Code::InstallationUriInvalid,
            phrase("installation_uri_invalid")
                .with("key", key)
                .with("line", entry.line)
                .with("path", &env.path),
            phrase("installation_uri_invalid.advice")
                .with("us", Region::Us.api_uri())
                .with("eu", Region::Eu.api_uri()),
        ));
    }
    (value.to_owned(), origin(env, entry))
}

fn is_web_url(value: &str) -> bool {
    reqwest::Url::parse(value)
        .map(|url| {
            matches!(url.scheme(), "https" | "http")
                && url.host_str().is_some_and(|h| !h.is_empty())
        })
        .unwrap_or(false)
}

fn cloud_communication(
    env: &EnvFile,
    layout: Layout,
    findings: &mut Vec<Finding>,
) -> (bool, Origin) {
    let entry = env.get(keys::CLOUD);
    let value = entry.map(|e| e.value.trim().to_ascii_lowercase());
    let on = value.as_deref() == Some("true");
    let place = entry.map_or(Origin::Default, |e| origin(env, e));
    // The restart differs by layout: the standard script, or recreating Lite's container.
    let fix = phrase(&format!("cloud_communication.advice.{}", layout.name()))
        .with("key", keys::CLOUD)
        .with("path", &env.path);
    match (entry, value.as_deref()) {
        (_, Some("true")) => {}
        (Some(entry), Some(v)) if !v.is_empty() && v != "false" => findings.push(Finding::new(
            Code::CloudCommunicationInvalid,
            phrase("cloud_communication_invalid")
                .with("key", keys::CLOUD)
                .with("line", entry.line)
                .with("path", &env.path),
            fix,
        )),
        _ => {
            let state = match entry {
                Some(e) if e.value.trim().is_empty() => {
                    phrase("cloud_communication_off.empty").with("line", e.line)
                }
                Some(e) => phrase("cloud_communication_off.false").with("line", e.line),
                None => {
                    let commented = env.commented.iter().find(|(k, _)| k == keys::CLOUD);
                    match commented {
                        Some((_, line)) => {
                            phrase("cloud_communication_off.commented").with("line", line)
                        }
                        None => phrase("cloud_communication_off.unset"),
                    }
                }
            };
            findings.push(Finding::new(
                Code::CloudCommunicationOff,
                state.with("key", keys::CLOUD).with("path", &env.path),
                fix,
            ));
        }
    }
    (on, place)
}

/// The region a cloud URL belongs to, if it is one of Bitwarden's.
pub(crate) fn region_of(uri: &str) -> Option<Region> {
    let uri = uri.trim_end_matches('/').to_ascii_lowercase();
    [Region::Us, Region::Eu]
        .into_iter()
        .find(|r| uri == r.api_uri() || uri == r.identity_uri() || uri == r.push_relay_uri())
}

fn region_findings(
    env: &EnvFile,
    region: Region,
    api_uri: &str,
    identity_uri: &str,
    layout: Layout,
    findings: &mut Vec<Finding>,
) {
    // Each URI of the other region, and whether the file sets it or the default applies.
    let wrong: Vec<(&str, &str, &str)> =
        [(keys::API_URI, api_uri), (keys::IDENTITY_URI, identity_uri)]
            .into_iter()
            .filter(|(_, uri)| region_of(uri) == Some(region.other()))
            .map(|(key, uri)| match set(env, key) {
                Some(_) => (key, uri, "set"),
                None => (key, uri, "unset"),
            })
            .collect();
    if !wrong.is_empty() {
        let form: Vec<&str> = wrong.iter().map(|(_, _, form)| *form).collect();
        let mut message = phrase(&format!("region_uri_mismatch.{}", form.join("_")))
            .with("region", region)
            .with("other", region.other());
        for ((key, uri, _), (name, uri_name)) in wrong
            .iter()
            .zip([("first", "firsturi"), ("second", "seconduri")])
        {
            message = message.with(name, key).with(uri_name, uri);
        }
        let fix = match region {
            Region::Eu => phrase(&format!("region_uri_mismatch.advice.eu.{}", layout.name()))
                .with("api", keys::API_URI)
                .with("apiuri", Region::Eu.api_uri())
                .with("identity", keys::IDENTITY_URI)
                .with("identityuri", Region::Eu.identity_uri())
                .with("path", &env.path),
            Region::Us => phrase("region_uri_mismatch.advice.us"),
        };
        findings.push(Finding::new(Code::RegionUriMismatch, message, fix));
    }
    if region == Region::Eu {
        if let Some(entry) =
            set(env, keys::PUSH_RELAY).filter(|e| region_of(&e.value) == Some(Region::Us))
        {
            findings.push(Finding::new(
                Code::PushRelayWrongRegion,
                phrase("push_relay_wrong_region")
                    .with("key", &entry.key)
                    .with("line", entry.line)
                    .with("path", &env.path),
                phrase(&format!("push_relay_wrong_region.advice.{}", layout.name()))
                    .with("uri", Region::Eu.push_relay_uri()),
            ));
        }
    }
}

fn trimmed_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_ascii_lowercase()
}

fn standard_vault_url(
    env: &EnvFile,
    config: &ConfigInput,
    findings: &mut Vec<Finding>,
) -> (Option<String>, Origin) {
    let from_env = set(env, keys::VAULT);
    let from_config = match config {
        ConfigInput::Text { path, text } => {
            config_yml::url(text).map(|(url, line)| (url, path.clone(), line))
        }
        ConfigInput::Unreadable { path, reason } => {
            findings.push(Finding::new(
                Code::ConfigYmlUnreadable,
                phrase("config_yml_unreadable")
                    .with("path", path)
                    .with("reason", reason),
                phrase("config_yml_unreadable.advice"),
            ));
            None
        }
        ConfigInput::Absent => None,
    };
    match (from_env, from_config) {
        (Some(entry), Some((url, path, line))) => {
            if trimmed_url(&entry.value) != trimmed_url(&url) {
                findings.push(Finding::new(
                    Code::VaultUrlMismatch,
                    phrase("vault_url_mismatch")
                        .with("line", entry.line)
                        .with("path", &env.path)
                        .with("configline", line)
                        .with("config", &path),
                    phrase("vault_url_mismatch.advice").with("config", &path),
                ));
            }
            (Some(entry.value.trim().to_owned()), origin(env, entry))
        }
        (Some(entry), None) => (Some(entry.value.trim().to_owned()), origin(env, entry)),
        (None, Some((url, path, line))) => (Some(url), Origin::Line { file: path, line }),
        (None, None) => {
            findings.push(Finding::new(
                Code::VaultUrlMissing,
                phrase("vault_url_missing.standard")
                    .with("key", keys::VAULT)
                    .with("path", &env.path),
                phrase("vault_url_missing.advice.standard"),
            ));
            (None, Origin::Default)
        }
    }
}

fn lite_vault_url(env: &EnvFile, findings: &mut Vec<Finding>) -> (Option<String>, Origin) {
    let (url, origin) = lite::vault_url(env);
    if origin == Origin::Default {
        findings.push(Finding::new(
            Code::VaultUrlMissing,
            phrase("vault_url_missing.lite")
                .with("key", lite::DOMAIN)
                .with("path", &env.path),
            phrase("vault_url_missing.advice.lite"),
        ));
    }
    (Some(url), origin)
}
