//! Typed configuration, read from environment variables or command-line flags.
//!
//! Every setting has a documented default (see `.env.example` and the README); secrets are
//! wrapped in [`Secret`] so they never appear in `Debug` output or logs.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The embedded default database: a SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://okrs.db?mode=rwc";
/// Where the server listens unless `BIND_ADDR` says otherwise.
pub const DEFAULT_BIND_ADDR: &str = "0.0.0.0:8080";
/// Where `scripts/fetch-graphiql.sh` puts the GraphiQL files.
pub const DEFAULT_GRAPHIQL_ASSETS_DIR: &str = "assets/graphiql";

/// A value that must not be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the code that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(value))
    }
}

/// When to load the demo dataset at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SeedDemo {
    /// Seed when the database is SQLite (the embedded default) and has no users yet.
    Auto,
    /// Seed whenever the database has no users yet, whatever its engine.
    Always,
    /// Never seed at start (`okrs seed --demo` still works).
    Never,
}

/// Who may query the schema itself (`__schema`, `__type`, the SDL at
/// `/graphql/schema.graphql`); `__typename` always works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Introspection {
    /// Everyone.
    On,
    /// Requests with a valid token of an active user (GraphiQL sends one).
    SignedIn,
    /// No one.
    Off,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption (local relays and tests only).
    None,
}

