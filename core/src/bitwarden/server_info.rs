//! Whether a server answers at all: `GET {api}/config` needs no sign-in and names the
//! server's version, so it tells "unreachable" (address, certificate, firewall) apart from
//! "not signed in" before anything else is tried.

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::errors::BitwardenError;
use super::http::{Http, Request};
use super::replies::{api_error, field};
use super::urls::Endpoints;

/// What a server says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    /// The server's version, e.g. `2025.6.1`, when it gives one.
    pub version: Option<String>,
}

/// Asks the server for its configuration (anonymous); any answer but a readable one is
/// the error a person can act on (unreachable, certificate, refused, not a Bitwarden API).
pub async fn server_info(http: &Http, endpoints: &Endpoints) -> Result<ServerInfo, BitwardenError> {
    let request = Request::new(Method::GET, endpoints.api_url("/config")?);
    let reply = http.send(&request).await?;
    if !reply.status.is_success() {
        return Err(api_error(&reply, "the server's configuration", None));
    }
    let value = reply.json()?;
    Ok(ServerInfo {
        version: field(&value, "version")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
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
