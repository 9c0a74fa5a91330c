//! Admin-only mutations (cycles, groups, memberships) and the analytics recorders.

use serde_json::json;

use crate::factories as f;
use crate::mutations_common::{assert_errors, mutate, ok, s};

backend_test! {
    async fn admins_create_and_edit_cycles(app) {
        let admin = f::user_with_roles(&app.db, &[&app.config.admin_role]).await;
        let token = app.token_for(&admin.id);
        let user = f::user(&app.db).await;
        let sel = "cycle { id title startsAt endsAt version createdBy { id } }";
        let input = json!({ "title": "Q1", "startsAt": "2027-01-01T00:00:00Z", "endsAt": "2027-03-31T00:00:00Z" });
        let p = mutate(&app, &app.token_for(&user.id), "createCycle", input.clone(), sel).await;
        assert_errors(&p, "cycle", &[("title", "FORBIDDEN")]);
        let cycle = ok(&mutate(&app, &token, "createCycle", input, sel).await, "cycle");
        assert_eq!(cycle["createdBy"]["id"], admin.id.as_str());
        let bad = json!({ "title": " ", "startsAt": "2027-01-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z" });
        let p = mutate(&app, &token, "createCycle", bad, sel).await;
        assert_errors(&p, "cycle", &[("title", "REQUIRED"), ("endsAt", "INVALID")]);
        let id = cycle["id"].as_str().unwrap();
        let p = mutate(&app, &token, "updateCycle", json!({ "id": id, "endsAt": "2026-12-01T00:00:00Z" }), sel).await;
        assert_errors(&p, "cycle", &[("endsAt", "INVALID")]);
        let p = mutate(&app, &token, "updateCycle", json!({ "id": id, "title": "Q1 2027", "expectedVersion": 1 }), sel).await;
        let updated = ok(&p, "cycle");
        assert_eq!((updated["title"].as_str(), updated["version"].as_i64()), (Some("Q1 2027"), Some(2)));
        let p = mutate(&app, &token, "updateCycle", json!({ "id": id, "title": "x".repeat(201) }), sel).await;
        assert_errors(&p, "cycle", &[("title", "TOO_LONG")]);
        let p = mutate(&app, &token, "updateCycle", json!({ "id": "0" }), sel).await;
        assert_errors(&p, "cycle", &[("id", "NOT_FOUND")]);
    }
}

backend_test! {
    async fn admins_manage_groups_and_members(app) {
        let admin = f::user_with_roles(&app.db, &[&app.config.admin_role]).await;
        let token = app.token_for(&admin.id);
        let member = f::user(&app.db).await;
        let sel = "group { id name slug pinned version members { nodes { id } } }";
        let group = ok(&mutate(&app, &token, "createGroup", json!({ "name": "Team Rocket!" }), sel).await, "group");
        assert_eq!((group["slug"].as_str(), group["pinned"].as_bool()), (Some("team-rocket"), Some(false)));
        let p = mutate(&app, &token, "createGroup", json!({ "name": "" }), sel).await;
        assert_errors(&p, "group", &[("name", "REQUIRED")]);
        let id = group["id"].as_str().unwrap();
        let p = mutate(&app, &token, "updateGroup", json!({ "id": id, "name": "Blue", "pinned": true }), sel).await;
        let renamed = ok(&p, "group");
        assert_eq!((renamed["slug"].as_str(), renamed["pinned"].as_bool()), (Some("team-rocket"), Some(true)), "slug kept");
        let p = mutate(&app, &token, "updateGroup", json!({ "id": id, "regenerateSlug": true, "expectedVersion": 2 }), sel).await;
        assert_eq!(ok(&p, "group")["slug"], "blue");
        let p = mutate(&app, &token, "updateGroup", json!({ "id": id, "pinned": false, "expectedVersion": 2 }), sel).await;
        assert_errors(&p, "group", &[("expectedVersion", "STALE")]);
        let pair = json!({ "groupId": id, "userId": member.id });
        let p = ok(&mutate(&app, &token, "addGroupMember", pair.clone(), sel).await, "group");
        assert_eq!(p["members"]["nodes"][0]["id"], member.id.as_str());
        let p = ok(&mutate(&app, &token, "addGroupMember", pair.clone(), sel).await, "group");
        assert_eq!(p["members"]["nodes"].as_array().unwrap().len(), 1, "idempotent");
        let nobody = uuid::Uuid::now_v7().to_string();
        let p = mutate(&app, &token, "addGroupMember", json!({ "groupId": "0", "userId": nobody }), sel).await;
        assert_errors(&p, "group", &[("groupId", "NOT_FOUND"), ("userId", "NOT_FOUND")]);
        // Ids in any other spelling are refused, never looked up (decisions.md 23).
        let p = mutate(&app, &token, "addGroupMember", json!({ "groupId": "+0", "userId": member.id.to_uppercase() }), sel).await;
        assert_errors(&p, "group", &[("groupId", "INVALID"), ("userId", "INVALID")]);
        let p = ok(&mutate(&app, &token, "removeGroupMember", pair.clone(), sel).await, "group");
        assert_eq!(p["members"]["nodes"], json!([]));
        let p = mutate(&app, &token, "removeGroupMember", pair.clone(), sel).await;
        assert_errors(&p, "group", &[("userId", "NOT_FOUND")]);
        let p = mutate(&app, &app.token_for(&member.id), "addGroupMember", pair, sel).await;
        assert_errors(&p, "group", &[("groupId", "FORBIDDEN")]);
    }
}

