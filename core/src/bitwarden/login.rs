//! Signing in as a state machine the CLI and the app both drive: [`Login::start`] answers
//! with a [`LoginStep`]; when the server wants a two-step code or a new-device code, the
//! caller asks the person and calls [`Login::continue_with`]. No terminal I/O here.
//!
//! Two ways in (contract §4.4): the personal API key (`client_credentials`,
//! `client_id=user.<id>`, scope `api`), or e-mail and master password (prelogin, then the
//! master key and server hash derived locally; the password never leaves this machine).

use crate::messages::Phrase;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::errors::BitwardenError;
use super::http::{Body, Http, Request};
use super::identity::{self, TokenAnswer};
use super::replies::api_error;
use super::session::{LoginKind, Renewal, Session};
use super::two_factor::{TwoFactorOffer, TwoFactorProvider};
use super::urls::Endpoints;
use crate::crypto::MasterKey;

/// What a person signs in with.
pub enum Credentials {
    /// A personal API key (Account settings > Security > Keys).
    ApiKey {
        client_id: String,
        client_secret: SecretString,
    },
    /// E-mail and master password.
    Password {
        email: String,
        password: SecretString,
    },
}

/// Where a sign-in stands.
#[derive(Debug)]
pub enum LoginStep {
    Done(Box<Session>),
    /// Ask for a code of one of these methods, then [`Login::continue_with`].
    NeedTwoFactor {
        providers: Vec<TwoFactorOffer>,
    },
    /// Ask for the code Bitwarden e-mailed to verify this device.
    NeedNewDeviceOtp,
}

/// What the person answered.
pub enum LoginAnswer {
    TwoFactor {
        provider: TwoFactorProvider,
        code: SecretString,
    },
    NewDeviceOtp(SecretString),
}

/// A sign-in in progress.
pub struct Login {
    http: Http,
    endpoints: Endpoints,
    credentials: Credentials,
    /// Derived once: the KDF is the slow part.
    server_hash: Option<SecretString>,
    two_factor: Option<(TwoFactorProvider, SecretString)>,
    new_device_otp: Option<SecretString>,
}

impl Login {
    pub fn new(http: Http, endpoints: Endpoints, credentials: Credentials) -> Login {
        Login {
            http,
            endpoints,
            credentials,
            server_hash: None,
            two_factor: None,
            new_device_otp: None,
        }
    }

    /// First attempt: prelogin and key derivation for a password, then the token request.
    pub async fn start(&mut self) -> Result<LoginStep, BitwardenError> {
        self.attempt().await
    }

    /// Sends the same sign-in again with the code the person gave. A wrong code is an
    /// error ([`BitwardenError::TwoFactorInvalid`] or `NewDeviceOtpInvalid`) and the
    /// login can be continued with another one.
    pub async fn continue_with(
        &mut self,
        answer: LoginAnswer,
    ) -> Result<LoginStep, BitwardenError> {
        match answer {
            LoginAnswer::TwoFactor { provider, code } => self.two_factor = Some((provider, code)),
            LoginAnswer::NewDeviceOtp(code) => self.new_device_otp = Some(code),
        }
        self.attempt().await
    }

    /// Asks the server to e-mail a two-step code. It sends one unasked only when e-mail is
    /// the account's sole method; with several, call this when the person picks e-mail.
    /// Password sign-ins only (the request proves the password with its hash).
    pub async fn request_email_code(&self) -> Result<(), BitwardenError> {
        let (Credentials::Password { email, .. }, Some(hash)) =
            (&self.credentials, &self.server_hash)
        else {
            return Err(BitwardenError::TwoFactorUnsupported {
                providers: vec![TwoFactorProvider::Email.name().to_owned()],
            });
        };
        let body = serde_json::json!({
            "email": email.trim(),
            "masterPasswordHash": hash.expose_secret(),
            "deviceIdentifier": self.http.device().identifier.hyphenated().to_string(),
        });
        let request = Request {
            body: Body::Json(body),
            ..Request::new(
                Method::POST,
                self.endpoints.api_url("/two-factor/send-email-login")?,
            )
        };
        let reply = self.http.send(&request).await?;
        if reply.status.is_success() {
            Ok(())
        } else {
            Err(api_error(
                &reply,
                &Phrase::new("asked.email_two_step"),
                None,
            ))
        }
    }

