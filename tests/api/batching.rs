//! The number of SQL statements depends on the query's shape, never on the number of rows.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::factories as f;
use crate::helpers::{Backend, TestApp};

/// The OKR page (api.md "Batching"): an owner's OKRs with cycle, owner, reflection,
/// objectives, key results, assessment, and both link directions with their owners.
const OKR_PAGE: &str = "query($u: ID!) { okrs(where: {owner: {userId: $u}}, first: 500) { nodes {
  id cycle { id title active } owner { ... on User { id name } ... on Group { id name } }
  reflection { reflection }
  objectives(first: 500) { totalCount nodes { id content midScore finalScore cancelled
    keyResults(first: 500) { nodes { id content midScore finalScore } }
    assessment { assessment }
    contributesTo(first: 500) { nodes { id content owner { ... on User { name } ... on Group { name } } } }
    contributedBy(first: 500) { nodes { id content owner { ... on User { name } ... on Group { name } } } } } } } } }";

/// An owner with `n` OKRs (one per cycle), each with two objectives, key results, an
/// assessment, a reflection, and links to a group's objective and back.
async fn owner_with_okrs(app: &TestApp, n: usize) -> String {
    let db = &app.db;
    let owner = f::user(db).await;
    let group = f::group(db).await;
    let team_cycle = f::cycle(db, &owner.id).await;
    let team_okr = f::okr(db, team_cycle.id, None, Some(group.id), false)
        .await
        .unwrap();
    let team_objective = f::objective(db, team_okr.id).await.unwrap();
    for i in 0..n {
        let cycle = f::cycle_between(db, &owner.id, -(i as i64) - 10, 100)
            .await
            .unwrap();
        let okr = f::okr(db, cycle.id, Some(&owner.id), None, false)
            .await
            .unwrap();
        f::reflection(db, okr.id, false).await.unwrap();
        for _ in 0..2 {
            let objective = f::objective(db, okr.id).await.unwrap();
            f::key_result(db, objective.id, 500_000_000, 0)
                .await
                .unwrap();
            f::key_result(db, objective.id, 100_000_000, 0)
                .await
                .unwrap();
            f::assessment(db, objective.id, false).await.unwrap();
            f::link(db, objective.id, team_objective.id, false)
                .await
                .unwrap();
        }
        let first = f::objective(db, okr.id).await.unwrap();
        f::link(db, team_objective.id, first.id, false)
            .await
            .unwrap();
    }
    owner.id
}

async fn statements(app: &TestApp, owner: &str) -> (u64, usize) {
    let (status, body) = app
        .graphql(OKR_PAGE, json!({ "u": owner }), Some(&app.token_for(owner)))
        .await;
    assert!(status == 200 && body.get("errors").is_none(), "{body}");
    let okrs = body["data"]["okrs"]["nodes"].as_array().unwrap().len();
    (body["extensions"]["sqlStatements"].as_u64().unwrap(), okrs)
}

backend_test! {
    async fn the_okr_page_takes_as_many_statements_for_200_okrs_as_for_one(app) {
        let app = app.with_config(|c| c.expose_sql_statement_count = true).await;
        let one = owner_with_okrs(&app, 1).await;
        let many = owner_with_okrs(&app, 200).await;
        let (for_one, okrs_one) = statements(&app, &one).await;
        let (for_many, okrs_many) = statements(&app, &many).await;
        assert_eq!((okrs_one, okrs_many), (1, 200));
        assert_eq!(for_one, for_many, "statements for 1 OKR vs 200 OKRs");
        assert!(for_one <= 20, "{for_one} statements");
        eprintln!("OKR page: {for_one} SQL statements for 1 OKR and for 200 OKRs");
    }
}

/// Statements for `query` as the signed-in `user`, checking that it answered.
async fn statements_for(app: &TestApp, query: &str, user: &str) -> u64 {
    let (status, body) = app
        .graphql(query, json!({}), Some(&app.token_for(user)))
        .await;
    assert!(status == 200 && body.get("errors").is_none(), "{body}");
    body["extensions"]["sqlStatements"].as_u64().unwrap()
}

backend_test! {
    async fn objectives_owners_take_one_statement_whether_users_or_groups_own_them(app) {
        // Every request reads the signed-in user (none is kept between requests).
        let app = app
            .with_config(|c| {
                c.expose_sql_statement_count = true;
                c.signed_in_user_ttl_ms = 0;
            })
            .await;
        let db = &app.db;
        let user = f::user(db).await;
        let group = f::group(db).await;
        let cycle = f::cycle(db, &user.id).await;
        let mine = f::okr(db, cycle.id, Some(&user.id), None, false).await.unwrap();
        let theirs = f::okr(db, cycle.id, None, Some(group.id), false).await.unwrap();
        for okr in [&mine, &theirs] {
            f::objective(db, okr.id).await.unwrap();
        }
        let listed = statements_for(&app, "{ objectives(first: 500) { nodes { id } } }", &user.id).await;
        let owned = "{ objectives(first: 500) { nodes { id owner {
            ... on User { id name } ... on Group { id name } } } } }";
        // One statement for every objective's owner: each OKR with its user and its group.
        assert_eq!(statements_for(&app, owned, &user.id).await, listed + 1);
    }
}

