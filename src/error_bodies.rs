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
use crate::scim::errors::ScimError;

/// The longest request URI accepted, in bytes: long enough for a GET query of a few
/// thousand characters, short of hyper's own 64 KiB limit (which answers without a body).
pub const URI_LIMIT: usize = 32 * 1024;

/// Refuses over-long URIs, and gives the framework's bodiless refusals the API's error shape.
pub async fn shape(request: Request, next: Next) -> Response {
    let scim = request.uri().path().starts_with("/scim/");
    let uri_len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri_len > URI_LIMIT {
        let message = format!("The request URI is longer than {URI_LIMIT} bytes");
        return error(StatusCode::URI_TOO_LONG, scim, &message);
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
    if scim {
        return ScimError::new(status, message).into_response();
    }
    let code = if status == StatusCode::REQUEST_TIMEOUT {
        code::SERVICE_UNAVAILABLE
    } else {
        code::BAD_USER_INPUT
    };
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
