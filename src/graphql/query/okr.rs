//! Queries about OKRs.

use async_graphql::{Context, ID, Object};
use entity::okr;

use crate::graphql::connection::root_page;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::inputs::entities::{OkrOrderBy, OkrWhere, Where, sort_keys};
use crate::graphql::inputs::paging::{connection_complexity, page_args};
use crate::graphql::query::numeric_id;
use crate::graphql::types::{Okr, OkrConnection};
use crate::query::page::ParentKey;

/// OKR queries.
#[derive(Default)]
pub(crate) struct OkrQuery;

#[Object]
impl OkrQuery {
    /// An OKR by id, or null when there is none.
    async fn okr(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Okr>> {
        signed_in_user(ctx).await?;
        let id = numeric_id(&id, "id")?;
        let okr = loaders(ctx)?
            .one::<okr::Model>(ParentKey::Int(id))
            .await
            .map_err(shared)?;
        Ok(okr.map(Okr))
    }

    /// OKRs: by default latest cycle first. `where: {owner: {userId: …}}` gives an owner's page.
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
        signed_in_user(ctx).await?;
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        Ok(
            root_page::<okr::Model>(ctx, filter, sort_keys(order_by.as_ref()), page)
                .await?
                .into(),
        )
    }
}
