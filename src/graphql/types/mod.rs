//! GraphQL object types; each wraps an entity model and never derives on the entity itself.
//! Associations are resolved through the request's DataLoaders.

pub mod analytics;
pub mod cycle;
pub mod group;
pub mod key_result;
pub mod node;
pub mod objective;
pub mod okr;
pub mod owner;
pub mod texts;
pub mod user;

pub use cycle::{Cycle, CycleConnection};
pub use group::{Group, GroupConnection};
pub use key_result::{KeyResult, KeyResultConnection};
pub use node::Node;
pub use objective::{Objective, ObjectiveConnection, ObjectiveLink, ObjectiveLinkConnection};
pub use okr::{Okr, OkrConnection};
pub use owner::Owner;
pub use texts::{ObjectiveAssessment, OkrReflection};
pub use user::{Email, User, UserConnection};

/// A numeric id as a GraphQL `ID`.
pub fn id(id: i64) -> async_graphql::ID {
    async_graphql::ID(id.to_string())
}
