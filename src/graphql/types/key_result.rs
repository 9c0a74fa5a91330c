//! The `KeyResult` type.

use async_graphql::{Context, ID, Object};
use entity::key_result;
use rust_decimal::Decimal;

use crate::domain::scores::key_result_score;
use crate::graphql::connection::connection;
use crate::graphql::context::loaders;
use crate::graphql::errors::{internal, shared};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{Objective, id};
use crate::query::page::ParentKey;

connection!(
    KeyResultConnection,
    KeyResultEdge,
    KeyResult,
    key_result::Model,
    "key results"
);

/// A measurable result of an objective, self-scored from 0 to 1.
pub struct KeyResult(pub key_result::Model);

#[Object]
impl KeyResult {
    /// The key result's id.
    async fn id(&self) -> ID {
        id(self.0.id)
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
        let row = loaders(ctx)?
            .one(ParentKey::Int(self.0.objective_id))
            .await
            .map_err(shared)?;
        row.map(Objective)
            .ok_or_else(|| internal("a key result without its objective"))
    }
}
