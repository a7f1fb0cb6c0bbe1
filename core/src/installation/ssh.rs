//! Reading a remote installation with the system `ssh` client, so the admin's
//! `~/.ssh/config`, agent and known_hosts apply as they would in a terminal. One connection
//! runs a short POSIX `sh` script (sent on stdin, so the login shell never parses it) that
//! finds the env file and config.yml and prints them with `cat`, framed by a random marker.
//! Never `sudo`: the SSH user must be able to read the files.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::error::{InstallationError, SshTargetFault};
use super::locate::DEFAULT_BWDATA;
use super::resolve::{ConfigInput, Loaded};

/// Seconds ssh may spend connecting (`-o ConnectTimeout`).
const CONNECT_TIMEOUT_SECS: u64 = 10;
/// The whole remote read, connection included, is given up after this.
const OVERALL_TIMEOUT: Duration = Duration::from_secs(60);

/// A remote installation: `destination` as ssh takes it (`user@host` or a `~/.ssh/config`
/// alias), the remote path (bwdata folder, env file, Lite folder or settings.env), extra
/// `-o` options and an optional ssh config file (`-F`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    pub destination: String,
    pub path: String,
    pub options: Vec<String>,
    pub config_file: Option<PathBuf>,
}

impl SshTarget {
    /// Parses `DEST[:PATH]` (`admin@vault.example.org:/opt/bitwarden/bwdata`); the path
    /// defaults to `/opt/bitwarden/bwdata`. An IPv6 host goes in brackets: `[::1]:/path`.
    pub fn parse(spec: &str) -> Result<Self, InstallationError> {
        let invalid = |reason| InstallationError::SshTargetInvalid {
            spec: spec.to_owned(),
            reason,
        };
        let spec_trimmed = spec.trim();
        let (destination, path) = match spec_trimmed.find('[') {
            Some(open) => {
                let close = spec_trimmed
                    .find(']')
                    .ok_or_else(|| invalid(SshTargetFault::UnclosedBracket))?;
                if close < open {
                    return Err(invalid(SshTargetFault::BracketsReversed));
                }
                let host = format!(
                    "{}{}",
                    &spec_trimmed[..open],
                    &spec_trimmed[open + 1..close]
                );
                let rest = &spec_trimmed[close + 1..];
                match rest.strip_prefix(':') {
                    Some(path) => (host, path),
                    None if rest.is_empty() => (host, ""),
                    None => return Err(invalid(SshTargetFault::TextAfterBracket)),
                }
            }
            None => match spec_trimmed.split_once(':') {
                Some((dest, path)) => (dest.to_owned(), path),
                None => (spec_trimmed.to_owned(), ""),
            },
        };
        if destination.is_empty() {
            return Err(invalid(SshTargetFault::NoHost));
        }
        if destination.starts_with('-') {
            return Err(invalid(SshTargetFault::HostStartsWithDash));
        }
        if destination.contains(char::is_whitespace) {
            return Err(invalid(SshTargetFault::SpaceInHost));
        }
        let path = if path.trim().is_empty() {
            DEFAULT_BWDATA.to_owned()
        } else {
            path.to_owned()
        };
        Ok(Self {
            destination,
            path,
            options: Vec::new(),
            config_file: None,
        })
    }

    /// `destination:path`, as shown to the person.
    pub fn display(&self) -> String {
        format!("{}:{}", self.destination, self.path)
    }

    /// The ssh command line, without the remote command. Our `BatchMode=yes` comes first so
    /// it wins (ssh keeps the first value of each option); the connect timeout comes after
    /// the caller's options so they can change it.
    fn command(&self) -> Command {
        let mut command = Command::new("ssh");
        command.env("LC_ALL", "C").args(["-o", "BatchMode=yes"]);
        if let Some(file) = &self.config_file {
            command.arg("-F").arg(file);
        }
        for option in &self.options {
            command.arg("-o").arg(option);
        }
        command
            .args(["-o", &format!("ConnectTimeout={CONNECT_TIMEOUT_SECS}")])
            .args(["-T", "--", &self.destination, "sh", "-s"]);
        command
    }
}

