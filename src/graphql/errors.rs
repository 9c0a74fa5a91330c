//! Translating [`DomainError`] into GraphQL errors with `extensions.code`.
//!
//! Internal causes are logged (inside the request's span, which carries the request id) and
//! replaced by a generic message: no SQL or driver text ever reaches a client.

use async_graphql::ErrorExtensions;

use crate::error::{DomainError, error_chain};
use crate::query::QueryError;

/// The `extensions.code` values of top-level errors.
pub mod code {
    /// No valid token, or the user may not sign in.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// An argument is malformed.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    /// The query exceeds a configured limit.
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    /// The database could not be reached in time; the request may be retried.
    pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
    /// The server failed; details are in the log.
    pub const INTERNAL: &str = "INTERNAL";
    /// The schema may not be queried here (`INTROSPECTION=off`).
    pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
    /// A persisted query's hash is not registered: send it again with the document.
    pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
    /// Persisted queries are off (`PERSISTED_QUERY_CACHE_SIZE=0`): send the document.
    pub const PERSISTED_QUERY_NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";
}

/// Converts a domain result into a GraphQL result with a proper error code.
pub trait IntoGraphql<T> {
    /// The translated result.
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> IntoGraphql<T> for Result<T, DomainError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(translate)
    }
}

/// The GraphQL error for a domain error shared by a DataLoader batch.
#[allow(clippy::needless_pass_by_value)] // a `map_err` adapter: it receives the error by value
pub fn shared(err: std::sync::Arc<DomainError>) -> async_graphql::Error {
    translate_ref(&err)
}

/// The GraphQL error for a domain error.
#[allow(clippy::needless_pass_by_value)] // a `map_err` adapter: it receives the error by value
pub fn translate(err: DomainError) -> async_graphql::Error {
    translate_ref(&err)
}

fn translate_ref(err: &DomainError) -> async_graphql::Error {
    match err {
        DomainError::Unauthenticated => with_code(
            "Sign in with a valid bearer token of an active user",
            code::UNAUTHENTICATED,
        ),
        DomainError::NotFound { entity, id } => {
            with_code(format!("{entity} {id} not found"), code::BAD_USER_INPUT)
        }
        DomainError::Invalid { field, reason } => {
            with_code(format!("{field}: {reason}"), code::BAD_USER_INPUT)
        }
        DomainError::Query(QueryError::BadInput { path, message }) => {
            with_code(message.clone(), code::BAD_USER_INPUT)
                .extend_with(|_, extensions| extensions.set("argument", path.as_str()))
        }
        DomainError::Query(over @ QueryError::OverBudget { .. }) => {
            with_code(over.to_string(), code::QUERY_TOO_COMPLEX)
        }
        DomainError::Unavailable(cause) => {
            tracing::warn!(error = %error_chain(cause), "database unavailable");
            with_code(
                "The database is unavailable; try again shortly",
                code::SERVICE_UNAVAILABLE,
            )
        }
        other => {
            tracing::error!(error = %error_chain(other), "internal error");
            with_code("Internal server error", code::INTERNAL)
        }
    }
}

/// A generic internal error for a broken invariant of the server itself.
pub fn internal(what: &str) -> async_graphql::Error {
    tracing::error!(what, "internal error");
    with_code("Internal server error", code::INTERNAL)
}

/// An error with the given message and `extensions.code`.
pub fn with_code(message: impl Into<String>, code: &'static str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| extensions.set("code", code))
}
