//! SCIM /Groups over HTTP: the same groups and memberships GraphQL shows.

use serde_json::json;

use crate::factories;
use crate::helpers::assert_scim_error;

backend_test! {
    async fn groups_crud_and_entra_member_patches(app) {
        let alice = factories::user(&app.db).await;
        let bob = factories::user(&app.db).await;
        let (status, group) = app.scim_post("/Groups", json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Platform", "externalId": "g-1",
            "members": [{"value": alice.id}],
        })).await;
        assert_eq!(status, 201, "{group}");
        let path = format!("/Groups/{}", group["id"].as_str().unwrap());
        assert_eq!(group["members"][0]["value"], alice.id.as_str());
        let (status, body) = app.scim_patch(&path, json!([
            {"op": "Add", "path": "members", "value": [{"value": bob.id}, {"value": "no-such-user"}]},
        ])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["members"].as_array().unwrap().len(), 2);
        let (_, user) = app.scim_get(&format!("/Users/{}", bob.id)).await;
        assert_eq!(user["groups"][0]["display"], "Platform");
        let (status, body) = app.scim_patch(&path, json!([
            {"op": "Remove", "path": format!("members[value eq \"{}\"]", alice.id)},
            {"op": "Replace", "path": "displayName", "value": "Platform Team"},
        ])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["members"], json!([{"value": bob.id, "$ref": format!("{}/scim/v2/Users/{}", app.address, bob.id)}]));
        assert_eq!(body["displayName"], "Platform Team");
        let live = entity::group_membership::Entity::find()
            .filter(entity::group_membership::Column::DeletedAt.is_null())
            .all(&app.db).await.unwrap();
        assert_eq!(live.len(), 1, "SCIM memberships are the group_memberships rows");
        let query: String = form_urlencoded::byte_serialize(format!("members[value eq \"{}\"] and externalId eq \"g-1\"", bob.id).as_bytes()).collect();
        let (_, list) = app.scim_get(&format!("/Groups?filter={query}")).await;
        assert_eq!(list["totalResults"], 1, "{list}");
        let (status, body) = app.scim_put(&path, json!({"displayName": "Renamed"})).await;
        assert_eq!(status, 200);
        assert!(body.get("members").is_none() && body.get("externalId").is_none());
        assert_eq!(app.scim_delete(&path).await, 204);
        let (status, body) = app.scim_get(&path).await;
        assert_scim_error(status, &body, 404, None);
        let (status, body) = app.scim_get("/Groups/abc").await;
        assert_scim_error(status, &body, 404, None);
        let (status, body) = app.scim_post("/Groups", json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "members": []})).await;
        assert_scim_error(status, &body, 400, Some("invalidValue"));
    }
}

backend_test! {
    async fn root_search_spans_users_and_groups(app) {
        factories::user(&app.db).await;
        app.scim_post("/Groups", json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G"})).await;
        let (status, body) = app.scim_post("/.search", json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["totalResults"], 2);
        let (_, body) = app.scim_post("/.search", json!({"filter": "displayName eq \"G\""})).await;
        assert_eq!(body["totalResults"], 1, "{body}");
        let (status, body) = app.scim_post("/.search", json!({"filter": "nothing pr"})).await;
        assert_scim_error(status, &body, 400, Some("invalidFilter"));
    }
}

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

backend_test! {
    async fn a_deleted_group_still_reads_as_the_owner_of_its_okrs(app) {
        let viewer = factories::user(&app.db).await;
        let token = app.token_for(&viewer.id);
        let group = factories::group(&app.db).await;
        let cycle = factories::cycle(&app.db, &viewer.id).await;
        let okr = factories::okr(&app.db, cycle.id, None, Some(group.id), false).await.unwrap();
        factories::objective(&app.db, okr.id).await.unwrap();
        assert_eq!(app.scim_delete(&format!("/Groups/{}", group.id)).await, 204);
        let query = "query($id: ID!, $g: ID!) {
            okr(id: $id) { owner { ... on Group { id name slug deletedAt } } }
            objectives(where: {okr: {id: {eq: $id}}}) { nodes { owner { ... on Group { id deletedAt } } } }
            group(id: $g) { id }
        }";
        let data = app.data(&token, query, json!({ "id": okr.id.to_string(), "g": group.id.to_string() })).await;
        let owner = &data["okr"]["owner"];
        assert_eq!(owner["id"], group.id.to_string());
        assert_eq!(owner["name"], group.name.as_str());
        assert_eq!(owner["slug"], group.slug.as_str());
        assert!(owner["deletedAt"].is_string(), "{owner}");
        assert_eq!(data["objectives"]["nodes"][0]["owner"]["id"], group.id.to_string());
        assert!(data["group"].is_null(), "group(id) no longer shows it");
        let (status, _) = app.scim_get(&format!("/Groups/{}", group.id)).await;
        assert_eq!(status, 404);
    }
}