/// Everything the server needs to start.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Most connections in the database pool.
    #[arg(
        long,
        global = true,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 10
    )]
    pub database_max_connections: u32,
    /// How long a request waits for a database connection before it fails with
    /// `SERVICE_UNAVAILABLE`, in seconds.
    #[arg(
        long,
        global = true,
        env = "DATABASE_ACQUIRE_TIMEOUT_SECS",
        default_value_t = 3
    )]
    pub database_acquire_timeout_secs: u64,
    /// Address and port to listen on (development mode always uses 127.0.0.1).
    #[arg(long, global = true, env = "BIND_ADDR", default_value = DEFAULT_BIND_ADDR)]
    pub bind_addr: SocketAddr,
    /// Apply pending migrations at start.
    #[arg(long, global = true, env = "AUTO_MIGRATE", default_value_t = true, action = clap::ArgAction::Set)]
    pub auto_migrate: bool,
    /// When to load the demo dataset at start.
    #[arg(long, global = true, env = "SEED_DEMO", value_enum, default_value_t = SeedDemo::Auto)]
    pub seed_demo: SeedDemo,
    /// HS256 secret for GraphQL bearer tokens (at least 32 bytes).
    #[arg(long, global = true, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// PEM file with an RSA (RS256) or EC P-256 (ES256) public key for GraphQL bearer tokens.
    #[arg(long, global = true, env = "JWT_PUBLIC_KEY_FILE")]
    pub jwt_public_key_file: Option<PathBuf>,
    /// Required `iss` claim, when set.
    #[arg(long, global = true, env = "JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Required `aud` claim, when set.
    #[arg(long, global = true, env = "JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Clock skew allowed when checking a token's `exp`, `nbf` and `iat`, in seconds.
    #[arg(long, global = true, env = "JWT_LEEWAY_SECS", default_value_t = 5)]
    pub jwt_leeway_secs: u64,
    /// The SCIM role that makes a user an administrator.
    #[arg(long, global = true, env = "ADMIN_ROLE", default_value = "admin")]
    pub admin_role: String,
    /// Serve GraphiQL at `/`.
    #[arg(long, global = true, env = "GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,
    /// Folder with the offline GraphiQL files (fetched by `scripts/fetch-graphiql.sh`).
    #[arg(long, global = true, env = "GRAPHIQL_ASSETS_DIR", default_value = DEFAULT_GRAPHIQL_ASSETS_DIR)]
    pub graphiql_assets_dir: PathBuf,
    /// Deepest allowed GraphQL selection nesting in a data query (introspection may go to 16).
    #[arg(long, global = true, env = "QUERY_DEPTH_LIMIT", default_value_t = 12)]
    pub query_depth_limit: usize,
    /// Highest allowed GraphQL query complexity.
    #[arg(
        long,
        global = true,
        env = "QUERY_COMPLEXITY_LIMIT",
        default_value_t = 10_000
    )]
    pub query_complexity_limit: usize,
    /// Most aliased fields in one GraphQL document.
    #[arg(long, global = true, env = "QUERY_ALIAS_LIMIT", default_value_t = 50)]
    pub query_alias_limit: usize,
    /// Deepest nesting of brackets in a GraphQL document, and of values in `variables`.
    #[arg(long, global = true, env = "QUERY_NESTING_LIMIT", default_value_t = 64)]
    pub query_nesting_limit: usize,
    /// Most items in one list value of a GraphQL request.
    #[arg(long, global = true, env = "INPUT_LIST_LIMIT", default_value_t = 1_000)]
    pub input_list_limit: usize,
    /// Most conditions (comparisons, relations, `and`/`or`/`not`) in one `where` or SCIM filter.
    #[arg(long, global = true, env = "FILTER_TERM_LIMIT", default_value_t = 200)]
    pub filter_term_limit: usize,
    /// Most values (including `in`/`notIn` items) in one `where` or SCIM filter.
    #[arg(
        long,
        global = true,
        env = "FILTER_VALUE_LIMIT",
        default_value_t = 5_000
    )]
    pub filter_value_limit: usize,
    /// Most keys in one `orderBy`.
    #[arg(long, global = true, env = "SORT_KEY_LIMIT", default_value_t = 10)]
    pub sort_key_limit: usize,
    /// Most SQL statements one GraphQL request may run.
    #[arg(
        long,
        global = true,
        env = "SQL_STATEMENT_BUDGET",
        default_value_t = 200
    )]
    pub sql_statement_budget: usize,
    /// Report each request's SQL statement count in `extensions.sqlStatements`.
    #[arg(long, global = true, env = "EXPOSE_SQL_STATEMENT_COUNT", default_value_t = false, action = clap::ArgAction::Set)]
    pub expose_sql_statement_count: bool,
    /// Largest accepted request body, in bytes.
    #[arg(long, global = true, env = "REQUEST_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub request_body_limit: usize,
    /// Longest a request may take, in seconds.
    #[arg(
        long,
        global = true,
        env = "REQUEST_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub request_timeout_secs: u64,
    /// Longest wait for a complete request head on a new or idle keep-alive connection, in
    /// seconds; then the connection is closed.
    #[arg(
        long,
        global = true,
        env = "HEADER_READ_TIMEOUT_SECS",
        default_value_t = 15
    )]
    pub header_read_timeout_secs: u64,
    /// How long shutdown waits for in-flight requests, in seconds.
    #[arg(long, global = true, env = "SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,
    /// SCIM bearer token; setting it (or the Basic pair) turns SCIM on at `/scim/v2`.
    #[arg(long, global = true, env = "SCIM_BEARER_TOKEN", hide_env_values = true)]
    pub scim_bearer_token: Option<Secret>,
    /// SCIM HTTP Basic user name (with `SCIM_BASIC_PASSWORD`).
    #[arg(long, global = true, env = "SCIM_BASIC_USERNAME")]
    pub scim_basic_username: Option<String>,
    /// SCIM HTTP Basic password (with `SCIM_BASIC_USERNAME`).
    #[arg(
        long,
        global = true,
        env = "SCIM_BASIC_PASSWORD",
        hide_env_values = true
    )]
    pub scim_basic_password: Option<Secret>,
    /// The server's public base URL (e.g. `https://okrs.example.com`), for SCIM locations;
    /// without it they are built from the request's `Host` header.
    #[arg(long, global = true, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server for the weekly overview e-mail; the job is off while this is unset.
    #[arg(long, global = true, env = "SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, global = true, env = "SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// SMTP connection security.
    #[arg(long, global = true, env = "SMTP_TLS", value_enum, default_value_t = SmtpTls::Starttls)]
    pub smtp_tls: SmtpTls,
    /// SMTP user name, when the server wants one.
    #[arg(long, global = true, env = "SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// SMTP password.
    #[arg(long, global = true, env = "SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<Secret>,
    /// Sender of the overview e-mail.
    #[arg(
        long,
        global = true,
        env = "MAIL_FROM",
        default_value = "OKRs <okrs@localhost>"
    )]
    pub mail_from: String,
    /// Reply-To of the overview e-mail.
    #[arg(long, global = true, env = "MAIL_REPLY_TO")]
    pub mail_reply_to: Option<String>,
    /// Base URL of the OKR pages linked from e-mails (`<base>/<user slug>`).
    #[arg(
        long,
        global = true,
        env = "MAIL_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub mail_base_url: String,
    /// When the overview goes out: a cron expression with seconds (sec min hour day month weekday).
    #[arg(
        long,
        global = true,
        env = "OVERVIEW_SCHEDULE",
        default_value = "0 0 8 * * Mon"
    )]
    pub overview_schedule: String,
    /// Time zone the schedule is read in (IANA name).
    #[arg(
        long,
        global = true,
        env = "OVERVIEW_TIMEZONE",
        default_value = "America/New_York"
    )]
    pub overview_timezone: String,
    /// Most operations in one batched request (a JSON array of operations); `0` turns
    /// batching off.
    #[arg(long, global = true, env = "BATCH_LIMIT", default_value_t = 10)]
    pub batch_limit: usize,
    /// Most documents kept for automatic persisted queries (Apollo's protocol: a request may
    /// send the SHA-256 hash of a document registered earlier instead of the document);
    /// `0` turns them off.
    #[arg(
        long,
        global = true,
        env = "PERSISTED_QUERY_CACHE_SIZE",
        default_value_t = 1_000
    )]
    pub persisted_query_cache_size: usize,
    /// Who may query the schema: `on` (everyone), `signed-in` (requests with a valid token
    /// of an active user) or `off`; `__typename` always works.
    #[arg(long, global = true, env = "INTROSPECTION", value_enum, default_value_t = Introspection::On)]
    pub introspection: Introspection,
    /// Origins (`https://app.example.com`, comma-separated) whose browser pages may call the
    /// API; none by default. Development mode also allows every `http://localhost` and
    /// `http://127.0.0.1` origin.
    #[arg(
        long,
        global = true,
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_allowed_origins: Vec<String>,
    /// Methods a cross-origin page may use.
    #[arg(
        long,
        global = true,
        env = "CORS_ALLOWED_METHODS",
        value_delimiter = ',',
        default_value = "GET,POST"
    )]
    pub cors_allowed_methods: Vec<String>,
    /// Request headers a cross-origin page may send.
    #[arg(
        long,
        global = true,
        env = "CORS_ALLOWED_HEADERS",
        value_delimiter = ',',
        default_value = "authorization,content-type,x-request-id"
    )]
    pub cors_allowed_headers: Vec<String>,
    /// How long a browser may keep a preflight answer, in seconds.
    #[arg(long, global = true, env = "CORS_MAX_AGE_SECS", default_value_t = 600)]
    pub cors_max_age_secs: u64,
    /// How long a replica reuses a signed-in user's row (whether the user is active, which
    /// roles) before reading it again, in milliseconds. A change through this replica's SCIM
    /// endpoint applies at once; one through another replica, or in the database, within
    /// this time. `0` reads the row for every request.
    #[arg(
        long,
        global = true,
        env = "SIGNED_IN_USER_TTL_MS",
        default_value_t = 1_000
    )]
    pub signed_in_user_ttl_ms: u64,
    /// Where Prometheus scrapes `GET /metrics` (e.g. `127.0.0.1:9464`): a listen address of
    /// its own, never the public port; unset, no metrics are served.
    #[arg(long, global = true, env = "METRICS_BIND_ADDR")]
    pub metrics_bind_addr: Option<SocketAddr>,
    /// Compress responses of at least this many bytes with gzip or brotli when the client
    /// accepts it (`Accept-Encoding`); `0` turns compression off.
    #[arg(
        long,
        global = true,
        env = "COMPRESSION_MIN_BYTES",
        default_value_t = 1024
    )]
    pub compression_min_bytes: u16,
    /// Log filter in `tracing` syntax, e.g. `info` or `okrs=debug,sqlx=warn`.
    #[arg(long, global = true, env = "LOG_FILTER", default_value = "info")]
    pub log_filter: String,
    /// Log line format.
    #[arg(long, global = true, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl Config {
    /// True when no token key is configured: the server then runs in development mode.
    pub fn development_mode(&self) -> bool {
        self.jwt_secret.is_none() && self.jwt_public_key_file.is_none()
    }

    /// True when the database URL names SQLite.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The ceilings on a GraphQL request's nesting and list sizes.
    pub fn shape_limits(&self) -> crate::graphql::input_shape::ShapeLimits {
        crate::graphql::input_shape::ShapeLimits {
            nesting: self.query_nesting_limit,
            list_items: self.input_list_limit,
        }
    }

    /// The ceilings on one filter and sort, for GraphQL and SCIM alike.
    pub fn filter_limits(&self) -> crate::query::filter::FilterLimits {
        crate::query::filter::FilterLimits {
            terms: self.filter_term_limit,
            values: self.filter_value_limit,
            sort_keys: self.sort_key_limit,
        }
    }

    /// The per-request time limit.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
}

