//! Compiling filters into `WHERE` expressions.
//!
//! Rows are addressed through table aliases (`t0`, `t1`, …) so that relation filters can nest
//! to any depth, also from a table to itself (objective links). Relation filters become
//! correlated `EXISTS` subqueries, so they compose under `or` and `not` and never duplicate
//! rows. Every value is a bound parameter.

use std::cell::Cell;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::DbBackend;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, IntoIden, JoinType, LikeExpr, Query, SelectStatement, Value,
};

use crate::catalog::{EntityDef, FieldDef, Join, Kind, Live, RelationDef, Sql, SqlScope};
use crate::query::QueryError;
use crate::query::filter::{Filter, Predicate, Quantifier, Scalar};
use crate::values::ids;
use crate::values::scores::{self, PpbFault};

/// True when `parent` (a to-one relation of the rows `via` reaches) points back along `via`:
/// the same foreign-key column, read the other way.
fn leads_back(via: &RelationDef, parent: &RelationDef) -> bool {
    match (via.join, parent.join) {
        (
            Join::Column { local, remote },
            Join::Column {
                local: parent_local,
                remote: parent_remote,
            },
        ) => !parent.many && parent_local == remote && parent_remote == local,
        _ => false,
    }
}

/// The parents (liveness rules [`Live::Parent`]) whose liveness a row of `def`, reached from a
/// live row through `via`, still needs checked: all but those named in `skip` (the statement
/// joins them live already) and the one `via` came from (the row it was reached from).
fn parents_to_check<'a>(
    def: &'a EntityDef,
    via: Option<&'a RelationDef>,
    skip: &'a [&str],
) -> impl Iterator<Item = &'static RelationDef> + 'a {
    def.live
        .iter()
        .filter_map(|rule| match rule {
            Live::Parent(name) if !skip.contains(name) => def.relation(name),
            _ => None,
        })
        .filter(move |parent| !via.is_some_and(|via| leads_back(via, parent)))
}

impl SqlScope for Compiler {
    fn now(&self) -> DateTime<Utc> {
        self.now
    }

    fn backend(&self) -> DbBackend {
        self.backend
    }

    fn alias(&self) -> Alias {
        Compiler::alias(self)
    }
}

/// Compiles filters and sort keys for one SQL statement.
pub struct Compiler {
    backend: DbBackend,
    now: DateTime<Utc>,
    next_alias: Cell<u32>,
}

impl Compiler {
    /// A compiler for `backend`; `now` is the instant "active" and similar rules use.
    pub fn new(backend: DbBackend, now: DateTime<Utc>) -> Self {
        Self {
            backend,
            now,
            next_alias: Cell::new(0),
        }
    }

    /// The database engine the SQL is for.
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// The instant time-dependent rules compare with.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// A fresh table alias.
    pub fn alias(&self) -> Alias {
        let n = self.next_alias.get();
        self.next_alias.set(n + 1);
        Alias::new(format!("t{n}"))
    }

    /// `alias.column`.
    pub fn column(alias: &Alias, column: &'static str) -> Expr {
        Expr::col((alias.clone(), Alias::new(column)))
    }

    /// The SQL value of a field of the row at `alias`.
    pub fn field_expr(&self, field: &FieldDef, alias: &Alias) -> Expr {
        match field.sql {
            Sql::Column(column) => Self::column(alias, column),
            // Parenthesised, so that `IS NULL`, `=` and `NOT` apply to the whole expression.
            // (A one-element tuple renders as plain parentheses on every backend.)
            Sql::Computed(compute) => Expr::tuple([compute(self, alias)]),
        }
    }

    /// Text for ordering comparisons: bytewise on both engines.
    pub fn collated(&self, expr: Expr) -> Expr {
        match self.backend {
            DbBackend::Postgres => Expr::cust_with_expr("$1 COLLATE \"C\"", expr),
            _ => expr,
        }
    }

    /// Text with ASCII letters lowered, identically on both engines (SQLite's `lower` folds
    /// ASCII only, so PostgreSQL does the same with `translate`).
    pub fn fold_case(&self, expr: Expr) -> Expr {
        match self.backend {
            DbBackend::Postgres => Expr::cust_with_expr(
                "translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
                expr,
            ),
            _ => Func::lower(expr).into(),
        }
    }

