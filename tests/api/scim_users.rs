//! SCIM /Users over HTTP: CRUD, filters, paging, PATCH shapes from Okta and Entra ID, errors.

use serde_json::{Value, json};

use crate::factories::unique;
use crate::helpers::{TestApp, assert_scim_error};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn new_user(user_name: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "externalId": format!("ext-{user_name}"),
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": user_name, "type": "work", "primary": true}],
        "active": true,
        ENTERPRISE: {"department": "Sales", "manager": {"value": "m-1", "displayName": "Boss"}},
    })
}

async fn create(app: &TestApp, user_name: &str) -> Value {
    let (status, body) = app.scim_post("/Users", new_user(user_name)).await;
    assert_eq!(status, 201, "{body}");
    body
}

fn id(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

backend_test! {
    async fn create_returns_201_with_location_etag_and_stored_resource(app) {
        let request = app.client.post(app.url("/scim/v2/Users"))
            .bearer_auth(crate::helpers::SCIM_TOKEN)
            .header("content-type", "application/json")
            .body(new_user("bjensen@example.com").to_string());
        let (status, headers, body) = crate::helpers::scim_response(request.send().await.unwrap()).await;
        assert_eq!(status, 201, "{body}");
        let location = headers["location"].to_str().unwrap();
        assert_eq!(location, body["meta"]["location"].as_str().unwrap());
        assert!(location.ends_with(&format!("/scim/v2/Users/{}", id(&body))));
        assert_eq!(headers["etag"], "W/\"1\"");
        assert_eq!(body["meta"]["version"], "W/\"1\"");
        assert_eq!(body["name"]["familyName"], "Jensen");
        assert_eq!(body[ENTERPRISE]["manager"]["displayName"], "Boss");
        let (status, fetched) = app.scim_get(&format!("/Users/{}", id(&body))).await;
        assert_eq!(status, 200);
        assert_eq!(fetched, body);
    }
}

backend_test! {
    async fn duplicate_user_name_in_any_case_or_external_id_is_409(app) {
        create(&app, "dup@example.com").await;
        let (status, body) = app.scim_post("/Users", new_user("DUP@example.com")).await;
        assert_scim_error(status, &body, 409, Some("uniqueness"));
        let mut other = new_user("other@example.com");
        other["externalId"] = json!("ext-dup@example.com");
        let (status, body) = app.scim_post("/Users", other).await;
        assert_scim_error(status, &body, 409, Some("uniqueness"));
    }
}

backend_test! {
    async fn missing_user_name_is_400_invalid_value(app) {
        let (status, body) = app.scim_post("/Users", json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "name": {"givenName": "x"}})).await;
        assert_scim_error(status, &body, 400, Some("invalidValue"));
    }
}

