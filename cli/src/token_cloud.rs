//! `bwlicense token generate|info`: the billing sync token in Bitwarden cloud. `generate`
//! gets the cloud organization's token (made on first use) or rotates it, proving who you
//! are with your master password or an e-mailed code, keeps it in the keychain and, with
//! `--push`, stores it on the self-hosted server and runs the first sync. The token is
//! only ever shown masked.
//!
//! The cloud session is the one kept by `bwlicense login --cloud`; without one the command
//! signs in with e-mail and master password for this run only (the password is needed
//! anyway). The self-hosted session for `--push` is found as for every other command.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Args, Subcommand};
use companion_core::bitwarden::{
    billing_sync_token_info, request_otp, trigger_sync, BitwardenError, CloudToken, Credentials,
    Endpoints, KeptToken, Login, Session, Verification,
};
use companion_core::ops::billing::{self, FetchedToken};
use companion_core::secrets::{OsKeychain, SecretStore, SecretString};
use serde_json::json;
use uuid::Uuid;

use crate::login::complete;
use crate::net::{block_on, Cloud, Net, NetArgs};
use crate::prompt;
use crate::report::{fail, print_json, Failure, Style};

/// The cloud-side token commands.
#[derive(Debug, Subcommand)]
pub enum CloudAction {
    /// Get the token from Bitwarden cloud (made on first use) or rotate it, keep it in the
    /// keychain, and with --push store it on the self-hosted server and sync.
    #[command(
        after_help = "Give the cloud organization's ID (from the web vault's address bar). With --push, give the self-hosted organization's ID as a second --org: `--org CLOUD_ID --push --server URL --org ID`.\n\nOnly an Owner can do this, on a Teams or Enterprise plan. The master password is asked for without echo (or read from stdin when it is not a terminal); with --otp a code is e-mailed instead.\n\nExit status: 0 done, 1 refused, 2 usage, 3 network or keychain failure."
    )]
    Generate(Box<GenerateArgs>),
    /// Show when a cloud organization's token was made or last rotated.
    #[command(after_help = "Exit status: 0 shown, 1 refused, 2 usage, 3 network failure.")]
    Info(InfoArgs),
}

/// The cloud, and who signs in when no session is kept.
#[derive(Debug, Args)]
pub struct CloudAccount {
    /// Bitwarden cloud region.
    #[arg(long, value_enum)]
    cloud: Cloud,
    /// The cloud account's e-mail, when the command signs in itself (else asked for).
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    account: CloudAccount,
    /// The cloud organization's ID; with --push, a second --org names the self-hosted one.
    #[arg(long, value_name = "ID", required = true)]
    org: Vec<Uuid>,
    /// Replace the token with a new one; the old one stops working at once.
    #[arg(long)]
    rotate: bool,
    /// Prove it is you with a code e-mailed now instead of the master password.
    #[arg(long)]
    otp: bool,
    /// Store the token on the self-hosted server (--server, second --org) and sync.
    #[arg(long, requires = "server")]
    push: bool,
    /// The self-hosted server's vault URL (with --push).
    #[arg(long, value_name = "URL", requires = "push")]
    server: Option<String>,
    /// Do not keep the token in the keychain (only with --push).
    #[arg(long, requires = "push")]
    no_keychain: bool,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    account: CloudAccount,
    /// The cloud organization's ID.
    #[arg(long, value_name = "ID")]
    org: Uuid,
}

pub fn run(action: CloudAction, net: &NetArgs) -> ExitCode {
    match action {
        CloudAction::Generate(args) => generate(&args, net),
        CloudAction::Info(args) => info(&args, net),
    }
}

/// Why a rotation must reach the self-hosted server.
const STALE_SERVER: &str = "The previous token stopped working: give the self-hosted server this one (run again with --push --server URL --org ID) before its next sync.";

/// What `generate` did.
struct Generated {
    token: CloudToken,
    kept: KeptToken,
    /// The self-hosted organization the token went to, and how its first sync went.
    pushed: Option<(Uuid, Result<(), BitwardenError>)>,
}

