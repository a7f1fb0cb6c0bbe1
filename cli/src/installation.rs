//! `bwlicense installation`: show the installation ID, region, cloud URIs and cloud
//! communication of a self-hosted server (local, Lite, or over SSH), with findings; and
//! `enable-cloud-communication`, the one safe edit.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use companion_core::bitwarden::{
    check_cloud, AppKind, BitwardenError, Device, Folders, Http, HttpOptions,
};
use companion_core::error::Explain;
use companion_core::installation::{
    self, CloudCheck, CloudEndpoints, FixOutcome, FixReport, Installation, InstallationError,
    Origin, Source, SshTarget,
};
use serde_json::json;

use crate::hints;
use crate::net::block_on;
use crate::report::Failure;

/// Exit code when nothing could be read.
const EXIT_UNREADABLE: u8 = 2;
/// Exit code when the fix could not write.
const EXIT_NOT_WRITTEN: u8 = 1;

#[derive(Debug, Args)]
#[command(
    after_help = "Reads bwdata/env/global.override.env (or Bitwarden Lite's settings.env) the way Bitwarden's Setup does. Without --bwdata, --env-file or --ssh it looks in ./bwdata, ./settings.env, ~/bwdata, /opt/bitwarden/bwdata and the usual Bitwarden Lite folders.\n\nExit status: 0 when the installation was read (findings or not), 2 when nothing could be read."
)]
pub struct InstallationArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Ask Bitwarden cloud (US and EU) which region knows the installation ID.
    #[arg(long)]
    check_cloud: bool,
    /// Base URL of the US cloud API for --check-cloud.
    #[arg(
        long,
        value_name = "URL",
        env = "BWLICENSE_CLOUD_API_US",
        default_value = "https://api.bitwarden.com"
    )]
    cloud_api_us: String,
    /// Base URL of the EU cloud API for --check-cloud.
    #[arg(
        long,
        value_name = "URL",
        env = "BWLICENSE_CLOUD_API_EU",
        default_value = "https://api.bitwarden.eu"
    )]
    cloud_api_eu: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Turn cloud communication on (and, for an EU installation, the EU cloud URIs), safely.
    #[command(
        after_help = "Sets globalSettings__enableCloudCommunication=true; for an EU installation also the EU installation API and identity URIs, and the EU push relay if the US one is set. Keeps a timestamped backup beside the file, writes atomically, keeps every other line, the mode and the owner, and refuses if the file changes meanwhile. For --ssh it writes nothing and prints the commands to run on the server.\n\nExit status: 0 when done or nothing needed changing, 1 when the file could not be written, 2 when nothing could be read."
    )]
    EnableCloudCommunication {
        #[command(flatten)]
        source: SourceArgs,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct SourceArgs {
    /// The bwdata folder (or the folder above it, or a Bitwarden Lite folder).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["env_file", "ssh"])]
    bwdata: Option<PathBuf>,
    /// The env file itself: global.override.env or Lite's settings.env.
    #[arg(long, value_name = "FILE", conflicts_with = "ssh")]
    env_file: Option<PathBuf>,
    /// A remote server, read with your ssh client: user@host[:PATH] (PATH defaults to /opt/bitwarden/bwdata).
    #[arg(long, value_name = "DEST[:PATH]")]
    ssh: Option<String>,
    /// An extra ssh option, passed as -o OPT (repeatable), e.g. Port=2222.
    #[arg(long = "ssh-option", value_name = "OPT", requires = "ssh")]
    ssh_options: Vec<String>,
    /// An ssh config file, passed as -F FILE.
    #[arg(long, value_name = "FILE", requires = "ssh")]
    ssh_config: Option<PathBuf>,
}

impl SourceArgs {
    fn is_given(&self) -> bool {
        self.bwdata.is_some() || self.env_file.is_some() || self.ssh.is_some()
    }

    fn source(&self) -> Result<Source, InstallationError> {
        if let Some(spec) = &self.ssh {
            let mut target = SshTarget::parse(spec)?;
            target.options = self.ssh_options.clone();
            target.config_file = self.ssh_config.clone();
            return Ok(Source::Ssh(target));
        }
        Ok(match (&self.bwdata, &self.env_file) {
            (Some(path), _) | (None, Some(path)) => Source::Path(path.clone()),
            (None, None) => Source::Discover,
        })
    }
}

/// Runs `bwlicense installation ...`.
pub fn run(args: InstallationArgs) -> ExitCode {
    let style = Style::detect();
    match args.action {
        Some(Action::EnableCloudCommunication { source, json }) => {
            let source = if source.is_given() {
                source
            } else {
                args.source
            };
            fix(&source, json || args.json, style)
        }
        None => show(&args, style),
    }
}

fn show(args: &InstallationArgs, style: Style) -> ExitCode {
    let mut found = match args.source.source().and_then(|s| installation::read(&s)) {
        Ok(found) => found,
        Err(error) => return fail(&error, args.json, EXIT_UNREADABLE),
    };
    let check = match (args.check_cloud, found.installation_id) {
        (true, Some(id)) => {
            let endpoints = CloudEndpoints {
                us: args.cloud_api_us.clone(),
                eu: args.cloud_api_eu.clone(),
            };
            match cloud_http().and_then(|http| block_on(check_cloud(&http, id, &endpoints))) {
                Ok(check) => Some(check),
                Err(e) => {
                    eprintln!("cloud check not run: {e}");
                    None
                }
            }
        }
        _ => None,
    };
    if let Some(check) = &check {
        found.add_cloud_check(check);
    }
    if args.json {
        let mut value = serde_json::to_value(&found).unwrap_or_else(|_| json!({}));
        if let Some(findings) = value["findings"].as_array_mut() {
            for (shown, finding) in findings.iter_mut().zip(&found.findings) {
                shown["hint"] = json!(hints::for_finding(finding, found.region));
            }
        }
        if args.check_cloud {
            value["cloud_check"] = serde_json::to_value(&check).unwrap_or(serde_json::Value::Null);
        }
        println!("{value}");
    } else {
        print_installation(&found, style);
        if args.check_cloud {
            print_cloud_check(check.as_ref(), style);
        }
        print_findings(&found, style);
    }
    ExitCode::SUCCESS
}

/// The client for the anonymous cloud check: the CLI's device, short timeouts.
fn cloud_http() -> Result<Http, BitwardenError> {
    let device = Device::load_or_create(&Folders::from_environment()?, AppKind::Cli)?;
    let options = HttpOptions {
        connect_timeout: std::time::Duration::from_secs(5),
        request_timeout: std::time::Duration::from_secs(15),
        ..HttpOptions::default()
    };
    Http::new(options, device)
}

fn fix(source: &SourceArgs, json: bool, style: Style) -> ExitCode {
    let report = match source
        .source()
        .and_then(|s| installation::enable_cloud_communication(&s))
    {
        Ok(report) => report,
        Err(error) => {
            let code = match error {
                InstallationError::ChangedUnderUs { .. }
                | InstallationError::WriteFailed { .. } => EXIT_NOT_WRITTEN,
                _ => EXIT_UNREADABLE,
            };
            return fail(&error, json, code);
        }
    };
    if json {
        println!("{}", fix_json(&report));
    } else {
        print_fix(&report, style);
    }
    ExitCode::SUCCESS
}

fn fix_json(report: &FixReport) -> serde_json::Value {
    let changes: Vec<_> = report
        .changes
        .iter()
        .map(|c| json!({"key": c.key, "value": c.value, "line": c.line}))
        .collect();
    let (outcome, backup, commands) = match &report.outcome {
        FixOutcome::NothingToDo => ("nothing_to_do", None, None),
        FixOutcome::Written { backup } => ("written", Some(backup.display().to_string()), None),
        FixOutcome::Commands(commands) => ("commands", None, Some(commands.clone())),
    };
    json!({
        "env_file": report.env_file,
        "layout": report.layout.name(),
        "outcome": outcome,
        "changes": changes,
        "backup": backup,
        "commands": commands,
        "restart": report.restart,
    })
}

fn fail(error: &InstallationError, json: bool, code: u8) -> ExitCode {
    let failure = Failure {
        problem: error.problem(),
        hint: hints::for_installation(error),
    };
    if json {
        println!("{}", json!({ "error": failure }));
    } else {
        eprintln!("error: {error}");
        eprintln!("  {}", error.advice());
        if let Some(hint) = &failure.hint {
            eprintln!("  {hint}");
        }
    }
    ExitCode::from(code)
}

/// ANSI styling, only when stdout is a terminal.
#[derive(Clone, Copy)]
struct Style {
    colour: bool,
}

impl Style {
    fn detect() -> Self {
        Self {
            colour: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    fn good(self, text: &str) -> String {
        self.paint("32", text)
    }

    fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }
}

/// An origin, shortened to `line N` when it is the env file.
fn origin_text(origin: &Origin, env_file: &str) -> String {
    match origin {
        Origin::Line { file, line } if file == env_file => format!("line {line}"),
        other => other.to_string(),
    }
}

fn print_installation(found: &Installation, style: Style) {
    println!(
        "{} {} ({})",
        style.bold("Installation"),
        found.source,
        found.layout.name()
    );
    println!("  {}", style.dim(&found.env_file));
    let id = found
        .installation_id
        .map_or_else(|| style.bad("missing"), |id| id.to_string());
    let key = if found.installation_key_present() {
        "present".to_owned()
    } else {
        style.bad("missing")
    };
    let cloud = if found.cloud_communication {
        style.good("on")
    } else {
        style.bad("off")
    };
    let vault = found
        .vault_url
        .clone()
        .unwrap_or_else(|| style.bad("unknown"));
    let o = &found.origins;
    let rows = [
        ("Installation ID", id, &o.installation_id),
        ("Installation key", key, &o.installation_key),
        ("Region", found.region.name().to_owned(), &o.region),
        ("Vault URL", vault, &o.vault_url),
        ("Cloud communication", cloud, &o.cloud_communication),
        ("Cloud API", found.api_uri.clone(), &o.api_uri),
        (
            "Cloud identity",
            found.identity_uri.clone(),
            &o.identity_uri,
        ),
    ];
    for (label, value, origin) in rows {
        println!(
            "  {:<20} {}  {}",
            label,
            value,
            style.dim(&format!("({})", origin_text(origin, &found.env_file)))
        );
    }
}

fn print_cloud_check(check: Option<&CloudCheck>, style: Style) {
    println!();
    println!("{}", style.bold("Cloud check"));
    match check {
        None => println!("  not run: there is no valid installation ID to ask about"),
        Some(check) => {
            for region in &check.regions {
                let detail = region
                    .detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                println!(
                    "  {}  {}{}",
                    region.region,
                    region.message,
                    style.dim(&detail)
                );
            }
        }
    }
}

fn print_findings(found: &Installation, style: Style) {
    println!();
    if found.findings.is_empty() {
        println!("{}", style.good("No findings."));
        return;
    }
    let count = found.findings.len();
    println!(
        "{}",
        style.bold(&format!(
            "{count} finding{}",
            if count == 1 { "" } else { "s" }
        ))
    );
    for finding in &found.findings {
        println!("  {} {}", style.bad("✗"), finding.message);
        println!(
            "    {} {}",
            style.dim(&format!("[{}]", finding.code.as_str())),
            finding.advice
        );
        if let Some(hint) = hints::for_finding(finding, found.region) {
            println!("    {hint}");
        }
    }
}

fn print_fix(report: &FixReport, style: Style) {
    match &report.outcome {
        FixOutcome::NothingToDo => {
            println!(
                "{}",
                style.good(&format!(
                    "Nothing to change: cloud communication is already set up in {}.",
                    report.env_file
                ))
            );
        }
        FixOutcome::Written { backup } => {
            println!("{} {}", style.bold("Updated"), report.env_file);
            print_changes(report, style);
            println!("Backup: {}", backup.display());
            println!();
            println!("Restart the server so it reads the change:");
            println!("  {}", report.restart);
        }
        FixOutcome::Commands(commands) => {
            println!(
                "Nothing was written on the server. These changes are needed in {}:",
                report.env_file
            );
            print_changes(report, style);
            println!();
            println!("Run these commands on the server as a user that can write the file (prefix them with sudo if needed):");
            for command in commands {
                println!("  {command}");
            }
        }
    }
}

fn print_changes(report: &FixReport, style: Style) {
    for change in &report.changes {
        let place = change
            .line
            .map_or_else(|| "added".to_owned(), |line| format!("line {line}"));
        println!(
            "  {} {}={}",
            style.dim(&format!("{place:<8}")),
            change.key,
            change.value
        );
    }
}
