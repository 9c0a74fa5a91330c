//! The domain: small explicit APIs that GraphQL, SCIM, the CLI and jobs call.
//!
//! Each module takes `&impl ConnectionTrait`, so a caller can pass a pool or a transaction.

pub mod analytics;
pub mod changeset;
pub mod clock;
pub mod cycles;
pub mod directory;
pub mod groups;
pub mod key_results;
pub mod links;
pub mod objectives;
pub mod okrs;
pub mod policy;
pub mod rows;
pub mod slug;
pub mod store;
pub mod texts;
pub mod users;
