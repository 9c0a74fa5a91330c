//! One structured access-log line per request (`target: okrs::access`), written when the
//! response is ready: method, path, status, duration in milliseconds (a number), request id
//! and, for GraphQL, the operation's name and type, its error codes and its SQL statement
//! count. With `LOG_FORMAT=json` each is a field of one JSON object. The same observation
//! goes to the [`Metrics`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::metrics::{self, Metrics};

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
    /// How long its reads waited for database connections, in all.
    pub pool_wait: Duration,
}

impl Operation {
    /// Adds what another operation of the same batch ran.
    pub fn absorb(&mut self, other: Self) {
        self.sql_statements += other.sql_statements;
        self.pool_wait += other.pool_wait;
        for code in other.error_codes {
            self.note_error_code(code);
        }
    }

    /// Records an error's `extensions.code`, once however many errors carry it.
    pub fn note_error_code(&mut self, code: String) {
        if !self.error_codes.contains(&code) {
            self.error_codes.push(code);
        }
    }
}

/// Middleware: logs the request once its response is ready, and counts it in `metrics`
/// when they are collected.
pub async fn log(
    State(metrics): State<Option<Arc<Metrics>>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = metrics.as_ref().and_then(|_| {
        let path = request.extensions().get::<MatchedPath>()?;
        Some(path.as_str().to_owned())
    });
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let duration_ms = (seconds * 1_000_000.0).round() / 1000.0;
    let operation = response.extensions().get::<Operation>();
    name_span(response.status().as_u16(), operation);
    if let Some(metrics) = &metrics {
        metrics.observe(&metrics::Request {
            route: route.as_deref(),
            method: method.as_str(),
            status: response.status().as_u16(),
            seconds,
            operation,
        });
    }
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

/// Names the request's span (a trace's server span) by its GraphQL operation, as
/// `query MyOkrs`, and records its status.
fn name_span(status: u16, operation: Option<&Operation>) {
    let span = tracing::Span::current();
    span.record("http.response.status_code", status);
    let Some(operation) = operation.filter(|operation| !operation.kind.is_empty()) else {
        return;
    };
    span.record("graphql.operation.type", operation.kind);
    if let Some(name) = &operation.name {
        span.record("graphql.operation.name", name.as_str());
        crate::telemetry::rename_request_span(format!("{} {name}", operation.kind));
    } else {
        crate::telemetry::rename_request_span(operation.kind.to_owned());
    }
}
