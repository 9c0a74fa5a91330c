//! Prometheus metrics, served on their own listen address (`METRICS_BIND_ADDR`), never on
//! the public port.
//!
//! Every request is observed once, by the access log ([`crate::access_log`]), from what its
//! response reports; the pools are read when the metrics are scraped. Every label value comes
//! from a bounded set: routes, methods, statuses, error codes, and operation names of parsed
//! documents, of which the first [`OPERATION_NAMES`] are kept and the rest counted as
//! `(other)`, so no client can grow the registry without bound.

pub mod family;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use sea_orm::{DatabaseConnection, DbBackend};

use crate::metrics::family::{Counters, Histograms, OVERFLOW, gauges};

/// Distinct operation names kept as label values.
const OPERATION_NAMES: usize = 200;
/// Longer operation names are counted as `(other)`.
const LONGEST_OPERATION_NAME: usize = 100;

/// Request durations, in seconds.
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Statements per request.
const STATEMENTS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// The content type of the text exposition format.
const EXPOSITION: &str = "text/plain; version=0.0.4; charset=utf-8";

/// One request, as the access log saw it.
#[derive(Debug)]
pub struct Request<'a> {
    /// The route that matched (`/scim/v2/Users/{id}`), or `None` when none did.
    pub route: Option<&'a str>,
    /// The request method.
    pub method: &'a str,
    /// The response status.
    pub status: u16,
    /// From the request's arrival to its response being ready, in seconds.
    pub seconds: f64,
    /// What it ran, for a GraphQL request.
    pub operation: Option<&'a crate::access_log::Operation>,
}

/// What a weekly overview run did.
#[derive(Debug, Clone, Copy)]
pub enum OverviewRun {
    /// This replica ran it, with these delivery counts.
    Ran {
        /// Messages sent.
        sent: u64,
        /// Messages the mail server refused.
        failed: u64,
        /// Messages a crashed run may or may not have sent.
        unknown: u64,
    },
    /// Another replica ran it.
    Skipped,
    /// The run failed before finishing.
    Failed,
}

/// The server's metrics.
#[derive(Debug)]
pub struct Metrics {
    http_requests: Counters<3>,
    http_seconds: Histograms<2>,
    graphql_requests: Counters<3>,
    graphql_seconds: Histograms<2>,
    graphql_errors: Counters<1>,
    sql_statements: Histograms<1>,
    pool_wait_seconds: Histograms<1>,
    scim_requests: Counters<3>,
    persisted_queries: Counters<1>,
    overview_runs: Counters<1>,
    overview_deliveries: Counters<1>,
    operation_names: Mutex<HashSet<String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Self {
        Self {
            http_requests: Counters::new(
                "okrs_http_requests_total",
                "HTTP requests by route, method and response status.",
                ["route", "method", "status"],
            ),
            http_seconds: Histograms::new(
                "okrs_http_request_duration_seconds",
                "Time from a request's arrival to its response, by route and method.",
                ["route", "method"],
                SECONDS,
            ),
            graphql_requests: Counters::new(
                "okrs_graphql_requests_total",
                "GraphQL requests by operation name and type and HTTP status (a batch counts once, as type `batch`).",
                ["operation_name", "operation_type", "status"],
            ),
            graphql_seconds: Histograms::new(
                "okrs_graphql_request_duration_seconds",
                "GraphQL request durations by operation name and type.",
                ["operation_name", "operation_type"],
                SECONDS,
            ),
            graphql_errors: Counters::new(
                "okrs_graphql_errors_total",
                "GraphQL errors by extensions.code.",
                ["code"],
            ),
            sql_statements: Histograms::new(
                "okrs_graphql_sql_statements",
                "SQL statements per GraphQL request, by operation type.",
                ["operation_type"],
                STATEMENTS,
            ),
            pool_wait_seconds: Histograms::new(
                "okrs_db_pool_wait_seconds",
                "Time a GraphQL request waited for database connections, in all (its reads, and its write transaction including BEGIN).",
                ["operation_type"],
                SECONDS,
            ),
            scim_requests: Counters::new(
                "okrs_scim_requests_total",
                "SCIM requests by resource, method and response status.",
                ["resource", "method", "status"],
            ),
            persisted_queries: Counters::new(
                "okrs_persisted_queries_total",
                "Automatic persisted queries: `hit` (run by hash), `miss` (hash unknown), `registered`.",
                ["result"],
            ),
            overview_runs: Counters::new(
                "okrs_overview_runs_total",
                "Weekly overview runs: `ran` here, `skipped` (another replica ran it) or `failed`.",
                ["outcome"],
            ),
            overview_deliveries: Counters::new(
                "okrs_overview_deliveries_total",
                "Weekly overview messages: `sent`, `failed`, or `unknown` (an interrupted run's).",
                ["outcome"],
            ),
            operation_names: Mutex::new(HashSet::new()),
        }
    }

