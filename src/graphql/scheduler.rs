//! When a request's DataLoader batches run: on the request's own task ([`super::executor`]),
//! once the resolvers that feed them have settled, with their statements counted towards the
//! request ([`crate::query::statements`]).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;

use crate::graphql::executor::{self, Batches, Panicked};
use crate::query::statements::{self, StatementCounter};

/// One request's DataLoader activity: the keys resolvers have asked for, and the batches
/// started and not yet picked up by the request's executor.
#[derive(Debug, Default)]
pub struct Scheduler {
    registrations: AtomicUsize,
    batches: Arc<Batches>,
}

impl Scheduler {
    /// A scheduler for a new request.
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Notes that a resolver asked a DataLoader for a key.
    pub fn registered(&self) {
        self.registrations.fetch_add(1, Ordering::Relaxed);
    }

    /// Waits until the request's resolvers stop registering DataLoader keys for two
    /// consecutive scheduler rounds. Resolving a long list yields cooperatively every few
    /// dozen futures, and a batch started at such a yield would miss the keys of the rest of
    /// the list.
    async fn settle(&self) {
        let mut quiet_rounds = 0;
        while quiet_rounds < 2 {
            let before = self.registrations.load(Ordering::Relaxed);
            yield_once().await;
            if self.registrations.load(Ordering::Relaxed) == before {
                quiet_rounds += 1;
            } else {
                quiet_rounds = 0;
            }
        }
    }
}

/// A DataLoader spawner whose batches run on the request's own task ([`run_request`]).
/// Batches and resolvers are polled in the order they were woken, so a batch can only start
/// once the resolvers that feed it have all yielded: every key of one level of the query lands
/// in one batch however long that level takes to resolve. Batching therefore depends on the
/// shape of the query, never on timing or row counts.
pub fn spawner(
    scheduler: Arc<Scheduler>,
) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
    move |future| {
        let settled = scheduler.clone();
        scheduler.batches.start(Box::pin(async move {
            settled.settle().await;
            future.await;
        }));
    }
}

/// Lets every other task of the request that is ready run once. Unlike
/// `tokio::task::yield_now`, it wakes itself at once rather than when the runtime's worker
/// next runs out of work.
fn yield_once() -> impl Future<Output = ()> {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            std::task::Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
}

/// Runs one request's execution, and the DataLoader batches it starts through `scheduler`,
/// on the current task, counting its statements towards `counter`. A panic in the execution
/// is caught and reported as [`Panicked`].
pub async fn run_request<F>(
    counter: Arc<StatementCounter>,
    scheduler: &Scheduler,
    future: F,
) -> Result<F::Output, Panicked>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    statements::counted(counter, executor::run(scheduler.batches.clone(), future)).await
}
