//! Filters over directory rows, independent of any wire format, compiled into SeaORM
//! [`Condition`]s with bound parameters only.
//!
//! Multi-valued JSON columns (`users.emails`, `users.roles`) are matched with an `EXISTS`
//! over the array's elements: `json_each` on SQLite and `jsonb_array_elements` on
//! PostgreSQL, chosen by the connection's backend. Both compare each element exactly, which
//! a `LIKE` over the JSON text could not.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{Condition, DbBackend};

use crate::error::DomainError;

/// A boolean combination of leaf tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter<L> {
    /// Both hold.
    And(Box<Filter<L>>, Box<Filter<L>>),
    /// Either holds.
    Or(Box<Filter<L>>, Box<Filter<L>>),
    /// The inner filter does not hold.
    Not(Box<Filter<L>>),
    /// One test on one attribute.
    Leaf(L),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Contains.
    Co,
    /// Starts with.
    Sw,
    /// Ends with.
    Ew,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

/// A literal a filter compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A string.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// An instant.
    Time(DateTime<Utc>),
    /// `null`: equal to an absent value.
    Null,
}

/// What a leaf checks about its attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// The attribute has a (non-empty) value.
    Present,
    /// The attribute compares with a literal.
    Compare(Op, Scalar),
}

impl<L> Filter<L> {
    /// Compiles the filter, turning each leaf into a condition with `leaf`.
    pub fn compile(
        &self,
        leaf: &mut impl FnMut(&L) -> Result<Condition, DomainError>,
    ) -> Result<Condition, DomainError> {
        Ok(match self {
            Self::And(a, b) => Condition::all().add(a.compile(leaf)?).add(b.compile(leaf)?),
            Self::Or(a, b) => Condition::any().add(a.compile(leaf)?).add(b.compile(leaf)?),
            Self::Not(inner) => inner.compile(leaf)?.not(),
            Self::Leaf(l) => leaf(l)?,
        })
    }
}

fn unsupported(what: &str) -> DomainError {
    DomainError::Invalid {
        field: "filter".to_owned(),
        reason: what.to_owned(),
    }
}

/// A test on a text expression; `case_exact` false compares lower-cased.
pub(crate) fn text(
    target: Expr,
    case_exact: bool,
    test: &Test,
    backend: DbBackend,
) -> Result<Condition, DomainError> {
    let (op, value) = match test {
        Test::Present => {
            return Ok(Condition::all()
                .add(target.clone().is_not_null())
                .add(target.ne("")));
        }
        Test::Compare(Op::Eq, Scalar::Null) => return Ok(Condition::all().add(target.is_null())),
        Test::Compare(Op::Ne, Scalar::Null) => {
            return Ok(Condition::all().add(target.is_not_null()));
        }
        Test::Compare(op, Scalar::Text(value)) => (*op, value.clone()),
        Test::Compare(_, _) => return Err(unsupported("a text attribute compares with a string")),
    };
    let fold = |e: Expr| -> Expr { if case_exact { e } else { Func::lower(e).into() } };
    let left = fold(target.clone());
    let right = fold(Expr::val(value.clone()));
    let expr = match op {
        Op::Eq => left.eq(right),
        Op::Ne => {
            return Ok(Condition::any().add(target.is_null()).add(left.ne(right)));
        }
        Op::Gt => left.gt(right),
        Op::Ge => left.gte(right),
        Op::Lt => left.lt(right),
        Op::Le => left.lte(right),
        Op::Co | Op::Sw | Op::Ew if value.is_empty() => target.is_not_null(),
        Op::Co | Op::Sw | Op::Ew if !case_exact => {
            let escaped = escape_like(&value);
            let pattern = match op {
                Op::Co => format!("%{escaped}%"),
                Op::Sw => format!("{escaped}%"),
                _ => format!("%{escaped}"),
            };
            custom(
                backend,
                "lower($1) LIKE lower($2) ESCAPE '!'",
                [target, Expr::val(pattern)],
            )
        }
        Op::Co => {
            let function = match backend {
                DbBackend::Postgres => "strpos($1, $2) > 0",
                _ => "instr($1, $2) > 0",
            };
            custom(backend, function, [target, Expr::val(value)])
        }
        Op::Sw => custom(
            backend,
            "substr($1, 1, length($2)) = $3",
            [target, Expr::val(value.clone()), Expr::val(value)],
        ),
        Op::Ew => {
            let function = match backend {
                DbBackend::Postgres => "right($1, length($2)) = $3",
                _ => "substr($1, -length($2)) = $3",
            };
            custom(
                backend,
                function,
                [target, Expr::val(value.clone()), Expr::val(value)],
            )
        }
    };
    Ok(Condition::all().add(expr))
}

