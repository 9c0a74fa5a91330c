//! Inputs built to hurt: deep and wide trees, huge lists, long texts and NUL characters, on
//! both edges, with and without a token. Each is refused with an error that names the limit,
//! and the same server still answers afterwards.

use serde_json::{Value, json};

use crate::factories;
use crate::helpers::{TestApp, assert_scim_error, error_code};

/// `{and: [{and: [ … {id: {eq: "1"}} … ]}]}`, `levels` deep.
fn nested_and(levels: usize) -> String {
    let mut filter = r#"{id: {eq: "1"}}"#.to_owned();
    for _ in 0..levels {
        filter = format!("{{and: [{filter}]}}");
    }
    filter
}

/// `{or: [{id: {eq: "1"}}, …]}` with `items` items.
fn wide_or(items: usize) -> String {
    let item = r#"{id: {eq: "1"}}"#;
    format!("{{or: [{}]}}", vec![item; items].join(","))
}

/// The first error's message.
fn message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

/// Asserts a refusal naming `limit`, then that the same server still answers.
async fn assert_refused(app: &TestApp, status: u16, body: &Value, limit: &str) {
    assert_eq!(status, 200, "{body}");
    assert_eq!(error_code(body), Some("BAD_USER_INPUT"), "{body}");
    assert!(message(body).contains(limit), "names {limit}: {body}");
    assert_still_answers(app).await;
}

async fn assert_still_answers(app: &TestApp) {
    let (status, body) = app.graphql("{ __typename }", json!({}), None).await;
    assert_eq!(
        (status, &body["data"]["__typename"]),
        (200, &json!("Query"))
    );
}

