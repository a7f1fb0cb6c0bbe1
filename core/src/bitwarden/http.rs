//! HTTP to Bitwarden servers: rustls with the system's roots plus an optional extra CA
//! (self-signed self-hosted servers are common), proxies from the environment, bounded
//! timeouts, the headers the server requires, and a bounded retry of idempotent GETs.
//! POST, PUT and DELETE are sent exactly once: a repeat could apply a change twice.

use crate::messages::Phrase;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::device::{AppKind, Device, CLIENT_VERSION};
use super::errors::BitwardenError;
use super::urls::check_transport;

/// Largest answer read into memory; licenses and profiles are far smaller.
const MAX_REPLY_BYTES: usize = 8 * 1024 * 1024;

/// How to reach servers. `Default` suits people; tests shorten the timeouts.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// A PEM file with extra CA certificates to trust, besides the system's.
    pub ca_cert: Option<PathBuf>,
    /// Allow plain `http://` to hosts other than this machine.
    pub allow_insecure_http: bool,
    pub connect_timeout: Duration,
    /// The whole request, from connecting to the last byte of the answer.
    pub request_timeout: Duration,
    /// Tries of an idempotent GET (1 = no retry); only connection failures and 5xx answers
    /// are retried.
    pub get_attempts: u32,
    /// Pause before the first retry; doubled before each further one.
    pub retry_backoff: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            ca_cert: None,
            allow_insecure_http: false,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            get_attempts: 3,
            retry_backoff: Duration::from_millis(300),
        }
    }
}

/// A request body.
pub(crate) enum Body {
    Empty,
    Json(Value),
    /// `application/x-www-form-urlencoded`; every value treated as secret.
    Form(Vec<(&'static str, SecretString)>),
    /// A prepared `multipart/form-data` body.
    Multipart {
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// One request.
pub(crate) struct Request<'a> {
    pub method: Method,
    pub url: Url,
    pub bearer: Option<&'a SecretString>,
    pub body: Body,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, url: Url) -> Self {
        Request {
            method,
            url,
            bearer: None,
            body: Body::Empty,
        }
    }
}

/// A complete answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
    pub url: Url,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Result<Value, BitwardenError> {
        serde_json::from_slice(&self.body).map_err(|e| BitwardenError::UnexpectedAnswer {
            url: self.url.to_string(),
            detail: Phrase::new("answer_fault.not_json").with("detail", e),
        })
    }
}

/// The HTTP client every request to Bitwarden goes through.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    options: HttpOptions,
    device: Device,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("options", &self.options)
            .field("device", &self.device)
            .finish()
    }
}

impl Http {
    /// Builds the client. Fails only when the extra CA file cannot be read.
    pub fn new(options: HttpOptions, device: Device) -> Result<Http, BitwardenError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            "Bitwarden-Client-Name",
            HeaderValue::from_static(device.app.client_name()),
        );
        headers.insert(
            "Bitwarden-Client-Version",
            HeaderValue::from_static(CLIENT_VERSION),
        );
        headers.insert(
            "Device-Type",
            HeaderValue::from(u16::from(device.app.device_type())),
        );
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent(device.app))
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = &options.ca_cert {
            builder = builder.tls_certs_merge(read_ca(path)?);
        }
        let client = builder.build().map_err(|e| match &options.ca_cert {
            Some(path) => BitwardenError::CaCertificate {
                path: path.display().to_string(),
                detail: chain(&e),
            },
            None => BitwardenError::SystemTrustStore { detail: chain(&e) },
        })?;
        Ok(Http {
            client,
            options,
            device,
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn options(&self) -> &HttpOptions {
        &self.options
    }

    /// Sends a request; a GET is retried on connection failures and 5xx answers. Any
    /// HTTP status is returned as a [`Reply`]; only transport failures are errors.
    pub(crate) async fn send(&self, request: &Request<'_>) -> Result<Reply, BitwardenError> {
        check_transport(&request.url, self.options.allow_insecure_http)?;
        let attempts = if request.method == Method::GET {
            self.options.get_attempts.max(1)
        } else {
            1
        };
        let mut pause = self.options.retry_backoff;
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(request).await;
            let transient = match &outcome {
                Ok(reply) => reply.status.is_server_error(),
                Err(e) => e.is_transient(),
            };
            if !transient || attempt >= attempts {
                return outcome;
            }
            tracing::debug!(
                method = %request.method,
                path = request.url.path(),
                attempt,
                "retrying an idempotent request"
            );
            tokio::time::sleep(pause).await;
            pause *= 2;
            attempt += 1;
        }
    }

    async fn send_once(&self, request: &Request<'_>) -> Result<Reply, BitwardenError> {
        let mut builder = self
            .client
            .request(request.method.clone(), request.url.clone());
        if let Some(token) = request.bearer {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| BitwardenError::UnexpectedAnswer {
                    url: request.url.to_string(),
                    detail: Phrase::new("answer_fault.token_not_a_header"),
                })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(value) => builder.json(value),
            Body::Form(fields) => {
                let exposed: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (*k, v.expose_secret()))
                    .collect();
                builder.form(&exposed)
            }
            Body::Multipart {
                content_type,
                bytes,
            } => builder
                .header(CONTENT_TYPE, content_type.as_str())
                .body(bytes.clone()),
        };
        let response = builder
            .send()
            .await
            .map_err(|e| self.transport_error(&request.url, &e))?;
        let status = response.status();
        if status.is_redirection() {
            // Redirects are not followed: a POST would lose its body or a token could
            // follow it to another host. The person gives the final address instead.
            let target = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok());
            let detail = match target {
                Some(target) => Phrase::new("answer_fault.redirect").with("target", target),
                None => Phrase::new("answer_fault.redirect_elsewhere"),
            };
            return Err(BitwardenError::UnexpectedAnswer {
                url: request.url.to_string(),
                detail: detail.with("status", status.as_u16()),
            });
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_REPLY_BYTES as u64)
        {
            return Err(BitwardenError::UnexpectedAnswer {
                url: request.url.to_string(),
                detail: Phrase::new("answer_fault.too_large"),
            });
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&request.url, &e))?;
        tracing::debug!(
            method = %request.method,
            path = request.url.path(),
            status = status.as_u16(),
            "answer"
        );
        Ok(Reply {
            status,
            body: body.to_vec(),
            url: request.url.clone(),
        })
    }

    /// Turns a transport failure into the error a person can act on.
    fn transport_error(&self, url: &Url, e: &reqwest::Error) -> BitwardenError {
        let detail = chain(e);
        let shown = url.as_str().trim_end_matches('/').to_owned();
        if is_certificate_problem(&detail) {
            return BitwardenError::TlsUntrusted {
                host: url.host_str().unwrap_or_default().to_owned(),
                detail: certificate_reason(&detail),
            };
        }
        if e.is_timeout() {
            let limit = if e.is_connect() {
                self.options.connect_timeout
            } else {
                self.options.request_timeout
            };
            return BitwardenError::Timeout {
                url: shown,
                seconds: limit.as_secs_f64(),
            };
        }
        BitwardenError::NetworkUnreachable {
            url: shown,
            detail: if e.is_connect() { innermost(e) } else { detail },
        }
    }
}

