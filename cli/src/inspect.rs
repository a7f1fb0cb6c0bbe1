//! `bwlicense inspect`: would the self-hosted server accept this license file, and why not.
//! Exit 0 when it would, 1 when it would not, 2 when the file cannot be read or parsed.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;
use companion_core::error::{Explain, Problem};
use companion_core::installation::{self, Source};
use companion_core::license::{
    inspect, CertificateKind, ExpectedInstallation, InspectOptions, Inspection, LicenseKind,
    TrustSet,
};
use uuid::Uuid;

use crate::hints;
use crate::report::Failure;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("installation").multiple(false))]
pub struct InspectArgs {
    /// The license file (bitwarden_organization_license.json or bitwarden_premium_license.json).
    pub file: PathBuf,
    /// The server's installation ID (globalSettings__installation__id) to check the license against.
    #[arg(long, value_name = "ID", group = "installation")]
    pub installation_id: Option<Uuid>,
    /// Read the installation ID from this env file (bwdata/env/global.override.env or Lite's settings.env).
    #[arg(long, value_name = "PATH", group = "installation")]
    pub env_file: Option<PathBuf>,
    /// Read the installation ID from this bwdata (or Bitwarden Lite) folder.
    #[arg(long, value_name = "DIR", group = "installation")]
    pub bwdata: Option<PathBuf>,
    /// The premium account's email to check a premium license against.
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Check as of this time (RFC 3339, e.g. 2025-06-01T00:00:00Z) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<DateTime<Utc>>,
    /// Also trust this certificate or public key (PEM); repeatable. Reported as "custom".
    #[arg(long = "trust-cert", value_name = "PEM")]
    pub trust_cert: Vec<PathBuf>,
    /// Trust Bitwarden's development certificate, as a non-production server does.
    #[arg(long)]
    pub allow_dev_cert: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Exit code when the server would refuse the license.
const REFUSED: u8 = 1;
/// Exit code when the file (or a trusted certificate) cannot be read or parsed.
const UNREADABLE: u8 = 2;

pub fn run(args: InspectArgs) -> ExitCode {
    match inspect_file(&args) {
        Ok(inspection) => {
            if args.json {
                println!("{}", serde_json::to_string(&inspection).unwrap_or_default());
            } else {
                print!("{}", render(&args, &inspection, Style::for_stdout()));
            }
            if inspection.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(REFUSED)
            }
        }
        Err(failure) => {
            if args.json {
                println!("{}", serde_json::json!({ "error": failure }));
            } else {
                eprintln!(
                    "error: {}\n{}",
                    failure.problem.message,
                    failure.advice_and_hint()
                );
            }
            ExitCode::from(UNREADABLE)
        }
    }
}

fn inspect_file(args: &InspectArgs) -> Result<Inspection, Failure> {
    let bytes = read(&args.file)?;
    let trust = trust_set(args.allow_dev_cert, &args.trust_cert)?;
    let mut options = InspectOptions::new(args.now.unwrap_or_else(Utc::now), trust);
    options.email = args.email.clone();
    options.expected_installation = expected_installation(args)?;
    inspect(&bytes, &options).map_err(|e| e.problem().into())
}

/// Bitwarden's production certificate, plus the development one and custom ones when asked.
pub(crate) fn trust_set(allow_dev_cert: bool, certs: &[PathBuf]) -> Result<TrustSet, Problem> {
    let mut trust = TrustSet::production().map_err(|e| e.problem())?;
    if allow_dev_cert {
        trust = trust.allow_development();
    }
    for path in certs {
        let pem = String::from_utf8_lossy(&read(path)?).into_owned();
        trust = trust.trust_pem(&pem).map_err(|e| {
            let mut problem = e.problem();
            problem.message = format!("{}: {}", path.display(), problem.message);
            problem
        })?;
    }
    Ok(trust)
}

/// The installation ID to check against and where it came from: the flag, or the server's
/// own env file read the same way `bwlicense installation` reads it.
fn expected_installation(args: &InspectArgs) -> Result<Option<ExpectedInstallation>, Failure> {
    if let Some(id) = args.installation_id {
        return Ok(Some(ExpectedInstallation {
            id,
            origin: "--installation-id".into(),
        }));
    }
    let Some(path) = args.env_file.as_ref().or(args.bwdata.as_ref()) else {
        return Ok(None);
    };
    let found = installation::read(&Source::Path(path.clone()))?;
    match found.installation_id {
        Some(id) => Ok(Some(ExpectedInstallation {
            id,
            origin: format!(
                "globalSettings__installation__id in {}",
                found.origins.installation_id
            ),
        })),
        None => Err(Problem::new(
            "installation_id_missing",
            format!("{} has no usable installation ID.", found.source),
            "Run `bwlicense installation` on that folder to see why, or pass --installation-id.",
        )
        .into()),
    }
}

