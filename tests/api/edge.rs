//! What a deployment meets at the HTTP edge: CORS for browser pages on other origins, and
//! compressed responses.

use std::io::Read;

use serde_json::json;

use crate::factories as f;
use crate::helpers::{TestApp, error_code};

const APP: &str = "https://app.example.com";

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

backend_test! {
    async fn browser_pages_on_configured_origins_may_call_the_api(app) {
        // Off by default (outside development mode): no CORS headers, preflights refused.
        let response = preflight(&app, APP).await;
        assert_eq!(header(&response, "access-control-allow-origin"), None);
        let app = app.with_config(|c| c.cors_allowed_origins = vec![APP.to_owned()]).await;
        let response = preflight(&app, APP).await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(header(&response, "access-control-allow-origin"), Some(APP));
        let allowed = header(&response, "access-control-allow-headers").unwrap().to_ascii_lowercase();
        assert!(allowed.contains("authorization") && allowed.contains("content-type"), "{allowed}");
        assert!(header(&response, "access-control-allow-methods").unwrap().contains("POST"));
        assert_eq!(header(&response, "access-control-max-age"), Some("600"));
        // The request itself, with a bearer token, gets its answer and the header.
        let user = f::user(&app.db).await;
        let response = app.client.post(app.url("/graphql"))
            .header("origin", APP)
            .bearer_auth(app.token_for(&user.id))
            .json(&json!({ "query": "{ me { id } }" }))
            .send().await.unwrap();
        assert_eq!(header(&response, "access-control-allow-origin"), Some(APP));
        assert!(header(&response, "access-control-expose-headers").unwrap().contains("x-request-id"));
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["data"]["me"]["id"], user.id);
        // Another origin, or a look-alike, gets nothing to read the answer with.
        for other in ["https://evil.example.com", "https://app.example.com.evil.com", "http://localhost:5173"] {
            let response = preflight(&app, other).await;
            assert_eq!(header(&response, "access-control-allow-origin"), None, "{other}");
        }
    }
}

backend_test! {
    async fn development_mode_allows_local_dev_servers(app) {
        let dev = app.with_config(|c| c.jwt_secret = None).await;
        for local in ["http://localhost:5173", "http://127.0.0.1:3000"] {
            let response = preflight(&dev, local).await;
            assert_eq!(header(&response, "access-control-allow-origin"), Some(local));
        }
        let response = preflight(&dev, APP).await;
        assert_eq!(header(&response, "access-control-allow-origin"), None);
    }
}

#[test]
fn a_malformed_origin_is_a_start_up_error_that_names_it() {
    let config = okrs::config::Config {
        cors_allowed_origins: vec!["https://app.example.com/".to_owned()],
        jwt_secret: Some(okrs::config::Secret::new(crate::helpers::TEST_SECRET)),
        ..okrs::config::Config::default()
    };
    let error = okrs::cors::layer(&config).unwrap_err().to_string();
    assert!(error.contains("https://app.example.com/"), "{error}");
}

