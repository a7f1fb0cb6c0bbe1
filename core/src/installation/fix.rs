//! The one safe edit: turn cloud communication on (and, for an EU installation, point the
//! installation URIs and an existing US push relay at the EU cloud, contract §5.1).
//!
//! The env file holds the database password and the installation key, so the edit is
//! careful: every other line is kept byte for byte (CRLF, BOM, comments, odd lines), a
//! timestamped backup is written beside it, the new file is written to a temporary file in
//! the same folder, synced and renamed over the old one with the same mode and owner, and
//! nothing is written if the file changed since it was read. A remote file is never
//! written: the exact shell commands are returned instead.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::envfile::{split_lines, EnvFile};
use super::error::{io_error, InstallationError};
use super::lite;
use super::locate::{locate, read_capped, usual_places};
use super::resolve::{keys, region_of, PLACEHOLDER};
use super::ssh::{self, sh_quote, SshTarget};
use super::{Layout, Region, Source};
use crate::files::{self, Access};

/// One line set by the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub key: &'static str,
    pub value: String,
    /// The line replaced in place (1-based), or `None` when the line is appended.
    pub line: Option<usize>,
}

/// What the fix did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixOutcome {
    /// Everything was already set; nothing was written.
    NothingToDo,
    /// The file was rewritten; the original is at `backup`.
    Written { backup: PathBuf },
    /// A remote installation: the commands to run on the server, in order.
    Commands(Vec<String>),
}

/// The fix and what to do after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixReport {
    pub env_file: String,
    pub layout: Layout,
    pub changes: Vec<Change>,
    pub outcome: FixOutcome,
    /// The command that makes the server read the new settings.
    pub restart: String,
}