backend_test! {
    async fn okta_renames_with_its_own_id_members_show_display_and_if_none_match_is_304(app) {
        let alice = factories::user(&app.db).await;
        let (status, group) = app.scim_post("/Groups", json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Before", "members": [{"value": alice.id}],
        })).await;
        assert_eq!(status, 201, "{group}");
        let id = group["id"].as_str().unwrap().to_owned();
        let path = format!("/Groups/{id}");
        // `display` is returned on request (`returned: request`), so what a client wrote
        // comes back as it was written.
        assert!(group["members"][0].get("display").is_none(), "{group}");
        let display = format!("{} {}", alice.given_name.clone().unwrap(), alice.family_name.clone().unwrap());
        for attributes in ["members.display", "members"] {
            let (_, asked) = app.scim_get(&format!("{path}?attributes={attributes}")).await;
            assert_eq!(asked["members"][0]["display"], display.as_str(), "{asked}");
        }
        // Okta restates the id inside the value; a different id is still refused.
        let (status, body) = app.scim_patch(&path, json!([
            {"op": "replace", "value": {"id": id, "displayName": "After"}},
        ])).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["displayName"], "After");
        let (status, body) = app.scim_patch(&path, json!([
            {"op": "replace", "value": {"id": "999999", "displayName": "Other"}},
        ])).await;
        assert_scim_error(status, &body, 400, Some("mutability"));
        // A client holding the current version gets 304 and no body.
        let (_, headers, _) = app.scim(reqwest::Method::GET, &path, None).await;
        let tag = headers["etag"].to_str().unwrap().to_owned();
        let response = app.client.get(app.url(&format!("/scim/v2{path}")))
            .bearer_auth(crate::helpers::SCIM_TOKEN)
            .header("if-none-match", &tag)
            .send().await.unwrap();
        assert_eq!(response.status().as_u16(), 304);
        assert_eq!(response.headers()["etag"].to_str().unwrap(), tag);
        assert!(response.text().await.unwrap().is_empty());
        let response = app.client.get(app.url(&format!("/scim/v2{path}")))
            .bearer_auth(crate::helpers::SCIM_TOKEN)
            .header("if-none-match", "W/\"12345\"")
            .send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        // `/Schemas` describes the members' display.
        let (_, schema) = app.scim_get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group").await;
        let members = schema["attributes"].as_array().unwrap().iter().find(|a| a["name"] == "members").unwrap();
        let display = members["subAttributes"].as_array().unwrap().iter().find(|s| s["name"] == "display").unwrap();
        assert_eq!(display["returned"], "request", "{display}");
    }
}

backend_test! {
    async fn bodies_without_the_core_schema_urn_are_invalid_syntax(app) {
        for (path, body) in [
            ("/Users", json!({ "userName": "noschema@example.com" })),
            ("/Users", json!({ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "userName": "wrong@example.com" })),
            ("/Groups", json!({ "schemas": [], "displayName": "No schema" })),
        ] {
            let (status, _, response) = app.scim(reqwest::Method::POST, path, Some(body)).await;
            assert_scim_error(status, &response, 400, Some("invalidSyntax"));
        }
        let user = factories::user(&app.db).await;
        let body = json!({ "userName": user.user_name });
        let (status, _, response) = app.scim(reqwest::Method::PUT, &format!("/Users/{}", user.id), Some(body)).await;
        assert_scim_error(status, &response, 400, Some("invalidSyntax"));
        let (status, users) = app.scim_get("/Users?filter=userName%20eq%20%22noschema%40example.com%22").await;
        assert_eq!((status, &users["totalResults"]), (200, &json!(0)), "nothing was written");
    }
}

