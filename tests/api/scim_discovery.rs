//! SCIM discovery endpoints.

use serde_json::Value;

use crate::helpers::assert_scim_error;

fn attribute<'a>(schema: &'a Value, name: &str) -> &'a Value {
    schema["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap()
}

backend_test! {
    async fn discovery_describes_what_the_endpoints_do(app) {
        let (status, config) = app.scim_get("/ServiceProviderConfig").await;
        assert_eq!(status, 200);
        assert_eq!(config["patch"]["supported"], true);
        assert_eq!(config["filter"]["maxResults"], 1000);
        assert_eq!(config["authenticationSchemes"][0]["type"], "oauthbearertoken");
        let (_, types) = app.scim_get("/ResourceTypes").await;
        assert_eq!(types["totalResults"], 2);
        let (status, user_type) = app.scim_get("/ResourceTypes/User").await;
        assert_eq!(status, 200);
        assert_eq!(user_type["schemaExtensions"][0]["schema"], "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
        let (_, schemas) = app.scim_get("/Schemas").await;
        assert_eq!(schemas["totalResults"], 3);
        let (status, user) = app.scim_get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").await;
        assert_eq!(status, 200);
        let user_name = attribute(&user, "userName");
        assert_eq!((user_name["caseExact"].as_bool(), user_name["uniqueness"].as_str(), user_name["required"].as_bool()), (Some(false), Some("server"), Some(true)));
        assert_eq!(attribute(&user, "groups")["mutability"], "readOnly");
        assert_eq!(attribute(&user, "emails")["subAttributes"].as_array().unwrap().len(), 3);
        let (status, body) = app.scim_get("/Schemas/urn:nope").await;
        assert_scim_error(status, &body, 404, None);
        let (status, body) = app.scim_get("/ResourceTypes/Nope").await;
        assert_scim_error(status, &body, 404, None);
        let (status, _, body) = app.scim(reqwest::Method::POST, "/Schemas", Some(serde_json::json!({}))).await;
        assert_scim_error(status, &body, 405, None);
    }
}
