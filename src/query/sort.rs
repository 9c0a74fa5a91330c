//! Sort keys: fields, fields of to-one relations at any depth, and sizes of to-many relations.
//! The primary key always ends the order, so every order is total and cursors are stable.

use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, JoinType, NullOrdering, Order, SelectStatement,
};

use crate::query::QueryError;
use crate::query::compile::Compiler;
use crate::query::def::{EntityDef, Join, Kind};

/// What a sort key sorts by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SortPath {
    /// A field of the row.
    Field(&'static str),
    /// A field reached through a to-one relation.
    Relation(&'static str, Box<SortPath>),
    /// The number of live rows of a to-many relation.
    Count(&'static str),
}

/// One key of an order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// What to sort by.
    pub path: SortPath,
    /// Largest first.
    pub descending: bool,
    /// Nulls before values.
    pub nulls_first: bool,
}

impl SortKey {
    /// Ascending with nulls last.
    pub fn asc(path: SortPath) -> Self {
        Self {
            path,
            descending: false,
            nulls_first: false,
        }
    }

    /// Descending with nulls last.
    pub fn desc(path: SortPath) -> Self {
        Self {
            path,
            descending: true,
            nulls_first: false,
        }
    }

    /// The same key in the opposite direction (used to read a page backwards).
    pub fn reversed(&self) -> Self {
        Self {
            path: self.path.clone(),
            descending: !self.descending,
            nulls_first: !self.nulls_first,
        }
    }

    fn describe(&self) -> String {
        let direction = if self.descending { "d" } else { "a" };
        let nulls = if self.nulls_first { "f" } else { "l" };
        format!("{:?}{direction}{nulls}", self.path)
    }
}

/// A sort key compiled for one statement.
#[derive(Clone)]
pub struct CompiledKey {
    /// The SQL value.
    pub expr: Expr,
    /// Its kind, to read and encode it.
    pub kind: Kind,
    /// Largest first.
    pub descending: bool,
    /// Nulls before values.
    pub nulls_first: bool,
}

impl CompiledKey {
    /// The sea-query order of this key.
    pub fn order(&self) -> (Order, NullOrdering) {
        let order = if self.descending {
            Order::Desc
        } else {
            Order::Asc
        };
        let nulls = if self.nulls_first {
            NullOrdering::First
        } else {
            NullOrdering::Last
        };
        (order, nulls)
    }
}

/// The full order: `keys`, then the primary key ascending.
pub fn with_primary_key(def: &EntityDef, keys: &[SortKey]) -> Vec<SortKey> {
    let mut keys = keys.to_vec();
    keys.push(SortKey::asc(SortPath::Field(def.pk.0)));
    keys
}

/// A string that identifies an order; a cursor is only valid for the order it came from.
pub fn signature(keys: &[SortKey]) -> String {
    keys.iter()
        .map(SortKey::describe)
        .collect::<Vec<_>>()
        .join(",")
}

/// An order compiled for one statement: its keys, and the to-one rows they read.
#[derive(Clone)]
pub struct CompiledOrder {
    /// The keys, in order.
    pub keys: Vec<CompiledKey>,
    joins: Vec<SortJoin>,
}

/// A to-one related row a key reads: `LEFT JOIN table AS alias ON on`.
#[derive(Clone)]
struct SortJoin {
    table: &'static str,
    alias: Alias,
    on: Expr,
}

impl CompiledOrder {
    /// Adds the joins the keys read to `select` (whose row the keys were compiled over).
    pub fn join_into(&self, select: &mut SelectStatement) {
        for join in &self.joins {
            select.join_as(
                JoinType::LeftJoin,
                Alias::new(join.table),
                join.alias.clone(),
                join.on.clone(),
            );
        }
    }
}

/// Compiles `keys` (already ending in the primary key) over the row at `alias`.
///
/// A field of a to-one relation is read through a `LEFT JOIN` on the related row's primary key
/// (with its liveness in the join condition), not a correlated subquery: PostgreSQL can then
/// filter before it sorts and joins once per row instead of evaluating the subquery twice
/// (measured at the `large` benchmark scale on objectives ordered by their OKR's `insertedAt`:
/// 1.4 s as subqueries, 0.18 s joined, together with the liveness pruning in `compile`).
pub fn compile(
    c: &Compiler,
    def: &EntityDef,
    alias: &Alias,
    keys: &[SortKey],
) -> Result<CompiledOrder, QueryError> {
    let mut joins = Vec::new();
    let keys = keys
        .iter()
        .map(|key| {
            let (expr, kind) = path_expr(c, def, alias, &key.path, &mut joins)?;
            let expr = if kind == Kind::Text {
                c.collated(expr)
            } else {
                expr
            };
            Ok(CompiledKey {
                expr,
                kind,
                descending: key.descending,
                nulls_first: key.nulls_first,
            })
        })
        .collect::<Result<_, QueryError>>()?;
    Ok(CompiledOrder { keys, joins })
}

fn path_expr(
    c: &Compiler,
    def: &EntityDef,
    alias: &Alias,
    path: &SortPath,
    joins: &mut Vec<SortJoin>,
) -> Result<(Expr, Kind), QueryError> {
    let unknown = |name: &str| {
        QueryError::bad_input(
            "orderBy",
            format!("{} cannot be sorted by {name}", def.name),
        )
    };
    match path {
        SortPath::Field(name) if *name == def.pk.0 => {
            Ok((Compiler::column(alias, def.pk.0), def.pk.1))
        }
        SortPath::Field(name) => {
            let field = def.field(name).ok_or_else(|| unknown(name))?;
            Ok((c.field_expr(field, alias), field.kind))
        }
        SortPath::Relation(name, inner) => {
            let relation = def
                .relation(name)
                .filter(|r| !r.many)
                .ok_or_else(|| unknown(name))?;
            let target = c.alias();
            match relation.join {
                // At most one row: the join is on the related row's primary key.
                Join::Column { local, remote } if remote == relation.target.pk.0 => {
                    let on = Compiler::column(&target, remote)
                        .eq(Compiler::column(alias, local))
                        .and(c.live(relation.target, &target));
                    joins.push(SortJoin {
                        table: relation.target.table,
                        alias: target.clone(),
                        on,
                    });
                    path_expr(c, relation.target, &target, inner, joins)
                }
                _ => {
                    let (value, kind) = path_expr(c, relation.target, &target, inner, joins)?;
                    let mut select = related_scalar(c, def, alias, relation, &target);
                    select.expr(value).limit(1);
                    Ok((Expr::SubQuery(None, Box::new(select.into())), kind))
                }
            }
        }
        SortPath::Count(name) => {
            let relation = def
                .relation(name)
                .filter(|r| r.many)
                .ok_or_else(|| unknown(name))?;
            let target = c.alias();
            let mut select = related_scalar(c, def, alias, relation, &target);
            select.expr(Func::count(Expr::val(1)));
            Ok((Expr::SubQuery(None, Box::new(select.into())), Kind::Int))
        }
    }
}

/// The live related rows of `alias` through `relation`, selecting nothing yet.
fn related_scalar(
    c: &Compiler,
    def: &EntityDef,
    alias: &Alias,
    relation: &crate::query::def::RelationDef,
    target: &Alias,
) -> SelectStatement {
    let mut select = c.related_rows(relation, target);
    select.clear_selects();
    let parent = Compiler::column(alias, Compiler::parent_column(relation, def));
    select.and_where(c.parent_key(relation, target).eq(parent));
    select
}