async fn sdl(app: &TestApp, encoding: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/graphql/schema.graphql"));
    if let Some(encoding) = encoding {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.unwrap()
}

backend_test! {
    async fn large_responses_are_compressed_as_the_client_accepts(app) {
        let plain = sdl(&app, None).await;
        assert_eq!(header(&plain, "content-encoding"), None);
        let expected = plain.text().await.unwrap();
        assert!(expected.len() > 10_000);

        let gzip = sdl(&app, Some("gzip")).await;
        assert_eq!(header(&gzip, "content-encoding"), Some("gzip"));
        let bytes = gzip.bytes().await.unwrap();
        assert!(bytes.len() * 3 < expected.len(), "{} of {}", bytes.len(), expected.len());
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, expected);

        let br = sdl(&app, Some("gzip, deflate, br")).await;
        assert_eq!(header(&br, "content-encoding"), Some("br"));
        let bytes = br.bytes().await.unwrap();
        let mut text = String::new();
        brotli::Decompressor::new(&bytes[..], 4096).read_to_string(&mut text).unwrap();
        assert_eq!(text, expected);

        // A small answer is sent as it is.
        let small = app.client.post(app.url("/graphql"))
            .header("accept-encoding", "gzip, br")
            .json(&json!({ "query": "{ __typename }" }))
            .send().await.unwrap();
        assert_eq!(header(&small, "content-encoding"), None);
        assert_eq!(small.text().await.unwrap(), r#"{"data":{"__typename":"Query"}}"#);

        let off = app.with_config(|c| c.compression_min_bytes = 0).await;
        assert_eq!(header(&sdl(&off, Some("gzip, br")).await, "content-encoding"), None);
    }
}

const INTROSPECT: &str = "{ __schema { queryType { name } } }";

backend_test! {
    async fn introspection_can_be_limited_to_signed_in_users_or_turned_off(app) {
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        let inactive = f::user(&app.db).await;
        f::set_active(&app.db, &inactive, false).await;
        // On (the default): anyone.
        let (_, body) = app.graphql(INTROSPECT, json!({}), None).await;
        assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");

        let signed_in = app.with_config(|c| c.introspection = okrs::config::Introspection::SignedIn).await;
        for refused in [None, Some(signed_in.token_for(&inactive.id)), Some("not-a-token".to_owned())] {
            let (_, body) = signed_in.graphql(INTROSPECT, json!({}), refused.as_deref()).await;
            assert!(body.get("data").is_none(), "{body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
            let response = sdl_with(&signed_in, refused.as_deref()).await;
            assert_eq!(response.status(), 401);
        }
        let (_, body) = signed_in.graphql(INTROSPECT, json!({}), Some(&token)).await;
        assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
        assert_eq!(sdl_with(&signed_in, Some(&token)).await.status(), 200);
        let (_, body) = signed_in.graphql("{ __typename }", json!({}), None).await;
        assert_eq!(body["data"]["__typename"], "Query", "__typename always works");

        let off = app.with_config(|c| c.introspection = okrs::config::Introspection::Off).await;
        let (_, body) = off.graphql("{ __type(name: \"User\") { name } }", json!({}), Some(&token)).await;
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED", "{body}");
        let response = sdl_with(&off, Some(&token)).await;
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED");
        let (_, body) = off.graphql("{ me { id } }", json!({}), Some(&token)).await;
        assert_eq!(body["data"]["me"]["id"], user.id, "queries still run");
    }
}

async fn sdl_with(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/graphql/schema.graphql"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// POSTs a JSON body (one operation or a batch) to `/graphql` as `token`.
async fn post_json(
    app: &TestApp,
    token: &str,
    batch: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&batch)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

backend_test! {
    async fn a_batch_runs_each_operation_on_its_own_and_answers_in_order(app) {
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        let (status, body) = post_json(&app, &token, json!([
            { "query": "query Me { me { id } }" },
            { "query": "query U($id: ID!) { user(id: $id) { id } }", "variables": { "id": user.id } },
            { "query": "mutation { createGroup(input: {name: \"x\"}) { group { id } userErrors { code } } }" },
            { "variables": {} },
            { "query": "{ nope }" },
        ])).await;
        assert_eq!(status, 200, "{body}");
        let results = body.as_array().unwrap();
        assert_eq!(results.len(), 5);
        assert_eq!(results[0]["data"]["me"]["id"], user.id);
        assert_eq!(results[1]["data"]["user"]["id"], user.id);
        assert_eq!(results[2]["data"]["createGroup"]["userErrors"][0]["code"], "FORBIDDEN", "{body}");
        assert_eq!(results[3]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert!(results[3].get("data").is_none());
        assert_eq!(results[4]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        // Each operation is held to the limits on its own: one too deep is refused, the
        // other still runs.
        let deep = format!("{{ {}__typename{} }}", "me { groups { nodes { okrs { nodes { objectives { nodes { ".repeat(3), " } } } } } } }".repeat(3));
        let (_, body) = post_json(&app, &token, json!([{ "query": deep }, { "query": "{ __typename }" }])).await;
        assert!(body[0].get("data").is_none() && body[0]["errors"][0]["extensions"]["code"].is_string(), "{body}");
        assert_eq!(body[1]["data"]["__typename"], "Query");
        // Too many, none, or batching off: refused whole.
        let limit = app.config.batch_limit;
        let (status, body) = post_json(&app, &token, json!(vec![json!({ "query": "{ __typename }" }); limit + 1])).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("BATCH_LIMIT"), "{body}");
        let (status, _) = post_json(&app, &token, json!([])).await;
        assert_eq!(status, 400);
        let off = app.with_config(|c| c.batch_limit = 0).await;
        let (status, body) = post_json(&off, &token, json!([{ "query": "{ __typename }" }])).await;
        assert_eq!(status, 400);
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("off"), "{body}");
    }
}

/// The SHA-256 hash of `text` in hexadecimal, as Apollo's persisted-query link computes it.
fn sha256(text: &str) -> String {
    okrs::graphql::persisted::sha256_hex(text)
}

backend_test! {
    async fn a_persisted_query_is_registered_once_then_run_by_its_hash(app) {
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        let query = "query Me { me { id } }";
        let hash = sha256(query);
        let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
        // The hash alone, before registration: not found (Apollo's link then sends both).
        let (status, body) = post_json(&app, &token, json!({ "extensions": extensions })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
        assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND");
        assert!(body.get("data").is_none(), "{body}");
        // The hash with the document registers it, and runs it.
        let (_, body) = post_json(&app, &token, json!({ "query": query, "extensions": extensions })).await;
        assert_eq!(body["data"]["me"]["id"], user.id, "{body}");
        // Now the hash alone runs it: over POST, over GET, and inside a batch.
        let (_, body) = post_json(&app, &token, json!({ "extensions": extensions })).await;
        assert_eq!(body["data"]["me"]["id"], user.id, "{body}");
        let response = app.client.get(app.url("/graphql"))
            .query(&[("extensions", extensions.to_string()), ("operationName", "Me".to_owned())])
            .bearer_auth(&token)
            .header("accept", "application/graphql-response+json")
            .send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["data"]["me"]["id"], user.id, "{body}");
        let (_, body) = post_json(&app, &token, json!([{ "extensions": extensions }, { "query": "{ __typename }" }])).await;
        assert_eq!(body[0]["data"]["me"]["id"], user.id, "{body}");
        assert_eq!(body[1]["data"]["__typename"], "Query", "{body}");
        // An unknown hash over GET, for a client that accepts graphql-response+json: 400.
        let unknown = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256("{ __typename }") } });
        let response = app.client.get(app.url("/graphql"))
            .query(&[("extensions", unknown.to_string())])
            .header("accept", "application/graphql-response+json")
            .send().await.unwrap();
        assert_eq!(response.status(), 400);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND");
    }
}

