//! The GraphQL edge: schema, HTTP transport, GraphiQL, error translation, and the scheduling
//! of a request's execution and DataLoader batches ([`scheduler`], [`executor`]).

pub mod completion;
pub mod connection;
pub mod context;
pub mod documents;
pub mod errors;
pub mod executor;
pub mod graphiql;
pub mod http;
pub mod input_shape;
pub mod inputs;
pub mod leaves;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod persisted;
pub mod query;
pub mod scalars;
pub mod scheduler;
pub mod schema;
pub mod types;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

/// `/graphql` (GET and POST), `/graphql/schema.graphql`, and GraphiQL at `/` when enabled.
pub fn routes(state: &AppState) -> Router<AppState> {
    let router = Router::new()
        .route("/graphql", get(http::get).post(http::post))
        .route("/graphql/schema.graphql", get(http::sdl));
    if state.config.graphiql {
        router.merge(graphiql::routes(&state.config.graphiql_assets_dir))
    } else {
        router
    }
}
