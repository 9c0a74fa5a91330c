//! Objectives and key results: success paths, every user error, nested paths, versions.

use serde_json::json;

use crate::factories as f;
use crate::mutations_common::{assert_errors, mutate, ok, owner, s, send};

const OBJECTIVE: &str = "objective { id content version cancelled midScore finalScore keyResults { nodes { content midScore finalScore } } }";

backend_test! {
    async fn create_objective_with_key_results_in_one_transaction(app) {
        let w = owner(&app).await;
        let input = json!({ "okrId": s(w.okr.id), "content": " Grow ", "keyResults": [
            { "content": "A", "midScore": "0.5", "finalScore": "1" },
            { "content": "B", "midScore": "0.999" },
            { "content": "C" },
        ]});
        let payload = mutate(&app, &w.token, "createObjective", input, OBJECTIVE).await;
        let objective = ok(&payload, "objective");
        assert_eq!(objective["content"], " Grow ", "stored untrimmed");
        assert_eq!(objective["version"], 1);
        assert_eq!(objective["midScore"], "0.50");
        assert_eq!(objective["finalScore"], "0.33");
        let krs = objective["keyResults"]["nodes"].as_array().unwrap();
        assert_eq!(krs.len(), 3);
        assert_eq!(krs[1]["midScore"], "0.999");
        assert_eq!(krs[2]["finalScore"], "0");
    }
}

backend_test! {
    async fn create_objective_reports_every_error_with_indexed_paths_and_writes_nothing(app) {
        let w = owner(&app).await;
        let input = json!({ "okrId": "999999", "content": "", "keyResults": [
            { "content": "ok", "finalScore": null },
            { "content": "   " },
            { "content": "x".repeat(1001), "midScore": "1.5", "finalScore": "-0.000000001" },
            { "content": "ok", "midScore": "0.0000000001" },
        ]});
        let payload = mutate(&app, &w.token, "createObjective", input, "objective { id }").await;
        assert_errors(&payload, "objective", &[
            ("okrId", "NOT_FOUND"),
            ("content", "REQUIRED"),
            ("keyResults.0.finalScore", "INVALID"),
            ("keyResults.1.content", "REQUIRED"),
            ("keyResults.2.content", "TOO_LONG"),
            ("keyResults.2.midScore", "OUT_OF_RANGE"),
            ("keyResults.2.finalScore", "OUT_OF_RANGE"),
            ("keyResults.3.midScore", "INVALID"),
        ]);
        // A valid objective with one bad key result writes nothing either.
        let input = json!({ "okrId": s(w.okr.id), "content": "Fine", "keyResults": [{ "content": "" }] });
        let payload = mutate(&app, &w.token, "createObjective", input, "objective { id }").await;
        assert_errors(&payload, "objective", &[("keyResults.0.content", "REQUIRED")]);
        let query = "query($id: ID!) { okr(id: $id) { objectives { totalCount } } }";
        let data = app.data(&w.token, query, json!({ "id": s(w.okr.id) })).await;
        assert_eq!(data["okr"]["objectives"]["totalCount"], 1, "only the factory's objective");
    }
}

backend_test! {
    async fn update_objective_bumps_the_version_and_checks_it(app) {
        let w = owner(&app).await;
        let id = s(w.objective.id);
        let sel = "objective { content version updatedAt }";
        let p = mutate(&app, &w.token, "updateObjective", json!({ "id": id, "content": "New", "expectedVersion": 1 }), sel).await;
        let updated = ok(&p, "objective");
        assert_eq!((updated["content"].as_str(), updated["version"].as_i64()), (Some("New"), Some(2)));
        // Nothing changes: nothing is written.
        let p = mutate(&app, &w.token, "updateObjective", json!({ "id": id, "content": "New" }), sel).await;
        assert_eq!(ok(&p, "objective"), updated);
        let p = mutate(&app, &w.token, "updateObjective", json!({ "id": id, "content": "Old", "expectedVersion": 1 }), sel).await;
        assert_errors(&p, "objective", &[("expectedVersion", "STALE")]);
        let p = mutate(&app, &w.token, "updateObjective", json!({ "id": id, "content": "x".repeat(1001) }), sel).await;
        assert_errors(&p, "objective", &[("content", "TOO_LONG")]);
        let p = mutate(&app, &w.token, "updateObjective", json!({ "id": "424242", "content": "x" }), sel).await;
        assert_errors(&p, "objective", &[("id", "NOT_FOUND")]);
        for malformed in ["abc", "+1", " 1", "01"] {
            let p = mutate(&app, &w.token, "updateObjective", json!({ "id": malformed, "content": "x" }), sel).await;
            assert_errors(&p, "objective", &[("id", "INVALID")]);
        }
    }
}

