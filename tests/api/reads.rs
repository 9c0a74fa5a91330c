//! The read API: filters of every kind, relation filters, defaults, and what domain.md §4.5
//! says reads return (deleted rows never, cancelled rows yes, in the documented order).

use entity::SCORE_SCALE;
use serde_json::json;

use crate::factories as f;
use crate::helpers::{TestApp, ids};

const PPB_TENTH: i64 = SCORE_SCALE / 10;

/// An OKR with four objectives: A (scores 0.2 and 0.4), B (0.9, one cancelled key result of
/// 0.1, one deleted of 0.0), C (no key results, cancelled), D (deleted, with a key result).
struct World {
    token: String,
    okr: i64,
    a: i64,
    b: i64,
    c: i64,
    d: i64,
}

async fn world(app: &TestApp) -> World {
    let db = &app.db;
    let owner = f::user(db).await;
    let cycle = f::cycle(db, &owner.id).await;
    let okr = f::okr(db, cycle.id, Some(&owner.id), None, false)
        .await
        .unwrap();
    let a = f::objective(db, okr.id).await.unwrap();
    let b = f::objective(db, okr.id).await.unwrap();
    let c = f::objective(db, okr.id).await.unwrap();
    let d = f::objective(db, okr.id).await.unwrap();
    f::key_result(db, a.id, 2 * PPB_TENTH, 0).await.unwrap();
    f::key_result(db, a.id, 4 * PPB_TENTH, SCORE_SCALE)
        .await
        .unwrap();
    f::key_result(db, b.id, 9 * PPB_TENTH, 0).await.unwrap();
    let cancelled = f::key_result(db, b.id, PPB_TENTH, 0).await.unwrap();
    f::retire_key_result(db, &cancelled, true, false).await;
    let deleted = f::key_result(db, b.id, 0, 0).await.unwrap();
    f::retire_key_result(db, &deleted, false, true).await;
    f::key_result(db, d.id, SCORE_SCALE, 0).await.unwrap();
    f::cancel_objective(db, &c, chrono::Utc::now()).await;
    f::link(db, a.id, b.id, false).await.unwrap();
    f::link(db, a.id, d.id, false).await.unwrap();
    f::link(db, c.id, a.id, true).await.unwrap();
    f::delete_objective(db, &d).await;
    World {
        token: app.token_for(&owner.id),
        okr: okr.id,
        a: a.id,
        b: b.id,
        c: c.id,
        d: d.id,
    }
}

fn s(id: i64) -> String {
    id.to_string()
}

async fn objectives(app: &TestApp, w: &World, filter: serde_json::Value) -> Vec<String> {
    let query = "query($w: ObjectiveWhere) { objectives(where: $w) { nodes { id } } }";
    let scoped = json!({ "and": [filter, { "okr": { "id": { "eq": w.okr.to_string() } } }] });
    ids(&app.data(&w.token, query, json!({ "w": scoped })).await["objectives"])
}

backend_test! {
    async fn deleted_rows_never_appear_and_cancelled_rows_sort_last(app) {
        let w = world(&app).await;
        let query = "query($id: ID!) { okr(id: $id) { objectives { nodes { id cancelled midScore finalScore
            keyResults { nodes { midScore cancelled } } contributesTo { nodes { id } } contributedBy { nodes { id } } } } } }";
        let data = app.data(&w.token, query, json!({ "id": s(w.okr) })).await;
        let objectives = &data["okr"]["objectives"];
        assert_eq!(ids(objectives), vec![s(w.a), s(w.b), s(w.c)], "live by id, then cancelled; D is deleted");
        let nodes = objectives["nodes"].as_array().unwrap();
        assert_eq!(nodes[0]["midScore"], "0.30");
        assert_eq!(nodes[0]["finalScore"], "0.50");
        // The cancelled key result is shown but not scored; the deleted one is gone.
        assert_eq!(nodes[1]["midScore"], "0.90");
        assert_eq!(nodes[1]["keyResults"]["nodes"].as_array().unwrap().len(), 2);
        assert_eq!(nodes[2]["midScore"], "0.00");
        assert_eq!(nodes[2]["cancelled"], true);
        // A→D is hidden (D deleted); C→A is an unlinked (deleted) link.
        assert_eq!(ids(&nodes[0]["contributesTo"]), vec![s(w.b)]);
        assert_eq!(ids(&nodes[0]["contributedBy"]), Vec::<String>::new());
        assert_eq!(ids(&nodes[1]["contributedBy"]), vec![s(w.a)]);
        let gone = app.data(&w.token, "query($id: ID!) { objective(id: $id) { id } }", json!({ "id": s(w.d) })).await;
        assert!(gone["objective"].is_null());
        let links = app.data(&w.token, "{ objectiveLinks { nodes { id source { id } linkedTo { id } } } }", json!({})).await;
        assert_eq!(links["objectiveLinks"]["nodes"].as_array().unwrap().len(), 1, "only A→B is live between live objectives");
    }
}

