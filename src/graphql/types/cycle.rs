//! The `Cycle` type.

use crate::graphql::leaves::leaves;
use async_graphql::{Context, ID, Object};
use entity::cycle;

use crate::catalog::{self, CYCLE};
use crate::graphql::connection::with_lists;
use crate::graphql::connection::{Relation, connection};
use crate::graphql::context::loaders;
use crate::graphql::errors::shared;
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{OkrConnection, User, id};
use crate::query::page::ParentKey;

/// `CYCLE`'s `okrs` relation.
const OKRS: Relation<entity::okr::Model> = Relation::named(&CYCLE, catalog::cycle::OKRS);

connection!(CycleConnection, CycleEdge, Cycle, cycle::Model, "cycles");

/// A period, such as a quarter, that OKRs are set for.
pub struct Cycle(pub cycle::Model);

with_lists! {
    #[Object]
    impl Cycle {
        /// The cycle's id.
        async fn id(&self) -> ID {
            id(self.0.id)
        }

        /// A globally unique, opaque id of this object, for `node(nodeId:)`.
        pub async fn node_id(&self) -> ID {
            crate::graphql::types::node::node_id(&self.0)
        }

        /// Title, e.g. `Q3 2026`.
        async fn title(&self) -> &str {
            &self.0.title
        }

        /// When the cycle starts.
        async fn starts_at(&self) -> DateTime {
            self.0.starts_at.into()
        }

        /// When the cycle ends (always after it starts).
        async fn ends_at(&self) -> DateTime {
            self.0.ends_at.into()
        }

        /// Whether the cycle is running now: `startsAt <= now <= endsAt`.
        async fn active(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
            let now = loaders(ctx)?.now;
            Ok(self.0.is_running(now))
        }

        /// Who created the cycle.
        async fn created_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
            let user = loaders(ctx)?
                .one(ParentKey::Text(self.0.created_by_id.clone()))
                .await
                .map_err(shared)?;
            Ok(user.map(User))
        }

        /// When the cycle was created.
        async fn inserted_at(&self) -> DateTime {
            self.0.inserted_at.into()
        }

        /// When the cycle last changed.
        async fn updated_at(&self) -> DateTime {
            self.0.updated_at.into()
        }

        /// Optimistic-concurrency version, bumped by every change.
        async fn version(&self) -> i32 {
            self.0.version
        }
    }

    lists {
        /// The OKRs set for this cycle.
        okrs: Okr = child(OKRS);
    }
}

leaves!(Cycle {
    "id" => id,
    "nodeId" => node_id,
    "title" => title,
    "startsAt" => starts_at,
    "endsAt" => ends_at,
    "insertedAt" => inserted_at,
    "updatedAt" => updated_at,
    "version" => version,
});
