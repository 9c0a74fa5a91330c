//! Queries about groups.

use async_graphql::{Context, ID, Object};
use entity::group;

use crate::graphql::connection::root_page;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::inputs::entities::{GroupOrderBy, GroupWhere, Where, sort_keys};
use crate::graphql::inputs::paging::{connection_complexity, page_args};
use crate::graphql::query::numeric_id;
use crate::graphql::types::{Group, GroupConnection};
use crate::query::filter::{Filter, Predicate, Scalar};
use crate::query::page::{PageArgs, ParentKey};

/// Group queries.
#[derive(Default)]
pub(crate) struct GroupQuery;

#[Object]
impl GroupQuery {
    /// A group by id, or null when there is none.
    async fn group(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Group>> {
        signed_in_user(ctx).await?;
        let id = numeric_id(&id, "id")?;
        let group = loaders(ctx)?
            .one::<group::Model>(ParentKey::Int(id))
            .await
            .map_err(shared)?;
        Ok(group.map(Group))
    }

    /// A group by slug (exact), or null when there is none.
    async fn group_by_slug(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Group>> {
        signed_in_user(ctx).await?;
        let filter = Filter::field("slug", Predicate::Eq(Scalar::Text(slug)));
        let args = PageArgs {
            first: Some(1),
            ..PageArgs::default()
        };
        let (page, _) = root_page::<group::Model>(ctx, filter, None, args).await?;
        Ok(page.rows.into_iter().next().map(|(row, _)| Group(row)))
    }

    /// Groups: by default those with an active member, pinned first, then by name.
    #[graphql(complexity = "connection_complexity(child_complexity, first, last)")]
    #[allow(clippy::too_many_arguments)]
    async fn groups(
        &self,
        ctx: &Context<'_>,
        r#where: Option<GroupWhere>,
        order_by: Option<Vec<GroupOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        offset: Option<i32>,
    ) -> async_graphql::Result<GroupConnection> {
        signed_in_user(ctx).await?;
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        Ok(
            root_page::<group::Model>(ctx, filter, sort_keys(order_by.as_ref()), page)
                .await?
                .into(),
        )
    }
}
