//! Column helpers shared by the migrations, so every table spells its common columns alike.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, timestamp_with_time_zone, timestamp_with_time_zone_null};

/// `id`: a 64-bit auto-increment primary key.
pub(crate) fn id_column() -> ColumnDef {
    ColumnDef::new("id")
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

/// `version`: optimistic-concurrency counter, starts at 1 and is bumped by every write.
pub(crate) fn version() -> ColumnDef {
    integer("version").default(1).take()
}

/// `inserted_at` and `updated_at`: UTC instants set by the application on every write.
pub(crate) fn timestamps(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(timestamp_with_time_zone("inserted_at"))
        .col(timestamp_with_time_zone("updated_at"))
}

/// `deleted_at`: soft delete; a non-null value hides the row from every read and write.
pub(crate) fn deleted_at() -> ColumnDef {
    timestamp_with_time_zone_null("deleted_at")
}

/// A foreign key from `table.column` to `target.id`, named `<table>_<column>_fkey`.
pub(crate) fn foreign_key(
    table: &'static str,
    column: &'static str,
    target: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("{table}_{column}_fkey"))
        .from(table, column)
        .to(target, "id")
        .take()
}

/// A plain (non-unique) index on the given columns, named `<table>_<columns>_index`.
pub(crate) fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!("{table}_{}_index", columns.join("_")))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    index.take()
}

/// A unique index over the rows that are not soft-deleted (`WHERE deleted_at IS NULL`).
pub(crate) fn unique_live_index(name: &str, table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(Alias::new(table)).unique();
    for column in columns {
        index.col(Alias::new(*column));
    }
    index.and_where(Expr::col("deleted_at").is_null());
    index.take()
}

/// Creates every index in `indexes` in order.
pub(crate) async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops the named tables, children first.
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).to_owned())
            .await?;
    }
    Ok(())
}

/// Runs a statement whose SQL is the same on SQLite and PostgreSQL (expression indexes).
pub(crate) async fn execute_portable(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager.get_connection().execute_unprepared(sql).await?;
    Ok(())
}
