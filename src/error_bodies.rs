//! Error bodies for the answers the HTTP layers give before a handler runs: 413 (body over
//! `REQUEST_BODY_LIMIT`), 414 (URI over [`URI_LIMIT`]) and 408 (`REQUEST_TIMEOUT_SECS`).
//! Under `/scim/v2` they become RFC 7644 error bodies, elsewhere GraphQL error bodies, so a
//! client always gets the error shape of the API it called.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::graphql::errors::code;
use crate::scim::errors::{SCIM_JSON, ScimError};

/// The longest request URI accepted, in bytes: long enough for a GET query of a few
/// thousand characters. Past hyper's own 64 KiB limit, its parser refuses the request before
/// any handler runs; [`crate::serve::refusals`] gives that answer the same body.
pub const URI_LIMIT: usize = 32 * 1024;

/// Refuses over-long URIs, and gives the framework's bodiless refusals the API's error shape.
pub async fn shape(request: Request, next: Next) -> Response {
    let scim = request.uri().path().starts_with("/scim/");
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri_len > URI_LIMIT {
        return error(StatusCode::URI_TOO_LONG, scim, &uri_too_long_message());
    }
    let response = next.run(request).await;
    let already_shaped = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let message = match response.status() {
        _ if already_shaped => return response,
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is larger than REQUEST_BODY_LIMIT",
        StatusCode::REQUEST_TIMEOUT => "The request took longer than REQUEST_TIMEOUT_SECS",
        _ => return response,
    };
    error(response.status(), scim, message)
}

fn error(status: StatusCode, scim: bool, message: &str) -> Response {
    let (content_type, body) = shaped(status, scim, message);
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The content type and body of a refusal with `status`: RFC 7644's error under `/scim/v2`
/// (`scim`), a GraphQL error body elsewhere.
pub fn shaped(status: StatusCode, scim: bool, message: &str) -> (&'static str, String) {
    if scim {
        let body = ScimError::new(status, message).body();
        return (SCIM_JSON, body.to_string());
    }
    let code = if status == StatusCode::REQUEST_TIMEOUT {
        code::SERVICE_UNAVAILABLE
    } else {
        code::BAD_USER_INPUT
    };
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    ("application/json; charset=utf-8", body.to_string())
}

/// The message of every 414.
pub fn uri_too_long_message() -> String {
    format!("The request URI is longer than {URI_LIMIT} bytes")
}