fn generate(args: &GenerateArgs, net_args: &NetArgs) -> ExitCode {
    let (cloud_org, self_hosted_org) = match (args.push, args.org.as_slice()) {
        (false, [cloud]) => (*cloud, None),
        (true, [cloud, self_hosted]) => (*cloud, Some(*self_hosted)),
        (false, _) => usage("give one --org: the cloud organization's ID"),
        (true, _) => usage("with --push give two --org: the cloud organization's ID, then the self-hosted organization's ID"),
    };
    let json = net_args.json;
    let result =
        block_on(fetch_and_keep(args, net_args, cloud_org, self_hosted_org)).and_then(|r| r);
    let generated = match result {
        Ok(generated) => generated,
        Err(e) => return fail(json, &e, None),
    };
    let sync_error = generated
        .pushed
        .as_ref()
        .and_then(|(_, synced)| synced.as_ref().err());
    if json {
        print_json(&json!({
            "token": generated.token,
            "rotated": args.rotate,
            "keychain_account": generated.kept.keychain_account,
            "connection": generated.kept.connection,
            "organization": generated.pushed.as_ref().map(|(org, _)| org),
            "synced": generated.pushed.as_ref().map(|(_, synced)| synced.is_ok()),
            "sync_error": sync_error.map(Failure::of),
            "warning": (args.rotate && !args.push).then_some(STALE_SERVER),
        }));
    } else {
        print!("{}", render(args, &generated, &Style::for_stdout()));
    }
    match sync_error {
        Some(e) => ExitCode::from(e.exit_class() as u8),
        None => ExitCode::SUCCESS,
    }
}

fn usage(message: &str) -> ! {
    clap::Error::raw(ErrorKind::WrongNumberOfValues, format!("{message}\n")).exit()
}

async fn fetch_and_keep(
    args: &GenerateArgs,
    net_args: &NetArgs,
    cloud_org: Uuid,
    self_hosted_org: Option<Uuid>,
) -> Result<Generated, BitwardenError> {
    let net = Net::new(net_args)?;
    let keychain = OsKeychain::default();
    let keychain: Option<&dyn SecretStore> = (!args.no_keychain).then_some(&keychain);
    if let Some(keychain) = keychain {
        // Before anyone is asked for a password that would then be of no use.
        keychain.check().map_err(BitwardenError::from)?;
    }
    // The self-hosted session first: a token rotated but not delivered would stop syncs.
    let server = match (&args.server, self_hosted_org) {
        (Some(url), Some(org)) => Some((net.session(&net.self_hosted(url)?).await?, org)),
        _ => None,
    };
    let endpoints = net.cloud(args.account.cloud)?;
    let (session, password) = cloud_session(&net, &endpoints, &args.account).await?;
    let verification = verify(&session, password, args.otp).await?;
    let target = server.as_ref().map(|(session, org)| (session, *org));
    let FetchedToken { token, kept } = billing::fetch_token(
        &session,
        cloud_org,
        &verification,
        args.rotate,
        keychain,
        target,
        |_| {},
    )
    .await?;
    let pushed = match target {
        Some((session, org)) => Some((org, trigger_sync(session, org).await)),
        None => None,
    };
    Ok(Generated {
        token,
        kept,
        pushed,
    })
}

/// The kept cloud session, or a password sign-in for this run (its password returned, to
/// be used again for the verification).
async fn cloud_session(
    net: &Net,
    endpoints: &Endpoints,
    account: &CloudAccount,
) -> Result<(Session, Option<SecretString>), BitwardenError> {
    match net.store().resume(&net.http, endpoints).await {
        Ok(session) => return Ok((session, None)),
        Err(BitwardenError::NotSignedIn { .. } | BitwardenError::SessionExpired { .. }) => {}
        Err(e) => return Err(e),
    }
    let unanswered = |e: std::io::Error| BitwardenError::InvalidCredentials {
        message: format!("No credentials were given ({e})."),
    };
    eprintln!(
        "Signing in to {} for this command (`bwlicense login --cloud {} --password` keeps a session).",
        endpoints.label(),
        match account.cloud {
            Cloud::Us => "us",
            Cloud::Eu => "eu",
        }
    );
    let email = match &account.email {
        Some(email) => email.clone(),
        None => prompt::line("Email address: ").map_err(unanswered)?,
    };
    let password = prompt::secret("Master password: ").map_err(unanswered)?;
    let credentials = Credentials::Password {
        email,
        password: password.clone(),
    };
    let mut login = Login::new(net.http.clone(), endpoints.clone(), credentials);
    let session = complete(&mut login).await?;
    Ok((session, Some(password)))
}

