//! The harness: a fresh, really-migrated database per test, the real server on port 0,
//! and an HTTP client that speaks the API.
//!
//! Every test written with [`backend_test!`] runs twice: on SQLite (a temporary file) and on
//! PostgreSQL when `TEST_DATABASE_URL` names a server (a database created for the test and
//! dropped afterwards). Without `TEST_DATABASE_URL` the PostgreSQL run prints a notice.

use std::future::Future;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Once};

use futures::FutureExt;
use okrs::app::Application;
use okrs::auth::TokenIssuer;
use okrs::config::{Config, Secret, SeedDemo};
use reqwest::Url;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

/// The HS256 secret every test server uses.
pub(crate) const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// Which database engine a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// Writes one test `sqlite` and one test `postgres` running the same body.
macro_rules! backend_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                crate::helpers::run(crate::helpers::Backend::Sqlite, |$app| async move $body).await;
            }

            $(#[$meta])*
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                crate::helpers::run(crate::helpers::Backend::Postgres, |$app| async move $body).await;
            }
        }
    };
}

/// A database made for one test; removed by [`TestDatabase::drop_now`].
pub(crate) struct TestDatabase {
    pub(crate) url: String,
    admin: Option<(DatabaseConnection, String)>,
    _dir: Option<Arc<tempfile::TempDir>>,
}

impl TestDatabase {
    /// A fresh empty database, or `None` (after a notice) when PostgreSQL is not configured.
    pub(crate) async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
                Some(Self {
                    url,
                    admin: None,
                    _dir: Some(Arc::new(dir)),
                })
            }
            Backend::Postgres => {
                let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
                    postgres_notice();
                    return None;
                };
                let admin = Database::connect(&base)
                    .await
                    .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but unreachable: {e}"));
                let name = format!("okrs_test_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                let mut url = Url::parse(&base).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                Some(Self {
                    url: url.to_string(),
                    admin: Some((admin, name)),
                    _dir: None,
                })
            }
        }
    }

    /// Drops the PostgreSQL database (closing the server's connections); SQLite files go
    /// with their temporary directory.
    pub(crate) async fn drop_now(self) {
        if let Some((admin, name)) = self.admin {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .expect("drop test database");
        }
    }
}

fn postgres_notice() {
    static NOTICE: Once = Once::new();
    NOTICE.call_once(|| {
        // Written past the test harness's output capture on purpose, so it is seen.
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTICE: TEST_DATABASE_URL is not set, so the PostgreSQL half of every backend \
             test returns without running. Set it (e.g. postgres://postgres@127.0.0.1:5432/postgres) \
             to run them.\n"
        );
    });
}

/// A running server and a client for it.
#[derive(Clone)]
pub(crate) struct TestApp {
    pub(crate) backend: Backend,
    pub(crate) address: String,
    pub(crate) db: DatabaseConnection,
    /// The server's pool for DataLoader batches.
    pub(crate) batch_db: DatabaseConnection,
    /// The server's shared state, for running requests in process.
    pub(crate) state: okrs::state::AppState,
    pub(crate) client: reqwest::Client,
    pub(crate) config: Config,
    pub(crate) database_url: String,
    /// `http://…` of the metrics listener, when the config sets `metrics_bind_addr`.
    pub(crate) metrics_address: Option<String>,
}

/// The SCIM bearer token every test server accepts.
pub(crate) const SCIM_TOKEN: &str = "scim-test-token-0123456789";

/// The configuration of a test server: the given database, port 0, the test secret, a SCIM
/// token, no demo data.
pub(crate) fn test_config(database_url: &str) -> Config {
    Config {
        scim_bearer_token: Some(Secret::new(SCIM_TOKEN)),
        database_url: database_url.to_owned(),
        bind_addr: "127.0.0.1:0".parse().expect("address"),
        jwt_secret: Some(Secret::new(TEST_SECRET)),
        seed_demo: SeedDemo::Never,
        database_max_connections: 5,
        ..Config::default()
    }
}

impl TestApp {
    /// Builds and starts a server on `database_url` with `configure` applied to the test config.
    pub(crate) async fn spawn(
        backend: Backend,
        database_url: &str,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = test_config(database_url);
        configure(&mut config);
        let app = Application::build(config.clone())
            .await
            .expect("server builds");
        let address = format!("http://{}", app.local_addr());
        let metrics_address = app.metrics_addr().map(|addr| format!("http://{addr}"));
        let db = app.db().clone();
        let batch_db = app.batch_db().clone();
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        Self {
            backend,
            address,
            db,
            batch_db,
            state,
            client: reqwest::Client::new(),
            config,
            database_url: database_url.to_owned(),
            metrics_address,
        }
    }

    /// Another server on the same database, with a changed configuration.
    pub(crate) async fn with_config(&self, configure: impl FnOnce(&mut Config)) -> Self {
        Self::spawn(self.backend, &self.database_url, configure).await
    }