/// Enables cloud communication for the installation at `source`: writes a local file,
/// or returns the commands for a remote one.
pub fn enable_cloud_communication(source: &Source) -> Result<FixReport, InstallationError> {
    match source {
        Source::Path(path) => write_fix(&locate(path)?.env, &mut || {}),
        Source::Ssh(target) => remote_fix(target),
        Source::Discover => {
            let places = usual_places();
            let found = places.iter().find(|p| p.exists()).ok_or_else(|| {
                InstallationError::NoneDiscovered {
                    searched: places
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?;
            write_fix(&locate(found)?.env, &mut || {})
        }
    }
}

/// Applies the fix to the local env file at `path`. `before_rename` runs after the new file
/// is written and synced and before the content check and rename (tests use it to change
/// the file under the fix).
pub fn write_fix(
    path: &Path,
    before_rename: &mut dyn FnMut(),
) -> Result<FixReport, InstallationError> {
    let display = path.display().to_string();
    let original = read_capped(path)?;
    let env = EnvFile::parse(&display, &original)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let layout = lite::layout_of(name.as_deref(), &env);
    let changes = plan(&env);
    let restart = local_restart(path, layout);
    if changes.is_empty() {
        return Ok(FixReport {
            env_file: display,
            layout,
            changes,
            outcome: FixOutcome::NothingToDo,
            restart,
        });
    }
    let updated = apply(&original, &changes);
    let backup = replace_file(path, &original, &updated, before_rename)?;
    Ok(FixReport {
        env_file: display,
        layout,
        changes,
        outcome: FixOutcome::Written { backup },
        restart,
    })
}

/// The lines to set, given the file as it is.
fn plan(env: &EnvFile) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut set = |key: &'static str, value: &str| {
        changes.push(Change {
            key,
            value: value.to_owned(),
            line: env.get(key).map(|e| e.line),
        })
    };
    let cloud = env
        .get(keys::CLOUD)
        .map(|e| e.value.trim().to_ascii_lowercase());
    if cloud.as_deref() != Some("true") {
        set(keys::CLOUD, "true");
    }
    let eu = env
        .get(keys::REGION)
        .is_some_and(|e| e.value.trim().eq_ignore_ascii_case("EU"));
    if eu {
        // Replace only what is unset, a placeholder or the US cloud: a custom URI (a proxy)
        // is the admin's choice.
        for (key, target) in [
            (keys::API_URI, Region::Eu.api_uri()),
            (keys::IDENTITY_URI, Region::Eu.identity_uri()),
        ] {
            let current = env
                .get(key)
                .map(|e| e.value.trim().to_owned())
                .unwrap_or_default();
            if current.is_empty()
                || current == PLACEHOLDER
                || region_of(&current) == Some(Region::Us)
            {
                set(key, target);
            }
        }
        if env
            .get(keys::PUSH_RELAY)
            .is_some_and(|e| region_of(&e.value) == Some(Region::Us))
        {
            set(keys::PUSH_RELAY, Region::Eu.push_relay_uri());
        }
    }
    changes
}

/// The file with `changes` applied: replaced lines keep their line ending, appended lines
/// use the file's own ending, and every other byte stays as it was.
fn apply(original: &[u8], changes: &[Change]) -> Vec<u8> {
    let spans = split_lines(original);
    let newline: &[u8] = spans
        .iter()
        .find(|s| s.end > s.content_end)
        .map_or(b"\n", |s| &original[s.content_end..s.end]);
    let mut out = Vec::with_capacity(original.len() + 256);
    out.extend_from_slice(&original[..spans.first().map_or(original.len(), |s| s.start)]);
    for (index, span) in spans.iter().enumerate() {
        match changes.iter().find(|c| c.line == Some(index + 1)) {
            Some(change) => {
                out.extend_from_slice(format!("{}={}", change.key, change.value).as_bytes());
                out.extend_from_slice(&original[span.content_end..span.end]);
            }
            None => out.extend_from_slice(&original[span.start..span.end]),
        }
    }
    let appended: Vec<&Change> = changes.iter().filter(|c| c.line.is_none()).collect();
    if !appended.is_empty() && !out.is_empty() && !out.ends_with(b"\n") {
        out.extend_from_slice(newline);
    }
    for change in appended {
        out.extend_from_slice(format!("{}={}", change.key, change.value).as_bytes());
        out.extend_from_slice(newline);
    }
    out
}

/// Backs up `path` and atomically replaces it with `updated`, refusing if its content is
/// no longer `original`. Returns the backup's path.
fn replace_file(
    path: &Path,
    original: &[u8],
    updated: &[u8],
    before_rename: &mut dyn FnMut(),
) -> Result<PathBuf, InstallationError> {
    let write_failed = |e: std::io::Error| InstallationError::WriteFailed {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let meta = fs::metadata(path).map_err(|e| io_error(path, &e))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();

    let staged = files::stage(path, updated, Access::SameAs(&meta)).map_err(write_failed)?;

    before_rename();
    let now = read_capped(path)?;
    if Sha256::digest(&now) != Sha256::digest(original) {
        return Err(InstallationError::ChangedUnderUs {
            path: path.display().to_string(),
        });
    }

    let backup = write_backup(dir, &name, &stamp, original, &meta).map_err(write_failed)?;
    staged.commit().map_err(write_failed)?;
    Ok(backup)
}

/// Writes `name.bak-STAMP` (or `name.bak-STAMP-N` if that exists) with the original bytes.
fn write_backup(
    dir: &Path,
    name: &str,
    stamp: &str,
    original: &[u8],
    meta: &fs::Metadata,
) -> std::io::Result<PathBuf> {
    for attempt in 1..100 {
        let suffix = if attempt == 1 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let backup = dir.join(format!("{name}.bak-{stamp}{suffix}"));
        let mut file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&backup)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        files::keep_owner_and_mode(&file, meta)?;
        file.write_all(original)?;
        file.sync_all()?;
        return Ok(backup);
    }
    Err(std::io::Error::other(
        "too many backups with the same timestamp",
    ))
}

/// How to restart a local installation so it reads the env file again.
fn local_restart(env_file: &Path, layout: Layout) -> String {
    match layout {
        Layout::Lite => {
            let dir = env_file.parent().filter(|d| !d.as_os_str().is_empty());
            match dir {
                Some(dir) => format!(
                    "cd {} && docker compose up -d --force-recreate",
                    sh_quote(&dir.display().to_string())
                ),
                None => "docker compose up -d --force-recreate".to_owned(),
            }
        }
        Layout::Standard => match install_dir(&env_file.display().to_string()) {
            Some(dir) => format!("cd {} && ./bitwarden.sh restart", sh_quote(&dir)),
            None => "./bitwarden.sh restart (in the folder holding bitwarden.sh)".to_owned(),
        },
    }
}

/// The folder holding `bitwarden.sh` for an env file at `.../bwdata/env/<file>`.
fn install_dir(env_file: &str) -> Option<String> {
    let bwdata = env_file.rsplit_once('/')?.0.strip_suffix("/env")?;
    let dir = bwdata.rsplit_once('/')?.0;
    Some(if dir.is_empty() {
        "/".to_owned()
    } else {
        dir.to_owned()
    })
}

/// The fix for a remote installation, as commands: a backup (by `sed -i.bak-STAMP`, or
/// `cp -p` when only lines are appended), the appended lines, and the restart.
fn remote_fix(target: &SshTarget) -> Result<FixReport, InstallationError> {
    let files = ssh::fetch(target)?;
    let remote_path = files.env.path.clone();
    let display = format!("{}:{remote_path}", target.destination);
    let env = EnvFile::parse(&display, &files.env.bytes)?;
    let name = remote_path.rsplit('/').next();
    let layout = lite::layout_of(name, &env);
    let changes = plan(&env);
    let restart = match layout {
        Layout::Standard => match install_dir(&remote_path) {
            Some(dir) => format!("cd {} && ./bitwarden.sh restart", sh_quote(&dir)),
            None => "./bitwarden.sh restart".to_owned(),
        },
        Layout::Lite => match remote_path.rsplit_once('/') {
            Some((dir, _)) if !dir.is_empty() => format!(
                "cd {} && docker compose up -d --force-recreate",
                sh_quote(dir)
            ),
            _ => "docker compose up -d --force-recreate".to_owned(),
        },
    };
    if changes.is_empty() {
        return Ok(FixReport {
            env_file: display,
            layout,
            changes,
            outcome: FixOutcome::NothingToDo,
            restart,
        });
    }
    let crlf = files.env.bytes.windows(2).any(|w| w == b"\r\n");
    let ends_with_newline = files.env.bytes.ends_with(b"\n");
    let commands = remote_commands(&remote_path, &changes, crlf, ends_with_newline, &restart);
    Ok(FixReport {
        env_file: display,
        layout,
        changes,
        outcome: FixOutcome::Commands(commands),
        restart,
    })
}

fn remote_commands(
    path: &str,
    changes: &[Change],
    crlf: bool,
    ends_with_newline: bool,
    restart: &str,
) -> Vec<String> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let file = sh_quote(path);
    let mut commands = Vec::new();
    let replaced: Vec<&Change> = changes.iter().filter(|c| c.line.is_some()).collect();
    if replaced.is_empty() {
        commands.push(format!(
            "cp -p {file} {}",
            sh_quote(&format!("{path}.bak-{stamp}"))
        ));
    } else {
        // `0,/re/` limits the edit to the first matching line, the one Setup reads;
        // `[^[:cntrl:]]*` stops before a CR so CRLF lines keep their ending.
        let scripts: Vec<String> = replaced
            .iter()
            .map(|c| {
                format!(
                    "-e {}",
                    sh_quote(&format!(
                        "0,/^{k}=/s|^{k}=[^[:cntrl:]]*|{k}={v}|",
                        k = c.key,
                        v = c.value
                    ))
                )
            })
            .collect();
        commands.push(format!("sed -i.bak-{stamp} {} {file}", scripts.join(" ")));
    }
    let newline = if crlf { "\\r\\n" } else { "\\n" };
    let mut first = !ends_with_newline;
    for change in changes.iter().filter(|c| c.line.is_none()) {
        let lead = if first { newline } else { "" };
        first = false;
        commands.push(format!(
            "printf '{lead}%s{newline}' {} >> {file}",
            sh_quote(&format!("{}={}", change.key, change.value))
        ));
    }
    commands.push(restart.to_owned());
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(text: &str) -> EnvFile {
        match EnvFile::parse("t.env", text.as_bytes()) {
            Ok(env) => env,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn eu_installation_gets_eu_uris_but_custom_uris_are_left_alone() {
        let changes = plan(&env("globalSettings__baseServiceUri__cloudRegion=EU\nglobalSettings__installation__apiUri=https://proxy.corp.test\n"));
        let keys: Vec<&str> = changes.iter().map(|c| c.key).collect();
        assert_eq!(keys, vec![keys::CLOUD, keys::IDENTITY_URI]);
    }

    #[test]
    fn push_relay_moves_to_eu_only_when_it_is_on_the_us_relay() {
        let us_relay = plan(&env("globalSettings__baseServiceUri__cloudRegion=EU\nglobalSettings__pushRelayBaseUri=https://push.bitwarden.com\n"));
        assert!(us_relay.iter().any(|c| c.key == keys::PUSH_RELAY
            && c.value == "https://push.bitwarden.eu"
            && c.line == Some(2)));
        let disabled = plan(&env("globalSettings__baseServiceUri__cloudRegion=EU\nglobalSettings__pushRelayBaseUri=REPLACE\n"));
        assert!(disabled.iter().all(|c| c.key != keys::PUSH_RELAY));
    }

    #[test]
    fn apply_appends_with_the_files_own_line_ending() {
        let original = b"A=1\r\nB=2";
        let changes = [Change {
            key: keys::CLOUD,
            value: "true".into(),
            line: None,
        }];
        assert_eq!(
            apply(original, &changes),
            b"A=1\r\nB=2\r\nglobalSettings__enableCloudCommunication=true\r\n"
        );
    }

    #[test]
    fn install_dir_is_the_folder_above_bwdata() {
        assert_eq!(
            install_dir("/opt/bitwarden/bwdata/env/global.override.env").as_deref(),
            Some("/opt/bitwarden")
        );
        assert_eq!(install_dir("/tmp/global.override.env"), None);
    }

    #[test]
    fn remote_commands_back_up_edit_first_lines_append_and_restart() {
        let changes = [
            Change {
                key: keys::CLOUD,
                value: "true".into(),
                line: Some(4),
            },
            Change {
                key: keys::API_URI,
                value: "https://api.bitwarden.eu".into(),
                line: None,
            },
        ];
        let commands = remote_commands(
            "/opt/bitwarden/bwdata/env/global.override.env",
            &changes,
            false,
            true,
            "cd '/opt/bitwarden' && ./bitwarden.sh restart",
        );
        assert_eq!(commands.len(), 3);
        assert!(commands[0].starts_with("sed -i.bak-"));
        assert!(commands[0].contains("'0,/^globalSettings__enableCloudCommunication=/s|^globalSettings__enableCloudCommunication=[^[:cntrl:]]*|globalSettings__enableCloudCommunication=true|'"));
        assert_eq!(commands[1], "printf '%s\\n' 'globalSettings__installation__apiUri=https://api.bitwarden.eu' >> '/opt/bitwarden/bwdata/env/global.override.env'");
        assert_eq!(commands[2], "cd '/opt/bitwarden' && ./bitwarden.sh restart");
    }
}
