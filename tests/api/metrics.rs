//! The Prometheus endpoint: on its own listener, in the text exposition format, counting what
//! the server did.

use std::collections::HashMap;

use serde_json::json;

use crate::factories as f;
use crate::helpers::{SCIM_TOKEN, TestApp};

/// Scrapes `/metrics` and parses it with an independent parser (crate `prometheus-parse`).
async fn scrape(app: &TestApp) -> (prometheus_parse::Scrape, String) {
    let address = app.metrics_address.as_ref().expect("a metrics listener");
    let response = app
        .client
        .get(format!("{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    let lines = text.lines().map(|line| Ok(line.to_owned()));
    let parsed = prometheus_parse::Scrape::parse(lines).expect("the exposition format parses");
    (parsed, text)
}

/// The value of the sample `name` whose labels include `labels`.
fn value(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|sample| {
            sample.metric == name
                && labels
                    .iter()
                    .all(|(key, value)| sample.labels.get(key) == Some(*value))
        })
        .map(|sample| match &sample.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(buckets) => {
                buckets.last().map_or(0.0, |bucket| bucket.count)
            }
            prometheus_parse::Value::Summary(_) => f64::NAN,
        })
}

backend_test! {
    async fn the_metrics_endpoint_counts_requests_errors_statements_and_scim(app) {
        let app = app
            .with_config(|c| c.metrics_bind_addr = Some("127.0.0.1:0".parse().unwrap()))
            .await;
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        for _ in 0..2 {
            app.data(&token, "query MetricsProbe { me { id } }", json!({})).await;
        }
        app.graphql("query Refused { me { id } }", json!({}), None).await;
        let miss = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } } });
        app.client.post(app.url("/graphql")).json(&miss).send().await.unwrap();
        let admin = app.token_for(&f::user_with_roles(&app.db, &["admin"]).await.id);
        let (_, body) = app.graphql("mutation Grouping { createGroup(input: {name: \"Metrics\"}) { group { id } userErrors { code } } }", json!({}), Some(&admin)).await;
        assert!(body["data"]["createGroup"]["group"]["id"].is_string(), "{body}");
        let (status, _) = app.scim_get("/Users").await;
        assert_eq!(status, 200);
        app.client.request(reqwest::Method::from_bytes(b"BREW").unwrap(), app.url("/nowhere")).send().await.unwrap();

        let (scrape, text) = scrape(&app).await;
        let probe = [("operation_name", "MetricsProbe"), ("operation_type", "query")];
        assert_eq!(value(&scrape, "okrs_graphql_requests_total", &[probe[0], probe[1], ("status", "200")]), Some(2.0));
        assert_eq!(value(&scrape, "okrs_graphql_request_duration_seconds", &probe), Some(2.0), "a histogram of two");
        assert_eq!(value(&scrape, "okrs_graphql_errors_total", &[("code", "UNAUTHENTICATED")]), Some(1.0));
        assert_eq!(value(&scrape, "okrs_graphql_errors_total", &[("code", "PERSISTED_QUERY_NOT_FOUND")]), Some(1.0));
        assert_eq!(value(&scrape, "okrs_persisted_queries_total", &[("result", "miss")]), Some(1.0));
        assert!(value(&scrape, "okrs_graphql_sql_statements", &[("operation_type", "query")]).unwrap() >= 3.0);
        assert_eq!(value(&scrape, "okrs_http_requests_total", &[("route", "/graphql"), ("method", "POST"), ("status", "200")]), Some(5.0));
        assert_eq!(value(&scrape, "okrs_http_requests_total", &[("route", "(unmatched)"), ("method", "(other)")]), Some(1.0));
        assert_eq!(value(&scrape, "okrs_scim_requests_total", &[("resource", "Users"), ("method", "GET"), ("status", "200")]), Some(1.0));
        assert!(value(&scrape, "okrs_db_pool_connections", &[("pool", "main"), ("state", "idle")]).is_some());
        let waited: Option<f64> = text
            .lines()
            .find_map(|line| line.strip_prefix("okrs_db_pool_wait_seconds_sum{operation_type=\"mutation\"} "))
            .and_then(|value| value.parse().ok());
        assert!(waited.is_some_and(|seconds| seconds > 0.0), "a write transaction's wait: {waited:?}");
        assert_eq!(value(&scrape, "okrs_db_pool_max_connections", &[("pool", "main")]), Some(f64::from(app.config.database_max_connections)));
        // Only known names and label values: no series per client-made value.
        let names: HashMap<&str, usize> = scrape.samples.iter().fold(HashMap::new(), |mut seen, sample| {
            *seen.entry(sample.metric.as_str()).or_default() += 1;
            seen
        });
        assert!(names.keys().all(|name| name.starts_with("okrs_")), "{names:?}");

        // The public port has no /metrics.
        let response = app.client.get(app.url("/metrics")).bearer_auth(SCIM_TOKEN).send().await.unwrap();
        assert_eq!(response.status(), 404);
    }
}