/// SSH sessions open at once, whatever the caller: a fleet reads hundreds of servers at a
/// time over HTTP, but each SSH session is an `ssh` process and its pipes, and `sshd` drops
/// connections beyond its `MaxStartups` (10 by default) when servers share a jump host.
const MAX_SESSIONS: usize = 8;

static SESSIONS: Gate = Gate::new(MAX_SESSIONS);

/// A counting gate: [`Gate::enter`] waits while `limit` holders are inside.
struct Gate {
    inside: Mutex<usize>,
    left: Condvar,
    limit: usize,
}

/// Leaves the gate when dropped.
struct Slot<'a>(&'a Gate);

impl Gate {
    const fn new(limit: usize) -> Gate {
        Gate {
            inside: Mutex::new(0),
            left: Condvar::new(),
            limit,
        }
    }

    fn enter(&self) -> Slot<'_> {
        let inside = self.inside.lock().unwrap_or_else(|e| e.into_inner());
        let mut inside = self
            .left
            .wait_while(inside, |n| *n >= self.limit)
            .unwrap_or_else(|e| e.into_inner());
        *inside += 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.inside.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        self.0.left.notify_one();
    }
}

/// A file as the remote script reported it.
pub(crate) struct RemoteFile {
    pub path: String,
    status: String,
    rc: i32,
    pub bytes: Vec<u8>,
}

/// The env file (and config.yml, when the layout has one) of a remote installation.
pub(crate) struct RemoteFiles {
    pub env: RemoteFile,
    pub config: Option<RemoteFile>,
}

/// Reads a remote installation's files.
pub(crate) fn load(target: &SshTarget) -> Result<Loaded, InstallationError> {
    let files = fetch(target)?;
    let host = &target.destination;
    let config = match files.config {
        None => ConfigInput::Absent,
        Some(file) => match (file.status.as_str(), file.rc) {
            ("file", 0) => ConfigInput::Text {
                path: format!("{host}:{}", file.path),
                text: String::from_utf8_lossy(&file.bytes).into_owned(),
            },
            ("missing", _) => ConfigInput::Absent,
            _ => ConfigInput::Unreadable {
                path: format!("{host}:{}", file.path),
                reason: "permission denied".into(),
            },
        },
    };
    let env_name = files.env.path.rsplit('/').next().map(str::to_owned);
    Ok(Loaded {
        source: target.display(),
        env_path: format!("{host}:{}", files.env.path),
        env_name,
        env_bytes: files.env.bytes,
        config,
    })
}

/// Runs the remote script and checks that the env file came back.
pub(crate) fn fetch(target: &SshTarget) -> Result<RemoteFiles, InstallationError> {
    let host = target.destination.clone();
    let nonce = nonce();
    let output = run(target, &script(&nonce, &target.path))?;
    let sections = match parse_output(&nonce, &output.stdout) {
        Some(sections) if !sections.is_empty() => sections,
        _ => return Err(ssh_failure(&host, output.status, &output.stderr)),
    };
    let mut env = None;
    let mut config = None;
    for section in sections {
        match section.0.as_str() {
            "env" => env = Some(section.1),
            _ => config = Some(section.1),
        }
    }
    let Some(env) = env else {
        return Err(ssh_failure(&host, output.status, &output.stderr));
    };
    match (env.status.as_str(), env.rc) {
        ("file", 0) => Ok(RemoteFiles { env, config }),
        ("none", _) | ("dir", _) => Err(InstallationError::NotAnInstallation {
            path: format!("{host}:{}", env.path),
        }),
        ("missing", _) => Err(InstallationError::RemoteFileMissing {
            host,
            path: env.path,
        }),
        ("denied", _) => Err(InstallationError::RemotePermissionDenied {
            host,
            path: env.path,
        }),
        _ if output.stderr.contains("Permission denied") => {
            Err(InstallationError::RemotePermissionDenied {
                host,
                path: env.path,
            })
        }
        _ => Err(InstallationError::SshFailed {
            host,
            detail: format!("cat {} failed: {}", env.path, last_line(&output.stderr)),
        }),
    }
}

