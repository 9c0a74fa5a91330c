//! The filter AST: what the GraphQL `where` inputs (and SCIM filters) translate into.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::values::text::{TextFault, text_fault};

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

/// The ceilings on one filter and sort (`FILTER_TERM_LIMIT`, `FILTER_VALUE_LIMIT`,
/// `SORT_KEY_LIMIT`). They keep every statement within what both databases accept: SQLite
/// refuses expression trees deeper than 1,000 and statements with more than 32,766 bound
/// values, PostgreSQL more than 65,535.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterLimits {
    /// Most conditions: comparisons, relation conditions, `and`, `or` and `not`.
    pub terms: usize,
    /// Most values compared with, `in`/`notIn` items included.
    pub values: usize,
    /// Most keys in one sort.
    pub sort_keys: usize,
}

/// The longest text a filter may compare with: no stored text is longer (reflections and
/// assessments, the longest, hold 10,000 characters), and SQLite refuses `LIKE` patterns over
/// 50,000 bytes.
pub const FILTER_TEXT_MAX: usize = 10_000;

/// Why a filter cannot run; its `Display` is the message the client sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterRefusal {
    /// More conditions than `FILTER_TERM_LIMIT`.
    #[error("The filter has more than {limit} conditions (FILTER_TERM_LIMIT is {limit})")]
    Terms {
        /// The configured limit.
        limit: usize,
    },
    /// More values than `FILTER_VALUE_LIMIT`.
    #[error("The filter compares with more than {limit} values (FILTER_VALUE_LIMIT is {limit})")]
    Values {
        /// The configured limit.
        limit: usize,
    },
    /// A text value longer than [`FILTER_TEXT_MAX`] characters.
    #[error("A filter text is longer than {FILTER_TEXT_MAX} characters")]
    TooLong,
    /// A text value with a NUL character, which no stored text holds.
    #[error("A filter text contains a NUL character (U+0000)")]
    Nul,
}

impl Filter {
    /// Checks the filter against `limits` without recursing (it may be deeper than the stack
    /// allows when it comes from a careless translation), and every text value it holds.
    pub fn check(&self, limits: &FilterLimits) -> Result<(), FilterRefusal> {
        let (mut terms, mut values) = (0usize, 0usize);
        let mut pending = vec![self];
        while let Some(filter) = pending.pop() {
            terms += 1;
            if terms > limits.terms {
                return Err(FilterRefusal::Terms {
                    limit: limits.terms,
                });
            }
            match filter {
                Self::True | Self::False => terms -= 1,
                Self::And(items) | Self::Or(items) => pending.extend(items),
                Self::Not(inner) | Self::Relation { filter: inner, .. } => pending.push(inner),
                Self::Field { predicate, .. } => {
                    values += predicate.check_values()?;
                    if values > limits.values {
                        return Err(FilterRefusal::Values {
                            limit: limits.values,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

impl Predicate {
    /// How many values the predicate compares with, once each text is checked.
    fn check_values(&self) -> Result<usize, FilterRefusal> {
        let scalars: &[Scalar] = match self {
            Self::Eq(one)
            | Self::Ne(one)
            | Self::Lt(one)
            | Self::Lte(one)
            | Self::Gt(one)
            | Self::Gte(one) => std::slice::from_ref(one),
            Self::In(many) | Self::NotIn(many) => many,
            Self::Contains(text)
            | Self::StartsWith(text)
            | Self::EndsWith(text)
            | Self::Like(text) => {
                check_text(text)?;
                return Ok(1);
            }
            Self::IsNull(_) => return Ok(0),
        };
        for scalar in scalars {
            if let Scalar::Text(text) = scalar {
                check_text(text)?;
            }
        }
        Ok(scalars.len())
    }
}

/// Refuses a filter text that no stored text could match in the same way on both databases.
pub fn check_text(text: &str) -> Result<(), FilterRefusal> {
    match text_fault(text, FILTER_TEXT_MAX) {
        None => Ok(()),
        Some(TextFault::Nul) => Err(FilterRefusal::Nul),
        Some(TextFault::TooLong) => Err(FilterRefusal::TooLong),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: FilterLimits = FilterLimits {
        terms: 5,
        values: 4,
        sort_keys: 2,
    };

    fn eq(n: i64) -> Filter {
        Filter::field("id", Predicate::Eq(Scalar::Int(n)))
    }

    #[test]
    fn conditions_are_counted_at_every_depth() {
        let four = Filter::Or(vec![eq(1), Filter::Not(Box::new(eq(2))), Filter::True]);
        assert_eq!(four.check(&LIMITS), Ok(()));
        let six = Filter::And(vec![four, eq(3)]);
        assert_eq!(six.check(&LIMITS), Err(FilterRefusal::Terms { limit: 5 }));
    }

    #[test]
    fn a_filter_too_deep_to_recurse_over_is_refused_without_recursing() {
        let mut deep = eq(1);
        for _ in 0..100_000 {
            deep = Filter::Not(Box::new(deep));
        }
        assert_eq!(deep.check(&LIMITS), Err(FilterRefusal::Terms { limit: 5 }));
        // Dropping it would recurse; the test only needs the answer.
        std::mem::forget(deep);
    }

    #[test]
    fn in_lists_count_each_value() {
        let five = Filter::field("id", Predicate::In((0..5).map(Scalar::Int).collect()));
        assert_eq!(five.check(&LIMITS), Err(FilterRefusal::Values { limit: 4 }));
    }

    #[test]
    fn texts_with_nul_or_over_the_longest_stored_text_are_refused() {
        let text = |s: String| Filter::field("name", Predicate::Contains(s));
        assert_eq!(
            text("a\0b".to_owned()).check(&LIMITS),
            Err(FilterRefusal::Nul)
        );
        let long = "é".repeat(FILTER_TEXT_MAX + 1);
        assert_eq!(text(long).check(&LIMITS), Err(FilterRefusal::TooLong));
        let fits = "é".repeat(FILTER_TEXT_MAX);
        assert_eq!(text(fits).check(&LIMITS), Ok(()));
        let nul_in_list = Filter::field("name", Predicate::In(vec![Scalar::Text("\0".into())]));
        assert_eq!(nul_in_list.check(&LIMITS), Err(FilterRefusal::Nul));
    }
}
