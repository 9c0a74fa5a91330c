//! Liveness and readiness probes for load balancers.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use sea_orm::DatabaseConnection;

use crate::error::error_chain;
use crate::state::AppState;

/// `/healthz` (the process is up) and `/readyz` (the database answers).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok"
}

/// How long `/readyz` waits for the database before answering 503: a load balancer's probe
/// must get an answer even when the database hangs.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

async fn readyz(State(db): State<DatabaseConnection>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(READY_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(err)) => {
            tracing::warn!(error = %error_chain(&err), "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::warn!("database did not answer the readiness ping in time");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
