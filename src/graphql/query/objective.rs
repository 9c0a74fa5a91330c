//! Queries about objectives, key results and objective links.

use async_graphql::{Context, ID, Object};
use entity::{key_result, objective, objective_link};

use crate::graphql::connection::root_page;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::inputs::entities::{
    KeyResultOrderBy, KeyResultWhere, ObjectiveLinkOrderBy, ObjectiveLinkWhere, ObjectiveOrderBy,
    ObjectiveWhere, Where, sort_keys,
};
use crate::graphql::inputs::paging::{connection_complexity, page_args};
use crate::graphql::query::numeric_id;
use crate::graphql::types::{
    KeyResult, KeyResultConnection, Objective, ObjectiveConnection, ObjectiveLinkConnection,
};
use crate::query::filter::{Filter, Predicate, Scalar};
use crate::query::page::{PageArgs, ParentKey};

/// Objective, key-result and link queries.
#[derive(Default)]
pub(crate) struct ObjectiveQuery;

#[Object]
impl ObjectiveQuery {
    /// An objective by id, or null when there is none (or it is deleted).
    async fn objective(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Objective>> {
        signed_in_user(ctx).await?;
        let id = numeric_id(&id, "id")?;
        let row = loaders(ctx)?
            .one::<objective::Model>(ParentKey::Int(id))
            .await
            .map_err(shared)?;
        Ok(row.map(Objective))
    }

    /// Objectives: by default live ones by id, then cancelled ones.
    #[graphql(complexity = "connection_complexity(child_complexity, first, last)")]
    #[allow(clippy::too_many_arguments)]
    async fn objectives(
        &self,
        ctx: &Context<'_>,
        r#where: Option<ObjectiveWhere>,
        order_by: Option<Vec<ObjectiveOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        offset: Option<i32>,
    ) -> async_graphql::Result<ObjectiveConnection> {
        signed_in_user(ctx).await?;
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        Ok(
            root_page::<objective::Model>(ctx, filter, sort_keys(order_by.as_ref()), page)
                .await?
                .into(),
        )
    }

    /// A key result by id, or null when there is none (or it is deleted).
    async fn key_result(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<KeyResult>> {
        signed_in_user(ctx).await?;
        let id = numeric_id(&id, "id")?;
        let filter = Filter::field("id", Predicate::Eq(Scalar::Int(id)));
        let args = PageArgs {
            first: Some(1),
            ..PageArgs::default()
        };
        let (page, _) = root_page::<key_result::Model>(ctx, filter, None, args).await?;
        Ok(page.rows.into_iter().next().map(|(row, _)| KeyResult(row)))
    }

    /// Key results: by default by id.
    #[graphql(complexity = "connection_complexity(child_complexity, first, last)")]
    #[allow(clippy::too_many_arguments)]
    async fn key_results(
        &self,
        ctx: &Context<'_>,
        r#where: Option<KeyResultWhere>,
        order_by: Option<Vec<KeyResultOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        offset: Option<i32>,
    ) -> async_graphql::Result<KeyResultConnection> {
        signed_in_user(ctx).await?;
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        Ok(
            root_page::<key_result::Model>(ctx, filter, sort_keys(order_by.as_ref()), page)
                .await?
                .into(),
        )
    }

    /// Live links between live objectives: by default by id.
    #[graphql(complexity = "connection_complexity(child_complexity, first, last)")]
    #[allow(clippy::too_many_arguments)]
    async fn objective_links(
        &self,
        ctx: &Context<'_>,
        r#where: Option<ObjectiveLinkWhere>,
        order_by: Option<Vec<ObjectiveLinkOrderBy>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        offset: Option<i32>,
    ) -> async_graphql::Result<ObjectiveLinkConnection> {
        signed_in_user(ctx).await?;
        let filter = Where::list_filter(r#where.as_ref());
        let page = page_args(first, after, last, before, offset);
        Ok(
            root_page::<objective_link::Model>(ctx, filter, sort_keys(order_by.as_ref()), page)
                .await?
                .into(),
        )
    }
}
