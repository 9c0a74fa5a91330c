//! Real races over HTTP, in repeated rounds, on both databases: the domain's rules hold
//! however concurrent writes interleave (decisions.md 27), and every answer is a success or
//! a user error, never INTERNAL.

use futures::future::join_all;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::{Backend, SCIM_TOKEN, TestApp, TestDatabase};
use crate::mutations_common::{errors, owner, s, send};

const ROUNDS: usize = 6;

/// One mutation to fire: field, input, payload selection.
type Shot = (&'static str, Value, &'static str);

/// Sends every shot at once; returns each payload (asserting no top-level error).
async fn fire(app: &TestApp, token: &str, shots: Vec<Shot>) -> Vec<Value> {
    let requests = shots.into_iter().map(|(field, input, selection)| {
        let app = app.clone();
        let token = token.to_owned();
        tokio::spawn(async move {
            let (status, body) = send(&app, Some(&token), field, input, selection).await;
            assert!(
                status == 200 && body.get("errors").is_none(),
                "{field}: {body}"
            );
            body["data"][field].clone()
        })
    });
    join_all(requests)
        .await
        .into_iter()
        .map(|joined| joined.unwrap())
        .collect()
}

/// Asserts each payload succeeded or failed with one of `codes` only.
fn only(payloads: &[Value], codes: &[&str]) {
    for payload in payloads {
        for (path, code) in errors(payload) {
            assert!(
                codes.contains(&code.as_str()),
                "{path}: {code} in {payload}"
            );
        }
    }
}

/// A number the database computes.
async fn count(app: &TestApp, sql: &str) -> i64 {
    let statement = Statement::from_string(app.db.get_database_backend(), sql.to_owned());
    let row = app.db.query_one_raw(statement).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

const LIVE_CHILDREN_OF_DELETED_OBJECTIVES: &str = "SELECT \
    (SELECT COUNT(*) FROM key_results k JOIN objectives o ON o.id = k.objective_id \
      WHERE k.deleted_at IS NULL AND o.deleted_at IS NOT NULL) + \
    (SELECT COUNT(*) FROM objective_assessments a JOIN objectives o ON o.id = a.objective_id \
      WHERE a.deleted_at IS NULL AND o.deleted_at IS NOT NULL) + \
    (SELECT COUNT(*) FROM objective_links l JOIN objectives o \
      ON o.id = l.source_objective_id OR o.id = l.linked_to_objective_id \
      WHERE l.deleted_at IS NULL AND o.deleted_at IS NOT NULL)";

backend_test! {
    async fn deleting_an_objective_while_children_are_created_leaves_no_live_child(app) {
        let w = owner(&app).await;
        let other = f::objective(&app.db, w.okr.id).await.unwrap();
        for round in 0..ROUNDS {
            let doomed = f::objective(&app.db, w.okr.id).await.unwrap();
            let scored = f::key_result(&app.db, doomed.id, 0, 0).await.unwrap();
            let id = s(doomed.id);
            let mut shots: Vec<Shot> = (0..4)
                .map(|i| ("createKeyResult", json!({ "objectiveId": id, "content": format!("KR {i}") }), "keyResult { id }"))
                .collect();
            shots.extend((1..=2).map(|i| ("scoreKeyResult", json!({ "id": s(scored.id), "midScore": format!("0.{i}") }), "keyResult { id }")));
            shots.push(("createObjectiveAssessment", json!({ "objectiveId": id, "assessment": "A" }), "objectiveAssessment { id }"));
            shots.push(("linkObjectives", json!({ "sourceObjectiveId": id, "linkedToObjectiveId": s(other.id) }), "objectiveLink { id }"));
            shots.push(("linkObjectives", json!({ "sourceObjectiveId": s(other.id), "linkedToObjectiveId": id }), "objectiveLink { id }"));
            // The delete goes out in the middle of the children.
            shots.insert(3, ("deleteObjective", json!({ "id": id }), "objective { id }"));
            let payloads = fire(&app, &w.token, shots).await;
            only(&payloads, &["NOT_FOUND", "CYCLE"]);
            assert!(errors(&payloads[3]).is_empty(), "the delete succeeds: {}", payloads[3]);
            assert_eq!(count(&app, LIVE_CHILDREN_OF_DELETED_OBJECTIVES).await, 0, "round {round}");
        }
        // No stray link is left to make an unrelated link look like a cycle.
        let fresh = f::objective(&app.db, w.okr.id).await.unwrap();
        let input = json!({ "sourceObjectiveId": s(other.id), "linkedToObjectiveId": s(fresh.id) });
        let payloads = fire(&app, &w.token, vec![("linkObjectives", input, "objectiveLink { id }")]).await;
        assert_eq!(errors(&payloads[0]), vec![]);
    }
}

backend_test! {
    async fn concurrent_adds_of_one_member_are_no_ops_after_the_first(app) {
        let admin = f::user_with_roles(&app.db, &["admin"]).await;
        let token = app.token_for(&admin.id);
        for _ in 0..ROUNDS / 2 {
            let group = f::group(&app.db).await;
            let member = f::user(&app.db).await;
            let pair = json!({ "groupId": s(group.id), "userId": member.id });
            let shots = vec![("addGroupMember", pair, "group { id }"); 10];
            let payloads = fire(&app, &token, shots).await;
            only(&payloads, &[]);
            let live = format!(
                "SELECT COUNT(*) FROM group_memberships WHERE group_id = {} AND deleted_at IS NULL",
                group.id
            );
            assert_eq!(count(&app, &live).await, 1);
        }
    }
}

backend_test! {
    async fn concurrent_creates_of_one_group_name_take_the_next_free_slugs(app) {
        let admin = f::user_with_roles(&app.db, &["admin"]).await;
        let token = app.token_for(&admin.id);
        for round in 0..ROUNDS / 2 {
            let name = format!("Race Team {round} {}", f::unique());
            let shots = vec![("createGroup", json!({ "name": name }), "group { slug }"); 10];
            let payloads = fire(&app, &token, shots).await;
            only(&payloads, &[]);
            let mut slugs: Vec<String> = payloads
                .iter()
                .map(|p| p["group"]["slug"].as_str().unwrap().to_owned())
                .collect();
            slugs.sort();
            let base = name.to_lowercase().replace(' ', "-");
            let mut expected: Vec<String> = std::iter::once(base.clone())
                .chain((2..=10).map(|n| format!("{base}-{n}")))
                .collect();
            expected.sort();
            assert_eq!(slugs, expected);
        }
    }
}

backend_test! {
    async fn updates_without_an_expected_version_are_last_writer_wins(app) {
        let w = owner(&app).await;
        let key_result = f::key_result(&app.db, w.objective.id, 0, 0).await.unwrap();
        for round in 0..ROUNDS / 2 {
            let objective = f::objective(&app.db, w.okr.id).await.unwrap();
            let mut shots: Vec<Shot> = (0..8)
                .map(|i| ("updateObjective", json!({ "id": s(objective.id), "content": format!("Round {round} writer {i}") }), "objective { content version }"))
                .collect();
            shots.extend((0..4).map(|i| ("scoreKeyResult", json!({ "id": s(key_result.id), "midScore": format!("0.{i}") }), "keyResult { version }")));
            let payloads = fire(&app, &w.token, shots).await;
            only(&payloads, &[]);
            let versions: Vec<i64> = payloads[..8]
                .iter()
                .map(|p| p["objective"]["version"].as_i64().unwrap())
                .collect();
            let mut sorted = versions.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (2..=9).collect::<Vec<_>>(), "every write landed once: {versions:?}");
            let query = "query($id: ID!) { objective(id: $id) { content version } }";
            let data = app.data(&w.token, query, json!({ "id": s(objective.id) })).await;
            let last = payloads[..8].iter().find(|p| p["objective"]["version"] == 9).unwrap();
            assert_eq!(data["objective"], last["objective"], "the stored row is the last writer's");
        }
    }
}