/// The master password (asked for unless the sign-in just took it) or an e-mailed code.
async fn verify(
    session: &Session,
    password: Option<SecretString>,
    otp: bool,
) -> Result<Verification, BitwardenError> {
    let who = session
        .facts()
        .email
        .clone()
        .unwrap_or_else(|| "your account".to_owned());
    let unanswered = |what: &str, e: std::io::Error| BitwardenError::InvalidCredentials {
        message: format!("No {what} was given ({e})."),
    };
    if otp {
        request_otp(session).await?;
        eprintln!("Bitwarden e-mailed a verification code to {who}.");
        let code = prompt::secret("Verification code: ").map_err(|e| unanswered("code", e))?;
        return Ok(Verification::otp(code));
    }
    let password = match password {
        Some(password) => password,
        None => prompt::secret(&format!(
            "Master password of {who} in {}: ",
            session.endpoints().label()
        ))
        .map_err(|e| unanswered("master password", e))?,
    };
    Verification::master_password(session, &password).await
}

fn render(args: &GenerateArgs, generated: &Generated, s: &Style) -> String {
    let token = &generated.token;
    let made = token.revision_date.map_or(String::new(), |d| {
        format!(
            ", {} {}",
            if args.rotate { "rotated" } else { "made" },
            d.format("%Y-%m-%d %H:%M UTC")
        )
    });
    let mut out = format!(
        "Billing sync token of cloud organization {}: {}{made}\n",
        token.organization, token.masked
    );
    if let Some(account) = &generated.kept.keychain_account {
        out.push_str(&format!("  Kept in the keychain ({account}).\n"));
    }
    if let Some(saved) = &generated.kept.connection {
        let verb = if saved.created { "created" } else { "updated" };
        out.push_str(&format!(
            "  Stored on the self-hosted server (connection {verb}).\n"
        ));
    }
    match &generated.pushed {
        Some((org, Ok(()))) => out.push_str(&format!(
            "{} Organization {org} synced its license from the cloud.\n",
            s.good("Done.")
        )),
        Some((org, Err(e))) => out.push_str(&format!(
            "{} The first sync of organization {org} failed: {e}\n  {}\n",
            s.bad("Sync failed."),
            Failure::of(e).advice_and_hint().replace('\n', "\n  ")
        )),
        None if args.rotate => out.push_str(&format!("{} {STALE_SERVER}\n", s.warn("Warning:"))),
        None => out.push_str(
            "  To put it on the self-hosted server, run again with --push --server URL --org ID.\n",
        ),
    }
    out
}

fn info(args: &InfoArgs, net_args: &NetArgs) -> ExitCode {
    let json = net_args.json;
    let result = block_on(async {
        let net = Net::new(net_args)?;
        let endpoints = net.cloud(args.account.cloud)?;
        let (session, _) = cloud_session(&net, &endpoints, &args.account).await?;
        billing_sync_token_info(&session, args.org).await
    })
    .and_then(|r| r);
    match result {
        Ok(revision) => {
            if json {
                print_json(&json!({ "organization": args.org, "revision_date": revision }));
            } else {
                match revision {
                    Some(date) => println!(
                        "The billing sync token of cloud organization {} was made or last rotated on {}.",
                        args.org,
                        date.format("%Y-%m-%d %H:%M UTC")
                    ),
                    None => println!(
                        "Cloud organization {} has no billing sync token yet (`bwlicense token generate` makes one).",
                        args.org
                    ),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(json, &e, None),
    }
}
