//! The endpoints every resource type shares (list, search, get, create, replace, patch,
//! delete), written once over [`ResourceType`]; `kinds.rs` binds users and groups.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{ScimError, ScimJson, scim_body};
use super::mapping::etag;
use super::query::{ListParams, Projection};
use super::schema::Resource;
use super::{BaseUrl, ScimState, filter, patch};
use crate::domain::directory::Kind;
use crate::error::DomainError;
use crate::query::filter::Filter;

/// The URN of a list response.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// How PATCH retries when someone else wrote between its read and its write (only when
/// the client sent no `If-Match`: then it asked for no particular version).
const PATCH_ATTEMPTS: usize = 3;

/// Renders a record as SCIM JSON under a base URL.
pub type Render<K> = fn(&<K as Kind>::Record, &str) -> Value;
/// Reads the writable attributes from a SCIM body.
pub type Parse<K> = fn(&Value) -> Result<<K as Kind>::Fields, ScimError>;
/// Parses and translates a filter into the read engine's filter over the kind's catalog entry.
pub type Translate = fn(&str) -> Result<Filter, ScimError>;
/// Translates a `sortBy` path into a field of the kind's catalog entry.
pub type Sort = fn(Option<&str>) -> Result<Option<&'static str>, ScimError>;

/// One SCIM resource type: a domain [`Kind`] with its schema and its SCIM translations
/// (bound in `kinds.rs`).
pub trait ResourceType: Kind {
    /// Which schema it follows.
    const RESOURCE: Resource;
    /// The resource as SCIM JSON.
    const RENDER: Render<Self>;
    /// Reads a body.
    const PARSE: Parse<Self>;
    /// Parses and translates a filter.
    const FILTER: Translate;
    /// Translates `sortBy`.
    const SORT: Sort;
}

/// A list response body.
pub fn list_response(total: u64, start_index: u64, resources: &[Value]) -> Value {
    json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// Runs a list for `params`, rendered and projected.
pub async fn search<K: ResourceType>(
    state: &ScimState,
    params: &ListParams,
    base: &str,
) -> Result<(u64, Vec<Value>), ScimError> {
    let dir = state.directory.as_ref();
    if let Some(text) = params.filter.as_deref() {
        filter::check_size(text, &state.config.filter_limits()).map_err(ScimError::from)?;
    }
    let filter = params.filter.as_deref().map(K::FILTER).transpose()?;
    let sort = (K::SORT)(params.sort_by.as_deref())?;
    let page = K::store(dir).list(params.page(filter, sort)).await?;
    let projection = Projection::new(K::RESOURCE, &params.attributes, &params.excluded);
    let items = page
        .items
        .iter()
        .map(|r| projection.apply((K::RENDER)(r, base)))
        .collect();
    Ok((page.total, items))
}

/// `GET /{type}`
pub async fn list<K: ResourceType>(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
    RawQuery(query): RawQuery,
) -> Result<Response, ScimError> {
    let params = ListParams::from_query(query.as_deref())?;
    let (total, items) = search::<K>(&state, &params, &base).await?;
    Ok(scim_body(
        StatusCode::OK,
        &list_response(total, params.start_index, &items),
    ))
}

/// `POST /{type}/.search`
pub async fn post_search<K: ResourceType>(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
    ScimJson(body): ScimJson<Value>,
) -> Result<Response, ScimError> {
    let params = ListParams::from_search(&body)?;
    let (total, items) = search::<K>(&state, &params, &base).await?;
    Ok(scim_body(
        StatusCode::OK,
        &list_response(total, params.start_index, &items),
    ))
}

/// A single-resource response with `ETag` (and `Location` for 201).
fn single<K: ResourceType>(
    status: StatusCode,
    record: &K::Record,
    base: &str,
    projection: &Projection,
) -> Response {
    let body = (K::RENDER)(record, base);
    let location = body["meta"]["location"].as_str().map(str::to_owned);
    let mut response = scim_body(status, &projection.apply(body));
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag(K::version(record))) {
        headers.insert(header::ETAG, tag);
    }
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// A written resource in full (create, replace, patch).
fn written<K: ResourceType>(status: StatusCode, record: &K::Record, base: &str) -> Response {
    single::<K>(
        status,
        record,
        base,
        &Projection::new(K::RESOURCE, &[], &[]),
    )
}

/// The version named by `If-Match` (`None` when absent or `*`); an unreadable one is 412.
fn if_match(headers: &HeaderMap) -> Result<Option<i32>, ScimError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    text.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i32>()
        .map(Some)
        .map_err(|_| {
            ScimError::new(
                StatusCode::PRECONDITION_FAILED,
                "If-Match names no version of this resource",
            )
        })
}

