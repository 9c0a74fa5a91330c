//! The `Group` type.

use crate::graphql::leaves::leaves;
use async_graphql::{ID, Object};
use entity::group;

use crate::catalog::{self, GROUP};
use crate::graphql::connection::with_lists;
use crate::graphql::connection::{Relation, connection};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{OkrConnection, UserConnection, id};

/// `GROUP`'s `members` relation.
const MEMBERS: Relation<entity::user::Model> = Relation::named(&GROUP, catalog::group::MEMBERS);
/// `GROUP`'s `okrs` relation.
const OKRS_OF_GROUP: Relation<entity::okr::Model> = Relation::named(&GROUP, catalog::group::OKRS);

connection!(GroupConnection, GroupEdge, Group, group::Model, "groups");

/// A team or organisational unit that can own OKRs.
pub struct Group(pub group::Model);

with_lists! {
    #[Object]
    impl Group {
        /// The group's id.
        async fn id(&self) -> ID {
            id(self.0.id)
        }

        /// A globally unique, opaque id of this object, for `node(nodeId:)`.
        pub async fn node_id(&self) -> ID {
            crate::graphql::types::node::node_id(&self.0)
        }

        /// Name.
        async fn name(&self) -> &str {
            &self.0.name
        }

        /// Unique URL handle, e.g. `platform-team`.
        async fn slug(&self) -> &str {
            &self.0.slug
        }

        /// Pinned groups are listed first.
        async fn pinned(&self) -> bool {
            self.0.pinned
        }

        /// When the group was created.
        async fn inserted_at(&self) -> DateTime {
            self.0.inserted_at.into()
        }

        /// When the group last changed.
        async fn updated_at(&self) -> DateTime {
            self.0.updated_at.into()
        }

        /// When the group was deleted (it still reads as the owner of its OKRs), or null.
        async fn deleted_at(&self) -> Option<DateTime> {
            self.0.deleted_at.map(DateTime::from)
        }

        /// Optimistic-concurrency version, bumped by every change.
        async fn version(&self) -> i32 {
            self.0.version
        }
    }

    lists {
        /// The group's members (by default the active ones, by family name).
        members: User = child(MEMBERS);
        /// The OKRs the group owns (by default latest cycle first).
        okrs: Okr = child(OKRS_OF_GROUP);
    }
}

leaves!(Group {
    "id" => id,
    "nodeId" => node_id,
    "name" => name,
    "slug" => slug,
    "pinned" => pinned,
    "insertedAt" => inserted_at,
    "updatedAt" => updated_at,
    "deletedAt" => deleted_at,
    "version" => version,
});
