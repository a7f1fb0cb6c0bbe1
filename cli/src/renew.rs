//! `bwlicense renew`: once, for cron or a systemd timer, bring each organization (and with
//! --premium the account's premium) on a self-hosted server to the newest license its cloud
//! subscription gives, Families included. Only what the review passes without a person is
//! sent; everything else is reported with its reason.

use std::process::ExitCode;

use chrono::Utc;
use clap::Args;
use companion_core::bitwarden::{Archive, BitwardenError, UploadTarget};
use companion_core::installation::{self, Region, Source};
use companion_core::renewal::{Reason, Renewal, RenewalResult, Renewer, Stop};
use serde_json::json;
use uuid::Uuid;

use crate::checks::CheckArgs;
use crate::net::{block_on, Cloud, Net, NetArgs};
use crate::report::{day, fail, print_json, Style};

#[derive(Debug, Args)]
#[command(
    after_help = "Sign in to the server (`bwlicense login --server URL`) and to the cloud (`bwlicense login --cloud us`) first. A license is sent only when it is newer, it is the organization's own, the server's checks pass and it takes nothing away (seats, plan, features); the replaced one is archived. A send that got no answer is never repeated: check the server, then upload by hand.\n\nExit status: 0 all renewed or up to date, 1 some need a person, 2 usage, 3 network or keychain failure."
)]
pub struct RenewArgs {
    /// The self-hosted server's vault URL.
    #[arg(long, value_name = "URL")]
    server: String,
    /// Every organization you own on the server.
    #[arg(long, required_unless_present_any = ["org", "premium"])]
    all: bool,
    /// One organization's ID on the server (repeatable).
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    org: Vec<Uuid>,
    /// Also your premium license.
    #[arg(long)]
    premium: bool,
    /// The cloud region (default: the one the bwdata folder names).
    #[arg(long, value_enum, required_unless_present = "bwdata")]
    cloud: Option<Cloud>,
    /// Judge and report only; send nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    checks: CheckArgs,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: RenewArgs) -> ExitCode {
    let json = args.net.json;
    match block_on(renew(&args)).and_then(|r| r) {
        Ok(renewals) => {
            if json {
                print_json(&json!({ "dry_run": args.dry_run, "renewals": renewals }));
            } else {
                print!("{}", render(&args, &renewals, &Style::for_stdout()));
            }
            exit_status(&renewals)
        }
        Err(e) => fail(json, &e, None),
    }
}

async fn renew(args: &RenewArgs) -> Result<Vec<Renewal>, BitwardenError> {
    let region = region(args)?;
    let net = Net::new(&args.net)?;
    let server = net.session(&net.self_hosted(&args.server)?).await?;
    let cloud = net.session(&net.cloud(region)?).await?;
    let archive = Archive::new(net.folders.licenses());
    let renewer = Renewer {
        server: &server,
        cloud: &cloud,
        archive: &archive,
        trust: args.checks.trust()?,
        installation: args.checks.installation()?,
        bwdata: args.checks.bwdata.clone(),
        now: Utc::now(),
        dry_run: args.dry_run,
    };
    let mut renewals = if args.all {
        renewer.all_organizations().await?
    } else {
        let mut one_by_one = Vec::new();
        for org in &args.org {
            one_by_one.push(renewer.organization(*org, None).await);
        }
        one_by_one
    };
    if args.premium {
        renewals.push(renewer.premium().await);
    }
    Ok(renewals)
}

/// `--cloud`, else the region the server's env file names.
fn region(args: &RenewArgs) -> Result<Cloud, BitwardenError> {
    if let Some(cloud) = args.cloud {
        return Ok(cloud);
    }
    let dir = args.checks.bwdata.clone().unwrap_or_default();
    Ok(match installation::read(&Source::Path(dir))?.region {
        Region::Eu => Cloud::Eu,
        Region::Us => Cloud::Us,
    })
}

/// 0 when nothing needs a person, 3 when a send got no answer, else 1.
fn exit_status(renewals: &[Renewal]) -> ExitCode {
    let stops = renewals.iter().filter_map(|r| match &r.result {
        RenewalResult::Stopped { stop } => Some(stop),
        _ => None,
    });
    let mut status = 0;
    for stop in stops {
        status = status.max(match stop {
            Stop::NoAnswer { .. } => 3,
            _ => 1,
        });
    }
    ExitCode::from(status)
}

fn render(args: &RenewArgs, renewals: &[Renewal], s: &Style) -> String {
    let title = if args.dry_run {
        format!("Renewal check for {} (dry run: nothing sent)", args.server)
    } else {
        format!("Renewal on {}", args.server)
    };
    let mut out = format!("{}\n", s.bold(&title));
    if renewals.is_empty() {
        out.push_str("  You own no organizations on this server.\n");
    }
    for renewal in renewals {
        let who = match renewal.target {
            UploadTarget::Organization(_) => renewal.name.clone(),
            UploadTarget::Premium => format!("Premium ({})", renewal.name),
        };
        let reasons = |reasons: &[Reason]| {
            reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        match &renewal.result {
            RenewalResult::UpToDate { expires } => out.push_str(&format!(
                "  {who}: {}{}\n",
                s.good("up to date"),
                expires
                    .map(|e| format!(" (expires {})", day(e)))
                    .unwrap_or_default()
            )),
            RenewalResult::WouldRenew { reasons: why, .. } => out.push_str(&format!(
                "  {who}: {} {}\n",
                s.warn("would renew:"),
                reasons(why)
            )),
            RenewalResult::Renewed {
                reasons: why,
                archived_replaced,
                archived_new,
                ..
            } => {
                out.push_str(&format!(
                    "  {who}: {} {}\n",
                    s.good("renewed:"),
                    reasons(why)
                ));
                if let Some(replaced) = archived_replaced {
                    out.push_str(&format!(
                        "    Previous license kept in {}\n",
                        replaced.display()
                    ));
                }
                out.push_str(&format!(
                    "    New license kept in {}\n",
                    archived_new.display()
                ));
            }
            RenewalResult::Stopped { stop } => {
                out.push_str(&format!("  {who}: {} {stop}\n", s.bad("not renewed:")));
                out.push_str(&format!("    {}\n", stop.action()));
            }
        }
    }
    out
}