backend_test! {
    async fn string_operators(app) {
        let w = world(&app).await;
        let db = &app.db;
        // Give A and B known texts.
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
        for (id, text) in [(w.a, "Ship 50% faster"), (w.b, "ship_it Now")] {
            let row = entity::objective::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
            let mut model: entity::objective::ActiveModel = row.into();
            model.content = Set(text.to_owned());
            model.update(db).await.unwrap();
        }
        let cases = [
            (json!({ "content": { "eq": "Ship 50% faster" } }), vec![s(w.a)]),
            (json!({ "content": { "eq": "ship 50% FASTER", "mode": "INSENSITIVE" } }), vec![s(w.a)]),
            (json!({ "content": { "ne": "Ship 50% faster" } }), vec![s(w.b), s(w.c)]),
            (json!({ "content": { "in": ["ship_it Now", "nope"] } }), vec![s(w.b)]),
            (json!({ "content": { "in": [] } }), vec![]),
            (json!({ "content": { "notIn": [] } }), vec![s(w.a), s(w.b), s(w.c)]),
            (json!({ "content": { "notIn": ["ship_it Now"] } }), vec![s(w.a), s(w.c)]),
            (json!({ "content": { "contains": "50%" } }), vec![s(w.a)]),
            (json!({ "content": { "contains": "0% f" } }), vec![s(w.a)]),
            (json!({ "content": { "contains": "p_i" } }), vec![s(w.b)]),
            (json!({ "content": { "contains": "SHIP", "mode": "INSENSITIVE" } }), vec![s(w.a), s(w.b)]),
            (json!({ "content": { "contains": "SHIP" } }), vec![]),
            (json!({ "content": { "startsWith": "ship" } }), vec![s(w.b)]),
            (json!({ "content": { "endsWith": "Now" } }), vec![s(w.b)]),
            (json!({ "content": { "like": "S%fast_r" } }), vec![s(w.a)]),
            (json!({ "content": { "like": "s%" } }), vec![s(w.b)]),
            (json!({ "content": { "lt": "T", "gte": "S" } }), vec![s(w.a)]),
            (json!({ "content": { "gt": "Ship" } }), vec![s(w.a), s(w.b)]),
            (json!({ "content": { "isNull": true } }), vec![]),
        ];
        for (filter, expected) in cases {
            assert_eq!(objectives(&app, &w, filter.clone()).await, expected, "{filter}");
        }
    }
}

