//! Signing in to a self-hosted server or the cloud account from the window, with the core's
//! `Login` state machine (contract §4.4): personal API key, or e-mail and master password
//! with two-step codes and the new-device code. A sign-in waiting for a code is kept here,
//! under a random id, between commands. Secrets arrive as `SecretString` arguments and are
//! never returned; a finished session goes to the keychain through the `SessionStore`.

use std::collections::HashMap;
use std::sync::Mutex;

use companion_core::bitwarden::{
    profile, BitwardenError, Credentials, Endpoints, Http, Login, LoginAnswer, LoginStep,
    TwoFactorOffer, TwoFactorProvider,
};
use companion_core::messages::Phrase;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::error::CommandError;
use crate::state::AppState;

/// Sign-ins waiting for a code, by login id.
#[derive(Default)]
pub struct PendingSignIns(Mutex<HashMap<String, Login>>);

impl PendingSignIns {
    fn take(&self, id: &str) -> Result<Login, CommandError> {
        self.0
            .lock()
            .expect("sign-ins lock")
            .remove(id)
            .ok_or_else(|| CommandError::invalid(Phrase::new("request.sign_in_gone")))
    }

    fn keep(&self, id: String, login: Login) {
        self.0.lock().expect("sign-ins lock").insert(id, login);
    }
}

/// How the person signs in.
#[derive(Debug, Clone, Copy, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Method {
    ApiKey,
    Password,
}

/// A two-step method offered by the server.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// The server's number for the method, sent back with the code.
    id: u8,
    /// The e-mail method (its code can be sent again on request).
    email: bool,
    name: &'static str,
    /// The masked e-mail address for the e-mail method.
    hint: Option<String>,
    /// Whether a typed code completes it here (authenticator, e-mail).
    typed: bool,
}

impl From<TwoFactorOffer> for Offer {
    fn from(offer: TwoFactorOffer) -> Offer {
        Offer {
            id: offer.provider.id(),
            email: offer.provider == TwoFactorProvider::Email,
            name: offer.provider.name(),
            hint: offer.hint,
            typed: offer.provider.takes_a_typed_code(),
        }
    }
}

/// Where a sign-in stands after a command.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SignInStep {
    /// `done`, `twoFactor` or `newDevice`.
    state: &'static str,
    /// Pass it back with the code; `None` once done.
    login_id: Option<String>,
    providers: Vec<Offer>,
    /// The signed-in account, once done.
    email: Option<String>,
}

/// Starts a sign-in to an instance (`instanceId`) or, without one, to the cloud account.
/// A password sign-in derives the master key here (PBKDF2 or Argon2id, off the async
/// threads), so the window stays responsive while it runs.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn signin_start(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, PendingSignIns>,
    instance_id: Option<String>,
    method: Method,
    email: Option<String>,
    password: Option<SecretString>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
) -> Result<SignInStep, CommandError> {
    let credentials = match method {
        Method::Password => Credentials::Password {
            email: required(email, "request.email_missing")?,
            password: password
                .ok_or_else(|| CommandError::invalid(Phrase::new("request.password_missing")))?,
        },
        Method::ApiKey => Credentials::ApiKey {
            client_id: required(client_id, "request.client_id_missing")?,
            client_secret: client_secret.ok_or_else(|| {
                CommandError::invalid(Phrase::new("request.client_secret_missing"))
            })?,
        },
    };
    let (http, endpoints) = client(&state, instance_id.as_deref())?;
    let mut login = Login::new(http, endpoints, credentials);
    let step = login.start().await?;
    advance(
        &app,
        &state,
        &pending,
        uuid::Uuid::new_v4().to_string(),
        login,
        step,
    )
    .await
}

/// What the person answered: a two-step code of `provider`, or the new-device code.
#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CodeKind {
    TwoFactor,
    NewDevice,
}

