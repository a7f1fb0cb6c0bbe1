//! `fake-bitwarden`: runs the Bitwarden-compatible test server until killed. When every
//! role listens it prints one JSON line with the URLs and file paths (and writes the same
//! line to `--port-file`); the app's demo mode starts it this way.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use companion_tests::fake::{FakeBitwarden, FaultAction, FaultRule, Role, Seed};

#[derive(Debug, Parser)]
#[command(name = "fake-bitwarden", version, about)]
struct Args {
    /// Seed file (JSON); the built-in default seed when not given.
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Serve HTTPS with a certificate from a CA made at start (its PEM path is printed).
    #[arg(long)]
    https: bool,
    /// HTTPS on the self-hosted role only, plain HTTP on the cloud roles (the demo).
    #[arg(long, conflicts_with = "https")]
    https_self_hosted_only: bool,
    /// Where license files and certificates go (a temporary folder when not given).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Serve the self-hosted role on this many ports, sharing one state (fleet benchmarks).
    #[arg(long, value_name = "N", default_value_t = 1)]
    self_hosted_count: usize,
    /// Delay every answer of the self-hosted role by this many milliseconds, as a distant
    /// server's round trip would (fleet benchmarks).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Also write the ready line to this file.
    #[arg(long)]
    port_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let seed = match &args.seed {
        Some(path) => Seed::from_file(path)?,
        None => Seed::default_seed(),
    };
    let mut builder = FakeBitwarden::builder()
        .seed(seed)
        .https(args.https)
        .https_self_hosted_only(args.https_self_hosted_only)
        .self_hosted_count(args.self_hosted_count);
    if let Some(dir) = &args.state_dir {
        builder = builder.state_dir(dir);
    }
    let running = builder.start().await?;
    if args.latency_ms > 0 {
        running.faults.add(FaultRule {
            role: Role::SelfHosted,
            method: None,
            path: "*".into(),
            action: FaultAction::Hang(Duration::from_millis(args.latency_ms)),
            times: None,
        });
    }
    let line = running.info().to_string();
    if let Some(path) = &args.port_file {
        let partial = path.with_extension("partial");
        std::fs::write(&partial, format!("{line}\n"))?;
        std::fs::rename(&partial, path)?;
    }
    println!("{line}");
    tokio::signal::ctrl_c().await?;
    running.shutdown().await;
    Ok(())
}
