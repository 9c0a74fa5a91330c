//! The authorization matrix of decisions.md 6: for every kind of write, the owner, a member
//! of the owning group, an admin, another user, an inactive user and no token each get what
//! the rule says, and a refused write changes nothing.

use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::{TestApp, error_code};
use crate::mutations_common::{errors, s, send};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Allowed,
    Forbidden,
    Unauthenticated,
}

/// The OKR-scoped writes, as (mutation, input, entity field) for an objective `o` of OKR
/// `okr`, a second objective `t` of the same OKR, and a key result `kr` of `o`.
fn okr_writes(
    okr: i64,
    o: i64,
    t: i64,
    kr: i64,
    tag: &str,
) -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "createObjective",
            json!({ "okrId": s(okr), "content": tag }),
            "objective { id }",
        ),
        (
            "updateObjective",
            json!({ "id": s(o), "content": tag }),
            "objective { id }",
        ),
        (
            "createKeyResult",
            json!({ "objectiveId": s(o), "content": tag }),
            "keyResult { id }",
        ),
        (
            "scoreKeyResult",
            json!({ "id": s(kr), "midScore": "0.25", "finalScore": "0.75" }),
            "keyResult { id }",
        ),
        (
            "updateKeyResult",
            json!({ "id": s(kr), "content": tag }),
            "keyResult { id }",
        ),
        (
            "createObjectiveAssessment",
            json!({ "objectiveId": s(o), "assessment": tag }),
            "objectiveAssessment { id }",
        ),
        (
            "linkObjectives",
            json!({ "sourceObjectiveId": s(o), "linkedToObjectiveId": s(t) }),
            "objectiveLink { id }",
        ),
        (
            "createOkrReflection",
            json!({ "okrId": s(okr), "reflection": tag }),
            "okrReflection { id }",
        ),
        ("cancelObjective", json!({ "id": s(o) }), "objective { id }"),
        ("deleteObjective", json!({ "id": s(o) }), "objective { id }"),
    ]
}

const SNAPSHOT: &str = "query($id: ID!) { okr(id: $id) { version reflection { id reflection } objectives { nodes {
    id content version cancelled assessment { id } keyResults { nodes { id content midScore finalScore version } } contributesTo { nodes { id } } } } } }";

async fn snapshot(app: &TestApp, token: &str, okr: i64) -> Value {
    app.data(token, SNAPSHOT, json!({ "id": s(okr) })).await
}

async fn check(
    app: &TestApp,
    token: Option<&str>,
    expected: Outcome,
    field: &str,
    input: Value,
    sel: &str,
) {
    let (status, body) = send(app, token, field, input, sel).await;
    assert_eq!(status, 200, "{body}");
    match expected {
        Outcome::Unauthenticated => assert_eq!(
            error_code(&body),
            Some("UNAUTHENTICATED"),
            "{field}: {body}"
        ),
        Outcome::Allowed => assert_eq!(errors(&body["data"][field]), vec![], "{field}: {body}"),
        Outcome::Forbidden => {
            let found = errors(&body["data"][field]);
            assert!(
                !found.is_empty() && found.iter().all(|(_, code)| code == "FORBIDDEN"),
                "{field}: {body}"
            );
        }
    }
}

