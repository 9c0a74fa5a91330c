//! One generic store for every versioned table: find a live row, write a guarded update
//! (`… SET …, version = version + 1 WHERE id = ? AND version = ?`), soft-delete, and open a
//! write transaction.
//!
//! Write transactions: on SQLite they start with `BEGIN IMMEDIATE` (SeaORM's
//! `SqliteTransactionMode::Immediate`), so the write lock is taken before the first read and
//! concurrent writers queue on `busy_timeout` instead of failing when they try to upgrade a
//! stale read snapshot. That also makes every check-then-insert (cycle detection, one live
//! assessment) atomic on SQLite. On PostgreSQL the transaction is `READ COMMITTED`; races are
//! closed by row locks taken top-down ([`Lock`]), the guarded updates, the unique indexes
//! (mapped to `AlreadyExists`) and, for links, a transaction-level advisory lock
//! ([`lock_link_graph`]).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, QueryFilter, QuerySelect, QueryTrait, Related, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::catalog::EntityDef;
use crate::domain::changeset::Changeset;
use crate::domain::clock;
use crate::error::DomainError;
use crate::error::{Code, UserError};
use crate::query::compile::Compiler;
use crate::query::statements;

/// The row an update, cancel or delete is about, and the version the caller last saw.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// The row's id as the client sent it.
    pub id: String,
    /// The version the caller expects; a different stored version is `Stale`.
    pub expected_version: Option<i32>,
}

/// A table with an integer id, `version`, `updated_at` and maybe `deleted_at`.
pub trait Tracked: EntityTrait {
    /// The id column.
    fn id_col() -> Self::Column;
    /// The optimistic-concurrency version column.
    fn version_col() -> Self::Column;
    /// The last-change instant column.
    fn updated_at_col() -> Self::Column;
    /// The soft-delete column, if rows can be deleted.
    fn deleted_at_col() -> Option<Self::Column>;
    /// The version of a row.
    fn version_of(model: &Self::Model) -> i32;
    /// The resource's declaration: its liveness rules are the ones reads apply.
    fn def() -> &'static EntityDef;
}

/// Derives [`Tracked`] for every resource with an integer key from its declaration
/// ([`crate::catalog::resources`]): its soft-delete column is the one its liveness names.
macro_rules! tracked {
    ($(
        $(#[$doc:meta])*
        $name:ident($table:literal) $listing:ident($($plural:literal)?) {
            key: $pk:ident $pk_kind:ident;
            live: [$($live:ident($live_arg:ident)),* $(,)?];
            $($rest:tt)*
        }
    )*) => {
        pastey::paste! {
            $(tracked!(@one $pk_kind [<$name:snake>] [<$name:snake:upper>] $($live $live_arg)*);)*
        }
    };
    (@one Text $module:ident $def:ident $($live:tt)*) => {};
    (@one Int $module:ident $def:ident $($live:tt)*) => {
        impl Tracked for entity::$module::Entity {
            fn id_col() -> Self::Column {
                entity::$module::Column::Id
            }
            fn version_col() -> Self::Column {
                entity::$module::Column::Version
            }
            fn updated_at_col() -> Self::Column {
                entity::$module::Column::UpdatedAt
            }
            fn deleted_at_col() -> Option<Self::Column> {
                tracked!(@deleted $module $($live)*)
            }
            fn version_of(model: &Self::Model) -> i32 {
                model.version
            }
            fn def() -> &'static EntityDef {
                &crate::catalog::$def
            }
        }
    };
    (@deleted $module:ident) => {
        None
    };
    (@deleted $module:ident deleted $column:ident $($more:tt)*) => {
        pastey::paste! { Some(entity::$module::Column::[<$column:camel>]) }
    };
    (@deleted $module:ident parent $relation:ident $($more:tt)*) => {
        tracked!(@deleted $module $($more)*)
    };
}

crate::catalog::resources!(tracked);

/// A column and the value an update gives it.
pub type Change<E> = (<E as EntityTrait>::Column, Expr);

/// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, see the module docs). The time
/// to get its connection (and begin) counts as the request's pool wait.
pub async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DomainError> {
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    let asked = std::time::Instant::now();
    let txn = db.begin_with_options(options).await?;
    statements::waited_for_connection(asked.elapsed());
    Ok(txn)
}

