//! `schema.graphql` is the SDL the code builds.

#[test]
fn schema_graphql_is_up_to_date() {
    let sdl = okrs::graphql::schema::sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &sdl).unwrap();
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == sdl,
        "schema.graphql is stale: run `UPDATE_SCHEMA=1 cargo test schema_graphql` \
         (or `cargo run -- export-schema --output schema.graphql`) and commit the result"
    );
}

backend_test! {
    async fn the_served_sdl_is_schema_graphql(app) {
        let served = app.client.get(app.url("/graphql/schema.graphql")).send().await.unwrap().text().await.unwrap();
        let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
        assert_eq!(served.trim(), on_disk.trim());
    }
}

backend_test! {
    async fn the_schema_has_no_description_in_introspection_either(app) {
        let user = crate::factories::user(&app.db).await;
        let token = app.token_for(&user.id);
        let data = app.data(&token, "query Schema { s: __schema { d: description queryType { name } } ...F }
            fragment F on Query { __schema { description } }", serde_json::json!({})).await;
        assert_eq!(data, serde_json::json!({
            "s": { "d": null, "queryType": { "name": "Query" } },
            "__schema": { "description": null },
        }));
    }
}
