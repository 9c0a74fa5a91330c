//! The `Objective` and `ObjectiveLink` types.

use crate::graphql::leaves::leaves;
use async_graphql::{Context, ID, Object};
use entity::{objective, objective_link};
use rust_decimal::Decimal;

use crate::catalog::{self, OBJECTIVE};
use crate::graphql::connection::with_lists;
use crate::graphql::connection::{Relation, child_one, connection, required_row};
use crate::graphql::context::loaders;
use crate::graphql::errors::shared;
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{KeyResultConnection, ObjectiveAssessment, Okr, Owner, id, owner};
use crate::query::page::ParentKey;
use crate::values::scores::objective_score;

/// `OBJECTIVE`'s `assessment` relation.
const ASSESSMENT: Relation<entity::objective_assessment::Model> =
    Relation::named(&OBJECTIVE, catalog::objective::ASSESSMENT);
/// `OBJECTIVE`'s `keyResults` relation.
const KEY_RESULTS_OF_OBJECTIVE: Relation<entity::key_result::Model> =
    Relation::named(&OBJECTIVE, catalog::objective::KEY_RESULTS);
/// `OBJECTIVE`'s `contributesTo` relation.
const CONTRIBUTES_TO: Relation<objective::Model> =
    Relation::named(&OBJECTIVE, catalog::objective::CONTRIBUTES_TO);
/// `OBJECTIVE`'s `contributedBy` relation.
const CONTRIBUTED_BY: Relation<objective::Model> =
    Relation::named(&OBJECTIVE, catalog::objective::CONTRIBUTED_BY);

connection!(
    ObjectiveConnection,
    ObjectiveEdge,
    Objective,
    objective::Model,
    "objectives"
);
connection!(
    ObjectiveLinkConnection,
    ObjectiveLinkEdge,
    ObjectiveLink,
    objective_link::Model,
    "objective links"
);

/// Something an OKR sets out to achieve, measured by its key results.
pub struct Objective(pub objective::Model);

with_lists! {
    #[Object]
    impl Objective {
        /// The objective's id.
        async fn id(&self) -> ID {
            id(self.0.id)
        }

        /// A globally unique, opaque id of this object, for `node(nodeId:)`.
        pub async fn node_id(&self) -> ID {
            crate::graphql::types::node::node_id(&self.0)
        }

        /// The objective's text.
        async fn content(&self) -> &str {
            &self.0.content
        }

        /// Whether the objective is cancelled (cancelled objectives stay visible).
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

        /// Mean mid-cycle score of the live, uncancelled key results, rounded half-up to two
        /// decimals (`0.00` when there are none).
        async fn mid_score(&self, ctx: &Context<'_>) -> async_graphql::Result<Decimal> {
            let (mid, _) = loaders(ctx)?.scores(self.0.id).await.map_err(shared)?;
            Ok(objective_score(mid))
        }

        /// Mean final score of the live, uncancelled key results, rounded half-up to two decimals.
        async fn final_score(&self, ctx: &Context<'_>) -> async_graphql::Result<Decimal> {
            let (_, fin) = loaders(ctx)?.scores(self.0.id).await.map_err(shared)?;
            Ok(objective_score(fin))
        }

        /// The OKR the objective belongs to.
        async fn okr(&self, ctx: &Context<'_>) -> async_graphql::Result<Okr> {
            required_row(ctx, ParentKey::Int(self.0.okr_id), "an objective without its OKR")
                .await
                .map(Okr)
        }

        /// The objective's owner: its OKR's user or group.
        async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Owner> {
            owner::of(ctx, self.0.okr_id).await
        }

        /// The objective's assessment, if one was written.
        async fn assessment(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Option<ObjectiveAssessment>> {
            let row = child_one(ctx, ASSESSMENT, ParentKey::Int(self.0.id)).await?;
            Ok(row.map(ObjectiveAssessment))
        }
    }

    lists {
        /// The key results (by default by id; cancelled ones included).
        key_results: KeyResult = child(KEY_RESULTS_OF_OBJECTIVE);
        /// The objectives this one contributes to (live links to live objectives only).
        contributes_to: Objective = child(CONTRIBUTES_TO);
        /// The objectives that contribute to this one (live links from live objectives only).
        contributed_by: Objective = child(CONTRIBUTED_BY);
    }
}

/// A "contributes to" link: the source objective contributes to the linked-to objective.
pub struct ObjectiveLink(pub objective_link::Model);

#[Object]
impl ObjectiveLink {
    /// The link's id.
    async fn id(&self) -> ID {
        id(self.0.id)
    }

    /// A globally unique, opaque id of this object, for `node(nodeId:)`.
    pub async fn node_id(&self) -> ID {
        crate::graphql::types::node::node_id(&self.0)
    }

    /// The contributing objective.
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Objective> {
        required_row(
            ctx,
            ParentKey::Int(self.0.source_objective_id),
            "a link without its source",
        )
        .await
        .map(Objective)
    }

    /// The objective contributed to.
    async fn linked_to(&self, ctx: &Context<'_>) -> async_graphql::Result<Objective> {
        required_row(
            ctx,
            ParentKey::Int(self.0.linked_to_objective_id),
            "a link without its target",
        )
        .await
        .map(Objective)
    }

    /// When the link was made.
    async fn inserted_at(&self) -> DateTime {
        self.0.inserted_at.into()
    }
}

leaves!(Objective {
    "id" => id,
    "nodeId" => node_id,
    "content" => content,
    "cancelled" => cancelled,
    "cancelledAt" => cancelled_at,
    "insertedAt" => inserted_at,
    "updatedAt" => updated_at,
    "version" => version,
});

leaves!(ObjectiveLink {
    "id" => id,
    "nodeId" => node_id,
    "insertedAt" => inserted_at,
});
