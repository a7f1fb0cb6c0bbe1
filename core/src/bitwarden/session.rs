//! A signed-in session: the access token (in memory only), how to renew it (a refresh
//! token or the API key, which the store keeps in the keychain), and authorised API
//! calls. An expired access token (401) is renewed once and the request sent again: a
//! 401 means the server rejected the request before doing anything, so repeating it
//! cannot apply a change twice.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode, Url};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::errors::BitwardenError;
use super::http::{Body, Http, Reply, Request};
use super::identity::{self, TokenAnswer};
use super::replies::{api_error, error_text};
use super::urls::{Endpoints, ServerKind};
use crate::messages::Phrase;
use crate::secrets::{account, SecretKind, SecretStore};

/// How the person signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LoginKind {
    ApiKey,
    Password,
}

/// What is known about a session that is not secret; kept in the config folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFacts {
    /// The server, as [`Endpoints::server`] names it.
    pub server: String,
    pub kind: ServerKind,
    pub api: String,
    pub identity: String,
    pub login: LoginKind,
    /// The API key's `client_id`, or the e-mail in lower case: names keychain entries.
    pub user: String,
    pub email: Option<String>,
    pub user_id: Option<Uuid>,
    pub signed_in_at: DateTime<Utc>,
}

impl SessionFacts {
    /// The keychain account of this session's refresh token or API key secret.
    pub fn secret_account(&self) -> String {
        account(
            self.secret_kind(),
            &format!("{}|{}", self.server, self.user),
        )
    }

    pub(crate) fn secret_kind(&self) -> SecretKind {
        match self.login {
            LoginKind::ApiKey => SecretKind::ApiKey,
            LoginKind::Password => SecretKind::RefreshToken,
        }
    }
}

/// How an access token is renewed.
#[derive(Clone)]
pub(crate) enum Renewal {
    RefreshToken(SecretString),
    ApiKey {
        client_id: String,
        client_secret: SecretString,
    },
}

impl Renewal {
    pub(crate) fn secret(&self) -> &SecretString {
        match self {
            Renewal::RefreshToken(token) => token,
            Renewal::ApiKey { client_secret, .. } => client_secret,
        }
    }
}

/// A signed-in session on one server.
pub struct Session {
    http: Http,
    endpoints: Endpoints,
    facts: SessionFacts,
    access: Mutex<SecretString>,
    renewal: Mutex<Option<Renewal>>,
    /// Where a renewed refresh token is saved, for sessions kept by the store.
    keychain: Option<Arc<dyn SecretStore>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("facts", &self.facts)
            .finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn signed_in(
        http: Http,
        endpoints: Endpoints,
        login: LoginKind,
        user: String,
        user_id: Option<Uuid>,
        email: Option<String>,
        access_token: SecretString,
        renewal: Option<Renewal>,
    ) -> Session {
        let facts = SessionFacts {
            server: endpoints.server.clone(),
            kind: endpoints.kind,
            api: endpoints.api.to_string(),
            identity: endpoints.identity.to_string(),
            login,
            user,
            email,
            user_id,
            signed_in_at: Utc::now(),
        };
        Session {
            http,
            endpoints,
            facts,
            access: Mutex::new(access_token),
            renewal: Mutex::new(renewal),
            keychain: None,
        }
    }

    /// A session resumed from stored facts and secret; it has no access token until
    /// [`Session::renew`] gets one.
    pub(crate) fn resumed(
        http: Http,
        endpoints: Endpoints,
        facts: SessionFacts,
        renewal: Renewal,
        keychain: Arc<dyn SecretStore>,
    ) -> Session {
        Session {
            http,
            endpoints,
            facts,
            access: Mutex::new(SecretString::from("")),
            renewal: Mutex::new(Some(renewal)),
            keychain: Some(keychain),
        }
    }