backend_test! {
    async fn deleting_a_group_over_scim_while_members_are_added_leaves_no_live_membership(app) {
        let admin = f::user_with_roles(&app.db, &["admin"]).await;
        let token = app.token_for(&admin.id);
        for round in 0..ROUNDS {
            let group = f::group(&app.db).await;
            let mut members = Vec::new();
            for _ in 0..4 {
                members.push(f::user(&app.db).await);
            }
            let adds = members.iter().map(|member| {
                let shot: Shot = ("addGroupMember", json!({ "groupId": s(group.id), "userId": member.id }), "group { id }");
                fire(&app, &token, vec![shot])
            });
            let delete = app
                .client
                .delete(app.url(&format!("/scim/v2/Groups/{}", group.id)))
                .bearer_auth(SCIM_TOKEN)
                .send();
            let (added, deleted) = tokio::join!(join_all(adds), delete);
            assert_eq!(deleted.unwrap().status().as_u16(), 204);
            for payloads in &added {
                only(payloads, &["NOT_FOUND"]);
            }
            let live = format!(
                "SELECT COUNT(*) FROM group_memberships WHERE group_id = {} AND deleted_at IS NULL",
                group.id
            );
            assert_eq!(count(&app, &live).await, 0, "round {round}");
        }
    }
}

/// Starts `replicas` servers at once on one fresh, empty database; every one must start.
async fn start_together(backend: Backend, replicas: usize, seed: okrs::config::SeedDemo) {
    let Some(database) = TestDatabase::create(backend).await else {
        return;
    };
    let starts = (0..replicas).map(|_| {
        let mut config = crate::helpers::test_config(&database.url);
        config.seed_demo = seed;
        tokio::spawn(okrs::app::Application::build(config))
    });
    let started: Vec<_> = join_all(starts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    for result in &started {
        assert!(
            result.is_ok(),
            "a replica failed to start: {:?}",
            result.as_ref().err()
        );
    }
    let db = started[0].as_ref().unwrap().db().clone();
    let admins = format!(
        "SELECT COUNT(*) FROM users WHERE user_name = '{}'",
        okrs::fixtures::demo::ADMIN_USER_NAME
    );
    let admins = Statement::from_string(db.get_database_backend(), admins);
    let row = db.query_one_raw(admins).await.unwrap().unwrap();
    let loaded = row.try_get_by_index::<i64>(0).unwrap();
    let expected = i64::from(seed == okrs::config::SeedDemo::Always);
    assert_eq!(loaded, expected, "the demo data is loaded at most once");
    drop(started);
    database.drop_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_started_together_on_postgres_all_start_and_seed_once() {
    for _ in 0..3 {
        start_together(Backend::Postgres, 3, okrs::config::SeedDemo::Never).await;
        start_together(Backend::Postgres, 3, okrs::config::SeedDemo::Always).await;
    }
}