/// Whether `If-None-Match` names the current entity tag (or `*`): the client's copy is current.
fn if_none_match(headers: &HeaderMap, current: &str) -> bool {
    let Some(value) = headers.get(header::IF_NONE_MATCH) else {
        return false;
    };
    let current = current.trim_start_matches("W/");
    value.to_str().unwrap_or_default().split(',').any(|tag| {
        let tag = tag.trim();
        tag == "*" || tag.trim_start_matches("W/") == current
    })
}

/// 400 `invalidSyntax` unless the body's `schemas` lists the resource's core schema URN.
fn require_schema<K: ResourceType>(body: &Value) -> Result<(), ScimError> {
    let urn = K::RESOURCE.schema();
    let listed = body
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|schemas| {
            schemas
                .iter()
                .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(urn)))
        });
    if listed {
        Ok(())
    } else {
        Err(ScimError::invalid_syntax(format!(
            "The body's schemas must list {urn}"
        )))
    }
}

fn projection<K: ResourceType>(query: Option<&str>) -> Result<Projection, ScimError> {
    let params = ListParams::from_query(query)?;
    Ok(Projection::new(
        K::RESOURCE,
        &params.attributes,
        &params.excluded,
    ))
}

/// `GET /{type}/{id}`
pub async fn get<K: ResourceType>(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ScimError> {
    let projection = projection::<K>(query.as_deref())?;
    let record = K::store(state.directory.as_ref()).get(&id).await?;
    let tag = etag(K::version(&record));
    if if_none_match(&headers, &tag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(value) = HeaderValue::from_str(&tag) {
            response.headers_mut().insert(header::ETAG, value);
        }
        return Ok(response);
    }
    Ok(single::<K>(StatusCode::OK, &record, &base, &projection))
}

/// `POST /{type}`: 201 with `Location`.
pub async fn create<K: ResourceType>(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
    ScimJson(body): ScimJson<Value>,
) -> Result<Response, ScimError> {
    require_schema::<K>(&body)?;
    let fields = (K::PARSE)(&body)?;
    let record = K::store(state.directory.as_ref()).create(fields).await?;
    Ok(written::<K>(StatusCode::CREATED, &record, &base))
}

/// `PUT /{type}/{id}`: replaces every writable attribute.
pub async fn replace<K: ResourceType>(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    headers: HeaderMap,
    ScimJson(body): ScimJson<Value>,
) -> Result<Response, ScimError> {
    let expected = if_match(&headers)?;
    require_schema::<K>(&body)?;
    if body
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|body_id| body_id != id)
    {
        return Err(ScimError::mutability(
            "the body's id differs from the URL's",
        ));
    }
    let fields = (K::PARSE)(&body)?;
    let record = K::store(state.directory.as_ref())
        .replace(&id, fields, expected)
        .await?;
    Ok(written::<K>(StatusCode::OK, &record, &base))
}

/// `PATCH /{type}/{id}`: applies every operation, then writes once; 200 with the resource.
pub async fn modify<K: ResourceType>(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
    Path(id): Path<String>,
    headers: HeaderMap,
    ScimJson(body): ScimJson<Value>,
) -> Result<Response, ScimError> {
    let expected = if_match(&headers)?;
    let dir = state.directory.as_ref();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = K::store(dir).get(&id).await?;
        let version = K::version(&current);
        if expected.is_some_and(|e| e != version) {
            let entity = K::RESOURCE.name();
            return Err(DomainError::Stale {
                entity,
                id,
                current: version,
            }
            .into());
        }
        let mut resource = (K::RENDER)(&current, &base);
        patch::apply(K::RESOURCE, &mut resource, &body)?;
        let fields = (K::PARSE)(&resource)?;
        match K::store(dir).replace(&id, fields, Some(version)).await {
            Ok(record) => {
                return Ok(written::<K>(StatusCode::OK, &record, &base));
            }
            Err(DomainError::Stale { .. }) if expected.is_none() && attempt < PATCH_ATTEMPTS => {}
            Err(err) => return Err(err.into()),
        }
    }
}

/// `DELETE /{type}/{id}`: 204.
pub async fn delete<K: ResourceType>(
    State(state): State<ScimState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ScimError> {
    let expected = if_match(&headers)?;
    K::store(state.directory.as_ref())
        .delete(&id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
