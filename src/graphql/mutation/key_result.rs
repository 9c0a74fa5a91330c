//! Mutations of key results.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use entity::{key_result, key_result_check_in};
use rust_decimal::Decimal;

use crate::domain::key_results::{self, CheckIn, KeyResultFields, KeyResultPatch, NewKeyResult};
use crate::graphql::mutation::objective::given;
use crate::graphql::mutation::{actor, payload, target, target_input};
use crate::graphql::types::KeyResult;
use crate::graphql::types::key_result::KeyResultCheckIn;

/// What a new key result is made of.
#[derive(InputObject)]
pub(crate) struct CreateKeyResultInput {
    /// The objective it measures.
    objective_id: ID,
    /// The text (at most 1,000 characters).
    content: String,
    /// Mid-cycle score from 0 to 1; absent means 0, null is `INVALID`.
    mid_score: MaybeUndefined<Decimal>,
    /// Final score from 0 to 1; absent means 0, null is `INVALID`.
    final_score: MaybeUndefined<Decimal>,
}

/// A new text for a key result.
#[derive(InputObject)]
pub(crate) struct UpdateKeyResultInput {
    /// The key result.
    id: ID,
    /// The new text (at most 1,000 characters).
    content: String,
    /// The version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

/// New scores for a key result; only the given ones change.
#[derive(InputObject)]
pub(crate) struct ScoreKeyResultInput {
    /// The key result.
    id: ID,
    /// Mid-cycle score from 0 to 1 (null is `INVALID`).
    mid_score: MaybeUndefined<Decimal>,
    /// Final score from 0 to 1 (null is `INVALID`).
    final_score: MaybeUndefined<Decimal>,
    /// The version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

/// A check-in: a key result's scores now, and a note.
#[derive(InputObject)]
pub(crate) struct CheckInKeyResultInput {
    /// The key result.
    id: ID,
    /// Mid-cycle score from 0 to 1; absent keeps the current one (null is `INVALID`).
    mid_score: MaybeUndefined<Decimal>,
    /// Final score from 0 to 1; absent keeps the current one (null is `INVALID`).
    final_score: MaybeUndefined<Decimal>,
    /// What changed or is in the way (at most 10,000 characters; empty is none).
    note: Option<String>,
    /// The key result's version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

target_input!(
    /// The check-in to delete (its author or an admin may).
    DeleteKeyResultCheckInInput
);

target_input!(
    /// The key result to cancel.
    CancelKeyResultInput
);
target_input!(
    /// The key result to uncancel.
    UncancelKeyResultInput
);
target_input!(
    /// The key result to delete (for good).
    DeleteKeyResultInput
);

payload!(
    /// The result of `createKeyResult`.
    CreateKeyResultPayload { key_result: KeyResult(key_result::Model) }
);
payload!(
    /// The result of `updateKeyResult`.
    UpdateKeyResultPayload { key_result: KeyResult(key_result::Model) }
);
payload!(
    /// The result of `scoreKeyResult`.
    ScoreKeyResultPayload { key_result: KeyResult(key_result::Model) }
);
payload!(
    /// The result of `checkInKeyResult`: the check-in (its `keyResult` has the new scores).
    CheckInKeyResultPayload { check_in: KeyResultCheckIn(key_result_check_in::Model) }
);
payload!(
    /// The result of `deleteKeyResultCheckIn`: the check-in as it was deleted.
    DeleteKeyResultCheckInPayload { check_in: KeyResultCheckIn(key_result_check_in::Model) }
);
payload!(
    /// The result of `cancelKeyResult`.
    CancelKeyResultPayload { key_result: KeyResult(key_result::Model) }
);
payload!(
    /// The result of `uncancelKeyResult`.
    UncancelKeyResultPayload { key_result: KeyResult(key_result::Model) }
);
payload!(
    /// The result of `deleteKeyResult`: the key result as it was deleted.
    DeleteKeyResultPayload { key_result: KeyResult(key_result::Model) }
);

/// Key-result mutations.
#[derive(Default)]
pub(crate) struct KeyResultMutation;

#[Object]
impl KeyResultMutation {
    /// Adds a key result to an objective.
    async fn create_key_result(
        &self,
        ctx: &Context<'_>,
        input: CreateKeyResultInput,
    ) -> async_graphql::Result<CreateKeyResultPayload> {
        let (db, actor) = actor(ctx).await?;
        let new = NewKeyResult {
            objective_id: input.objective_id.0,
            fields: KeyResultFields {
                content: input.content,
                mid_score: given(input.mid_score),
                final_score: given(input.final_score),
            },
        };
        CreateKeyResultPayload::from_result(key_results::create(db, &actor, new).await)
    }

