//! One request's execution and the DataLoader batches it starts, polled together by the
//! request's own task.
//!
//! Batches are not spawned onto the runtime: they join the execution in one
//! [`FuturesUnordered`], which polls whatever was woken in the order it was woken. A batch
//! therefore only runs once the resolvers woken before it have had their turn, exactly as
//! with a single-threaded local task queue, but without moving the request to another thread
//! (which cost a context switch for every statement's reply).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, Stream};
use futures::task::{ArcWake, AtomicWaker};

/// The batches a request has started and its executor has not picked up yet, and whether
/// the execution has work to do.
#[derive(Default)]
pub struct Batches {
    queue: Mutex<Vec<BoxFuture<'static, ()>>>,
    /// The request's task, woken when a batch arrives while it is not being polled.
    waker: AtomicWaker,
    execution: Arc<Activity>,
}

/// Whether the execution has been woken since it last returned `Pending`: while it has, its
/// resolvers may still ask for keys; once it has not, every resolver waits for a batch (or
/// for a statement of its own), so the keys of the level are all registered.
struct Activity {
    awake: AtomicBool,
    /// The executor's waker for the execution's task.
    waker: AtomicWaker,
    /// Batches waiting for the execution to go idle ([`Batches::execution_idle`]).
    idle_waiters: Mutex<Vec<Waker>>,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            awake: AtomicBool::new(true),
            waker: AtomicWaker::new(),
            idle_waiters: Mutex::default(),
        }
    }
}

impl ArcWake for Activity {
    fn wake_by_ref(activity: &Arc<Self>) {
        activity.awake.store(true, Ordering::Release);
        activity.waker.wake();
    }
}

/// The execution, polled with a waker that marks it awake ([`Activity`]).
struct Watched<F> {
    activity: Arc<Activity>,
    future: Pin<Box<F>>,
}

impl<F: Future> Future for Watched<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        this.activity.waker.register(cx.waker());
        this.activity.awake.store(false, Ordering::Release);
        let waker = futures::task::waker_ref(&this.activity);
        let poll = this.future.as_mut().poll(&mut Context::from_waker(&waker));
        if poll.is_pending() && !this.activity.awake.load(Ordering::Acquire) {
            let waiters = std::mem::take(&mut *lock(&this.activity.idle_waiters));
            waiters.into_iter().for_each(Waker::wake);
        }
        poll
    }
}

impl std::fmt::Debug for Batches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batches").finish_non_exhaustive()
    }
}

impl Batches {
    /// Hands a batch to the request's executor ([`run`]).
    pub fn start(&self, batch: BoxFuture<'static, ()>) {
        self.lock().push(batch);
        self.waker.wake();
    }

    /// Waits until the execution has not been woken since it last returned `Pending`: its
    /// resolvers all wait, so none will ask for another key before a batch answers.
    pub async fn execution_idle(&self) {
        std::future::poll_fn(|cx| {
            let activity = &self.execution;
            if activity.awake.load(Ordering::Acquire) {
                lock(&activity.idle_waiters).push(cx.waker().clone());
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
        .await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<BoxFuture<'static, ()>>> {
        lock(&self.queue)
    }
}

/// Locks `mutex`, whose data stays consistent even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The request's execution panicked; the panic was caught so the connection survives.
#[derive(Debug, thiserror::Error)]
#[error("the request's execution panicked")]
pub struct Panicked;

/// Runs `execution` and every batch handed to `batches` meanwhile on the current task, until
/// the execution finishes. Batches still pending then are dropped: nothing waits for them.
pub async fn run<F>(batches: Arc<Batches>, execution: F) -> Result<F::Output, Panicked>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let output = Arc::new(Mutex::new(None));
    let slot = output.clone();
    let tasks = FuturesUnordered::new();
    let execution = Watched {
        activity: batches.execution.clone(),
        future: Box::pin(execution),
    };
    tasks.push(
        async move {
            let value = execution.await;
            *lock(&slot) = Some(value);
        }
        .boxed(),
    );
    let executor = Executor {
        batches,
        tasks,
        output,
    };
    AssertUnwindSafe(executor)
        .catch_unwind()
        .await
        .map_err(|_| Panicked)
}

struct Executor<T> {
    batches: Arc<Batches>,
    tasks: FuturesUnordered<BoxFuture<'static, ()>>,
    output: Arc<Mutex<Option<T>>>,
}

impl<T> Executor<T> {
    fn take_output(&self) -> Option<T> {
        lock(&self.output).take()
    }

    /// Moves newly started batches into the task set; false when there were none.
    fn admit(&mut self) -> bool {
        let mut queue = self.batches.lock();
        if queue.is_empty() {
            return false;
        }
        for batch in queue.drain(..) {
            self.tasks.push(batch);
        }
        true
    }
}

impl<T> Future for Executor<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        // Batches started while this task runs are picked up below without waking it again.
        drop(this.batches.waker.take());
        loop {
            this.admit();
            match Pin::new(&mut this.tasks).poll_next(cx) {
                Poll::Ready(Some(())) => {
                    if let Some(output) = this.take_output() {
                        return Poll::Ready(output);
                    }
                }
                Poll::Ready(None) => match this.take_output() {
                    Some(output) => return Poll::Ready(output),
                    None => unreachable!("the execution's task only ends after storing its output"),
                },
                Poll::Pending => {
                    this.batches.waker.register(cx.waker());
                    if !this.admit() {
                        return Poll::Pending;
                    }
                    drop(this.batches.waker.take());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn batches_started_by_the_execution_run_before_it_finishes() {
        let batches = Arc::new(Batches::default());
        let (sender, receiver) = futures::channel::oneshot::channel();
        let starter = batches.clone();
        let execution = run(batches, async move {
            starter.start(Box::pin(async move {
                let _ = sender.send(21);
            }));
            receiver.await.map(|half| half * 2)
        });
        // A batch the executor never picked up would leave the execution waiting forever.
        let output = tokio::time::timeout(std::time::Duration::from_secs(30), execution).await;
        assert_eq!(
            output.ok().and_then(Result::ok).and_then(Result::ok),
            Some(42)
        );
    }

    #[tokio::test]
    async fn a_panicking_execution_is_reported_and_the_task_survives() {
        let output = run(Arc::new(Batches::default()), async {
            if std::hint::black_box(true) {
                panic!("resolver bug");
            }
        })
        .await;
        assert!(output.is_err());
    }

    #[tokio::test]
    async fn a_batch_runs_after_the_work_woken_before_it() {
        let batches = Arc::new(Batches::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let (starter, log) = (batches.clone(), order.clone());
        let output = run(batches, async move {
            let (sender, receiver) = futures::channel::oneshot::channel();
            let batch_log = log.clone();
            starter.start(Box::pin(async move {
                batch_log.lock().unwrap().push("batch");
                let _ = sender.send(());
            }));
            log.lock().unwrap().push("execution before yielding");
            let _ = receiver.await;
            log.lock().unwrap().push("execution after the batch");
        })
        .await;
        assert!(output.is_ok());
        assert_eq!(
            *order.lock().unwrap(),
            [
                "execution before yielding",
                "batch",
                "execution after the batch"
            ]
        );
    }
}
