//! The owner of an OKR: a user or a group.

use async_graphql::{Context, Union};

use crate::graphql::context::loaders;
use crate::graphql::errors::{internal, shared};
use crate::graphql::loaders::OwnerRow;
use crate::graphql::types::{Group, User};

/// Who owns an OKR: exactly one user or one group.
#[derive(Union)]
#[allow(clippy::large_enum_variant)] // short-lived values, one per resolved owner
pub enum Owner {
    /// A user owns it.
    User(User),
    /// A group owns it.
    Group(Group),
}

/// The owner of the OKR with id `okr_id`, loaded in a batch with the other owners of the
/// request. A deleted group still owns its OKRs and reads as itself, with `deletedAt` set
/// (decisions.md 25).
pub async fn of(ctx: &Context<'_>, okr_id: i64) -> async_graphql::Result<Owner> {
    let owner = loaders(ctx)?.owner(okr_id).await.map_err(shared)?;
    match owner {
        Some(OwnerRow::User(user)) => Ok(Owner::User(User(user))),
        Some(OwnerRow::Group(group)) => Ok(Owner::Group(Group(group))),
        None => Err(internal("an OKR without a readable owner")),
    }
}
