//! Fault injection and the request log, for client tests: make a route answer 500 or hang,
//! and prove afterwards which requests came, in what order, and which were repeats.
//!
//! The log holds the method, path (with query), status and role of each request, never a
//! header or a body, so tokens, keys, passwords and hashes never reach it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::envelope::error_body;
use super::seed::Region;

/// Largest body the log middleware buffers (well above any real request).
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// One listening role of the fake server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Role {
    /// The self-hosted server: `/api/...` and `/identity/...`.
    SelfHosted,
    /// `api.bitwarden.com` / `api.bitwarden.eu`.
    CloudApi(Region),
    /// `identity.bitwarden.com` / `identity.bitwarden.eu`.
    CloudIdentity(Region),
}

/// What a matching request gets instead of its normal answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer with this status and the server's generic error body.
    Status(u16),
    /// Wait this long, then answer normally (for client timeout tests).
    Hang(Duration),
}

/// A fault for requests matching a role, a method and a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub role: Role,
    /// HTTP method, e.g. `POST`; any method when `None`.
    pub method: Option<String>,
    /// The path without query, e.g. `/identity/connect/token`; a trailing `*` matches any
    /// path with that prefix.
    pub path: String,
    pub action: FaultAction,
    /// How many requests it applies to; every one when `None`.
    pub times: Option<u32>,
}

impl FaultRule {
    /// Every matching request answers with `status`.
    pub fn status(role: Role, method: &str, path: &str, status: u16) -> Self {
        FaultRule {
            role,
            method: Some(method.to_ascii_uppercase()),
            path: path.to_owned(),
            action: FaultAction::Status(status),
            times: None,
        }
    }

    /// Every matching request waits `duration` before its normal answer.
    pub fn hang(role: Role, method: &str, path: &str, duration: Duration) -> Self {
        FaultRule {
            action: FaultAction::Hang(duration),
            ..FaultRule::status(role, method, path, 0)
        }
    }

    /// Applies only to the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn matches(&self, role: Role, method: &str, path: &str) -> bool {
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        self.role == role
            && self.method.as_deref().is_none_or(|m| m == method)
            && path_ok
            && self.times != Some(0)
    }
}

/// One request as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRecord {
    pub role: Role,
    pub method: String,
    /// Path and query, e.g. `/organizations/…/license?installationId=…`.
    pub path: String,
    pub status: u16,
    /// An identical request (same role, method, path, query and body) came before.
    pub retry: bool,
    /// The fault applied to it, if any.
    pub fault: Option<String>,
}

#[derive(Default)]
struct Inner {
    rules: Vec<FaultRule>,
    log: Vec<RequestRecord>,
    /// Digests of requests seen, to tell repeats; never exposed.
    seen: HashSet<[u8; 32]>,
}

/// The fault rules and the request log of one running server.
#[derive(Clone, Default)]
pub struct Faults(Arc<Mutex<Inner>>);

impl Faults {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds a fault rule (rules are tried in the order added).
    pub fn add(&self, rule: FaultRule) {
        self.inner().rules.push(rule);
    }

    /// Removes every fault rule.
    pub fn clear(&self) {
        self.inner().rules.clear();
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.inner().log.clone()
    }

    /// The requests to one role with this method and path (without query).
    pub fn requests_to(&self, role: Role, method: &str, path: &str) -> Vec<RequestRecord> {
        self.requests()
            .into_iter()
            .filter(|r| {
                r.role == role
                    && r.method.eq_ignore_ascii_case(method)
                    && r.path.split('?').next() == Some(path)
            })
            .collect()
    }

    /// Empties the request log.
    pub fn clear_log(&self) {
        let mut inner = self.inner();
        inner.log.clear();
        inner.seen.clear();
    }

    /// Finds the fault for a request and uses up one of its `times`.
    fn take(&self, role: Role, method: &str, path: &str) -> Option<FaultAction> {
        let mut inner = self.inner();
        let rule = inner
            .rules
            .iter_mut()
            .find(|r| r.matches(role, method, path))?;
        if let Some(left) = rule.times.as_mut() {
            *left -= 1;
        }
        Some(rule.action)
    }

    fn record(&self, record: RequestRecord, digest: [u8; 32]) {
        let mut inner = self.inner();
        let retry = !inner.seen.insert(digest);
        inner.log.push(RequestRecord { retry, ..record });
    }
}

/// The middleware every role's router runs: applies faults, then logs the answer.
pub(crate) async fn layer(
    State((faults, role)): State<(Faults, Role)>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_owned());
    let digest: [u8; 32] = Sha256::new()
        .chain_update(format!("{role:?} {method} {path_and_query}\n"))
        .chain_update(&bytes)
        .finalize()
        .into();

    let fault = faults.take(role, &method, &path);
    // Like a real server, a request is carried out (and logged) to the end even when its
    // client stops waiting and closes the connection: a lost answer is not a lost change.
    let handled = tokio::spawn(async move {
        let response = match fault {
            Some(FaultAction::Status(status)) => {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, Json(error_body("An error has occurred.", None))).into_response()
            }
            Some(FaultAction::Hang(duration)) => {
                tokio::time::sleep(duration).await;
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
            None => {
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
        };
        faults.record(
            RequestRecord {
                role,
                method,
                path: path_and_query,
                status: response.status().as_u16(),
                retry: false,
                fault: fault.map(|f| format!("{f:?}")),
            },
            digest,
        );
        response
    });
    handled
        .await
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
