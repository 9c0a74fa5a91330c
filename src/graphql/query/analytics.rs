//! Usage reports.

use async_graphql::{Context, Object};

use crate::domain::analytics;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::IntoGraphql;
use crate::graphql::inputs::entities::OwnerInput;
use crate::graphql::types::analytics::{ActiveUserStats, OkrViewStats};

/// Analytics queries.
#[derive(Default)]
pub(crate) struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// Who uses the app.
    async fn active_user_stats(&self, ctx: &Context<'_>) -> async_graphql::Result<ActiveUserStats> {
        signed_in_user(ctx).await?;
        let loaders = loaders(ctx)?;
        Ok(analytics::active_user_stats(&loaders.db, loaders.now)
            .await
            .gql()?
            .into())
    }

    /// Views of one owner's OKR page in the last 30 days, counted per (owner type, owner id).
    async fn okr_view_stats(
        &self,
        ctx: &Context<'_>,
        owner: OwnerInput,
    ) -> async_graphql::Result<OkrViewStats> {
        signed_in_user(ctx).await?;
        let loaders = loaders(ctx)?;
        let (owner_type, owner_id) = match &owner {
            OwnerInput::UserId(id) => ("user", id.as_str()),
            OwnerInput::GroupId(id) => ("group", id.as_str()),
        };
        Ok(
            analytics::okr_view_stats(&loaders.db, owner_type, owner_id, loaders.now)
                .await
                .gql()?
                .into(),
        )
    }
}
