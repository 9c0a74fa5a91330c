//! Logs (`tracing` to standard error) and traces (OpenTelemetry over OTLP/HTTP).
//!
//! Traces are exported when the standard `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
//! `OTEL_EXPORTER_OTLP_ENDPOINT` variable is set (and `OTEL_TRACES_EXPORTER` is not `none`),
//! with the other standard variables (`OTEL_EXPORTER_OTLP_PROTOCOL` `http/protobuf` or
//! `http/json`, `…_HEADERS`, `…_TIMEOUT`, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
//! `OTEL_BSP_*`). Each request is a server span named by its GraphQL operation, the child of
//! the caller's span when the request carries a W3C `traceparent`; each SQL statement is a
//! client span under it.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt, Tracer as _, TracerProvider};
use opentelemetry::{Context, KeyValue};
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use opentelemetry_sdk::{Resource, runtime};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{Config, LogFormat};

/// The tracer SQL statement spans are made with, once traces are exported.
static TRACER: OnceLock<SdkTracer> = OnceLock::new();

/// What [`init`] set up; [`Telemetry::shutdown`] sends the spans still queued.
#[must_use]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still queued (within the exporter's timeout), then stops.
    pub async fn shutdown(self) {
        if let Some(provider) = self.provider {
            let flushed = tokio::task::spawn_blocking(move || provider.shutdown()).await;
            if !matches!(flushed, Ok(Ok(()))) {
                tracing::warn!("some trace spans could not be exported at shutdown");
            }
        }
    }
}

/// Installs the global subscriber: log lines for `LOG_FILTER`, and span export when the OTLP
/// variables ask for it. An error names a variable set to something unsupported. A second
/// call (tests) installs nothing.
pub fn init(config: &Config) -> Result<Telemetry, String> {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never in a file or a log collector.
        .with_ansi(std::io::stderr().is_terminal());
    let logs = match config.log_format {
        LogFormat::Text => logs.boxed(),
        LogFormat::Json => logs.json().boxed(),
    }
    .with_filter(filter);
    let provider = otlp_protocol()?.map(exporting_provider).transpose()?;
    let spans = provider.as_ref().map(|provider| {
        let tracer = provider.tracer("okrs");
        let _ = TRACER.set(tracer.clone());
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(Targets::new().with_target("okrs", LevelFilter::INFO))
    });
    let installed = tracing_subscriber::registry()
        .with(logs)
        .with(spans)
        .try_init()
        .is_ok();
    Ok(Telemetry {
        provider: provider.filter(|_| installed),
    })
}

/// The OTLP protocol the environment asks for, `None` when no endpoint is set.
fn otlp_protocol() -> Result<Option<Protocol>, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let endpoint =
        var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT"));
    let Some(endpoint) = endpoint else {
        return Ok(None);
    };
    if var("OTEL_TRACES_EXPORTER").is_some_and(|exporter| exporter == "none") {
        return Ok(None);
    }
    if !endpoint.starts_with("http://") {
        return Err(format!(
            "the OTLP endpoint {endpoint} is not an http:// URL: traces are sent over plain \
             HTTP, to an OpenTelemetry Collector or agent next to the server"
        ));
    }
    let protocol =
        var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").or_else(|| var("OTEL_EXPORTER_OTLP_PROTOCOL"));
    match protocol.as_deref() {
        None | Some("http/protobuf") => Ok(Some(Protocol::HttpBinary)),
        Some("http/json") => Ok(Some(Protocol::HttpJson)),
        Some(other) => Err(format!(
            "OTEL_EXPORTER_OTLP_PROTOCOL={other} is not supported: use http/protobuf or http/json"
        )),
    }
}

/// A tracer provider exporting in batches over OTLP/HTTP.
fn exporting_provider(protocol: Protocol) -> Result<SdkTracerProvider, String> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(protocol)
        .build()
        .map_err(|err| format!("setting up the OTLP trace exporter: {err}"))?;
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("okrs");
    }
    let resource = resource
        .with_attribute(KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
        .build();
    let batches = BatchSpanProcessor::builder(exporter, runtime::Tokio).build();
    Ok(SdkTracerProvider::builder()
        .with_span_processor(batches)
        .with_resource(resource)
        .build())
}

/// Makes the caller's span (a W3C `traceparent` header) the parent of `span`.
pub fn adopt_caller(span: &tracing::Span, headers: &HeaderMap) {
    if TRACER.get().is_none() {
        return;
    }
    let caller = TraceContextPropagator::new().extract(&Headers(headers));
    if caller.span().span_context().is_valid() {
        let _ = span.set_parent(caller);
    }
}

/// Renames the current request's exported span (to its GraphQL operation, once known: the
/// span has started by then, so its name is changed on the span itself).
pub fn rename_request_span(name: String) {
    if exporting() {
        tracing::Span::current().context().span().update_name(name);
    }
}

/// Whether spans are exported (so statements are worth recording).
pub fn exporting() -> bool {
    TRACER.get().is_some()
}

/// Records a finished SQL statement as a client span under the current request's span;
/// nothing when traces are not exported. `system` is `postgresql` or `sqlite`; `took` is
/// from asking for a connection to the last row.
pub fn statement(sql: &str, system: &'static str, took: Duration) {
    let Some(tracer) = TRACER.get() else {
        return;
    };
    let parent: Context = tracing::Span::current().context();
    if !parent.span().span_context().is_valid() {
        return;
    }
    let ended = SystemTime::now();
    let started = ended.checked_sub(took).unwrap_or(ended);
    let verb = sql
        .split_whitespace()
        .next()
        .unwrap_or("SQL")
        .to_ascii_uppercase();
    let mut span = tracer
        .span_builder(verb)
        .with_kind(SpanKind::Client)
        .with_start_time(started)
        .with_attributes([
            KeyValue::new("db.system.name", system),
            // Parameters are placeholders: no value a client sent is in the text.
            KeyValue::new("db.query.text", sql.to_owned()),
        ])
        .start_with_context(tracer, &parent);
    span.end_with_timestamp(ended);
}

/// A request's headers, as the propagator reads them.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}
