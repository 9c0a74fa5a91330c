//! Counting the SQL statements of one request, and refusing to go past its budget.
//!
//! SeaORM reports every statement to a metric callback; the callback adds it to the counter
//! of the request in whose task it runs. DataLoader batches run in tasks of their own, so
//! they are spawned inside the same counter's scope ([`spawner`]).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;
use sea_orm::sea_query::{PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder};
use sea_orm::sqlx::{self, AssertSqlSafe};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr};
use sea_query_sqlx::SqlxBinder;

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
    /// DataLoader keys registered so far; batches wait until this stops moving.
    registrations: AtomicUsize,
}

impl StatementCounter {
    /// A counter starting at zero.
    pub fn new(budget: usize) -> Arc<Self> {
        Arc::new(Self {
            count: AtomicUsize::new(0),
            budget,
            registrations: AtomicUsize::new(0),
        })
    }

    /// Notes that a resolver asked a DataLoader for a key.
    pub fn registered(&self) {
        self.registrations.fetch_add(1, Ordering::Relaxed);
    }

    /// Statements run so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}

/// Makes the pool report every statement to the current request's counter.
pub fn install(db: &mut DatabaseConnection) {
    db.set_metric_callback(|info| record(&info.statement.sql));
}

/// Logs a statement and counts it towards the current request.
fn record(sql: &str) {
    tracing::trace!(target: "okrs::sql", sql, "statement");
    let _ = CURRENT.try_with(|counter| counter.count.fetch_add(1, Ordering::Relaxed));
}

/// Runs a read within the request's budget ([`reserve`]) and returns its rows, counted like
/// every other statement. The read engine's
/// statements go to sqlx directly: SeaORM's general path moved a large future around for
/// each statement (about 45,000 instructions of copying per statement, 6% of the full OKR
/// page; callgrind). Parameters are bound exactly as SeaORM binds them.
pub async fn fetch_all(
    db: &DatabaseConnection,
    select: &SelectStatement,
) -> Result<Vec<QueryResult>, DomainError> {
    reserve()?;
    let failed = |err: sqlx::Error| DbErr::Query(RuntimeErr::SqlxError(Arc::new(err)));
    Ok(match db.get_database_backend() {
        DbBackend::Postgres => {
            let (sql, values) = select.build_sqlx(PostgresQueryBuilder);
            record(&sql);
            let rows = sqlx::query_with(AssertSqlSafe(sql), values)
                .fetch_all(db.get_postgres_connection_pool())
                .await
                .map_err(failed)?;
            rows.into_iter().map(QueryResult::from).collect()
        }
        DbBackend::Sqlite => {
            let (sql, values) = select.build_sqlx(SqliteQueryBuilder);
            record(&sql);
            let rows = sqlx::query_with(AssertSqlSafe(sql), values)
                .fetch_all(db.get_sqlite_connection_pool())
                .await
                .map_err(failed)?;
            rows.into_iter().map(QueryResult::from).collect()
        }
        _ => db.query_all(select).await?,
    })
}

/// Runs `future` with `counter` as the current request's counter.
pub async fn scope<F: Future>(counter: Arc<StatementCounter>, future: F) -> F::Output {
    CURRENT.scope(counter, future).await
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

/// A DataLoader spawner whose tasks count towards `counter`. Batches run as local tasks of
/// the request's [`tokio::task::LocalSet`] (see [`run_request`]): a batch can only start once
/// the resolvers that feed it have all yielded, so every key of one level of the query lands
/// in one batch however long that level takes to resolve. Batching therefore depends on the
/// shape of the query, never on timing or row counts.
pub fn spawner(
    counter: Arc<StatementCounter>,
) -> impl Fn(BoxFuture<'static, ()>) -> tokio::task::JoinHandle<()> + Send + Sync + 'static {
    move |future| {
        let counter = counter.clone();
        tokio::task::spawn_local(CURRENT.scope(counter.clone(), async move {
            settle(&counter).await;
            future.await;
        }))
    }
}

/// Waits until the request's resolvers stop registering DataLoader keys for two consecutive
/// scheduler rounds. Resolving a long list yields cooperatively every few dozen futures, and
/// a batch started at such a yield would miss the keys of the rest of the list.
async fn settle(counter: &StatementCounter) {
    let mut quiet_rounds = 0;
    while quiet_rounds < 2 {
        let before = counter.registrations.load(Ordering::Relaxed);
        tokio::task::yield_now().await;
        if counter.registrations.load(Ordering::Relaxed) == before {
            quiet_rounds += 1;
        } else {
            quiet_rounds = 0;
        }
    }
}

/// Runs one request's execution on a single thread, in a `LocalSet` on a blocking-pool thread
/// of the current runtime, counting its statements towards `counter`.
pub async fn run_request<F>(
    counter: Arc<StatementCounter>,
    future: F,
) -> Result<F::Output, tokio::task::JoinError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let local = tokio::task::LocalSet::new();
        // The execution is a local task itself, so it and the batches take turns in one FIFO
        // queue: a batch that yields lets the execution run before it checks for quiet.
        let execution = local.spawn_local(CURRENT.scope(counter, future));
        handle.block_on(local.run_until(execution))
    })
    .await?
}
