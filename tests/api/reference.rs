//! The reference comparison for response completion.
//!
//! A corpus of documents (errors at every depth, aliases, merged fields, fragments, unions,
//! `@skip`/`@include`, a mutation) runs in process through the server's own request path,
//! with every resolver's outcome recorded (its value, or the error it raised). When
//! `REFERENCE_CORPUS_OUT` names a folder, the corpus, the outcomes and the server's answers
//! are written there, and `scripts/reference-check.sh` replays the outcomes through npm
//! `graphql` (the reference implementation) with the schema in `schema.graphql`: its `data`
//! must equal ours, key order included, and its errors must be ours.
//!
//! Without the folder the test still checks that the in-process answer is, byte for byte, the
//! one the server sends over HTTP, so the comparison covers what clients receive.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{QueryPathSegment, ServerResult, Value as Answer};
use axum::http::{HeaderMap, HeaderValue, header};
use okrs::graphql::completion::types;
use okrs::graphql::http::{self, Params};
use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::{Backend, TestApp};

/// One step of a response path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// What one resolver did.
#[derive(Debug, Clone)]
struct Outcome {
    path: Vec<Step>,
    parent_type: String,
    return_type: String,
    result: Result<Answer, String>,
}

/// An extension that records every field's outcome.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Outcome>>>);

impl ExtensionFactory for Recorder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Extension for Recorder {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Answer>> {
        let mut path: Vec<Step> = std::iter::once(info.path_node)
            .chain(info.path_node.parents())
            .map(|node| match node.segment {
                QueryPathSegment::Index(index) => Step::Index(index),
                QueryPathSegment::Name(name) => Step::Key(name.to_owned()),
            })
            .collect();
        path.reverse();
        let parent_type = info.parent_type.to_owned();
        let return_type = info.return_type.to_owned();
        let result = next.run(ctx, info).await;
        let recorded = match &result {
            Ok(value) => Ok(value.clone().unwrap_or_default()),
            Err(error) => Err(error.message.clone()),
        };
        self.0.lock().unwrap().push(Outcome {
            path,
            parent_type,
            return_type,
            result: recorded,
        });
        result
    }
}

/// The recorded outcomes as the tree the graphql-js replay reads: an object is
/// `{"__typename", "fields": {key: entry}}`, an entry `{"error"}`, `{"value"}`, `{"node"}`
/// or `{"list": [entry]}`.
struct Replay<'a> {
    children: HashMap<&'a [Step], Vec<&'a Outcome>>,
    type_key: &'a str,
}

impl<'a> Replay<'a> {
    fn new(outcomes: &'a [Outcome], type_key: &'a str) -> Self {
        let mut children: HashMap<&[Step], Vec<&Outcome>> = HashMap::new();
        for outcome in outcomes {
            let parent = &outcome.path[..outcome.path.len() - 1];
            children.entry(parent).or_default().push(outcome);
        }
        Self { children, type_key }
    }

    fn node(&self, path: &[Step], static_type: &str, value: Option<&Answer>) -> Value {
        let children = self
            .children
            .get(path)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let marked = match value {
            Some(Answer::Object(object)) => match object.get(self.type_key) {
                Some(Answer::String(name)) => Some(name.clone()),
                _ => None,
            },
            _ => None,
        };
        let runtime = marked
            .or_else(|| children.first().map(|child| child.parent_type.clone()))
            .unwrap_or_else(|| static_type.to_owned());
        let fields: serde_json::Map<String, Value> = children
            .iter()
            .map(|child| {
                let Some(Step::Key(key)) = child.path.last() else {
                    panic!("a field's path ends with its key");
                };
                (key.clone(), self.entry(child))
            })
            .collect();
        json!({ "__typename": runtime, "fields": fields })
    }

    fn entry(&self, outcome: &Outcome) -> Value {
        match &outcome.result {
            Err(message) => json!({ "error": message }),
            Ok(value) => self.typed(&outcome.return_type, value, &outcome.path),
        }
    }

    fn typed(&self, ty: &str, value: &Answer, path: &[Step]) -> Value {
        let ty = ty.strip_suffix('!').unwrap_or(ty);
        if let Some(item) = ty.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            return match value {
                Answer::List(items) => {
                    let entries: Vec<Value> = items
                        .iter()
                        .enumerate()
                        .map(|(index, item_value)| {
                            let mut at = path.to_vec();
                            at.push(Step::Index(index));
                            self.typed(item, item_value, &at)
                        })
                        .collect();
                    json!({ "list": entries })
                }
                _ => json!({ "value": null }),
            };
        }
        let composite = types::served().get(ty).is_some_and(|t| t.is_composite());
        if !composite {
            return json!({ "value": value.clone().into_json().unwrap() });
        }
        if *value == Answer::Null && !self.children.contains_key(path) {
            return json!({ "value": null });
        }
        json!({ "node": self.node(path, ty, Some(value)) })
    }
}

