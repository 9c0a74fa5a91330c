//! One structured access-log line per request (`target: okrs::access`), written when the
//! response is ready: method, path, status, duration in milliseconds (a number), request id
//! and, for GraphQL, the operation's name and type, its error codes and its SQL statement
//! count. With `LOG_FORMAT=json` each is a field of one JSON object.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// What a GraphQL request ran, put in its response's extensions for the access log.
#[derive(Clone, Debug, Default)]
pub struct Operation {
    /// The operation's name, when it has one.
    pub name: Option<String>,
    /// `query`, `mutation` or `subscription`; empty for a document that did not parse.
    pub kind: &'static str,
    /// The `extensions.code` of every error, in order, repeated codes once.
    pub error_codes: Vec<String>,
    /// SQL statements the request ran.
    pub sql_statements: usize,
}

/// Middleware: logs the request once its response is ready.
pub async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let response = next.run(request).await;
    let duration_ms = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
    let operation = response.extensions().get::<Operation>();
    let error_codes = operation.map(|op| op.error_codes.join(","));
    tracing::info!(
        target: "okrs::access",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms,
        request_id = %request_id,
        operation_name = operation.and_then(|op| op.name.as_deref()),
        operation_type = operation.map(|op| op.kind).filter(|kind| !kind.is_empty()),
        error_codes = error_codes.as_deref().filter(|codes| !codes.is_empty()),
        sql_statements = operation.map(|op| op.sql_statements as u64),
        "request"
    );
    response
}
