//! Recording usage events (decisions.md 19): explicit mutations, so a read never writes.

use async_graphql::{Context, Object, SimpleObject};

use crate::domain::analytics;
use crate::graphql::inputs::entities::OwnerInput;
use crate::graphql::mutation::okr::owner_ref;
use crate::graphql::mutation::{UserError, actor, settle};

/// The result of recording a usage event.
#[derive(SimpleObject)]
pub(crate) struct RecordEventPayload {
    /// Whether the event was recorded.
    recorded: bool,
    /// Everything that was refused; empty on success.
    user_errors: Vec<UserError>,
}

impl RecordEventPayload {
    fn from_result(result: Result<(), crate::error::DomainError>) -> async_graphql::Result<Self> {
        let (recorded, user_errors) = settle(result)?;
        Ok(Self {
            recorded: recorded.is_some(),
            user_errors,
        })
    }
}

/// Analytics mutations.
#[derive(Default)]
pub(crate) struct AnalyticsMutation;

#[Object]
impl AnalyticsMutation {
    /// Records that the signed-in user loaded the app (`user_load`).
    async fn record_app_load(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<RecordEventPayload> {
        let (db, actor) = actor(ctx).await?;
        RecordEventPayload::from_result(analytics::record_app_load(db, &actor.user.id).await)
    }

    /// Records that the signed-in user viewed an owner's OKR page (`okr_view`); the owner
    /// must exist (`NOT_FOUND` otherwise).
    async fn record_okr_view(
        &self,
        ctx: &Context<'_>,
        owner: OwnerInput,
    ) -> async_graphql::Result<RecordEventPayload> {
        let (db, actor) = actor(ctx).await?;
        let owner = owner_ref(&owner);
        RecordEventPayload::from_result(
            analytics::record_okr_view(db, &actor.user.id, &owner).await,
        )
    }
}
