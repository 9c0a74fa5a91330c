//! The API's error body for the one refusal hyper's HTTP/1 parser writes by itself.
//!
//! A request line longer than 64 KiB never reaches a handler: hyper answers
//! `414 URI Too Long` with an empty body and closes the connection. Every other 414 carries
//! the error shape of the API that was called ([`crate::error_bodies`]), so this wrapper
//! around the connection replaces hyper's bodiless answer with the same body. It remembers
//! the first bytes of the request being read, to tell a SCIM request from a GraphQL one.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error_bodies;

/// How hyper's own 414 begins, and how a bodiless answer says so.
const HYPER_URI_TOO_LONG: &[u8] = b"HTTP/1.1 414 ";
const NO_BODY: &[u8] = b"content-length: 0\r\n";
/// Enough of a request line to see whether its target starts with `/scim/`.
const START_KEPT: usize = 24;

/// A connection whose hyper-written 414 gets the API's error body.
#[derive(Debug)]
pub struct ShapedRefusals<S> {
    inner: S,
    request_start: Vec<u8>,
    replacement: Option<Replacement>,
}

/// An answer being written in place of hyper's.
#[derive(Debug)]
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    /// How many of hyper's bytes the answer stands for.
    replaces: usize,
}

impl<S> ShapedRefusals<S> {
    /// Wraps a freshly accepted connection.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            request_start: Vec::with_capacity(START_KEPT),
            replacement: None,
        }
    }

    fn is_scim(&self) -> bool {
        let mut parts = self.request_start.splitn(2, |byte| *byte == b' ');
        parts.next();
        parts
            .next()
            .is_some_and(|target| target.starts_with(b"/scim/"))
    }
}

/// The 414 answer with the API's error body, closing the connection as hyper's would.
fn uri_too_long(scim: bool, replaces: usize) -> Replacement {
    let (content_type, body) = error_bodies::shaped(
        StatusCode::URI_TOO_LONG,
        scim,
        &error_bodies::uri_too_long_message(),
    );
    let head = format!(
        "HTTP/1.1 414 URI Too Long\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    Replacement {
        bytes: [head.into_bytes(), body.into_bytes()].concat(),
        written: 0,
        replaces,
    }
}

fn is_hyper_uri_too_long(buf: &[u8]) -> bool {
    buf.starts_with(HYPER_URI_TOO_LONG) && buf.windows(NO_BODY.len()).any(|w| w == NO_BODY)
}

impl<S: AsyncRead + Unpin> AsyncRead for ShapedRefusals<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        let room = START_KEPT - this.request_start.len();
        if room > 0 {
            let read = &buf.filled()[before..];
            this.request_start
                .extend_from_slice(&read[..read.len().min(room)]);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ShapedRefusals<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.replacement.is_none() && is_hyper_uri_too_long(buf) {
            this.replacement = Some(uri_too_long(this.is_scim(), buf.len()));
        }
        if let Some(replacement) = &mut this.replacement {
            while replacement.written < replacement.bytes.len() {
                let rest = &replacement.bytes[replacement.written..];
                match Pin::new(&mut this.inner).poll_write(cx, rest) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Ok(written)) => replacement.written += written,
                    Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                    Poll::Pending => return Poll::Pending,
                }
            }
            let replaces = replacement.replaces.min(buf.len());
            this.replacement = None;
            return Poll::Ready(Ok(replaces));
        }
        if buf.starts_with(b"HTTP/") {
            // A response begins: the next bytes read begin the next request.
            this.request_start.clear();
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn hypers_bodiless_414_gets_the_apis_body_and_other_bytes_pass() {
        for (request, expected) in [
            ("GET /graphql?query=aaaa", "\"extensions\""),
            (
                "GET /scim/v2/Users?filter=aaaa",
                "urn:ietf:params:scim:api:messages:2.0:Error",
            ),
        ] {
            let (client, server) = tokio::io::duplex(4096);
            let mut shaped = ShapedRefusals::new(server);
            let (mut client_read, mut client_write) = tokio::io::split(client);
            client_write.write_all(request.as_bytes()).await.unwrap();
            let mut read = [0_u8; 64];
            let n = shaped.read(&mut read).await.unwrap();
            assert_eq!(&read[..n], request.as_bytes());
            shaped
                .write_all(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n")
                .await
                .unwrap();
            shaped.write_all(b"HTTP/1.1 200 OK\r\n").await.unwrap();
            drop(shaped);
            let mut answer = String::new();
            client_read.read_to_string(&mut answer).await.unwrap();
            assert!(
                answer.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
                "{answer}"
            );
            assert!(answer.contains(expected), "{answer}");
            assert!(
                answer.ends_with("HTTP/1.1 200 OK\r\n"),
                "later bytes pass: {answer}"
            );
        }
    }
}