    pub fn facts(&self) -> &SessionFacts {
        &self.facts
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    /// Records who the session belongs to, once the profile is known.
    pub fn set_account(&mut self, email: &str, user_id: Uuid) {
        self.facts.email = Some(email.to_owned());
        self.facts.user_id = Some(user_id);
    }

    pub(crate) fn renewal(&self) -> Option<Renewal> {
        lock(&self.renewal).clone()
    }

    pub(crate) fn keep_in(&mut self, keychain: Arc<dyn SecretStore>) {
        self.keychain = Some(keychain);
    }

    fn access_token(&self) -> SecretString {
        lock(&self.access).clone()
    }

    /// Gets a new access token with the refresh token or the API key.
    pub async fn renew(&self) -> Result<(), BitwardenError> {
        let Some(renewal) = self.renewal() else {
            return Err(BitwardenError::SessionExpired {
                server: self.endpoints.label(),
            });
        };
        let device = self.http.device();
        let form = match &renewal {
            Renewal::RefreshToken(token) => identity::refresh_form(device, token),
            Renewal::ApiKey {
                client_id,
                client_secret,
            } => identity::api_key_form(device, client_id, client_secret),
        };
        let answer = identity::request_token(&self.http, &self.endpoints, form).await;
        let tokens = match (answer, &renewal) {
            (Ok(TokenAnswer::Granted(tokens)), _) => tokens,
            (Err(BitwardenError::InvalidCredentials { .. }), Renewal::RefreshToken(_))
            | (Ok(_), _) => {
                return Err(BitwardenError::SessionExpired {
                    server: self.endpoints.label(),
                })
            }
            (Err(e), _) => return Err(e),
        };
        *lock(&self.access) = tokens.access_token;
        if let (Renewal::RefreshToken(old), Some(new)) = (&renewal, tokens.refresh_token) {
            use secrecy::ExposeSecret;
            if old.expose_secret() != new.expose_secret() {
                if let Some(keychain) = &self.keychain {
                    keychain.set(&self.facts.secret_account(), &new)?;
                }
                *lock(&self.renewal) = Some(Renewal::RefreshToken(new));
            }
        }
        Ok(())
    }

    /// An authorised API request; on 401 the token is renewed once and the request sent
    /// again. Any answer but 401 is returned as it is.
    pub(crate) async fn call(
        &self,
        method: Method,
        url: Url,
        body: Body,
    ) -> Result<Reply, BitwardenError> {
        let token = self.access_token();
        let first = Request {
            method: method.clone(),
            url: url.clone(),
            bearer: Some(&token),
            body,
        };
        let reply = self.http.send(&first).await?;
        if reply.status != StatusCode::UNAUTHORIZED {
            return Ok(reply);
        }
        tracing::debug!(path = url.path(), "access token refused; renewing it once");
        self.renew().await?;
        let token = self.access_token();
        let second = Request {
            method,
            url,
            bearer: Some(&token),
            body: first.body,
        };
        let reply = self.http.send(&second).await?;
        if reply.status == StatusCode::UNAUTHORIZED {
            return Err(BitwardenError::Unauthorized {
                server: self.endpoints.label(),
                message: match error_text(&reply.body) {
                    text if text.is_empty() => "401 Unauthorized".into(),
                    text => text,
                },
            });
        }
        Ok(reply)
    }

    /// An API call whose answer must be a success; `what` names the thing for 404s.
    pub(crate) async fn expect_success(
        &self,
        method: Method,
        path: &str,
        body: Body,
        what: &Phrase,
    ) -> Result<Reply, BitwardenError> {
        let reply = self
            .call(method, self.endpoints.api_url(path)?, body)
            .await?;
        if reply.status.is_success() {
            Ok(reply)
        } else {
            Err(api_error(&reply, what, None))
        }
    }

    /// `GET` an API path and read the JSON answer.
    pub(crate) async fn get_json(
        &self,
        path: &str,
        what: &Phrase,
    ) -> Result<Value, BitwardenError> {
        self.expect_success(Method::GET, path, Body::Empty, what)
            .await?
            .json()
    }
}
