//! Responses follow the GraphQL specification's execution (§6.4.4, §7.1.2) over HTTP: every
//! selected field in selection order, `null` for a field that raised an error, and a non-null
//! field's error nulling its nearest nullable parent.

use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::TestApp;

/// POSTs `query` and returns the body's `data` as JSON text, keys in the order sent, and the
/// parsed body.
async fn ordered_data(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
) -> (String, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    // async-graphql's `Value` keeps object keys in document order; serde_json's does not.
    let ordered: async_graphql::Value = serde_json::from_str(&text).unwrap();
    let async_graphql::Value::Object(mut body) = ordered else {
        panic!("not an object: {text}");
    };
    let data = body.shift_remove("data").expect("a data entry");
    (
        serde_json::to_string(&data).unwrap(),
        serde_json::from_str(&text).unwrap(),
    )
}

fn error_paths(body: &Value) -> Vec<Value> {
    body["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|error| error["path"].clone()).collect())
        .unwrap_or_default()
}

/// A user who owns an OKR with one objective.
async fn world(app: &TestApp) -> (String, String, i64) {
    let db = &app.db;
    let owner = f::user(db).await;
    let cycle = f::cycle(db, &owner.id).await;
    let okr = f::okr(db, cycle.id, Some(&owner.id), None, false)
        .await
        .unwrap();
    f::objective(db, okr.id).await.unwrap();
    (app.token_for(&owner.id), owner.slug.clone(), okr.id)
}

backend_test! {
    async fn an_errored_nullable_field_is_null_in_its_place(app) {
        let (token, _, _) = world(&app).await;
        let query = r#"{ a: okr(id: "999999") { id } b: objective(id: "abc") { id } c: __typename }"#;
        let (data, body) = ordered_data(&app, &token, query, json!({})).await;
        assert_eq!(data, r#"{"a":null,"b":null,"c":"Query"}"#, "{body}");
        assert_eq!(error_paths(&body), [json!(["b"])]);
    }
}

backend_test! {
    async fn fields_come_in_selection_order(app) {
        let (token, slug, okr) = world(&app).await;
        let query = format!(
            r#"{{ h: okrs(first: 1) {{ totalCount }} g: users(first: 1) {{ totalCount }}
                 f: groups(first: 1) {{ totalCount }} e: cycles(first: 1) {{ totalCount }}
                 d: okr(id: "{okr}") {{ version owner {{ ... on User {{ slug id }} }} id cycle {{ id }} }}
                 c: userBySlug(slug: "{slug}") {{ slug okrs {{ totalCount }} id }}
                 b: __typename a: okrs(first: 1) {{ pageInfo {{ hasNextPage }} totalCount }} }}"#
        );
        for _ in 0..5 {
            let (data, body) = ordered_data(&app, &token, &query, json!({})).await;
            let order: Vec<&str> = ["\"h\"", "\"g\"", "\"f\"", "\"e\"", "\"d\"", "\"c\"", "\"b\"", "\"a\""]
                .into_iter()
                .collect();
            let mut positions = order.iter().map(|key| data.find(&format!("{key}:")).unwrap_or_else(|| panic!("{key} in {body}")));
            let mut last = positions.next().unwrap();
            for position in positions {
                assert!(position > last, "root keys out of order: {data}");
                last = position;
            }
            let d = &body["data"]["d"];
            let nested = format!(
                r#""d":{{"version":{},"owner":{{"slug":"{slug}","id":"{}"}},"id":"{okr}","cycle":{{"id":"{}"}}}}"#,
                d["version"], d["owner"]["id"].as_str().unwrap(), d["cycle"]["id"].as_str().unwrap()
            );
            assert!(data.contains(&nested), "nested keys out of order: {data}");
        }
    }
}

