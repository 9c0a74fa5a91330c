//! SCIM 2.0 provisioning (RFC 7643/7644) at `/scim/v2`, for Okta, Entra ID and friends.
//!
//! This module knows SCIM and nothing about GraphQL. It talks to the domain only through
//! [`Directory`]; it never touches SeaORM. Every failure, including unknown routes, wrong
//! methods, bad bodies and missing credentials, is an RFC 7644 §3.12 error body.
//!
//! - [`auth`]: bearer/Basic credentials from configuration.
//! - [`errors`]: `ScimError`, `ScimJson`.
//! - [`filter`]: the filter grammar → AST; [`query`]: list parameters, AST → domain filter.
//! - [`schema`]: the served schemas as data; [`discovery`]: the discovery endpoints.
//! - [`mapping`]: resource JSON ⇄ domain; [`patch`]: PatchOp on resource JSON.
//! - [`resource`]: the shared endpoints; [`kinds`] binds users and groups to them.

pub mod auth;
pub mod discovery;
pub mod errors;
pub mod filter;
pub mod kinds;
pub mod mapping;
pub mod patch;
pub mod query;
pub mod resource;
pub mod schema;
pub mod search;

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::config::Config;
use crate::domain::directory::{Directory, Groups, SqlDirectory, Users};
use crate::signed_in::SignedInUsers;
use crate::state::AppState;
use errors::ScimError;
use resource::{create, delete, list, modify, post_search, replace};

/// What SCIM handlers share.
#[derive(Clone)]
pub struct ScimState {
    /// The domain port.
    pub directory: Arc<dyn Directory>,
    /// The server configuration (credentials, public URL).
    pub config: Arc<Config>,
}

/// The absolute URL of `/scim/v2`: `PUBLIC_URL` when configured, else from the `Host` header.
#[derive(Debug, Clone)]
pub struct BaseUrl(pub String);

impl FromRequestParts<ScimState> for BaseUrl {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &ScimState) -> Result<Self, ScimError> {
        if let Some(public) = &state.config.public_url {
            return Ok(Self(format!("{}/scim/v2", public.trim_end_matches('/'))));
        }
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .unwrap_or("localhost");
        Ok(Self(format!("http://{host}/scim/v2")))
    }
}

/// The SCIM router, to be nested at `/scim/v2`.
pub fn routes(state: &AppState) -> Router<AppState> {
    let scim = ScimState {
        directory: Arc::new(SqlDirectory::new(state.db.clone())),
        config: state.config.clone(),
    };
    Router::new()
        .route("/Users", get(list::<Users>).post(create::<Users>))
        .route("/Users/.search", post(post_search::<Users>))
        .route(
            "/Users/{id}",
            get(resource::get::<Users>)
                .put(replace::<Users>)
                .patch(modify::<Users>)
                .delete(delete::<Users>),
        )
        .route("/Groups", get(list::<Groups>).post(create::<Groups>))
        .route("/Groups/.search", post(post_search::<Groups>))
        .route(
            "/Groups/{id}",
            get(resource::get::<Groups>)
                .put(replace::<Groups>)
                .patch(modify::<Groups>)
                .delete(delete::<Groups>),
        )
        .route("/.search", post(search::root))
        .route(
            "/ServiceProviderConfig",
            get(discovery::service_provider_config),
        )
        .route("/ResourceTypes", get(discovery::list_resource_types))
        .route("/ResourceTypes/{name}", get(discovery::get_resource_type))
        .route("/Schemas", get(discovery::list_schemas))
        .route("/Schemas/{urn}", get(discovery::get_schema))
        .fallback(|| async { ScimError::not_found("No such SCIM endpoint") })
        .method_not_allowed_fallback(|| async {
            ScimError::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed here")
        })
        .layer(middleware::from_fn_with_state(
            state.signed_in.clone(),
            forget_changed_user,
        ))
        .layer(middleware::from_fn_with_state(scim.clone(), auth::require))
        .with_state(scim)
}

/// After a successful write to `/Users/{id}`, the user's row kept for signing in is
/// forgotten, so a deactivation (or a change of roles) applies to the user's next request.
async fn forget_changed_user(
    State(signed_in): State<Arc<SignedInUsers>>,
    request: Request,
    next: Next,
) -> Response {
    let writes = request.method() != Method::GET && request.method() != Method::HEAD;
    let user_id = request
        .uri()
        .path()
        .split_once("/Users/")
        .map(|(_, rest)| rest.split('/').next().unwrap_or_default().to_owned());
    let response = next.run(request).await;
    if writes
        && response.status().is_success()
        && let Some(user_id) = user_id
    {
        signed_in.forget(&user_id);
    }
    response
}