backend_test! {
    async fn okr_writes_follow_ownership_and_admin_rights(app) {
        let db = &app.db;
        let owner = f::user(db).await;
        let member = f::user(db).await;
        let admin = f::user_with_roles(db, &[&app.config.admin_role]).await;
        let other = f::user(db).await;
        let inactive = f::user(db).await;
        f::set_active(db, &inactive, false).await;
        let group = f::group(db).await;
        f::membership(db, group.id, &member.id, false).await.unwrap();
        // A former member has no rights.
        f::membership(db, group.id, &other.id, true).await.unwrap();
        let cycle = f::cycle(db, &admin.id).await;
        let user_okr = f::okr(db, cycle.id, Some(&owner.id), None, false).await.unwrap();
        let group_okr = f::okr(db, cycle.id, None, Some(group.id), false).await.unwrap();
        let admin_token = app.token_for(&admin.id);
        let tokens = [
            ("owner", Some(app.token_for(&owner.id))),
            ("member", Some(app.token_for(&member.id))),
            ("admin", Some(admin_token.clone())),
            ("other", Some(app.token_for(&other.id))),
            ("inactive", Some(app.token_for(&inactive.id))),
            ("anonymous", None),
        ];
        for okr in [&user_okr, &group_okr] {
            for (who, token) in &tokens {
                let expected = match *who {
                    "admin" => Outcome::Allowed,
                    "owner" if okr.user_id.is_some() => Outcome::Allowed,
                    "member" if okr.group_id.is_some() => Outcome::Allowed,
                    "inactive" | "anonymous" => Outcome::Unauthenticated,
                    _ => Outcome::Forbidden,
                };
                let o = f::objective(db, okr.id).await.unwrap();
                let t = f::objective(db, okr.id).await.unwrap();
                let kr = f::key_result(db, o.id, 0, 0).await.unwrap();
                let before = snapshot(&app, &admin_token, okr.id).await;
                for (field, input, sel) in okr_writes(okr.id, o.id, t.id, kr.id, who) {
                    check(&app, token.as_deref(), expected, field, input, sel).await;
                }
                let after = snapshot(&app, &admin_token, okr.id).await;
                if expected == Outcome::Allowed {
                    assert_ne!(before, after, "{who} changed the OKR");
                    // Make room for the next actor's reflection.
                    let id = after["okr"]["reflection"]["id"].as_str().unwrap();
                    check(&app, token.as_deref(), expected, "deleteOkrReflection", json!({ "id": id }), "okrReflection { id }").await;
                } else {
                    assert_eq!(before, after, "a refused write by {who} changed nothing");
                }
            }
        }
    }
}

backend_test! {
    async fn cycles_groups_and_memberships_are_for_admins_only(app) {
        let db = &app.db;
        let owner = f::user(db).await;
        let admin = f::user_with_roles(db, &[&app.config.admin_role]).await;
        let inactive = f::user_with_roles(db, &[&app.config.admin_role]).await;
        f::set_active(db, &inactive, false).await;
        let group = f::group(db).await;
        let cycle = f::cycle(db, &admin.id).await;
        let admin_token = app.token_for(&admin.id);
        let tokens = [
            (Outcome::Allowed, Some(admin_token.clone())),
            (Outcome::Forbidden, Some(app.token_for(&owner.id))),
            (Outcome::Unauthenticated, Some(app.token_for(&inactive.id))),
            (Outcome::Unauthenticated, None),
        ];
        let state = "query($g: ID!, $c: ID!) { group(id: $g) { name pinned version members { nodes { id } } } cycle(id: $c) { title version } groups(where: { hasActiveMembers: null }) { totalCount } cycles { totalCount } }";
        let vars = json!({ "g": s(group.id), "c": s(cycle.id) });
        for (expected, token) in tokens {
            let before = app.data(&admin_token, state, vars.clone()).await;
            let writes = [
                ("createCycle", json!({ "title": "Q", "startsAt": "2027-01-01T00:00:00Z", "endsAt": "2027-02-01T00:00:00Z" }), "cycle { id }"),
                ("updateCycle", json!({ "id": s(cycle.id), "title": format!("{expected:?}") }), "cycle { id }"),
                ("createGroup", json!({ "name": "G" }), "group { id }"),
                ("updateGroup", json!({ "id": s(group.id), "pinned": expected == Outcome::Allowed }), "group { id }"),
                ("addGroupMember", json!({ "groupId": s(group.id), "userId": owner.id }), "group { id }"),
            ];
            for (field, input, sel) in writes {
                check(&app, token.as_deref(), expected, field, input, sel).await;
            }
            let after = app.data(&admin_token, state, vars.clone()).await;
            assert_eq!(before == after, expected != Outcome::Allowed, "{expected:?}: {before} → {after}");
        }
    }
}