struct Output {
    status: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs ssh with `input` on stdin, killing it after [`OVERALL_TIMEOUT`].
fn run(target: &SshTarget, input: &str) -> Result<Output, InstallationError> {
    let _slot = SESSIONS.enter();
    let mut child = target
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => InstallationError::SshNotInstalled,
            _ => InstallationError::SshFailed {
                host: target.destination.clone(),
                detail: format!("ssh could not be started: {e}"),
            },
        })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = stdout.as_mut() {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    });
    if let Some(mut stdin) = child.stdin.take() {
        // A closed pipe means ssh already gave up; its stderr says why.
        let _ = stdin.write_all(input.as_bytes());
    }
    let deadline = Instant::now() + OVERALL_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(InstallationError::SshTimeout {
                    host: target.destination.clone(),
                });
            }
        }
    };
    Ok(Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}

/// Turns a failed ssh run into the error the person can act on, from ssh's own messages
/// (ssh runs with `LC_ALL=C`, so they are in English).
fn ssh_failure(host: &str, status: Option<i32>, stderr: &str) -> InstallationError {
    let host = host.to_owned();
    let detail = last_line(stderr);
    if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        || stderr.contains("key for") && stderr.contains("has changed")
    {
        InstallationError::SshHostKeyMismatch { host }
    } else if stderr.contains("Host key verification failed")
        || stderr.contains("host key is known")
    {
        InstallationError::SshHostUnknown { host }
    } else if stderr.contains("Permission denied (")
        || stderr.contains("Too many authentication failures")
    {
        InstallationError::SshAuthFailed { host, detail }
    } else if stderr.contains("timed out") {
        InstallationError::SshTimeout { host }
    } else if [
        "Connection refused",
        "Could not resolve hostname",
        "No route to host",
        "Network is unreachable",
        "Connection closed by",
    ]
    .iter()
    .any(|m| stderr.contains(m))
    {
        InstallationError::SshConnectFailed { host, detail }
    } else {
        let detail = match status {
            Some(code) if detail.is_empty() => format!("exit status {code}, no message"),
            _ if detail.is_empty() => "ssh was stopped by a signal".to_owned(),
            _ => detail,
        };
        InstallationError::SshFailed { host, detail }
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// A marker that cannot plausibly occur in the files it frames.
fn nonce() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seed = format!("{now}:{}:{:p}", std::process::id(), &now);
    let digest = Sha256::digest(seed.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("BWLICENSE-{hex}")
}

/// `s` as one word for a POSIX shell.
pub(crate) fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The remote path as a shell word, expanding a leading `~` to the SSH user's home.
fn sh_path(path: &str) -> String {
    match path.strip_prefix('~') {
        Some("") => "\"$HOME\"".to_owned(),
        Some(rest) if rest.starts_with('/') => format!("\"$HOME\"{}", sh_quote(rest)),
        _ => sh_quote(path),
    }
}

/// The shell functions every remote script shares. `send LABEL PATH` reports a file as a
/// header line `NONCE label status path`, then (for readable files) its bytes, then
/// `\nNONCE end RC`. Status is `file`, `missing`, `denied` (the file or a folder above it
/// cannot be read), `dir`, or `none` (a folder without an installation).
fn prelude(nonce: &str, path: &str) -> String {
    format!(
        r#"LC_ALL=C; export LC_ALL
n={nonce}
p={path}
probe() {{
  if [ -d "$1" ]; then echo dir; return; fi
  if [ -e "$1" ]; then if [ -r "$1" ]; then echo file; else echo denied; fi; return; fi
  d=$1
  while :; do
    d=$(dirname -- "$d")
    if [ -d "$d" ]; then break; fi
    case $d in /|.) break;; esac
  done
  if [ -x "$d" ]; then echo missing; else echo denied; fi
}}
send() {{
  s=$(probe "$2")
  printf '%s %s %s %s\n' "$n" "$1" "$s" "$2"
  r=0
  if [ "$s" = file ]; then cat -- "$2" || r=$?; fi
  printf '\n%s end %s\n' "$n" "$r"
}}
"#,
        path = sh_path(path)
    )
}

/// The script that finds and sends the env file and config.yml.
fn script(nonce: &str, path: &str) -> String {
    prelude(nonce, path)
        + r#"cfg=
if [ -d "$p" ]; then
  if [ -e "$p/env/global.override.env" ]; then env="$p/env/global.override.env"; cfg="$p/config.yml"
  elif [ -e "$p/bwdata/env/global.override.env" ]; then env="$p/bwdata/env/global.override.env"; cfg="$p/bwdata/config.yml"
  elif [ -e "$p/settings.env" ]; then env="$p/settings.env"
  elif [ "$(probe "$p/env/global.override.env")" = denied ]; then env="$p/env/global.override.env"
  else printf '%s env none %s\n' "$n" "$p"; printf '\n%s end 0\n' "$n"; exit 0
  fi
else
  env=$p
  case $p in */env/*.env) cfg="${p%/env/*}/config.yml";; esac
fi
send env "$env"
if [ -n "$cfg" ]; then send config "$cfg"; fi
"#
}

/// The script that sends the license folder (`licenses`, its status) and every
/// `organization/*.json` and `user/*.json` in it (labels `organization` and `user`).
fn licenses_script(nonce: &str, path: &str) -> String {
    prelude(nonce, path)
        + r#"d=$p
if [ -d "$p/core/licenses" ]; then d="$p/core/licenses"
elif [ -d "$p/bwdata/core/licenses" ]; then d="$p/bwdata/core/licenses"
fi
case $p in */env/*.env) d="${p%/env/*}/core/licenses";; esac
printf '%s licenses %s %s\n' "$n" "$(probe "$d")" "$d"; printf '\n%s end 0\n' "$n"
for kind in organization user; do
  for f in "$d/$kind"/*.json; do
    if [ -e "$f" ]; then send "$kind" "$f"; fi
  done
done
"#
}

/// A remote license folder: where it is, and its files as `(kind, file)` with kind
/// `organization` or `user`.
pub(crate) struct RemoteLicenses {
    pub folder: String,
    pub files: Vec<(String, RemoteFile)>,
}

impl RemoteFile {
    /// Whether the file was read whole.
    pub fn read_ok(&self) -> bool {
        self.status == "file" && self.rc == 0
    }
}

/// Reads the license files the server keeps: `path` is the bwdata folder (its
/// `core/licenses` is used), its env file, or the license folder itself.
pub(crate) fn fetch_licenses(target: &SshTarget) -> Result<RemoteLicenses, InstallationError> {
    let host = target.destination.clone();
    let nonce = nonce();
    let output = run(target, &licenses_script(&nonce, &target.path))?;
    let mut sections = match parse_output(&nonce, &output.stdout) {
        Some(sections) if !sections.is_empty() => sections,
        _ => return Err(ssh_failure(&host, output.status, &output.stderr)),
    };
    let (_, folder) = sections.remove(0);
    match folder.status.as_str() {
        "dir" => Ok(RemoteLicenses {
            folder: format!("{host}:{}", folder.path),
            files: sections,
        }),
        "denied" => Err(InstallationError::RemotePermissionDenied {
            host,
            path: folder.path,
        }),
        _ => Err(InstallationError::RemoteFileMissing {
            host,
            path: folder.path,
        }),
    }
}

/// Splits the script's output into `(label, file)` sections; `None` if it is not framed as
/// the script frames it (the remote shell failed, or ssh itself failed).
fn parse_output(nonce: &str, stdout: &[u8]) -> Option<Vec<(String, RemoteFile)>> {
    let header = format!("{nonce} ");
    let end_marker = format!("\n{nonce} end ");
    let mut sections = Vec::new();
    let mut rest = stdout;
    while let Some(at) = find(rest, header.as_bytes()) {
        rest = &rest[at + header.len()..];
        let line_end = find(rest, b"\n")?;
        let line = String::from_utf8_lossy(&rest[..line_end]).into_owned();
        let mut fields = line.splitn(3, ' ');
        let label = fields.next()?.to_owned();
        let status = fields.next()?.to_owned();
        let path = fields.next().unwrap_or("").to_owned();
        rest = &rest[line_end + 1..];
        let content_end = find(rest, end_marker.as_bytes())?;
        let bytes = rest[..content_end].to_vec();
        rest = &rest[content_end + end_marker.len()..];
        let rc_end = find(rest, b"\n").unwrap_or(rest.len());
        let rc = String::from_utf8_lossy(&rest[..rc_end])
            .trim()
            .parse()
            .unwrap_or(1);
        rest = &rest[rc_end.min(rest.len())..];
        sections.push((
            label,
            RemoteFile {
                path,
                status,
                rc,
                bytes,
            },
        ));
    }
    Some(sections)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn no_more_ssh_sessions_than_the_gate_allows_run_at_once() {
        let gate = Gate::new(3);
        let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..12 {
                scope.spawn(|| {
                    let _slot = gate.enter();
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 3);
        assert_eq!(*gate.inside.lock().unwrap(), 0);
    }

    #[test]
    fn target_without_path_defaults_to_opt_bitwarden_bwdata() {
        let target = SshTarget::parse("admin@vault.example.org").expect("valid");
        assert_eq!(target.destination, "admin@vault.example.org");
        assert_eq!(target.path, "/opt/bitwarden/bwdata");
        let target = SshTarget::parse("admin@vault.example.org:/srv/bw/bwdata").expect("valid");
        assert_eq!(target.path, "/srv/bw/bwdata");
        assert_eq!(target.display(), "admin@vault.example.org:/srv/bw/bwdata");
    }

    #[test]
    fn ipv6_hosts_go_in_brackets() {
        let target = SshTarget::parse("root@[::1]:/opt/x").expect("valid");
        assert_eq!(target.destination, "root@::1");
        assert_eq!(target.path, "/opt/x");
    }

    #[test]
    fn targets_that_would_become_ssh_options_are_refused() {
        for spec in ["-oProxyCommand=evil", ":/path", "", "a b:/x", "[::1"] {
            let error = SshTarget::parse(spec).expect_err(spec);
            assert!(
                matches!(error, InstallationError::SshTargetInvalid { .. }),
                "{spec}"
            );
        }
    }

    #[test]
    fn paths_are_quoted_for_the_remote_shell() {
        assert_eq!(sh_path("/opt/it's here"), r"'/opt/it'\''s here'");
        assert_eq!(sh_path("~/bwdata"), "\"$HOME\"'/bwdata'");
        assert_eq!(sh_path("~"), "\"$HOME\"");
    }

    #[test]
    fn framed_output_survives_banners_and_content_without_final_newline() {
        let n = "BWLICENSE-x";
        let out = format!(
            "Welcome!\n{n} env file /e\nA=1\nB=2\n{n} end 0\n{n} config missing /c\n\n{n} end 0\n"
        );
        let sections = parse_output(n, out.as_bytes()).expect("framed");
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].1.bytes, b"A=1\nB=2");
        assert_eq!(sections[0].1.path, "/e");
        assert_eq!(sections[1].1.status, "missing");
    }

    #[test]
    fn ssh_messages_become_distinct_errors() {
        let cases = [
            ("@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.\n", "ssh_host_key_mismatch"),
            ("No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\n", "ssh_host_unknown"),
            ("root@127.0.0.1: Permission denied (publickey).\n", "ssh_auth_failed"),
            ("ssh: connect to host 10.255.255.1 port 22: Connection timed out\n", "ssh_timeout"),
            ("ssh: connect to host 127.0.0.1 port 1: Connection refused\n", "ssh_connect_failed"),
            ("something odd\n", "ssh_failed"),
        ];
        for (stderr, code) in cases {
            use crate::error::Explain;
            assert_eq!(ssh_failure("h", Some(255), stderr).code(), code, "{stderr}");
        }
    }
}