fn read(path: &PathBuf) -> Result<Vec<u8>, Problem> {
    std::fs::read(path).map_err(|e| {
        Problem::new(
            "file_unreadable",
            format!("Cannot read {}: {e}.", path.display()),
            "Check the path and that you may read the file.",
        )
    })
}

/// ANSI colours, only when printing to a terminal (and `NO_COLOR` is not set).
struct Style {
    on: bool,
}

impl Style {
    fn for_stdout() -> Self {
        Self {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    fn bad(&self, text: &str) -> String {
        self.paint("31", text)
    }

    fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// The short human report.
fn render(args: &InspectArgs, i: &Inspection, s: Style) -> String {
    let mut out = String::new();
    let l = &i.license;
    let name = l.name.as_deref().unwrap_or("(no name)");
    let kind = match i.kind {
        LicenseKind::Organization => "Organization license",
        LicenseKind::User => "Premium license",
    };
    out.push_str(&format!(
        "{}: {kind} \"{name}\", version {}\n",
        args.file.display(),
        i.version
    ));
    if let Some(plan) = &l.plan {
        let seats = l.seats.map_or(String::new(), |n| format!(", {n} seats"));
        out.push_str(&format!("  Plan: {plan}{seats}\n"));
    }
    if let Some(email) = &l.email {
        out.push_str(&format!("  Email: {email}\n"));
    }
    if let Some(id) = l.installation_id {
        out.push_str(&format!("  Installation: {}\n", id.hyphenated()));
    }

    if i.valid {
        out.push_str(&format!(
            "{}\n",
            s.good(&s.bold("ACCEPTED: the server would accept this license."))
        ));
    } else {
        out.push_str(&format!(
            "{}\n",
            s.bad(&s.bold("REFUSED: the server would answer:"))
        ));
        for line in i.server_message.as_deref().unwrap_or_default().lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }

    out.push_str("Checks:\n");
    for check in &i.checks {
        let mark = if check.ok {
            s.good("ok  ")
        } else {
            s.bad("FAIL")
        };
        out.push_str(&format!("  {mark} {}\n", check.message));
        if !check.ok {
            out.push_str(&format!("       {}\n", check.advice));
            if let Some(hint) = hints::for_code(check.code) {
                out.push_str(&format!("       {hint}\n"));
            }
        }
    }

    let certificate =
        |c: Option<CertificateKind>| c.map_or(String::new(), |c| format!(" ({})", c.as_str()));
    out.push_str(&format!(
        "Signature: {}{}  Token: {}{}  Hash: {}\n",
        i.signature.status.as_str(),
        certificate(i.signature.certificate),
        i.token.report.status.as_str(),
        certificate(i.token.report.certificate),
        if i.hash.matches {
            "matches"
        } else {
            "differs (diagnostic only)"
        },
    ));

    let d = &i.dates;
    let when = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let days = |n: Option<i64>| n.map_or(String::new(), |n| format!(" ({n} days)"));
    let mut dates = vec![format!("issued {}", when(d.issued))];
    if let Some(t) = d.refresh {
        dates.push(format!("refresh {}", when(t)));
    }
    if let Some(t) = d.expiration_without_grace {
        dates.push(format!(
            "grace starts {}{}",
            when(t),
            days(d.days_until_grace)
        ));
    }
    if let Some(t) = d.expires {
        dates.push(format!(
            "expires {}{}",
            when(t),
            days(d.days_until_disabled)
        ));
    }
    if let Some(t) = d.token_expires {
        dates.push(format!(
            "token expires {}{}",
            when(t),
            days(d.days_until_token_expires)
        ));
    }
    out.push_str(&format!("Dates: {}\n", dates.join(", ")));

    for skipped in &i.not_checked {
        out.push_str(&format!(
            "Not checked: {} {}\n",
            skipped.message, skipped.advice
        ));
    }
    for warning in &i.warnings {
        out.push_str(&format!(
            "{} {}\n       {}\n",
            s.warn("Warning:"),
            warning.message,
            warning.advice
        ));
    }
    out
}
