//! Key-result check-ins: recorded with the key result's new scores in one transaction, listed
//! per key result and at the root, filtered on, deleted by their author or an admin, and
//! refused whole when anything is wrong.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::TestApp;
use crate::mutations_common::{Owner, assert_errors, errors, mutate, ok, owner, s, send};

const CHECK_IN: &str = "checkIn { id midScore finalScore note version author { id } keyResult { midScore finalScore version } }";

async fn key_result(app: &TestApp, w: &Owner) -> entity::key_result::Model {
    f::key_result(&app.db, w.objective.id, 100_000_000, 0)
        .await
        .unwrap()
}

/// The key result's check-ins (newest first) and its scores, as a reader sees them.
async fn history(app: &TestApp, token: &str, id: i64) -> Value {
    let query = "query($id: ID!) { keyResult(id: $id) { midScore finalScore version checkIns { totalCount nodes { midScore finalScore note } } } }";
    app.data(token, query, json!({ "id": s(id) })).await["keyResult"].clone()
}

backend_test! {
    async fn a_check_in_records_the_scores_and_scores_the_key_result(app) {
        let w = owner(&app).await;
        let kr = key_result(&app, &w).await;
        let input = json!({ "id": s(kr.id), "midScore": "0.4", "note": "Two of five shipped", "expectedVersion": 1 });
        let check_in = ok(&mutate(&app, &w.token, "checkInKeyResult", input, CHECK_IN).await, "checkIn");
        assert_eq!(check_in["midScore"], "0.4");
        assert_eq!(check_in["finalScore"], "0", "absent keeps the current score");
        assert_eq!(check_in["note"], "Two of five shipped");
        assert_eq!(check_in["author"]["id"], w.user.id.as_str());
        assert_eq!(check_in["keyResult"], json!({ "midScore": "0.4", "finalScore": "0", "version": 2 }));
        // A second check-in without a note, and one that changes nothing but is still history.
        let input = json!({ "id": s(kr.id), "finalScore": "0.25", "note": "  " });
        let second = ok(&mutate(&app, &w.token, "checkInKeyResult", input, CHECK_IN).await, "checkIn");
        assert!(second["note"].is_null(), "a blank note is none");
        let input = json!({ "id": s(kr.id), "expectedVersion": 3 });
        ok(&mutate(&app, &w.token, "checkInKeyResult", input, CHECK_IN).await, "checkIn");
        let seen = history(&app, &w.token, kr.id).await;
        assert_eq!((seen["midScore"].as_str(), seen["finalScore"].as_str()), (Some("0.4"), Some("0.25")));
        assert_eq!(seen["version"], 3, "a check-in that changes no score writes no new version");
        assert_eq!(seen["checkIns"]["totalCount"], 3);
        let notes: Vec<&Value> = seen["checkIns"]["nodes"].as_array().unwrap().iter().map(|n| &n["note"]).collect();
        assert_eq!(notes, [&Value::Null, &Value::Null, &json!("Two of five shipped")], "newest first");
        // The root list and the relation filter see the same rows.
        let query = r#"query($kr: ID!, $since: DateTime!) {
            checkIns(where: { keyResultId: { eq: $kr } }, orderBy: [{ insertedAt: ASC }, { id: ASC }]) { totalCount nodes { note } }
            noted: checkIns(where: { note: { contains: "shipped" } }) { nodes { id } }
            keyResults(where: { checkIns: { some: { insertedAt: { gte: $since }, author: { id: { eq: "nobody" } } } } }) { totalCount }
            recent: keyResults(where: { checkIns: { some: { insertedAt: { gte: $since } } } }) { nodes { id } }
            none: keyResults(where: { checkIns: { none: {} } }) { totalCount }
        }"#;
        let since = "2000-01-01T00:00:00Z";
        let data = app.data(&w.token, query, json!({ "kr": s(kr.id), "since": since })).await;
        assert_eq!(data["checkIns"]["totalCount"], 3);
        assert_eq!(data["checkIns"]["nodes"][0]["note"], "Two of five shipped");
        assert_eq!(data["noted"]["nodes"], json!([{ "id": check_in["id"] }]));
        assert_eq!(data["keyResults"]["totalCount"], 0);
        assert_eq!(data["recent"]["nodes"], json!([{ "id": s(kr.id) }]));
        assert_eq!(data["none"]["totalCount"], 0);
    }
}

backend_test! {
    async fn a_refused_check_in_records_nothing_and_changes_no_score(app) {
        let w = owner(&app).await;
        let kr = key_result(&app, &w).await;
        let id = s(kr.id);
        let cases = [
            (json!({ "id": id, "midScore": "1.5" }), vec![("midScore", "OUT_OF_RANGE")]),
            (json!({ "id": id, "finalScore": null }), vec![("finalScore", "INVALID")]),
            (json!({ "id": id, "midScore": "0.5", "note": "x".repeat(10_001) }), vec![("note", "TOO_LONG")]),
            (json!({ "id": id, "midScore": "0.5", "note": "a\u{0}b" }), vec![("note", "INVALID")]),
            (json!({ "id": id, "midScore": "0.5", "expectedVersion": 7 }), vec![("expectedVersion", "STALE")]),
            (json!({ "id": "424242", "midScore": "0.5" }), vec![("id", "NOT_FOUND")]),
            (json!({ "id": "01", "midScore": "0.5" }), vec![("id", "INVALID")]),
        ];
        for (input, expected) in cases {
            let payload = mutate(&app, &w.token, "checkInKeyResult", input, "checkIn { id }").await;
            assert_errors(&payload, "checkIn", &expected);
        }
        // Someone who may not score it may not check it in.
        let stranger = f::user(&app.db).await;
        let token = app.token_for(&stranger.id);
        let payload = mutate(&app, &token, "checkInKeyResult", json!({ "id": id, "midScore": "0.9" }), "checkIn { id }").await;
        assert_errors(&payload, "checkIn", &[("id", "FORBIDDEN")]);
        let seen = history(&app, &w.token, kr.id).await;
        assert_eq!(seen["checkIns"]["totalCount"], 0);
        assert_eq!((seen["midScore"].as_str(), seen["version"].as_i64()), (Some("0.1"), Some(1)));
        // A deleted key result (or one under a deleted objective) takes no check-in.
        f::delete_objective(&app.db, &w.objective).await;
        let payload = mutate(&app, &w.token, "checkInKeyResult", json!({ "id": id, "midScore": "0.9" }), "checkIn { id }").await;
        assert_errors(&payload, "checkIn", &[("id", "NOT_FOUND")]);
        let (status, body) = send(&app, None, "checkInKeyResult", json!({ "id": id }), "checkIn { id }").await;
        assert_eq!(status, 200);
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{body}");
    }
}

