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

/// What can be wrong with a read request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// An argument cannot be used (bad cursor, page too large, malformed value).
    #[error("{message}")]
    BadInput {
        /// The argument, e.g. `first` or `where.midScore.lt`.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The request would run more SQL statements than its budget allows.
    #[error("the request needs more than {budget} SQL statements")]
    OverBudget {
        /// The configured budget.
        budget: usize,
    },
}

impl QueryError {
    /// A bad argument at `path`.
    pub fn bad_input(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            path: path.into(),
            message: message.into(),
        }
    }
}
