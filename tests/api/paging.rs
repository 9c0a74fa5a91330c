//! Sorting (fields, nulls, to-one relations, to-many counts) and paging (keyset cursors both
//! ways across ties, offset, totalCount, limits).

use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::{TestApp, ids};

/// Nine users: given names with ties and nulls.
async fn people(app: &TestApp) -> (String, Vec<String>) {
    let givens = [
        Some("Cy"),
        None,
        Some("Al"),
        Some("Cy"),
        None,
        Some("Bo"),
        Some("Al"),
        Some("Cy"),
        Some("Di"),
    ];
    let mut ids = Vec::new();
    for given in givens {
        ids.push(f::named_user(&app.db, given, Some("Pager")).await.id);
    }
    (app.token_for(&ids[0]), ids)
}

const USERS: &str = "query($o: [UserOrderBy!], $first: Int, $after: String, $last: Int, $before: String, $offset: Int) {
  users(where: {familyName: {eq: \"Pager\"}}, orderBy: $o, first: $first, after: $after, last: $last, before: $before, offset: $offset) {
    totalCount nodes { id givenName } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

async fn page(app: &TestApp, token: &str, vars: Value) -> Value {
    app.data(token, USERS, vars).await["users"].clone()
}

/// The ids of `all` in the order of (given name per `key`, then id).
fn expected(
    all: &[String],
    givens: &[Option<&str>],
    nulls_first: bool,
    descending: bool,
) -> Vec<String> {
    let mut rows: Vec<(Option<&str>, &String)> = givens.iter().copied().zip(all).collect();
    rows.sort_by(|(a, ida), (b, idb)| {
        let by_name = match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => {
                if nulls_first {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                }
            }
            (Some(_), None) => {
                if nulls_first {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Less
                }
            }
            (Some(a), Some(b)) => {
                if descending {
                    b.cmp(a)
                } else {
                    a.cmp(b)
                }
            }
        };
        by_name.then(ida.cmp(idb))
    });
    rows.into_iter().map(|(_, id)| id.clone()).collect()
}

const GIVENS: [Option<&str>; 9] = [
    Some("Cy"),
    None,
    Some("Al"),
    Some("Cy"),
    None,
    Some("Bo"),
    Some("Al"),
    Some("Cy"),
    Some("Di"),
];

backend_test! {
    async fn every_sort_order_places_nulls_as_named_and_breaks_ties_by_id(app) {
        let (token, all) = people(&app).await;
        for (order, nulls_first, descending) in [
            ("ASC", false, false), ("DESC", false, true), ("ASC_NULLS_FIRST", true, false),
            ("ASC_NULLS_LAST", false, false), ("DESC_NULLS_FIRST", true, true), ("DESC_NULLS_LAST", false, true),
        ] {
            let got = ids(&page(&app, &token, json!({ "o": [{ "givenName": order }] })).await);
            assert_eq!(got, expected(&all, &GIVENS, nulls_first, descending), "{order}");
        }
    }
}

backend_test! {
    async fn cursors_walk_forwards_and_backwards_across_ties(app) {
        let (token, all) = people(&app).await;
        let order = json!([{ "givenName": "DESC_NULLS_FIRST" }]);
        let full = expected(&all, &GIVENS, true, true);
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let p = page(&app, &token, json!({ "o": order, "first": 2, "after": after })).await;
            assert_eq!(p["totalCount"], 9);
            seen.extend(ids(&p));
            assert_eq!(p["pageInfo"]["hasPreviousPage"], !after.is_null());
            if p["pageInfo"]["hasNextPage"] == false { break; }
            after = p["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen, full);
        let mut back = Vec::new();
        let mut before = Value::Null;
        loop {
            let p = page(&app, &token, json!({ "o": order, "last": 4, "before": before })).await;
            let mut chunk = ids(&p);
            chunk.extend(back);
            back = chunk;
            if p["pageInfo"]["hasPreviousPage"] == false { break; }
            before = p["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(back, full);
    }
}

backend_test! {
    async fn offset_total_count_and_page_limits(app) {
        let (token, all) = people(&app).await;
        let full = expected(&all, &GIVENS, false, false);
        let p = page(&app, &token, json!({ "o": [{ "givenName": "ASC" }], "first": 3, "offset": 3 })).await;
        assert_eq!(ids(&p), full[3..6].to_vec());
        assert_eq!(p["pageInfo"]["hasPreviousPage"], true);
        assert_eq!(p["pageInfo"]["hasNextPage"], true);
        let p = page(&app, &token, json!({ "first": 500 })).await;
        assert_eq!(ids(&p).len(), 9);
        for bad in [json!({ "first": 501 }), json!({ "first": -1 }), json!({ "last": 2, "offset": 1 }),
                    json!({ "after": "not-a-cursor" }), json!({ "first": 1, "last": 1 })] {
            assert_eq!(app.error(&token, USERS, bad.clone()).await, "BAD_USER_INPUT", "{bad}");
        }
        // A cursor from one order is refused by another.
        let p = page(&app, &token, json!({ "o": [{ "givenName": "ASC" }], "first": 1 })).await;
        let cursor = p["pageInfo"]["endCursor"].clone();
        let code = app.error(&token, USERS, json!({ "o": [{ "id": "ASC" }], "after": cursor })).await;
        assert_eq!(code, "BAD_USER_INPUT");
    }
}

backend_test! {
    async fn sort_by_relation_fields_and_counts(app) {
        let owner = f::user(&app.db).await;
        let token = app.token_for(&owner.id);
        let late = f::cycle_between(&app.db, &owner.id, -5, 90).await.unwrap();
        let early = f::cycle_between(&app.db, &owner.id, -50, -10).await.unwrap();
        let okr_late = f::okr(&app.db, late.id, Some(&owner.id), None, false).await.unwrap();
        let okr_early = f::okr(&app.db, early.id, Some(&owner.id), None, false).await.unwrap();
        let x = f::objective(&app.db, okr_early.id).await.unwrap();
        let y = f::objective(&app.db, okr_late.id).await.unwrap();
        let z = f::objective(&app.db, okr_late.id).await.unwrap();
        for objective in [&z, &z, &x] {
            f::key_result(&app.db, objective.id, 0, 0).await.unwrap();
        }
        let query = "query($o: [ObjectiveOrderBy!]) { objectives(orderBy: $o) { nodes { id } } }";
        let s = |id: i64| id.to_string();
        let by_cycle = json!([{ "okr": { "cycle": { "endsAt": "DESC" } } }]);
        assert_eq!(ids(&app.data(&token, query, json!({ "o": by_cycle })).await["objectives"]), vec![s(y.id), s(z.id), s(x.id)]);
        let by_count = json!([{ "keyResultsCount": "DESC" }, { "id": "DESC" }]);
        assert_eq!(ids(&app.data(&token, query, json!({ "o": by_count })).await["objectives"]), vec![s(z.id), s(x.id), s(y.id)]);
        // Default OKR order: latest cycle end first.
        let okrs = app.data(&token, "{ okrs { nodes { id } } }", json!({})).await;
        assert_eq!(ids(&okrs["okrs"]), vec![s(okr_late.id), s(okr_early.id)]);
    }
}

backend_test! {
    async fn a_nested_list_filters_on_the_to_one_relation_its_sort_joins(app) {
        // Two owners, so one batch pages both; each has an OKR in an old, a recent and a
        // current cycle, and a deleted one in the current cycle.
        let db = &app.db;
        let owners = [f::user(db).await, f::user(db).await];
        let old = f::cycle_between(db, &owners[0].id, -400, -300).await.unwrap();
        let recent = f::cycle_between(db, &owners[0].id, -100, -20).await.unwrap();
        let current = f::cycle_between(db, &owners[0].id, -10, 80).await.unwrap();
        // Per owner: the OKRs since 200 days ago, newest cycle first, and the older one.
        let mut expected = std::collections::HashMap::new();
        for owner in &owners {
            let okr = |cycle: i64, deleted: bool| f::okr(db, cycle, Some(&owner.id), None, deleted);
            let in_old = okr(old.id, false).await.unwrap();
            let in_recent = okr(recent.id, false).await.unwrap();
            let in_current = okr(current.id, false).await.unwrap();
            okr(current.id, true).await.unwrap();
            let newer = vec![in_current.id.to_string(), in_recent.id.to_string()];
            expected.insert(owner.id.clone(), (newer, vec![in_old.id.to_string()]));
        }
        let since = (chrono::Utc::now() - chrono::Duration::days(200)).to_rfc3339();
        let query = "query($ids: [ID!], $since: DateTime) {
          users(where: {id: {in: $ids}}) { nodes { id
            newer: okrs(where: {cycle: {startsAt: {gte: $since}}}, orderBy: [{cycle: {startsAt: DESC}}]) { nodes { id } }
            older: okrs(where: {not: {cycle: {startsAt: {gte: $since}}}}, orderBy: [{cycle: {startsAt: DESC}}]) { nodes { id } }
          } } }";
        let variables = json!({ "ids": [&owners[0].id, &owners[1].id], "since": since });
        let data = app.data(&app.token_for(&owners[0].id), query, variables).await;
        let nodes = data["users"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 2);
        for node in nodes {
            let (newer, older) = &expected[node["id"].as_str().unwrap()];
            assert_eq!(&ids(&node["newer"]), newer, "{node}");
            assert_eq!(&ids(&node["older"]), older, "{node}");
        }
    }
}