backend_test! {
    async fn cancel_uncancel_and_delete_objective_with_its_cascade(app) {
        let w = owner(&app).await;
        let id = s(w.objective.id);
        let kr = f::key_result(&app.db, w.objective.id, 0, 0).await.unwrap();
        let other = f::objective(&app.db, w.okr.id).await.unwrap();
        let link = f::link(&app.db, other.id, w.objective.id, false).await.unwrap();
        let assessment = f::assessment(&app.db, w.objective.id, false).await.unwrap();
        let sel = "objective { cancelled version }";
        let p = mutate(&app, &w.token, "cancelObjective", json!({ "id": id }), sel).await;
        assert_eq!(ok(&p, "objective"), json!({ "cancelled": true, "version": 2 }));
        let p = mutate(&app, &w.token, "cancelObjective", json!({ "id": id }), sel).await;
        assert_eq!(ok(&p, "objective")["version"], 2, "already cancelled: nothing written");
        let p = mutate(&app, &w.token, "uncancelObjective", json!({ "id": id, "expectedVersion": 1 }), sel).await;
        assert_errors(&p, "objective", &[("expectedVersion", "STALE")]);
        let p = mutate(&app, &w.token, "uncancelObjective", json!({ "id": id, "expectedVersion": 2 }), sel).await;
        assert_eq!(ok(&p, "objective"), json!({ "cancelled": false, "version": 3 }));
        let p = mutate(&app, &w.token, "deleteObjective", json!({ "id": id }), "objective { id }").await;
        ok(&p, "objective");
        let p = mutate(&app, &w.token, "deleteObjective", json!({ "id": id }), "objective { id }").await;
        assert_errors(&p, "objective", &[("id", "NOT_FOUND")]);
        // The cascade: key result, link and assessment are deleted too.
        use entity::prelude::*;
        use sea_orm::EntityTrait;
        assert!(KeyResult::find_by_id(kr.id).one(&app.db).await.unwrap().unwrap().deleted_at.is_some());
        assert!(ObjectiveLink::find_by_id(link.id).one(&app.db).await.unwrap().unwrap().deleted_at.is_some());
        assert!(ObjectiveAssessment::find_by_id(assessment.id).one(&app.db).await.unwrap().unwrap().deleted_at.is_some());
        let data = app.data(&w.token, "query($id: ID!) { objective(id: $id) { id } }", json!({ "id": id })).await;
        assert!(data["objective"].is_null());
    }
}

const KEY_RESULT: &str = "keyResult { content midScore finalScore cancelled version }";

backend_test! {
    async fn key_results_are_created_scored_cancelled_and_deleted(app) {
        let w = owner(&app).await;
        let p = mutate(&app, &w.token, "createKeyResult", json!({ "objectiveId": s(w.objective.id), "content": "KR" }), "keyResult { id midScore finalScore version }").await;
        let kr = ok(&p, "keyResult");
        assert_eq!((kr["midScore"].as_str(), kr["finalScore"].as_str()), (Some("0"), Some("0")));
        let id = kr["id"].as_str().unwrap().to_owned();
        let p = mutate(&app, &w.token, "scoreKeyResult", json!({ "id": id, "midScore": "0.999", "expectedVersion": 1 }), KEY_RESULT).await;
        assert_eq!(ok(&p, "keyResult"), json!({ "content": "KR", "midScore": "0.999", "finalScore": "0", "cancelled": false, "version": 2 }));
        let p = mutate(&app, &w.token, "scoreKeyResult", json!({ "id": id, "midScore": null, "finalScore": "2" }), KEY_RESULT).await;
        assert_errors(&p, "keyResult", &[("midScore", "INVALID"), ("finalScore", "OUT_OF_RANGE")]);
        let p = mutate(&app, &w.token, "scoreKeyResult", json!({ "id": id, "finalScore": "1", "expectedVersion": 1 }), KEY_RESULT).await;
        assert_errors(&p, "keyResult", &[("expectedVersion", "STALE")]);
        let p = mutate(&app, &w.token, "updateKeyResult", json!({ "id": id, "content": " " }), KEY_RESULT).await;
        assert_errors(&p, "keyResult", &[("content", "REQUIRED")]);
        let p = mutate(&app, &w.token, "updateKeyResult", json!({ "id": id, "content": "KR2" }), KEY_RESULT).await;
        assert_eq!(ok(&p, "keyResult")["version"], 3);
        let p = mutate(&app, &w.token, "cancelKeyResult", json!({ "id": id }), KEY_RESULT).await;
        assert_eq!(ok(&p, "keyResult")["cancelled"], true);
        let p = mutate(&app, &w.token, "uncancelKeyResult", json!({ "id": id }), KEY_RESULT).await;
        assert_eq!(ok(&p, "keyResult")["cancelled"], false);
        let p = mutate(&app, &w.token, "deleteKeyResult", json!({ "id": id, "expectedVersion": 5 }), KEY_RESULT).await;
        ok(&p, "keyResult");
        let p = mutate(&app, &w.token, "deleteKeyResult", json!({ "id": id }), KEY_RESULT).await;
        assert_errors(&p, "keyResult", &[("id", "NOT_FOUND")]);
        let p = mutate(&app, &w.token, "createKeyResult", json!({ "objectiveId": "0", "content": "", "midScore": "-1" }), KEY_RESULT).await;
        assert_errors(&p, "keyResult", &[("objectiveId", "NOT_FOUND"), ("content", "REQUIRED"), ("midScore", "OUT_OF_RANGE")]);
    }
}

