//! Linking and unlinking objectives.

use async_graphql::{Context, ID, InputObject, Object};
use entity::objective_link;

use crate::domain::links::{self, LinkPair};
use crate::graphql::mutation::{actor, payload};
use crate::graphql::types::ObjectiveLink;

/// The objectives to link: the source contributes to the other.
#[derive(InputObject)]
pub(crate) struct LinkObjectivesInput {
    /// The contributing objective (its OKR must be writable by the caller).
    source_objective_id: ID,
    /// The objective contributed to.
    linked_to_objective_id: ID,
}

/// The objectives to unlink.
#[derive(InputObject)]
pub(crate) struct UnlinkObjectivesInput {
    /// The contributing objective (its OKR must be writable by the caller).
    source_objective_id: ID,
    /// The objective contributed to.
    linked_to_objective_id: ID,
}

payload!(
    /// The result of `linkObjectives`.
    LinkObjectivesPayload { objective_link: ObjectiveLink(objective_link::Model) }
);
payload!(
    /// The result of `unlinkObjectives`: the link as it was removed.
    UnlinkObjectivesPayload { objective_link: ObjectiveLink(objective_link::Model) }
);

/// Link mutations.
#[derive(Default)]
pub(crate) struct LinkMutation;

#[Object]
impl LinkMutation {
    /// Records that one objective contributes to another. Linking a linked pair returns the
    /// existing link; a self-link is `INVALID`; a link closing a cycle is `CYCLE`.
    async fn link_objectives(
        &self,
        ctx: &Context<'_>,
        input: LinkObjectivesInput,
    ) -> async_graphql::Result<LinkObjectivesPayload> {
        let (db, actor) = actor(ctx).await?;
        let pair = LinkPair {
            source_objective_id: input.source_objective_id.0,
            linked_to_objective_id: input.linked_to_objective_id.0,
        };
        LinkObjectivesPayload::from_result(links::link(db, &actor, pair).await)
    }

    /// Removes the live link of a pair (`NOT_FOUND` when they are not linked).
    async fn unlink_objectives(
        &self,
        ctx: &Context<'_>,
        input: UnlinkObjectivesInput,
    ) -> async_graphql::Result<UnlinkObjectivesPayload> {
        let (db, actor) = actor(ctx).await?;
        let pair = LinkPair {
            source_objective_id: input.source_objective_id.0,
            linked_to_objective_id: input.linked_to_objective_id.0,
        };
        UnlinkObjectivesPayload::from_result(links::unlink(db, &actor, pair).await)
    }
}
