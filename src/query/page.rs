//! Reading pages: one list, or one page per parent for many parents in one statement.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use sea_orm::sea_query::{
    Alias, ArrayType, Asterisk, Expr, ExprTrait, Func, JoinType, OverStatement, Query,
    SelectStatement, Value, WindowStatement,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult};
use serde_json::Value as Json;

use crate::catalog::def::Join;
use crate::catalog::{EntityDef, Kind, RelationDef};
use crate::error::DomainError;
use crate::query::compile::Compiler;
use crate::query::cursor::{self, Cursor};
use crate::query::filter::Filter;
use crate::query::rows::{self, Cell, Positional};
use crate::query::sort::{self, CompiledKey, CompiledOrder, SortKey};
use crate::query::{QueryError, statements};

/// Page size when the client asks for none.
pub const DEFAULT_PAGE_SIZE: u64 = 50;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 500;

/// The paging arguments of a connection field, as the client sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    /// Rows after the cursor `after`, at most this many.
    pub first: Option<i64>,
    /// Start after this cursor.
    pub after: Option<String>,
    /// Rows before the cursor `before`, at most this many (the last ones).
    pub last: Option<i64>,
    /// End before this cursor.
    pub before: Option<String>,
    /// Skip this many rows first (with `first` only).
    pub offset: Option<i64>,
}

/// What to read: which rows, in which order, which page.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ListSpec {
    /// Which rows (liveness is always added).
    pub filter: FilterKey,
    /// The order, without the primary key (it is appended).
    pub sort: Vec<SortKey>,
    /// Which page.
    pub page: PageArgs,
}

/// A filter usable as a DataLoader key: compared and hashed by its debug form.
#[derive(Clone, Debug)]
pub struct FilterKey(pub Filter, std::borrow::Cow<'static, str>);

impl FilterKey {
    /// Wraps a filter. The usual one, no filter at all, needs no formatting.
    pub fn new(filter: Filter) -> Self {
        let text = match filter {
            Filter::True => std::borrow::Cow::Borrowed("True"),
            _ => std::borrow::Cow::Owned(format!("{filter:?}")),
        };
        Self(filter, text)
    }
}

impl PartialEq for FilterKey {
    fn eq(&self, other: &Self) -> bool {
        self.1 == other.1
    }
}

impl Eq for FilterKey {}

impl Hash for FilterKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.1.hash(state);
    }
}

/// A validated page request.
struct Window {
    limit: u64,
    offset: u64,
    backward: bool,
    cursor: Option<Vec<Option<Value>>>,
}

/// One page of rows with their cursors.
#[derive(Clone, Debug)]
pub struct Page<M> {
    /// The rows and each row's cursor, in order.
    pub rows: Vec<(M, Cursor)>,
    /// More rows follow the last one.
    pub has_next: bool,
    /// Rows come before the first one.
    pub has_previous: bool,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            has_next: false,
            has_previous: false,
        }
    }
}

/// A parent's key: numeric ids, or user ids.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ParentKey {
    /// A numeric id.
    Int(i64),
    /// A text id.
    Text(String),
}

impl ParentKey {
    fn value(&self) -> Value {
        match self {
            Self::Int(id) => Value::from(*id),
            Self::Text(id) => Value::from(id.clone()),
        }
    }

    /// The key in column `index` of `row`.
    fn read(row: &QueryResult, kind: Kind, index: usize) -> Result<Self, DbErr> {
        Ok(match kind {
            Kind::Text => Self::Text(Cell::read(row, index)?),
            _ => Self::Int(Cell::read(row, index)?),
        })
    }
}

