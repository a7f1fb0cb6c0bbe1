//! `bwlicense orgs`: the organizations you own on a self-hosted server, with their license
//! state (plan, seats, expiry with and without grace), billing sync and cloud communication.

use std::process::ExitCode;

use clap::Args;
use companion_core::bitwarden::{
    owned_organizations, BitwardenError, OrganizationState, OrganizationsReport,
};

use crate::fleet::{self, Answer, FleetArgs, Server};
use crate::net::{block_on, Net, NetArgs};
use crate::report::{day, fail, print_json, Style};

#[derive(Debug, Args)]
#[command(
    group = clap::ArgGroup::new("which").required(true).multiple(false),
    after_help = "With --all-instances every server of the app's list is asked, a few at a time, and each one's block is printed as it is read (with --json, one JSON object per line: instance, elapsed_ms, exit, and report or error).\n\nExit status: 0 listed, 1 refused, 2 usage, 3 network or keychain failure; with --all-instances the worst of the servers'."
)]
pub struct OrgsArgs {
    /// The self-hosted server's vault URL.
    #[arg(long, value_name = "URL", group = "which")]
    server: Option<String>,
    /// Every server set up in the app (its settings.json), instead of one.
    #[arg(long, group = "which")]
    all_instances: bool,
    #[command(flatten)]
    fleet: FleetArgs,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: OrgsArgs) -> ExitCode {
    let Some(server) = &args.server else {
        return fleet::run(&args.net, &args.fleet, one_of_many);
    };
    let result = block_on(async {
        let net = Net::new(&args.net)?;
        let endpoints = net.self_hosted(server)?;
        let session = net.session(&endpoints).await?;
        owned_organizations(&session).await
    })
    .and_then(|r| r);
    match result {
        Ok(report) => {
            if args.net.json {
                print_json(&report);
            } else {
                print!("{}", render(&report, &Style::for_stdout()));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.net.json, &e, None),
    }
}

/// One server of `--all-instances`.
async fn one_of_many(server: Server) -> Answer {
    let report = match server.session().await {
        Ok(session) => owned_organizations(&session).await,
        Err(e) => Err(e),
    };
    match report {
        Ok(report) => Answer::Read {
            text: render(&report, &Style::for_stdout()),
            json: serde_json::to_value(&report).unwrap_or_default(),
            exit: 0,
        },
        Err(e) => Answer::failed(&e, e.exit_class() as u8),
    }
}

fn render(report: &OrganizationsReport, s: &Style) -> String {
    if !report.takes_licenses {
        return render_unlicensed(report, s);
    }
    let mut out = format!(
        "{} on {} (cloud communication {})\n",
        s.bold("Organizations you own"),
        report.server,
        if report.cloud_communication {
            s.good("on")
        } else {
            s.warn("off")
        }
    );
    if report.organizations.is_empty() {
        out.push_str("  none\n");
    }
    for org in &report.organizations {
        out.push_str(&org_line(org, s));
        let seats = org.seats.map_or(String::new(), |n| format!(", {n} seats"));
        out.push_str(&format!(
            "    Plan: {}{seats}\n",
            org.plan.as_deref().unwrap_or("unknown")
        ));
        match org.expiration {
            Some(expires) => {
                let days = org.days_until_disabled.unwrap_or_default();
                let when = format!("{} ({days} days)", day(expires));
                let when = match days {
                    d if d < 0 => s.bad(&when),
                    d if d < 30 => s.warn(&when),
                    _ => when,
                };
                let grace = org
                    .expiration_without_grace
                    .filter(|g| *g != expires)
                    .map_or(String::new(), |g| format!(", subscription ends {}", day(g)));
                out.push_str(&format!("    Expires: {when}{grace}\n"));
            }
            None => out.push_str("    Expires: unknown\n"),
        }
        let sync = &org.billing_sync;
        let sync_text = match (sync.exists(), sync.enabled) {
            (false, _) => "no token set".to_owned(),
            (true, false) => s.warn("token set, disabled"),
            (true, true) => format!(
                "token set, enabled, last sync {}",
                sync.last_license_sync.map_or("never".to_owned(), day)
            ),
        };
        out.push_str(&format!("    Billing sync: {sync_text}\n"));
    }
    out
}

/// A server that takes no licenses (Vaultwarden): the organizations, and why there is no
/// license state (the text of `BitwardenError::NoLicensesOnVaultwarden`).
fn render_unlicensed(report: &OrganizationsReport, s: &Style) -> String {
    let mut out = format!(
        "{} on {}\n  {}\n",
        s.bold("Organizations you own"),
        report.server,
        BitwardenError::NoLicensesOnVaultwarden
    );
    if report.organizations.is_empty() {
        out.push_str("  none\n");
    }
    for org in &report.organizations {
        out.push_str(&org_line(org, s));
    }
    out
}

/// An organization's first line: name, ID and whether it is disabled.
fn org_line(org: &OrganizationState, s: &Style) -> String {
    let state = if org.enabled { "" } else { " (disabled)" };
    format!("  {}  {}{}\n", s.bold(&org.name), org.id, s.bad(state))
}
