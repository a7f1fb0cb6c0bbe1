//! Who is calling: the bearer token of a request, checked like the API's policies
//! ("Application" = scope `api`, "Licensing" = scope `api.licensing`). A missing, unknown,
//! foreign or expired token answers 401; a token of the wrong kind answers 403.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use uuid::Uuid;

use super::envelope::ApiError;
use super::state::{Realm, Shared, Subject};

/// The state every handler of one role gets: the shared world and which server it is.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub shared: Arc<Shared>,
    pub realm: Realm,
}

/// The authenticated caller of an API request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    subject: Subject,
    scopes: Vec<String>,
    /// Organizations the token says the user owns (`orgowner` claims at issue time).
    pub owner_of: HashSet<Uuid>,
}

impl Caller {
    /// The user behind a token that meets the "Application" policy.
    pub fn user(&self) -> Result<Uuid, ApiError> {
        match self.subject {
            Subject::User(id) if self.scopes.iter().any(|s| s == "api") => Ok(id),
            _ => Err(ApiError::Forbidden),
        }
    }

    /// The installation behind a token that meets the "Licensing" policy.
    pub fn installation(&self) -> Result<Uuid, ApiError> {
        match self.subject {
            Subject::Installation(id) if self.scopes.iter().any(|s| s == "api.licensing") => Ok(id),
            _ => Err(ApiError::Forbidden),
        }
    }

    /// `CurrentContext.OrganizationOwner`: read from the token, not the database.
    pub fn owns(&self, org: Uuid) -> bool {
        self.owner_of.contains(&org)
    }
}

impl FromRequestParts<Ctx> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &Ctx) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError::Unauthenticated { expired: false })?;
        let world = ctx.shared.world();
        let issued = world
            .tokens
            .get(token)
            .filter(|t| t.realm == ctx.realm)
            .ok_or(ApiError::Unauthenticated { expired: false })?;
        if Instant::now() >= issued.expires {
            return Err(ApiError::Unauthenticated { expired: true });
        }
        Ok(Caller {
            subject: issued.subject,
            scopes: issued.scopes.clone(),
            owner_of: issued.owner_of.clone(),
        })
    }
}
