//! Queries about groups.

use async_graphql::{Context, ID, Object};
use entity::group;

use crate::graphql::connection::root_page;
use crate::graphql::connection::with_lists;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::query::numeric_id;
use crate::graphql::types::{Group, GroupConnection};
use crate::query::filter::{Filter, Predicate, Scalar};
use crate::query::page::{PageArgs, ParentKey};

/// Group queries.
#[derive(Default)]
pub(crate) struct GroupQuery;

with_lists! {
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
    }

    lists {
        /// Groups: by default those with an active member, pinned first, then by name.
        groups: Group = root(group::Model);
    }
}
