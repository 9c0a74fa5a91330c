//! SCIM's own authentication (decisions.md 7): a bearer token and/or HTTP Basic credentials
//! from configuration, compared in constant time, never logged. GraphQL tokens do not work
//! here. With no credential configured, SCIM is off and every request is a SCIM 404.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use subtle::ConstantTimeEq;

use super::ScimState;
use super::errors::ScimError;
use crate::config::Config;

/// Whether any SCIM credential is configured.
pub fn enabled(config: &Config) -> bool {
    config.scim_bearer_token.is_some()
        || (config.scim_basic_username.is_some() && config.scim_basic_password.is_some())
}

fn same(given: &[u8], expected: &str) -> bool {
    given.ct_eq(expected.as_bytes()).into()
}

/// Whether the `Authorization` header carries a configured credential.
fn authorized(config: &Config, authorization: &str) -> bool {
    let (scheme, credential) = authorization.split_once(' ').unwrap_or((authorization, ""));
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return config
            .scim_bearer_token
            .as_ref()
            .is_some_and(|token| same(credential.as_bytes(), token.expose()));
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let (Some(user), Some(password)) =
            (&config.scim_basic_username, &config.scim_basic_password)
        else {
            return false;
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(credential) else {
            return false;
        };
        let Some(colon) = decoded.iter().position(|b| *b == b':') else {
            return false;
        };
        let user_ok = same(&decoded[..colon], user);
        let password_ok = same(&decoded[colon + 1..], password.expose());
        return user_ok & password_ok;
    }
    false
}

/// Middleware: 404 when SCIM is off, 401 (with `WWW-Authenticate`) without a valid credential.
pub async fn require(State(state): State<ScimState>, request: Request, next: Next) -> Response {
    let config = &state.config;
    if !enabled(config) {
        return ScimError::not_found(
            "SCIM is not configured: set SCIM_BEARER_TOKEN or SCIM_BASIC_USERNAME and SCIM_BASIC_PASSWORD",
        )
        .into_response();
    }
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if authorized(config, authorization) {
        return next.run(request).await;
    }
    let mut response = ScimError::new(
        StatusCode::UNAUTHORIZED,
        "A valid SCIM credential is required",
    )
    .into_response();
    let challenge = if config.scim_bearer_token.is_some() {
        "Bearer realm=\"scim\""
    } else {
        "Basic realm=\"scim\""
    };
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    response
}
