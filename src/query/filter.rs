//! The filter AST: what the GraphQL `where` inputs (and SCIM filters) translate into.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// A literal in a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An instant.
    DateTime(DateTime<Utc>),
    /// An exact decimal (scores).
    Decimal(Decimal),
}

/// A comparison on one field. Every predicate is two-valued: a null field value never makes
/// a predicate unknown, so `not` and `every` behave as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// Equal (a null value is never equal).
    Eq(Scalar),
    /// Not equal; a null value counts as not equal.
    Ne(Scalar),
    /// Equal to one of these; `in: []` matches nothing.
    In(Vec<Scalar>),
    /// Equal to none of these (nulls included); `notIn: []` matches everything.
    NotIn(Vec<Scalar>),
    /// Less than.
    Lt(Scalar),
    /// Less than or equal.
    Lte(Scalar),
    /// Greater than.
    Gt(Scalar),
    /// Greater than or equal.
    Gte(Scalar),
    /// Contains the text (no wildcards).
    Contains(String),
    /// Starts with the text (no wildcards).
    StartsWith(String),
    /// Ends with the text (no wildcards).
    EndsWith(String),
    /// SQL `LIKE` pattern with `%` and `_`.
    Like(String),
    /// `true`: the value is null; `false`: it is not.
    IsNull(bool),
}

/// How a to-many relation filter counts matching related rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// The (to-one) related row exists, is live and matches.
    Is,
    /// At least one related row matches.
    Some,
    /// Every related row matches (true when there are none).
    Every,
    /// No related row matches.
    None,
}

/// A filter over the rows of one entity.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Matches every row.
    True,
    /// Matches no row.
    False,
    /// All of these.
    And(Vec<Filter>),
    /// Any of these.
    Or(Vec<Filter>),
    /// Not this.
    Not(Box<Filter>),
    /// A field comparison.
    Field {
        /// The field's API name.
        field: &'static str,
        /// The comparison.
        predicate: Predicate,
        /// Compare text ignoring ASCII case.
        insensitive: bool,
    },
    /// A condition on related rows.
    Relation {
        /// The relation's API name.
        relation: &'static str,
        /// How matching related rows are counted.
        quantifier: Quantifier,
        /// What related rows must match.
        filter: Box<Filter>,
    },
}

impl Filter {
    /// `field` compared case-sensitively.
    pub fn field(field: &'static str, predicate: Predicate) -> Self {
        Self::Field {
            field,
            predicate,
            insensitive: false,
        }
    }

    /// All of `filters`, simplified: no filter at all is [`Filter::True`].
    pub fn all(mut filters: Vec<Filter>) -> Self {
        filters.retain(|filter| *filter != Filter::True);
        match filters.len() {
            0 => Filter::True,
            1 => filters.pop().unwrap_or(Filter::True),
            _ => Filter::And(filters),
        }
    }
}
