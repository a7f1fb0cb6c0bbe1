//! `bwlicense login`: sign in to a self-hosted server or to Bitwarden cloud and keep the
//! session (refresh token or API key secret in the keychain, nothing secret in files).
//! The personal API key is the default (BW_CLIENTID/BW_CLIENTSECRET or prompts);
//! `--password` signs in with e-mail and master password, two-step login and new-device
//! verification included.

use std::process::ExitCode;

use clap::Args;
use companion_core::bitwarden::{
    profile, BitwardenError, Credentials, Endpoints, Login, LoginAnswer, LoginStep, Session,
    TwoFactorOffer, TwoFactorProvider,
};
use companion_core::messages::Phrase;
use companion_core::secrets::{OsKeychain, SecretStore, SecretString};
use serde_json::json;

use crate::net::{block_on, env_api_key, Cloud, Net, NetArgs};
use crate::prompt;
use crate::report::{fail, print_json};

/// How many times a wrong code may be typed again.
const CODE_ATTEMPTS: usize = 3;

#[derive(Debug, Args)]
#[command(
    after_help = "The API key is under Account settings > Security > Keys in the web vault (client_id user.…). It is read from BW_CLIENTID and BW_CLIENTSECRET when set, else asked for. The session is kept in the system keychain (service \"license-companion\"); only non-secret facts go to the config folder.\n\nExit status: 0 signed in, 1 refused, 2 usage, 3 network or keychain failure."
)]
pub struct LoginArgs {
    /// The self-hosted server's vault URL, e.g. https://vault.example.com.
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "cloud",
        conflicts_with = "cloud"
    )]
    server: Option<String>,
    /// Bitwarden cloud region.
    #[arg(long, value_enum)]
    cloud: Option<Cloud>,
    /// Sign in with e-mail and master password instead of the API key.
    #[arg(long)]
    password: bool,
    /// The account's e-mail (with --password); asked for when not given.
    #[arg(long, value_name = "EMAIL", requires = "password")]
    email: Option<String>,
    #[command(flatten)]
    net: NetArgs,
}

