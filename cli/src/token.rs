//! `bwlicense token set|status|clear`: the organization's billing sync token on the
//! self-hosted server (its CloudBillingSync connection) and in the keychain. The token is
//! read from stdin (without echo on a terminal) or from an environment variable, never
//! from the command line, and never printed except masked (`••••••••6789`).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use companion_core::bitwarden::{
    billing_sync_connection, delete_billing_sync_connection, token_account, BillingSyncConnection,
    BitwardenError,
};
use companion_core::ops::billing::{self, TokenPlaces};
use companion_core::secrets::{OsKeychain, SecretStore, SecretString};
use serde_json::json;
use uuid::Uuid;

use crate::net::{block_on, Net, NetArgs};
use crate::prompt;
use crate::report::{day, fail, print_json, Style};
use crate::token_cloud;

#[derive(Debug, Args)]
#[command(
    after_help = "The token is the organization's billing sync token from the cloud web vault (Organization > Billing > Subscription > Set up billing sync), or `bwlicense token generate` fetches it.\n\nExit status: 0 done, 1 refused, 2 usage, 3 network or keychain failure."
)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
    #[command(flatten)]
    net: NetArgs,
}

/// The self-hosted server's side, and the cloud's side (`generate`, `info`).
#[derive(Debug, Subcommand)]
enum TokenCommand {
    #[command(flatten)]
    Server(Action),
    #[command(flatten)]
    Cloud(token_cloud::CloudAction),
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Store the token on the server (create or update the connection) and in the keychain.
    Set {
        #[command(flatten)]
        target: Target,
        /// Read the token from this environment variable instead of stdin.
        #[arg(long, value_name = "VAR")]
        token_env: Option<String>,
        /// Keep the token only on the server, not in the keychain.
        #[arg(long)]
        no_keychain: bool,
    },
    /// Show the connection and the token, masked.
    Status {
        #[command(flatten)]
        target: Target,
        /// Do not look in the keychain; show the server's copy, masked.
        #[arg(long)]
        no_keychain: bool,
    },
    /// Delete the connection on the server and the token in the keychain.
    Clear {
        #[command(flatten)]
        target: Target,
        /// Only delete the connection on the server; leave the keychain alone.
        #[arg(long)]
        no_keychain: bool,
    },
}

#[derive(Debug, Args)]
struct Target {
    /// The self-hosted server's vault URL.
    #[arg(long, value_name = "URL")]
    server: String,
    /// The self-hosted organization's ID.
    #[arg(long, value_name = "ID")]
    org: Uuid,
}

