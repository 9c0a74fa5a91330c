//! OKRs, links, assessments and reflections.

use serde_json::json;

use crate::factories as f;
use crate::mutations_common::{assert_errors, mutate, ok, owner, s};

const LINK: &str = "objectiveLink { id source { id } linkedTo { id } }";

backend_test! {
    async fn links_are_idempotent_and_refuse_self_links_and_cycles(app) {
        let w = owner(&app).await;
        let b = f::objective(&app.db, w.okr.id).await.unwrap();
        let c = f::objective(&app.db, w.okr.id).await.unwrap();
        let (a, b, c) = (s(w.objective.id), s(b.id), s(c.id));
        let link = |x: &str, y: &str| json!({ "sourceObjectiveId": x, "linkedToObjectiveId": y });
        let first = ok(&mutate(&app, &w.token, "linkObjectives", link(&a, &b), LINK).await, "objectiveLink");
        assert_eq!(first["linkedTo"]["id"], b.as_str());
        let again = ok(&mutate(&app, &w.token, "linkObjectives", link(&a, &b), LINK).await, "objectiveLink");
        assert_eq!(again["id"], first["id"], "linking a linked pair returns the link");
        ok(&mutate(&app, &w.token, "linkObjectives", link(&b, &c), LINK).await, "objectiveLink");
        let p = mutate(&app, &w.token, "linkObjectives", link(&c, &a), LINK).await;
        assert_errors(&p, "objectiveLink", &[("linkedToObjectiveId", "CYCLE")]);
        let p = mutate(&app, &w.token, "linkObjectives", link(&a, &a), LINK).await;
        assert_errors(&p, "objectiveLink", &[("linkedToObjectiveId", "INVALID")]);
        let p = mutate(&app, &w.token, "linkObjectives", link("0", "424242"), LINK).await;
        assert_errors(&p, "objectiveLink", &[("sourceObjectiveId", "NOT_FOUND"), ("linkedToObjectiveId", "NOT_FOUND")]);
        let p = mutate(&app, &w.token, "linkObjectives", link(&format!("0{a}"), "x"), LINK).await;
        assert_errors(&p, "objectiveLink", &[("sourceObjectiveId", "INVALID"), ("linkedToObjectiveId", "INVALID")]);
        ok(&mutate(&app, &w.token, "unlinkObjectives", link(&b, &c), LINK).await, "objectiveLink");
        let p = mutate(&app, &w.token, "unlinkObjectives", link(&b, &c), LINK).await;
        assert_errors(&p, "objectiveLink", &[("linkedToObjectiveId", "NOT_FOUND")]);
        // With b → c gone, c → a closes no cycle any more.
        ok(&mutate(&app, &w.token, "linkObjectives", link(&c, &a), LINK).await, "objectiveLink");
    }
}

