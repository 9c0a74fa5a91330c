//! The read engine: entity descriptions, a filter AST, sort keys and keyset pages, compiled
//! into parameterised SQL with sea-query. It knows nothing of GraphQL or SCIM: both edges
//! translate their filters (GraphQL `where` inputs, SCIM filter expressions) into one
//! [`filter::Filter`], compiled by [`compile`] with one case-folding rule (ASCII letters) and
//! one `LIKE` escaping rule.
//!
//! The tables it reads are described by the [`crate::catalog`].
//!
//! - [`filter`]: the filter AST.
//! - [`compile`]: AST → `WHERE` expressions, relation filters as `EXISTS` subqueries.
//! - [`sort`]: sort keys (fields, to-one relation fields at any depth, to-many counts).
//! - [`cursor`]: opaque keyset cursors over the actual sort keys.
//! - [`page`]: one page of a list, and per-parent pages batched with window functions.
//! - [`rows`]: reading models by column position.
//! - [`statements`]: the per-request SQL statement counter and budget.

pub mod compile;
pub mod cursor;
pub mod filter;
pub mod page;
pub mod rows;
pub mod sort;
pub mod statements;

pub use crate::error::QueryError;