backend_test! {
    async fn a_request_over_its_statement_budget_is_refused(app) {
        let app = app.with_config(|c| c.sql_statement_budget = 3).await;
        let owner = owner_with_okrs(&app, 1).await;
        let (_, body) = app.graphql(OKR_PAGE, json!({ "u": owner }), Some(&app.token_for(&owner))).await;
        assert!(body["errors"].as_array().unwrap().iter().any(|e| e["extensions"]["code"] == "QUERY_TOO_COMPLEX"), "{body}");
    }
}

backend_test! {
    async fn too_many_aliases_are_refused_before_execution(app) {
        let app = app.with_config(|c| c.query_alias_limit = 2).await;
        let (_, body) = app.graphql("{ a: __typename b: __typename c: __typename }", json!({}), None).await;
        assert_eq!(crate::helpers::error_code(&body), Some("QUERY_TOO_COMPLEX"));
    }
}

/// One text value from `sql` on `db`.
async fn text(db: &sea_orm::DatabaseConnection, sql: &str) -> Option<String> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()?;
    row.try_get_by_index(0).unwrap()
}

/// PostgreSQL only: SQLite has no plan modes, and its batches share the one pool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dataloader_batches_read_through_their_own_pool_with_generic_plans() {
    crate::helpers::run(Backend::Postgres, |app| async move {
        let owner = owner_with_okrs(&app, 2).await;
        let (status, body) = app
            .graphql(
                OKR_PAGE,
                json!({ "u": owner }),
                Some(&app.token_for(&owner)),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        // The page's batches ran on the batch pool's sessions (keys as one array parameter).
        let batch_statements = text(
            &app.db,
            "SELECT string_agg(query, ' ') FROM pg_stat_activity \
            WHERE datname = current_database() AND application_name = 'okrs batches'",
        )
        .await
        .unwrap();
        assert!(batch_statements.contains("= ANY($"), "{batch_statements}");
        assert_eq!(
            text(&app.db, "SHOW plan_cache_mode").await.as_deref(),
            Some("auto")
        );
        assert_eq!(
            text(&app.batch_db, "SHOW plan_cache_mode").await.as_deref(),
            Some("force_generic_plan")
        );
    })
    .await;
}

backend_test! {
    async fn scoring_a_key_result_takes_one_statement_after_the_user(app) {
        let app = app.with_config(|c| c.expose_sql_statement_count = true).await;
        let owner = f::user(&app.db).await;
        let cycle = f::cycle(&app.db, &owner.id).await;
        let okr = f::okr(&app.db, cycle.id, Some(&owner.id), None, false).await.unwrap();
        let objective = f::objective(&app.db, okr.id).await.unwrap();
        let key_result = f::key_result(&app.db, objective.id, 0, 0).await.unwrap();
        let token = app.token_for(&owner.id);
        let score = || app.graphql(
            "mutation($id: ID!) { scoreKeyResult(input: {id: $id, midScore: \"0.35\", finalScore: \"0.5\"}) { keyResult { midScore version } userErrors { code } } }",
            json!({ "id": key_result.id.to_string() }),
            Some(&token),
        );
        let (_, body) = score().await;
        assert_eq!(body["data"]["scoreKeyResult"]["keyResult"], json!({ "midScore": "0.35", "version": 2 }), "{body}");
        // The signed-in user; one UPDATE that checks the key result's liveness (its
        // objective's and OKR's too) and the write permission, and returns the row as stored.
        assert_eq!(body["extensions"]["sqlStatements"], 2, "{body}");
        // Scoring it again with the same scores changes nothing: the UPDATE matches no row
        // and the full path returns the key result as it is.
        let (_, body) = score().await;
        assert_eq!(body["data"]["scoreKeyResult"]["keyResult"], json!({ "midScore": "0.35", "version": 2 }), "{body}");
    }
}

backend_test! {
    /// A list field's arguments are checked once per field of the document and request, and
    /// shared by every parent: two aliases of one list with different arguments keep their
    /// own, for every parent.
    async fn aliases_of_one_list_keep_their_own_arguments_for_every_parent(app) {
        let owner = owner_with_okrs(&app, 3).await;
        let query = "query($u: ID!) { okrs(where: {owner: {userId: $u}}) { nodes {
            few: objectives(first: 1) { nodes { id } }
            all: objectives(first: 10) { nodes { id } }
            more: objectives(first: 10, orderBy: [{id: DESC}]) { nodes { id } } } } }";
        let token = app.token_for(&owner);
        let data = app.data(&token, query, json!({ "u": owner })).await;
        let okrs = data["okrs"]["nodes"].as_array().unwrap();
        assert_eq!(okrs.len(), 3, "{data}");
        for okr in okrs {
            let ids = |key: &str| -> Vec<String> {
                okr[key]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect()
            };
            let (few, all, mut more) = (ids("few"), ids("all"), ids("more"));
            assert!(all.len() > 1, "{data}");
            assert_eq!(few, all[..1], "{data}");
            more.reverse();
            assert_eq!(more, all, "{data}");
        }
    }
}
