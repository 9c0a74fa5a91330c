//! Helpers for the mutation tests: run one mutation with an `input` and read its payload.

use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::TestApp;

/// Runs `field(input: $input) { selection userErrors { path code message } }`; returns the
/// HTTP status and the whole body.
pub(crate) async fn send(
    app: &TestApp,
    token: Option<&str>,
    field: &str,
    input: Value,
    selection: &str,
) -> (u16, Value) {
    let input_type = format!("{}{}Input", field[..1].to_uppercase(), &field[1..]);
    let query = format!(
        "mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} userErrors {{ path code message }} }} }}"
    );
    app.graphql(&query, json!({ "input": input }), token).await
}

/// Runs a mutation that must execute; returns its payload.
pub(crate) async fn mutate(
    app: &TestApp,
    token: &str,
    field: &str,
    input: Value,
    selection: &str,
) -> Value {
    let (status, body) = send(app, Some(token), field, input, selection).await;
    assert!(
        status == 200 && body.get("errors").is_none(),
        "{field}: {status} {body}"
    );
    body["data"][field].clone()
}

/// The payload's user errors as `(dotted path, code)`.
pub(crate) fn errors(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("no userErrors in {payload}"))
        .iter()
        .map(|e| {
            let path: Vec<&str> = e["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            (path.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// Asserts exactly these user errors (in any order) and a null entity under `entity`.
pub(crate) fn assert_errors(payload: &Value, entity: &str, expected: &[(&str, &str)]) {
    let mut found = errors(payload);
    found.sort();
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
        .collect();
    wanted.sort();
    assert_eq!(found, wanted, "{payload}");
    assert!(payload[entity].is_null(), "{payload}");
}

/// Asserts no user errors; returns the entity.
pub(crate) fn ok(payload: &Value, entity: &str) -> Value {
    assert_eq!(errors(payload), vec![], "{payload}");
    payload[entity].clone()
}

/// A user with a token, an OKR of theirs in a current cycle, and one objective.
pub(crate) struct Owner {
    pub(crate) user: entity::user::Model,
    pub(crate) token: String,
    pub(crate) okr: entity::okr::Model,
    pub(crate) objective: entity::objective::Model,
}

/// An [`Owner`] world.
pub(crate) async fn owner(app: &TestApp) -> Owner {
    let user = f::user(&app.db).await;
    let cycle = f::cycle(&app.db, &user.id).await;
    let okr = f::okr(&app.db, cycle.id, Some(&user.id), None, false)
        .await
        .unwrap();
    let objective = f::objective(&app.db, okr.id).await.unwrap();
    Owner {
        token: app.token_for(&user.id),
        user,
        okr,
        objective,
    }
}

/// An id as a JSON string.
pub(crate) fn s(id: i64) -> String {
    id.to_string()
}
