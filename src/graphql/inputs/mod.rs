//! GraphQL input objects: scalar filters, per-entity `where` and `orderBy` inputs, paging.

pub mod entities;
pub mod paging;
pub mod scalars;
