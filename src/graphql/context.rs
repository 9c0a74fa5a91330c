//! Per-request data: who is asking.

use std::sync::Arc;

use async_graphql::Context;
use entity::user;
use sea_orm::DatabaseConnection;
use tokio::sync::OnceCell;

use crate::auth::TokenVerifier;
use crate::domain::users;
use crate::error::DomainError;
use crate::graphql::errors::{IntoGraphql, internal};
use crate::signed_in::SignedInUsers;

/// The caller of one request. The token is verified up front (no database); the user row is
/// loaded once, on first use, so introspection and `__typename` need no token at all, and
/// comes from the replica's [`SignedInUsers`] when it was read a moment ago.
#[derive(Debug)]
pub struct Viewer {
    credentials: Credentials,
    user: OnceCell<Arc<user::Model>>,
}

#[derive(Debug)]
enum Credentials {
    Anonymous,
    Invalid,
    Token {
        user_id: String,
        recent: Arc<SignedInUsers>,
    },
}

impl Viewer {
    /// A viewer from the request's bearer token, if any; its user is looked for among the
    /// `recent` ones first.
    pub fn from_bearer(
        token: Option<&str>,
        verifier: &TokenVerifier,
        recent: &Arc<SignedInUsers>,
    ) -> Self {
        let credentials = match token {
            None => Credentials::Anonymous,
            Some(token) => match verifier.verify(token) {
                Ok(claims) => Credentials::Token {
                    user_id: claims.sub,
                    recent: recent.clone(),
                },
                Err(err) => {
                    tracing::debug!(error = %err, "bearer token refused");
                    Credentials::Invalid
                }
            },
        };
        Self {
            credentials,
            user: OnceCell::new(),
        }
    }

    /// A viewer whose header was not a bearer token at all.
    pub fn invalid() -> Self {
        Self {
            credentials: Credentials::Invalid,
            user: OnceCell::new(),
        }
    }

    /// The signed-in, active user, or [`DomainError::Unauthenticated`].
    pub async fn user(&self, db: &DatabaseConnection) -> Result<&user::Model, DomainError> {
        let Credentials::Token { user_id, recent } = &self.credentials else {
            return Err(DomainError::Unauthenticated);
        };
        let user = self
            .user
            .get_or_try_init(|| async {
                if let Some(user) = recent.get(user_id) {
                    return Ok::<_, DomainError>(user);
                }
                let user = Arc::new(users::find_signed_in(db, user_id).await?);
                recent.keep(&user);
                Ok(user)
            })
            .await?;
        Ok(user)
    }
}

/// The signed-in user of the request, or an `UNAUTHENTICATED` error.
pub async fn signed_in_user<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a user::Model> {
    let viewer = ctx
        .data::<Viewer>()
        .map_err(|_| internal("viewer missing from request data"))?;
    let db = database(ctx)?;
    viewer.user(db).await.gql()
}

/// The database pool from the schema data.
pub fn database<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| internal("database missing from schema data"))
}

/// The request's DataLoaders, clock and statement counter.
pub fn loaders<'a>(
    ctx: &'a Context<'_>,
) -> async_graphql::Result<&'a crate::graphql::loaders::Loaders> {
    ctx.data::<crate::graphql::loaders::Loaders>()
        .map_err(|_| internal("loaders missing from request data"))
}
