//! The owner of an OKR: a user or a group.

use async_graphql::{Context, Union};
use entity::okr;

use crate::graphql::context::loaders;
use crate::graphql::errors::{internal, shared};
use crate::graphql::types::{Group, User};
use crate::query::page::ParentKey;

/// Who owns an OKR: exactly one user or one group.
#[derive(Union)]
#[allow(clippy::large_enum_variant)] // short-lived values, one per resolved owner
pub enum Owner {
    /// A user owns it.
    User(User),
    /// A group owns it.
    Group(Group),
}

/// The owner of `okr`, loaded in a batch with the other owners of the request. A deleted
/// group still owns its OKRs and reads as itself, with `deletedAt` set (decisions.md 25).
pub async fn of(ctx: &Context<'_>, okr: &okr::Model) -> async_graphql::Result<Owner> {
    let loaders = loaders(ctx)?;
    let owner = match (&okr.user_id, okr.group_id) {
        (Some(user_id), _) => loaders
            .one(ParentKey::Text(user_id.clone()))
            .await
            .map_err(shared)?
            .map(|u| Owner::User(User(u))),
        (None, Some(group_id)) => loaders
            .owner_group(group_id)
            .await
            .map_err(shared)?
            .map(|g| Owner::Group(Group(g))),
        (None, None) => None,
    };
    owner.ok_or_else(|| internal("an OKR without a readable owner"))
}