fn user_agent(app: AppKind) -> String {
    match app {
        AppKind::Desktop => format!("LicenseCompanion/{}", env!("CARGO_PKG_VERSION")),
        AppKind::Cli => format!("bwlicense/{}", env!("CARGO_PKG_VERSION")),
    }
}

fn read_ca(path: &PathBuf) -> Result<Vec<reqwest::Certificate>, BitwardenError> {
    let unusable = |detail: String| BitwardenError::CaCertificate {
        path: path.display().to_string(),
        detail,
    };
    let pem = std::fs::read(path).map_err(|e| unusable(e.to_string()))?;
    if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
        return Err(unusable("it holds no PEM certificate".into()));
    }
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| unusable(chain(&e)))?;
    if certs.is_empty() {
        return Err(unusable("it holds no PEM certificate".into()));
    }
    Ok(certs)
}

/// The error and all its causes, joined.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

/// The deepest cause, e.g. `Connection refused (os error 111)`.
fn innermost(e: &dyn std::error::Error) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        last = cause.to_string();
        source = cause.source();
    }
    last
}

fn is_certificate_problem(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    lower.contains("invalid peer certificate") || lower.contains("certificate verify failed")
}

/// rustls names the reason after "invalid peer certificate: ", e.g. `UnknownIssuer`.
fn certificate_reason(detail: &str) -> String {
    detail
        .rsplit_once("invalid peer certificate: ")
        .map_or_else(|| detail.to_owned(), |(_, reason)| reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_without_a_certificate_is_refused_up_front() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate").unwrap();
        let options = HttpOptions {
            ca_cert: Some(path),
            ..HttpOptions::default()
        };
        let device = Device::with_identifier(AppKind::Cli, uuid::Uuid::nil());
        let err = Http::new(options, device).unwrap_err();
        assert!(matches!(err, BitwardenError::CaCertificate { .. }), "{err}");
    }

    #[tokio::test]
    async fn redirects_are_reported_not_followed() {
        use axum::http::{header, StatusCode};
        use axum::routing::post;
        let app = axum::Router::new().route(
            "/identity/connect/token",
            post(|| async {
                (
                    StatusCode::MOVED_PERMANENTLY,
                    [(
                        header::LOCATION,
                        "https://vault.example.com/identity/connect/token",
                    )],
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/identity/connect/token",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        let http = Http::new(
            HttpOptions::default(),
            Device::with_identifier(AppKind::Cli, uuid::Uuid::nil()),
        )
        .unwrap();
        let request = Request::new(Method::POST, Url::parse(&url).unwrap());
        let err = http.send(&request).await.unwrap_err();
        assert!(matches!(err, BitwardenError::UnexpectedAnswer { .. }));
        assert!(err
            .to_string()
            .contains("redirects (HTTP 301) to https://vault.example.com/identity/connect/token"));
        use crate::error::Explain;
        let chinese = crate::messages::say_all(&err.words().unwrap().message, "zh-CN");
        assert!(
            chinese
                .contains("重定向（HTTP 301）到 https://vault.example.com/identity/connect/token"),
            "{chinese}"
        );
    }

    #[test]
    fn the_certificate_reason_is_taken_from_the_rustls_text() {
        let text = "error sending request: client error (Connect): invalid peer certificate: UnknownIssuer";
        assert!(is_certificate_problem(text));
        assert_eq!(certificate_reason(text), "UnknownIssuer");
        assert!(!is_certificate_problem("Connection refused (os error 111)"));
    }
}