backend_test! {
    async fn app_loads_and_okr_views_are_recorded(app) {
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        let data = app.data(&token, "mutation { recordAppLoad { recorded userErrors { code } } }", json!({})).await;
        assert_eq!(data["recordAppLoad"], json!({ "recorded": true, "userErrors": [] }));
        let stats = app.data(&token, "{ activeUserStats { uniqueUserCount7Days } }", json!({})).await;
        assert_eq!(stats["activeUserStats"]["uniqueUserCount7Days"], 1);
        let query = "mutation($o: OwnerInput!) { recordOkrView(owner: $o) { recorded userErrors { path code } } }";
        let data = app.data(&token, query, json!({ "o": { "userId": user.id } })).await;
        assert_eq!(data["recordOkrView"]["recorded"], true);
        let data = app.data(&token, query, json!({ "o": { "groupId": "0" } })).await;
        assert_eq!(data["recordOkrView"], json!({ "recorded": false, "userErrors": [{ "path": ["owner", "groupId"], "code": "NOT_FOUND" }] }));
        let views = app.data(&token, "query($o: OwnerInput!) { okrViewStats(owner: $o) { totalOkrViews30Days } }", json!({ "o": { "userId": user.id } })).await;
        assert_eq!(views["okrViewStats"]["totalOkrViews30Days"], 1);
        let _ = s(0);
    }
}

backend_test! {
    async fn instants_read_back_to_the_microsecond_on_both_sides_of_the_year_2000(app) {
        // PostgreSQL stores microseconds from 2000-01-01; the row reader converts them itself.
        let admin = f::user_with_roles(&app.db, &[&app.config.admin_role]).await;
        let token = app.token_for(&admin.id);
        let input = json!({ "title": "Span", "startsAt": "1999-12-31T23:59:59.999999Z", "endsAt": "2027-01-01T12:34:56.789012+02:00" });
        let cycle = ok(&mutate(&app, &token, "createCycle", input, "cycle { id }").await, "cycle");
        let query = "query($id: ID!) { cycle(id: $id) { startsAt endsAt } }";
        let data = app.data(&token, query, json!({ "id": cycle["id"] })).await;
        assert_eq!(data["cycle"]["startsAt"], "1999-12-31T23:59:59.999999Z");
        assert_eq!(data["cycle"]["endsAt"], "2027-01-01T10:34:56.789012Z");
    }
}
