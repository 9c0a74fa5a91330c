//! The `User` type.

use crate::graphql::leaves::leaves;
use async_graphql::{Context, ID, Object, SimpleObject};
use entity::user;

use crate::catalog::{self, USER};
use crate::config::Config;
use crate::domain::users;
use crate::graphql::connection::with_lists;
use crate::graphql::connection::{Relation, connection};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{GroupConnection, OkrConnection};

/// `USER`'s `groups` relation.
const GROUPS_OF_USER: Relation<entity::group::Model> =
    Relation::named(&USER, catalog::user::GROUPS);
/// `USER`'s `okrs` relation.
const OKRS_OF_USER: Relation<entity::okr::Model> = Relation::named(&USER, catalog::user::OKRS);

connection!(UserConnection, UserEdge, User, user::Model, "users");

/// A person who can sign in and own OKRs. Users are provisioned by the identity provider
/// through SCIM.
pub struct User(pub user::Model);

/// An e-mail address of a user, as the identity provider sent it.
#[derive(SimpleObject)]
pub struct Email {
    /// The address.
    pub value: String,
    /// The kind of address, e.g. `work`.
    #[graphql(name = "type")]
    pub kind: Option<String>,
    /// Whether this is the user's preferred address.
    pub primary: bool,
}

with_lists! {
    #[Object]
    impl User {
        /// The server-assigned id (a UUID).
        async fn id(&self) -> ID {
            ID(self.0.id.clone())
        }

        /// A globally unique, opaque id of this object, for `node(nodeId:)`.
        pub async fn node_id(&self) -> ID {
            crate::graphql::types::node::node_id(&self.0)
        }

        /// The login identity, usually an e-mail address; unique regardless of case.
        async fn user_name(&self) -> &str {
            &self.0.user_name
        }

        /// Given and family name joined by a space; empty when both are missing.
        async fn name(&self) -> String {
            users::display_name(&self.0)
        }

        /// Given (first) name.
        async fn given_name(&self) -> Option<&str> {
            self.0.given_name.as_deref()
        }

        /// Family (last) name.
        async fn family_name(&self) -> Option<&str> {
            self.0.family_name.as_deref()
        }

        /// Unique URL handle, e.g. `grace.hopper`.
        async fn slug(&self) -> &str {
            &self.0.slug
        }

        /// False once the identity provider has deactivated the user.
        async fn active(&self) -> bool {
            self.0.active
        }

        /// E-mail addresses.
        async fn emails(&self) -> Vec<Email> {
            users::emails(&self.0)
                .into_iter()
                .map(|email| Email {
                    value: email.value,
                    kind: email.kind,
                    primary: email.primary,
                })
                .collect()
        }

        /// Roles assigned by the identity provider.
        async fn roles(&self) -> Vec<String> {
            users::roles(&self.0)
        }

        /// Whether the user holds the configured administrator role.
        async fn is_admin(&self, ctx: &Context<'_>) -> bool {
            let admin_role = ctx
                .data::<std::sync::Arc<Config>>()
                .map(|c| c.admin_role.as_str());
            admin_role.is_ok_and(|role| users::is_admin(&self.0, role))
        }

        /// Department (SCIM enterprise extension).
        async fn department(&self) -> Option<&str> {
            self.0.department.as_deref()
        }

        /// When the user was created.
        async fn inserted_at(&self) -> DateTime {
            self.0.inserted_at.into()
        }

        /// When the user was last changed.
        async fn updated_at(&self) -> DateTime {
            self.0.updated_at.into()
        }

        /// Optimistic-concurrency version, bumped by every change.
        async fn version(&self) -> i32 {
            self.0.version
        }
    }

    lists {
        /// The groups the user belongs to (by default those with an active member; pinned first, then by name).
        groups: Group = child(GROUPS_OF_USER);
        /// The OKRs the user owns (by default latest cycle first).
        okrs: Okr = child(OKRS_OF_USER);
    }
}

leaves!(User {
    "id" => id,
    "nodeId" => node_id,
    "userName" => user_name,
    "name" => name,
    "givenName" => given_name,
    "familyName" => family_name,
    "slug" => slug,
    "active" => active,
    "roles" => roles,
    "department" => department,
    "insertedAt" => inserted_at,
    "updatedAt" => updated_at,
    "version" => version,
});