backend_test! {
    async fn put_replaces_and_clears_absent_attributes(app) {
        let user = create(&app, "put@example.com").await;
        let path = format!("/Users/{}", id(&user));
        let (status, body) = app.scim_put(&path, json!({"userName": "put@example.com", "displayName": "P"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["displayName"], "P");
        assert!(body.get("name").is_none() && body.get("emails").is_none() && body.get(ENTERPRISE).is_none(), "{body}");
        assert_eq!(body["meta"]["version"], "W/\"2\"");
        let (status, same) = app.scim_put(&path, json!({"userName": "put@example.com", "displayName": "P"})).await;
        assert_eq!(status, 200);
        assert_eq!(same["meta"]["version"], "W/\"2\"", "a replace that changes nothing writes nothing");
        let (status, body) = app.scim_put("/Users/00000000-0000-7000-8000-000000000000", json!({"userName": "x"})).await;
        assert_scim_error(status, &body, 404, None);
    }
}

backend_test! {
    async fn delete_deprovisions_and_a_later_create_revives_the_same_user(app) {
        let user = create(&app, "gone@example.com").await;
        let path = format!("/Users/{}", id(&user));
        assert_eq!(app.scim_delete(&path).await, 204);
        let (status, body) = app.scim_get(&path).await;
        assert_scim_error(status, &body, 404, None);
        assert_eq!(app.scim_delete(&path).await, 404);
        let row = okrs::domain::users::find(&app.db, &id(&user)).await.unwrap().unwrap();
        assert!(!row.active && row.deprovisioned_at.is_some());
        let revived = create(&app, "Gone@example.com").await;
        assert_eq!(id(&revived), id(&user));
        assert_eq!(revived["active"], true);
    }
}

backend_test! {
    async fn okta_deactivation_and_entra_patch_shapes_work(app) {
        let user = create(&app, "patchy@example.com").await;
        let path = format!("/Users/{}", id(&user));
        let (status, body) = app.scim_patch(&path, json!([{"op": "replace", "value": {"active": false}}])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["active"], false);
        let (status, body) = app.scim_patch(&path, json!([
            {"op": "Replace", "path": "active", "value": "True"},
            {"op": "Replace", "path": "name.FamilyName", "value": "Smith"},
            {"op": "Replace", "path": "emails[type eq \"work\"].Value", "value": "new@example.com"},
            {"op": "Add", "path": "emails[type eq \"home\"].value", "value": "home@example.com"},
            {"op": "Add", "path": format!("{ENTERPRISE}:department"), "value": "Ops"},
            {"op": "remove", "path": format!("{ENTERPRISE}:manager")},
        ])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["active"], true);
        assert_eq!(body["name"]["familyName"], "Smith");
        assert_eq!(body["emails"][0]["value"], "new@example.com");
        assert_eq!(body["emails"][1], json!({"value": "home@example.com", "type": "home", "primary": false}));
        assert_eq!(body[ENTERPRISE], json!({"department": "Ops"}));
        let (_, fetched) = app.scim_get(&path).await;
        assert_eq!(fetched, body);
    }
}

backend_test! {
    async fn patch_errors_are_scim_errors_and_change_nothing(app) {
        let user = create(&app, "patcherr@example.com").await;
        let path = format!("/Users/{}", id(&user));
        for (ops, scim_type) in [
            (json!([{"op": "replace", "path": "nope", "value": 1}]), "invalidPath"),
            (json!([{"op": "remove"}]), "noTarget"),
            (json!([{"op": "replace", "path": "id", "value": "x"}]), "mutability"),
            (json!([{"op": "replace", "path": "groups", "value": []}]), "mutability"),
            (json!([{"op": "jump", "path": "active", "value": true}]), "invalidSyntax"),
            (json!([{"op": "replace", "path": "active", "value": "maybe"}]), "invalidValue"),
            (json!([{"op": "replace", "path": "displayName", "value": "X"},
                    {"op": "replace", "path": "emails[type eq \"x\" or value pr].value", "value": "y"},
                    {"op": "replace", "path": "roles[value eq \"none\" or value eq \"z\"]", "value": {"value": "q"}}]), "noTarget"),
        ] {
            let (status, body) = app.scim_patch(&path, ops).await;
            assert_scim_error(status, &body, 400, Some(scim_type));
        }
        let (_, after) = app.scim_get(&path).await;
        assert_eq!(after["meta"]["version"], "W/\"1\"");
        assert!(after.get("displayName").is_none(), "operations apply atomically");
    }
}

backend_test! {
    async fn stale_if_match_is_412_and_current_one_succeeds(app) {
        let user = create(&app, "etag@example.com").await;
        let path = format!("/Users/{}", id(&user));
        let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "displayName", "value": "E"}]});
        let send = |tag: &'static str| app.client.patch(app.url(&format!("/scim/v2{path}")))
            .bearer_auth(crate::helpers::SCIM_TOKEN)
            .header("content-type", "application/scim+json")
            .header("if-match", tag)
            .body(body.to_string())
            .send();
        let (status, _, error) = crate::helpers::scim_response(send("W/\"7\"").await.unwrap()).await;
        assert_scim_error(status, &error, 412, None);
        let (status, headers, _) = crate::helpers::scim_response(send("W/\"1\"").await.unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(headers["etag"], "W/\"2\"");
    }
}