fn window(args: &PageArgs, signature: &str, kinds: &[Kind]) -> Result<Window, QueryError> {
    let size = |value: Option<i64>, path: &str| -> Result<Option<u64>, QueryError> {
        match value {
            None => Ok(None),
            Some(n) if n < 0 => Err(QueryError::bad_input(
                path,
                format!("`{path}` cannot be negative"),
            )),
            Some(n) if n as u64 > MAX_PAGE_SIZE => Err(QueryError::bad_input(
                path,
                format!("`{path}` can be at most {MAX_PAGE_SIZE}"),
            )),
            Some(n) => Ok(Some(n as u64)),
        }
    };
    let first = size(args.first, "first")?;
    let last = size(args.last, "last")?;
    let offset = match args.offset {
        None => 0,
        Some(n) if n < 0 => {
            return Err(QueryError::bad_input(
                "offset",
                "`offset` cannot be negative",
            ));
        }
        Some(n) => n as u64,
    };
    if first.is_some() && last.is_some() {
        return Err(QueryError::bad_input(
            "last",
            "use either `first` or `last`, not both",
        ));
    }
    if last.is_some() && offset > 0 {
        return Err(QueryError::bad_input(
            "offset",
            "`offset` goes with `first`, not `last`",
        ));
    }
    if args.after.is_some() && args.before.is_some() {
        return Err(QueryError::bad_input(
            "before",
            "use either `after` or `before`, not both",
        ));
    }
    let backward = last.is_some() || (args.before.is_some() && first.is_none());
    let (cursor, path) = if backward {
        (&args.before, "before")
    } else {
        (&args.after, "after")
    };
    if !backward && args.before.is_some() {
        return Err(QueryError::bad_input("before", "`before` goes with `last`"));
    }
    let cursor = cursor
        .as_deref()
        .map(|c| cursor::decode(c, signature, kinds, path))
        .transpose()?;
    Ok(Window {
        limit: first.or(last).unwrap_or(DEFAULT_PAGE_SIZE),
        offset,
        backward,
        cursor,
    })
}

/// Rows strictly after `values` (`None` for a null key) in the order of `keys`.
fn after(c: &Compiler, keys: &[CompiledKey], values: &[Option<Value>]) -> Expr {
    let Some((key, rest)) = keys.split_first() else {
        return Compiler::never();
    };
    let beyond = match &values[0] {
        None if key.nulls_first => key.expr.clone().is_not_null(),
        None => Compiler::never(),
        Some(value) => {
            let v = bound(c, key, value);
            let strictly = if key.descending {
                key.expr.clone().lt(v)
            } else {
                key.expr.clone().gt(v)
            };
            if !key.nullable {
                strictly
            } else if key.nulls_first {
                key.expr.clone().is_not_null().and(strictly)
            } else {
                key.expr
                    .clone()
                    .is_not_null()
                    .and(strictly)
                    .or(key.expr.clone().is_null())
            }
        }
    };
    let equal = match &values[0] {
        None => key.expr.clone().is_null(),
        Some(value) => key.expr.clone().eq(bound(c, key, value)),
    };
    if rest.is_empty() {
        beyond
    } else {
        beyond.or(equal.and(after(c, rest, &values[1..])))
    }
}

/// `after`, plus the bound it implies on the first key when that key is never null: the
/// `OR` of `after` hides it from the planner, and as a plain range it lets an index on the
/// key start reading at the cursor instead of at the beginning.
fn after_bounded(c: &Compiler, keys: &[CompiledKey], values: &[Option<Value>]) -> Expr {
    let condition = after(c, keys, values);
    match (keys.first(), values.first()) {
        (Some(key), Some(Some(value))) if !key.nullable && keys.len() > 1 => {
            let v = bound(c, key, value);
            let range = if key.descending {
                key.expr.clone().lte(v)
            } else {
                key.expr.clone().gte(v)
            };
            range.and(condition)
        }
        _ => condition,
    }
}

/// A cursor value, collated like its key when it is text.
fn bound(c: &Compiler, key: &CompiledKey, value: &Value) -> Expr {
    let value = Expr::val(value.clone());
    if key.kind == Kind::Text {
        c.collated(value)
    } else {
        value
    }
}

/// Adds the sort keys as `__k0…` columns and, unless partitioned, the `ORDER BY`.
fn select_keys(select: &mut SelectStatement, keys: &[CompiledKey], order: bool) {
    for (i, key) in keys.iter().enumerate() {
        select.expr_as(key.expr.clone(), Alias::new(cursor::key_column(i)));
        if order {
            key.order_into(select);
        }
    }
}

