//! A real SMTP server (crate `mailin-embedded`) on a free port, keeping what it receives.

use std::io;
use std::sync::{Arc, Mutex};

use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response, Server};

/// One received message: its envelope recipients and its raw data, decoded from
/// quoted-printable so that tests can search it.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) to: Vec<String>,
    pub(crate) data: String,
}

#[derive(Clone, Default)]
struct Sink {
    to: Vec<String>,
    data: Vec<u8>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Handler for Sink {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let data = decode_quoted_printable(&String::from_utf8_lossy(&self.data));
        self.received.lock().unwrap().push(Received {
            to: self.to.clone(),
            data,
        });
        OK
    }
}

/// Starts the server; returns its port and the list it fills.
pub(crate) fn start() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = Sink::default();
    let received = sink.received.clone();
    let mut server = Server::new(sink);
    server.with_name("sink.test").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, received)
}

/// Soft line breaks removed and `=XX` escapes decoded (enough for ASCII test content).
fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