    /// A user `LIKE` pattern in which a backslash matches itself: SQLite has no default
    /// escape character but PostgreSQL uses the backslash, so there backslashes are doubled.
    fn literal_backslashes(&self, pattern: String) -> String {
        match self.backend {
            DbBackend::Postgres => pattern.replace('\\', r"\\"),
            _ => pattern,
        }
    }

    /// A condition that always holds, as a constant the planner folds away (a bound
    /// `$1 = $2` would hide that from PostgreSQL's estimates in a generic plan).
    pub fn always() -> Expr {
        Expr::cust("1 = 1")
    }

    /// A condition that never holds, as a constant.
    pub fn never() -> Expr {
        Expr::cust("1 = 0")
    }

    /// The condition that the row at `alias` of `def` is live.
    pub fn live(&self, def: &EntityDef, alias: &Alias) -> Expr {
        self.live_reached_through(def, alias, None, &[])
    }

    /// The condition that the row at `alias` of `def` is live, leaving out the rule that its
    /// parents named in `joined` are live: the statement inner-joins them with their
    /// liveness already (see [`crate::query::sort::CompiledOrder::joined_parents`]).
    pub fn live_joined(&self, def: &EntityDef, alias: &Alias, joined: &[&str]) -> Expr {
        self.live_reached_through(def, alias, None, joined)
    }

    /// The condition that the row at `alias` of `def`, reached from a live row through
    /// `via`, is live. The rule "its parent is live" is left out when that parent is the row
    /// it was reached from: a key result reached from a live objective needs no second check
    /// of that objective and its OKR (which made PostgreSQL hash whole tables for a filter
    /// such as `keyResults: {some: …}`).
    fn live_reached_through(
        &self,
        def: &EntityDef,
        alias: &Alias,
        via: Option<&RelationDef>,
        joined: &[&str],
    ) -> Expr {
        let mut condition = Self::always();
        for rule in def.live {
            if let Live::NotDeleted(column) = rule {
                condition = condition.and(Self::column(alias, column).is_null());
            }
        }
        for parent in parents_to_check(def, via, joined) {
            condition = condition.and(Expr::exists(self.related(parent, alias, None)));
        }
        condition
    }

    /// `SELECT 1 FROM target WHERE <joined to alias> AND live AND filter`, for `EXISTS`.
    fn related(
        &self,
        relation: &RelationDef,
        alias: &Alias,
        filter: Option<Expr>,
    ) -> SelectStatement {
        let target = self.alias();
        let mut select = self.rows_related_to(relation, alias, &target);
        if let Some(filter) = filter {
            select.and_where(filter);
        }
        select
    }

    /// `SELECT 1 FROM target AS target_alias …` holding the live rows related to the row at
    /// `owner`: joined to it by key, or, for [`Join::Elements`], the elements of its array.
    fn rows_related_to(
        &self,
        relation: &RelationDef,
        owner: &Alias,
        target: &Alias,
    ) -> SelectStatement {
        if let Join::Elements { column } = relation.join {
            let function = match self.backend {
                DbBackend::Postgres => "jsonb_array_elements",
                _ => "json_each",
            };
            let mut select = Query::select();
            select.expr(Expr::cust("1")).from_function(
                Func::cust(Alias::new(function)).arg(Self::column(owner, column)),
                target.clone(),
            );
            return select;
        }
        let mut select = self.related_rows(relation, target);
        select.and_where(self.join_condition(relation, owner, target));
        select
    }

    /// `SELECT 1 FROM target AS target_alias [JOIN through]` with the liveness of both, for
    /// rows related to a live row (the caller joins them to it).
    pub fn related_rows(&self, relation: &RelationDef, target: &Alias) -> SelectStatement {
        self.related_rows_joined(relation, target, &[])
    }