/// A world with a user-owned and a group-owned OKR, objectives and key results.
struct World {
    token: String,
    user_okr: i64,
    group_okr: i64,
    key_result: i64,
    slug: String,
}

async fn world(app: &TestApp) -> World {
    let db = &app.db;
    let owner = f::user(db).await;
    let group = f::group(db).await;
    f::membership(db, group.id, &owner.id, false).await.unwrap();
    let cycle = f::cycle(db, &owner.id).await;
    let user_okr = f::okr(db, cycle.id, Some(&owner.id), None, false)
        .await
        .unwrap();
    let group_okr = f::okr(db, cycle.id, None, Some(group.id), false)
        .await
        .unwrap();
    let mut key_result = 0;
    for okr in [&user_okr, &group_okr] {
        for _ in 0..2 {
            let objective = f::objective(db, okr.id).await.unwrap();
            key_result = f::key_result(db, objective.id, 0, 0).await.unwrap().id;
        }
    }
    World {
        token: app.token_for(&owner.id),
        user_okr: user_okr.id,
        group_okr: group_okr.id,
        key_result,
        slug: owner.slug,
    }
}

/// The corpus: name, document, variables.
fn corpus(world: &World) -> Vec<(&'static str, String, Value)> {
    let (user_okr, group_okr) = (world.user_okr, world.group_okr);
    let slug = &world.slug;
    vec![
        (
            "nullable root fields that fail or find nothing",
            r#"{ a: okr(id: "999999") { id } b: objective(id: "abc") { id } c: __typename }"#
                .to_owned(),
            json!({}),
        ),
        (
            "root aliases and nested fields in selection order",
            format!(
                r#"{{ h: okrs(first: 2) {{ totalCount nodes {{ version id }} }}
                   g: users(first: 2) {{ totalCount }} f: groups(first: 1) {{ totalCount }}
                   e: cycles(first: 1) {{ nodes {{ id }} totalCount }}
                   d: okr(id: "{user_okr}") {{ version id cycle {{ id }} }}
                   c: userBySlug(slug: "{slug}") {{ slug id okrs {{ totalCount }} }}
                   b: __typename a: okrs(first: 1) {{ pageInfo {{ hasNextPage hasPreviousPage }} }} }}"#
            ),
            json!({}),
        ),
        (
            "merged fields keep their first place",
            format!(
                r#"{{ o: okr(id: "{user_okr}") {{ id }} t: __typename
                   o: okr(id: "{user_okr}") {{ version objectives {{ totalCount }} id }} }}"#
            ),
            json!({}),
        ),
        (
            "a non-null error nulls the nearest nullable parent",
            format!(
                r#"{{ okr(id: "{user_okr}") {{ id objectives(first: -1) {{ totalCount }} }}
                   other: okr(id: "{group_okr}") {{ id }} }}"#
            ),
            json!({}),
        ),
        (
            "an error deep in non-null lists reaches data",
            "{ t: __typename okrs(first: 5) { nodes { id objectives(first: -1) { totalCount } } } }"
                .to_owned(),
            json!({}),
        ),
        (
            "errors at depth seven stop at a nullable root field",
            format!(
                r#"{{ okr(id: "{user_okr}") {{ objectives(first: 2) {{ edges {{ cursor node {{ id
                     keyResults(first: -1) {{ totalCount }} }} }} }} }}
                   safe: okr(id: "{group_okr}") {{ objectives(first: 1) {{ nodes {{ keyResults {{ nodes {{ id }} }} }} }} }} }}"#
            ),
            json!({}),
        ),
        (
            "unions choose their fragments by the runtime type",
            format!(
                r#"{{ u: okr(id: "{user_okr}") {{ ...Owned }} g: okr(id: "{group_okr}") {{ ...Owned }} }}
                 fragment Owned on Okr {{ owner {{ __typename ... on Group {{ slug name }}
                   ... on User {{ name slug }} ...Named }} id }}
                 fragment Named on User {{ name }}"#
            ),
            json!({}),
        ),
        (
            "an error inside a union member",
            format!(
                r#"{{ okr(id: "{user_okr}") {{ id owner {{ ... on User {{ okrs(first: -1) {{ totalCount }} }} }} }}
                   group: okr(id: "{group_okr}") {{ owner {{ ... on Group {{ members(first: -1) {{ totalCount }} }}
                     ... on User {{ id }} }} }} }}"#
            ),
            json!({}),
        ),
        (
            "skip and include with variables, defaults and literals",
            r#"query Conditional($okr: ID!, $yes: Boolean!, $no: Boolean = false) {
                okr(id: $okr) {
                    version @include(if: $no)
                    ...Times
                    owner { ... on User { slug @skip(if: false) id @include(if: $no) } }
                    id @skip(if: $yes)
                    ... @include(if: $yes) { cycle { id } }
                }
                empty: okr(id: $okr) { id @skip(if: $yes) }
                missing: okr(id: "999999") { id @skip(if: $yes) }
            }
            fragment Times on Okr { insertedAt @include(if: $yes) id }"#
                .to_owned(),
            json!({ "okr": user_okr.to_string(), "yes": true }),
        ),
        (
            "lists of objects with cursors",
            "{ users(first: 3) { edges { cursor node { name id } } nodes { id } pageInfo { hasNextPage endCursor } } }"
                .to_owned(),
            json!({}),
        ),
        (
            "a mutation whose argument is refused",
            r#"mutation { scoreKeyResult(input: { id: "abc", midScore: "0.5" }) { keyResult { id } userErrors { message } } }"#
                .to_owned(),
            json!({}),
        ),
        (
            "a mutation that scores a key result",
            format!(
                r#"mutation Score {{ t: __typename scoreKeyResult(input: {{ id: "{}", midScore: "0.5" }}) {{
                     userErrors {{ path code message }} keyResult {{ midScore id objective {{ id }} }} }} }}"#,
                world.key_result
            ),
            json!({}),
        ),
    ]
}