backend_test! {
    async fn filters_match_in_sql_with_case_rules(app) {
        let a = create(&app, "Alice.Filter@Example.com").await;
        create(&app, "bob.filter@example.com").await;
        let cases = [
            ("userName eq \"alice.filter@example.com\"", 1),
            ("externalId eq \"ext-Alice.Filter@Example.com\"", 1),
            ("externalId eq \"EXT-ALICE.FILTER@EXAMPLE.COM\"", 0),
            ("emails[type eq \"work\" and value co \"FILTER@\"]", 2),
            ("emails.value sw \"bob\"", 1),
            ("name.familyName eq \"jensen\" and not (userName sw \"bob\")", 1),
            ("userName ew \".com\" or userName eq \"none\"", 2),
            (&format!("{ENTERPRISE}:department eq \"Sales\""), 2),
            ("meta.created gt \"2000-01-01T00:00:00Z\"", 2),
            ("meta.lastModified lt \"2000-01-01T00:00:00Z\"", 0),
            ("active eq true and displayName pr", 0),
            ("userName co \"%\"", 0),
        ];
        for (filter, expected) in cases {
            let query: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
            let (status, body) = app.scim_get(&format!("/Users?filter={query}")).await;
            assert_eq!(status, 200, "{filter}: {body}");
            assert_eq!(body["totalResults"], expected, "{filter}: {body}");
        }
        let query: String = form_urlencoded::byte_serialize(format!("id eq \"{}\"", id(&a)).as_bytes()).collect();
        let (_, body) = app.scim_get(&format!("/Users?filter={query}")).await;
        assert_eq!(body["Resources"][0]["id"], a["id"]);
        for bad in ["userName eq", "nope eq \"x\"", "active gt \"x\"", "meta.created gt \"yesterday\""] {
            let query: String = form_urlencoded::byte_serialize(bad.as_bytes()).collect();
            let (status, body) = app.scim_get(&format!("/Users?filter={query}")).await;
            assert_scim_error(status, &body, 400, Some("invalidFilter"));
        }
    }
}

/// `totalResults` of `/Users?filter=…`, asserting the request succeeded.
async fn user_matches(app: &TestApp, filter: &str) -> u64 {
    let query: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let (status, body) = app.scim_get(&format!("/Users?filter={query}")).await;
    assert_eq!(status, 200, "{filter}: {body}");
    body["totalResults"].as_u64().unwrap()
}

backend_test! {
    async fn filters_follow_the_graphql_rules_for_case_escaping_and_absent_values(app) {
        // One case-folding rule (ASCII letters only) and one escaping rule (metacharacters
        // are literal), the same on both databases and the same as GraphQL's `where`.
        let mut emile = new_user("émile.filter@example.com");
        emile["displayName"] = json!(r"50%_off \ and !bang");
        emile["emails"] = json!([{"value": "emile@example.com", "type": "home"}]);
        emile["roles"] = json!(["Planner"]);
        let (status, body) = app.scim_post("/Users", emile).await;
        assert_eq!(status, 201, "{body}");
        let mut other = new_user("other.filter@example.com");
        other["displayName"] = json!("50 percent off");
        create(&app, "plain.filter@example.com").await;
        let (status, body) = app.scim_post("/Users", other).await;
        assert_eq!(status, 201, "{body}");
        let cases = [
            // ASCII letters fold; É and é are different letters on both databases.
            ("userName eq \"éMILE.FILTER@EXAMPLE.COM\"", 1),
            ("userName eq \"ÉMILE.FILTER@EXAMPLE.COM\"", 0),
            ("userName sw \"ÉM\"", 0),
            ("userName gt \"z\"", 1),
            // Metacharacters match themselves only.
            ("displayName co \"50%\"", 1),
            ("displayName co \"%_off\"", 1),
            ("displayName co \"0_o\"", 0),
            (r#"displayName co "\\ and""#, 1),
            ("displayName ew \"!BANG\"", 1),
            ("displayName sw \"50 \"", 1),
            // pr is a non-empty value; an absent primary counts as false.
            ("displayName pr", 2),
            ("emails[primary eq false]", 1),
            ("emails[primary ne true and type eq \"HOME\"]", 1),
            ("emails[primary eq true]", 2),
            ("emails[primary pr]", 3),
            ("roles eq \"planner\"", 1),
            ("roles[value sw \"PLAN\"] and not (emails.type eq \"work\")", 1),
            ("roles pr", 1),
        ];
        for (filter, expected) in cases {
            assert_eq!(user_matches(&app, filter).await, expected, "{filter}");
        }
        for bad in ["roles[nope eq \"x\"]", "emails[primary co \"t\"]", "displayName gt null"] {
            let query: String = form_urlencoded::byte_serialize(bad.as_bytes()).collect();
            let (status, body) = app.scim_get(&format!("/Users?filter={query}")).await;
            assert_scim_error(status, &body, 400, Some("invalidFilter"));
        }
    }
}

backend_test! {
    async fn paging_counts_all_matches_and_keeps_a_stable_order(app) {
        let n = unique();
        for i in 0..5 {
            create(&app, &format!("page{n}-{i}@example.com")).await;
        }
        let mut seen = Vec::new();
        for start in [1, 3, 5] {
            let (_, body) = app.scim_get(&format!("/Users?startIndex={start}&count=2&sortBy=userName")).await;
            assert_eq!(body["totalResults"], 5);
            assert_eq!(body["startIndex"], start);
            for r in body["Resources"].as_array().unwrap() {
                seen.push(r["userName"].as_str().unwrap().to_owned());
            }
        }
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted);
        assert_eq!(seen.len(), 5);
        let (_, body) = app.scim_get("/Users?count=0").await;
        assert_eq!((body["totalResults"].as_u64(), body["itemsPerPage"].as_u64()), (Some(5), Some(0)));
        let (_, body) = app.scim_get("/Users?sortBy=userName&sortOrder=descending&attributes=userName").await;
        assert_eq!(body["Resources"][0]["userName"].as_str().unwrap(), format!("page{n}-4@example.com"));
        assert!(body["Resources"][0].get("emails").is_none());
        let (_, body) = app.scim_get("/Users?excludedAttributes=emails,name.givenName").await;
        assert!(body["Resources"][0].get("emails").is_none());
        assert!(body["Resources"][0]["name"].get("givenName").is_none());
        let (status, body) = app.scim_get("/Users?count=abc").await;
        assert_scim_error(status, &body, 400, Some("invalidValue"));
        let (status, body) = app.scim_post("/Users/.search", json!({"filter": "userName sw \"page\"", "count": 1})).await;
        assert_eq!(status, 200);
        assert_eq!((body["totalResults"].as_u64(), body["itemsPerPage"].as_u64()), (Some(5), Some(1)));
    }
}