/// Continues a sign-in with a code. A wrong code keeps the sign-in waiting for another.
#[tauri::command]
pub async fn signin_continue(
    app: AppHandle,
    state: State<'_, AppState>,
    pending: State<'_, PendingSignIns>,
    login_id: String,
    kind: CodeKind,
    provider: Option<u8>,
    code: SecretString,
) -> Result<SignInStep, CommandError> {
    let mut login = pending.take(&login_id)?;
    let answer = match kind {
        CodeKind::TwoFactor => LoginAnswer::TwoFactor {
            provider: TwoFactorProvider::from_id(provider.unwrap_or(0)),
            code,
        },
        CodeKind::NewDevice => LoginAnswer::NewDeviceOtp(code),
    };
    match login.continue_with(answer).await {
        Ok(step) => advance(&app, &state, &pending, login_id, login, step).await,
        Err(
            e @ (BitwardenError::TwoFactorInvalid { .. }
            | BitwardenError::NewDeviceOtpInvalid { .. }),
        ) => {
            pending.keep(login_id, login);
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Asks the server to e-mail a two-step code (when e-mail is one of several methods).
#[tauri::command]
pub async fn signin_send_email_code(
    pending: State<'_, PendingSignIns>,
    login_id: String,
) -> Result<(), CommandError> {
    let login = pending.take(&login_id)?;
    let sent = login.request_email_code().await;
    pending.keep(login_id, login);
    Ok(sent?)
}

/// Drops a sign-in that waits for a code.
#[tauri::command]
pub fn signin_cancel(pending: State<'_, PendingSignIns>, login_id: String) {
    let _ = pending.take(&login_id);
}

/// Signs out of an instance or, without one, of the cloud account: the keychain entry and
/// the session facts are removed.
#[tauri::command]
pub fn sign_out(
    app: AppHandle,
    state: State<'_, AppState>,
    instance_id: Option<String>,
) -> Result<bool, CommandError> {
    let endpoints = match instance_id.as_deref() {
        Some(id) => Endpoints::self_hosted(&state.instance(id)?.url)?,
        None => Endpoints::cloud(state.settings().cloud_region, &state.cloud_urls)?,
    };
    let forgotten = state.sessions().forget(&endpoints.server)?;
    crate::link::changed(&app);
    Ok(forgotten)
}

fn client(state: &AppState, instance_id: Option<&str>) -> Result<(Http, Endpoints), CommandError> {
    match instance_id {
        Some(id) => state.instance_client(id),
        None => state.cloud_client(),
    }
}

/// `value` trimmed, or the catalog's `missing` asking for it.
fn required(value: Option<String>, missing: &str) -> Result<String, CommandError> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CommandError::invalid(Phrase::new(missing)))
}

/// Keeps a finished session in the keychain, or keeps the login waiting for a code.
async fn advance(
    app: &AppHandle,
    state: &AppState,
    pending: &PendingSignIns,
    login_id: String,
    login: Login,
    step: LoginStep,
) -> Result<SignInStep, CommandError> {
    match step {
        LoginStep::Done(session) => {
            let mut session = *session;
            let me = profile(&session).await?;
            session.set_account(&me.email, me.id);
            state.sessions().save(&mut session)?;
            // The tray's menu and icon now have something new to show.
            crate::link::changed(app);
            Ok(SignInStep {
                state: "done",
                login_id: None,
                providers: Vec::new(),
                email: Some(me.email),
            })
        }
        LoginStep::NeedTwoFactor { providers } => {
            pending.keep(login_id.clone(), login);
            Ok(SignInStep {
                state: "twoFactor",
                login_id: Some(login_id),
                providers: providers.into_iter().map(Offer::from).collect(),
                email: None,
            })
        }
        LoginStep::NeedNewDeviceOtp => {
            pending.keep(login_id.clone(), login);
            Ok(SignInStep {
                state: "newDevice",
                login_id: Some(login_id),
                providers: Vec::new(),
                email: None,
            })
        }
    }
}