backend_test! {
    async fn group_ids_compare_as_ids_and_hidden_members_match_nothing(app) {
        let (status, member) = app.scim_post("/Users", json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": format!("member{}@example.com", factories::unique()),
        })).await;
        assert_eq!(status, 201, "{member}");
        let member_id = member["id"].as_str().unwrap().to_owned();
        let (status, group) = app.scim_post("/Groups", json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Ids", "members": [{"value": member_id}],
        })).await;
        assert_eq!(status, 201, "{group}");
        let id = group["id"].as_str().unwrap().to_owned();
        let count = |path: &'static str, filter: String| {
            let app = &app;
            async move {
                let query: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
                let (status, body) = app.scim_get(&format!("{path}?filter={query}")).await;
                assert_eq!(status, 200, "{filter}: {body}");
                body["totalResults"].as_u64().unwrap()
            }
        };
        for (filter, expected) in [
            (format!("id eq \"{id}\""), 1),
            (format!("id ne \"{id}\""), 0),
            (format!("id eq \"0{id}\""), 0),
            ("id eq \"abc\"".to_owned(), 0),
            ("id ne \"abc\"".to_owned(), 1),
            ("id pr".to_owned(), 1),
            (format!("members[value eq \"{member_id}\"] and displayName eq \"IDS\""), 1),
        ] {
            assert_eq!(count("/Groups", filter.clone()).await, expected, "{filter}");
        }
        assert_eq!(count("/Users", format!("groups[value eq \"{id}\" and display eq \"ids\"]")).await, 1);
        assert_eq!(count("/Users", "groups.value eq \"abc\"".to_owned()).await, 0);
        let query: String = form_urlencoded::byte_serialize(b"id sw \"1\"").collect();
        let (status, body) = app.scim_get(&format!("/Groups?filter={query}")).await;
        assert_scim_error(status, &body, 400, Some("invalidFilter"));
        // A deprovisioned member is no member to a filter, as to the group's `members`.
        assert_eq!(app.scim_delete(&format!("/Users/{member_id}")).await, 204);
        assert_eq!(count("/Groups", format!("members[value eq \"{member_id}\"]")).await, 0);
        assert_eq!(count("/Groups", "members pr".to_owned()).await, 0);
    }
}

backend_test! {
    async fn scim_and_graphql_refuse_a_group_name_by_the_same_rule_in_the_same_words(app) {
        let admin = factories::user_with_roles(&app.db, &["admin"]).await;
        let token = app.token_for(&admin.id);
        let mutation = "mutation($name: String!) { createGroup(input: {name: $name}) { group { id } userErrors { path code message } } }";
        for (name, code, words) in [
            ("x".repeat(201), "TOO_LONG", "is longer than 200 characters"),
            ("   ".to_owned(), "REQUIRED", "can't be blank"),
            ("a\u{0}b".to_owned(), "INVALID", "contains a NUL character (U+0000)"),
        ] {
            let data = app.data(&token, mutation, json!({ "name": name })).await;
            assert_eq!(
                data["createGroup"]["userErrors"],
                json!([{ "path": ["name"], "code": code, "message": words }])
            );
            let (status, body) = app.scim_post("/Groups", json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name,
            })).await;
            assert_scim_error(status, &body, 400, Some("invalidValue"));
            assert_eq!(body["detail"], format!("displayName {words}"));
        }
        // Every refused attribute is named, by its SCIM path, and nothing is written.
        let (status, body) = app.scim_post("/Users", json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "u".repeat(257),
            "emails": [{ "value": "ok@example.com" }, { "type": "work" }],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "d".repeat(201) },
        })).await;
        assert_scim_error(status, &body, 400, Some("invalidValue"));
        assert_eq!(
            body["detail"],
            "userName is longer than 256 characters; department is longer than 200 characters; emails.1.value can't be blank"
        );
        let (_, users) = app.scim_get("/Users").await;
        let (_, groups) = app.scim_get("/Groups").await;
        assert_eq!((users["totalResults"].as_u64(), groups["totalResults"].as_u64()), (Some(1), Some(0)), "only the admin");
    }
}
