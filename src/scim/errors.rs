//! SCIM error responses (RFC 7644 §3.12), the translation of [`DomainError`], and the
//! [`ScimJson`] body extractor whose every rejection is a SCIM error.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::{Code, UserError};
use crate::error::{DomainError, error_chain};
use crate::query::filter::FilterRefusal;

/// The media type of every SCIM response.
pub const SCIM_JSON: &str = "application/scim+json";
/// The URN of an error body.
const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A SCIM error: an HTTP status, an optional `scimType` and a human-readable detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The RFC 7644 `scimType`, for 400 and 409 errors.
    pub scim_type: Option<&'static str>,
    /// What went wrong, for people.
    pub detail: String,
}

impl ScimError {
    /// An error with a status and detail but no `scimType`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// A 400 with the given `scimType`.
    pub fn bad_request(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            scim_type: Some(scim_type),
            detail: detail.into(),
        }
    }

    /// 400 `invalidFilter`.
    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::bad_request("invalidFilter", detail)
    }

    /// 400 `invalidValue`.
    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad_request("invalidValue", detail)
    }

    /// 400 `invalidSyntax`.
    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad_request("invalidSyntax", detail)
    }

    /// 400 `invalidPath`.
    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad_request("invalidPath", detail)
    }

    /// 400 `noTarget`.
    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::bad_request("noTarget", detail)
    }

    /// 400 `mutability`.
    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::bad_request("mutability", detail)
    }

    /// 404 for an unknown resource or endpoint.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 500 with a generic detail; the cause is logged, never sent.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %error_chain(cause), "SCIM request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }
}

impl From<FilterRefusal> for ScimError {
    fn from(refusal: FilterRefusal) -> Self {
        match refusal {
            FilterRefusal::Nul => Self::invalid_value(refusal.to_string()),
            _ => Self::invalid_filter(refusal.to_string()),
        }
    }
}

impl ScimError {
    /// A refused write's field errors, as one SCIM error: the status of the most telling
    /// code (a missing row 404, a changed one 412, a duplicate 409), else 400
    /// `invalidValue`; the detail names every attribute path, e.g.
    /// `userName is longer than 256 characters; emails.0.value can't be blank`.
    fn from_user_errors(errors: &[UserError]) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{} {}", e.path.join("."), e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let has = |code| errors.iter().any(|e| e.code == code);
        if has(Code::NotFound) {
            Self::not_found(detail)
        } else if has(Code::Stale) {
            Self::new(StatusCode::PRECONDITION_FAILED, detail)
        } else if has(Code::AlreadyExists) {
            Self {
                status: StatusCode::CONFLICT,
                scim_type: Some("uniqueness"),
                detail,
            }
        } else {
            Self::invalid_value(detail)
        }
    }
}

impl From<DomainError> for ScimError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::NotFound { entity, id } => {
                Self::not_found(format!("{entity} {id} not found"))
            }
            DomainError::Conflict { constraint } => Self {
                status: StatusCode::CONFLICT,
                scim_type: Some("uniqueness"),
                detail: format!("A resource with that value already exists ({constraint})"),
            },
            DomainError::Stale {
                entity,
                id,
                current,
            } => Self::new(
                StatusCode::PRECONDITION_FAILED,
                format!("{entity} {id} has changed: its version is now W/\"{current}\""),
            ),
            DomainError::User(errors) => Self::from_user_errors(&errors),
            DomainError::Invalid { field, reason } if field == "filter" => {
                Self::invalid_filter(reason)
            }
            DomainError::Invalid { field, reason } => {
                Self::invalid_value(format!("{field}: {reason}"))
            }
            DomainError::Unauthenticated => {
                Self::new(StatusCode::UNAUTHORIZED, "Authentication required")
            }
            DomainError::Unavailable(cause) => {
                tracing::warn!(error = %error_chain(&cause), "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The database is unavailable; try again shortly",
                )
            }
            other => Self::internal(&other),
        }
    }
}

impl ScimError {
    /// The RFC 7644 §3.12 error body.
    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = json!(scim_type);
        }
        body
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        scim_body(self.status, &self.body())
    }
}

/// A JSON body with the SCIM media type.
pub fn scim_body(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    response
}

/// A JSON request body; accepts `application/scim+json` and `application/json` (with any
/// parameters). Rejections are SCIM errors: 415 for another media type, 413 for a body over
/// the limit, 400 `invalidSyntax` for malformed JSON.
#[derive(Debug, Clone)]
pub struct ScimJson<T>(pub T);

impl<S, T> FromRequest<S> for ScimJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ScimError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let media_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        if !matches!(
            media_type.as_deref(),
            Some("application/scim+json" | "application/json")
        ) {
            return Err(ScimError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the body as application/scim+json or application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ScimError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The request body is too large",
                )
            } else {
                ScimError::invalid_syntax("The request body could not be read")
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(ScimJson)
            .map_err(|e| ScimError::invalid_syntax(format!("The body is not valid JSON: {e}")))
    }
}
