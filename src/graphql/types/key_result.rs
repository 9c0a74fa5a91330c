//! The `KeyResult` and `KeyResultCheckIn` types.

use crate::graphql::leaves::leaves;
use async_graphql::{Context, ID, Object};
use entity::{key_result, key_result_check_in};
use rust_decimal::Decimal;

use crate::catalog::{self, KEY_RESULT};
use crate::graphql::connection::{Relation, connection, required_row, with_lists};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{Objective, User, id};
use crate::query::page::ParentKey;
use crate::values::scores::key_result_score;

/// `KEY_RESULT`'s `checkIns` relation.
const CHECK_INS_OF_KEY_RESULT: Relation<key_result_check_in::Model> =
    Relation::named(&KEY_RESULT, catalog::key_result::CHECK_INS);

connection!(
    KeyResultConnection,
    KeyResultEdge,
    KeyResult,
    key_result::Model,
    "key results"
);
connection!(
    KeyResultCheckInConnection,
    KeyResultCheckInEdge,
    KeyResultCheckIn,
    key_result_check_in::Model,
    "key-result check-ins"
);

/// A measurable result of an objective, self-scored from 0 to 1.
pub struct KeyResult(pub key_result::Model);

with_lists! {
#[Object]
impl KeyResult {
    /// The key result's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// A globally unique, opaque id of this object, for `node(nodeId:)`.
    pub async fn node_id(&self) -> ID {
        crate::graphql::types::node::node_id(&self.0)
    }

    /// The key result's text.
    async fn content(&self) -> &str {
        &self.0.content
    }

    /// Mid-cycle self-score, exactly as stored (0 to 1).
    async fn mid_score(&self) -> Decimal {
        key_result_score(self.0.mid_score_ppb)
    }

    /// End-of-cycle self-score, exactly as stored (0 to 1).
    async fn final_score(&self) -> Decimal {
        key_result_score(self.0.final_score_ppb)
    }

    /// Whether the key result is cancelled (left out of the objective's scores).
    async fn cancelled(&self) -> bool {
        self.0.cancelled_at.is_some()
    }

    /// When it was cancelled, if it is.
    async fn cancelled_at(&self) -> Option<DateTime> {
        self.0.cancelled_at.map(Into::into)
    }

    /// When it was created.
    async fn inserted_at(&self) -> DateTime {
        self.0.inserted_at.into()
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }

    /// Optimistic-concurrency version, bumped by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The objective it measures.
    async fn objective(&self, ctx: &Context<'_>) -> async_graphql::Result<Objective> {
        required_row(ctx, ParentKey::Int(self.0.objective_id), "a key result without its objective")
            .await
            .map(Objective)
    }
}

lists {
    /// The key result's check-ins: by default newest first.
    check_ins: KeyResultCheckIn = child(CHECK_INS_OF_KEY_RESULT);
}
}

/// A key result's scores at the moment someone checked in, with what they had to say. A
/// check-in also set the key result's scores to these.
pub struct KeyResultCheckIn(pub key_result_check_in::Model);

#[Object]
impl KeyResultCheckIn {
    /// The check-in's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// A globally unique, opaque id of this object, for `node(nodeId:)`.
    pub async fn node_id(&self) -> ID {
        crate::graphql::types::node::node_id(&self.0)
    }

    /// The mid-cycle score checked in (0 to 1).
    async fn mid_score(&self) -> Decimal {
        key_result_score(self.0.mid_score_ppb)
    }

    /// The final score checked in (0 to 1).
    async fn final_score(&self) -> Decimal {
        key_result_score(self.0.final_score_ppb)
    }

    /// What the author had to say, if anything.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// When the check-in was made.
    async fn inserted_at(&self) -> DateTime {
        self.0.inserted_at.into()
    }

    /// Optimistic-concurrency version (`deleteKeyResultCheckIn` takes it).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Who checked in.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        required_row(
            ctx,
            ParentKey::Text(self.0.author_id.clone()),
            "a check-in without its author",
        )
        .await
        .map(User)
    }

    /// The key result checked in.
    async fn key_result(&self, ctx: &Context<'_>) -> async_graphql::Result<KeyResult> {
        required_row(
            ctx,
            ParentKey::Int(self.0.key_result_id),
            "a check-in without its key result",
        )
        .await
        .map(KeyResult)
    }
}

leaves!(KeyResult {
    "id" => id,
    "nodeId" => node_id,
    "content" => content,
    "midScore" => mid_score,
    "finalScore" => final_score,
    "cancelled" => cancelled,
    "cancelledAt" => cancelled_at,
    "insertedAt" => inserted_at,
    "updatedAt" => updated_at,
    "version" => version,
});

leaves!(KeyResultCheckIn {
    "id" => id,
    "nodeId" => node_id,
    "midScore" => mid_score,
    "finalScore" => final_score,
    "note" => note,
    "insertedAt" => inserted_at,
    "version" => version,
});
