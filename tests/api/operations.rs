//! What operators meet: slow clients, shutdowns that run out of grace, oversized requests,
//! and a database that is down or hangs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{Backend, SCIM_TOKEN, TestApp, TestDatabase, error_code};

/// Longest a test waits for something the server must do by itself.
const PATIENCE: Duration = Duration::from_secs(20);

fn host_port(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection; fails if it does not within [`PATIENCE`].
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut seen))
        .await
        .expect("the server closes the connection by itself")
        .ok();
    seen
}

backend_test! {
    async fn connections_that_never_finish_their_headers_or_sit_idle_are_closed(app) {
        let app = app.with_config(|config| config.header_read_timeout_secs = 1).await;
        let mut slow = TcpStream::connect(host_port(&app)).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        read_until_closed(&mut slow).await;
        let mut idle = TcpStream::connect(host_port(&app)).await.unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let answered = read_until_closed(&mut idle).await;
        assert!(String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"), "the request itself was served");
        let (status, _) = app.graphql("{ __typename }", json!({}), None).await;
        assert_eq!(status, 200);
    }
}

/// Starts a server whose shutdown has no grace; returns its result once `in_flight`
/// requests (each waiting for a body that never comes) are open and it was told to stop.
async fn stop_with_requests_in_flight(in_flight: usize) -> std::io::Result<()> {
    let database = TestDatabase::create(Backend::Sqlite).await.unwrap();
    let mut config = crate::helpers::test_config(&database.url);
    config.shutdown_grace_secs = 0;
    let app = okrs::app::Application::build(config).await.unwrap();
    let address = app.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        stopped.await.ok();
    }));
    let mut clients = Vec::new();
    for _ in 0..in_flight {
        let mut client = TcpStream::connect(address).await.unwrap();
        let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                    Content-Length: 100\r\nExpect: 100-continue\r\n\r\n";
        client.write_all(head.as_bytes()).await.unwrap();
        // `100 Continue` means the handler is reading the body: the request is in flight.
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(PATIENCE, client.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).contains("100 Continue"));
        clients.push(client);
    }
    stop.send(()).unwrap();
    let result = tokio::time::timeout(PATIENCE, server)
        .await
        .unwrap()
        .unwrap();
    database.drop_now().await;
    result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_that_drops_requests_is_an_error_and_a_clean_one_is_not() {
    let dropped = stop_with_requests_in_flight(1).await;
    assert_eq!(dropped.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
    assert!(stop_with_requests_in_flight(0).await.is_ok());
}

backend_test! {
    async fn oversized_bodies_and_uris_get_the_error_shape_of_their_api(app) {
        let big = "x".repeat(app.config.request_body_limit + 1);
        let response = app.client.post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(format!(r#"{{"query":"{big}"}}"#))
            .send().await.unwrap();
        assert_eq!(response.status().as_u16(), 413);
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        let (status, _, body) = app.scim(reqwest::Method::POST, "/Users", Some(json!({ "userName": big }))).await;
        crate::helpers::assert_scim_error(status, &body, 413, None);
        let long = "a".repeat(okrs::error_bodies::URI_LIMIT);
        let response = app.client.get(app.url(&format!("/graphql?query={long}"))).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 414);
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        let response = app.client.get(app.url(&format!("/scim/v2/Users?filter={long}")))
            .bearer_auth(SCIM_TOKEN).send().await.unwrap();
        let (status, _, body) = crate::helpers::scim_response(response).await;
        crate::helpers::assert_scim_error(status, &body, 414, None);

        // Past hyper's own 64 KiB limit its parser answers before any handler runs (and HTTP
        // clients refuse to build such a URI, so the request is written by hand).
        for (path, expected) in [("/graphql?query=", "\"BAD_USER_INPUT\""), ("/scim/v2/Users?filter=", "scim:api:messages:2.0:Error")] {
            let answer = raw_get(&app, &format!("{path}{}", "a".repeat(70 * 1024))).await;
            assert!(answer.starts_with("HTTP/1.1 414 "), "{}", &answer[..answer.len().min(200)]);
            assert!(answer.contains(expected), "{}", &answer[..answer.len().min(400)]);
        }
        let (status, _) = app.graphql("{ __typename }", json!({}), None).await;
        assert_eq!(status, 200, "the server still answers");
    }
}

/// Sends `GET <target>` over a plain TCP connection and returns everything the server wrote.
async fn raw_get(app: &TestApp, target: &str) -> String {
    let address = host_port(app);
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    String::from_utf8_lossy(&read_until_closed(&mut stream).await).into_owned()
}

/// The database name in a PostgreSQL URL.
fn database_name(url: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned()
}

async fn admin_sql(sql: &str) {
    use sea_orm::ConnectionTrait;
    let base = std::env::var("TEST_DATABASE_URL").unwrap();
    let admin = sea_orm::Database::connect(&base).await.unwrap();
    admin.execute_unprepared(sql).await.unwrap();
    admin.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgres_refuses_connections_requests_fail_fast_and_readiness_says_so() {
    let Some(database) = TestDatabase::create(Backend::Postgres).await else {
        return;
    };
    let app = TestApp::spawn(Backend::Postgres, &database.url, |config| {
        config.database_acquire_timeout_secs = 1;
    })
    .await;
    let user = crate::factories::user(&app.db).await;
    let token = app.token_for(&user.id);
    let name = database_name(&database.url);
    admin_sql(&format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"
    ))
    .await;
    admin_sql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .await;
    let (status, body) = app.graphql("{ me { id } }", json!({}), Some(&token)).await;
    assert_eq!(
        (status, error_code(&body)),
        (200, Some("SERVICE_UNAVAILABLE")),
        "{body}"
    );
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 503);
    let (status, body) = app.scim_get("/Users").await;
    crate::helpers::assert_scim_error(status, &body, 503, None);
    admin_sql(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
    database.drop_now().await;
}

/// A TCP proxy to PostgreSQL that can be frozen: bytes stop flowing both ways and new
/// connections are accepted but never forwarded, as with a database that hangs.
struct FreezableProxy {
    port: u16,
    frozen: Arc<AtomicBool>,
}

impl FreezableProxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let frozen = Arc::new(AtomicBool::new(false));
        let flag = frozen.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (flag, upstream) = (flag.clone(), upstream.clone());
                tokio::spawn(async move {
                    if flag.load(Ordering::SeqCst) {
                        std::future::pending::<()>().await;
                    }
                    let server = TcpStream::connect(upstream).await.unwrap();
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::spawn(pump(client_read, server_write, flag.clone()));
                    pump(server_read, client_write, flag).await;
                });
            }
        });
        Self { port, frozen }
    }

    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    frozen: Arc<AtomicBool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 {
            return;
        }
        if frozen.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgres_hangs_readiness_and_requests_still_answer() {
    let Some(database) = TestDatabase::create(Backend::Postgres).await else {
        return;
    };
    let mut url = reqwest::Url::parse(&database.url).unwrap();
    let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let proxy = FreezableProxy::start(upstream).await;
    url.set_port(Some(proxy.port)).unwrap();
    let app = TestApp::spawn(Backend::Postgres, url.as_str(), |config| {
        config.database_acquire_timeout_secs = 1;
        config.request_timeout_secs = 3;
    })
    .await;
    let user = crate::factories::user(&app.db).await;
    let token = app.token_for(&user.id);
    proxy.freeze();
    let ready = tokio::time::timeout(PATIENCE, app.client.get(app.url("/readyz")).send())
        .await
        .expect("readiness answers by itself")
        .unwrap();
    assert_eq!(ready.status().as_u16(), 503);
    let (status, body) = app.graphql("{ me { id } }", json!({}), Some(&token)).await;
    assert!(matches!(status, 200 | 408), "{status} {body}");
    assert_eq!(error_code(&body), Some("SERVICE_UNAVAILABLE"), "{body}");
    database.drop_now().await;
}
