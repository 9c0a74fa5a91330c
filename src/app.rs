//! Building and running the server: connect, migrate, seed, bind, serve, shut down gracefully.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Extensions, HeaderMap, Request, StatusCode, Version};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::cors::CorsLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::TokenKeys;
use crate::config::{Config, SeedDemo};
use crate::domain::users;
use crate::fixtures::demo;
use crate::graphql::documents::DocumentCache;
use crate::graphql::limits::DocumentLimits;
use crate::graphql::persisted::PersistedQueries;
use crate::metrics::{Metrics, Scrape};
use crate::overview::job::{OverviewJob, Schedule};
use crate::overview::mailer::Mailer;
use crate::serve::{self, ServeOptions};
use crate::signed_in::SignedInUsers;
use crate::state::AppState;
use crate::{db, error_bodies, graphql, health, scim};

/// How long the development-mode token stays valid.
const DEV_TOKEN_TTL_HOURS: i64 = 24 * 30;

/// A server that is bound and ready to run.
pub struct Application {
    listener: TcpListener,
    /// The metrics listener and what it serves, when `METRICS_BIND_ADDR` is set.
    metrics: Option<(TcpListener, Router)>,
    overview: Option<(OverviewJob, Schedule)>,
    router: Router,
    state: AppState,
    serve: ServeOptions,
}

impl Application {
    /// Connects and migrates the database, loads demo data if asked, and binds the listener
    /// (port 0 picks a free port). Development mode binds 127.0.0.1 only.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let keys = TokenKeys::from_config(&config).context("setting up token keys")?;
        let db = db::connect(&config)
            .await
            .context("connecting to the database")?;
        let startup = db::StartupLock::acquire(&db)
            .await
            .context("waiting for other replicas to finish starting")?;
        if config.auto_migrate {
            db::migrate(&db).await.context("applying migrations")?;
        }
        seed_if_empty(&db, &config).await?;
        startup
            .release()
            .await
            .context("releasing the start-up lock")?;
        let batch_db = db::connect_batches(&config, &db)
            .await
            .context("connecting the batch pool to the database")?;
        let cors = crate::cors::layer(&config)?;
        let dev_token = development_token(&db, &config, &keys).await?;
        // Collected only when they are served: no work per request otherwise.
        let metrics = config
            .metrics_bind_addr
            .is_some()
            .then(|| Arc::new(Metrics::new()));
        let overview = overview_job(&db, &config, metrics.as_ref())?;
        let addr = listen_addr(&config);
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let metrics_listener = match config.metrics_bind_addr {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding the metrics address {addr}"))?,
            ),
            None => None,
        };
        let config = Arc::new(config);
        let state = AppState {
            db: db.clone(),
            batch_db: batch_db.clone(),
            schema: graphql::schema::build(db.clone(), config.clone()),
            keys: Arc::new(keys),
            dev_token,
            documents: Arc::new(DocumentCache::new(DocumentLimits {
                aliases: config.query_alias_limit,
                depth: config.query_depth_limit,
                shape: config.shape_limits(),
            })),
            persisted: Arc::new(PersistedQueries::new(config.persisted_query_cache_size)),
            metrics: metrics.clone(),
            signed_in: Arc::new(SignedInUsers::new(Duration::from_millis(
                config.signed_in_user_ttl_ms,
            ))),
            config: config.clone(),
        };
        let metrics = metrics_listener.zip(metrics).map(|(listener, metrics)| {
            let scrape = Scrape {
                metrics,
                // SQLite reads batches through the main pool itself.
                pools: if config.is_sqlite() {
                    vec![("main", db.clone())]
                } else {
                    vec![("main", db.clone()), ("batches", batch_db.clone())]
                },
                max_connections: config.database_max_connections,
            };
            (listener, crate::metrics::routes(scrape))
        });
        Ok(Self {
            listener,
            metrics,
            overview,
            router: router(state.clone(), cors)?,
            state,
            serve: ServeOptions {
                header_read_timeout: Duration::from_secs(config.header_read_timeout_secs),
                grace: Duration::from_secs(config.shutdown_grace_secs),
            },
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    /// The metrics listener's address, when `METRICS_BIND_ADDR` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The database pool the server uses.
    pub fn db(&self) -> &DatabaseConnection {
        &self.state.db
    }

    /// The pool DataLoader batches read through ([`db::connect_batches`]).
    pub fn batch_db(&self) -> &DatabaseConnection {
        &self.state.batch_db
    }

    /// The state the handlers share (for running requests in process, as the tests do).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The development-mode token, when the server runs in development mode.
    pub fn dev_token(&self) -> Option<&str> {
        self.state.dev_token.as_deref()
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let signal = shutdown_signal()?;
        self.run_until(signal).await
    }

    /// Serves until `signal` completes, then lets in-flight requests finish for up to the
    /// configured grace period; an error when that ran out and requests were dropped (the
    /// binary then exits non-zero).
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.local_addr(), "listening");
        let overview = self
            .overview
            .map(|(job, schedule)| tokio::spawn(job.run_forever(schedule)));
        let signal = async move {
            signal.await;
            tracing::info!("shutting down: finishing in-flight requests");
        };
        let metrics = self.metrics.map(|(listener, router)| {
            tracing::info!(addr = ?listener.local_addr().ok(), "serving metrics");
            let forever = std::future::pending();
            tokio::spawn(serve::serve(listener, router, forever, self.serve))
        });
        let result = serve::serve(self.listener, self.router, signal, self.serve).await;
        for task in [
            overview.map(|job| job.abort_handle()),
            metrics.map(|task| task.abort_handle()),
        ]
        .into_iter()
        .flatten()
        {
            task.abort();
        }
        result
    }
}

