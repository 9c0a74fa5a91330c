//! Sort keys: fields, fields of to-one relations at any depth, and sizes of to-many relations.
//! The primary key always ends the order, so every order is total and cursors are stable.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, NullOrdering, Order, SelectStatement};

use crate::query::QueryError;
use crate::query::compile::Compiler;
use crate::query::def::{EntityDef, Kind};

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

/// Compiles `keys` (already ending in the primary key) over the row at `alias`.
pub fn compile(
    c: &Compiler,
    def: &EntityDef,
    alias: &Alias,
    keys: &[SortKey],
) -> Result<Vec<CompiledKey>, QueryError> {
    keys.iter()
        .map(|key| {
            let (expr, kind) = path_expr(c, def, alias, &key.path)?;
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
        .collect()
}

fn path_expr(
    c: &Compiler,
    def: &EntityDef,
    alias: &Alias,
    path: &SortPath,
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
            let (value, kind) = path_expr(c, relation.target, &target, inner)?;
            let mut select = related_scalar(c, def, alias, relation, &target);
            select.expr(value).limit(1);
            Ok((Expr::SubQuery(None, Box::new(select.into())), kind))
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