backend_test! {
    async fn inputs_with_unknown_fields_are_rejected_and_mutations_need_a_user(app) {
        let w = owner(&app).await;
        let input = json!({ "id": s(w.objective.id), "content": "x", "okrId": "1" });
        let (_, body) = send(&app, Some(&w.token), "updateObjective", input, "objective { id }").await;
        assert_eq!(crate::helpers::error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        let input = json!({ "id": s(w.objective.id), "content": "x" });
        let (_, body) = send(&app, None, "updateObjective", input, "objective { id }").await;
        assert_eq!(crate::helpers::error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
}

backend_test! {
    async fn a_mutation_past_the_statement_budget_still_completes_whole(app) {
        // Each key result is its own INSERT: 250 of them are past the default budget of 200.
        assert!(app.config.sql_statement_budget < 250);
        let w = owner(&app).await;
        let key_results: Vec<_> = (0..250).map(|i| json!({ "content": format!("KR {i}") })).collect();
        let input = json!({ "okrId": s(w.okr.id), "content": "Many", "keyResults": key_results });
        let selection = "objective { id keyResults(first: 500) { totalCount nodes { content } } }";
        let payload = mutate(&app, &w.token, "createObjective", input, selection).await;
        let objective = ok(&payload, "objective");
        assert_eq!(objective["keyResults"]["totalCount"], 250, "{payload}");
        assert_eq!(objective["keyResults"]["nodes"].as_array().unwrap().len(), 250);
        // A query is still held to the budget.
        let tight = app.with_config(|config| config.sql_statement_budget = 1).await;
        let query = "{ objectives { nodes { keyResults { totalCount } } } }";
        assert_eq!(tight.error(&w.token, query, json!({})).await, "QUERY_TOO_COMPLEX");
    }
}

backend_test! {
    /// Writes reach only what reads show: an objective whose OKR is deleted is hidden from
    /// every read, so writing to it, or to anything under it, is `NOT_FOUND` and changes nothing.
    async fn writes_under_a_deleted_okr_are_not_found(app) {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};
        let w = owner(&app).await;
        let kr = f::key_result(&app.db, w.objective.id, 0, 0).await.unwrap();
        // No mutation deletes an OKR; the seeded data and operators can.
        entity::okr::ActiveModel { id: Set(w.okr.id), deleted_at: Set(Some(chrono::Utc::now())), ..Default::default() }
            .update(&app.db).await.unwrap();
        let id = s(w.objective.id);
        let p = mutate(&app, &w.token, "updateObjective", json!({ "id": id, "content": "Changed" }), "objective { id }").await;
        assert_errors(&p, "objective", &[("id", "NOT_FOUND")]);
        let p = mutate(&app, &w.token, "createKeyResult", json!({ "objectiveId": id, "content": "KR" }), "keyResult { id }").await;
        assert_errors(&p, "keyResult", &[("objectiveId", "NOT_FOUND")]);
        let p = mutate(&app, &w.token, "scoreKeyResult", json!({ "id": s(kr.id), "midScore": "0.5" }), "keyResult { id }").await;
        assert_errors(&p, "keyResult", &[("id", "NOT_FOUND")]);
        let objective = entity::objective::Entity::find_by_id(w.objective.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(objective.content, w.objective.content, "nothing written");
        assert_eq!(entity::key_result::Entity::find().count(&app.db).await.unwrap(), 1);
        let kr_now = entity::key_result::Entity::find_by_id(kr.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!((kr_now.mid_score_ppb, kr_now.version), (kr.mid_score_ppb, kr.version));
        // Nor can a live objective link to it.
        let cycle = f::cycle(&app.db, &w.user.id).await;
        let live_okr = f::okr(&app.db, cycle.id, Some(&w.user.id), None, false).await.unwrap();
        let source = f::objective(&app.db, live_okr.id).await.unwrap();
        let link = json!({ "sourceObjectiveId": s(source.id), "linkedToObjectiveId": id });
        let p = mutate(&app, &w.token, "linkObjectives", link, "objectiveLink { id }").await;
        assert_errors(&p, "objectiveLink", &[("linkedToObjectiveId", "NOT_FOUND")]);
    }
}