    async fn attempt(&mut self) -> Result<LoginStep, BitwardenError> {
        let device = self.http.device().clone();
        let form = match &self.credentials {
            Credentials::ApiKey {
                client_id,
                client_secret,
            } => identity::api_key_form(&device, client_id, client_secret),
            Credentials::Password { email, password } => {
                let hash = match &self.server_hash {
                    Some(hash) => hash.clone(),
                    None => {
                        let hash = self.derive_server_hash(email, password).await?;
                        self.server_hash = Some(hash.clone());
                        hash
                    }
                };
                identity::password_form(
                    &device,
                    email,
                    &hash,
                    self.two_factor.as_ref(),
                    self.new_device_otp.as_ref(),
                )
            }
        };
        match identity::request_token(&self.http, &self.endpoints, form).await? {
            TokenAnswer::Granted(tokens) => {
                let (kind, user, user_id, email, renewal) = match &self.credentials {
                    Credentials::ApiKey {
                        client_id,
                        client_secret,
                    } => (
                        LoginKind::ApiKey,
                        client_id.clone(),
                        client_id
                            .strip_prefix("user.")
                            .and_then(|id| Uuid::parse_str(id).ok()),
                        None,
                        Some(Renewal::ApiKey {
                            client_id: client_id.clone(),
                            client_secret: client_secret.clone(),
                        }),
                    ),
                    Credentials::Password { email, .. } => (
                        LoginKind::Password,
                        email.trim().to_lowercase(),
                        None,
                        Some(email.trim().to_owned()),
                        tokens.refresh_token.clone().map(Renewal::RefreshToken),
                    ),
                };
                Ok(LoginStep::Done(Box::new(Session::signed_in(
                    self.http.clone(),
                    self.endpoints.clone(),
                    kind,
                    user,
                    user_id,
                    email,
                    tokens.access_token,
                    renewal,
                ))))
            }
            TokenAnswer::TwoFactor(providers) => Ok(LoginStep::NeedTwoFactor { providers }),
            TokenAnswer::NewDeviceOtp => Ok(LoginStep::NeedNewDeviceOtp),
        }
    }

    /// Prelogin, then the master key (off the async threads: it takes CPU seconds) and
    /// the server hash.
    async fn derive_server_hash(
        &self,
        email: &str,
        password: &SecretString,
    ) -> Result<SecretString, BitwardenError> {
        let prelogin = identity::prelogin(&self.http, &self.endpoints, email.trim()).await?;
        let password = password.clone();
        let derived = tokio::task::spawn_blocking(move || {
            MasterKey::derive(&password, &prelogin.salt, &prelogin.kdf)
                .map(|key| key.server_hash(&password))
        })
        .await
        .map_err(|e| {
            BitwardenError::Crypto(crate::crypto::CryptoError::KdfFailed(e.to_string()))
        })?;
        Ok(derived?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_numbers_match_the_server_enum() {
        assert_eq!(
            TwoFactorProvider::from_id(0),
            TwoFactorProvider::Authenticator
        );
        assert_eq!(TwoFactorProvider::from_id(1), TwoFactorProvider::Email);
        assert_eq!(TwoFactorProvider::from_id(7), TwoFactorProvider::WebAuthn);
        assert_eq!(TwoFactorProvider::from_id(42), TwoFactorProvider::Other(42));
        for id in 0..=9 {
            assert_eq!(TwoFactorProvider::from_id(id).id(), id);
        }
        assert_eq!(
            TwoFactorProvider::from_name("email"),
            Some(TwoFactorProvider::Email)
        );
        assert!(!TwoFactorProvider::Duo.takes_a_typed_code());
    }
}
