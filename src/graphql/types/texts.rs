//! Free-text types: objective assessments and OKR reflections.

use async_graphql::{Context, ID, Object};
use entity::{objective_assessment, okr_reflection};

use crate::graphql::connection::required_row;
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{Objective, Okr, id};
use crate::query::page::ParentKey;

/// A self-assessment of an objective (at most one live per objective).
pub struct ObjectiveAssessment(pub objective_assessment::Model);

#[Object]
impl ObjectiveAssessment {
    /// The assessment's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// A globally unique, opaque id of this object, for `node(nodeId:)`.
    pub async fn node_id(&self) -> ID {
        crate::graphql::types::node::node_id(&self.0)
    }

    /// The text.
    async fn assessment(&self) -> &str {
        &self.0.assessment
    }

    /// The assessed objective.
    async fn objective(&self, ctx: &Context<'_>) -> async_graphql::Result<Objective> {
        required_row(
            ctx,
            ParentKey::Int(self.0.objective_id),
            "an assessment without its objective",
        )
        .await
        .map(Objective)
    }

    /// When it was written.
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
}

/// A reflection on a whole OKR (at most one live per OKR).
pub struct OkrReflection(pub okr_reflection::Model);

#[Object]
impl OkrReflection {
    /// The reflection's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// A globally unique, opaque id of this object, for `node(nodeId:)`.
    pub async fn node_id(&self) -> ID {
        crate::graphql::types::node::node_id(&self.0)
    }

    /// The text.
    async fn reflection(&self) -> &str {
        &self.0.reflection
    }

    /// The OKR reflected on.
    async fn okr(&self, ctx: &Context<'_>) -> async_graphql::Result<Okr> {
        required_row(
            ctx,
            ParentKey::Int(self.0.okr_id),
            "a reflection without its OKR",
        )
        .await
        .map(Okr)
    }

    /// When it was written.
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
}
