//! The `Group` type.

use async_graphql::{Context, ID, Object};
use entity::group;

use crate::catalog::{self, GROUP};
use crate::graphql::connection::{Relation, child_page, connection};
use crate::graphql::inputs::entities::{
    OkrOrderBy, OkrWhere, UserOrderBy, UserWhere, Where, sort_keys,
};
use crate::graphql::inputs::paging::{connection_complexity, page_args};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{OkrConnection, UserConnection, id};
use crate::query::page::ParentKey;

/// `GROUP`'s `members` relation.
const MEMBERS: Relation<entity::user::Model> = Relation::named(&GROUP, catalog::group::MEMBERS);
/// `GROUP`'s `okrs` relation.
const OKRS_OF_GROUP: Relation<entity::okr::Model> = Relation::named(&GROUP, catalog::group::OKRS);

connection!(GroupConnection, GroupEdge, Group, group::Model, "groups");

/// A team or organisational unit that can own OKRs.
pub struct Group(pub group::Model);

#[Object]
impl Group {
    /// The group's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Unique URL handle, e.g. `platform-team`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Pinned groups are listed first.
    async fn pinned(&self) -> bool {
        self.0.pinned
    }

    /// When the group was created.
    async fn inserted_at(&self) -> DateTime {
        self.0.inserted_at.into()
    }

    /// When the group last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }

    /// When the group was deleted (it still reads as the owner of its OKRs), or null.
    async fn deleted_at(&self) -> Option<DateTime> {
        self.0.deleted_at.map(DateTime::from)
    }

    /// Optimistic-concurrency version, bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The group's members (by default the active ones, by family name).
    #[graphql(complexity = "connection_complexity(child_complexity, first, last)")]
    #[allow(clippy::too_many_arguments)]
    async fn members(
        &self,
        ctx: &Context<'_>,
        r#where: Option<UserWhere>,
        order_by: Option<Vec<UserOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        offset: Option<i32>,
    ) -> async_graphql::Result<UserConnection> {
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        let parent = ParentKey::Int(self.0.id);
        Ok(child_page(
            ctx,
            MEMBERS,
            parent,
            filter,
            sort_keys(order_by.as_ref()),
            page,
        )
        .await?
        .into())
    }

    /// The OKRs the group owns (by default latest cycle first).
    #[graphql(complexity = "connection_complexity(child_complexity, first, last)")]
    #[allow(clippy::too_many_arguments)]
    async fn okrs(
        &self,
        ctx: &Context<'_>,
        r#where: Option<OkrWhere>,
        order_by: Option<Vec<OkrOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        offset: Option<i32>,
    ) -> async_graphql::Result<OkrConnection> {
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        let parent = ParentKey::Int(self.0.id);
        Ok(child_page(
            ctx,
            OKRS_OF_GROUP,
            parent,
            filter,
            sort_keys(order_by.as_ref()),
            page,
        )
        .await?
        .into())
    }
}