pub fn run(args: TokenArgs) -> ExitCode {
    let action = match args.command {
        TokenCommand::Cloud(cloud) => return token_cloud::run(cloud, &args.net),
        TokenCommand::Server(action) => action,
    };
    let json = args.net.json;
    let result = block_on(act(&action, &args.net)).and_then(|r| r);
    match result {
        Ok(report) => {
            if json {
                print_json(&report.json);
            } else {
                print!("{}", report.text);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(json, &e, None),
    }
}

struct Report {
    json: serde_json::Value,
    text: String,
}

async fn act(action: &Action, net_args: &NetArgs) -> Result<Report, BitwardenError> {
    let s = Style::for_stdout();
    let net = Net::new(net_args)?;
    let keychain = OsKeychain::default();
    match action {
        Action::Set {
            target,
            token_env,
            no_keychain,
        } => {
            let keychain: Option<&dyn SecretStore> = (!no_keychain).then_some(&keychain);
            if let Some(keychain) = keychain {
                // Before signing in, so a keychain that cannot keep it sends nothing at all.
                keychain.check().map_err(BitwardenError::from)?;
            }
            let token = read_token(token_env.as_deref())?;
            let endpoints = net.self_hosted(&target.server)?;
            let session = net.session(&endpoints).await?;
            let saved = billing::store_token(&session, target.org, &token, keychain).await?;
            let verb = if saved.created { "created" } else { "updated" };
            Ok(Report {
                text: format!(
                    "{} Billing sync token stored on {} for organization {} (connection {verb}, {}){}.\n",
                    s.good("Done."),
                    endpoints.label(),
                    target.org,
                    if saved.connection.enabled { "enabled" } else { "disabled" },
                    if *no_keychain { "" } else { " and in the keychain" },
                ),
                json: json!({
                    "organization": target.org,
                    "created": saved.created,
                    "connection": saved.connection,
                    "in_keychain": !no_keychain,
                }),
            })
        }
        Action::Status {
            target,
            no_keychain,
        } => {
            let endpoints = net.self_hosted(&target.server)?;
            let session = net.session(&endpoints).await?;
            let connection = billing_sync_connection(&session, target.org).await?;
            let keychain: Option<&dyn SecretStore> = (!no_keychain).then_some(&keychain);
            let places =
                billing::token_places(keychain, &endpoints.server, target.org, &connection);
            Ok(status(target.org, &connection, places, &s))
        }
        Action::Clear {
            target,
            no_keychain,
        } => {
            let endpoints = net.self_hosted(&target.server)?;
            let session = net.session(&endpoints).await?;
            let deleted = delete_billing_sync_connection(&session, target.org).await?;
            let removed = !no_keychain
                && keychain
                    .delete(&token_account(&endpoints.server, target.org))
                    .map_err(BitwardenError::from)?;
            let keychain_text = match (no_keychain, removed) {
                (true, _) => "the keychain was left alone",
                (false, true) => "token removed from the keychain",
                (false, false) => "the keychain held no token",
            };
            Ok(Report {
                text: format!(
                    "Connection {} on the server; {keychain_text}.\n",
                    if deleted { "deleted" } else { "was not set" },
                ),
                json: json!({
                    "organization": target.org,
                    "connection_deleted": deleted,
                    "keychain_entry_removed": removed,
                }),
            })
        }
    }
}

fn status(org: Uuid, connection: &BillingSyncConnection, places: TokenPlaces, s: &Style) -> Report {
    let mut text = format!("Billing sync for organization {org}:\n");
    if connection.exists() {
        text.push_str(&format!(
            "  Connection: {}\n",
            if connection.enabled {
                s.good("enabled")
            } else {
                s.warn("disabled")
            }
        ));
        if let Some(cloud) = connection.cloud_organization_id {
            text.push_str(&format!("  Cloud organization: {cloud}\n"));
        }
        text.push_str(&format!(
            "  Last sync: {}\n",
            connection.last_license_sync.map_or("never".to_owned(), day)
        ));
    } else {
        text.push_str(&format!(
            "  Connection: {}\n",
            s.warn("none (no token set)")
        ));
    }
    text.push_str(&format!(
        "  Token: {}{}\n",
        places.token.as_deref().unwrap_or("not set"),
        match places.keychain_matches_server {
            Some(true) => " (keychain and server agree)",
            Some(false) => " (keychain differs from the server: run `token set` again)",
            None => "",
        }
    ));
    if let Some(problem) = &places.keychain_problem {
        text.push_str(&format!("  {} {}\n", s.warn("Keychain:"), problem.message));
    }
    Report {
        json: json!({
            "organization": org,
            "connection": connection,
            "token": places.token,
            "in_keychain": places.token_in_keychain,
            "keychain_matches_server": places.keychain_matches_server,
            "keychain_problem": places.keychain_problem,
        }),
        text,
    }
}

/// The token from the environment variable, else from stdin (no echo on a terminal).
fn read_token(env: Option<&str>) -> Result<SecretString, BitwardenError> {
    let missing = |detail: String| BitwardenError::InvalidCredentials {
        message: format!("No billing sync token was given: {detail}."),
    };
    let token = match env {
        Some(name) => SecretString::from(
            std::env::var(name).map_err(|_| missing(format!("{name} is not set")))?,
        ),
        None => prompt::secret("Billing sync token: ").map_err(|e| missing(e.to_string()))?,
    };
    billing::pasted_token(&token)
}
