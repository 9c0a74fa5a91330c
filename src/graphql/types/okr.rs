//! The `Okr` type.

use crate::graphql::leaves::leaves;
use async_graphql::{Context, ID, Object};
use entity::okr;

use crate::catalog::{self, OKR};
use crate::graphql::connection::with_lists;
use crate::graphql::connection::{Relation, child_one, connection, required_row};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{Cycle, ObjectiveConnection, OkrReflection, Owner, id, owner};
use crate::query::page::ParentKey;

/// `OKR`'s `reflection` relation.
const REFLECTION: Relation<entity::okr_reflection::Model> =
    Relation::named(&OKR, catalog::okr::REFLECTION);
/// `OKR`'s `objectives` relation.
const OBJECTIVES_OF_OKR: Relation<entity::objective::Model> =
    Relation::named(&OKR, catalog::okr::OBJECTIVES);

connection!(OkrConnection, OkrEdge, Okr, okr::Model, "OKRs");

/// One owner's objectives and key results for one cycle.
pub struct Okr(pub okr::Model);

with_lists! {
    #[Object]
    impl Okr {
        /// The OKR's id.
        async fn id(&self) -> ID {
            id(self.0.id)
        }

        /// A globally unique, opaque id of this object, for `node(nodeId:)`.
        pub async fn node_id(&self) -> ID {
            crate::graphql::types::node::node_id(&self.0)
        }

        /// The cycle the OKR is for.
        async fn cycle(&self, ctx: &Context<'_>) -> async_graphql::Result<Cycle> {
            required_row(ctx, ParentKey::Int(self.0.cycle_id), "an OKR without its cycle")
                .await
                .map(Cycle)
        }

        /// The user or group that owns the OKR.
        async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Owner> {
            owner::of(ctx, self.0.id).await
        }

        /// The OKR's reflection, if one was written.
        async fn reflection(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<OkrReflection>> {
            let row = child_one(ctx, REFLECTION, ParentKey::Int(self.0.id)).await?;
            Ok(row.map(OkrReflection))
        }

        /// When the OKR was created.
        async fn inserted_at(&self) -> DateTime {
            self.0.inserted_at.into()
        }

        /// When the OKR last changed.
        async fn updated_at(&self) -> DateTime {
            self.0.updated_at.into()
        }

        /// Optimistic-concurrency version, bumped by every change.
        async fn version(&self) -> i32 {
            self.0.version
        }
    }

    lists {
        /// The OKR's objectives (by default live ones by id, then cancelled ones, latest cancelled first).
        objectives: Objective = child(OBJECTIVES_OF_OKR);
    }
}

leaves!(Okr {
    "id" => id,
    "nodeId" => node_id,
    "insertedAt" => inserted_at,
    "updatedAt" => updated_at,
    "version" => version,
});
