//! The one generic store both resource kinds share: list, get and the versioned write,
//! written once over [`Table`]; `users.rs` and `groups.rs` supply only what differs.

use std::future::Future;

use sea_orm::sea_query::{Alias, Value};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{Kind, ListQuery, Page, check_version, not_found};
use crate::catalog::EntityDef;
use crate::domain::clock;
use crate::domain::store::Lock;
use crate::error::DomainError;
use crate::query::QueryError;
use crate::query::compile::Compiler;

/// A table's column.
pub(super) type Column<K> = <<K as Table>::Entity as EntityTrait>::Column;
/// A table's row.
pub(super) type Row<K> = <<K as Table>::Entity as EntityTrait>::Model;

/// A resource kind stored in one table with a version and a soft-delete marker.
pub(super) trait Table: Kind {
    /// The table.
    type Entity: EntityTrait<Model: Send + Sync>;
    /// A partial row to write.
    type Active: ActiveModelTrait<Entity = Self::Entity> + Send;

    /// The entity name in errors.
    const NAME: &'static str;
    /// The primary key.
    const ID: Column<Self>;
    /// The version column.
    const VERSION: Column<Self>;
    /// The last-change column.
    const UPDATED_AT: Column<Self>;
    /// The soft-delete column: null while the row is live.
    const HIDDEN_AT: Column<Self>;
    /// The table's description in the catalog: what filters and sorts name.
    const DEF: &'static EntityDef;

    /// The key named by an id, if it can name one.
    fn key(id: &str) -> Option<Value>;
    /// A row's id as the protocol shows it.
    fn id_of(row: &Row<Self>) -> String;
    /// A row's version.
    fn version_of(row: &Row<Self>) -> i32;
    /// Checks a provider's attributes with the limits every edge shares (errors name SCIM
    /// attribute paths): the cast step of every directory write.
    fn cast(fields: Self::Fields) -> Result<Self::Fields, DomainError>;
    /// Records for a page of rows (their related rows loaded in bulk).
    fn attach(
        db: &impl ConnectionTrait,
        rows: Vec<Row<Self>>,
    ) -> impl Future<Output = Result<Vec<Self::Record>, DomainError>> + Send;
    /// Creates (or revives) a resource.
    fn create(
        db: &DatabaseConnection,
        fields: Self::Fields,
    ) -> impl Future<Output = Result<Self::Record, DomainError>> + Send;
    /// Replaces a live resource's writable attributes.
    fn replace(
        db: &DatabaseConnection,
        id: &str,
        fields: Self::Fields,
        expected: Option<i32>,
    ) -> impl Future<Output = Result<Self::Record, DomainError>> + Send;
    /// Deletes (hides) a live resource.
    fn delete(
        db: &DatabaseConnection,
        id: &str,
        expected: Option<i32>,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;
}

/// Live rows matching the query, with the total count of matches. The filter and the sort
/// compile through the read engine, as GraphQL's do, over the table itself.
pub(super) async fn list<K: Table>(
    db: &DatabaseConnection,
    query: ListQuery,
) -> Result<Page<K::Record>, DomainError> {
    let compiler = Compiler::new(db.get_database_backend(), clock::now());
    let table = Alias::new(K::DEF.table);
    let mut select = K::Entity::find().filter(K::HIDDEN_AT.is_null());
    if let Some(filter) = &query.filter {
        let condition = compiler
            .filter(K::DEF, &table, filter)
            .map_err(|err| invalid_filter(&err))?;
        select = select.filter(condition);
    }
    let total = select.clone().count(db).await?;
    if query.limit == 0 {
        return Ok(Page {
            total,
            items: Vec::new(),
        });
    }
    let order = if query.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    if let Some(name) = query.sort {
        let field = K::DEF.field(name).ok_or_else(|| DomainError::Invalid {
            field: "sortBy".to_owned(),
            reason: format!("{} cannot be sorted by {name}", K::NAME),
        })?;
        select = select.order_by(compiler.field_expr(field, &table), order);
    }
    let rows = select
        .order_by_asc(K::ID)
        .offset(query.offset)
        .limit(query.limit)
        .all(db)
        .await?;
    let items = K::attach(db, rows).await?;
    Ok(Page { total, items })
}

/// A filter the read engine refused, in the directory's error vocabulary.
fn invalid_filter(err: &QueryError) -> DomainError {
    DomainError::Invalid {
        field: "filter".to_owned(),
        reason: err.to_string(),
    }
}

/// One live record.
pub(super) async fn get<K: Table>(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<K::Record, DomainError> {
    let row = live::<K>(db, id).await?;
    let mut records = K::attach(db, vec![row]).await?;
    records.pop().ok_or_else(|| not_found(K::NAME, id))
}

/// One live row.
pub(super) async fn live<K: Table>(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Row<K>, DomainError> {
    live_locked::<K>(db, id, Lock::None).await
}

async fn live_locked<K: Table>(
    db: &impl ConnectionTrait,
    id: &str,
    lock: Lock,
) -> Result<Row<K>, DomainError> {
    let Some(key) = K::key(id) else {
        return Err(not_found(K::NAME, id));
    };
    let select = K::Entity::find()
        .filter(K::ID.eq(key))
        .filter(K::HIDDEN_AT.is_null());
    lock.apply(select)
        .one(db)
        .await?
        .ok_or_else(|| not_found(K::NAME, id))
}

/// One live row, locked for the write transaction `db` (see [`Lock`]), at the version the
/// caller expected (when it named one). Once it is locked, no one else can move its version
/// before the write, so a write without an expected version always lands (last writer wins).
pub(super) async fn current<K: Table>(
    db: &impl ConnectionTrait,
    id: &str,
    expected: Option<i32>,
) -> Result<Row<K>, DomainError> {
    let row = live_locked::<K>(db, id, Lock::Exclusive).await?;
    check_version(K::NAME, id, K::version_of(&row), expected)?;
    Ok(row)
}

/// Writes `row`'s set columns plus the next version, if the version did not move meanwhile.
pub(super) async fn write<K: Table>(
    db: &impl ConnectionTrait,
    current: &Row<K>,
    mut row: K::Active,
) -> Result<(), DomainError> {
    let version = K::version_of(current);
    row.try_set(K::VERSION, Value::from(version + 1))?;
    row.try_set(K::UPDATED_AT, Value::from(clock::now()))?;
    let result = K::Entity::update_many()
        .set(row)
        .filter(K::ID.eq(current.get(K::ID)))
        .filter(K::VERSION.eq(version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DomainError::Stale {
            entity: K::NAME,
            id: K::id_of(current),
            current: version,
        });
    }
    Ok(())
}