backend_test! {
    async fn a_check_in_is_deleted_by_its_author_or_an_admin_only(app) {
        let w = owner(&app).await;
        let kr = key_result(&app, &w).await;
        let mut ids = Vec::new();
        for note in ["one", "two"] {
            let input = json!({ "id": s(kr.id), "note": note });
            let check_in = ok(&mutate(&app, &w.token, "checkInKeyResult", input, "checkIn { id }").await, "checkIn");
            ids.push(check_in["id"].as_str().unwrap().to_owned());
        }
        // A member of no owning group, not an admin.
        let stranger = f::user(&app.db).await;
        let stranger_token = app.token_for(&stranger.id);
        let payload = mutate(&app, &stranger_token, "deleteKeyResultCheckIn", json!({ "id": ids[0] }), "checkIn { id }").await;
        assert_errors(&payload, "checkIn", &[("id", "FORBIDDEN")]);
        let payload = mutate(&app, &w.token, "deleteKeyResultCheckIn", json!({ "id": ids[0], "expectedVersion": 2 }), "checkIn { id }").await;
        assert_errors(&payload, "checkIn", &[("expectedVersion", "STALE")]);
        let payload = mutate(&app, &w.token, "deleteKeyResultCheckIn", json!({ "id": ids[0], "expectedVersion": 1 }), "checkIn { note }").await;
        assert_eq!(ok(&payload, "checkIn")["note"], "one");
        let admin = f::user_with_roles(&app.db, &["admin"]).await;
        let admin_token = app.token_for(&admin.id);
        let payload = mutate(&app, &admin_token, "deleteKeyResultCheckIn", json!({ "id": ids[1] }), "checkIn { note }").await;
        assert_eq!(ok(&payload, "checkIn")["note"], "two");
        let payload = mutate(&app, &w.token, "deleteKeyResultCheckIn", json!({ "id": ids[1] }), "checkIn { id }").await;
        assert_errors(&payload, "checkIn", &[("id", "NOT_FOUND")]);
        let seen = history(&app, &w.token, kr.id).await;
        assert_eq!(seen["checkIns"]["totalCount"], 0);
        assert_eq!(seen["midScore"], "0.1", "deleting check-ins leaves the scores");
    }
}

backend_test! {
    async fn check_ins_of_a_deleted_key_result_are_gone_from_every_list(app) {
        let w = owner(&app).await;
        let kr = key_result(&app, &w).await;
        let input = json!({ "id": s(kr.id), "note": "kept as history" });
        let check_in = ok(&mutate(&app, &w.token, "checkInKeyResult", input, "checkIn { id }").await, "checkIn");
        f::retire_key_result(&app.db, &kr, false, true).await;
        let data = app.data(&w.token, "{ checkIns { totalCount } }", json!({})).await;
        assert_eq!(data["checkIns"]["totalCount"], 0);
        let payload = mutate(&app, &w.token, "deleteKeyResultCheckIn", json!({ "id": check_in["id"] }), "checkIn { id }").await;
        assert_errors(&payload, "checkIn", &[("id", "NOT_FOUND")]);
    }
}

backend_test! {
    async fn concurrent_check_ins_at_one_version_have_one_winner_and_one_row(app) {
        let w = owner(&app).await;
        let kr = key_result(&app, &w).await;
        for round in 0..3 {
            let version = 1 + round;
            let requests = (0..6).map(|i| {
                let (app, token) = (app.clone(), w.token.clone());
                let input = json!({ "id": s(kr.id), "midScore": format!("0.{i}{round}7"), "expectedVersion": version });
                tokio::spawn(async move { send(&app, Some(&token), "checkInKeyResult", input, "checkIn { midScore }").await })
            });
            let payloads: Vec<Value> = join_all(requests).await.into_iter().map(|joined| {
                let (status, body) = joined.unwrap();
                assert!(status == 200 && body.get("errors").is_none(), "{body}");
                body["data"]["checkInKeyResult"].clone()
            }).collect();
            let winners: Vec<&Value> = payloads.iter().filter(|p| errors(p).is_empty()).collect();
            assert_eq!(winners.len(), 1, "{payloads:?}");
            for loser in payloads.iter().filter(|p| !errors(p).is_empty()) {
                assert_eq!(errors(loser), vec![("expectedVersion".to_owned(), "STALE".to_owned())]);
            }
            let seen = history(&app, &w.token, kr.id).await;
            assert_eq!(seen["checkIns"]["totalCount"], round + 1, "one row per winner");
            assert_eq!(seen["midScore"], winners[0]["checkIn"]["midScore"], "the stored score is the winner's");
            assert_eq!(seen["version"], version + 1);
        }
    }
}