backend_test! {
    async fn id_boolean_decimal_and_date_time_operators(app) {
        let w = world(&app).await;
        let cases = [
            (json!({ "id": { "eq": s(w.b) } }), vec![s(w.b)]),
            (json!({ "id": { "ne": s(w.b) } }), vec![s(w.a), s(w.c)]),
            (json!({ "id": { "in": [s(w.a), s(w.c), s(w.d)] } }), vec![s(w.a), s(w.c)]),
            (json!({ "id": { "notIn": [s(w.a)] } }), vec![s(w.b), s(w.c)]),
            (json!({ "cancelled": true }), vec![s(w.c)]),
            (json!({ "cancelled": false }), vec![s(w.a), s(w.b)]),
            (json!({ "cancelledAt": { "isNull": false } }), vec![s(w.c)]),
            (json!({ "cancelledAt": { "lt": "2999-01-01T00:00:00Z" } }), vec![s(w.c)]),
            (json!({ "cancelledAt": { "gt": "2999-01-01T00:00:00Z" } }), vec![]),
            (json!({ "insertedAt": { "gte": "2000-01-01T00:00:00+02:00" } }), vec![s(w.a), s(w.b), s(w.c)]),
            (json!({ "midScore": { "eq": "0.3" } }), vec![s(w.a)]),
            (json!({ "midScore": { "lt": 0.3 } }), vec![s(w.c)]),
            (json!({ "midScore": { "lte": "0.30" } }), vec![s(w.a), s(w.c)]),
            (json!({ "midScore": { "gt": 0.3 } }), vec![s(w.b)]),
            (json!({ "midScore": { "gte": "0.9", "lte": "0.9" } }), vec![s(w.b)]),
            (json!({ "midScore": { "ne": "0" } }), vec![s(w.a), s(w.b)]),
            (json!({ "midScore": { "in": ["0.9", "0"] } }), vec![s(w.b), s(w.c)]),
            (json!({ "finalScore": { "eq": "0.5" } }), vec![s(w.a)]),
        ];
        for (filter, expected) in cases {
            assert_eq!(objectives(&app, &w, filter.clone()).await, expected, "{filter}");
        }
        let krs = "query($w: KeyResultWhere) { keyResults(where: $w) { nodes { id midScore } } }";
        let data = app.data(&w.token, krs, json!({ "w": { "midScore": { "gte": "0.9" } } })).await;
        assert_eq!(data["keyResults"]["nodes"].as_array().unwrap().len(), 1, "D's key result is gone with D");
        let code = app.error(&w.token, krs, json!({ "w": { "midScore": { "lt": "0.0000000001" } } })).await;
        assert_eq!(code, "BAD_USER_INPUT", "more than nine decimals cannot be compared exactly");
        let code = app.error(&w.token, "{ objective(id: \"x\") { id } }", json!({})).await;
        assert_eq!(code, "BAD_USER_INPUT");
    }
}

backend_test! {
    async fn relation_filters_compose_under_or_and_not(app) {
        let w = world(&app).await;
        let cases = [
            (json!({ "keyResults": { "some": { "midScore": { "gt": 0.5 } } } }), vec![s(w.b)]),
            (json!({ "keyResults": { "every": { "midScore": { "lt": 0.5 } } } }), vec![s(w.a), s(w.c)]),
            (json!({ "keyResults": { "none": {} } }), vec![s(w.c)]),
            (json!({ "keyResults": { "some": { "cancelled": true } } }), vec![s(w.b)]),
            (json!({ "contributesTo": { "some": {} } }), vec![s(w.a)]),
            (json!({ "contributedBy": { "some": { "id": { "eq": s(w.a) } } } }), vec![s(w.b)]),
            // Two levels: objectives contributed to by an objective that has a key result above 0.3.
            (json!({ "contributedBy": { "some": { "keyResults": { "some": { "midScore": { "gt": 0.3 } } } } } }), vec![s(w.b)]),
            (json!({ "or": [{ "cancelled": true }, { "keyResults": { "some": { "midScore": { "eq": 0.2 } } } }] }), vec![s(w.a), s(w.c)]),
            (json!({ "not": { "keyResults": { "some": {} } } }), vec![s(w.c)]),
            (json!({ "and": [{ "cancelled": false }, { "not": { "contributesTo": { "some": {} } } }] }), vec![s(w.b)]),
            (json!({ "okr": { "cycle": { "active": true } } }), vec![s(w.a), s(w.b), s(w.c)]),
            (json!({ "okr": { "cycle": { "active": false } } }), vec![]),
        ];
        for (filter, expected) in cases {
            assert_eq!(objectives(&app, &w, filter.clone()).await, expected, "{filter}");
        }
    }
}

backend_test! {
    async fn list_defaults_apply_when_absent_and_null_removes_them(app) {
        let w = world(&app).await;
        let active = f::named_user(&app.db, Some("Ann"), Some("Zed")).await;
        let inactive = f::named_user(&app.db, Some("Bob"), Some("Zed")).await;
        f::set_active(&app.db, &inactive, false).await;
        let query = "query($w: UserWhere) { users(where: $w) { nodes { id } } }";
        let zed = json!({ "familyName": { "eq": "Zed" } });
        assert_eq!(ids(&app.data(&w.token, query, json!({ "w": zed })).await["users"]), vec![active.id.clone()]);
        let everyone = json!({ "familyName": { "eq": "Zed" }, "active": null });
        assert_eq!(ids(&app.data(&w.token, query, json!({ "w": everyone })).await["users"]).len(), 2);
        let inactive_only = json!({ "familyName": { "eq": "Zed" }, "active": false });
        assert_eq!(ids(&app.data(&w.token, query, json!({ "w": inactive_only })).await["users"]), vec![inactive.id.clone()]);
        let search = json!({ "search": "zE", "active": null });
        assert_eq!(ids(&app.data(&w.token, query, json!({ "w": search })).await["users"]).len(), 2);

        let lonely = f::group(&app.db).await;
        let team = f::group(&app.db).await;
        f::membership(&app.db, team.id, &active.id, false).await.unwrap();
        f::membership(&app.db, lonely.id, &inactive.id, false).await.unwrap();
        let groups = "query($w: GroupWhere) { groups(where: $w) { nodes { id } } }";
        let listed = ids(&app.data(&w.token, groups, json!({})).await["groups"]);
        assert_eq!(listed, vec![team.id.to_string()], "only groups with an active member by default");
        let all = ids(&app.data(&w.token, groups, json!({ "w": { "hasActiveMembers": null } })).await["groups"]);
        assert_eq!(all.len(), 2);
    }
}