/// Serialises link writers on PostgreSQL until the transaction ends, so two links that
/// together would close a cycle cannot both pass the check. SQLite's `BEGIN IMMEDIATE`
/// already serialises all writers.
pub async fn lock_link_graph(txn: &DatabaseTransaction) -> Result<(), DomainError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7340021)")
            .await?;
    }
    Ok(())
}

/// The condition "the row is not deleted itself" (always true for tables without
/// `deleted_at`); what a unique index over live rows counts. Whether a row is live is
/// [`live`].
pub fn not_deleted<E: Tracked>() -> sea_orm::Condition {
    match E::deleted_at_col() {
        Some(deleted_at) => sea_orm::Condition::all().add(deleted_at.is_null()),
        None => sea_orm::Condition::all(),
    }
}

/// How a write transaction locks a row it reads, until it ends. PostgreSQL only: SQLite's
/// `BEGIN IMMEDIATE` already serialises writers, and sea-query leaves the clause out there.
///
/// The rule that keeps writers free of deadlocks: lock from the top of the tree down (an
/// OKR, then an objective, then what hangs under it), a parent with [`Lock::Share`] when
/// writing under it, and the row a write changes or deletes with [`Lock::Exclusive`].
/// A child created under a parent therefore waits for a concurrent delete of that parent to
/// commit and then finds it gone, and a delete waits for children being created to commit and
/// then deletes them too (decisions.md 27).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// A plain read (`SELECT`).
    None,
    /// `FOR SHARE`: the parent of a row being written; many writers may hold it at once.
    Share,
    /// `FOR UPDATE`: the row being changed or deleted.
    Exclusive,
}

impl Lock {
    /// `select` with this lock's clause.
    pub fn apply<S: QuerySelect>(self, select: S) -> S {
        match self {
            Self::None => select,
            Self::Share => select.lock_shared(),
            Self::Exclusive => select.lock_exclusive(),
        }
    }
}

