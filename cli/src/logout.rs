//! `bwlicense logout`: forget the kept sessions (keychain entries and the session file),
//! of one server or of all.

use std::process::ExitCode;

use clap::Args;
use companion_core::bitwarden::BitwardenError;
use serde_json::json;

use crate::net::{Cloud, Net, NetArgs};
use crate::report::{fail, print_json};

#[derive(Debug, Args)]
#[command(
    after_help = "Without --server or --cloud, signs out of every server.\n\nExit status: 0 done, 3 keychain failure."
)]
pub struct LogoutArgs {
    /// Only this self-hosted server.
    #[arg(long, value_name = "URL", conflicts_with = "cloud")]
    server: Option<String>,
    /// Only this cloud region.
    #[arg(long, value_enum)]
    cloud: Option<Cloud>,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: LogoutArgs) -> ExitCode {
    match sign_out(&args) {
        Ok(servers) => {
            if args.net.json {
                print_json(&json!({ "signed_out": servers }));
            } else if servers.is_empty() {
                println!("Not signed in; nothing to remove.");
            } else {
                for server in &servers {
                    println!("Signed out of {server}.");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.net.json, &e, None),
    }
}

fn sign_out(args: &LogoutArgs) -> Result<Vec<String>, BitwardenError> {
    let net = Net::new(&args.net)?;
    let store = net.store();
    let endpoints = match (&args.server, args.cloud) {
        (Some(url), _) => Some(net.self_hosted(url)?),
        (None, Some(cloud)) => Some(net.cloud(cloud)?),
        (None, None) => None,
    };
    match endpoints {
        Some(endpoints) => Ok(if store.forget(&endpoints.server)? {
            vec![endpoints.server]
        } else {
            Vec::new()
        }),
        None => store.forget_all(),
    }
}
