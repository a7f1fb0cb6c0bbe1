//! `bwlicense sync`: ask the self-hosted server to fetch an organization's license from
//! Bitwarden cloud now (billing sync), for one organization or every owned one that has a
//! billing sync token.

use std::process::ExitCode;

use clap::Args;
use companion_core::bitwarden::{
    billing_sync_connection, profile, subscription, trigger_sync, BitwardenError, ExitClass,
    Session,
};
use serde::Serialize;
use uuid::Uuid;

use crate::net::{block_on, Net, NetArgs};
use crate::report::{day, fail, print_json, Failure, Style};

#[derive(Debug, Args)]
#[command(
    after_help = "The server needs cloud communication on and a billing sync token (`bwlicense token set`).\n\nExit status: 0 synced, 1 refused, 2 usage, 3 network or keychain failure."
)]
pub struct SyncArgs {
    /// The self-hosted server's vault URL.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The self-hosted organization's ID.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    org: Option<Uuid>,
    /// Every organization you own that has a billing sync token.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    net: NetArgs,
}

/// One organization's sync.
#[derive(Debug, Serialize)]
struct Synced {
    organization: Uuid,
    name: Option<String>,
    synced: bool,
    expiration: Option<chrono::DateTime<chrono::Utc>>,
    error: Option<Failure>,
    #[serde(skip)]
    exit: Option<ExitClass>,
}

pub fn run(args: SyncArgs) -> ExitCode {
    let json = args.net.json;
    match block_on(sync_all(&args)).and_then(|r| r) {
        Ok(results) => {
            let worst = results
                .iter()
                .filter_map(|r| r.exit)
                .max_by_key(|c| *c as u8);
            if json {
                print_json(&serde_json::json!({ "results": results }));
            } else {
                print!("{}", render(&results, &Style::for_stdout()));
            }
            worst.map_or(ExitCode::SUCCESS, |class| ExitCode::from(class as u8))
        }
        Err(e) => fail(json, &e, None),
    }
}

async fn sync_all(args: &SyncArgs) -> Result<Vec<Synced>, BitwardenError> {
    let net = Net::new(&args.net)?;
    let endpoints = net.self_hosted(&args.server)?;
    let session = net.session(&endpoints).await?;
    let orgs = match args.org {
        Some(org) => vec![org],
        None => {
            let mut with_token = Vec::new();
            for membership in profile(&session).await?.organizations {
                if membership.is_owner()
                    && billing_sync_connection(&session, membership.id)
                        .await?
                        .exists()
                {
                    with_token.push(membership.id);
                }
            }
            with_token
        }
    };
    let mut results = Vec::new();
    for org in orgs {
        results.push(sync_one(&session, org).await);
    }
    Ok(results)
}

async fn sync_one(session: &Session, org: Uuid) -> Synced {
    match trigger_sync(session, org).await {
        Ok(()) => {
            let sub = subscription(session, org).await.ok();
            Synced {
                organization: org,
                name: sub.as_ref().and_then(|s| s.name.clone()),
                synced: true,
                expiration: sub.and_then(|s| s.expiration),
                error: None,
                exit: None,
            }
        }
        Err(e) => Synced {
            organization: org,
            name: None,
            synced: false,
            expiration: None,
            error: Some(Failure::of(&e)),
            exit: Some(e.exit_class()),
        },
    }
}

fn render(results: &[Synced], s: &Style) -> String {
    if results.is_empty() {
        return "No organization you own has a billing sync token; set one with `bwlicense token set`.\n".into();
    }
    let mut out = String::new();
    for r in results {
        let name = r.name.clone().unwrap_or_else(|| r.organization.to_string());
        match &r.error {
            None => out.push_str(&format!(
                "{} {name}: license synced{}\n",
                s.good("ok"),
                r.expiration
                    .map_or(String::new(), |e| format!(", expires {}", day(e)))
            )),
            Some(failure) => out.push_str(&format!(
                "{} {name}: {}\n    {}\n",
                s.bad("FAIL"),
                failure.problem.message,
                failure.advice_and_hint().replace('\n', "\n    ")
            )),
        }
    }
    out
}
