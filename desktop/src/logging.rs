//! Logs of both desktop processes: to stderr, filtered by `RUST_LOG` (default: warnings).
//! No secret is ever logged: secrets travel as `SecretString`, whose Debug prints nothing.

/// Sets up logging for the process.
pub fn init() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
}
