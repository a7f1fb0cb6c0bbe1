//! `bwlicense renew`: once, for cron or a systemd timer, bring each organization (and with
//! --premium the account's premium) on a self-hosted server to the newest license its cloud
//! subscription gives, Families included. Only what the review passes without a person is
//! sent; everything else is reported with its reason. `--all-instances` does it on every
//! server the app keeps: what is switched on there ("Renew automatically"), or with --all
//! every organization.

use std::process::ExitCode;

use clap::Args;
use companion_core::app::{InstallationPlace, RenewalSwitch, Settings};
use companion_core::bitwarden::{Archive, BitwardenError, UploadTarget};
use companion_core::installation::{self, Region, Source};
use companion_core::license::ExpectedInstallation;
use companion_core::messages::Phrase;
use companion_core::renewal::{Reason, Renewal, RenewalResult, Renewer, Stop};
use serde_json::json;
use uuid::Uuid;

use crate::checks::CheckArgs;
use crate::fleet::{self, Answer, FleetArgs};
use crate::net::{block_on, Cloud, Net, NetArgs};
use crate::report::{day, fail, print_json, Style};

#[derive(Debug, Args)]
#[command(
    after_help = "Sign in to the server (`bwlicense login --server URL`) and to the cloud (`bwlicense login --cloud us`) first. A license is sent only when it is newer, it is the organization's own, the server's checks pass and it takes nothing away (seats, plan, features); the replaced one is archived. A send that got no answer is never repeated: check the server, then upload by hand.\n\nExit status: 0 all renewed or up to date, 1 some need a person, 2 usage, 3 network or keychain failure."
)]
pub struct RenewArgs {
    /// The self-hosted server's vault URL.
    #[arg(long, value_name = "URL", required_unless_present = "all_instances")]
    server: Option<String>,
    /// Every server set up in the app: the licenses switched to "Renew automatically"
    /// there (with --all, every organization), installation IDs read where the app says.
    #[arg(long, conflicts_with_all = ["server", "org", "bwdata", "installation_id"])]
    all_instances: bool,
    /// Every organization you own on the server.
    #[arg(long, required_unless_present_any = ["org", "premium", "all_instances"])]
    all: bool,
    /// One organization's ID on the server (repeatable).
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    org: Vec<Uuid>,
    /// Also your premium license.
    #[arg(long)]
    premium: bool,
    /// The cloud region (default: the one the bwdata folder names, or the app's).
    #[arg(long, value_enum, required_unless_present_any = ["bwdata", "all_instances"])]
    cloud: Option<Cloud>,
    /// Judge and report only; send nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    checks: CheckArgs,
    #[command(flatten)]
    fleet: FleetArgs,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: RenewArgs) -> ExitCode {
    let json = args.net.json;
    if args.all_instances {
        return all_instances(&args);
    }
    let server = args.server.clone().unwrap_or_default();
    match block_on(renew(&args, &server)).and_then(|r| r) {
        Ok(renewals) => {
            if json {
                print_json(&json!({ "dry_run": args.dry_run, "renewals": renewals }));
            } else {
                print!(
                    "{}",
                    render(&args, &server, &renewals, &Style::for_stdout())
                );
            }
            ExitCode::from(exit_status(&renewals))
        }
        Err(e) => fail(json, &e, None),
    }
}

async fn renew(args: &RenewArgs, server_url: &str) -> Result<Vec<Renewal>, BitwardenError> {
    let region = region(args)?;
    let net = Net::new(&args.net)?;
    let server = net.session(&net.self_hosted(server_url)?).await?;
    let cloud = net.session(&net.cloud(region)?).await?;
    let archive = Archive::new(net.folders.licenses());
    let renewer = Renewer {
        server: &server,
        cloud: &cloud,
        archive: &archive,
        trust: args.checks.trust()?,
        installation: args.checks.installation()?,
        bwdata: args.checks.bwdata.clone(),
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
    Ok(installation::read(&Source::Path(dir))?.region.into())
}

/// Every server the app keeps, a few at a time, with one cloud session for all.
fn all_instances(args: &RenewArgs) -> ExitCode {
    let prepared = block_on(async {
        let net = Net::new(&args.net)?;
        // The region the app's cloud account is in, unless given.
        let region = args.cloud.unwrap_or_else(|| {
            Settings::load(&net.folders.config)
                .map(|s| s.cloud_region)
                .unwrap_or(Region::Us)
                .into()
        });
        let cloud = net.session(&net.cloud(region)?).await?;
        let archive = Archive::new(net.folders.licenses());
        Ok::<_, BitwardenError>((cloud, archive, args.checks.trust()?))
    })
    .and_then(|r| r);
    let (cloud, archive, trust) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => return fail(args.net.json, &e, None),
    };
    let (cloud, archive, trust) = (&cloud, &archive, &trust);
    fleet::run(&args.net, &args.fleet, |server| async move {
        let session = match server.session().await {
            Ok(session) => session,
            Err(e) => return Answer::failed(&e, e.exit_class() as u8),
        };
        let installation = match &server.instance.installation {
            Some(place) => match installation_of(place.clone()).await {
                Ok(found) => found,
                Err(e) => return Answer::failed(&e, e.exit_class() as u8),
            },
            None => None,
        };
        let renewer = Renewer {
            server: &session,
            cloud,
            archive,
            trust: trust.clone(),
            installation,
            bwdata: server
                .instance
                .installation
                .as_ref()
                .and_then(|p| p.bwdata()),
            dry_run: args.dry_run,
        };
        let renewals = if args.all {
            match renewer.all_organizations().await {
                Ok(renewals) => renewals,
                Err(e) => return Answer::failed(&e, e.exit_class() as u8),
            }
        } else {
            let mut switched = Vec::new();
            for switch in &server.instance.renew_automatically {
                switched.push(match switch {
                    RenewalSwitch::Organization(org) => renewer.organization(*org, None).await,
                    RenewalSwitch::Premium => renewer.premium().await,
                });
            }
            switched
        };
        Answer::Read {
            text: render(args, &server.instance.url, &renewals, &Style::for_stdout()),
            json: json!({ "dry_run": args.dry_run, "renewals": renewals }),
            exit: exit_status(&renewals),
        }
    })
}

/// The installation ID where the app says the installation lives (SSH blocks: off the
/// async threads).
async fn installation_of(
    place: InstallationPlace,
) -> Result<Option<ExpectedInstallation>, BitwardenError> {
    let found = tokio::task::spawn_blocking(move || {
        place
            .source()
            .and_then(|source| installation::read(&source))
    })
    .await
    .map_err(|e| BitwardenError::UnexpectedAnswer {
        url: String::new(),
        detail: Phrase::new("answer_fault.other").with("detail", e),
    })??;
    Ok(found.installation_id.map(|id| ExpectedInstallation {
        id,
        origin: found.env_file,
    }))
}

/// 0 when nothing needs a person, 3 when a send got no answer, else 1.
fn exit_status(renewals: &[Renewal]) -> u8 {
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
    status
}

fn render(args: &RenewArgs, server: &str, renewals: &[Renewal], s: &Style) -> String {
    let title = if args.dry_run {
        format!("Renewal check for {server} (dry run: nothing sent)")
    } else {
        format!("Renewal on {server}")
    };
    let mut out = format!("{}\n", s.bold(&title));
    if renewals.is_empty() {
        out.push_str(if args.all_instances && !args.all {
            "  Nothing is switched to renew automatically on this server.\n"
        } else {
            "  You own no organizations on this server.\n"
        });
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
                out.push_str(&format!("    {}\n", stop.action("en")));
            }
        }
    }
    out
}
