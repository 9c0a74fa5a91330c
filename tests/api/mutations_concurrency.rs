//! Conflicting writes fired at once over real HTTP: exactly one wins, the others get user
//! errors (never INTERNAL, never a lost update).

use futures::future::join_all;
use serde_json::{Value, json};

use crate::factories as f;
use crate::mutations_common::{errors, owner, s, send};

const RACERS: usize = 4;

/// Sends the same mutation `inputs.len()` times at once; returns each payload.
async fn race(
    app: &crate::helpers::TestApp,
    token: &str,
    field: &str,
    inputs: Vec<Value>,
    sel: &str,
) -> Vec<Value> {
    let requests = inputs.into_iter().map(|input| {
        let app = app.clone();
        let token = token.to_owned();
        let (field, sel) = (field.to_owned(), sel.to_owned());
        tokio::spawn(async move { send(&app, Some(&token), &field, input, &sel).await })
    });
    join_all(requests)
        .await
        .into_iter()
        .map(|joined| {
            let (status, body) = joined.unwrap();
            assert!(status == 200 && body.get("errors").is_none(), "{body}");
            body["data"][field].clone()
        })
        .collect()
}

/// Asserts one success and only `code` errors for the rest.
fn one_winner(payloads: &[Value], code: &str) {
    let winners = payloads.iter().filter(|p| errors(p).is_empty()).count();
    assert_eq!(winners, 1, "{payloads:?}");
    for payload in payloads.iter().filter(|p| !errors(p).is_empty()) {
        assert!(errors(payload).iter().all(|(_, c)| c == code), "{payload}");
    }
}

backend_test! {
    async fn concurrent_creates_of_one_assessment_leave_one(app) {
        let w = owner(&app).await;
        let input = json!({ "objectiveId": s(w.objective.id), "assessment": "Mine" });
        let payloads = race(&app, &w.token, "createObjectiveAssessment", vec![input; RACERS], "objectiveAssessment { id }").await;
        one_winner(&payloads, "ALREADY_EXISTS");
    }
}

backend_test! {
    async fn concurrent_updates_with_one_expected_version_have_one_winner(app) {
        let w = owner(&app).await;
        let inputs = (0..RACERS)
            .map(|i| json!({ "id": s(w.objective.id), "content": format!("Writer {i}"), "expectedVersion": 1 }))
            .collect();
        let payloads = race(&app, &w.token, "updateObjective", inputs, "objective { content version }").await;
        one_winner(&payloads, "STALE");
        let winner = payloads.iter().find(|p| errors(p).is_empty()).unwrap();
        let data = app.data(&w.token, "query($id: ID!) { objective(id: $id) { content version } }", json!({ "id": s(w.objective.id) })).await;
        assert_eq!(data["objective"], winner["objective"], "the stored row is the winner's");
        assert_eq!(data["objective"]["version"], 2);
    }
}

backend_test! {
    async fn concurrent_scores_with_one_expected_version_have_one_winner(app) {
        let w = owner(&app).await;
        let key_result = f::key_result(&app.db, w.objective.id, 0, 0).await.unwrap();
        let inputs = (0..RACERS)
            .map(|i| json!({ "id": s(key_result.id), "midScore": format!("0.{}", i + 1), "expectedVersion": 1 }))
            .collect();
        let payloads = race(&app, &w.token, "scoreKeyResult", inputs, "keyResult { midScore version }").await;
        one_winner(&payloads, "STALE");
        let winner = payloads.iter().find(|p| errors(p).is_empty()).unwrap();
        let data = app.data(&w.token, "query($id: ID!) { keyResult(id: $id) { midScore version } }", json!({ "id": s(key_result.id) })).await;
        assert_eq!(data["keyResult"], winner["keyResult"], "the stored row is the winner's");
        assert_eq!(data["keyResult"]["version"], 2);
    }
}

backend_test! {
    async fn concurrent_links_closing_a_cycle_cannot_both_pass(app) {
        let w = owner(&app).await;
        for _ in 0..3 {
            let a = f::objective(&app.db, w.okr.id).await.unwrap();
            let b = f::objective(&app.db, w.okr.id).await.unwrap();
            let c = f::objective(&app.db, w.okr.id).await.unwrap();
            // a → b exists; b → c and c → a together would close a → b → c → a.
            f::link(&app.db, a.id, b.id, false).await.unwrap();
            let link = |x: i64, y: i64| json!({ "sourceObjectiveId": s(x), "linkedToObjectiveId": s(y) });
            let payloads = race(&app, &w.token, "linkObjectives", vec![link(b.id, c.id), link(c.id, a.id)], "objectiveLink { id }").await;
            one_winner(&payloads, "CYCLE");
        }
    }
}
