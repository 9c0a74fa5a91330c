//! Root mutation fields, one object per entity, merged into [`Mutation`]. Each resolver
//! only translates: input type → domain input, domain operation, result → payload. Every
//! mutation needs a signed-in active user (`UNAUTHENTICATED` otherwise); everything else the
//! caller can cause comes back as `userErrors` data.

mod admin;
mod analytics;
mod key_result;
mod link;
mod objective;
mod okr;

use std::sync::Arc;

use async_graphql::{Context, Enum, MergedObject, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::domain::policy::Actor;
use crate::domain::store::Target;
use crate::error::Code;
use crate::error::DomainError;
use crate::graphql::context::{database, signed_in_user};
use crate::graphql::errors::{internal, translate};

/// The root mutation type.
#[derive(MergedObject, Default)]
pub struct Mutation(
    okr::OkrMutation,
    objective::ObjectiveMutation,
    key_result::KeyResultMutation,
    link::LinkMutation,
    admin::AdminMutation,
    analytics::AnalyticsMutation,
);

/// Why part of a mutation's input was refused.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserErrorCode {
    /// A required value is missing or blank.
    Required,
    /// The value has the wrong form (e.g. a null score, a self-link, an end before the start).
    Invalid,
    /// The text is longer than the field allows.
    TooLong,
    /// The number is outside its range (scores are 0 to 1).
    OutOfRange,
    /// The named row does not exist or is deleted.
    NotFound,
    /// A unique rule would be broken (one live OKR per owner and cycle, one assessment, …).
    AlreadyExists,
    /// The signed-in user may not make this change.
    Forbidden,
    /// The row changed since the caller read it (`expectedVersion`).
    Stale,
    /// The link would close a cycle of contributes-to links.
    Cycle,
}

impl From<Code> for UserErrorCode {
    fn from(code: Code) -> Self {
        match code {
            Code::Required => Self::Required,
            Code::Invalid => Self::Invalid,
            Code::TooLong => Self::TooLong,
            Code::OutOfRange => Self::OutOfRange,
            Code::NotFound => Self::NotFound,
            Code::AlreadyExists => Self::AlreadyExists,
            Code::Forbidden => Self::Forbidden,
            Code::Stale => Self::Stale,
            Code::Cycle => Self::Cycle,
        }
    }
}

/// A refused part of a mutation's input.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The input field, starting at the input's top level; list items by index, e.g.
    /// `["keyResults", "2", "midScore"]`. Empty when the whole input is concerned.
    pub path: Vec<String>,
    /// What kind of problem.
    pub code: UserErrorCode,
    /// A sentence for people.
    pub message: String,
}

impl From<crate::error::UserError> for UserError {
    fn from(error: crate::error::UserError) -> Self {
        Self {
            path: error.path,
            code: error.code.into(),
            message: error.message,
        }
    }
}

/// Splits a domain result into the entity and the user errors; other errors stay top-level.
pub(crate) fn settle<T>(
    result: Result<T, DomainError>,
) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(DomainError::User(errors)) => {
            Ok((None, errors.into_iter().map(UserError::from).collect()))
        }
        Err(other) => Err(translate(other)),
    }
}

/// `Name { field: Option<Type>, userErrors }` with `Name::from_result(domain result)`.
macro_rules! payload {
    ($(#[$meta:meta])* $name:ident { $field:ident: $ty:ident($model:ty) }) => {
        $(#[$meta])*
        #[derive(async_graphql::SimpleObject)]
        pub(crate) struct $name {
            /// The entity as the reads show it; null when there are user errors.
            $field: Option<$ty>,
            /// Everything that was refused; empty on success.
            user_errors: Vec<crate::graphql::mutation::UserError>,
        }

        impl $name {
            pub(crate) fn from_result(
                result: Result<$model, crate::error::DomainError>,
            ) -> async_graphql::Result<Self> {
                let (entity, user_errors) = crate::graphql::mutation::settle(result)?;
                Ok(Self {
                    $field: entity.map($ty),
                    user_errors,
                })
            }
        }
    };
}
pub(crate) use payload;

/// The database and the signed-in user as an [`Actor`].
pub(crate) async fn actor<'a>(
    ctx: &'a Context<'_>,
) -> async_graphql::Result<(&'a DatabaseConnection, Actor)> {
    let user = signed_in_user(ctx).await?;
    let config = ctx
        .data::<Arc<Config>>()
        .map_err(|_| internal("config missing from schema data"))?;
    Ok((database(ctx)?, Actor::new(user.clone(), &config.admin_role)))
}

/// A row id and the version the caller expects.
pub(crate) fn target(id: &async_graphql::ID, expected_version: Option<i32>) -> Target {
    Target {
        id: id.0.clone(),
        expected_version,
    }
}

/// `Name { id: ID!, expectedVersion: Int }`: the input of an operation that only names a row.
macro_rules! target_input {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(async_graphql::InputObject)]
        pub(crate) struct $name {
            /// The row's id.
            id: async_graphql::ID,
            /// The version the caller last saw; if the stored one differs, nothing changes
            /// and the answer is `STALE`.
            expected_version: Option<i32>,
        }

        impl $name {
            fn target(&self) -> crate::domain::store::Target {
                crate::graphql::mutation::target(&self.id, self.expected_version)
            }
        }
    };
}
pub(crate) use target_input;
