//! The state every handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use crate::auth::TokenKeys;
use crate::config::Config;
use crate::graphql::documents::DocumentCache;
use crate::graphql::persisted::PersistedQueries;
use crate::graphql::schema::AppSchema;
use crate::metrics::Metrics;
use crate::signed_in::SignedInUsers;

/// Shared, cheaply cloned application state.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The pool DataLoader batches read through ([`crate::db::connect_batches`]).
    #[from_ref(skip)]
    pub batch_db: DatabaseConnection,
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// The GraphQL schema with its data.
    pub schema: AppSchema,
    /// Token verification (and signing, when the server holds the secret).
    pub keys: Arc<TokenKeys>,
    /// Parsed, limit-checked GraphQL documents by text.
    pub documents: Arc<DocumentCache>,
    /// Documents registered by automatic persisted queries, by hash.
    pub persisted: Arc<PersistedQueries>,
    /// The server's metrics, when they are served (`METRICS_BIND_ADDR`).
    pub metrics: Option<Arc<Metrics>>,
    /// Users who signed in a moment ago.
    pub signed_in: Arc<SignedInUsers>,
    /// Development mode only: a token for the demo admin, pre-filled in GraphiQL.
    pub dev_token: Option<Arc<str>>,
}
