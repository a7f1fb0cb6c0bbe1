//! `bwlicense download`: get an organization license (for an installation ID) or your
//! premium license from Bitwarden cloud and save it untouched. An existing file is never
//! overwritten: it is renamed `FILE.bak-<timestamp>` first.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use companion_core::bitwarden::{BitwardenError, Downloaded, FileAction, Saved};
use companion_core::installation::{self, Source};
use companion_core::license::License;
use companion_core::ops::licenses::{self, Wanted};
use serde_json::json;
use uuid::Uuid;

use crate::net::{block_on, Cloud, Net, NetArgs};
use crate::report::{day, fail, print_json};

#[derive(Debug, Args)]
#[command(
    after_help = "Sign in to the cloud first (`bwlicense login --cloud us`) or set BW_CLIENTID/BW_CLIENTSECRET. The organization license is made for one installation ID: give it, or the server's bwdata folder to read it from (else the usual places are searched).\n\nExit status: 0 saved, 1 refused, 2 usage, 3 network or keychain failure."
)]
pub struct DownloadArgs {
    /// The cloud region the organization or account is in.
    #[arg(long, value_enum)]
    cloud: Cloud,
    /// The cloud organization's ID (web vault: Organization > Settings).
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "premium",
        conflicts_with = "premium"
    )]
    org: Option<Uuid>,
    /// Your premium license instead.
    #[arg(long)]
    premium: bool,
    /// The self-hosted installation ID the license is for.
    #[arg(long, value_name = "ID", conflicts_with_all = ["bwdata", "premium"])]
    installation_id: Option<Uuid>,
    /// Read the installation ID from this bwdata folder.
    #[arg(long, value_name = "DIR", conflicts_with = "premium")]
    bwdata: Option<PathBuf>,
    /// Where to save (default: the web vault's file name in the current folder).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: DownloadArgs) -> ExitCode {
    match block_on(fetch(&args)).and_then(|r| r) {
        Ok((saved, downloaded)) => {
            let summary = describe(&downloaded.license.license);
            if args.net.json {
                print_json(&json!({ "saved": saved, "license": summary }));
            } else {
                println!("Saved {} ({} bytes).", saved.path.display(), saved.bytes);
                if let Some(backup) = &saved.backup {
                    println!("Kept the previous file as {}.", backup.display());
                }
                println!("  {}", summary["text"].as_str().unwrap_or_default());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.net.json, &e, None),
    }
}

async fn fetch(args: &DownloadArgs) -> Result<(Saved, Downloaded), BitwardenError> {
    let installation_id = match args.org {
        Some(_) => Some(installation_id(args)?),
        None => None,
    };
    let net = Net::new(&args.net)?;
    let endpoints = net.cloud(args.cloud)?;
    let session = net.session(&endpoints).await?;
    let wanted = match (args.org, installation_id) {
        (Some(cloud_org), Some(installation)) => Wanted::Organization {
            cloud_org,
            installation,
        },
        _ => Wanted::Premium,
    };
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(wanted.file_name()));
    licenses::download(&session, wanted, &path).await
}

/// `--installation-id`, else the one in `--bwdata`, else the one found in the usual places.
fn installation_id(args: &DownloadArgs) -> Result<Uuid, BitwardenError> {
    if let Some(id) = args.installation_id {
        return Ok(id);
    }
    let source = match &args.bwdata {
        Some(dir) => Source::Path(dir.clone()),
        None => Source::Discover,
    };
    let found = installation::read(&source)?;
    found.installation_id.ok_or_else(|| BitwardenError::File {
        action: FileAction::ReadInstallationId,
        path: found.env_file.clone(),
        detail: "globalSettings__installation__id is missing or not a GUID; pass --installation-id"
            .into(),
    })
}

/// What the license is, in a line and as JSON.
fn describe(license: &License) -> serde_json::Value {
    let expires = license.expires().map(|d| day(d.to_utc()));
    match license {
        License::Organization(l) => {
            let text = format!(
                "Organization license \"{}\", {}, {} seats, for installation {}, expires {}.",
                l.name.as_deref().unwrap_or("?"),
                l.plan.as_deref().unwrap_or("unknown plan"),
                l.seats.map_or("unlimited".to_owned(), |n| n.to_string()),
                l.installation_id.hyphenated(),
                expires.as_deref().unwrap_or("never")
            );
            json!({
                "kind": "organization",
                "name": l.name,
                "plan": l.plan,
                "seats": l.seats,
                "installation_id": l.installation_id,
                "expires": expires,
                "text": text,
            })
        }
        License::User(l) => {
            let text = format!(
                "Premium license for {}, expires {}.",
                l.email.as_deref().unwrap_or("?"),
                expires.as_deref().unwrap_or("never")
            );
            json!({
                "kind": "premium",
                "email": l.email,
                "expires": expires,
                "text": text,
            })
        }
    }
}
