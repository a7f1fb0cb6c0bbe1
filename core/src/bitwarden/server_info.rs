//! Whether a server answers at all: `GET {api}/config` needs no sign-in and names the
//! server's version, so it tells "unreachable" (address, certificate, firewall) apart from
//! "not signed in" before anything else is tried.
//!
//! It also names the server software: Bitwarden's own server leaves `server` null
//! (`ConfigResponseModel.Server`, S:`src/Api/Models/Response/ConfigResponseModel.cs`), a
//! third-party server fills it in; Vaultwarden answers
//! `{"name":"Vaultwarden","url":"https://github.com/dani-garcia/vaultwarden"}` and a
//! Bitwarden-like `version` (`config()` in dani-garcia/vaultwarden `src/api/core/mod.rs`).
//! Vaultwarden has no license files and unlocks every feature itself, so this is the one
//! place that decides license work does not apply ([`ServerInfo::licensing`]).

use crate::messages::Phrase;
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::errors::BitwardenError;
use super::http::{Http, Request};
use super::replies::{api_error, field};
use super::session::Session;
use super::urls::Endpoints;

/// What a server says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    /// The server's version, e.g. `2025.6.1`, when it gives one.
    pub version: Option<String>,
    /// Which server software it is.
    pub product: ServerProduct,
}

/// The server software behind a Bitwarden-compatible API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "name")]
pub enum ServerProduct {
    /// Bitwarden's own server (`server` is null).
    Bitwarden,
    /// Vaultwarden: no licenses, every feature unlocked.
    Vaultwarden,
    /// Another third-party server, by the name it gives.
    Other(String),
}

impl ServerProduct {
    /// Reads `server.name` of `/config`.
    fn of_config(config: &Value) -> Self {
        let name = field(config, "server")
            .and_then(|server| field(server, "name"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|name| !name.is_empty());
        match name {
            None => ServerProduct::Bitwarden,
            Some(name) if name.eq_ignore_ascii_case("vaultwarden") => ServerProduct::Vaultwarden,
            Some(name) => ServerProduct::Other(name.to_owned()),
        }
    }
}

impl ServerInfo {
    /// Whether Bitwarden licenses apply to this server: on Vaultwarden there is nothing to
    /// upload, sync or renew, and saying so beats a license error.
    pub fn licensing(&self) -> Result<(), BitwardenError> {
        match self.product {
            ServerProduct::Vaultwarden => Err(BitwardenError::NoLicensesOnVaultwarden),
            _ => Ok(()),
        }
    }
}

/// Stops license work on a server that takes no licenses (see [`ServerInfo::licensing`]).
/// A server whose configuration cannot be read is not judged here: the license request
/// itself then reports what is wrong.
pub(crate) async fn ensure_licensing(session: &Session) -> Result<(), BitwardenError> {
    match server_info(session.http(), session.endpoints()).await {
        Ok(info) => info.licensing(),
        Err(_) => Ok(()),
    }
}

/// Asks the server for its configuration (anonymous); any answer but a readable one is
/// the error a person can act on (unreachable, certificate, refused, not a Bitwarden API).
pub async fn server_info(http: &Http, endpoints: &Endpoints) -> Result<ServerInfo, BitwardenError> {
    let request = Request::new(Method::GET, endpoints.api_url("/config")?);
    let reply = http.send(&request).await?;
    if !reply.status.is_success() {
        return Err(api_error(&reply, &Phrase::new("asked.configuration"), None));
    }
    let value = reply.json()?;
    Ok(ServerInfo {
        version: field(&value, "version")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        product: ServerProduct::of_config(&value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitwarden::{AppKind, Device, HttpOptions};
    use std::time::Duration;

    fn http() -> Http {
        let options = HttpOptions {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(2),
            get_attempts: 1,
            ..HttpOptions::default()
        };
        Http::new(
            options,
            Device::with_identifier(AppKind::Cli, uuid::Uuid::nil()),
        )
        .unwrap()
    }

    async fn serve(app: axum::Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    #[tokio::test]
    async fn a_running_server_names_its_version() {
        let app = axum::Router::new().route(
            "/api/config",
            axum::routing::get(|| async {
                axum::Json(serde_json::json!({"object": "config", "version": "2025.6.1"}))
            }),
        );
        let url = serve(app).await;
        let info = server_info(&http(), &Endpoints::self_hosted(&url).unwrap())
            .await
            .unwrap();
        assert_eq!(info.version.as_deref(), Some("2025.6.1"));
        assert_eq!(info.product, ServerProduct::Bitwarden);
        assert!(info.licensing().is_ok());
    }

    #[tokio::test]
    async fn vaultwarden_names_itself_and_takes_no_licenses() {
        let app = axum::Router::new().route(
            "/api/config",
            axum::routing::get(|| async {
                axum::Json(serde_json::json!({
                    "version": "2025.1.0",
                    "gitHash": "3a6ee9a",
                    "server": {
                        "name": "Vaultwarden",
                        "url": "https://github.com/dani-garcia/vaultwarden"
                    },
                    "settings": {"disableUserRegistration": false},
                    "environment": {"vault": "https://vw.example.com"},
                    "featureStates": {},
                    "object": "config"
                }))
            }),
        );
        let url = serve(app).await;
        let info = server_info(&http(), &Endpoints::self_hosted(&url).unwrap())
            .await
            .unwrap();
        assert_eq!(info.product, ServerProduct::Vaultwarden);
        let err = info.licensing().unwrap_err();
        assert_eq!(
            crate::error::Explain::code(&err),
            "vaultwarden_needs_no_license"
        );
        assert!(
            err.to_string()
                .contains("Vaultwarden needs no Bitwarden license; nothing to upload or sync here"),
            "{err}"
        );
    }

    #[test]
    fn another_third_party_server_keeps_its_name_and_is_not_judged() {
        let config = serde_json::json!({"server": {"name": "Other Server", "url": null}});
        let product = ServerProduct::of_config(&config);
        assert_eq!(product, ServerProduct::Other("Other Server".into()));
    }

    #[tokio::test]
    async fn a_server_that_is_down_is_unreachable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let err = server_info(&http(), &Endpoints::self_hosted(&url).unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(err, BitwardenError::NetworkUnreachable { .. }),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_page_that_is_not_the_api_is_an_unexpected_answer() {
        let app = axum::Router::new().route(
            "/api/config",
            axum::routing::get(|| async { "<html>hello</html>" }),
        );
        let url = serve(app).await;
        let err = server_info(&http(), &Endpoints::self_hosted(&url).unwrap())
            .await
            .unwrap_err();
        assert!(
            matches!(err, BitwardenError::UnexpectedAnswer { .. }),
            "{err}"
        );
    }
}
