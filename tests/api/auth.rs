//! Sign-in: bearer JWTs (HS256, RS256, ES256), the active-user check, and what works without a token.

use std::path::PathBuf;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::{TEST_SECRET, TestApp, error_code};

const ME: &str = "{ me { id userName name slug active isAdmin } }";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn sign(claims: &Value, algorithm: Algorithm, key: &EncodingKey) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, key).unwrap()
}

fn in_ten_minutes() -> i64 {
    chrono::Utc::now().timestamp() + 600
}

async fn me(app: &TestApp, token: Option<&str>) -> Value {
    let (status, body) = app.graphql(ME, json!({}), token).await;
    assert_eq!(status, 200);
    body
}

backend_test! {
    async fn me_answers_for_a_valid_token(app) {
        let user = f::user_with_roles(&app.db, &["admin"]).await;
        let body = me(&app, Some(&app.token_for(&user.id))).await;
        assert_eq!(body["data"]["me"]["id"], user.id);
        assert_eq!(body["data"]["me"]["userName"], user.user_name);
        assert_eq!(body["data"]["me"]["isAdmin"], true);
        assert!(body.get("errors").is_none(), "{body}");
    }
}

backend_test! {
    async fn no_token_is_unauthenticated(app) {
        let body = me(&app, None).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
        assert_eq!(body["data"], Value::Null);
    }
}

backend_test! {
    async fn bad_tokens_are_unauthenticated(app) {
        let user = f::user(&app.db).await;
        let wrong_secret = EncodingKey::from_secret(b"another-secret-another-secret-0123456789");
        let expired = json!({ "sub": user.id, "exp": chrono::Utc::now().timestamp() - 3600 });
        let no_expiry = json!({ "sub": user.id });
        let good_key = EncodingKey::from_secret(TEST_SECRET.as_bytes());
        let cases = [
            "not-a-jwt".to_owned(),
            sign(&json!({ "sub": user.id, "exp": in_ten_minutes() }), Algorithm::HS256, &wrong_secret),
            sign(&expired, Algorithm::HS256, &good_key),
            sign(&no_expiry, Algorithm::HS256, &good_key),
            sign(&json!({ "sub": user.id, "exp": in_ten_minutes() }), Algorithm::HS384, &good_key),
        ];
        for token in cases {
            let body = me(&app, Some(&token)).await;
            assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "token {token} gave {body}");
        }
        // A non-bearer Authorization header is refused too.
        let response = app.client.post(app.url("/graphql")).basic_auth("u", Some("p"))
            .json(&json!({ "query": ME })).send().await.unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
}

backend_test! {
    async fn inactive_and_unknown_users_cannot_sign_in(app) {
        let user = f::user(&app.db).await;
        f::set_active(&app.db, &user, false).await;
        let body = me(&app, Some(&app.token_for(&user.id))).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
        let body = me(&app, Some(&app.token_for("01900000-0000-7000-8000-000000000000"))).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
        // Reactivated, the same token works again.
        f::set_active(&app.db, &user, true).await;
        let body = me(&app, Some(&app.token_for(&user.id))).await;
        assert_eq!(body["data"]["me"]["id"], user.id);
    }
}

backend_test! {
    async fn introspection_and_typename_need_no_token(app) {
        let (status, body) = app.graphql("{ __typename }", json!({}), None).await;
        assert_eq!((status, body["data"]["__typename"].as_str()), (200, Some("Query")));
        let (status, body) = app.graphql("{ __schema { queryType { name } } }", json!({}), None).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
    }
}

backend_test! {
    async fn issuer_and_audience_are_checked_when_configured(app) {
        let app = app.with_config(|config| {
            config.jwt_issuer = Some("https://id.example.com".to_owned());
            config.jwt_audience = Some("okrs".to_owned());
        }).await;
        let user = f::user(&app.db).await;
        let key = EncodingKey::from_secret(TEST_SECRET.as_bytes());
        let claims = |iss: &str, aud: &str| json!({ "sub": user.id, "exp": in_ten_minutes(), "iss": iss, "aud": aud });
        let good = sign(&claims("https://id.example.com", "okrs"), Algorithm::HS256, &key);
        assert_eq!(me(&app, Some(&good)).await["data"]["me"]["id"], user.id);
        for bad in [claims("https://evil.example.com", "okrs"), claims("https://id.example.com", "other")] {
            let token = sign(&bad, Algorithm::HS256, &key);
            assert_eq!(error_code(&me(&app, Some(&token)).await), Some("UNAUTHENTICATED"));
        }
        let missing = sign(&json!({ "sub": user.id, "exp": in_ten_minutes() }), Algorithm::HS256, &key);
        assert_eq!(error_code(&me(&app, Some(&missing)).await), Some("UNAUTHENTICATED"));
    }
}

