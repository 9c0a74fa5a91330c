//! Global object identification: `nodeId` on every object, `node(nodeId:)`, `nodes(nodeIds:)`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::factories as f;

/// An OKR page's worth of objects, each with its `__typename`, `id` and `nodeId`.
const EVERYTHING: &str = "query($okr: ID!) { okr(id: $okr) {
  __typename id nodeId
  cycle { __typename id nodeId createdBy { __typename id nodeId } }
  owner { ... on Group { __typename id nodeId } }
  reflection { __typename id nodeId }
  objectives { nodes { __typename id nodeId
    assessment { __typename id nodeId }
    keyResults { nodes { __typename id nodeId } }
    contributesTo { nodes { __typename id nodeId } } } } } }";

/// Every `{__typename, id, nodeId}` object in `value`.
fn objects(value: &Value, found: &mut Vec<(String, String, String)>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(t)), Some(Value::String(id)), Some(Value::String(node))) =
                (map.get("__typename"), map.get("id"), map.get("nodeId"))
            {
                found.push((t.clone(), id.clone(), node.clone()));
            }
            map.values().for_each(|v| objects(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| objects(v, found)),
        _ => {}
    }
}

backend_test! {
    async fn every_object_is_found_again_by_its_node_id(app) {
        let app = app.with_config(|c| c.expose_sql_statement_count = true).await;
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        let group = f::group(&app.db).await;
        let cycle = f::cycle(&app.db, &user.id).await;
        let okr = f::okr(&app.db, cycle.id, None, Some(group.id), false).await.unwrap();
        f::reflection(&app.db, okr.id, false).await.unwrap();
        let objective = f::objective(&app.db, okr.id).await.unwrap();
        let other = f::objective(&app.db, okr.id).await.unwrap();
        f::key_result(&app.db, objective.id, 0, 0).await.unwrap();
        f::assessment(&app.db, objective.id, false).await.unwrap();
        f::link(&app.db, objective.id, other.id, false).await.unwrap();
        let data = app.data(&token, EVERYTHING, json!({ "okr": okr.id.to_string() })).await;
        let mut found = Vec::new();
        objects(&data, &mut found);
        found.sort();
        found.dedup();
        let types: std::collections::BTreeSet<&str> = found.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(types.len(), 8, "{types:?}");
        // Each, alone and then all in one `nodes` call, in order.
        for (typename, id, node_id) in &found {
            let data = app.data(&token, "query($n: ID!) { node(nodeId: $n) { __typename nodeId
                ... on User { id } ... on Group { id } ... on Cycle { id } ... on Okr { id }
                ... on OkrReflection { id } ... on Objective { id } ... on ObjectiveAssessment { id }
                ... on KeyResult { id } } }", json!({ "n": node_id })).await;
            assert_eq!(data["node"]["__typename"], *typename);
            assert_eq!(data["node"]["id"], *id, "{typename}");
            assert_eq!(data["node"]["nodeId"], *node_id);
        }
        let ids: Vec<&String> = found.iter().map(|(_, _, node)| node).collect();
        let (_, body) = app.graphql("query($n: [ID!]!) { nodes(nodeIds: $n) { nodeId } }", json!({ "n": ids }), Some(&token)).await;
        let back: Vec<&str> = body["data"]["nodes"].as_array().unwrap().iter().map(|n| n["nodeId"].as_str().unwrap()).collect();
        assert_eq!(back, ids.iter().map(|s| s.as_str()).collect::<Vec<_>>());
        // One statement per type (and one for the signed-in user), however many ids.
        let statements = body["extensions"]["sqlStatements"].as_u64().unwrap();
        assert!(statements <= types.len() as u64 + 1, "{statements} statements for {} ids", ids.len());
        // Node ids differ across types even where the numeric ids are equal.
        let unique: std::collections::BTreeSet<&String> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len());
    }
}

fn node_id(type_name: &str, key: &Value) -> String {
    STANDARD.encode(json!([type_name, key]).to_string())
}

backend_test! {
    async fn deleted_and_missing_nodes_are_null_and_malformed_ids_refused(app) {
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        let cycle = f::cycle(&app.db, &user.id).await;
        let okr = f::okr(&app.db, cycle.id, Some(&user.id), None, false).await.unwrap();
        let objective = f::objective(&app.db, okr.id).await.unwrap();
        let live = node_id("Objective", &json!(objective.id));
        let deleted = f::objective(&app.db, okr.id).await.unwrap();
        f::delete_objective(&app.db, &deleted).await;
        let query = "query($n: [ID!]!) { nodes(nodeIds: $n) { nodeId } }";
        let ids = json!([live, node_id("Objective", &json!(deleted.id)), node_id("Cycle", &json!(i64::MAX)), node_id("User", &json!(uuid::Uuid::now_v7().to_string()))]);
        let data = app.data(&token, query, json!({ "n": ids })).await;
        assert_eq!(data["nodes"], json!([{ "nodeId": live }, null, null, null]));
        // Ids the server never hands out: BAD_USER_INPUT, not a lookup of something else.
        for bad in [
            "nope".to_owned(),
            node_id("Objective", &json!(objective.id.to_string())),
            node_id("Objective", &json!(-0.5)),
            node_id("User", &json!(user.id.to_uppercase())),
            node_id("GroupMembership", &json!(1)),
            node_id("Nothing", &json!(1)),
            "A".repeat(10_000),
        ] {
            let code = app.error(&token, "query($n: ID!) { node(nodeId: $n) { nodeId } }", json!({ "n": bad })).await;
            assert_eq!(code, "BAD_USER_INPUT", "{bad}");
        }
        // Signed-in users only, as every root field.
        let (_, body) = app.graphql("query($n: ID!) { node(nodeId: $n) { nodeId } }", json!({ "n": live }), None).await;
        assert_eq!(crate::helpers::error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
}
