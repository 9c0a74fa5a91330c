//! Counting the SQL statements of one request, and refusing to go past its budget.
//!
//! SeaORM reports every statement to a metric callback; the callback adds it to the counter
//! of the request in whose task it runs ([`counted`]). DataLoader batches run on the request's
//! own task, inside the same counter's scope (`graphql::scheduler`).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use sea_orm::sea_query::{PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder};
use sea_orm::sqlx::{self, AssertSqlSafe};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr};
use sea_query_sqlx::{SqlxBinder, SqlxValues};

use crate::error::DomainError;
use crate::query::QueryError;

tokio::task_local! {
    static CURRENT: Arc<StatementCounter>;
}

/// The statements of one request so far, and how many it may run.
#[derive(Debug)]
pub struct StatementCounter {
    count: AtomicUsize,
    budget: usize,
    /// Time the request waited for pooled connections, in nanoseconds.
    pool_wait_nanos: AtomicU64,
}

impl StatementCounter {
    /// A counter starting at zero.
    pub fn new(budget: usize) -> Arc<Self> {
        Arc::new(Self {
            count: AtomicUsize::new(0),
            budget,
            pool_wait_nanos: AtomicU64::new(0),
        })
    }

    /// Statements run so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// How long the request waited for pooled connections, in all.
    pub fn pool_wait(&self) -> Duration {
        Duration::from_nanos(self.pool_wait_nanos.load(Ordering::Relaxed))
    }
}

/// Makes the pool report every statement to the current request's counter.
pub fn install(db: &mut DatabaseConnection) {
    db.set_metric_callback(|info| {
        record(&info.statement.sql);
        let system = match info.statement.db_backend {
            DbBackend::Postgres => "postgresql",
            _ => "sqlite",
        };
        crate::telemetry::statement(&info.statement.sql, system, info.elapsed);
    });
}

/// Logs a statement and counts it towards the current request.
fn record(sql: &str) {
    tracing::trace!(target: "okrs::sql", sql, "statement");
    let _ = CURRENT.try_with(|counter| counter.count.fetch_add(1, Ordering::Relaxed));
}

/// Runs a read within the request's budget ([`reserve`]) and returns its rows, counted like
/// every other statement. The read engine's statements go to sqlx directly: SeaORM's general
/// path moved a large future around for each statement (about 45,000 instructions of copying
/// per statement, 6% of the full OKR page; callgrind). Parameters are bound exactly as SeaORM
/// binds them.
///
/// The statement is built and counted at once and the returned future is boxed: it holds the
/// pool's acquisition and sqlx's row stream, and every resolver future that waits on a
/// DataLoader would otherwise carry room for it, to be copied for each field of the response
/// (a sevenfold rise in the copying per field when it was inline; callgrind).
pub fn fetch_all<'a>(
    db: &'a DatabaseConnection,
    select: &SelectStatement,
) -> BoxFuture<'a, Result<Vec<QueryResult>, DomainError>> {
    if let Err(err) = reserve() {
        return Box::pin(std::future::ready(Err(err.into())));
    }
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let (sql, values) = select.build_sqlx(PostgresQueryBuilder);
            Box::pin(rows_of(
                db.get_postgres_connection_pool(),
                "postgresql",
                sql,
                values,
            ))
        }
        DbBackend::Sqlite => {
            let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
            Box::pin(rows_of(
                db.get_sqlite_connection_pool(),
                "sqlite",
                sql,
                values,
            ))
        }
        _ => {
            let select = select.clone();
            Box::pin(async move { Ok(db.query_all(&select).await?) })
        }
    }
}

/// Counts `sql` at once, then runs it on a connection of `pool`.
fn rows_of<'p, DB>(
    pool: &'p sqlx::Pool<DB>,
    system: &'static str,
    sql: String,
    values: SqlxValues,
) -> impl Future<Output = Result<Vec<QueryResult>, DomainError>> + Send + 'p
where
    DB: sqlx::Database,
    SqlxValues: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    QueryResult: From<DB::Row>,
{
    record(&sql);
    async move {
        let asked = Instant::now();
        let mut connection = pool.acquire().await.map_err(failed)?;
        waited_for_connection(asked.elapsed());
        // The text is kept for a span only when traces are exported.
        let traced = crate::telemetry::exporting().then(|| sql.clone());
        let rows = sqlx::query_with(AssertSqlSafe(sql), values)
            .fetch_all(&mut *connection)
            .await
            .map_err(failed)?;
        if let Some(sql) = traced {
            crate::telemetry::statement(&sql, system, asked.elapsed());
        }
        Ok(rows.into_iter().map(QueryResult::from).collect())
    }
}

/// Adds `waited` to the current request's time waiting for pooled connections.
pub fn waited_for_connection(waited: Duration) {
    let nanos = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
    let _ = CURRENT.try_with(|counter| counter.pool_wait_nanos.fetch_add(nanos, Ordering::Relaxed));
}

fn failed(err: sqlx::Error) -> DomainError {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(err))).into()
}

/// Fails when the current request has used its whole budget; call before each read statement.
pub fn reserve() -> Result<(), QueryError> {
    CURRENT
        .try_with(|counter| {
            if counter.count() >= counter.budget {
                Err(QueryError::OverBudget {
                    budget: counter.budget,
                })
            } else {
                Ok(())
            }
        })
        .unwrap_or(Ok(()))
}

/// Runs `future` with its statements counted towards `counter`.
pub async fn counted<F: Future>(counter: Arc<StatementCounter>, future: F) -> F::Output {
    CURRENT.scope(counter, future).await
}