/// The live row with this id.
pub async fn find_live<E: Tracked>(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<E::Model>, DomainError> {
    find_locked::<E>(db, id, Lock::None).await
}

/// The condition "the row is live" as reads see it: the resource's declared liveness rules
/// ([`crate::catalog::Live`]), its parents' included, compiled by the read engine over the
/// table the statement selects from. So a write reaches exactly the rows a read shows.
pub fn live<E: Tracked>(backend: DbBackend) -> Expr {
    let table = Alias::new(E::def().table);
    Compiler::new(backend, clock::now()).live(E::def(), &table)
}

/// The live row with this id, locked as `lock` says.
pub async fn find_locked<E: Tracked>(
    db: &impl ConnectionTrait,
    id: i64,
    lock: Lock,
) -> Result<Option<E::Model>, DomainError> {
    let select = E::find()
        .filter(E::id_col().eq(id))
        .filter(live::<E>(db.get_database_backend()));
    Ok(lock.apply(select).one(db).await?)
}

/// The live row with this id, locked as `lock` says, with its parent `P` read in the same
/// statement. Only the row is locked (`FOR SHARE OF` / `FOR UPDATE OF` its table), exactly
/// as [`find_locked`] locks it: the parent is read, not locked.
pub async fn find_locked_with_parent<E, P>(
    db: &impl ConnectionTrait,
    id: i64,
    lock: Lock,
) -> Result<Option<(E::Model, P::Model)>, DomainError>
where
    E: Tracked + Related<P>,
    P: EntityTrait,
{
    let mut select = E::find()
        .filter(E::id_col().eq(id))
        .filter(live::<E>(db.get_database_backend()))
        .find_also_related(P::default());
    let clause = match lock {
        Lock::None => None,
        Lock::Share => Some(LockType::Share),
        Lock::Exclusive => Some(LockType::Update),
    };
    if let Some(clause) = clause {
        QueryTrait::query(&mut select).lock_with_tables(clause, [E::default()]);
    }
    match select.one(db).await? {
        None => Ok(None),
        Some((row, Some(parent))) => Ok(Some((row, parent))),
        Some((_, None)) => Err(DomainError::Internal(anyhow::anyhow!(
            "a live row without its parent"
        ))),
    }
}

/// The live row `id` names, share-locked as the parent of a write, or a `NotFound` error at
/// `field` in `cs` (nothing when the id could not be parsed: that error is already recorded).
pub async fn lookup<E: Tracked>(
    db: &impl ConnectionTrait,
    cs: &mut Changeset,
    field: &str,
    id: Option<i64>,
) -> Result<Option<E::Model>, DomainError> {
    lookup_locked::<E>(db, cs, field, id, Lock::Share).await
}

/// [`lookup`] with the given lock.
pub async fn lookup_locked<E: Tracked>(
    db: &impl ConnectionTrait,
    cs: &mut Changeset,
    field: &str,
    id: Option<i64>,
    lock: Lock,
) -> Result<Option<E::Model>, DomainError> {
    let Some(id) = id else { return Ok(None) };
    let row = find_locked::<E>(db, id, lock).await?;
    if row.is_none() {
        cs.add(field, Code::NotFound, "does not exist");
    }
    Ok(row)
}

/// The live row `raw_id` names, exclusively locked for a change, or a `NotFound` user error
/// at `id`. Use it only for a row whose parents need no lock (see [`Lock`]); otherwise read
/// with [`peek`], lock the parents, then [`relock`].
pub async fn require<E: Tracked>(
    db: &impl ConnectionTrait,
    raw_id: &str,
) -> Result<E::Model, DomainError> {
    require_locked::<E>(db, raw_id, Lock::Exclusive).await
}

/// The row `raw_id` names if it is not deleted itself, unlocked: to find its parents, which
/// the caller then looks up by the liveness rule and locks ([`lookup_locked`]) before it
/// [`relock`]s the row. A row under a hidden parent is `NotFound` at that lookup, so the
/// row's parents need no second check here.
pub async fn peek<E: Tracked>(
    db: &impl ConnectionTrait,
    raw_id: &str,
) -> Result<E::Model, DomainError> {
    let mut cs = Changeset::new();
    let row = match cs.id("id", raw_id) {
        Some(id) => {
            E::find()
                .filter(E::id_col().eq(id))
                .filter(not_deleted::<E>())
                .one(db)
                .await?
        }
        None => None,
    };
    if cs.is_valid() && row.is_none() {
        cs.add("id", Code::NotFound, "does not exist");
    }
    cs.finish(row)
}

async fn require_locked<E: Tracked>(
    db: &impl ConnectionTrait,
    raw_id: &str,
    lock: Lock,
) -> Result<E::Model, DomainError> {
    let mut cs = Changeset::new();
    let id = cs.id("id", raw_id);
    let row = lookup_locked::<E>(db, &mut cs, "id", id, lock).await?;
    cs.finish(row)
}

/// The row `id` again, exclusively locked, as it is now; `NotFound` at `id` if it went away
/// meanwhile. The caller has looked its parents up by the liveness rule ([`lookup`]) and
/// share-locked them, so they stay live until the transaction ends and only the row's own
/// rule is checked again.
pub async fn relock<E: Tracked>(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<E::Model, DomainError> {
    let select = E::find()
        .filter(E::id_col().eq(id))
        .filter(not_deleted::<E>());
    match Lock::Exclusive.apply(select).one(db).await? {
        Some(row) => Ok(row),
        None => UserError::fail(&["id"], Code::NotFound, "does not exist"),
    }
}

/// `Stale` unless the caller's expected version (if any) is the stored one.
pub fn expect_version(stored: i32, expected: Option<i32>) -> Result<(), DomainError> {
    match expected {
        Some(expected) if expected != stored => UserError::fail(
            &["expectedVersion"],
            Code::Stale,
            format!("was changed by someone else: the current version is {stored}"),
        ),
        _ => Ok(()),
    }
}

/// Applies `changes` to the live row `id` if it is still at `current`'s version, bumping the
/// version and `updated_at`; returns the row as stored, in the same statement. No changes: nothing is written and
/// `current` is returned. Lost the race: `Stale` (or `NotFound` if the row went away).
pub async fn update<E: Tracked>(
    db: &impl ConnectionTrait,
    id: i64,
    current: E::Model,
    changes: Vec<Change<E>>,
) -> Result<E::Model, DomainError> {
    if changes.is_empty() {
        return Ok(current);
    }
    let version = E::version_of(&current);
    let mut update = E::update_many()
        .col_expr(E::version_col(), Expr::col(E::version_col()).add(1))
        .col_expr(E::updated_at_col(), Expr::val(clock::now()))
        .filter(E::id_col().eq(id))
        .filter(E::version_col().eq(version));
    if let Some(deleted_at) = E::deleted_at_col() {
        update = update.filter(deleted_at.is_null());
    }
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    // One statement: the row comes back as stored (`RETURNING`, PostgreSQL and SQLite alike).
    if let Some(stored) = update.exec_with_returning(db).await?.into_iter().next() {
        return Ok(stored);
    }
    match find_live::<E>(db, id).await? {
        Some(row) => expect_version(E::version_of(&row), Some(version)).map(|()| row),
        None => UserError::fail(&["id"], Code::NotFound, "does not exist"),
    }
}

/// The common case of a guarded update in one statement, outside any transaction: applies
/// `changes` to the row `id` if it is live by its declared rule (its parents' included), is at
/// the `expected` version when one is given, and `condition` holds for it (the caller's
/// permission, and that something changes). Returns the row as stored, or `None` when no row
/// matched: the caller then takes its full path, which says why (or finds nothing to change).
///
/// One statement is atomic on both databases. On PostgreSQL a concurrent writer of the same
/// row (another update, or a parent's delete, which writes its children: decisions.md 27) is
/// waited for and the row checked again, so this never writes a row that was deleted or moved
/// to another version under it; the parents and the permission are read as of the statement's
/// start, as if this write came first.
pub async fn update_if<E: Tracked>(
    db: &impl ConnectionTrait,
    id: i64,
    expected: Option<i32>,
    changes: Vec<Change<E>>,
    condition: Condition,
) -> Result<Option<E::Model>, DomainError> {
    let mut update = E::update_many()
        .col_expr(E::version_col(), Expr::col(E::version_col()).add(1))
        .col_expr(E::updated_at_col(), Expr::val(clock::now()))
        .filter(E::id_col().eq(id))
        .filter(live::<E>(db.get_database_backend()))
        .filter(condition);
    if let Some(version) = expected {
        update = update.filter(E::version_col().eq(version));
    }
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    Ok(update.exec_with_returning(db).await?.into_iter().next())
}

/// [`update`] inside `txn`, then commits it.
pub async fn commit_update<E: Tracked>(
    txn: DatabaseTransaction,
    id: i64,
    current: E::Model,
    changes: Vec<Change<E>>,
) -> Result<E::Model, DomainError> {
    let updated = update::<E>(&txn, id, current, changes).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The change that soft-deletes a row at `now`.
pub fn delete_change<E: Tracked>(now: DateTime<Utc>) -> Result<Change<E>, DomainError> {
    let column = E::deleted_at_col()
        .ok_or_else(|| DomainError::Internal(anyhow::anyhow!("the table has no deleted_at")))?;
    Ok((column, Expr::val(Some(now))))
}

/// The change that cancels (`true`) or uncancels (`false`) a row whose `cancelled_at`
/// column is `column`; none when it already is.
pub fn cancel_changes<E: EntityTrait>(
    column: E::Column,
    was_cancelled: bool,
    cancelled: bool,
) -> Vec<Change<E>> {
    if was_cancelled == cancelled {
        return Vec::new();
    }
    let at: Option<DateTime<Utc>> = cancelled.then(clock::now);
    vec![(column, Expr::val(at))]
}

/// Soft-deletes the live row `id` (still at `current`'s version) and commits; returns the
/// deleted row.
pub async fn retire<E: Tracked>(
    txn: DatabaseTransaction,
    id: i64,
    current: E::Model,
) -> Result<E::Model, DomainError> {
    let change = delete_change::<E>(clock::now())?;
    commit_update::<E>(txn, id, current, vec![change]).await
}