    /// The parents of rows of `def` reached from a live row through `via` (those
    /// `parents_to_check` leaves, by foreign key) that a statement can inner-join instead of
    /// checking them with `EXISTS`. A parent is at most one row, so joining never repeats a
    /// row; measured on the linked objectives of a page of objectives at the `large` scale,
    /// 0.94 ms with `EXISTS`, 0.28 ms joined.
    pub fn joinable_parents(
        def: &EntityDef,
        via: Option<&RelationDef>,
        skip: &[&str],
    ) -> Vec<&'static RelationDef> {
        parents_to_check(def, via, skip)
            .filter(|parent| matches!(parent.join, Join::Column { .. }))
            .collect()
    }

    /// Inner-joins each of `parents` of the row at `alias`, live (see
    /// [`Self::joinable_parents`]).
    pub fn join_parents(
        &self,
        select: &mut SelectStatement,
        alias: &Alias,
        parents: &[&'static RelationDef],
    ) {
        for parent in parents {
            let Join::Column { local, remote } = parent.join else {
                continue;
            };
            let target = self.alias();
            select.join_as(
                JoinType::InnerJoin,
                Alias::new(parent.target.table),
                target.clone(),
                Self::column(&target, remote)
                    .eq(Self::column(alias, local))
                    .and(self.live(parent.target, &target)),
            );
        }
    }

    /// [`Self::related_rows`], leaving out the liveness of the parents named in `joined`
    /// (see [`Self::live_joined`]).
    pub fn related_rows_joined(
        &self,
        relation: &RelationDef,
        target: &Alias,
        joined: &[&str],
    ) -> SelectStatement {
        let mut select = Query::select();
        select.expr(Expr::cust("1"));
        if let Join::Elements { .. } = relation.join {
            // Elements are rows only inside a filter on their owner (`rows_related_to`); no
            // declaration lists or sorts them, so no other statement reaches them.
            select.and_where(Self::never());
            return select;
        }
        select
            .from_as(Alias::new(relation.target.table), target.clone())
            .and_where(self.live_reached_through(relation.target, target, Some(relation), joined));
        if let Join::Through {
            via,
            target: target_col,
            ..
        } = relation.join
        {
            let through = self.through_alias(target);
            select.join_as(
                JoinType::InnerJoin,
                Alias::new(via.table),
                through.clone(),
                Self::column(&through, target_col)
                    .eq(Self::column(target, relation.target.pk.0))
                    .and(Self::column(&through, "deleted_at").is_null()),
            );
        }
        select
    }

    /// The alias of the join table that belongs to `target`'s alias.
    pub fn through_alias(&self, target: &Alias) -> Alias {
        Alias::new(format!("{}_j", target.clone().into_iden()))
    }

    /// The expression on the related rows that holds the parent's key.
    pub fn parent_key(&self, relation: &RelationDef, target: &Alias) -> Expr {
        match relation.join {
            Join::Column { remote, .. } => Self::column(target, remote),
            Join::Through { this, .. } => Self::column(&self.through_alias(target), this),
            Join::Elements { .. } => Expr::cust("NULL"),
        }
    }

    /// The column of the parent row that the relation starts from.
    pub fn parent_column(relation: &RelationDef, owner: &EntityDef) -> &'static str {
        match relation.join {
            Join::Column { local, .. } => local,
            Join::Through { .. } | Join::Elements { .. } => owner.pk.0,
        }
    }

    fn join_condition(&self, relation: &RelationDef, owner_alias: &Alias, target: &Alias) -> Expr {
        let parent = match relation.join {
            Join::Column { local, .. } => Self::column(owner_alias, local),
            // The owner's primary key; every owner of a through-relation is keyed by `id`.
            Join::Through { .. } | Join::Elements { .. } => Self::column(owner_alias, "id"),
        };
        self.parent_key(relation, target).eq(parent)
    }

    /// Compiles `filter` over the row of `def` at `alias`.
    pub fn filter(
        &self,
        def: &EntityDef,
        alias: &Alias,
        filter: &Filter,
    ) -> Result<Expr, QueryError> {
        self.filter_joined(def, alias, filter, &[])
    }

    /// [`Self::filter`] for a row whose to-one relations in `joined` the statement already
    /// inner-joins, live, under the given aliases (see
    /// [`crate::query::sort::CompiledOrder::joined_rows`]). A condition on such a relation
    /// (`okr: {cycle: …}` on objectives sorted by their OKR's `insertedAt`) reads the joined
    /// row instead of looking the same row up again in a correlated `EXISTS`: the row exists
    /// and is the only one, so the two agree. PostgreSQL, reading the OKRs in index order,
    /// then tests each OKR once rather than once per objective (the first page of that list
    /// at the `large` scale: 215 ms before).
    pub fn filter_joined(
        &self,
        def: &EntityDef,
        alias: &Alias,
        filter: &Filter,
        joined: &[(&'static str, &Alias)],
    ) -> Result<Expr, QueryError> {
        Ok(match filter {
            Filter::True => Self::always(),
            Filter::False => Self::never(),
            Filter::And(filters) => self.combine(def, alias, filters, true, joined)?,
            Filter::Or(filters) => self.combine(def, alias, filters, false, joined)?,
            Filter::Not(inner) => self.filter_joined(def, alias, inner, joined)?.not(),
            Filter::Field {
                field,
                predicate,
                insensitive,
            } => {
                let field = def.field(field).ok_or_else(|| {
                    QueryError::bad_input(*field, format!("{} has no field {field}", def.name))
                })?;
                self.predicate(field, alias, predicate, *insensitive)?
            }
            Filter::Relation {
                relation,
                quantifier,
                filter,
            } => {
                let relation = def.relation(relation).ok_or_else(|| {
                    QueryError::bad_input(
                        *relation,
                        format!("{} has no relation {relation}", def.name),
                    )
                })?;
                let joined_row = joined
                    .iter()
                    .find(|(name, _)| *name == relation.name)
                    .filter(|_| *quantifier == Quantifier::Is);
                match joined_row {
                    Some((_, row)) => self.filter(relation.target, row, filter)?,
                    None => self.relation_filter(relation, alias, *quantifier, filter)?,
                }
            }
        })
    }

    fn combine(
        &self,
        def: &EntityDef,
        alias: &Alias,
        filters: &[Filter],
        all: bool,
        joined: &[(&'static str, &Alias)],
    ) -> Result<Expr, QueryError> {
        let mut parts = filters
            .iter()
            .map(|filter| self.filter_joined(def, alias, filter, joined));
        let Some(first) = parts.next() else {
            return Ok(if all { Self::always() } else { Self::never() });
        };
        parts.try_fold(first?, |acc, part| {
            Ok(if all { acc.and(part?) } else { acc.or(part?) })
        })
    }

    fn relation_filter(
        &self,
        relation: &RelationDef,
        alias: &Alias,
        quantifier: Quantifier,
        filter: &Filter,
    ) -> Result<Expr, QueryError> {
        // The related alias is only known inside `related`, so compile against a reserved one.
        let target = self.alias();
        let condition = self.filter(relation.target, &target, filter)?;
        let build = |condition: Option<Expr>| {
            let mut select = self.rows_related_to(relation, alias, &target);
            if let Some(condition) = condition {
                select.and_where(condition);
            }
            select
        };
        Ok(match quantifier {
            Quantifier::Is | Quantifier::Some => Expr::exists(build(Some(condition))),
            Quantifier::None => Expr::not_exists(build(Some(condition))),
            Quantifier::Every => Expr::not_exists(build(Some(condition.not()))),
        })
    }

    fn predicate(
        &self,
        field: &FieldDef,
        alias: &Alias,
        predicate: &Predicate,
        insensitive: bool,
    ) -> Result<Expr, QueryError> {
        let raw = self.field_expr(field, alias);
        let folding = insensitive && field.kind == Kind::Text;
        let value_expr = |expr: Expr| if folding { self.fold_case(expr) } else { expr };
        let ordered = |expr: Expr| {
            if field.kind == Kind::Text {
                self.collated(expr)
            } else {
                expr
            }
        };
        let value = |scalar: &Scalar| -> Result<Value, QueryError> {
            let value = to_value(field, scalar)?;
            Ok(match (&value, folding) {
                (Value::String(Some(text)), true) => Value::from(text.to_ascii_lowercase()),
                _ => value,
            })
        };
        let present = raw.clone().is_not_null();
        let lhs = value_expr(raw.clone());
        Ok(match predicate {
            Predicate::IsNull(true) => raw.is_null(),
            Predicate::IsNull(false) => raw.is_not_null(),
            Predicate::Eq(v) => present.and(lhs.eq(value(v)?)),
            Predicate::Ne(v) => raw.is_null().or(lhs.ne(value(v)?)),
            Predicate::In(values) if values.is_empty() => Self::never(),
            Predicate::NotIn(values) if values.is_empty() => Self::always(),
            Predicate::In(values) => {
                present.and(lhs.is_in(values.iter().map(value).collect::<Result<Vec<_>, _>>()?))
            }
            Predicate::NotIn(values) => raw
                .is_null()
                .or(lhs.is_not_in(values.iter().map(value).collect::<Result<Vec<_>, _>>()?)),
            Predicate::Lt(v) => present.and(ordered(lhs).lt(ordered(Expr::val(value(v)?)))),
            Predicate::Lte(v) => present.and(ordered(lhs).lte(ordered(Expr::val(value(v)?)))),
            Predicate::Gt(v) => present.and(ordered(lhs).gt(ordered(Expr::val(value(v)?)))),
            Predicate::Gte(v) => present.and(ordered(lhs).gte(ordered(Expr::val(value(v)?)))),
            Predicate::Contains(text) => {
                present.and(lhs.like(escaped(&format!("%{}%", escape_like(&fold(text, folding))))))
            }
            Predicate::StartsWith(text) => {
                present.and(lhs.like(escaped(&format!("{}%", escape_like(&fold(text, folding))))))
            }
            Predicate::EndsWith(text) => {
                present.and(lhs.like(escaped(&format!("%{}", escape_like(&fold(text, folding))))))
            }
            Predicate::Like(pattern) => {
                let pattern = self.literal_backslashes(fold(pattern, folding));
                present.and(lhs.like(LikeExpr::new(pattern)))
            }
        })
    }
}

fn fold(text: &str, folding: bool) -> String {
    if folding {
        text.to_ascii_lowercase()
    } else {
        text.to_owned()
    }
}

/// Escapes `LIKE` metacharacters so that the text matches literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn escaped(pattern: &str) -> LikeExpr {
    LikeExpr::new(pattern).escape('\\')
}

/// The bound value for comparing `field` with `scalar`, checked against the field's kind.
pub fn to_value(field: &FieldDef, scalar: &Scalar) -> Result<Value, QueryError> {
    let mismatch = || {
        QueryError::bad_input(
            field.name,
            format!("{} cannot be compared with {scalar:?}", field.name),
        )
    };
    Ok(match (field.kind, scalar) {
        (Kind::Text, Scalar::Text(text)) => Value::from(text.clone()),
        (Kind::Int, Scalar::Int(n)) => Value::from(*n),
        (Kind::Int, Scalar::Text(text)) => Value::from(ids::numeric(text).ok_or_else(|| {
            QueryError::bad_input(
                field.name,
                format!("`{text}` is not an id: write it in decimal digits, with no sign or leading zero"),
            )
        })?),
        (Kind::Bool, Scalar::Bool(b)) => Value::from(*b),
        (Kind::DateTime, Scalar::DateTime(instant)) => Value::from(*instant),
        (Kind::Ppb, Scalar::Decimal(decimal)) => Value::from(to_ppb(field.name, *decimal)?),
        _ => return Err(mismatch()),
    })
}

/// A decimal as parts per billion; more than nine decimal places cannot be compared exactly.
pub fn to_ppb(name: &str, decimal: Decimal) -> Result<i64, QueryError> {
    scores::to_ppb(decimal).map_err(|fault| {
        let message = match fault {
            PpbFault::TooPrecise => "scores have at most nine decimal places",
            PpbFault::OutOfRange => "the value is out of range",
        };
        QueryError::bad_input(name, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(escape_like(r"50%_off\"), r"50\%\_off\\");
    }
}

#[cfg(test)]
mod render_tests {
    use sea_orm::sea_query::{Alias, Query, SqliteQueryBuilder};

    use super::*;
    use crate::catalog::CYCLE;

    #[test]
    fn computed_fields_are_parenthesised_under_comparisons() {
        let c = Compiler::new(DbBackend::Sqlite, chrono::Utc::now());
        let active = CYCLE.field("active").unwrap();
        let condition = c
            .predicate(
                active,
                &Alias::new("t0"),
                &Predicate::Eq(Scalar::Bool(false)),
                false,
            )
            .unwrap();
        let sql = Query::select()
            .expr(Expr::val(1))
            .and_where(condition)
            .to_string(SqliteQueryBuilder);
        assert!(
            sql.contains(r#"("t0"."starts_at" <= "#) && sql.contains(") = FALSE"),
            "{sql}"
        );
    }
}