backend_test! {
    async fn transport_errors_are_scim_errors(app) {
        let response = app.client.get(app.url("/scim/v2/Users")).send().await.unwrap();
        assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
        let (status, _, body) = crate::helpers::scim_response(response).await;
        assert_scim_error(status, &body, 401, None);
        let graphql_token = app.token_for("anyone");
        let response = app.client.get(app.url("/scim/v2/Users")).bearer_auth(graphql_token).send().await.unwrap();
        assert_eq!(response.status(), 401);
        let response = app.client.post(app.url("/scim/v2/Users")).bearer_auth(crate::helpers::SCIM_TOKEN)
            .header("content-type", "text/plain").body("x").send().await.unwrap();
        let (status, _, body) = crate::helpers::scim_response(response).await;
        assert_scim_error(status, &body, 415, None);
        let response = app.client.post(app.url("/scim/v2/Users")).bearer_auth(crate::helpers::SCIM_TOKEN)
            .header("content-type", "application/json").body("{not json").send().await.unwrap();
        let (status, _, body) = crate::helpers::scim_response(response).await;
        assert_scim_error(status, &body, 400, Some("invalidSyntax"));
        let big = "x".repeat(app.config.request_body_limit + 10);
        let response = app.client.post(app.url("/scim/v2/Users")).bearer_auth(crate::helpers::SCIM_TOKEN)
            .header("content-type", "application/json").body(big).send().await.unwrap();
        let (status, _, body) = crate::helpers::scim_response(response).await;
        assert_scim_error(status, &body, 413, None);
        let (status, _, body) = app.scim(reqwest::Method::DELETE, "/Users", None).await;
        assert_scim_error(status, &body, 405, None);
        let (status, body) = app.scim_get("/Nope").await;
        assert_scim_error(status, &body, 404, None);
    }
}

backend_test! {
    async fn basic_auth_works_and_no_credential_turns_scim_off(app) {
        let basic = app.with_config(|c| {
            c.scim_bearer_token = None;
            c.scim_basic_username = Some("okta".to_owned());
            c.scim_basic_password = Some(okrs::config::Secret::new("pw"));
        }).await;
        let ok = basic.client.get(basic.url("/scim/v2/Users")).basic_auth("okta", Some("pw")).send().await.unwrap();
        assert_eq!(ok.status(), 200);
        let bad = basic.client.get(basic.url("/scim/v2/Users")).basic_auth("okta", Some("no")).send().await.unwrap();
        assert!(bad.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
        assert_eq!(bad.status(), 401);
        let off = app.with_config(|c| c.scim_bearer_token = None).await;
        let (status, _, body) = crate::helpers::scim_response(off.client.get(off.url("/scim/v2/Users")).send().await.unwrap()).await;
        assert_scim_error(status, &body, 404, None);
        assert!(body["detail"].as_str().unwrap().contains("not configured"));
    }
}
