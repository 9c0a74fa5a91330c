//! `node(nodeId:)` and `nodes(nodeIds:)`: any object by its global id.

use async_graphql::{Context, ID, Object};
use futures::future::try_join_all;

use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::{code, shared, with_code};
use crate::graphql::loaders::Loaders;
use crate::graphql::types::node::{self, Node, NodeError};

/// Global object identification.
#[derive(Default)]
pub(crate) struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this `nodeId`, of whatever type, or null when there is none (or it
    /// is deleted). A `nodeId` this server did not hand out is `BAD_USER_INPUT`.
    async fn node(&self, ctx: &Context<'_>, node_id: ID) -> async_graphql::Result<Option<Node>> {
        signed_in_user(ctx).await?;
        load(loaders(ctx)?, &node_id, "nodeId").await
    }

    /// The objects with these `nodeId`s, in the same order, with null for each that is not
    /// there. Lookups of one type are batched into one statement.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        node_ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        signed_in_user(ctx).await?;
        let loaders = loaders(ctx)?;
        try_join_all(node_ids.iter().map(|id| load(loaders, id, "nodeIds"))).await
    }
}

async fn load(loaders: &Loaders, id: &ID, argument: &str) -> async_graphql::Result<Option<Node>> {
    node::load(loaders, id).await.map_err(|err| match err {
        NodeError::Malformed => with_code(
            format!("`{argument}` holds a value that is not a node id: pass a `nodeId` as the server gave it"),
            code::BAD_USER_INPUT,
        ),
        NodeError::Load(err) => shared(err),
    })
}