/// Runs `query` through the server's request path with the recorder on.
async fn run_recorded(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: &Value,
) -> (async_graphql::Response, Vec<Outcome>, String) {
    let recorder = Recorder::default();
    let mut state = app.state.clone();
    state.schema = okrs::graphql::schema::configured(state.db.clone(), state.config.clone())
        .extension(recorder.clone())
        .finish();
    let mut params = Params {
        query: query.to_owned(),
        variables: variables.as_object().cloned().unwrap_or_default(),
        operation_name: None,
        persisted: None,
    };
    let document = http::prepare(&state, &mut params).expect("within the limits");
    let type_key = document
        .as_ref()
        .map(|executable| executable.type_key.to_string())
        .expect("the corpus parses");
    let mut headers = HeaderMap::new();
    let bearer = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    headers.insert(header::AUTHORIZATION, bearer);
    let response = http::run(&state, &headers, params, document).await;
    let outcomes = recorder.0.lock().unwrap().clone();
    (response, outcomes, type_key)
}

/// The body the server sends over HTTP for `query`, as text.
async fn over_http(app: &TestApp, token: &str, query: &str, variables: &Value) -> String {
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

backend_test! {
    async fn the_corpus_is_answered_as_over_http_and_recorded_for_the_reference(app) {
        let world = world(&app).await;
        let mut cases = Vec::new();
        let mut differences = Vec::new();
        for (name, query, variables) in corpus(&world) {
            let is_mutation = query.trim_start().starts_with("mutation");
            let (response, outcomes, type_key) =
                run_recorded(&app, &world.token, &query, &variables).await;
            assert!(!outcomes.is_empty(), "{name}: no resolver ran: {:?}", response.errors);
            let data = serde_json::to_string(&response.data).unwrap();
            if !is_mutation {
                let sent = over_http(&app, &world.token, &query, &variables).await;
                let in_process = serde_json::to_string(&response).unwrap();
                if sent != in_process {
                    differences.push(format!("{name}:\n  HTTP:       {sent}\n  in process: {in_process}"));
                }
            }
            let replay = Replay::new(&outcomes, &type_key);
            let errors: Vec<Value> = response
                .errors
                .iter()
                .map(|error| json!({ "message": error.message, "path": error.path }))
                .collect();
            cases.push(json!({
                "name": name,
                "query": query,
                "variables": variables,
                "resolved": replay.node(&[], "", None),
                "data": data,
                "errors": errors,
            }));
        }
        if let Ok(folder) = std::env::var("REFERENCE_CORPUS_OUT") {
            let file = match app.backend {
                Backend::Sqlite => "sqlite.json",
                Backend::Postgres => "postgres.json",
            };
            let path = std::path::Path::new(&folder).join(file);
            std::fs::write(&path, serde_json::to_vec_pretty(&cases).unwrap()).unwrap();
        }
        assert!(differences.is_empty(), "{}", differences.join("\n"));
    }
}
