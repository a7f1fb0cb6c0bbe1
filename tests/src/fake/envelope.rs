//! The API's error answers, shaped as the server's `ErrorResponseModel` (contract §1.8):
//! `{"object":"error","message":…,"validationErrors":{…}|null,"exceptionMessage":null,
//! "exceptionStackTrace":null,"innerExceptionMessage":null}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// `BadRequestException(key, message)` and model validation both answer with this message.
pub const MODEL_STATE_INVALID: &str = "The model state is invalid.";

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400 with a plain message (`BadRequestException(message)`).
    BadRequest(String),
    /// 400 `The model state is invalid.` with these field errors, in order.
    Validation(Vec<(String, String)>),
    /// 404 `NotFoundException`, with the server's default text unless given.
    NotFound(Option<String>),
    /// 401 from `UnauthorizedAccessException` inside an action: `Unauthorized.`
    Unauthorized,
    /// 401 from the bearer-token check: no body, a `WWW-Authenticate` challenge.
    Unauthenticated { expired: bool },
    /// 403 from an authorization policy the token does not meet: no body.
    Forbidden,
    /// 404 for a route that does not exist: no body.
    NoRoute,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest(message.into())
    }

    /// One field error, as `BadRequestException(key, message)` produces.
    pub fn field(key: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![(key.to_owned(), message.into())])
    }

    pub fn not_found() -> Self {
        ApiError::NotFound(None)
    }
}

/// The error body for a message and optional field errors.
pub fn error_body(message: &str, validation: Option<&[(String, String)]>) -> Value {
    let validation_errors = validation.map(|errors| {
        let mut map = Map::new();
        for (key, text) in errors {
            let entry = map
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                list.push(Value::String(text.clone()));
            }
        }
        Value::Object(map)
    });
    json!({
        "object": "error",
        "message": message,
        "validationErrors": validation_errors,
        "exceptionMessage": null,
        "exceptionStackTrace": null,
        "innerExceptionMessage": null,
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, Json(error_body(&message, None))).into_response()
            }
            ApiError::Validation(errors) => (
                StatusCode::BAD_REQUEST,
                Json(error_body(MODEL_STATE_INVALID, Some(&errors))),
            )
                .into_response(),
            ApiError::NotFound(message) => (
                StatusCode::NOT_FOUND,
                Json(error_body(
                    message.as_deref().unwrap_or("Resource not found."),
                    None,
                )),
            )
                .into_response(),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                Json(error_body("Unauthorized.", None)),
            )
                .into_response(),
            ApiError::Unauthenticated { expired } => {
                let challenge = if expired {
                    "Bearer error=\"invalid_token\", error_description=\"The token expired\""
                } else {
                    "Bearer"
                };
                let mut response = StatusCode::UNAUTHORIZED.into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                );
                response
            }
            ApiError::Forbidden => StatusCode::FORBIDDEN.into_response(),
            ApiError::NoRoute => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

/// The result of an API action.
pub type ApiResult<T> = Result<T, ApiError>;
