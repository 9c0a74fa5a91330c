//! Reading rows by position. A list statement selects a model's columns first, in the order
//! of [`Positional::COLUMNS`], then its `__parent` and sort-key columns, so every value is read
//! by its index: looking columns up by name hashed each name for every value read, about a
//! tenth of the server's work on a page of OKRs, objectives and key results (callgrind).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, SelectStatement};
use sea_orm::sqlx::postgres::PgValueFormat;
use sea_orm::sqlx::{self, Decode, Postgres, Row as _, Sqlite, Type, ValueRef as _};
use sea_orm::{DbErr, QueryResult};

/// A model read from [`Self::COLUMNS`]`.len()` consecutive columns of a row.
pub trait Positional: Sized {
    /// The model's columns, in the order [`Self::read`] reads them.
    const COLUMNS: &'static [&'static str];

    /// The model from the row's columns `start..start + COLUMNS.len()`.
    fn read_from(row: &QueryResult, start: usize) -> Result<Self, DbErr>;

    /// The model from the row's first columns.
    fn read(row: &QueryResult) -> Result<Self, DbErr> {
        Self::read_from(row, 0)
    }
}

/// The value in column `index` of `row`, decoded by sqlx. SeaORM's own getters build an error
/// message for every null they read into an `Option` and then drop it (about a quarter of the
/// time spent reading a key result); sqlx decodes a null into `None` directly. The decoding
/// is the same on both engines as SeaORM's, which calls the same sqlx decoders. PostgreSQL
/// values skip sqlx's column type check (about 2.5% of the full OKR page, callgrind): every
/// column read is one this crate's migrations created with the type its model declares, so
/// the check could only fail after a migration changed a type without its model, which the
/// API tests on PostgreSQL would catch (integer and timestamp decoders still check lengths
/// and return errors, never panic).
fn cell<T>(row: &QueryResult, index: usize) -> Result<T, DbErr>
where
    T: for<'r> Decode<'r, Postgres> + Type<Postgres> + for<'r> Decode<'r, Sqlite> + Type<Sqlite>,
{
    let decoded: Result<T, sqlx::Error> = if let Some(row) = row.try_as_pg_row() {
        row.try_get_unchecked(index)
    } else if let Some(row) = row.try_as_sqlite_row() {
        row.try_get(index)
    } else {
        return Err(DbErr::Type(format!(
            "column {index}: not a PostgreSQL or SQLite row"
        )));
    };
    decoded.map_err(|err| DbErr::Type(format!("column {index}: {err}")))
}

/// A value read from one column of a row: model fields, parent keys, sort keys, counts. Every
/// read of a row value goes through it, so each type is decoded one way everywhere.
pub trait Cell: Sized {
    /// The value in column `index` of `row`.
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr>;
}

macro_rules! decoded_by_sqlx {
    ($($ty:ty),+ $(,)?) => {
        $(impl Cell for $ty {
            fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
                cell(row, index)
            }
        })+
    };
}

decoded_by_sqlx!(
    String,
    Option<String>,
    i32,
    i64,
    Option<i64>,
    bool,
    Option<bool>,
    serde_json::Value
);

/// Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01T00:00:00Z.
const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// A PostgreSQL `timestamptz` in binary format is microseconds since 2000-01-01 UTC. It is
/// read here in one step; sqlx's decoder went through a fixed-offset and a naive date-time
/// and added a `Duration` to the epoch date, about 6% of the full OKR page (callgrind).
/// Values in text format, and SQLite's, go to sqlx.
fn timestamp(row: &QueryResult, index: usize) -> Result<Option<DateTime<Utc>>, DbErr> {
    let Some(pg) = row.try_as_pg_row() else {
        return cell(row, index);
    };
    let value = pg
        .try_get_raw(index)
        .map_err(|err| DbErr::Type(format!("column {index}: {err}")))?;
    if value.is_null() {
        return Ok(None);
    }
    if value.format() != PgValueFormat::Binary {
        return cell(row, index);
    }
    let micros = value
        .as_bytes()
        .ok()
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .map(i64::from_be_bytes)
        .and_then(|micros| micros.checked_add(POSTGRES_EPOCH_MICROS))
        .and_then(DateTime::from_timestamp_micros);
    match micros {
        Some(at) => Ok(Some(at)),
        None => Err(DbErr::Type(format!(
            "column {index}: not a timestamp within chrono's range"
        ))),
    }
}

impl Cell for DateTime<Utc> {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        timestamp(row, index)?
            .ok_or_else(|| DbErr::Type(format!("column {index}: unexpected null")))
    }
}

impl Cell for Option<DateTime<Utc>> {
    fn read(row: &QueryResult, index: usize) -> Result<Self, DbErr> {
        timestamp(row, index)
    }
}

/// Selects the columns of `M` from the row at `alias`, in the order `M` reads them.
pub fn select_columns<M: Positional>(select: &mut SelectStatement, alias: &Alias) {
    for column in M::COLUMNS {
        select.column((alias.clone(), Alias::new(*column)));
    }
}

/// Implements [`Positional`] for a model whose fields are named like its columns; listing
/// the fields in a struct literal makes the compiler check that none is missing.
macro_rules! positional {
    ($model:path { $($field:ident),+ $(,)? }) => {
        impl Positional for $model {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn read_from(row: &QueryResult, start: usize) -> Result<Self, DbErr> {
                let mut index = start..;
                Ok(Self {
                    $($field: Cell::read(row, index.next().unwrap_or_default())?),+
                })
            }
        }
    };
}

/// Derives [`Positional`] for every model from its declared columns
/// ([`crate::catalog::resources`]).
macro_rules! positional_models {
    ($(
        $(#[$doc:meta])*
        $name:ident($table:literal) $listing:ident($($plural:literal)?) {
            key: $pk:ident $pk_kind:ident;
            live: [$($live:tt)*];
            order: [$($order:tt)*];
            columns: [$($column:ident),* $(,)?];
            $($rest:tt)*
        }
    )*) => {
        pastey::paste! { $(positional!(entity::[<$name:snake>]::Model { $($column),* });)* }
    };
}

crate::catalog::resources!(positional_models);