    /// Changes a key result's text.
    async fn update_key_result(
        &self,
        ctx: &Context<'_>,
        input: UpdateKeyResultInput,
    ) -> async_graphql::Result<UpdateKeyResultPayload> {
        let (db, actor) = actor(ctx).await?;
        let patch = KeyResultPatch {
            target: target(&input.id, input.expected_version),
            content: Some(input.content),
            ..KeyResultPatch::default()
        };
        UpdateKeyResultPayload::from_result(key_results::update(db, &actor, patch).await)
    }

    /// Scores a key result (mid-cycle, final, or both).
    async fn score_key_result(
        &self,
        ctx: &Context<'_>,
        input: ScoreKeyResultInput,
    ) -> async_graphql::Result<ScoreKeyResultPayload> {
        let (db, actor) = actor(ctx).await?;
        let patch = KeyResultPatch {
            target: target(&input.id, input.expected_version),
            content: None,
            mid_score: given(input.mid_score),
            final_score: given(input.final_score),
        };
        ScoreKeyResultPayload::from_result(key_results::update(db, &actor, patch).await)
    }

    /// Checks in a key result: records its scores now with a note, as history, and gives the
    /// key result those scores (one transaction; the same rights as scoring it).
    async fn check_in_key_result(
        &self,
        ctx: &Context<'_>,
        input: CheckInKeyResultInput,
    ) -> async_graphql::Result<CheckInKeyResultPayload> {
        let (db, actor) = actor(ctx).await?;
        let check_in = CheckIn {
            target: target(&input.id, input.expected_version),
            mid_score: given(input.mid_score),
            final_score: given(input.final_score),
            note: input.note,
        };
        CheckInKeyResultPayload::from_result(key_results::check_in(db, &actor, check_in).await)
    }

    /// Deletes a check-in (its author or an admin may); the key result's scores stay.
    async fn delete_key_result_check_in(
        &self,
        ctx: &Context<'_>,
        input: DeleteKeyResultCheckInInput,
    ) -> async_graphql::Result<DeleteKeyResultCheckInPayload> {
        let (db, actor) = actor(ctx).await?;
        let result = key_results::delete_check_in(db, &actor, input.target()).await;
        DeleteKeyResultCheckInPayload::from_result(result)
    }

    /// Cancels a key result: it stays visible and is left out of scores.
    async fn cancel_key_result(
        &self,
        ctx: &Context<'_>,
        input: CancelKeyResultInput,
    ) -> async_graphql::Result<CancelKeyResultPayload> {
        let (db, actor) = actor(ctx).await?;
        let result = key_results::set_cancelled(db, &actor, input.target(), true).await;
        CancelKeyResultPayload::from_result(result)
    }

    /// Takes back the cancellation of a key result.
    async fn uncancel_key_result(
        &self,
        ctx: &Context<'_>,
        input: UncancelKeyResultInput,
    ) -> async_graphql::Result<UncancelKeyResultPayload> {
        let (db, actor) = actor(ctx).await?;
        let result = key_results::set_cancelled(db, &actor, input.target(), false).await;
        UncancelKeyResultPayload::from_result(result)
    }

    /// Deletes a key result for good.
    async fn delete_key_result(
        &self,
        ctx: &Context<'_>,
        input: DeleteKeyResultInput,
    ) -> async_graphql::Result<DeleteKeyResultPayload> {
        let (db, actor) = actor(ctx).await?;
        DeleteKeyResultPayload::from_result(key_results::delete(db, &actor, input.target()).await)
    }
}
