//! Serving HTTP connections: hyper with a header-read timeout, and a graceful shutdown that
//! gives in-flight requests a bounded grace period.
//!
//! `axum::serve` sets no timer on hyper, so a client that opens a connection and never
//! finishes its headers (or leaves a keep-alive connection idle) holds it forever. Here every
//! HTTP/1 connection must deliver a complete request head within the header-read timeout,
//! whether it is new or idle between requests; otherwise hyper closes it. The one answer
//! hyper's parser writes by itself (414 for a request line over 64 KiB) gets the API's error
//! body from [`refusals`].

pub mod refusals;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::serve::refusals::ShapedRefusals;

/// How the server treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// Longest wait for a complete request head, on a new or an idle keep-alive connection.
    pub header_read_timeout: Duration,
    /// Longest wait for in-flight requests once shutdown has begun.
    pub grace: Duration,
}

/// Serves `router` on `listener` until `signal` completes, then stops accepting and waits
/// up to `options.grace` for open connections to finish; an error when that ran out.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    signal: impl Future<Output = ()> + Send + 'static,
    options: ServeOptions,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            () = &mut signal => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(err) => {
                        // Out of file descriptors and the like: keep serving the others.
                        tracing::warn!(error = %err, "accepting a connection failed");
                        continue;
                    }
                };
                let service = TowerToHyperService::new(router.clone());
                let connection = builder
                    .serve_connection(TokioIo::new(ShapedRefusals::new(stream)), service)
                    .into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(err) = connection.await {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                });
            }
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => Ok(()),
        () = tokio::time::sleep(options.grace) => {
            tracing::warn!("grace period over: dropping remaining connections");
            // Requests were cut off: the process must not report a clean stop.
            Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the shutdown grace period ran out with requests still in flight",
            ))
        }
    }
}