/// What a page read needs before its SQL: the order's signature, the kinds of its keys, the
/// validated window, and the order compiled over the row at `t` in reading direction.
struct Plan {
    signature: String,
    kinds: Vec<Kind>,
    win: Window,
    order: CompiledOrder,
}

/// Plans reading `spec` from `def`. The order is compiled once, and again reversed only for a
/// backward page (the kinds of the keys are the same in both directions).
fn plan(c: &Compiler, def: &EntityDef, t: &Alias, spec: &ListSpec) -> Result<Plan, QueryError> {
    let keys = sort::with_primary_key(def, &spec.sort);
    let signature = sort::signature(&keys);
    let forward = sort::compile(c, def, t, &keys)?;
    let kinds: Vec<Kind> = forward.keys.iter().map(|k| k.kind).collect();
    let win = window(&spec.page, &signature, &kinds)?;
    let order = if win.backward {
        let reversed: Vec<SortKey> = keys.iter().map(SortKey::reversed).collect();
        sort::compile(c, def, t, &reversed)?
    } else {
        forward
    };
    Ok(Plan {
        signature,
        kinds,
        win,
        order,
    })
}

fn finish<M>(mut rows: Vec<(M, Vec<Json>)>, win: &Window, signature: &str) -> Page<M> {
    let more = rows.len() as u64 > win.limit;
    rows.truncate(win.limit as usize);
    if win.backward {
        rows.reverse();
    }
    let signature: Arc<str> = Arc::from(signature);
    let rows = rows
        .into_iter()
        .map(|(model, keys)| (model, Cursor::new(signature.clone(), keys)))
        .collect();
    let (has_next, has_previous) = if win.backward {
        (win.cursor.is_some(), more)
    } else {
        (more, win.cursor.is_some() || win.offset > 0)
    };
    Page {
        rows,
        has_next,
        has_previous,
    }
}

