//! Opening the database pools and applying migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::{self, Postgres, pool::PoolConnection};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};

use crate::config::Config;

/// How long a pooled connection may sit idle before it is checked with a ping on its next use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

/// Connects to the configured database; SQLite files are created when missing.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    open(pool_options(config)).await
}

/// The pool DataLoader batches read through.
///
/// On PostgreSQL this is a second pool of the same size whose sessions always plan prepared
/// statements generically (`plan_cache_mode = force_generic_plan`). A batch's statement has
/// the same text in every request, its parent keys being one array parameter, so each
/// connection plans it once instead of at every execution; planning was more than half of
/// PostgreSQL's time for a full OKR page. Top-level lists stay on `main` with plans made for
/// their values: a filtered, related-field sort there ran a hundred times slower with a
/// generic plan. Its sessions are named `<application name> batches` (`okrs batches` by
/// default), so `pg_stat_activity` tells the two pools apart. SQLite has no plan modes, and
/// gets `main` itself.
pub async fn connect_batches(
    config: &Config,
    main: &DatabaseConnection,
) -> Result<DatabaseConnection, DbErr> {
    if main.get_database_backend() != DbBackend::Postgres {
        return Ok(main.clone());
    }
    let mut options = pool_options(config);
    options.map_sqlx_postgres_opts(|postgres| {
        let name = format!(
            "{} batches",
            postgres.get_application_name().unwrap_or("okrs")
        );
        postgres
            .application_name(&name)
            .options([("plan_cache_mode", "force_generic_plan")])
    });
    open(options).await
}

/// The options both pools share.
fn pool_options(config: &Config) -> ConnectOptions {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.database_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        // A request waits this long for a connection, then fails with SERVICE_UNAVAILABLE.
        .acquire_timeout(Duration::from_secs(config.database_acquire_timeout_secs))
        // Every read takes a connection from the pool; pinging each one first would add a
        // round trip per statement. Only a connection idle long enough to have been dropped
        // (by the server, a proxy or a firewall) is checked before use.
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
        .sqlx_logging(false);
    if config.is_sqlite() {
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                // LIKE is case-sensitive on PostgreSQL; make SQLite agree.
                .pragma("case_sensitive_like", "ON")
        });
    }
    options
}

/// Opens a pool that counts its statements towards the current request.
async fn open(options: ConnectOptions) -> Result<DatabaseConnection, DbErr> {
    let mut db = Database::connect(options).await?;
    crate::query::statements::install(&mut db);
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Applies every pending migration while holding the [`StartupLock`], so a replica
/// starting meanwhile waits instead of applying the same migrations at once.
pub async fn migrate_exclusively(db: &DatabaseConnection) -> Result<(), DbErr> {
    let lock = StartupLock::acquire(db).await?;
    migrate(db).await?;
    lock.release().await
}

/// The advisory lock key replicas take while they migrate and seed (`okrs` in ASCII).
const STARTUP_LOCK_KEY: i64 = 0x6f6b_7273;

/// Held by the one replica that is migrating and seeding a PostgreSQL database: replicas
/// started together on one database wait for it, then find the migrations applied and the
/// demo data loaded. A session-level advisory lock on a connection kept out of the pool; if
/// the replica dies, PostgreSQL ends the session and frees the lock. SQLite needs none.
pub struct StartupLock(Option<PoolConnection<Postgres>>);

impl StartupLock {
    /// Waits for the lock (at once on SQLite).
    pub async fn acquire(db: &DatabaseConnection) -> Result<Self, DbErr> {
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(Self(None));
        }
        let mut connection = db
            .get_postgres_connection_pool()
            .acquire()
            .await
            .map_err(sql_error)?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(STARTUP_LOCK_KEY)
            .execute(&mut *connection)
            .await
            .map_err(sql_error)?;
        Ok(Self(Some(connection)))
    }

    /// Frees the lock and gives the connection back to the pool.
    pub async fn release(mut self) -> Result<(), DbErr> {
        if let Some(mut connection) = self.0.take() {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(STARTUP_LOCK_KEY)
                .execute(&mut *connection)
                .await
                .map_err(sql_error)?;
        }
        Ok(())
    }
}

impl Drop for StartupLock {
    /// Not released (start-up failed): close the session rather than pool a connection that
    /// still holds the lock.
    fn drop(&mut self) {
        if let Some(connection) = self.0.take() {
            drop(connection.detach());
        }
    }
}

fn sql_error(err: sqlx::Error) -> DbErr {
    DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(err)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idle_connections_are_pinged_before_use() {
        let options = pool_options(&Config::default());
        assert!(!options.get_test_before_acquire());
        assert_eq!(
            options.get_test_before_acquire_if_idle_for(),
            Some(IDLE_BEFORE_PING)
        );
    }
}