impl Default for Config {
    /// The documented defaults, independent of the environment (used by tests and tools).
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            database_max_connections: 10,
            database_acquire_timeout_secs: 3,
            bind_addr: DEFAULT_BIND_ADDR
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 8080))),
            auto_migrate: true,
            seed_demo: SeedDemo::Auto,
            jwt_secret: None,
            jwt_public_key_file: None,
            jwt_issuer: None,
            jwt_audience: None,
            jwt_leeway_secs: 5,
            admin_role: "admin".to_owned(),
            graphiql: true,
            graphiql_assets_dir: PathBuf::from(DEFAULT_GRAPHIQL_ASSETS_DIR),
            query_depth_limit: 12,
            query_complexity_limit: 10_000,
            query_alias_limit: 50,
            query_nesting_limit: 64,
            input_list_limit: 1_000,
            filter_term_limit: 200,
            filter_value_limit: 5_000,
            sort_key_limit: 10,
            sql_statement_budget: 200,
            expose_sql_statement_count: false,
            request_body_limit: 1024 * 1024,
            request_timeout_secs: 30,
            header_read_timeout_secs: 15,
            shutdown_grace_secs: 30,
            scim_bearer_token: None,
            scim_basic_username: None,
            scim_basic_password: None,
            public_url: None,
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: None,
            smtp_password: None,
            mail_from: "OKRs <okrs@localhost>".to_owned(),
            mail_reply_to: None,
            mail_base_url: "http://127.0.0.1:8080".to_owned(),
            overview_schedule: "0 0 8 * * Mon".to_owned(),
            overview_timezone: "America/New_York".to_owned(),
            batch_limit: 10,
            persisted_query_cache_size: 1_000,
            introspection: Introspection::On,
            cors_allowed_origins: Vec::new(),
            cors_allowed_methods: vec!["GET".to_owned(), "POST".to_owned()],
            cors_allowed_headers: ["authorization", "content-type", "x-request-id"]
                .map(str::to_owned)
                .to_vec(),
            cors_max_age_secs: 600,
            compression_min_bytes: 1024,
            metrics_bind_addr: None,
            signed_in_user_ttl_ms: 1_000,
            log_filter: "info".to_owned(),
            log_format: LogFormat::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let config = Config {
            jwt_secret: Some(Secret::new("hunter2-hunter2")),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn flag_defaults_match_the_default_impl() {
        let parsed = Wrapper::parse_from(["okrs"]).config;
        let default = Config::default();
        // The environment may set some variables; compare only those CI never sets.
        assert_eq!(parsed.query_depth_limit, default.query_depth_limit);
        assert_eq!(
            parsed.query_complexity_limit,
            default.query_complexity_limit
        );
        assert_eq!(parsed.request_body_limit, default.request_body_limit);
        assert_eq!(parsed.shape_limits(), default.shape_limits());
        assert_eq!(parsed.filter_limits(), default.filter_limits());
        assert_eq!(parsed.admin_role, default.admin_role);
        assert_eq!(parsed.graphiql_assets_dir, default.graphiql_assets_dir);
    }
}