/// One page of the live rows of `def` that match `spec`.
pub async fn list<M: Positional>(
    db: &DatabaseConnection,
    def: &'static EntityDef,
    spec: &ListSpec,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Page<M>, DomainError> {
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let Plan {
        signature,
        kinds,
        win,
        order,
    } = plan(&c, def, &t, spec)?;
    let mut select = Query::select();
    rows::select_columns::<M>(&mut select, &t);
    select
        .from_as(Alias::new(def.table), t.clone())
        .and_where(c.live_joined(def, &t, &order.joined_parents()))
        .and_where(ordered_filter(&c, def, &t, &spec.filter.0, &order)?);
    order.join_into(&mut select);
    if let Some(values) = &win.cursor {
        select.and_where(after_bounded(&c, &order.keys, values));
    }
    select_keys(&mut select, &order.keys, true);
    select.limit(win.limit + 1).offset(win.offset);
    let rows = statements::fetch_all(db, &select).await?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok((
                M::read(row)?,
                cursor::read_keys(row, &kinds, M::COLUMNS.len())?,
            ))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(finish(rows, &win, &signature))
}

/// Compiles `filter` over the listed row at `t`, reading a condition on a to-one relation
/// that `order` inner-joins from the joined row (see [`Compiler::filter_joined`]).
fn ordered_filter(
    c: &Compiler,
    def: &EntityDef,
    t: &Alias,
    filter: &Filter,
    order: &CompiledOrder,
) -> Result<Expr, QueryError> {
    let joined_rows: Vec<_> = order.joined_rows().collect();
    c.filter_joined(def, t, filter, &joined_rows)
}

/// How many live rows of `def` match `filter`.
pub async fn count(
    db: &DatabaseConnection,
    def: &'static EntityDef,
    filter: &Filter,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DomainError> {
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let mut select = Query::select();
    select
        .expr_as(Func::count(Expr::cust("*")), Alias::new("n"))
        .from_as(Alias::new(def.table), t.clone())
        .and_where(c.live(def, &t))
        .and_where(c.filter(def, &t, filter)?);
    let rows = statements::fetch_all(db, &select).await?;
    let n: i64 = rows
        .first()
        .map(|row| Cell::read(row, 0))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The live related rows of each parent through `relation`, as a select of the columns of
/// `M` followed by a `__parent` column, restricted to `parents`, before paging.
fn children_select<M: Positional>(
    c: &Compiler,
    relation: &RelationDef,
    parents: &[ParentKey],
    filter: &Filter,
    t: &Alias,
    order: &CompiledOrder,
) -> Result<SelectStatement, QueryError> {
    let mut joined = order.joined_parents();
    let live_parents = Compiler::joinable_parents(relation.target, Some(relation), &joined);
    joined.extend(live_parents.iter().map(|parent| parent.name));
    let mut select = c.related_rows_joined(relation, t, &joined);
    select.clear_selects();
    c.join_parents(&mut select, t, &live_parents);
    rows::select_columns::<M>(&mut select, t);
    let parent = c.parent_key(relation, t);
    select
        .expr_as(parent.clone(), Alias::new("__parent"))
        .and_where(one_of(c, parent, parents))
        .and_where(ordered_filter(c, relation.target, t, filter, order)?);
    order.join_into(&mut select);
    Ok(select)
}

/// `expr` is one of `keys`. On PostgreSQL the keys are one array parameter (`= ANY($1)`), so
/// the statement's text, and with it its prepared statement and cached plan, is the same
/// whatever the number of keys; SQLite has no arrays and gets an `IN` list.
fn one_of(c: &Compiler, expr: Expr, keys: &[ParentKey]) -> Expr {
    if keys.is_empty() {
        return Compiler::never();
    }
    if c.backend() != sea_orm::DbBackend::Postgres {
        return expr.is_in(keys.iter().map(ParentKey::value));
    }
    let element = match keys.first() {
        Some(ParentKey::Text(_)) => ArrayType::String,
        _ => ArrayType::BigInt,
    };
    let values = keys.iter().map(ParentKey::value).collect();
    let array = Value::Array(element, Some(Box::new(values)));
    Expr::cust_with_exprs("$1 = ANY($2)", [expr, Expr::val(array)])
}

/// One page per parent, for all `parents` in one statement (window functions partitioned by
/// parent). Parents without rows get an empty page.
pub async fn list_children<M: Positional>(
    db: &DatabaseConnection,
    owner: &'static EntityDef,
    relation: &'static RelationDef,
    parents: &[ParentKey],
    spec: &ListSpec,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<ParentKey, Page<M>>, DomainError> {
    let def = relation.target;
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let Plan {
        signature,
        kinds,
        win,
        order,
    } = plan(&c, def, &t, spec)?;
    let mut inner = children_select::<M>(&c, relation, parents, &spec.filter.0, &t, &order)?;
    if let Some(values) = &win.cursor {
        inner.and_where(after_bounded(&c, &order.keys, values));
    }
    select_keys(&mut inner, &order.keys, false);
    let mut numbering = WindowStatement::new();
    for key in &order.keys {
        key.order_into(&mut numbering);
    }
    let numbering = partitioned(numbering, c.parent_key(relation, &t));
    inner.expr_window_as(Expr::cust("ROW_NUMBER()"), numbering, Alias::new("__rn"));
    let sub = Alias::new("page");
    let mut select = Query::select();
    select
        .column(Asterisk)
        .from_subquery(inner, sub.clone())
        .and_where(Expr::col((sub.clone(), Alias::new("__rn"))).gt(win.offset as i64))
        .and_where(
            Expr::col((sub.clone(), Alias::new("__rn"))).lte((win.offset + win.limit + 1) as i64),
        )
        .order_by(
            (sub.clone(), Alias::new("__parent")),
            sea_orm::sea_query::Order::Asc,
        )
        .order_by((sub, Alias::new("__rn")), sea_orm::sea_query::Order::Asc);
    let rows = statements::fetch_all(db, &select).await?;
    let mut grouped: HashMap<ParentKey, Vec<(M, Vec<Json>)>> = HashMap::new();
    // Columns: the model's, `__parent`, the sort keys, `__rn`.
    let parent_column = M::COLUMNS.len();
    for row in &rows {
        let parent = ParentKey::read(row, owner.pk.1, parent_column)?;
        grouped.entry(parent).or_default().push((
            M::read(row)?,
            cursor::read_keys(row, &kinds, parent_column + 1)?,
        ));
    }
    Ok(parents
        .iter()
        .map(|parent| {
            let rows = grouped.remove(parent).unwrap_or_default();
            (parent.clone(), finish(rows, &win, &signature))
        })
        .collect())
}

fn partitioned(mut window: WindowStatement, parent: Expr) -> WindowStatement {
    window.add_partition_by(parent);
    window
}

/// The live row related to each of `parents` through a to-one relation keyed on the related
/// side (an OKR's reflection, an objective's assessment: at most one live row per parent, by a
/// unique index on live rows), for all `parents` in one statement. Unlike a page of one row it
/// needs no window function and no cursor; should a parent have several rows, the one with
/// the lowest primary key is taken, as a one-row page would.
pub async fn one_per_parent<M: Positional>(
    db: &DatabaseConnection,
    owner: &'static EntityDef,
    relation: &'static RelationDef,
    parents: &[ParentKey],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<ParentKey, M>, DomainError> {
    let def = relation.target;
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let order = sort::compile(&c, def, &t, &sort::with_primary_key(def, &[]))?;
    let mut select = children_select::<M>(&c, relation, parents, &Filter::True, &t, &order)?;
    for key in &order.keys {
        key.order_into(&mut select);
    }
    let rows = statements::fetch_all(db, &select).await?;
    // Columns: the model's, then `__parent`.
    let mut found = HashMap::with_capacity(rows.len());
    for row in &rows {
        let parent = ParentKey::read(row, owner.pk.1, M::COLUMNS.len())?;
        if let std::collections::hash_map::Entry::Vacant(slot) = found.entry(parent) {
            slot.insert(M::read(row)?);
        }
    }
    Ok(found)
}

/// How many live related rows match `filter`, per parent, in one statement.
pub async fn count_children(
    db: &DatabaseConnection,
    owner: &'static EntityDef,
    relation: &'static RelationDef,
    parents: &[ParentKey],
    filter: &Filter,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<ParentKey, u64>, DomainError> {
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let mut select = c.related_rows(relation, &t);
    select.clear_selects();
    let parent = c.parent_key(relation, &t);
    select
        .expr_as(parent.clone(), Alias::new("__parent"))
        .expr_as(Func::count(Expr::cust("*")), Alias::new("n"))
        .and_where(one_of(&c, parent.clone(), parents))
        .and_where(c.filter(relation.target, &t, filter)?)
        .add_group_by([parent]);
    let rows = statements::fetch_all(db, &select).await?;
    let mut counts: HashMap<ParentKey, u64> = parents.iter().map(|p| (p.clone(), 0)).collect();
    for row in &rows {
        let n: i64 = Cell::read(row, 1)?;
        counts.insert(
            ParentKey::read(row, owner.pk.1, 0)?,
            u64::try_from(n).unwrap_or(0),
        );
    }
    Ok(counts)
}

/// The live rows of `def` with these primary keys (missing or deleted ones are left out).
pub async fn by_keys<M: Positional>(
    db: &DatabaseConnection,
    def: &'static EntityDef,
    keys: &[ParentKey],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<M>, DomainError> {
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let mut select = Query::select();
    rows::select_columns::<M>(&mut select, &t);
    select
        .from_as(Alias::new(def.table), t.clone())
        .and_where(one_of(&c, Compiler::column(&t, def.pk.0), keys))
        .and_where(c.live(def, &t));
    let rows = statements::fetch_all(db, &select).await?;
    Ok(rows.iter().map(M::read).collect::<Result<_, _>>()?)
}

/// For each row of `def` with one of `keys`, the rows that its to-one relations `first` and
/// `second` lead to (either or both may be missing), in one statement with two left joins,
/// deleted rows included on every side: what a row names stays named (an OKR its deleted
/// owner group, decisions.md 25). Reading an OKR's owner this way takes one batch where the
/// OKR and then its user or group took two.
pub async fn to_one_pair<A: Positional, B: Positional>(
    db: &DatabaseConnection,
    def: &'static EntityDef,
    (first, second): (&'static RelationDef, &'static RelationDef),
    keys: &[ParentKey],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<ParentKey, (Option<A>, Option<B>)>, DomainError> {
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let mut select = keyed_rows(&c, def, &t, keys);
    let mut joined = Vec::with_capacity(2);
    for relation in [first, second] {
        let Join::Column { local, remote } = relation.join else {
            return Err(DomainError::Internal(anyhow::anyhow!(
                "{}.{} is not a to-one relation by column",
                def.name,
                relation.name
            )));
        };
        let alias = c.alias();
        select.join_as(
            JoinType::LeftJoin,
            Alias::new(relation.target.table),
            alias.clone(),
            Compiler::column(&alias, remote).eq(Compiler::column(&t, local)),
        );
        // Whether the joined row exists: its key, null when the join found nothing.
        select.expr(Compiler::column(&alias, relation.target.pk.0));
        joined.push(alias);
    }
    rows::select_columns::<A>(&mut select, &joined[0]);
    rows::select_columns::<B>(&mut select, &joined[1]);
    let rows = statements::fetch_all(db, &select).await?;
    // Columns: `__parent`, the two joined keys, the columns of `A`, those of `B`.
    let (a_start, b_start) = (3, 3 + A::COLUMNS.len());
    let mut found = HashMap::with_capacity(rows.len());
    for row in &rows {
        let a = match present(row, first.target.pk.1, 1)? {
            true => Some(A::read_from(row, a_start)?),
            false => None,
        };
        let b = match present(row, second.target.pk.1, 2)? {
            true => Some(B::read_from(row, b_start)?),
            false => None,
        };
        found.insert(ParentKey::read(row, def.pk.1, 0)?, (a, b));
    }
    Ok(found)
}

/// `SELECT t.pk AS __parent FROM def AS t WHERE t.pk` is one of `keys`: rows by key, deleted
/// ones included, for the caller to add columns to.
fn keyed_rows(c: &Compiler, def: &EntityDef, t: &Alias, keys: &[ParentKey]) -> SelectStatement {
    let mut select = Query::select();
    select
        .expr_as(Compiler::column(t, def.pk.0), Alias::new("__parent"))
        .from_as(Alias::new(def.table), t.clone())
        .and_where(one_of(c, Compiler::column(t, def.pk.0), keys));
    select
}

/// Whether the key of kind `kind` in column `index` of `row` is not null.
fn present(row: &QueryResult, kind: Kind, index: usize) -> Result<bool, DbErr> {
    Ok(match kind {
        Kind::Text => <Option<String> as Cell>::read(row, index)?.is_some(),
        _ => <Option<i64> as Cell>::read(row, index)?.is_some(),
    })
}

/// The values of the named fields of the live rows with these keys, as integers
/// (computed scores and counts), read with the same SQL that filters and sorts use.
pub async fn int_fields(
    db: &impl ConnectionTrait,
    def: &'static EntityDef,
    fields: &[&'static str],
    keys: &[ParentKey],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<ParentKey, Vec<i64>>, DomainError> {
    let c = Compiler::new(db.get_database_backend(), now);
    let t = c.alias();
    let mut select = keyed_rows(&c, def, &t, keys);
    for (i, name) in fields.iter().enumerate() {
        let field = def.field(name).ok_or_else(|| {
            QueryError::bad_input(*name, format!("{} has no field {name}", def.name))
        })?;
        select.expr_as(c.field_expr(field, &t), Alias::new(format!("__f{i}")));
    }
    statements::reserve()?;
    let rows = db.query_all(&select).await?;
    let mut values = HashMap::new();
    for row in &rows {
        let key = ParentKey::read(row, def.pk.1, 0)?;
        let row_values = (1..=fields.len())
            .map(|i| <i64 as Cell>::read(row, i))
            .collect::<Result<Vec<_>, _>>()?;
        values.insert(key, row_values);
    }
    Ok(values)
}