/// A GET request's status and JSON body.
async fn graphql_get(app: &TestApp, query: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", query)]);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

backend_test! {
    async fn deeply_nested_documents_are_refused_before_parsing(app) {
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let limit = app.config.query_nesting_limit;
        for levels in [10 * limit, 1000 * limit] {
            let query = format!("{{ objectives(where: {}) {{ nodes {{ id }} }} }}", nested_and(levels));
            for token in [None, Some(token.as_str())] {
                let (status, body) = app.graphql(&query, json!({}), token).await;
                assert_refused(&app, status, &body, "QUERY_NESTING_LIMIT").await;
            }
            if query.len() < 60_000 {
                let (status, body) = graphql_get(&app, &query, None).await;
                assert_refused(&app, status, &body, "QUERY_NESTING_LIMIT").await;
            }
            // Nested list literals in a directive argument.
            let deep_list = format!("{{ __typename @skip(if: {}true{}) }}", "[".repeat(levels), "]".repeat(levels));
            let (status, body) = app.graphql(&deep_list, json!({}), None).await;
            assert_refused(&app, status, &body, "QUERY_NESTING_LIMIT").await;
        }
    }
}

backend_test! {
    async fn a_filter_at_the_nesting_limit_still_runs(app) {
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        // Each `and` level takes two brackets; the query's own braces and parentheses three more.
        let levels = (app.config.query_nesting_limit - 5) / 2;
        let query = format!("{{ objectives(where: {}) {{ nodes {{ id }} }} }}", nested_and(levels));
        let data = app.data(&token, &query, json!({})).await;
        assert_eq!(data["objectives"]["nodes"], json!([]));
    }
}

backend_test! {
    async fn deeply_nested_variables_are_refused(app) {
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let query = "query ($w: ObjectiveWhere) { objectives(where: $w) { nodes { id } } }";
        // serde_json stops at 128 levels; between the configured limit and that, ours speaks.
        let mut deep = json!({"id": {"eq": "1"}});
        for _ in 0..50 {
            deep = json!({"and": [deep]});
        }
        let (status, body) = app.graphql(query, json!({"w": deep}), Some(&token)).await;
        assert_refused(&app, status, &body, "QUERY_NESTING_LIMIT").await;
        // Past serde_json's own limit, the body is refused as JSON.
        let text = format!(
            r#"{{"query":"{{ __typename }}","variables":{{"w":{}1{}}}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(text)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert!(message(&body).contains("nested"), "{body}");
        assert_still_answers(&app).await;
    }
}

backend_test! {
    async fn lists_past_the_list_limit_are_refused(app) {
        let app = app.with_config(|config| config.input_list_limit = 10).await;
        for items in [100, 10_000] {
            let ids = vec!["\"1\""; items].join(",");
            let query = format!("{{ objectives(where: {{id: {{in: [{ids}]}}}}) {{ nodes {{ id }} }} }}");
            let (status, body) = app.graphql(&query, json!({}), None).await;
            assert_refused(&app, status, &body, "INPUT_LIST_LIMIT").await;
            let variables = json!({"ids": vec!["1"; items]});
            let query = "query ($ids: [ID!]) { objectives(where: {id: {in: $ids}}) { nodes { id } } }";
            let (status, body) = app.graphql(query, variables, None).await;
            assert_refused(&app, status, &body, "INPUT_LIST_LIMIT").await;
        }
    }
}

backend_test! {
    async fn wide_filters_are_refused_with_the_term_limit(app) {
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let limit = app.config.filter_term_limit;
        // Within the list limit, past the term limit: SQLite would say "expression tree too large".
        let query = format!("{{ objectives(where: {}) {{ nodes {{ id }} }} }}", wide_or(limit * 4));
        let (status, body) = app.graphql(&query, json!({}), Some(&token)).await;
        assert_refused(&app, status, &body, "FILTER_TERM_LIMIT").await;
        let fits = format!("{{ objectives(where: {}) {{ nodes {{ id }} }} }}", wide_or(limit - 1));
        app.data(&token, &fits, json!({})).await;
        // A tighter server: 10× and 1000× past the limit.
        let tight = app.with_config(|config| {
            config.filter_term_limit = 5;
            config.input_list_limit = 10_000;
        }).await;
        for items in [50, 5_000] {
            let query = format!("{{ objectives(where: {}) {{ nodes {{ id }} }} }}", wide_or(items));
            let (status, body) = tight.graphql(&query, json!({}), Some(&token)).await;
            assert_refused(&tight, status, &body, "FILTER_TERM_LIMIT").await;
        }
    }
}

backend_test! {
    async fn in_lists_run_up_to_the_value_limit_and_are_refused_past_it(app) {
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let query = "query ($ids: [ID!]) { objectives(where: {or: [{id: {in: $ids}}, {id: {notIn: $ids}}]}) { totalCount nodes { id } } }";
        let ids: Vec<String> = (1..=1_000).map(|n| n.to_string()).collect();
        let data = app.data(&token, query, json!({"ids": ids})).await;
        assert_eq!(data["objectives"]["totalCount"], 0);
        let app = app.with_config(|config| config.filter_value_limit = 1_500).await;
        let (status, body) = app.graphql(query, json!({"ids": ids}), Some(&token)).await;
        assert_refused(&app, status, &body, "FILTER_VALUE_LIMIT").await;
    }
}

backend_test! {
    async fn filter_texts_with_nul_or_past_the_longest_text_are_refused(app) {
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let query = "query ($s: String!) { users(where: {userName: {contains: $s}}) { nodes { id } } }";
        for text in ["a\u{0}b".to_owned(), "\u{0}".to_owned()] {
            let (status, body) = app.graphql(query, json!({"s": text}), Some(&token)).await;
            assert_refused(&app, status, &body, "NUL").await;
        }
        let (status, body) = app.graphql(query, json!({"s": "x".repeat(10_001)}), Some(&token)).await;
        assert_refused(&app, status, &body, "10000 characters").await;
        // The longest allowed pattern runs on both databases (SQLite caps LIKE patterns).
        let data = app.data(&token, query, json!({"s": "%".repeat(10_000)})).await;
        assert_eq!(data["users"]["nodes"], json!([]));
    }
}

backend_test! {
    async fn score_filters_too_large_for_parts_per_billion_are_refused(app) {
        // Decimal's largest values overflowed when scaled to parts per billion: the request
        // panicked and answered INTERNAL.
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let query = "query ($d: Decimal!) { keyResults(where: {midScore: {gt: $d}}) { totalCount } }";
        for huge in ["79228162514264337593543950335", "-79228162514264337593543950335", "9223372037"] {
            let (status, body) = app.graphql(query, json!({"d": huge}), Some(&token)).await;
            assert_refused(&app, status, &body, "out of range").await;
        }
        let data = app.data(&token, query, json!({"d": "0.5"})).await;
        assert_eq!(data["keyResults"]["totalCount"], 0);
    }
}

backend_test! {
    async fn long_sorts_are_refused_with_the_sort_key_limit(app) {
        let user = factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let keys = vec!["{id: ASC}"; app.config.sort_key_limit * 10].join(",");
        let query = format!("{{ objectives(orderBy: [{keys}]) {{ nodes {{ id }} }} }}");
        let (status, body) = app.graphql(&query, json!({}), Some(&token)).await;
        assert_refused(&app, status, &body, "SORT_KEY_LIMIT").await;
    }
}

/// ` or `-joined SCIM comparisons.
fn scim_or(terms: usize) -> String {
    vec![r#"userName eq "x""#; terms].join(" or ")
}

async fn assert_scim_still_answers(app: &TestApp) {
    let (status, _) = app.scim_get("/Users?count=1").await;
    assert_eq!(status, 200);
}

backend_test! {
    async fn huge_scim_filters_are_refused_before_parsing(app) {
        let limit = app.config.filter_term_limit;
        // 10× past the default limit, and 10× and 1000× past a tight one (the default's
        // 1000× would not fit in a request body).
        let tight = app.with_config(|config| config.filter_term_limit = 5).await;
        for (server, terms) in [(&app, limit * 10), (&tight, 50), (&tight, 5_000)] {
            let filter = scim_or(terms);
            let (status, body) = server.scim_post("/Users/.search", json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": filter,
            })).await;
            assert_scim_error(status, &body, 400, Some("invalidFilter"));
            assert!(body["detail"].as_str().unwrap().contains("FILTER_TERM_LIMIT"), "{body}");
            let (status, body) = server.scim_post("/.search", json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": filter,
            })).await;
            assert_scim_error(status, &body, 400, Some("invalidFilter"));
            assert_scim_still_answers(server).await;
        }
        // Past the limit but within the URI limit.
        let filter = scim_or(limit * 2).replace(" or ", " and ");
        let query: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
        let (status, body) = app.scim_get(&format!("/Users?filter={query}")).await;
        assert_scim_error(status, &body, 400, Some("invalidFilter"));
        // Within the limit, the filter runs.
        let filter = scim_or(limit / 2 - 1);
        let query: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
        let (status, body) = app.scim_get(&format!("/Users?filter={query}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["totalResults"], 0);
        // A NUL in a filter string is an invalid value on both databases; written raw, it is
        // not a JSON string at all.
        let (status, body) = app.scim_get("/Users?filter=userName%20eq%20%22a%5Cu0000b%22").await;
        assert_scim_error(status, &body, 400, Some("invalidValue"));
        let (status, body) = app.scim_get("/Users?filter=userName%20eq%20%22a%00b%22").await;
        assert_scim_error(status, &body, 400, Some("invalidFilter"));
        assert_scim_still_answers(&app).await;
    }
}

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

backend_test! {
    async fn scim_texts_past_their_limits_or_with_nul_are_invalid_values(app) {
        let long = "x".repeat(3_000);
        let user = |patch: Value| {
            let mut body = json!({ "schemas": [USER_SCHEMA], "userName": format!("u{}@example.com", crate::factories::unique()) });
            body.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
            body
        };
        for bad in [
            json!({ "userName": long }),
            json!({ "externalId": long }),
            json!({ "name": { "givenName": "g".repeat(101) } }),
            json!({ "name": { "familyName": long } }),
            json!({ "displayName": long }),
            json!({ "emails": [{ "value": format!("{}@example.com", "e".repeat(250)) }] }),
            json!({ "userName": "nul\u{0}@example.com" }),
            json!({ "name": { "givenName": "a\u{0}" } }),
            json!({ "roles": ["admin\u{0}"] }),
        ] {
            let (status, body) = app.scim_post("/Users", user(bad.clone())).await;
            assert_scim_error(status, &body, 400, Some("invalidValue"));
        }
        // The longest allowed values are stored, on PostgreSQL as well (within its index rows).
        let fits = user(json!({
            "userName": format!("{}@example.com", "é".repeat(240)),
            "externalId": "é".repeat(256),
            "name": { "givenName": "é".repeat(100), "familyName": "é".repeat(100) },
        }));
        let (status, body) = app.scim_post("/Users", fits).await;
        assert_eq!(status, 201, "{body}");
        for bad in [json!(long), json!("a\u{0}b")] {
            let group = json!({ "schemas": [GROUP_SCHEMA], "displayName": bad });
            let (status, body) = app.scim_post("/Groups", group).await;
            assert_scim_error(status, &body, 400, Some("invalidValue"));
        }
        let group = json!({ "schemas": [GROUP_SCHEMA], "displayName": "G", "members": [{ "value": "a\u{0}" }] });
        let (status, body) = app.scim_post("/Groups", group).await;
        assert_scim_error(status, &body, 400, Some("invalidValue"));
        // Ids in a path: any other spelling names nothing.
        for path in ["/Users/a%00b", "/Groups/1%00", "/Groups/+1", "/Groups/01"] {
            let (status, body) = app.scim_get(path).await;
            assert_scim_error(status, &body, 404, None);
        }
        assert_scim_still_answers(&app).await;
    }
}

backend_test! {
    async fn graphql_ids_have_one_spelling_and_nul_is_refused_everywhere(app) {
        let user = crate::factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        for id in ["+1", "01", " 1", "1 ", "a\u{0}"] {
            let (_, body) = app.graphql("query($id: ID!) { objective(id: $id) { id } }", json!({ "id": id }), Some(&token)).await;
            assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{id:?}: {body}");
            let (_, body) = app.graphql("query($id: ID!) { objectives(where: {id: {eq: $id}}) { nodes { id } } }", json!({ "id": id }), Some(&token)).await;
            assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{id:?}: {body}");
        }
        for id in [user.id.to_uppercase(), format!("{}\u{0}", user.id)] {
            let (_, body) = app.graphql("query($id: ID!) { user(id: $id) { id } }", json!({ "id": id }), Some(&token)).await;
            assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{id:?}: {body}");
        }
        let (_, body) = app.graphql("query($s: String!) { userBySlug(slug: $s) { id } }", json!({ "s": "a\u{0}" }), Some(&token)).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        let (_, body) = app.graphql("query($c: String!) { objectives(after: $c) { nodes { id } } }", json!({ "c": "\u{0}" }), Some(&token)).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        // A view recorded with another spelling of the owner's id is refused, not stored apart.
        let group = crate::factories::group(&app.db).await;
        let (_, body) = app.graphql("mutation($g: ID!) { recordOkrView(owner: {groupId: $g}) { recorded userErrors { path code } } }", json!({ "g": format!("0{}", group.id) }), Some(&token)).await;
        assert_eq!(body["data"]["recordOkrView"], json!({ "recorded": false, "userErrors": [{ "path": ["owner", "groupId"], "code": "INVALID" }] }));
        assert_still_answers(&app).await;
    }
}

backend_test! {
    async fn mutation_texts_with_nul_are_invalid_and_write_nothing(app) {
        use crate::mutations_common::{assert_errors, mutate, owner, s};
        let w = owner(&app).await;
        let input = json!({ "okrId": s(w.okr.id), "content": "a\u{0}b", "keyResults": [{ "content": "\u{0}" }] });
        let payload = mutate(&app, &w.token, "createObjective", input, "objective { id }").await;
        assert_errors(&payload, "objective", &[("content", "INVALID"), ("keyResults.0.content", "INVALID")]);
        let input = json!({ "id": s(w.objective.id), "content": "x\u{0}" });
        let payload = mutate(&app, &w.token, "updateObjective", input, "objective { id }").await;
        assert_errors(&payload, "objective", &[("content", "INVALID")]);
        let query = "query($id: ID!) { okr(id: $id) { objectives { totalCount } } }";
        let data = app.data(&w.token, query, json!({ "id": s(w.okr.id) })).await;
        assert_eq!(data["okr"]["objectives"]["totalCount"], 1, "only the factory's objective");
    }
}

backend_test! {
    async fn skip_and_include_conditions_must_be_booleans(app) {
        let (_, body) = app.graphql("{ __typename @skip(if: [true]) }", json!({}), None).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert!(body.get("data").is_none(), "refused before execution: {body}");
        let (_, body) = app.graphql("{ a: __typename @include(if: \"yes\") }", json!({}), None).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        let (_, body) = app.graphql("{ a: __typename @skip(if: true) b: __typename }", json!({}), None).await;
        assert_eq!(body["data"], json!({ "b": "Query" }), "{body}");
    }
}
