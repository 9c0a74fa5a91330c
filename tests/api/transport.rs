//! GraphQL over HTTP: content negotiation, status codes, GET and POST rules, limits.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::helpers::error_code;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post_raw(
    app: &crate::helpers::TestApp,
    content_type: Option<&str>,
    accept: &str,
    body: &str,
) -> (u16, String, String) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .header(ACCEPT, accept)
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let media = response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    (status, media, response.text().await.unwrap())
}

backend_test! {
    async fn the_response_type_follows_accept(app) {
        let query = r#"{"query":"{ __typename }"}"#;
        let (status, media, _) = post_raw(&app, Some("application/json"), "application/json", query).await;
        assert_eq!((status, media.as_str()), (200, "application/json; charset=utf-8"));
        let (status, media, body) = post_raw(&app, Some("application/json"), GRAPHQL_RESPONSE, query).await;
        assert_eq!((status, media.as_str()), (200, "application/graphql-response+json; charset=utf-8"));
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["data"]["__typename"], "Query");
        let (status, _, _) = post_raw(&app, Some("application/json"), "text/html", query).await;
        assert_eq!(status, 406);
    }
}

backend_test! {
    async fn unexecutable_requests_are_400_for_graphql_response_json_clients(app) {
        for query in [r#"{"query":"{ __typename"}"#, r#"{"query":"{ noSuchField }"}"#] {
            let (status, _, body) = post_raw(&app, Some("application/json"), GRAPHQL_RESPONSE, query).await;
            assert_eq!(status, 400, "{body}");
            let body: Value = serde_json::from_str(&body).unwrap();
            assert!(body["errors"][0]["message"].is_string());
            assert!(body.get("data").is_none(), "no data entry when nothing ran: {body}");
            // Legacy application/json clients get 200 with the same errors.
            let (status, _, _) = post_raw(&app, Some("application/json"), "application/json", query).await;
            assert_eq!(status, 200);
        }
        let (status, _, _) = post_raw(&app, Some("application/json"), GRAPHQL_RESPONSE, "{not json").await;
        assert_eq!(status, 400);
        let (status, _, _) = post_raw(&app, Some("application/json"), GRAPHQL_RESPONSE, r#"{"query": 7}"#).await;
        assert_eq!(status, 400);
    }
}

backend_test! {
    async fn posts_without_a_json_content_type_are_415(app) {
        let query = r#"{"query":"{ __typename }"}"#;
        for content_type in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
            let (status, _, _) = post_raw(&app, content_type, "application/json", query).await;
            assert_eq!(status, 415, "content type {content_type:?}");
        }
        let (status, _, _) = post_raw(&app, Some("application/json; charset=utf-8"), "application/json", query).await;
        assert_eq!(status, 200);
    }
}