    /// A URL on this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A token for `user_id` signed with the test secret.
    pub(crate) fn token_for(&self, user_id: &str) -> String {
        TokenIssuer::hs256(&Secret::new(TEST_SECRET), &self.config)
            .mint(user_id, chrono::Duration::minutes(10))
            .expect("mint token")
    }

    /// POSTs a GraphQL request as JSON; returns status and body.
    pub(crate) async fn graphql(
        &self,
        query: &str,
        variables: Value,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }
}

impl TestApp {
    /// Runs a query as `token`'s user and returns its `data`, failing on any error.
    pub(crate) async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql(query, variables, Some(token)).await;
        assert!(
            status == 200 && body.get("errors").is_none(),
            "{query}\n→ {status} {body}"
        );
        body["data"].clone()
    }

    /// Runs a query that must fail; returns the first error's code.
    pub(crate) async fn error(&self, token: &str, query: &str, variables: Value) -> String {
        let (_, body) = self.graphql(query, variables, Some(token)).await;
        error_code(&body)
            .unwrap_or_else(|| panic!("{query} should fail: {body}"))
            .to_owned()
    }
}

/// The `id`s of a connection's nodes, in order.
pub(crate) fn ids(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"))
        .iter()
        .map(|node| node["id"].as_str().unwrap().to_owned())
        .collect()
}

impl TestApp {
    /// Sends a SCIM request with the test token; returns status, headers and JSON body
    /// (`Null` when the body is empty).
    pub(crate) async fn scim(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .client
            .request(method, self.url(&format!("/scim/v2{path}")))
            .bearer_auth(SCIM_TOKEN);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/scim+json")
                .body(body.to_string());
        }
        scim_response(request.send().await.expect("request sent")).await
    }

    /// `GET /scim/v2{path}`.
    pub(crate) async fn scim_get(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.scim(reqwest::Method::GET, path, None).await;
        (status, body)
    }

    /// `POST /scim/v2{path}`, with the resource's core schema URN added to a body that
    /// names none (identity providers always send it; [`TestApp::scim`] sends bodies as given).
    pub(crate) async fn scim_post(&self, path: &str, body: Value) -> (u16, Value) {
        let body = with_core_schema(path, body);
        let (status, _, body) = self.scim(reqwest::Method::POST, path, Some(body)).await;
        (status, body)
    }

    /// `PUT /scim/v2{path}`, with the core schema URN added as for [`TestApp::scim_post`].
    pub(crate) async fn scim_put(&self, path: &str, body: Value) -> (u16, Value) {
        let body = with_core_schema(path, body);
        let (status, _, body) = self.scim(reqwest::Method::PUT, path, Some(body)).await;
        (status, body)
    }

    /// `PATCH /scim/v2{path}` with a PatchOp of `operations`.
    pub(crate) async fn scim_patch(&self, path: &str, operations: Value) -> (u16, Value) {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": operations,
        });
        let (status, _, body) = self.scim(reqwest::Method::PATCH, path, Some(body)).await;
        (status, body)
    }

    /// `DELETE /scim/v2{path}`.
    pub(crate) async fn scim_delete(&self, path: &str) -> u16 {
        self.scim(reqwest::Method::DELETE, path, None).await.0
    }
}

/// `body` with `schemas: [<core URN of the path's resource>]` when it has no `schemas`.
fn with_core_schema(path: &str, mut body: Value) -> Value {
    let urn = if path.starts_with("/Users") && !path.starts_with("/Users/.search") {
        "urn:ietf:params:scim:schemas:core:2.0:User"
    } else if path.starts_with("/Groups") && !path.starts_with("/Groups/.search") {
        "urn:ietf:params:scim:schemas:core:2.0:Group"
    } else {
        return body;
    };
    if let Some(object) = body.as_object_mut() {
        object.entry("schemas").or_insert_with(|| json!([urn]));
    }
    body
}

/// Status, headers and JSON body of a SCIM response; asserts the SCIM media type.
pub(crate) async fn scim_response(
    response: reqwest::Response,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    if text.is_empty() {
        return (status, headers, Value::Null);
    }
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/scim+json"),
        "{status} {text}"
    );
    (
        status,
        headers,
        serde_json::from_str(&text).expect("JSON body"),
    )
}

/// Asserts an RFC 7644 error body with this status and scimType.
pub(crate) fn assert_scim_error(status: u16, body: &Value, expected: u16, scim_type: Option<&str>) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(
        body["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error",
        "{body}"
    );
    assert_eq!(body["status"], expected.to_string(), "{body}");
    assert_eq!(body["scimType"].as_str(), scim_type, "{body}");
}

/// Runs `test` against a fresh server on `backend`, then drops the database even if it panicked.
pub(crate) async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(database) = TestDatabase::create(backend).await else {
        return;
    };
    let app = TestApp::spawn(backend, &database.url, |_| {}).await;
    let outcome = AssertUnwindSafe(test(app)).catch_unwind().await;
    database.drop_now().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The `extensions.code` of the first error, if any.
pub(crate) fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}
