//! Queries about OKRs.

use async_graphql::{Context, ID, Object};
use entity::okr;

use crate::graphql::connection::with_lists;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::query::numeric_id;
use crate::graphql::types::{Okr, OkrConnection};
use crate::query::page::ParentKey;

/// OKR queries.
#[derive(Default)]
pub(crate) struct OkrQuery;

with_lists! {
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
    }

    lists {
        /// OKRs: by default latest cycle first. `where: {owner: {userId: …}}` gives an owner's page.
        okrs: Okr = root(okr::Model);
    }
}