/// A custom SQL template written with `$1`, `$2`, … in order, bound to `args`: sea-query
/// numbers placeholders on PostgreSQL only; SQLite takes `?` in order.
fn custom(backend: DbBackend, template: &str, args: impl IntoIterator<Item = Expr>) -> Expr {
    let sql = match backend {
        DbBackend::Postgres => template.to_owned(),
        _ => template
            .replace("$1", "?")
            .replace("$2", "?")
            .replace("$3", "?"),
    };
    Expr::cust_with_exprs(sql, args)
}

/// `LIKE` metacharacters escaped with `!` (the escape character the patterns declare).
fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

/// A test on a boolean column: `eq`/`ne` with a boolean, or `pr`.
pub(crate) fn boolean(target: Expr, test: &Test) -> Result<Condition, DomainError> {
    let expr = match test {
        Test::Present => target.is_not_null(),
        Test::Compare(Op::Eq, Scalar::Bool(b)) => target.eq(*b),
        Test::Compare(Op::Ne, Scalar::Bool(b)) => target.ne(*b),
        Test::Compare(..) => return Err(unsupported("a boolean attribute supports eq, ne and pr")),
    };
    Ok(Condition::all().add(expr))
}

/// A test on a timestamp column.
pub(crate) fn time(target: Expr, test: &Test) -> Result<Condition, DomainError> {
    let (op, at) = match test {
        Test::Present => return Ok(Condition::all().add(target.is_not_null())),
        Test::Compare(op, Scalar::Time(at)) => (*op, *at),
        Test::Compare(..) => return Err(unsupported("a dateTime attribute compares with a time")),
    };
    let expr = match op {
        Op::Eq => target.eq(at),
        Op::Ne => target.ne(at),
        Op::Gt => target.gt(at),
        Op::Ge => target.gte(at),
        Op::Lt => target.lt(at),
        Op::Le => target.lte(at),
        Op::Co | Op::Sw | Op::Ew => {
            return Err(unsupported("co, sw and ew apply to strings only"));
        }
    };
    Ok(Condition::all().add(expr))
}

/// The alias of one array element inside [`json_elements_exist`].
const ELEMENT: &str = "e";

/// A text member of the current JSON array element (`None`: the element itself).
pub(crate) fn element_text(backend: DbBackend, key: Option<&'static str>) -> Expr {
    match (backend, key) {
        (DbBackend::Postgres, Some("value")) => Expr::cust("(\"e\".\"value\" ->> 'value')"),
        (DbBackend::Postgres, Some("type")) => Expr::cust("(\"e\".\"value\" ->> 'type')"),
        (DbBackend::Postgres, _) => Expr::cust("(\"e\".\"value\" #>> '{}')"),
        // `->>` (SQLite 3.38+) rather than json_extract: a `$` inside a custom expression
        // would be read as a placeholder when it is embedded in another one.
        (_, Some("value")) => Expr::cust("(\"e\".\"value\" ->> 'value')"),
        (_, Some("type")) => Expr::cust("(\"e\".\"value\" ->> 'type')"),
        (_, _) => Expr::cust("\"e\".\"value\""),
    }
}

/// A test on the `primary` boolean of the current JSON array element.
pub(crate) fn element_primary(backend: DbBackend, test: &Test) -> Result<Condition, DomainError> {
    let (sql_true, target) = match backend {
        DbBackend::Postgres => ("'true'", "(\"e\".\"value\" ->> 'primary')"),
        _ => ("1", "(\"e\".\"value\" ->> 'primary')"),
    };
    let is_true = format!("coalesce({target} = {sql_true}, false)");
    let expr =
        match test {
            Test::Present => Expr::cust(format!("{target} IS NOT NULL")),
            Test::Compare(Op::Eq, Scalar::Bool(true))
            | Test::Compare(Op::Ne, Scalar::Bool(false)) => Expr::cust(is_true),
            Test::Compare(Op::Eq, Scalar::Bool(false))
            | Test::Compare(Op::Ne, Scalar::Bool(true)) => Expr::cust(format!("NOT {is_true}")),
            Test::Compare(..) => {
                return Err(unsupported("primary supports eq, ne and pr with a boolean"));
            }
        };
    Ok(Condition::all().add(expr))
}

/// `EXISTS` an element of the JSON array `table.column` for which `element` holds.
pub(crate) fn json_elements_exist(
    backend: DbBackend,
    table: &'static str,
    column: &'static str,
    element: Condition,
) -> Condition {
    let function = match backend {
        DbBackend::Postgres => "jsonb_array_elements",
        _ => "json_each",
    };
    let mut select = Query::select();
    select
        .expr(Expr::val(1))
        .from_function(
            Func::cust(Alias::new(function))
                .arg(Expr::col((Alias::new(table), Alias::new(column)))),
            Alias::new(ELEMENT),
        )
        .cond_where(element);
    Condition::all().add(Expr::exists(select))
}

/// `EXISTS` over a subquery the caller built.
pub(crate) fn exists(select: SelectStatement) -> Condition {
    Condition::all().add(Expr::exists(select))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(escape_like("50%_off!"), "50!%!_off!!");
    }
}