backend_test! {
    async fn owner_and_cycle_shortcuts_and_analytics(app) {
        let w = world(&app).await;
        let owner_id = app.data(&w.token, "{ me { id } }", json!({})).await["me"]["id"].as_str().unwrap().to_owned();
        let query = "query($o: OwnerInput!) { okrs(where: {owner: $o}) { totalCount nodes { id owner { __typename } } } }";
        let data = app.data(&w.token, query, json!({ "o": { "userId": owner_id } })).await;
        assert_eq!(ids(&data["okrs"]), vec![s(w.okr)]);
        assert_eq!(data["okrs"]["totalCount"], 1);
        let code = app.error(&w.token, query, json!({ "o": { "userId": "a", "groupId": "1" } })).await;
        assert_eq!(code, "BAD_USER_INPUT", "an owner is exactly one of user and group");
        let cycles = app.data(&w.token, "{ cycles(where: {presentOrFuture: true}) { nodes { active } } }", json!({})).await;
        assert_eq!(cycles["cycles"]["nodes"][0]["active"], true);
        let stats = app.data(&w.token, "{ activeUserStats { usersWithActiveObjectivesCount totalActiveUserCount uniqueUserCount7Days } }", json!({})).await;
        assert_eq!(stats["activeUserStats"]["usersWithActiveObjectivesCount"], 1);
        assert_eq!(stats["activeUserStats"]["totalActiveUserCount"], 1);
        assert_eq!(stats["activeUserStats"]["uniqueUserCount7Days"], 0);
        f::event(&app.db, "okr_view", &owner_id, Some(("user", &owner_id))).await.unwrap();
        f::event(&app.db, "okr_view", &owner_id, Some(("user", &owner_id))).await.unwrap();
        f::event(&app.db, "okr_view", &owner_id, Some(("group", &owner_id))).await.unwrap();
        let views = app.data(&w.token, "query($o: OwnerInput!) { okrViewStats(owner: $o) { distinctOkrViews30Days totalOkrViews30Days } }", json!({ "o": { "userId": owner_id } })).await;
        assert_eq!(views["okrViewStats"], json!({ "distinctOkrViews30Days": 1, "totalOkrViews30Days": 2 }));
    }
}

backend_test! {
    async fn reads_need_a_signed_in_user(app) {
        let (_, body) = app.graphql("{ users { nodes { id } } }", json!({}), None).await;
        assert_eq!(crate::helpers::error_code(&body), Some("UNAUTHENTICATED"));
    }
}

