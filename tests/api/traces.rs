//! Traces: the real binary exports a span per request (named by the GraphQL operation, under
//! the caller's `traceparent`) and a child span per SQL statement to an OTLP/HTTP receiver
//! started by the test.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::cli::{okrs, start_server_on};
use crate::factories as f;

/// An OTLP/HTTP receiver on a free port: its base URL and the JSON bodies it is sent.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Value>) {
    let (sender, received) = mpsc::unbounded_channel();
    let app = Router::new().route(
        "/v1/traces",
        post(move |body: Bytes| {
            let sender = sender.clone();
            async move {
                let _ = sender.send(serde_json::from_slice(&body).expect("OTLP JSON"));
                "{}"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, received)
}

/// Every span of an export request, with its resource's `service.name`.
fn spans(export: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for resource in export["resourceSpans"].as_array().into_iter().flatten() {
        let service = resource["resource"]["attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["key"] == "service.name")
            .and_then(|a| a["value"]["stringValue"].as_str())
            .unwrap_or_default()
            .to_owned();
        for scope in resource["scopeSpans"].as_array().into_iter().flatten() {
            for span in scope["spans"].as_array().into_iter().flatten() {
                found.push((service.clone(), span.clone()));
            }
        }
    }
    found
}

fn attribute<'a>(span: &'a Value, key: &str) -> Option<&'a Value> {
    span["attributes"]
        .as_array()?
        .iter()
        .find(|a| a["key"] == key)
        .map(|a| &a["value"])
}

backend_test! {
    async fn a_request_is_a_span_under_the_callers_trace_with_a_span_per_statement(app) {
        let (otlp, mut received) = receiver().await;
        let env = [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ];
        let (_server, _lines, addr) = start_server_on(&app.database_url, &env);
        let user = f::user(&app.db).await;
        let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
        let caller = "00f067aa0ba902b7";
        let response = app.client.post(format!("http://{addr}/graphql"))
            .bearer_auth(app.token_for(&user.id))
            .header("traceparent", format!("00-{trace_id}-{caller}-01"))
            .json(&json!({ "query": "query TracedPage { me { id groups { nodes { id } } } okrs(first: 3) { nodes { id } } }" }))
            .send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["me"]["id"], user.id, "{body}");

        // Wait for the request's span and its statements (the batch exporter sends every 50 ms).
        let mut ours = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let server = ours.iter().find(|(_, s): &&(String, Value)| s["name"] == "query TracedPage");
            let children = server.map_or(0, |(_, server)| {
                ours.iter().filter(|(_, s)| s["parentSpanId"] == server["spanId"]).count()
            });
            if children >= 3 {
                break;
            }
            let export = tokio::time::timeout_at(deadline, received.recv()).await
                .unwrap_or_else(|_| panic!("no complete trace within 30 s; spans so far: {ours:#?}"))
                .expect("the receiver runs");
            ours.extend(spans(&export).into_iter().filter(|(_, s)| s["traceId"] == trace_id));
        }
        let (service, server) = ours.iter().find(|(_, s)| s["name"] == "query TracedPage").unwrap();
        assert_eq!(service, "okrs");
        assert_eq!(server["parentSpanId"], caller, "the caller's span is the parent");
        assert_eq!(attribute(server, "graphql.operation.type").unwrap()["stringValue"], "query");
        assert_eq!(attribute(server, "http.route").unwrap()["stringValue"], "/graphql");
        let statements: Vec<&Value> = ours.iter()
            .map(|(_, s)| s)
            .filter(|s| s["parentSpanId"] == server["spanId"])
            .collect();
        for statement in &statements {
            let text = attribute(statement, "db.query.text").unwrap()["stringValue"].as_str().unwrap();
            assert!(text.starts_with("SELECT"), "{text}");
            assert!(!text.contains(&user.id), "no values in the statement text: {text}");
            let system = attribute(statement, "db.system.name").unwrap()["stringValue"].as_str().unwrap();
            assert!(["postgresql", "sqlite"].contains(&system));
        }
    }
}

#[test]
fn an_unsupported_otlp_protocol_is_refused_at_start() {
    let output = okrs(
        &["export-schema"],
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc"),
        "{stderr}"
    );
}
