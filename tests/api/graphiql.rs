//! GraphiQL: local files when present, the CDN otherwise, and the development-mode token.

use serde_json::json;

use crate::helpers::{TestApp, error_code};

async fn page(app: &TestApp) -> String {
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

backend_test! {
    async fn graphiql_uses_local_files_when_they_are_present(app) {
        let empty = tempfile::tempdir().unwrap();
        let cdn = app.with_config(|c| c.graphiql_assets_dir = empty.path().to_owned()).await;
        let html = page(&cdn).await;
        assert!(html.contains("https://unpkg.com/graphiql@4.1.2/graphiql.min.js"), "{html}");
        assert!(html.contains("Bearer \\u003cyour token>"), "a placeholder header, with `<` escaped");
        assert!(html.contains("scripts/fetch-graphiql.sh"), "says how to work offline");

        let assets = tempfile::tempdir().unwrap();
        for file in ["react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css"] {
            std::fs::write(assets.path().join(file), format!("/* {file} */")).unwrap();
        }
        let local = app.with_config(|c| c.graphiql_assets_dir = assets.path().to_owned()).await;
        let html = page(&local).await;
        assert!(html.contains("/graphiql-assets/graphiql.min.js"));
        assert!(!html.contains("unpkg.com"));
        let script = local.client.get(local.url("/graphiql-assets/graphiql.min.js")).send().await.unwrap();
        assert_eq!(script.text().await.unwrap(), "/* graphiql.min.js */");
    }
}

backend_test! {
    async fn development_mode_binds_loopback_and_prefills_a_working_token(app) {
        let dev = app.with_config(|c| {
            c.jwt_secret = None;
            c.bind_addr = "0.0.0.0:0".parse().unwrap();
            c.seed_demo = okrs::config::SeedDemo::Always;
        }).await;
        assert!(dev.address.starts_with("http://127.0.0.1:"), "{}", dev.address);
        let html = page(&dev).await;
        let start = html.find("Bearer ey").expect("a token in the page") + "Bearer ".len();
        let token: String = html[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
        let (_, body) = dev.graphql("{ me { userName isAdmin } }", json!({}), Some(&token)).await;
        assert_eq!(body["data"]["me"]["userName"], okrs::fixtures::demo::ADMIN_USER_NAME);
        assert_eq!(body["data"]["me"]["isAdmin"], true);
        // The random development secret is not the test secret: test tokens are refused.
        let admin_id = body["data"]["me"].clone();
        let (_, body) = dev.graphql("{ me { id } }", json!({}), Some(&app.token_for("x"))).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{admin_id}");
    }
}

backend_test! {
    async fn graphiql_can_be_turned_off(app) {
        let off = app.with_config(|c| c.graphiql = false).await;
        let response = off.client.get(off.url("/")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404);
    }
}
