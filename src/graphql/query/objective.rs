//! Queries about objectives, key results, their check-ins and objective links.

use async_graphql::{Context, ID, Object};
use entity::{key_result, key_result_check_in, objective, objective_link};

use crate::graphql::connection::root_page;
use crate::graphql::connection::with_lists;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::query::numeric_id;
use crate::graphql::types::key_result::KeyResultCheckInConnection;
use crate::graphql::types::{
    KeyResult, KeyResultConnection, Objective, ObjectiveConnection, ObjectiveLinkConnection,
};
use crate::query::filter::{Filter, Predicate, Scalar};
use crate::query::page::{PageArgs, ParentKey};

/// Objective, key-result and link queries.
#[derive(Default)]
pub(crate) struct ObjectiveQuery;

with_lists! {
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
    }

    lists {
        /// Objectives: by default live ones by id, then cancelled ones.
        objectives: Objective = root(objective::Model);
        /// Key results: by default by id.
        key_results: KeyResult = root(key_result::Model);
        /// Live links between live objectives: by default by id.
        objective_links: ObjectiveLink = root(objective_link::Model);
        /// Check-ins of live key results: by default newest first.
        check_ins: KeyResultCheckIn = root(key_result_check_in::Model);
    }
}
