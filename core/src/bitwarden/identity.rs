//! The identity server's wire protocol: prelogin (KDF settings and salt) and the token
//! endpoint with its grants and its error answers (contract §4.4). Answers are read
//! ignoring case: Duende's keys are snake_case, Bitwarden's own PascalCase.

use super::replies::asked_account;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};

use super::device::Device;
use super::errors::BitwardenError;
use super::http::{Body, Http, Request};
use super::replies::{error_text, field};
use super::two_factor::{TwoFactorOffer, TwoFactorProvider};
use super::urls::Endpoints;
use crate::crypto::Kdf;
use crate::messages::Phrase;

/// The account's KDF settings and salt, as prelogin announces them.
#[derive(Debug, Clone)]
pub(crate) struct Prelogin {
    pub kdf: Kdf,
    pub salt: String,
}

/// Asks the identity server how to derive the master key. Newer servers answer at
/// `/accounts/prelogin/password`, older ones only at `/accounts/prelogin`.
pub(crate) async fn prelogin(
    http: &Http,
    endpoints: &Endpoints,
    email: &str,
) -> Result<Prelogin, BitwardenError> {
    let body = json!({ "email": email });
    let mut reply = None;
    for path in ["/accounts/prelogin/password", "/accounts/prelogin"] {
        let request = Request {
            body: Body::Json(body.clone()),
            ..Request::new(Method::POST, endpoints.identity_url(path)?)
        };
        let answer = http.send(&request).await?;
        if answer.status != StatusCode::NOT_FOUND {
            reply = Some(answer);
            break;
        }
    }
    let Some(reply) = reply else {
        return Err(BitwardenError::UnexpectedAnswer {
            url: endpoints.identity.to_string(),
            detail: Phrase::new("answer_fault.no_prelogin"),
        });
    };
    if !reply.status.is_success() {
        return Err(super::replies::api_error(&reply, &asked_account(), None));
    }
    let value = reply.json()?;
    let kdf = Kdf::from_json(&value)?;
    let salt = field(&value, "salt")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(email)
        .to_owned();
    Ok(Prelogin { kdf, salt })
}

/// The scope of a password sign-in: the API, and a refresh token to stay signed in.
const PASSWORD_SCOPE: &str = "api offline_access";

/// The device fields every grant must carry (else `device_error`).
fn device_fields(device: &Device) -> Vec<(&'static str, SecretString)> {
    vec![
        ("deviceType", device.app.device_type().to_string().into()),
        (
            "deviceIdentifier",
            device.identifier.hyphenated().to_string().into(),
        ),
        ("deviceName", device.name.as_str().into()),
    ]
}

/// The personal API key grant.
pub(crate) fn api_key_form(
    device: &Device,
    client_id: &str,
    client_secret: &SecretString,
) -> Vec<(&'static str, SecretString)> {
    let mut form = vec![
        ("grant_type", "client_credentials".into()),
        ("scope", "api".into()),
        ("client_id", client_id.into()),
        ("client_secret", client_secret.clone()),
    ];
    form.extend(device_fields(device));
    form
}

/// The password grant, with the answers given so far.
pub(crate) fn password_form(
    device: &Device,
    email: &str,
    server_hash: &SecretString,
    two_factor: Option<&(TwoFactorProvider, SecretString)>,
    new_device_otp: Option<&SecretString>,
) -> Vec<(&'static str, SecretString)> {
    let mut form = vec![
        ("grant_type", "password".into()),
        ("username", email.trim().into()),
        ("password", server_hash.clone()),
        ("scope", PASSWORD_SCOPE.into()),
        ("client_id", device.app.client_name().into()),
    ];
    form.extend(device_fields(device));
    if let Some((provider, code)) = two_factor {
        form.push(("twoFactorToken", code.clone()));
        form.push(("twoFactorProvider", provider.id().to_string().into()));
        form.push(("twoFactorRemember", "0".into()));
    }
    if let Some(code) = new_device_otp {
        form.push(("newDeviceOtp", code.clone()));
    }
    form
}

/// Renewing a password sign-in.
pub(crate) fn refresh_form(
    device: &Device,
    refresh_token: &SecretString,
) -> Vec<(&'static str, SecretString)> {
    vec![
        ("grant_type", "refresh_token".into()),
        ("client_id", device.app.client_name().into()),
        ("refresh_token", refresh_token.clone()),
    ]
}

/// A granted sign-in.
#[derive(Debug)]
pub(crate) struct Tokens {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
}

/// What the token endpoint said.
#[derive(Debug)]
pub(crate) enum TokenAnswer {
    Granted(Tokens),
    /// Two-step login is needed; the offered methods.
    TwoFactor(Vec<TwoFactorOffer>),
    /// A code was e-mailed to verify this new device.
    NewDeviceOtp,
}

