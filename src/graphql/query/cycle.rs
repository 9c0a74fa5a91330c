//! Queries about cycles.

use async_graphql::{Context, ID, Object};
use entity::cycle;

use crate::graphql::connection::root_page;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::inputs::entities::{CycleOrderBy, CycleWhere, Where, sort_keys};
use crate::graphql::inputs::paging::{connection_complexity, page_args};
use crate::graphql::query::numeric_id;
use crate::graphql::types::{Cycle, CycleConnection};
use crate::query::page::ParentKey;

/// Cycle queries.
#[derive(Default)]
pub(crate) struct CycleQuery;

#[Object]
impl CycleQuery {
    /// A cycle by id, or null when there is none.
    async fn cycle(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Cycle>> {
        signed_in_user(ctx).await?;
        let id = numeric_id(&id, "id")?;
        let cycle = loaders(ctx)?
            .one::<cycle::Model>(ParentKey::Int(id))
            .await
            .map_err(shared)?;
        Ok(cycle.map(Cycle))
    }

    /// Cycles: by default latest end first.
    #[graphql(complexity = "connection_complexity(child_complexity, first, last)")]
    #[allow(clippy::too_many_arguments)]
    async fn cycles(
        &self,
        ctx: &Context<'_>,
        r#where: Option<CycleWhere>,
        order_by: Option<Vec<CycleOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        offset: Option<i32>,
    ) -> async_graphql::Result<CycleConnection> {
        signed_in_user(ctx).await?;
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        Ok(
            root_page::<cycle::Model>(ctx, filter, sort_keys(order_by.as_ref()), page)
                .await?
                .into(),
        )
    }
}