/// The whole HTTP surface with its middleware: request ids, tracing, CORS, compression,
/// timeout, body limit.
pub fn router(state: AppState, cors: Option<CorsLayer>) -> anyhow::Result<Router> {
    let timeout = state.config.request_timeout();
    let body_limit = state.config.request_body_limit;
    let min_bytes = state.config.compression_min_bytes;
    let worth_compressing = DefaultPredicate::new()
        .and(SizeAbove::new(min_bytes))
        .and(move |_: StatusCode, _: Version, _: &HeaderMap, _: &Extensions| min_bytes > 0);
    let compression = CompressionLayer::new()
        .gzip(true)
        .br(true)
        .compress_when(worth_compressing);
    let metrics = state.metrics.clone();
    Ok(Router::new()
        .merge(graphql::routes(&state))
        .merge(health::routes())
        .nest("/scim/v2", scim::routes(&state))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(()),
                )
                .layer(axum::middleware::from_fn_with_state(
                    metrics,
                    crate::access_log::log,
                ))
                .layer(PropagateRequestIdLayer::x_request_id())
                .option_layer(cors)
                .layer(compression)
                .layer(axum::middleware::from_fn(error_bodies::shape))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    timeout,
                ))
                .layer(DefaultBodyLimit::max(body_limit)),
        ))
}

/// The span of one request: method, path and request id (never headers or bodies); when
/// traces are exported, a server span named by its route (then by its GraphQL operation,
/// [`crate::access_log`]) under the caller's `traceparent`.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("", |path| path.as_str());
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
        otel.name = %format_args!("{} {route}", request.method()),
        otel.kind = "server",
        http.route = route,
        http.response.status_code = tracing::field::Empty,
        graphql.operation.name = tracing::field::Empty,
        graphql.operation.type = tracing::field::Empty,
    );
    crate::telemetry::adopt_caller(&span, request.headers());
    span
}

/// The weekly overview job, when SMTP is configured (its schedule checked now, at start).
fn overview_job(
    db: &DatabaseConnection,
    config: &Config,
    metrics: Option<&Arc<Metrics>>,
) -> anyhow::Result<Option<(OverviewJob, Schedule)>> {
    let Some(mailer) = Mailer::from_config(config).context("setting up SMTP")? else {
        return Ok(None);
    };
    let schedule = Schedule::from_config(config)?;
    let replica = uuid::Uuid::new_v4().to_string();
    let mut job = OverviewJob::new(db.clone(), mailer, &config.mail_base_url, &replica);
    if let Some(metrics) = metrics {
        job = job.with_metrics(metrics.clone());
    }
    Ok(Some((job, schedule)))
}

fn listen_addr(config: &Config) -> SocketAddr {
    if config.development_mode() {
        SocketAddr::from(([127, 0, 0, 1], config.bind_addr.port()))
    } else {
        config.bind_addr
    }
}

async fn seed_if_empty(db: &DatabaseConnection, config: &Config) -> anyhow::Result<()> {
    let wanted = match config.seed_demo {
        SeedDemo::Never => false,
        SeedDemo::Always => true,
        SeedDemo::Auto => config.is_sqlite(),
    };
    if wanted && !users::any_exist(db).await? {
        let summary = demo::seed(db).await.context("loading demo data")?;
        tracing::info!(?summary, "empty database: loaded the demo dataset");
    }
    Ok(())
}

/// In development mode, a token for the first admin (or user), logged ready to paste.
async fn development_token(
    db: &DatabaseConnection,
    config: &Config,
    keys: &TokenKeys,
) -> anyhow::Result<Option<Arc<str>>> {
    if !config.development_mode() {
        return Ok(None);
    }
    let (Some(issuer), Some(user)) = (
        &keys.issuer,
        users::first_admin_or_user(db, &config.admin_role).await?,
    ) else {
        tracing::warn!("development mode: no active user yet, so no development token");
        return Ok(None);
    };
    let token = issuer.mint(&user.id, chrono::Duration::hours(DEV_TOKEN_TTL_HOURS))?;
    tracing::warn!(
        user = %user.user_name,
        "development mode (no JWT_SECRET or JWT_PUBLIC_KEY_FILE): listening on 127.0.0.1 only, \
         signing tokens with a random secret. Use this header:\n\n    Authorization: Bearer {token}\n"
    );
    Ok(Some(token.into()))
}

/// Installs the SIGINT and SIGTERM handlers now (so a signal that arrives right after
/// start is not fatal) and returns a future that completes on the first of them.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