/// `POST {identity}/connect/token` with a form. Never retried (it is a POST).
pub(crate) async fn request_token(
    http: &Http,
    endpoints: &Endpoints,
    form: Vec<(&'static str, SecretString)>,
) -> Result<TokenAnswer, BitwardenError> {
    let request = Request {
        body: Body::Form(form),
        ..Request::new(Method::POST, endpoints.identity_url("/connect/token")?)
    };
    let reply = http.send(&request).await?;
    if reply.status.is_server_error() {
        return Err(BitwardenError::ServerError {
            url: reply.url.to_string(),
            status: reply.status.as_u16(),
            message: error_text(&reply.body),
        });
    }
    let value: Value = reply.json()?;
    if reply.status.is_success() {
        return granted(&value, reply.url.as_str()).map(TokenAnswer::Granted);
    }
    refusal(&value, reply.status)
}

fn granted(value: &Value, url: &str) -> Result<Tokens, BitwardenError> {
    let access_token = field(value, "access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| BitwardenError::UnexpectedAnswer {
            url: url.to_owned(),
            detail: Phrase::new("answer_fault.sign_in_field").with("field", "access_token"),
        })?;
    Ok(Tokens {
        access_token: SecretString::from(access_token),
        refresh_token: field(value, "refresh_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(SecretString::from),
    })
}

/// Reads a refused grant: a step to take, or the error to show.
fn refusal(value: &Value, status: StatusCode) -> Result<TokenAnswer, BitwardenError> {
    let text = |name: &str| {
        field(value, name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let error = text("error");
    let description = text("error_description");
    let message = field(value, "ErrorModel")
        .and_then(|m| field(m, "Message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| description.clone());
    if field(value, "TwoFactorProviders").is_some() || field(value, "TwoFactorProviders2").is_some()
    {
        return Ok(TokenAnswer::TwoFactor(offers(value)));
    }
    let lower = format!("{description} {message}").to_ascii_lowercase();
    Err(match error.as_str() {
        "device_error" if lower.contains("new device verification required") => {
            return Ok(TokenAnswer::NewDeviceOtp)
        }
        "device_error" if lower.contains("invalid new device otp") => {
            BitwardenError::NewDeviceOtpInvalid { message: description }
        }
        "invalid_grant" if lower.contains("two-step token is invalid") => {
            BitwardenError::TwoFactorInvalid { message }
        }
        "invalid_grant" => BitwardenError::InvalidCredentials {
            message: if message.is_empty() {
                "The server refused the sign-in (invalid_grant).".into()
            } else {
                message
            },
        },
        "invalid_client" => BitwardenError::InvalidCredentials {
            message: "The server did not accept this API key (invalid_client): its client_id or client_secret is wrong.".into(),
        },
        "sso_required" => BitwardenError::SsoRequired {
            message: if message.is_empty() {
                "Sso authentication is required.".into()
            } else {
                message
            },
        },
        "version_header_missing" | "invalid_client_version" => {
            BitwardenError::ClientVersionRejected {
                message: if message.is_empty() { error } else { message },
            }
        }
        _ => BitwardenError::ServerRefused {
            status: status.as_u16(),
            message: [error.as_str(), message.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(": "),
            advice: vec![Phrase::new("bitwarden_error.server_refused.sign_in.advice")],
        },
    })
}

/// The offered two-step methods, with the hint each gives (the masked e-mail address).
fn offers(value: &Value) -> Vec<TwoFactorOffer> {
    let details = field(value, "TwoFactorProviders2").and_then(Value::as_object);
    let mut ids: Vec<u8> = match field(value, "TwoFactorProviders") {
        Some(Value::Array(items)) => items.iter().filter_map(provider_id).collect(),
        _ => Vec::new(),
    };
    if let Some(details) = details {
        for key in details.keys() {
            if let Ok(id) = key.trim().parse::<u8>() {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    ids.into_iter()
        .map(|id| {
            let hint = details
                .and_then(|d| d.get(&id.to_string()))
                .and_then(|params| field(params, "Email"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            TwoFactorOffer {
                provider: TwoFactorProvider::from_id(id),
                hint,
            }
        })
        .collect()
}

fn provider_id(value: &Value) -> Option<u8> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
        Value::String(s) => s
            .trim()
            .parse()
            .ok()
            .or_else(|| TwoFactorProvider::from_name(s.trim()).map(TwoFactorProvider::id)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_factor_answers_list_the_providers_with_the_email_hint() {
        let body = json!({
            "error": "invalid_grant",
            "error_description": "Two factor required.",
            "TwoFactorProviders": ["0", "1"],
            "TwoFactorProviders2": {"0": null, "1": {"Email": "o***@example.com"}},
        });
        let TokenAnswer::TwoFactor(offers) = refusal(&body, StatusCode::BAD_REQUEST).unwrap()
        else {
            panic!("expected a two-step prompt");
        };
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[0].provider, TwoFactorProvider::Authenticator);
        assert_eq!(offers[1].provider, TwoFactorProvider::Email);
        assert_eq!(offers[1].hint.as_deref(), Some("o***@example.com"));
    }

    #[test]
    fn wrong_passwords_bring_the_servers_own_message() {
        let body = json!({
            "error": "invalid_grant",
            "error_description": "invalid_username_or_password",
            "ErrorModel": {"Message": "Username or password is incorrect. Try again.", "Object": "error"},
        });
        let err = refusal(&body, StatusCode::BAD_REQUEST).unwrap_err();
        assert!(matches!(err, BitwardenError::InvalidCredentials { .. }));
        assert_eq!(
            err.to_string(),
            "Username or password is incorrect. Try again."
        );
    }

    #[test]
    fn new_device_verification_is_a_step_and_a_bad_code_an_error() {
        let needed = json!({"error": "device_error", "error_description": "New device verification required"});
        assert!(matches!(
            refusal(&needed, StatusCode::BAD_REQUEST),
            Ok(TokenAnswer::NewDeviceOtp)
        ));
        let bad = json!({"error": "device_error", "error_description": "Invalid New Device OTP"});
        assert!(matches!(
            refusal(&bad, StatusCode::BAD_REQUEST),
            Err(BitwardenError::NewDeviceOtpInvalid { .. })
        ));
    }

    #[test]
    fn a_missing_version_header_is_reported_as_a_version_problem() {
        let body = json!({"error": "version_header_missing", "error_description": "No client version header found"});
        assert!(matches!(
            refusal(&body, StatusCode::BAD_REQUEST),
            Err(BitwardenError::ClientVersionRejected { .. })
        ));
    }
}