backend_test! {
    async fn rs256_and_es256_public_keys_verify_their_tokens(app) {
        let user = f::user(&app.db).await;
        // No `iat`: RFC 7519 makes it optional, and identity providers may leave it out.
        let claims = json!({ "sub": user.id, "exp": in_ten_minutes() });
        let rsa = std::fs::read(fixture("rsa_private.pem")).unwrap();
        let ec = std::fs::read(fixture("ec_private.pem")).unwrap();
        let rs256 = sign(&claims, Algorithm::RS256, &EncodingKey::from_rsa_pem(&rsa).unwrap());
        let es256 = sign(&claims, Algorithm::ES256, &EncodingKey::from_ec_pem(&ec).unwrap());
        let hs256 = app.token_for(&user.id);

        let rsa_app = app.with_config(|c| { c.jwt_secret = None; c.jwt_public_key_file = Some(fixture("rsa_public.pem")); }).await;
        assert_eq!(me(&rsa_app, Some(&rs256)).await["data"]["me"]["id"], user.id);
        assert_eq!(error_code(&me(&rsa_app, Some(&es256)).await), Some("UNAUTHENTICATED"));
        assert_eq!(error_code(&me(&rsa_app, Some(&hs256)).await), Some("UNAUTHENTICATED"));

        let ec_app = app.with_config(|c| { c.jwt_secret = None; c.jwt_public_key_file = Some(fixture("ec_public.pem")); }).await;
        assert_eq!(me(&ec_app, Some(&es256)).await["data"]["me"]["id"], user.id);
        assert_eq!(error_code(&me(&ec_app, Some(&rs256)).await), Some("UNAUTHENTICATED"));
    }
}

backend_test! {
    async fn a_signed_in_user_is_read_once_a_moment_and_a_scim_change_applies_at_once(app) {
        // A long time to live, so that only a SCIM change can make the user be read again.
        let app = app.with_config(|c| {
            c.expose_sql_statement_count = true;
            c.signed_in_user_ttl_ms = 600_000;
        }).await;
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        let statements = |body: &Value| body["extensions"]["sqlStatements"].as_u64().unwrap();
        let first = me(&app, Some(&token)).await;
        let second = me(&app, Some(&token)).await;
        assert_eq!(second["data"]["me"]["id"], user.id);
        assert_eq!(statements(&first), statements(&second) + 1, "the second request reuses the user: {first} {second}");
        // Deactivated through this replica's SCIM endpoint: refused at the next request.
        let (status, body) = app.scim_patch(&format!("/Users/{}", user.id), json!([{ "op": "replace", "value": { "active": false } }])).await;
        assert_eq!(status, 200, "{body}");
        let body = me(&app, Some(&token)).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
        // A refusal is never kept: reactivated, the user is let in at once.
        let (status, _) = app.scim_patch(&format!("/Users/{}", user.id), json!([{ "op": "replace", "value": { "active": true } }])).await;
        assert_eq!(status, 200);
        assert_eq!(me(&app, Some(&token)).await["data"]["me"]["id"], user.id);
    }
}

backend_test! {
    async fn with_no_time_to_live_every_request_reads_its_user(app) {
        let app = app.with_config(|c| {
            c.expose_sql_statement_count = true;
            c.signed_in_user_ttl_ms = 0;
        }).await;
        let user = f::user(&app.db).await;
        let token = app.token_for(&user.id);
        me(&app, Some(&token)).await;
        // Deactivated behind the server's back (in the database): refused at once.
        f::set_active(&app.db, &user, false).await;
        assert_eq!(error_code(&me(&app, Some(&token)).await), Some("UNAUTHENTICATED"));
    }
}