backend_test! {
    async fn one_live_assessment_and_reflection_per_parent(app) {
        let w = owner(&app).await;
        let sel = "objectiveAssessment { id assessment version objective { id } }";
        let input = json!({ "objectiveId": s(w.objective.id), "assessment": "Good" });
        let created = ok(&mutate(&app, &w.token, "createObjectiveAssessment", input.clone(), sel).await, "objectiveAssessment");
        let p = mutate(&app, &w.token, "createObjectiveAssessment", input.clone(), sel).await;
        assert_errors(&p, "objectiveAssessment", &[("objectiveId", "ALREADY_EXISTS")]);
        let p = mutate(&app, &w.token, "createObjectiveAssessment", json!({ "objectiveId": "0", "assessment": "" }), sel).await;
        assert_errors(&p, "objectiveAssessment", &[("objectiveId", "NOT_FOUND"), ("assessment", "REQUIRED")]);
        let id = created["id"].as_str().unwrap();
        let p = mutate(&app, &w.token, "updateObjectiveAssessment", json!({ "id": id, "assessment": "x".repeat(10_001) }), sel).await;
        assert_errors(&p, "objectiveAssessment", &[("assessment", "TOO_LONG")]);
        let p = mutate(&app, &w.token, "updateObjectiveAssessment", json!({ "id": id, "assessment": "Better", "expectedVersion": 1 }), sel).await;
        assert_eq!(ok(&p, "objectiveAssessment")["version"], 2);
        ok(&mutate(&app, &w.token, "deleteObjectiveAssessment", json!({ "id": id }), sel).await, "objectiveAssessment");
        ok(&mutate(&app, &w.token, "createObjectiveAssessment", input, sel).await, "objectiveAssessment");

        let sel = "okrReflection { id reflection version okr { id } }";
        let input = json!({ "okrId": s(w.okr.id), "reflection": "Learned" });
        let created = ok(&mutate(&app, &w.token, "createOkrReflection", input.clone(), sel).await, "okrReflection");
        assert_eq!(created["okr"]["id"], s(w.okr.id));
        let p = mutate(&app, &w.token, "createOkrReflection", input, sel).await;
        assert_errors(&p, "okrReflection", &[("okrId", "ALREADY_EXISTS")]);
        let id = created["id"].as_str().unwrap();
        let p = mutate(&app, &w.token, "updateOkrReflection", json!({ "id": id, "reflection": "More", "expectedVersion": 7 }), sel).await;
        assert_errors(&p, "okrReflection", &[("expectedVersion", "STALE")]);
        let p = mutate(&app, &w.token, "updateOkrReflection", json!({ "id": id, "reflection": "More" }), sel).await;
        assert_eq!(ok(&p, "okrReflection")["reflection"], "More");
        ok(&mutate(&app, &w.token, "deleteOkrReflection", json!({ "id": id }), sel).await, "okrReflection");
        let p = mutate(&app, &w.token, "deleteOkrReflection", json!({ "id": id }), sel).await;
        assert_errors(&p, "okrReflection", &[("id", "NOT_FOUND")]);
    }
}

backend_test! {
    async fn create_okr_for_a_user_or_a_group_once_per_cycle(app) {
        let w = owner(&app).await;
        let sel = "okr { id owner { __typename } cycle { id } objectives { totalCount } }";
        let cycle = f::cycle(&app.db, &w.user.id).await;
        let input = json!({ "owner": { "userId": w.user.id }, "cycleId": s(cycle.id) });
        let created = ok(&mutate(&app, &w.token, "createOkr", input.clone(), sel).await, "okr");
        assert_eq!(created["owner"]["__typename"], "User");
        let p = mutate(&app, &w.token, "createOkr", input, sel).await;
        assert_errors(&p, "okr", &[("cycleId", "ALREADY_EXISTS")]);
        let p = mutate(&app, &w.token, "createOkr", json!({ "owner": { "userId": "nobody" }, "cycleId": "" }), sel).await;
        assert_errors(&p, "okr", &[("owner.userId", "INVALID"), ("cycleId", "REQUIRED")]);
        let nobody = uuid::Uuid::now_v7().to_string();
        let p = mutate(&app, &w.token, "createOkr", json!({ "owner": { "userId": nobody }, "cycleId": "0" }), sel).await;
        assert_errors(&p, "okr", &[("owner.userId", "NOT_FOUND"), ("cycleId", "NOT_FOUND")]);
        let p = mutate(&app, &w.token, "createOkr", json!({ "owner": { "groupId": "0" }, "cycleId": s(cycle.id) }), sel).await;
        assert_errors(&p, "okr", &[("owner.groupId", "NOT_FOUND")]);
        let group = f::group(&app.db).await;
        let p = mutate(&app, &w.token, "createOkr", json!({ "owner": { "groupId": s(group.id) }, "cycleId": s(cycle.id) }), sel).await;
        assert_errors(&p, "okr", &[("owner", "FORBIDDEN")]);
        f::membership(&app.db, group.id, &w.user.id, false).await.unwrap();
        let p = mutate(&app, &w.token, "createOkr", json!({ "owner": { "groupId": s(group.id) }, "cycleId": s(cycle.id) }), sel).await;
        assert_eq!(ok(&p, "okr")["owner"]["__typename"], "Group");
        let (_, body) = app.graphql("mutation { createOkr(input: { owner: { userId: \"a\", groupId: \"1\" }, cycleId: \"1\" }) { okr { id } } }", json!({}), Some(&w.token)).await;
        assert_eq!(crate::helpers::error_code(&body), Some("BAD_USER_INPUT"), "@oneOf: {body}");
    }
}