backend_test! {
    async fn a_persisted_query_must_match_its_hash_and_can_be_turned_off(app) {
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        // A document sent under another document's hash is refused and not registered, so
        // the hash cannot be made to run something else.
        let hash = sha256("query Me { me { id } }");
        let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
        let mutation = "mutation { createGroup(input: {name: \"x\"}) { group { id } } }";
        let (_, body) = post_json(&app, &token, json!({ "query": mutation, "extensions": extensions })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("sha256Hash"), "{body}");
        let (_, body) = post_json(&app, &token, json!({ "extensions": extensions })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{body}");
        // Malformed extensions are the client's mistake.
        for bad in [json!({ "persistedQuery": { "version": 2, "sha256Hash": hash } }), json!({ "persistedQuery": { "version": 1, "sha256Hash": "nope" } })] {
            let (status, body) = post_json(&app, &token, json!({ "extensions": bad })).await;
            assert_eq!((status, error_code(&body)), (400, Some("BAD_USER_INPUT")), "{body}");
        }
        // A mutation registered by hash still needs POST.
        let mutation_hash = sha256(mutation);
        let by_hash = json!({ "persistedQuery": { "version": 1, "sha256Hash": mutation_hash } });
        let (_, body) = post_json(&app, &token, json!({ "query": mutation, "extensions": by_hash })).await;
        assert!(body["data"]["createGroup"].is_object(), "{body}");
        let response = app.client.get(app.url("/graphql"))
            .query(&[("extensions", by_hash.to_string())])
            .bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 405);
        // Off: the client is told to send documents.
        let off = app.with_config(|c| c.persisted_query_cache_size = 0).await;
        let (_, body) = post_json(&off, &token, json!({ "query": "query Me { me { id } }", "extensions": extensions })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_SUPPORTED", "{body}");
        assert_eq!(body["errors"][0]["message"], "PersistedQueryNotSupported");
    }
}
