//! `bwlicense upload`: replace an organization's license or add/replace your premium
//! license on a self-hosted server, safely: another organization's license is never sent,
//! the file is checked as the server will check it (and not sent if it would be refused,
//! unless --force), the change is summarised, a downgrade or an organization whose cloud
//! organization is unknown is sent only once its name is confirmed, and the replaced and
//! new licenses are archived before the file's bytes are sent.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::Args;
use companion_core::bitwarden::{
    plan_upload, send_upload, Archive, Belonging, BitwardenError, LinkSource, UploadOutcome,
    UploadPlan, UploadRequest, UploadTarget,
};
use serde_json::json;
use uuid::Uuid;

use crate::checks::CheckArgs;
use crate::net::{block_on, Net, NetArgs};
use crate::report::{fail, print_json, render_note, Style};

#[derive(Debug, Args)]
#[command(
    after_help = "Licenses are archived under the data folder (~/.local/share/license-companion/licenses). With --bwdata the installation ID is checked and the server's current license file is archived too.\n\nExit status: 0 applied, 1 refused (by the checks or the server), 2 usage, 3 network or keychain failure."
)]
pub struct UploadArgs {
    /// The self-hosted server's vault URL.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The self-hosted organization's ID.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "premium",
        conflicts_with = "premium"
    )]
    org: Option<Uuid>,
    /// Upload your premium license instead.
    #[arg(long)]
    premium: bool,
    /// The license file, as downloaded.
    file: PathBuf,
    /// Send it even if the checks say the server will refuse it (never another
    /// organization's license).
    #[arg(long)]
    force: bool,
    /// The organization's name, confirming a downgrade or an organization whose cloud
    /// organization cannot be read here (asked for on a terminal when missing).
    #[arg(long, value_name = "NAME")]
    confirm_organization: Option<String>,
    #[command(flatten)]
    checks: CheckArgs,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: UploadArgs) -> ExitCode {
    let json = args.net.json;
    let style = Style::for_stdout();
    let result = block_on(async {
        let net = Net::new(&args.net)?;
        let request = request(&args)?;
        let endpoints = net.self_hosted(&args.server)?;
        let session = net.session(&endpoints).await?;
        let archive = Archive::new(net.folders.licenses());
        let plan = plan_upload(&session, &archive, request).await?;
        if !json {
            print!("{}", render_plan(&plan, &style));
        }
        let confirmed = args
            .confirm_organization
            .clone()
            .or_else(|| ask_name(&plan, json));
        let outcome =
            send_upload(&session, &archive, &plan, args.force, confirmed.as_deref()).await;
        Ok::<_, BitwardenError>((plan, outcome))
    })
    .and_then(|r| r);
    match result {
        Ok((plan, Ok(outcome))) => {
            if json {
                print_json(&json!({ "plan": plan, "outcome": outcome }));
            } else {
                print!("{}", render_outcome(&outcome, &style));
            }
            ExitCode::SUCCESS
        }
        Ok((plan, Err(e))) => fail(json, &e, Some(("plan", json!(plan)))),
        Err(e) => fail(json, &e, None),
    }
}

fn request(args: &UploadArgs) -> Result<UploadRequest, BitwardenError> {
    // A premium license names no installation, so there is nothing to check it against.
    let installation = if args.premium {
        None
    } else {
        args.checks.installation()?
    };
    Ok(UploadRequest {
        target: match args.org {
            Some(org) => UploadTarget::Organization(org),
            None => UploadTarget::Premium,
        },
        path: args.file.clone(),
        trust: args.checks.trust()?,
        installation,
        bwdata: args.checks.bwdata.clone(),
        now: Utc::now(),
    })
}

/// Asks for the organization's name on a terminal when the plan needs it and nothing
/// stops it from being sent otherwise.
fn ask_name(plan: &UploadPlan, json: bool) -> Option<String> {
    let name = plan.confirm_by_name.as_deref()?;
    let blocked =
        plan.would_be_refused || matches!(plan.belonging, Some(Belonging::Another { .. }));
    if json || blocked || !std::io::stdin().is_terminal() {
        return None;
    }
    eprint!("Type the organization's name ({name}) to apply the license: ");
    std::io::stderr().flush().ok()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(line.trim().to_owned())
}

fn render_plan(plan: &UploadPlan, s: &Style) -> String {
    let title = match &plan.organization_name {
        Some(name) => format!("Uploading {} to {name}", plan.file),
        None => format!("Uploading {}", plan.file),
    };
    let mut out = format!("{}\n", s.bold(&title));
    match &plan.belonging {
        Some(Belonging::Same { source }) => out.push_str(&format!(
            "  The license is this organization's (checked against {}).\n",
            describe_source(source)
        )),
        Some(Belonging::Another { .. }) => out.push_str(&format!(
            "{}\n",
            s.bad("This is another organization's license; it will not be sent.")
        )),
        Some(Belonging::Unknown) => out.push_str(&format!(
            "{} Nothing here says which cloud organization this one belongs to (no license file of the server, no earlier upload, no billing sync).\n",
            s.warn("Check:")
        )),
        None => {}
    }
    for change in &plan.changes {
        let current = change.current.as_deref().unwrap_or("-");
        let new = change.new.as_deref().unwrap_or("-");
        if change.changed {
            out.push_str(&format!(
                "  {:<18} {current} -> {}\n",
                change.what,
                s.bold(new)
            ));
        } else {
            out.push_str(&format!("  {:<18} {current} (unchanged)\n", change.what));
        }
    }
    for loss in &plan.losses {
        out.push_str(&format!("{} {}\n", s.warn("Downgrade:"), loss.describe()));
    }
    for note in &plan.notes {
        out.push_str(&render_note(note, s));
    }
    if plan.would_be_refused {
        out.push_str(&format!(
            "{}\n",
            s.bad("The server would refuse this file:")
        ));
        for line in plan
            .inspection
            .server_message
            .as_deref()
            .unwrap_or_default()
            .lines()
        {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

fn describe_source(source: &LinkSource) -> String {
    match source {
        LinkSource::ServerFile { path } => format!("the server's license file {}", path.display()),
        LinkSource::Archive { path } => format!("the license applied earlier, {}", path.display()),
        LinkSource::BillingSync => "the billing sync connection".to_owned(),
    }
}

fn render_outcome(outcome: &UploadOutcome, s: &Style) -> String {
    let mut out = format!("{}\n", s.good("The server accepted the license."));
    if let Some(replaced) = &outcome.archived_replaced {
        out.push_str(&format!(
            "  Previous license kept in {}\n",
            replaced.display()
        ));
    }
    out.push_str(&format!(
        "  Uploaded license kept in {}\n",
        outcome.archived_new.display()
    ));
    out
}