backend_test! {
    async fn remaining_operators_of_boolean_date_time_and_decimal_filters(app) {
        let w = world(&app).await;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        let pinned = f::group(&app.db).await;
        let mut model: entity::group::ActiveModel = pinned.clone().into();
        model.pinned = Set(true);
        model.update(&app.db).await.unwrap();
        let plain = f::group(&app.db).await;
        let groups = "query($w: GroupWhere) { groups(where: $w) { nodes { id } } }";
        let all = json!({ "hasActiveMembers": null });
        for (filter, expected) in [
            (json!({ "pinned": { "eq": true } }), vec![pinned.id.to_string()]),
            (json!({ "pinned": { "ne": true } }), vec![plain.id.to_string()]),
            (json!({ "pinned": { "isNull": true } }), vec![]),
        ] {
            let mut filter = filter;
            filter["hasActiveMembers"] = all["hasActiveMembers"].clone();
            assert_eq!(ids(&app.data(&w.token, groups, json!({ "w": filter.clone() })).await["groups"]), expected, "{filter}");
        }
        // Date-time equality and sets, with instants written in another offset.
        let cycles = "query($w: CycleWhere) { cycles(where: $w) { nodes { id startsAt } } }";
        let listed = app.data(&w.token, cycles, json!({})).await;
        let cycle = &listed["cycles"]["nodes"][0];
        let starts = chrono::DateTime::parse_from_rfc3339(cycle["startsAt"].as_str().unwrap()).unwrap();
        let shifted = starts.with_timezone(&chrono::FixedOffset::east_opt(3600).unwrap()).to_rfc3339();
        let id = cycle["id"].as_str().unwrap().to_owned();
        for (filter, expected) in [
            (json!({ "startsAt": { "eq": shifted } }), vec![id.clone()]),
            (json!({ "startsAt": { "ne": shifted } }), vec![]),
            (json!({ "startsAt": { "in": [shifted, "2000-01-01T00:00:00Z"] } }), vec![id.clone()]),
            (json!({ "startsAt": { "notIn": [shifted] } }), vec![]),
            (json!({ "startsAt": { "lte": shifted, "gte": shifted } }), vec![id.clone()]),
        ] {
            assert_eq!(ids(&app.data(&w.token, cycles, json!({ "w": filter.clone() })).await["cycles"]), expected, "{filter}");
        }
        for (filter, expected) in [
            (json!({ "midScore": { "notIn": ["0.3", "0.9"] } }), vec![s(w.c)]),
            (json!({ "midScore": { "isNull": false } }), vec![s(w.a), s(w.b), s(w.c)]),
            (json!({ "id": { "isNull": true } }), vec![]),
        ] {
            assert_eq!(objectives(&app, &w, filter.clone()).await, expected, "{filter}");
        }
    }
}

backend_test! {
    async fn objective_scores_round_half_up_over_uncancelled_key_results(app) {
        let owner = f::user(&app.db).await;
        let cycle = f::cycle(&app.db, &owner.id).await;
        let okr = f::okr(&app.db, cycle.id, Some(&owner.id), None, false).await.unwrap();
        let objective = f::objective(&app.db, okr.id).await.unwrap();
        // (0.125 + 0.130) / 2 = 0.1275 → 0.13; the cancelled 0.9 does not count.
        f::key_result(&app.db, objective.id, 125_000_000, 0).await.unwrap();
        f::key_result(&app.db, objective.id, 130_000_000, 0).await.unwrap();
        let cancelled = f::key_result(&app.db, objective.id, 900_000_000, 0).await.unwrap();
        f::retire_key_result(&app.db, &cancelled, true, false).await;
        let query = "query($id: ID!) { objective(id: $id) { midScore finalScore } }";
        let data = app.data(&app.token_for(&owner.id), query, json!({ "id": s(objective.id) })).await;
        assert_eq!(data["objective"], json!({ "midScore": "0.13", "finalScore": "0.00" }));
    }
}

backend_test! {
    async fn an_okr_shows_its_live_reflection_and_assessment_never_a_deleted_one(app) {
        let db = &app.db;
        let user = f::user(db).await;
        let query = "query($id: ID!) { okr(id: $id) { reflection { id }
            objectives { nodes { id assessment { id } } } } }";
        let token = app.token_for(&user.id);
        // Deleted rows first (lower ids), then the live ones, on one OKR; only deleted ones
        // on another.
        let mut cases = vec![];
        for with_live in [true, false] {
            let cycle = f::cycle(db, &user.id).await;
            let okr = f::okr(db, cycle.id, Some(&user.id), None, false).await.unwrap();
            let objective = f::objective(db, okr.id).await.unwrap();
            f::reflection(db, okr.id, true).await.unwrap();
            f::assessment(db, objective.id, true).await.unwrap();
            let shown = if with_live {
                let reflection = f::reflection(db, okr.id, false).await.unwrap();
                let assessment = f::assessment(db, objective.id, false).await.unwrap();
                (json!({ "id": reflection.id.to_string() }), json!({ "id": assessment.id.to_string() }))
            } else {
                (json!(null), json!(null))
            };
            let expected = json!({ "reflection": shown.0, "objectives": { "nodes": [
                { "id": objective.id.to_string(), "assessment": shown.1 } ] } });
            cases.push((okr.id, expected));
        }
        for (okr, expected) in cases {
            let (status, body) = app.graphql(query, json!({ "id": okr.to_string() }), Some(&token)).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["data"]["okr"], expected, "{body}");
        }
    }
}
