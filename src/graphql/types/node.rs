//! Global object identification: the `Node` interface and its `nodeId`s.
//!
//! A `nodeId` names one row of any type: the base64 of the JSON array `[type, id]`, e.g.
//! `["Objective",42]` or `["User","0190…"]` — PostGraphile's convention, so `id` keeps its
//! meaning and Relay's compiler is pointed at `nodeId` (README, "Global object
//! identification"). Clients treat it as opaque.

use async_graphql::{ID, Interface};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::catalog::Kind;
use crate::graphql::loaders::{LoadError, Loaders, Row};
use crate::graphql::types::key_result::KeyResultCheckIn;
use crate::graphql::types::{
    Cycle, Group, KeyResult, Objective, ObjectiveAssessment, ObjectiveLink, Okr, OkrReflection,
    User,
};
use crate::query::page::ParentKey;
use crate::values::ids;

/// The longest `nodeId` read: a user's is 60 characters; anything far longer is refused
/// before it is decoded.
const LONGEST_NODE_ID: usize = 256;

/// The `nodeId` of the row `row`.
pub fn node_id<M: Row>(row: &M) -> ID {
    let key = match row.key() {
        ParentKey::Int(id) => Value::from(id),
        ParentKey::Text(id) => Value::from(id),
    };
    let pair = Value::Array(vec![Value::from(M::DEF.name), key]);
    ID(STANDARD.encode(pair.to_string()))
}

/// A `nodeId` that names no row of any type this server has: not base64 of a `[type, id]`
/// array, an unknown type, or an id not written canonically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedNodeId;

/// Why a node could not be loaded.
#[derive(Debug)]
pub enum NodeError {
    /// The `nodeId` is malformed (the client's mistake).
    Malformed,
    /// The database failed.
    Load(LoadError),
}

impl From<MalformedNodeId> for NodeError {
    fn from(_: MalformedNodeId) -> Self {
        Self::Malformed
    }
}

impl From<LoadError> for NodeError {
    fn from(err: LoadError) -> Self {
        Self::Load(err)
    }
}

/// The type and key a `nodeId` names.
fn decode(node_id: &str) -> Result<(String, Value), MalformedNodeId> {
    if node_id.len() > LONGEST_NODE_ID {
        return Err(MalformedNodeId);
    }
    let bytes = STANDARD.decode(node_id).map_err(|_| MalformedNodeId)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Array(pair)) => match <[Value; 2]>::try_from(pair) {
            Ok([Value::String(type_name), key]) => Ok((type_name, key)),
            _ => Err(MalformedNodeId),
        },
        _ => Err(MalformedNodeId),
    }
}

/// The key of `M` that `key` names, in its canonical form.
fn key_of<M: Row>(key: &Value) -> Result<ParentKey, MalformedNodeId> {
    match (M::DEF.pk.1, key) {
        (Kind::Int, Value::Number(number)) => number.as_i64().map(ParentKey::Int),
        (Kind::Text, Value::String(text)) if ids::is_user_id(text) => {
            Some(ParentKey::Text(text.clone()))
        }
        _ => None,
    }
    .ok_or(MalformedNodeId)
}

/// Declares the `Node` interface over these object types (each wrapping its entity's model)
/// and loads a node by type name.
macro_rules! nodes {
    ($($name:ident),* $(,)?) => { pastey::paste! {
        /// An object with a globally unique `nodeId`: fetch any of them again with
        /// `node(nodeId:)` (Relay's global object identification).
        #[derive(Interface)]
        #[graphql(field(
            name = "node_id",
            ty = "ID",
            desc = "A globally unique, opaque id of this object, for `node(nodeId:)`."
        ))]
        // A node lives only while its response is built; boxing the users would cost an
        // allocation per node for no saving.
        #[allow(clippy::large_enum_variant)]
        pub enum Node {
            $(
                #[doc = concat!("A `", stringify!($name), "`.")]
                $name($name),
            )*
        }

        /// The live node `node_id` names, loaded through the request's DataLoaders (so
        /// many lookups of one type take one statement); `None` when there is no such
        /// row, or it is deleted.
        pub async fn load(loaders: &Loaders, node_id: &str) -> Result<Option<Node>, NodeError> {
            let (type_name, key) = decode(node_id)?;
            $(
                if type_name == <entity::[<$name:snake>]::Model as Row>::DEF.name {
                    let key = key_of::<entity::[<$name:snake>]::Model>(&key)?;
                    let row = loaders.one::<entity::[<$name:snake>]::Model>(key).await?;
                    return Ok(row.map(|row| Node::$name($name(row))));
                }
            )*
            Err(NodeError::Malformed)
        }
    } };
}

nodes!(
    User,
    Group,
    Cycle,
    Okr,
    Objective,
    KeyResult,
    KeyResultCheckIn,
    ObjectiveLink,
    ObjectiveAssessment,
    OkrReflection,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_id_is_base64_of_type_and_key() {
        let encoded = STANDARD.encode(r#"["Objective",42]"#);
        assert_eq!(
            decode(&encoded),
            Ok(("Objective".to_owned(), Value::from(42)))
        );
    }

    #[test]
    fn malformed_node_ids_are_refused() {
        for text in [
            "",
            "not base64!",
            &STANDARD.encode("[]"),
            &STANDARD.encode(r#"["Objective"]"#),
            &STANDARD.encode(r#"["Objective",1,2]"#),
            &STANDARD.encode(r#"[1,1]"#),
            &STANDARD.encode(r#"{"Objective":1}"#),
            &"A".repeat(LONGEST_NODE_ID + 4),
        ] {
            assert_eq!(decode(text), Err(MalformedNodeId), "{text:?}");
        }
    }

    #[test]
    fn keys_must_be_of_the_types_kind_and_canonical() {
        type Objective = entity::objective::Model;
        type User = entity::user::Model;
        assert_eq!(key_of::<Objective>(&Value::from(7)), Ok(ParentKey::Int(7)));
        assert!(key_of::<Objective>(&Value::from("7")).is_err());
        assert!(key_of::<Objective>(&serde_json::json!(7.5)).is_err());
        assert!(key_of::<User>(&Value::from(7)).is_err());
        assert!(key_of::<User>(&Value::from("0190-not-a-uuid")).is_err());
        let id = uuid::Uuid::now_v7().to_string();
        assert_eq!(
            key_of::<User>(&Value::from(id.clone())),
            Ok(ParentKey::Text(id))
        );
    }
}
