//! Typed operator inputs for each scalar kind, translated into filter predicates.
//! Operators in one input object are AND-ed; an operator given as `null` is ignored.

use async_graphql::{Enum, ID, InputObject};
use rust_decimal::Decimal;

use crate::graphql::scalars::DateTime;
use crate::query::filter::{Filter, Predicate, Scalar};
use crate::query::sort::{SortKey, SortPath};

/// How strings are compared.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum MatchMode {
    /// Exact, case-sensitive comparison.
    #[default]
    Sensitive,
    /// Comparison ignoring the case of ASCII letters (the same on every database).
    Insensitive,
}

/// Sort direction and where nulls go (`ASC` puts nulls last, `DESC` puts them last too).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SortOrder {
    /// Smallest first, nulls last.
    Asc,
    /// Largest first, nulls last.
    Desc,
    /// Smallest first, nulls first.
    AscNullsFirst,
    /// Smallest first, nulls last.
    AscNullsLast,
    /// Largest first, nulls first.
    DescNullsFirst,
    /// Largest first, nulls last.
    DescNullsLast,
}

impl SortOrder {
    /// The sort key for `path` in this order.
    pub fn key(self, path: SortPath) -> SortKey {
        let (descending, nulls_first) = match self {
            Self::Asc | Self::AscNullsLast => (false, false),
            Self::AscNullsFirst => (false, true),
            Self::Desc | Self::DescNullsLast => (true, false),
            Self::DescNullsFirst => (true, true),
        };
        SortKey {
            path,
            descending,
            nulls_first,
        }
    }
}