backend_test! {
    async fn a_non_null_error_nulls_the_nearest_nullable_parent(app) {
        let (token, _, okr) = world(&app).await;
        let query = format!(
            r#"{{ okr(id: "{okr}") {{ id objectives(first: -1) {{ totalCount }} }} other: okr(id: "{okr}") {{ id }} }}"#
        );
        let (data, body) = ordered_data(&app, &token, &query, json!({})).await;
        assert_eq!(data, format!(r#"{{"okr":null,"other":{{"id":"{okr}"}}}}"#), "{body}");
        assert_eq!(error_paths(&body), [json!(["okr", "objectives"])]);

        // Through non-null lists and connections up to `data` itself.
        let query = "{ t: __typename okrs(first: 5) { nodes { id objectives(first: -1) { totalCount } } } }";
        let (data, body) = ordered_data(&app, &token, query, json!({})).await;
        assert_eq!(data, "null", "{body}");
        assert_eq!(error_paths(&body), [json!(["okrs", "nodes", 0, "objectives"])]);
    }
}

backend_test! {
    async fn skipped_selections_and_fragments_follow_the_document(app) {
        let (token, slug, okr) = world(&app).await;
        let query = r#"query($okr: ID!, $yes: Boolean!, $no: Boolean = false) {
            okr(id: $okr) {
                version @include(if: $no)
                ...Times
                owner { __typename ... on Group { name } ... on User { slug ...Named } }
                id @skip(if: $yes)
            }
            empty: okr(id: $okr) { id @skip(if: $yes) }
            missing: okr(id: "999999") { id @skip(if: $yes) }
        }
        fragment Times on Okr { id @include(if: $yes) }
        fragment Named on User { slug }"#;
        let variables = json!({ "okr": okr.to_string(), "yes": true });
        let (data, body) = ordered_data(&app, &token, query, variables).await;
        assert_eq!(
            data,
            format!(
                r#"{{"okr":{{"id":"{okr}","owner":{{"__typename":"User","slug":"{slug}"}}}},"empty":{{}},"missing":null}}"#
            ),
            "{body}"
        );
        assert!(body.get("errors").is_none(), "{body}");
    }
}

backend_test! {
    /// A connection's nodes are answered in place when their selection is plain fields, and
    /// by async-graphql otherwise (here: the same fields inside an inline fragment). Both give
    /// the same text, keys in the same order, for every field that is answered in place, on
    /// the demo data (cancelled and scored key results, links, group owners).
    async fn nodes_answered_in_place_equal_the_generic_answer(app) {
        use entity::prelude::User;
        use okrs::config::SeedDemo;
        use sea_orm::EntityTrait;
        let demo = app.with_config(|c| c.seed_demo = SeedDemo::Always).await;
        let admin = User::find().all(&demo.db).await.unwrap().into_iter()
            .find(|user| user.roles.to_string().contains("admin")).expect("the demo admin");
        let token = demo.token_for(&admin.id);
        let key_result = "id nodeId content midScore finalScore cancelled cancelledAt insertedAt updatedAt version";
        let check_in = "id nodeId midScore finalScore note insertedAt version";
        let objective = "id nodeId content cancelled cancelledAt insertedAt updatedAt version";
        let kr_id = demo.data(&token, "{ keyResults(first: 1) { nodes { id } } }", json!({})).await["keyResults"]["nodes"][0]["id"].clone();
        let check_in_query = "mutation($id: ID!) { checkInKeyResult(input: {id: $id, midScore: \"0.4\", note: \"N\"}) { userErrors { code } } }";
        demo.data(&token, check_in_query, json!({ "id": kr_id })).await;
        let lists = [
            ("users", "User", "id nodeId userName name givenName familyName slug active roles department insertedAt updatedAt version".to_owned()),
            ("groups", "Group", "id nodeId name slug pinned insertedAt updatedAt deletedAt version".to_owned()),
            ("cycles", "Cycle", "id nodeId title startsAt endsAt insertedAt updatedAt version".to_owned()),
            ("okrs", "Okr", "id nodeId insertedAt updatedAt version".to_owned()),
            ("objectiveLinks", "ObjectiveLink", "id nodeId insertedAt".to_owned()),
            ("checkIns", "KeyResultCheckIn", check_in.to_owned()),
            ("keyResults", "KeyResult", key_result.to_owned()),
            ("objectives", "Objective", format!("{objective} midScore keyResults {{ nodes {{ {key_result} }} }} t: __typename")),
        ];
        for (root, ty, fields) in lists {
            let plain = format!("{{ {root}(first: 100) {{ nodes {{ {fields} }} }} }}");
            let generic = format!("{{ {root}(first: 100) {{ nodes {{ ... on {ty} {{ {fields} }} }} }} }}");
            let (in_place, body) = ordered_data(&demo, &token, &plain, json!({})).await;
            assert!(body["errors"].is_null(), "{body}");
            assert!(body["data"][root]["nodes"].as_array().is_some_and(|nodes| !nodes.is_empty()), "{root}: {body}");
            let (by_async_graphql, _) = ordered_data(&demo, &token, &generic, json!({})).await;
            assert_eq!(in_place, by_async_graphql, "{root}");
        }
    }
}
