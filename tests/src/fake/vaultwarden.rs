//! The self-hosted role playing Vaultwarden (seed `"vaultwarden": true`), the
//! Bitwarden-compatible server that has no license files and unlocks every feature itself
//! (dani-garcia/vaultwarden, `src/api/core/mod.rs`):
//!
//! - `GET /api/config` answers Vaultwarden's shape: a Bitwarden-like `version` (the seed's),
//!   `gitHash`, `server: {"name": "Vaultwarden", "url": "https://github.com/dani-garcia/vaultwarden"}`,
//!   `settings.disableUserRegistration`, `environment` (`vault`, `api`, `identity`,
//!   `notifications`, `sso: ""`), `featureStates`, `object: "config"`;
//! - the license and billing routes do not exist there: uploads, organization licenses,
//!   their sync, billing sync connections and subscriptions answer its 404 catcher
//!   (`api_not_found`: `{"error":{"code":404,"reason":"Not Found","description":…}}`).
//!
//! Sign-in, the profile, sync, organization keys and everything else stay as they are.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Path prefixes (under `/api`) Vaultwarden does not serve.
const MISSING: [&str; 5] = [
    "/api/organizations/licenses/",
    "/api/organizations/connections",
    "/api/accounts/license",
    "/api/account/billing/",
    "/api/licenses/",
];

/// Whether Vaultwarden lacks this route (`/organizations/{id}/subscription` included).
fn missing(path: &str) -> bool {
    MISSING.iter().any(|prefix| path.starts_with(prefix))
        || (path.starts_with("/api/organizations/") && path.ends_with("/subscription"))
}

/// Vaultwarden's `/api/config` for a server at `vault`.
pub(crate) fn config(version: &str, vault: &str) -> Value {
    json!({
        "version": version,
        "gitHash": "fakevw0",
        "server": {
            "name": "Vaultwarden",
            "url": "https://github.com/dani-garcia/vaultwarden",
        },
        "settings": { "disableUserRegistration": false },
        "environment": {
            "vault": vault,
            "api": format!("{vault}/api"),
            "identity": format!("{vault}/identity"),
            "notifications": format!("{vault}/notifications"),
            "sso": "",
        },
        "featureStates": {},
        "object": "config",
    })
}

/// Answers Vaultwarden's 404 for the routes it does not have.
pub(crate) async fn layer(State(on): State<bool>, request: Request, next: Next) -> Response {
    if on && missing(request.uri().path()) {
        let body = json!({
            "error": {
                "code": 404,
                "reason": "Not Found",
                "description": "The requested resource could not be found.",
            }
        });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_routes_are_missing_and_the_rest_is_served() {
        assert!(missing("/api/organizations/licenses/self-hosted"));
        assert!(missing("/api/organizations/b0/subscription"));
        assert!(missing("/api/organizations/connections/enabled"));
        assert!(!missing("/api/organizations/b0/keys"));
        assert!(!missing("/api/sync"));
        assert!(!missing("/identity/connect/token"));
    }
}