/// The predicates of one operator input: `[eq, ne]`, `[in, notIn]`, `[lt, lte, gt, gte]`, `isNull`.
fn comparisons<T: Clone>(
    field: &'static str,
    to_scalar: impl Fn(T) -> Scalar,
    [eq, ne]: [Option<T>; 2],
    [r#in, not_in]: [Option<Vec<T>>; 2],
    ordered: [Option<T>; 4],
    is_null: Option<bool>,
) -> Vec<Filter> {
    let mut predicates = Vec::new();
    predicates.extend(eq.map(|v| Predicate::Eq(to_scalar(v))));
    predicates.extend(ne.map(|v| Predicate::Ne(to_scalar(v))));
    predicates.extend(r#in.map(|vs| Predicate::In(vs.into_iter().map(&to_scalar).collect())));
    predicates.extend(not_in.map(|vs| Predicate::NotIn(vs.into_iter().map(&to_scalar).collect())));
    let [lt, lte, gt, gte] = ordered;
    predicates.extend(lt.map(|v| Predicate::Lt(to_scalar(v))));
    predicates.extend(lte.map(|v| Predicate::Lte(to_scalar(v))));
    predicates.extend(gt.map(|v| Predicate::Gt(to_scalar(v))));
    predicates.extend(gte.map(|v| Predicate::Gte(to_scalar(v))));
    predicates.extend(is_null.map(Predicate::IsNull));
    predicates
        .into_iter()
        .map(|p| Filter::field(field, p))
        .collect()
}

/// The operators a `where` key holds for one field.
pub trait FieldFilter {
    /// The filters this input stands for, on `field`.
    fn filters(&self, field: &'static str) -> Vec<Filter>;
}

/// A plain `Boolean` key: the field equals it.
impl FieldFilter for bool {
    fn filters(&self, field: &'static str) -> Vec<Filter> {
        vec![Filter::field(field, Predicate::Eq(Scalar::Bool(*self)))]
    }
}

/// Conditions on a text field.
#[derive(InputObject, Clone, Debug, Default)]
pub struct StringFilter {
    /// Equal to.
    pub eq: Option<String>,
    /// Not equal to (null values count as not equal).
    pub ne: Option<String>,
    /// Equal to one of these (`[]` matches nothing).
    pub r#in: Option<Vec<String>>,
    /// Equal to none of these (null values included).
    pub not_in: Option<Vec<String>>,
    /// Sorts before (bytewise).
    pub lt: Option<String>,
    /// Sorts before or equal.
    pub lte: Option<String>,
    /// Sorts after.
    pub gt: Option<String>,
    /// Sorts after or equal.
    pub gte: Option<String>,
    /// Contains this text (`%` and `_` are literal).
    pub contains: Option<String>,
    /// Starts with this text (`%` and `_` are literal).
    pub starts_with: Option<String>,
    /// Ends with this text (`%` and `_` are literal).
    pub ends_with: Option<String>,
    /// Matches this SQL LIKE pattern: `%` any run, `_` any one character.
    pub like: Option<String>,
    /// True: the value is null; false: it is not.
    pub is_null: Option<bool>,
    /// Case sensitivity of every operator here.
    #[graphql(default)]
    pub mode: MatchMode,
}

impl FieldFilter for StringFilter {
    fn filters(&self, field: &'static str) -> Vec<Filter> {
        let f = self.clone();
        let mut filters = comparisons(
            field,
            Scalar::Text,
            [f.eq, f.ne],
            [f.r#in, f.not_in],
            [f.lt, f.lte, f.gt, f.gte],
            f.is_null,
        );
        let text = [
            f.contains.map(Predicate::Contains),
            f.starts_with.map(Predicate::StartsWith),
            f.ends_with.map(Predicate::EndsWith),
            f.like.map(Predicate::Like),
        ];
        filters.extend(text.into_iter().flatten().map(|p| Filter::field(field, p)));
        let insensitive = self.mode == MatchMode::Insensitive;
        filters
            .into_iter()
            .map(|filter| match filter {
                Filter::Field {
                    field, predicate, ..
                } => Filter::Field {
                    field,
                    predicate,
                    insensitive,
                },
                other => other,
            })
            .collect()
    }
}

/// Conditions on an id.
#[derive(InputObject, Clone, Debug, Default)]
pub struct IdFilter {
    /// Equal to.
    pub eq: Option<ID>,
    /// Not equal to.
    pub ne: Option<ID>,
    /// One of these (`[]` matches nothing).
    pub r#in: Option<Vec<ID>>,
    /// None of these.
    pub not_in: Option<Vec<ID>>,
    /// True: there is no id; false: there is one.
    pub is_null: Option<bool>,
}

impl FieldFilter for IdFilter {
    fn filters(&self, field: &'static str) -> Vec<Filter> {
        let f = self.clone();
        let text = |id: ID| Scalar::Text(id.0);
        comparisons(
            field,
            text,
            [f.eq, f.ne],
            [f.r#in, f.not_in],
            [None, None, None, None],
            f.is_null,
        )
    }
}

macro_rules! ordered_filter {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $scalar:expr) => {
        $(#[$doc])*
        #[derive(InputObject, Clone, Debug, Default)]
        pub struct $name {
            /// Equal to.
            pub eq: Option<$ty>,
            /// Not equal to (null values count as not equal).
            pub ne: Option<$ty>,
            /// One of these (`[]` matches nothing).
            pub r#in: Option<Vec<$ty>>,
            /// None of these (null values included).
            pub not_in: Option<Vec<$ty>>,
            /// Less than.
            pub lt: Option<$ty>,
            /// Less than or equal.
            pub lte: Option<$ty>,
            /// Greater than.
            pub gt: Option<$ty>,
            /// Greater than or equal.
            pub gte: Option<$ty>,
            /// True: the value is null; false: it is not.
            pub is_null: Option<bool>,
        }

        impl FieldFilter for $name {
            fn filters(&self, field: &'static str) -> Vec<Filter> {
                let f = self.clone();
                comparisons(field, $scalar, [f.eq, f.ne], [f.r#in, f.not_in], [f.lt, f.lte, f.gt, f.gte], f.is_null)
            }
        }
    };
}

ordered_filter!(
    /// Conditions on an integer.
    IntFilter, i64, Scalar::Int
);
ordered_filter!(
    /// Conditions on a decimal (scores; at most nine decimal places).
    DecimalFilter, Decimal, Scalar::Decimal
);
ordered_filter!(
    /// Conditions on an instant.
    DateTimeFilter, DateTime, |d: DateTime| Scalar::DateTime(d.0)
);

/// Conditions on a boolean.
#[derive(InputObject, Clone, Debug, Default)]
pub struct BooleanFilter {
    /// Equal to.
    pub eq: Option<bool>,
    /// Not equal to (null values count as not equal).
    pub ne: Option<bool>,
    /// True: the value is null; false: it is not.
    pub is_null: Option<bool>,
}

impl FieldFilter for BooleanFilter {
    fn filters(&self, field: &'static str) -> Vec<Filter> {
        let f = self.clone();
        comparisons(
            field,
            Scalar::Bool,
            [f.eq, f.ne],
            [None, None],
            [None, None, None, None],
            f.is_null,
        )
    }
}
