//! Queries about cycles.

use async_graphql::{Context, ID, Object};
use entity::cycle;

use crate::graphql::connection::with_lists;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::query::numeric_id;
use crate::graphql::types::{Cycle, CycleConnection};
use crate::query::page::ParentKey;

/// Cycle queries.
#[derive(Default)]
pub(crate) struct CycleQuery;

with_lists! {
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
    }

    lists {
        /// Cycles: by default latest end first.
        cycles: Cycle = root(cycle::Model);
    }
}