    /// Records one request (the access log calls this once per request).
    pub fn observe(&self, request: &Request<'_>) {
        let route = request.route.unwrap_or("(unmatched)");
        let method = method_label(request.method);
        let status = request.status.to_string();
        self.http_requests.inc([route, method, &status]);
        self.http_seconds.observe([route, method], request.seconds);
        if let Some(resource) = route.strip_prefix("/scim/v2/") {
            let resource = resource.split('/').next().unwrap_or_default();
            self.scim_requests.inc([resource, method, &status]);
        }
        let Some(operation) = request.operation else {
            return;
        };
        let name = self.operation_label(operation.name.as_deref());
        let kind = if operation.kind.is_empty() {
            "unknown"
        } else {
            operation.kind
        };
        self.graphql_requests.inc([&name, kind, &status]);
        self.graphql_seconds.observe([&name, kind], request.seconds);
        for code in &operation.error_codes {
            self.graphql_errors.inc([code]);
        }
        self.sql_statements
            .observe([kind], operation.sql_statements as f64);
        self.pool_wait_seconds
            .observe([kind], operation.pool_wait.as_secs_f64());
    }

    /// Records what a persisted-query lookup found: `hit`, `miss` or `registered`.
    pub fn persisted_query(&self, result: &'static str) {
        self.persisted_queries.inc([result]);
    }

    /// Records a weekly overview run.
    pub fn overview_run(&self, run: OverviewRun) {
        match run {
            OverviewRun::Ran {
                sent,
                failed,
                unknown,
            } => {
                self.overview_runs.inc(["ran"]);
                self.overview_deliveries.add(["sent"], sent);
                self.overview_deliveries.add(["failed"], failed);
                self.overview_deliveries.add(["unknown"], unknown);
            }
            OverviewRun::Skipped => self.overview_runs.inc(["skipped"]),
            OverviewRun::Failed => self.overview_runs.inc(["failed"]),
        }
    }

    /// Everything, in the exposition format, with the pools' current use.
    pub fn render(&self, pools: &[(&str, &DatabaseConnection)], max_connections: u32) -> String {
        let mut out = String::new();
        gauges(
            &mut out,
            "okrs_build_info",
            "The server's version.",
            ["version"],
            &[([env!("CARGO_PKG_VERSION")], 1.0)],
        );
        self.http_requests.render(&mut out);
        self.http_seconds.render(&mut out);
        self.graphql_requests.render(&mut out);
        self.graphql_seconds.render(&mut out);
        self.graphql_errors.render(&mut out);
        self.sql_statements.render(&mut out);
        self.pool_wait_seconds.render(&mut out);
        self.scim_requests.render(&mut out);
        self.persisted_queries.render(&mut out);
        self.overview_runs.render(&mut out);
        self.overview_deliveries.render(&mut out);
        let mut connections = Vec::new();
        let mut maximum = Vec::new();
        for (name, db) in pools {
            let (size, idle) = pool_use(db);
            let idle = u32::try_from(idle).unwrap_or(u32::MAX);
            connections.push(([*name, "idle"], f64::from(idle)));
            connections.push(([*name, "in_use"], f64::from(size.saturating_sub(idle))));
            maximum.push(([*name], f64::from(max_connections)));
        }
        gauges(
            &mut out,
            "okrs_db_pool_connections",
            "Open database connections by pool and state.",
            ["pool", "state"],
            &connections,
        );
        gauges(
            &mut out,
            "okrs_db_pool_max_connections",
            "The most connections each pool opens (DATABASE_MAX_CONNECTIONS).",
            ["pool"],
            &maximum,
        );
        out
    }

    /// The label of an operation name: itself when it is a GraphQL name among the first
    /// [`OPERATION_NAMES`] seen, `(other)` otherwise, empty for an anonymous operation.
    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return String::new();
        };
        let valid = name.len() <= LONGEST_OPERATION_NAME
            && name.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
            && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
        if !valid {
            return OVERFLOW.to_owned();
        }
        let mut names = self
            .operation_names
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if names.contains(name) || names.len() < OPERATION_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            OVERFLOW.to_owned()
        }
    }
}

/// The method as a label: the standard ones by name, anything else as `(other)`.
fn method_label(method: &str) -> &str {
    match method {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
        _ => OVERFLOW,
    }
}

/// Open and idle connections of a pool.
fn pool_use(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// What the metrics listener serves.
#[derive(Clone)]
pub struct Scrape {
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// The pools, by name.
    pub pools: Vec<(&'static str, DatabaseConnection)>,
    /// `DATABASE_MAX_CONNECTIONS`.
    pub max_connections: u32,
}

/// `GET /metrics` (the metrics listener's only path).
pub fn routes(scrape: Scrape) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(scrape)
}

async fn metrics(State(scrape): State<Scrape>) -> impl IntoResponse {
    let pools: Vec<(&str, &DatabaseConnection)> =
        scrape.pools.iter().map(|(name, db)| (*name, db)).collect();
    (
        [(header::CONTENT_TYPE, EXPOSITION)],
        scrape.metrics.render(&pools, scrape.max_connections),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_bounded_and_must_be_graphql_names() {
        let metrics = Metrics::new();
        assert_eq!(metrics.operation_label(Some("MyOkrs")), "MyOkrs");
        assert_eq!(metrics.operation_label(None), "");
        assert_eq!(metrics.operation_label(Some("a b")), OVERFLOW);
        assert_eq!(metrics.operation_label(Some(&"a".repeat(101))), OVERFLOW);
        for i in 0..OPERATION_NAMES {
            metrics.operation_label(Some(&format!("Op{i}")));
        }
        assert_eq!(metrics.operation_label(Some("Late")), OVERFLOW);
        assert_eq!(metrics.operation_label(Some("MyOkrs")), "MyOkrs", "kept");
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label("POST"), "POST");
        assert_eq!(method_label("BREW"), OVERFLOW);
    }
}
