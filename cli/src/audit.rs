//! `bwlicense audit`: what the server's own license jobs will do at their next run. Reads
//! the license files the server keeps (locally or over SSH), and with `--server` compares
//! them with the organizations as the signed-in API reports them. Exit 0 when everything
//! stays enabled, 1 when something will be disabled or make the job fail, 2 when the files
//! cannot be read, 3 on a network or keychain failure. `--all-instances` audits every
//! server of the app's list (its installation and, when signed in, its plans).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;
use companion_core::audit::{
    audit, read_server_files, server_view, Action, AuditError, AuditInput, AuditReport,
    AuditSource, Finding, Outcome, ServerView, Subject,
};
use companion_core::bitwarden::BitwardenError;
use companion_core::installation::SshTarget;
use companion_core::license::TrustSet;

use crate::fleet::{self, Answer, FleetArgs, Server};
use crate::inspect::trust_set;
use crate::net::{block_on, Net, NetArgs};
use crate::report::{print_json, Failure, Style};

/// Something will be disabled, or the job will fail on a file.
const NEEDS_ACTION: u8 = 1;
/// The installation or its license files could not be read.
const UNREADABLE: u8 = 2;

#[derive(Debug, Args)]
#[command(
    group = clap::ArgGroup::new("where").required(true).multiple(false),
    after_help = "Predicts ValidateOrganizationsJob (00:30 and 12:30 UTC) and ValidateUsersJob (every 6 hours) from bwdata/core/licenses. With --server it also compares each organization's plan with its file, as the job does.\n\nWith --all-instances every server of the app's list is audited, a few at a time: its installation as set in the app, and its plans when signed in. Each server's block is printed as it is read (with --json, one JSON object per line: instance, elapsed_ms, exit, and report or error).\n\nExit status: 0 everything stays enabled, 1 something will be disabled or the job will fail on it, 2 files unreadable or usage, 3 network or keychain failure; with --all-instances the worst of the servers'."
)]
pub struct AuditArgs {
    /// The bwdata folder (or a Bitwarden Lite folder): installation ID and core/licenses.
    #[arg(long, value_name = "DIR", group = "where")]
    bwdata: Option<PathBuf>,
    /// A remote server, read with your ssh client: user@host[:PATH] (PATH defaults to /opt/bitwarden/bwdata).
    #[arg(long, value_name = "DEST[:PATH]", group = "where")]
    ssh: Option<String>,
    /// The license folder when it is not bwdata/core/licenses (Bitwarden Lite keeps it in the
    /// volume mounted at /etc/bitwarden: VOLUME/core/licenses).
    #[arg(long, value_name = "DIR", requires = "bwdata")]
    licenses: Option<PathBuf>,
    /// Every server set up in the app (its settings.json): each one's installation, and its
    /// plans when signed in.
    #[arg(long, group = "where", conflicts_with = "server")]
    all_instances: bool,
    /// An extra ssh option, passed as -o OPT (repeatable), e.g. Port=2222.
    #[arg(long = "ssh-option", value_name = "OPT", requires = "ssh")]
    ssh_options: Vec<String>,
    /// The self-hosted server's vault URL, to compare each organization's plan (signed in).
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// Also trust this certificate or public key (PEM); repeatable.
    #[arg(long = "trust-cert", value_name = "PEM")]
    trust_cert: Vec<PathBuf>,
    /// Trust Bitwarden's development certificate, as a non-production server does.
    #[arg(long)]
    allow_dev_cert: bool,
    /// Predict as of this time (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<DateTime<Utc>>,
    #[command(flatten)]
    fleet: FleetArgs,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: AuditArgs) -> ExitCode {
    let json = args.net.json;
    if args.all_instances {
        let trust = match trust_set(args.allow_dev_cert, &args.trust_cert) {
            Ok(trust) => trust,
            Err(problem) => return refuse(json, &problem.into(), UNREADABLE),
        };
        let now = args.now.unwrap_or_else(Utc::now);
        return fleet::run(&args.net, &args.fleet, |server| {
            one_of_many(server, &trust, now)
        });
    }
    match report(&args) {
        Ok(report) => {
            if json {
                print_json(&report);
            } else {
                let hint = "add --server URL";
                print!("{}", render(&report, &Style::for_stdout(), hint));
            }
            if report.needs_action() {
                ExitCode::from(NEEDS_ACTION)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err((failure, code)) => refuse(json, &failure, code),
    }
}

fn refuse(json: bool, failure: &Failure, code: u8) -> ExitCode {
    if json {
        print_json(&serde_json::json!({ "error": failure }));
    } else {
        eprintln!(
            "error: {}\n{}",
            failure.problem.message,
            failure.advice_and_hint()
        );
    }
    ExitCode::from(code)
}

/// One server of `--all-instances`: its files (read off the async thread: SSH runs a
/// child process), then its plans when signed in.
async fn one_of_many(server: Server, trust: &TrustSet, now: DateTime<Utc>) -> Answer {
    let source = match AuditSource::of_instance(&server.instance) {
        Ok(source) => source,
        Err(e) => return Answer::failed(&e, UNREADABLE),
    };
    let files = match tokio::task::spawn_blocking(move || read_server_files(&source)).await {
        Ok(Ok(files)) => files,
        Ok(Err(e)) => return Answer::failed(&e, UNREADABLE),
        Err(panic) => std::panic::resume_unwind(panic.into_panic()),
    };
    let view = match server.session().await {
        Ok(session) => match server_view(&session).await {
            Ok(view) => Some(view),
            Err(e) => return Answer::failed(&e, e.exit_class() as u8),
        },
        Err(BitwardenError::NotSignedIn { .. }) => None,
        Err(e) => return Answer::failed(&e, e.exit_class() as u8),
    };
    let report = audit(&AuditInput {
        store: &files.store,
        installation_id: files.installation_id,
        view: view.as_ref(),
        trust,
        now,
    });
    let hint = format!("bwlicense login --server {}", server.instance.url);
    Answer::Read {
        text: render(&report, &Style::for_stdout(), &hint),
        json: serde_json::to_value(&report).unwrap_or_default(),
        exit: if report.needs_action() {
            NEEDS_ACTION
        } else {
            0
        },
    }
}

fn report(args: &AuditArgs) -> Result<AuditReport, (Failure, u8)> {
    let unreadable = |failure: Failure| (failure, UNREADABLE);
    let trust =
        trust_set(args.allow_dev_cert, &args.trust_cert).map_err(|p| unreadable(p.into()))?;
    let source = match (&args.bwdata, &args.ssh) {
        (Some(dir), _) => AuditSource::Local {
            installation: dir.clone(),
            licenses: args.licenses.clone(),
        },
        (None, Some(spec)) => {
            let mut target = SshTarget::parse(spec).map_err(|e| unreadable(e.into()))?;
            target.options = args.ssh_options.clone();
            AuditSource::Ssh(target)
        }
        (None, None) => unreachable!("clap requires --bwdata, --ssh or --all-instances"),
    };
    let files = read_server_files(&source).map_err(|e| unreadable(e.into()))?;
    let view = match &args.server {
        Some(url) => Some(fetch_view(args, url).map_err(|e| {
            let code = match &e {
                AuditError::Server(b) => b.exit_class() as u8,
                _ => UNREADABLE,
            };
            (e.into(), code)
        })?),
        None => None,
    };
    Ok(audit(&AuditInput {
        store: &files.store,
        installation_id: files.installation_id,
        view: view.as_ref(),
        trust: &trust,
        now: args.now.unwrap_or_else(Utc::now),
    }))
}

fn fetch_view(args: &AuditArgs, url: &str) -> Result<ServerView, AuditError> {
    let view = block_on(async {
        let net = Net::new(&args.net)?;
        let endpoints = net.self_hosted(url)?;
        let session = net.session(&endpoints).await?;
        server_view(&session).await
    })??;
    Ok(view)
}

/// The report as text; `sign_in` says how to get the plans compared when they were not.
fn render(report: &AuditReport, s: &Style, sign_in: &str) -> String {
    let mut out = format!("{} {}\n", s.bold("License files in"), report.folder);
    if report.server.is_none() {
        out.push_str(&format!(
            "  (not signed in: plans are not compared; {sign_in})\n"
        ));
    }
    let sections = [
        (
            "Organizations",
            &report.organizations,
            report.organizations_job.next_run,
        ),
        ("Premium users", &report.users, report.users_job.next_run),
    ];
    for (title, subjects, run) in sections {
        out.push_str(&format!(
            "{} (next check {}):\n",
            s.bold(title),
            when(run, report.checked_at)
        ));
        if subjects.is_empty() {
            out.push_str("  none\n");
        }
        for subject in subjects {
            out.push_str(&subject_lines(subject, report.checked_at, s));
        }
    }
    out
}

fn subject_lines(subject: &Subject, now: DateTime<Utc>, s: &Style) -> String {
    let p = &subject.prediction;
    let run = when(subject.next_run, now);
    let name = subject.name.as_deref().unwrap_or("(unknown)");
    let why: Vec<String> = p.findings.iter().map(finding).collect();
    let why = if why.is_empty() {
        String::new()
    } else {
        format!(" ({})", why.join("; "))
    };
    let verdict = match p.outcome {
        Outcome::StaysEnabled => s.good(&format!("will stay enabled at the next run ({run})")),
        Outcome::Disabled => s.bad(&format!(
            "will be disabled at {run}: {}{why}",
            p.server_text.unwrap_or("").trim_end_matches('.')
        )),
        Outcome::JobFails => s.bad(&format!(
            "the job will fail on this file at {run}: it stays enabled, but the server cannot use its license{why}"
        )),
        Outcome::Skipped => "already disabled; the job skips it".to_owned(),
        Outcome::Unknown => s.warn(&format!("cannot tell{why}")),
    };
    let mut out = format!("  {}  {}\n    {verdict}\n", s.bold(name), subject.id);
    if let Some(action) = &p.action {
        out.push_str(&format!("    To prevent it: {}\n", action_words(action)));
    }
    if !p.not_compared.is_empty() {
        out.push_str(&format!(
            "    Not compared: {}\n",
            p.not_compared.join(", ")
        ));
    }
    out
}

/// `12:30 today`, `00:30 tomorrow`, or the date.
fn when(run: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let day = if run.date_naive() == now.date_naive() {
        "today".to_owned()
    } else if now.date_naive().succ_opt() == Some(run.date_naive()) {
        "tomorrow".to_owned()
    } else {
        run.format("%Y-%m-%d").to_string()
    };
    format!("{} UTC {day}", run.format("%H:%M"))
}

fn finding(f: &Finding) -> String {
    let day = |t: &DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    match f {
        Finding::FileMissing { path } => format!("there is no {path}"),
        Finding::FileNotReadable { path } => format!("{path} cannot be read from here"),
        Finding::Unreadable { problem } => {
            format!(
                "the server cannot read its stored file: {}",
                problem.message
            )
        }
        Finding::NamesNotPascalCase { names } => {
            let shown = match names.len() {
                0..=3 => names.join(", "),
                n => format!("{} and {} more", names[..3].join(", "), n - 3),
            };
            format!(
                "the stored file spells {shown} in a case the server does not read; it was copied in, not written by the server"
            )
        }
        Finding::WrongKind => "the stored file is the wrong kind of license".to_owned(),
        Finding::VersionUnsupported { version } => {
            format!("Version {version} of the stored file is not supported")
        }
        Finding::LicenseKeyShared { organizations } => format!(
            "the same license key is in force for {}",
            ids(organizations)
        ),
        Finding::TokenRejected {
            status,
            detail,
            expires,
        } => {
            let mut text = format!("the license token is {status} at the run");
            if let Some(expires) = expires {
                text.push_str(&format!(", it ends {}", day(expires)));
            }
            if let Some(detail) = detail {
                text.push_str(&format!(": {detail}"));
            }
            text
        }
        Finding::NotIssuedYet { issued } => format!("it is only issued at {}", day(issued)),
        Finding::Expired { expires } => match expires {
            Some(expires) => format!("it expired {}", day(expires)),
            None => "it has no expiry date the server can read".to_owned(),
        },
        Finding::InstallationMismatch { file, server } => {
            format!("the installation ID in the stored file is {file}; this server's is {server}")
        }
        Finding::FieldDiffers {
            field,
            file,
            server,
        } => format!("{field} is {file} in the file but {server} on the server"),
        Finding::SignatureInvalid { status } => match status.as_str() {
            "invalid" => "the signature no longer matches the file: it was edited".to_owned(),
            "untrusted" => "it is signed with a certificate this server does not trust".to_owned(),
            "missing" => "it has no signature the server can read".to_owned(),
            other => format!("its signature is {other}"),
        },
    }
}

fn action_words(action: &Action) -> String {
    match action {
        Action::UploadLicenseForInstallation {
            installation_id: Some(id),
        } => format!("upload the license made for installation {id}"),
        Action::UploadLicenseForInstallation {
            installation_id: None,
        } => "upload the license made for this installation".to_owned(),
        Action::Reupload => {
            "upload the license again (bwlicense download, then bwlicense upload) so the server writes a fresh file".to_owned()
        }
        Action::Renew => {
            "download the renewed license (renew the subscription first if it has ended) and upload it".to_owned()
        }
        Action::UploadPremiumLicense => {
            "upload the premium license again from the account's Settings > Subscription".to_owned()
        }
        Action::ResolveDuplicate { organizations } => format!(
            "disable or delete the other organization using this license ({})",
            ids(organizations)
        ),
    }
}

fn ids(list: &[uuid::Uuid]) -> String {
    list.iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
