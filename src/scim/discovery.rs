//! Discovery (RFC 7644 §4): `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::errors::{ScimError, scim_body};
use super::query::MAX_COUNT;
use super::resource::list_response;
use super::schema::{self, ENTERPRISE, GROUP, USER};
use super::{BaseUrl, ScimState};

fn with_meta(mut resource: Value, kind: &str, location: &str) -> Value {
    resource["meta"] = json!({ "resourceType": kind, "location": location });
    resource
}

/// `GET /ServiceProviderConfig`
pub async fn service_provider_config(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
) -> Response {
    let mut schemes = Vec::new();
    if state.config.scim_bearer_token.is_some() {
        schemes.push(json!({
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "Authorization: Bearer <SCIM_BEARER_TOKEN>",
            "primary": true,
        }));
    }
    if state.config.scim_basic_username.is_some() {
        schemes.push(json!({
            "type": "httpbasic",
            "name": "HTTP Basic",
            "description": "SCIM_BASIC_USERNAME and SCIM_BASIC_PASSWORD",
            "primary": schemes.is_empty(),
        }));
    }
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://github.com/okrs/okrs#scim-okta-entra-id",
        "patch": { "supported": true },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": true, "maxResults": MAX_COUNT },
        "changePassword": { "supported": false },
        "sort": { "supported": true },
        "etag": { "supported": true },
        "authenticationSchemes": schemes,
    });
    let location = format!("{base}/ServiceProviderConfig");
    scim_body(
        StatusCode::OK,
        &with_meta(body, "ServiceProviderConfig", &location),
    )
}

fn resource_types(base: &str) -> Vec<Value> {
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "User Account",
        "schema": USER,
        "schemaExtensions": [{ "schema": ENTERPRISE, "required": false }],
    });
    let group = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "Group",
        "schema": GROUP,
    });
    [user, group]
        .into_iter()
        .map(|r| {
            let location = format!(
                "{base}/ResourceTypes/{}",
                r["id"].as_str().unwrap_or_default()
            );
            with_meta(r, "ResourceType", &location)
        })
        .collect()
}

fn schemas(base: &str) -> Vec<Value> {
    schema::all()
        .into_iter()
        .map(|s| {
            let location = format!("{base}/Schemas/{}", s["id"].as_str().unwrap_or_default());
            with_meta(s, "Schema", &location)
        })
        .collect()
}

fn one_of(items: Vec<Value>, id: &str, what: &str) -> Result<Response, ScimError> {
    items
        .into_iter()
        .find(|item| {
            item["id"]
                .as_str()
                .is_some_and(|i| i.eq_ignore_ascii_case(id))
        })
        .map(|item| scim_body(StatusCode::OK, &item))
        .ok_or_else(|| ScimError::not_found(format!("{what} {id} not found")))
}

fn all_of(items: &[Value]) -> Response {
    let total = items.len() as u64;
    scim_body(StatusCode::OK, &list_response(total, 1, items))
}

/// `GET /ResourceTypes`
pub async fn list_resource_types(BaseUrl(base): BaseUrl) -> Response {
    all_of(&resource_types(&base))
}

/// `GET /ResourceTypes/{name}`
pub async fn get_resource_type(
    BaseUrl(base): BaseUrl,
    Path(name): Path<String>,
) -> Result<Response, ScimError> {
    one_of(resource_types(&base), &name, "ResourceType")
}

/// `GET /Schemas`
pub async fn list_schemas(BaseUrl(base): BaseUrl) -> Response {
    all_of(&schemas(&base))
}

/// `GET /Schemas/{urn}`
pub async fn get_schema(
    BaseUrl(base): BaseUrl,
    Path(urn): Path<String>,
) -> Result<Response, ScimError> {
    one_of(schemas(&base), &urn, "Schema")
}