pub fn run(args: LoginArgs) -> ExitCode {
    match block_on(sign_in(&args)).and_then(|r| r) {
        Ok((session, email)) => {
            let facts = session.facts();
            if args.net.json {
                print_json(&json!({
                    "server": facts.server,
                    "kind": facts.kind,
                    "login": facts.login,
                    "email": email,
                }));
            } else {
                println!("Signed in to {} as {email}.", session.endpoints().label());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.net.json, &e, None),
    }
}

async fn sign_in(args: &LoginArgs) -> Result<(Session, String), BitwardenError> {
    let net = Net::new(&args.net)?;
    let endpoints = match (&args.server, args.cloud) {
        (Some(url), _) => net.self_hosted(url)?,
        (None, Some(cloud)) => net.cloud(cloud)?,
        (None, None) => {
            return Err(BitwardenError::InvalidUrl {
                input: String::new(),
                reason: Phrase::new("cli.login.no_server"),
            })
        }
    };
    // The session will live in the keychain: refuse before the server sees a sign-in.
    OsKeychain::default()
        .check()
        .map_err(BitwardenError::from)?;
    let credentials = credentials(args, &endpoints)?;
    let mut login = Login::new(net.http.clone(), endpoints, credentials);
    let mut session = complete(&mut login).await?;
    let me = profile(&session).await?;
    session.set_account(&me.email, me.id);
    net.store().save(&mut session)?;
    Ok((session, me.email))
}

/// Runs a sign-in to its end, asking at the terminal for the codes the server wants.
pub(crate) async fn complete(login: &mut Login) -> Result<Session, BitwardenError> {
    let mut step = login.start().await?;
    loop {
        step = match step {
            LoginStep::Done(session) => return Ok(*session),
            LoginStep::NeedTwoFactor { providers } => {
                let (provider, hint) = choose(&providers)?;
                let several = providers
                    .iter()
                    .filter(|o| o.provider.takes_a_typed_code())
                    .count()
                    > 1;
                if provider == TwoFactorProvider::Email && several {
                    login.request_email_code().await?;
                }
                let names: Vec<String> = providers
                    .iter()
                    .map(|o| o.provider.name().to_owned())
                    .collect();
                retry_code(
                    login,
                    |code| LoginAnswer::TwoFactor { provider, code },
                    &code_label(provider, hint.as_deref()),
                    || BitwardenError::TwoFactorRequired {
                        providers: names.clone(),
                    },
                )
                .await?
            }
            LoginStep::NeedNewDeviceOtp => {
                retry_code(
                    login,
                    LoginAnswer::NewDeviceOtp,
                    "Bitwarden e-mailed a code to verify this new device. Code: ",
                    || BitwardenError::NewDeviceOtpRequired,
                )
                .await?
            }
        };
    }
}

/// The API key (environment or prompts), or e-mail and master password (prompts).
fn credentials(args: &LoginArgs, endpoints: &Endpoints) -> Result<Credentials, BitwardenError> {
    let unanswered = |e: std::io::Error| BitwardenError::InvalidCredentials {
        message: format!("No credentials were given ({e})."),
    };
    if args.password {
        let email = match &args.email {
            Some(email) => email.clone(),
            None => prompt::line("Email address: ").map_err(unanswered)?,
        };
        eprintln!("Signing in to {} as {email}.", endpoints.label());
        let password = prompt::secret("Master password: ").map_err(unanswered)?;
        return Ok(Credentials::Password { email, password });
    }
    if let Some(credentials) = env_api_key() {
        return Ok(credentials);
    }
    eprintln!(
        "Signing in to {} with your personal API key (web vault: Account settings > Security > Keys).",
        endpoints.label()
    );
    let client_id = prompt::line("client_id: ").map_err(unanswered)?;
    let client_secret = prompt::secret("client_secret: ").map_err(unanswered)?;
    Ok(Credentials::ApiKey {
        client_id: client_id.trim().to_owned(),
        client_secret,
    })
}

/// Picks the two-step method: the only usable one, or the one the person chooses.
fn choose(
    offers: &[TwoFactorOffer],
) -> Result<(TwoFactorProvider, Option<String>), BitwardenError> {
    let usable: Vec<&TwoFactorOffer> = offers
        .iter()
        .filter(|o| o.provider.takes_a_typed_code())
        .collect();
    let names = || {
        offers
            .iter()
            .map(|o| o.provider.name().to_owned())
            .collect()
    };
    match usable.as_slice() {
        [] => Err(BitwardenError::TwoFactorUnsupported { providers: names() }),
        [only] => Ok((only.provider, only.hint.clone())),
        many => {
            eprintln!("Two-step login is on. Methods:");
            for (i, offer) in many.iter().enumerate() {
                let hint = offer
                    .hint
                    .as_deref()
                    .map_or(String::new(), |h| format!(" ({h})"));
                eprintln!("  {}) {}{hint}", i + 1, offer.provider.name());
            }
            let answer = prompt::line("Method [1]: ")
                .map_err(|_| BitwardenError::TwoFactorRequired { providers: names() })?;
            let index = answer
                .trim()
                .parse::<usize>()
                .unwrap_or(1)
                .clamp(1, many.len());
            let chosen = many[index - 1];
            Ok((chosen.provider, chosen.hint.clone()))
        }
    }
}

fn code_label(provider: TwoFactorProvider, hint: Option<&str>) -> String {
    match (provider, hint) {
        (TwoFactorProvider::Email, Some(address)) => format!("Code e-mailed to {address}: "),
        (TwoFactorProvider::Email, None) => "Code from the e-mail: ".into(),
        _ => "Code from your authenticator app: ".into(),
    }
}

/// Asks for a code and sends it; a wrong code may be typed again a few times. No
/// answer at all (stdin closed) gives `unanswered`.
async fn retry_code(
    login: &mut Login,
    answer: impl Fn(SecretString) -> LoginAnswer,
    label: &str,
    unanswered: impl Fn() -> BitwardenError,
) -> Result<LoginStep, BitwardenError> {
    let mut attempt = 1;
    loop {
        let code = prompt::secret(label).map_err(|_| unanswered())?;
        match login.continue_with(answer(code)).await {
            Err(
                e @ (BitwardenError::TwoFactorInvalid { .. }
                | BitwardenError::NewDeviceOtpInvalid { .. }),
            ) if attempt < CODE_ATTEMPTS => {
                eprintln!("{e}");
                attempt += 1;
            }
            other => return other,
        }
    }
}
