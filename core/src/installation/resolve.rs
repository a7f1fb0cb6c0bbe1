//! From the files of an installation to the values the server really uses (contract §5.1):
//! defaults where a key is absent, the Lite mapping where it applies, and a finding for each
//! problem on the way.

use secrecy::SecretString;
use uuid::Uuid;

use super::envfile::{Entry, EnvFile, Malformed};
use super::error::InstallationError;
use super::findings::{Finding, FindingCode as Code};
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

fn placeholder(env: &EnvFile, entry: &Entry, why: &str) -> Finding {
    Finding::new(
        Code::PlaceholderValue,
        format!(
            "{} on line {} of {} is still {why}, so licensing cannot use it.",
            entry.key, entry.line, env.path
        ),
        "Replace it with the real value (installation ID and key: https://bitwarden.com/host), then restart the server.",
    )
}

fn syntax_findings(env: &EnvFile, findings: &mut Vec<Finding>) {
    for (key, first, ignored) in env.duplicates() {
        findings.push(Finding::new(
            Code::DuplicateKey,
            format!("{key} is set on line {first} and again on line {ignored} of {}: only line {first} counts, line {ignored} is ignored.", env.path),
            format!("Delete line {ignored} (or move its value to line {first}) so every tool reads the same value."),
        ));
    }
    for &(line, why) in &env.malformed {
        let what = match why {
            Malformed::NoEquals => "is not a setting: it has no '=' and does not start with '#'",
            Malformed::EmptyKey => "has no key before its '='",
            Malformed::SpaceInKey => {
                "has spaces in or around its key, so Bitwarden's Setup never finds it"
            }
        };
        findings.push(Finding::new(
            Code::UnparseableLine,
            format!("Line {line} of {} {what}.", env.path),
            "Write settings as KEY=value with nothing around the '=', and start comments with '#'.",
        ));
    }
    for entry in env.entries.iter().filter(|e| e.unbalanced_quote) {
        findings.push(Finding::new(
            Code::UnbalancedQuote,
            format!("The value of {} on line {} of {} has a quote that is not closed.", entry.key, entry.line, env.path),
            "Wrap the whole value in one pair of double quotes and write quotes inside it as \\\", or drop the quotes.",
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
            format!("No installation ID: {key} is missing or empty in {}.", env.path),
            format!("Get your installation ID and key at https://bitwarden.com/host (for the region you host in), set {key}, and restart the server."),
        ));
        return (
            None,
            env.get(key).map_or(Origin::Default, |e| origin(env, e)),
        );
    };
    let value = entry.value.trim();
    if value == PLACEHOLDER {
        findings.push(placeholder(env, entry, "the placeholder REPLACE"));
        return (None, origin(env, entry));
    }
    match Uuid::parse_str(value) {
        Ok(id) if id.is_nil() => {
            findings.push(placeholder(env, entry, "the example ID of all zeros"));
            (None, origin(env, entry))
        }
        Ok(id) => (Some(id), origin(env, entry)),
        Err(_) => {
            findings.push(Finding::new(
                Code::InstallationIdInvalid,
                format!("{key} on line {} of {} is not a GUID.", entry.line, env.path),
                "An installation ID looks like 1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d. Copy it again from https://bitwarden.com/host or from the admin portal (/admin).",
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
            format!("No installation key: {key} is missing or empty in {}, so billing sync cannot log in to Bitwarden cloud.", env.path),
            format!("Set {key} to the key you got with the installation ID at https://bitwarden.com/host, then restart the server."),
        ));
        return (
            None,
            env.get(key).map_or(Origin::Default, |e| origin(env, e)),
        );
    };
    let value = entry.value.trim();
    if value == PLACEHOLDER {
        findings.push(placeholder(env, entry, "the placeholder REPLACE"));
        return (None, origin(env, entry));
    }
    if value == lite::EXAMPLE_KEY {
        findings.push(placeholder(
            env,
            entry,
            "the example key from Bitwarden Lite's settings.env",
        ));
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
        findings.push(placeholder(env, entry, "the placeholder REPLACE"));
        return (Region::Us, Origin::Default);
    }
    match value.to_ascii_uppercase().as_str() {
        "US" => (Region::Us, origin(env, entry)),
        "EU" => (Region::Eu, origin(env, entry)),
        _ => {
            findings.push(Finding::new(
                Code::RegionUnknown,
                format!("{} on line {} of {} is neither US nor EU.", entry.key, entry.line, env.path),
                "Set it to US or EU, the region where your organization's cloud subscription lives, then restart the server.",
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
        findings.push(placeholder(env, entry, "the placeholder REPLACE"));
    } else if !is_web_url(value) {
        findings.push(Finding::new(
            Code::InstallationUriInvalid,
            format!("{key} on line {} of {} is not an absolute https URL.", entry.line, env.path),
            format!("Set it to the cloud URL of your region ({} or {}), or delete the line to use the US default.", Region::Us.api_uri(), Region::Eu.api_uri()),
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

/// Restart instruction for messages: the standard script, or recreating Lite's container.
pub(crate) fn restart_hint(layout: Layout) -> &'static str {
    match layout {
        Layout::Standard => "restart the server with `./bitwarden.sh restart`",
        Layout::Lite => "recreate the container with `docker compose up -d --force-recreate` in the folder holding settings.env",
    }
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
    let fix = format!(
        "Set {}=true in {} and {}.",
        keys::CLOUD,
        env.path,
        restart_hint(layout)
    );
    match (entry, value.as_deref()) {
        (_, Some("true")) => {}
        (Some(entry), Some(v)) if !v.is_empty() && v != "false" => findings.push(Finding::new(
            Code::CloudCommunicationInvalid,
            format!("{} on line {} of {} is neither true nor false; the server does not treat it as on.", keys::CLOUD, entry.line, env.path),
            fix,
        )),
        _ => {
            let state = match entry {
                Some(e) if e.value.trim().is_empty() => {
                    format!("{} is empty on line {} (default false)", keys::CLOUD, e.line)
                }
                Some(e) => format!("{} is false on line {}", keys::CLOUD, e.line),
                None => {
                    let commented = env.commented.iter().find(|(k, _)| k == keys::CLOUD);
                    match commented {
                        Some((_, line)) => format!("{} is commented out on line {line} (default false)", keys::CLOUD),
                        None => format!("{} is not set (default false)", keys::CLOUD),
                    }
                }
            };
            findings.push(Finding::new(
                Code::CloudCommunicationOff,
                format!("Cloud communication is off: {state} in {}. Billing sync and Families sponsorship sync cannot reach Bitwarden cloud.", env.path),
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
    let wrong: Vec<String> = [(keys::API_URI, api_uri), (keys::IDENTITY_URI, identity_uri)]
        .into_iter()
        .filter(|(_, uri)| region_of(uri) == Some(region.other()))
        .map(|(key, uri)| match set(env, key) {
            Some(_) => format!("{key} ({uri})"),
            None => format!("{key} (not set, so {uri})"),
        })
        .collect();
    if !wrong.is_empty() {
        let fix = match region {
            Region::Eu => format!(
                "Add {}={} and {}={} to {}, then {}.",
                keys::API_URI,
                Region::Eu.api_uri(),
                keys::IDENTITY_URI,
                Region::Eu.identity_uri(),
                env.path,
                restart_hint(layout)
            ),
            Region::Us => "Decide which region the installation belongs to (Bitwarden cloud tells which region knows its ID), then make cloudRegion and both installation URIs agree and restart the server.".to_owned(),
        };
        findings.push(Finding::new(
            Code::RegionUriMismatch,
            format!(
                "The region is {region}, but {} point at Bitwarden's {} cloud: billing sync and sponsorship sync would talk to the wrong region.",
                wrong.join(" and "),
                region.other()
            ),
            fix,
        ));
    }
    if region == Region::Eu {
        if let Some(entry) =
            set(env, keys::PUSH_RELAY).filter(|e| region_of(&e.value) == Some(Region::Us))
        {
            findings.push(Finding::new(
                Code::PushRelayWrongRegion,
                format!(
                    "{} on line {} of {} points at the US push relay on an EU installation.",
                    entry.key, entry.line, env.path
                ),
                format!(
                    "Set it to {} and {}.",
                    Region::Eu.push_relay_uri(),
                    restart_hint(layout)
                ),
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
                format!("{path} could not be read ({reason}), so the vault URL could not be checked against it."),
                "Run the command as a user that can read the whole bwdata folder (for example with sudo).",
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
                    format!("The vault URL on line {} of {} differs from url on line {line} of {path}.", entry.line, env.path),
                    format!("Setup rewrites the env file from config.yml on the next update or rebuild. Put the right URL in {path} and run `./bitwarden.sh rebuild`, then `./bitwarden.sh restart`."),
                ));
            }
            (Some(entry.value.trim().to_owned()), origin(env, entry))
        }
        (Some(entry), None) => (Some(entry.value.trim().to_owned()), origin(env, entry)),
        (None, Some((url, path, line))) => (Some(url), Origin::Line { file: path, line }),
        (None, None) => {
            findings.push(Finding::new(
                Code::VaultUrlMissing,
                format!("Neither {} in {} nor url in config.yml gives the vault URL.", keys::VAULT, env.path),
                "Set url in bwdata/config.yml to the address people open in a browser, then run `./bitwarden.sh rebuild` and `./bitwarden.sh restart`.",
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
            format!("{} is not set in {}, so the server calls itself https://localhost.", lite::DOMAIN, env.path),
            "Set BW_DOMAIN to the host name people open in a browser, then recreate the container with `docker compose up -d --force-recreate`.",
        ));
    }
    (Some(url), origin)
}
