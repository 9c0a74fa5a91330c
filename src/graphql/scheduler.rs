//! When a request's DataLoader batches run: on the request's own task ([`super::executor`]),
//! once the resolvers that feed them have settled, with their statements counted towards the
//! request ([`crate::query::statements`]).

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::graphql::executor::{self, Batches, Panicked};
use crate::query::statements::{self, StatementCounter};

/// One request's DataLoader batches: those started and not yet picked up by the request's
/// executor, and whether the execution still has work to do.
#[derive(Debug, Default)]
pub struct Scheduler {
    batches: Arc<Batches>,
}

impl Scheduler {
    /// A scheduler for a new request.
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Waits until the execution has nothing left to do but wait: it has not been woken
    /// since it last returned `Pending`, so every resolver of the level waits for a batch and
    /// every key of the level is registered. Counting keys instead would be fooled by
    /// resolvers that yield without asking for any (a cooperative-budget yield, a list that
    /// hands the thread back between items, a resolver answered from the request's cache).
    async fn settle(&self) {
        self.batches.execution_idle().await;
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use async_graphql::dataloader::Loader;
    use futures::FutureExt;
    use futures::stream::{FuturesUnordered, StreamExt};

    use super::*;
    use crate::graphql::loaders::batching;

    /// Hands the thread back once, waking itself at once.
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

    /// Records the keys of every batch it is asked for.
    #[derive(Default)]
    struct Recorder {
        batches: Mutex<Vec<Vec<u32>>>,
    }

    impl Loader<u32> for Recorder {
        type Value = u32;
        type Error = std::convert::Infallible;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            let mut keys = keys.to_vec();
            keys.sort_unstable();
            self.batches.lock().unwrap().push(keys.clone());
            Ok(keys.into_iter().map(|key| (key, key)).collect())
        }
    }

    /// Two hundred resolvers are woken at once; the first and the last fifty ask for a key,
    /// the others yield once (as a resolver does whose tokio resource ran out of the task's
    /// cooperative budget) and finish without asking. Every key must land in one batch,
    /// however long the resolvers in between keep the execution from asking.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_level_of_keys_is_one_batch_however_many_resolvers_ask_for_none() {
        let scheduler = Scheduler::new();
        let loader = Arc::new(batching(Recorder::default(), &scheduler));
        let counter = StatementCounter::new(100);
        let (release, gate) = futures::channel::oneshot::channel::<()>();
        let gate = gate.shared();
        let resolvers = {
            let loader = loader.clone();
            async move {
                let resolvers = FuturesUnordered::new();
                for i in 0..200u32 {
                    let (loader, gate) = (loader.clone(), gate.clone());
                    resolvers.push(
                        async move {
                            let _ = gate.await;
                            if i == 0 || i >= 150 {
                                loader.load_one(i).await.unwrap();
                            } else {
                                // A resolver with real work to do, long enough for
                                // the runtime's timer to tick meanwhile.
                                std::thread::sleep(std::time::Duration::from_micros(50));
                                yield_once().await;
                            }
                        }
                        .boxed(),
                    );
                }
                resolvers.push(
                    async move {
                        let _ = release.send(());
                    }
                    .boxed(),
                );
                resolvers.collect::<Vec<()>>().await;
            }
        };
        let request = scheduler.clone();
        tokio::spawn(async move { run_request(counter, &request, resolvers).await })
            .await
            .unwrap()
            .unwrap();
        let batches = loader.loader().batches.lock().unwrap().clone();
        let expected: Vec<u32> = std::iter::once(0).chain(150..200).collect();
        assert_eq!(batches, [expected]);
    }

    /// A batch waits for no timer: on a runtime without tokio's timer (where a tokio `sleep`
    /// would panic) a level of loads is answered.
    #[test]
    fn a_batch_starts_without_a_timer() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let answers = runtime.block_on(async {
            let scheduler = Scheduler::new();
            let loader = Arc::new(batching(Recorder::default(), &scheduler));
            let execution =
                async move { futures::future::join(loader.load_one(1), loader.load_one(2)).await };
            run_request(StatementCounter::new(10), &scheduler, execution).await
        });
        let (one, two) = answers.expect("the execution completes without panicking");
        assert_eq!((one.unwrap(), two.unwrap()), (Some(1), Some(2)));
    }
}
