//! `bwlicense`: the app's jobs on a terminal, for headless servers and scripts.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod inspect;
mod installation;

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
    }
}