backend_test! {
    async fn get_runs_queries_but_refuses_mutations(app) {
        let response = app.client.get(app.url("/graphql"))
            .query(&[("query", "query Q($x: Boolean!) { __schema { queryType { name } } me @include(if: $x) { id } }"), ("variables", r#"{"x": false}"#)])
            .send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let body = response.json::<Value>().await.unwrap();
        assert_eq!(body, json!({ "data": { "__schema": { "queryType": { "name": "Query" } } } }), "variables reach the query");
        let response = app.client.get(app.url("/graphql"))
            .query(&[("query", "mutation { __typename }")])
            .send().await.unwrap();
        assert_eq!(response.status().as_u16(), 405);
        assert_eq!(response.headers()["allow"], "POST");
        // A document's only operation runs without `operationName`, named or not.
        let response = app.client.get(app.url("/graphql"))
            .query(&[("query", "mutation M { __typename }")])
            .send().await.unwrap();
        assert_eq!(response.status().as_u16(), 405, "a single named mutation over GET");
        let response = app.client.get(app.url("/graphql")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 400);
    }
}

backend_test! {
    async fn depth_and_complexity_limits_refuse_with_query_too_complex(app) {
        let app = app.with_config(|config| config.query_depth_limit = 3).await;
        let deep = "{ me { okrs { nodes { id } } } }";
        let (status, body) = app.graphql(deep, json!({}), None).await;
        assert_eq!(status, 200);
        assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
        assert_eq!(body["errors"][0]["message"], "The query is nested 4 levels deep; at most 3 are allowed", "{body}");
        assert!(body.get("data").is_none(), "a refused request has no data: {body}");
        let app = app.with_config(|config| config.query_complexity_limit = 2).await;
        let (_, body) = app.graphql("{ me { id userName name } }", json!({}), None).await;
        assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
    }
}

backend_test! {
    async fn a_connection_costs_its_page_size_at_the_root_and_nested(app) {
        let app = app.with_config(|config| config.query_complexity_limit = 100).await;
        for refused in [
            "{ users(first: 150) { nodes { id } } }",
            "{ me { okrs(last: 150) { nodes { id } } } }",
            "{ objectives(first: 60) { nodes { keyResults(first: 60) { nodes { id } } } } }",
        ] {
            let (_, body) = app.graphql(refused, json!({}), None).await;
            assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{refused}: {body}");
        }
        let user = crate::factories::user_with_roles(&app.db, &[]).await;
        let token = app.token_for(&user.id);
        let within = "{ users(first: 20) { nodes { id } } me { okrs(first: 20) { nodes { id } } } }";
        let (_, body) = app.graphql(within, json!({}), Some(&token)).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["users"]["nodes"][0]["id"], user.id, "{body}");
    }
}

backend_test! {
    async fn oversized_bodies_are_refused(app) {
        let app = app.with_config(|config| config.request_body_limit = 1024).await;
        let padding = " ".repeat(4096);
        let body = format!(r#"{{"query":"{{ __typename }}{padding}"}}"#);
        let (status, _, _) = post_raw(&app, Some("application/json"), "application/json", &body).await;
        assert_eq!(status, 413);
    }
}

/// The introspection query GraphiQL and code generators send (graphql-js's, with every option
/// on): 13 fields deep, because a type reference unwraps up to eight `ofType` levels.
fn full_introspection_query() -> String {
    let type_ref = format!(
        "kind name {}",
        "ofType { kind name ".repeat(8) + &"} ".repeat(8)
    );
    format!(
        "query IntrospectionQuery {{ __schema {{ description queryType {{ name }} mutationType {{ name }} \
         subscriptionType {{ name }} types {{ ...FullType }} directives {{ name description isRepeatable \
         locations args(includeDeprecated: true) {{ ...InputValue }} }} }} }} \
         fragment FullType on __Type {{ kind name description specifiedByURL \
         fields(includeDeprecated: true) {{ name description args(includeDeprecated: true) {{ ...InputValue }} \
         type {{ ...TypeRef }} isDeprecated deprecationReason }} \
         inputFields(includeDeprecated: true) {{ ...InputValue }} interfaces {{ ...TypeRef }} \
         enumValues(includeDeprecated: true) {{ name description isDeprecated deprecationReason }} \
         possibleTypes {{ ...TypeRef }} }} \
         fragment InputValue on __InputValue {{ name description type {{ ...TypeRef }} defaultValue \
         isDeprecated deprecationReason }} \
         fragment TypeRef on __Type {{ {type_ref} }}"
    )
}

backend_test! {
    async fn playground_introspection_works_under_a_tight_depth_limit(app) {
        // The default limits, then a data-query limit far below introspection's 13 levels.
        for depth in [app.config.query_depth_limit, 3] {
            let app = app.with_config(|config| config.query_depth_limit = depth).await;
            let (status, body) = app.graphql(&full_introspection_query(), json!({}), None).await;
            assert_eq!(status, 200, "{body}");
            assert!(body.get("errors").is_none(), "depth limit {depth}: {body}");
            let types = body["data"]["__schema"]["types"].as_array().expect("types listed");
            assert!(types.iter().any(|t| t["name"] == "Okr"), "the schema's own types are listed");
        }
        // Introspection still has a ceiling: type references nested past it are refused.
        let abusive = format!("{{ __type(name: \"Okr\") {{ {} name {} }} }}", "fields { type { ".repeat(9), "} } ".repeat(9));
        let (_, body) = app.graphql(&abusive, json!({}), None).await;
        assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
    }
}
