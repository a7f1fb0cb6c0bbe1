//! `bwlicense`: the app's jobs on a terminal, for headless servers and scripts.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod audit;
mod checks;
mod download;
mod fleet;
mod hints;
mod inspect;
mod installation;
mod login;
mod logout;
mod net;
mod org;
mod orgs;
mod prompt;
mod renew;
mod report;
mod sync;
mod token;
mod token_cloud;
mod upload;

#[derive(Debug, Parser)]
#[command(name = "bwlicense", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the versions of the tool and its core library.
    Version {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show the installation ID, region, cloud URIs and cloud communication of a server.
    Installation(Box<installation::InstallationArgs>),
    /// Check a license file as the self-hosted server would on upload.
    Inspect(inspect::InspectArgs),
    /// Sign in to a self-hosted server or to Bitwarden cloud and keep the session.
    Login(login::LoginArgs),
    /// Forget kept sessions (keychain entries and the session file).
    Logout(logout::LogoutArgs),
    /// List the organizations you own on a self-hosted server, with their license state.
    Orgs(orgs::OrgsArgs),
    /// Download an organization or premium license from Bitwarden cloud.
    Download(download::DownloadArgs),
    /// Upload a license to a self-hosted server, checked and archived first.
    Upload(upload::UploadArgs),
    /// Set, show or clear an organization's billing sync token; get or rotate it in the cloud.
    Token(token::TokenArgs),
    /// Fetch organization licenses from the cloud now (billing sync).
    Sync(sync::SyncArgs),
    /// Create an organization on a self-hosted server from its license.
    Org(org::OrgArgs),
    /// Predict what the server's license jobs will do at their next run, and how to prevent it.
    Audit(Box<audit::AuditArgs>),
    /// Apply each organization's newer license from the cloud, when nothing is lost.
    Renew(Box<renew::RenewArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Version { json } => {
            let core = companion_core::version();
            let cli_version = env!("CARGO_PKG_VERSION");
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "bwlicense": cli_version, "core": core })
                );
            } else {
                println!("bwlicense {cli_version} (core {core})");
            }
            ExitCode::SUCCESS
        }
        Command::Installation(args) => installation::run(*args),
        Command::Inspect(args) => inspect::run(args),
        Command::Login(args) => login::run(args),
        Command::Logout(args) => logout::run(args),
        Command::Orgs(args) => orgs::run(args),
        Command::Download(args) => download::run(args),
        Command::Upload(args) => upload::run(args),
        Command::Token(args) => token::run(args),
        Command::Sync(args) => sync::run(args),
        Command::Org(args) => org::run(args),
        Command::Audit(args) => audit::run(*args),
        Command::Renew(args) => renew::run(*args),
    }
}
