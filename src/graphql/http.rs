//! `/graphql` over HTTP, following the GraphQL-over-HTTP specification.
//!
//! async-graphql-axum's stock handler answers `application/graphql-response+json` to clients
//! that accept only `application/json`, runs mutations over GET, accepts POSTs without a JSON
//! content type and answers unexecutable requests with 200; this handler does all four as the
//! specification asks, and the npm `graphql-http` audit checks it in CI.

use std::sync::{Arc, LazyLock};

use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, OperationType};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::access_log;
use crate::auth::bearer_token;
use crate::config::Introspection;
use crate::graphql::completion::{self, Executable, Executed};
use crate::graphql::context::Viewer;
use crate::graphql::documents::{self, Prepared};
use crate::graphql::errors::code;
use crate::graphql::input_shape;
use crate::graphql::loaders::Loaders;
use crate::graphql::persisted::{PersistedQuery, Unresolved};
use crate::graphql::scheduler::{self, Scheduler};
use crate::graphql::schema;
use crate::query::statements::StatementCounter;
use crate::state::AppState;

/// The response media types a client can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: 4xx for requests that cannot be executed.
    GraphqlResponseJson,
    /// `application/json`: the legacy type; always 200 once the request is well-formed.
    Json,
}

impl MediaType {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// The parameters of one GraphQL request, from a JSON body or a query string.
#[derive(Debug, Default)]
pub struct Params {
    /// The document's text.
    pub query: String,
    /// The variables' values.
    pub variables: Map<String, Value>,
    /// The operation to run, when the document has several.
    pub operation_name: Option<String>,
    /// `extensions.persistedQuery`: the document is (or is to be registered as) the one
    /// with this hash; `query` is empty when the client sent only the hash.
    pub persisted: Option<PersistedQuery>,
}

/// `POST /graphql` with a JSON body.
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if !has_json_content_type(&headers) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "POST bodies must be JSON: send Content-Type: application/json",
        );
    }
    let value = match parse_body(&body) {
        Ok(value) => value,
        Err(message) => return request_error(StatusCode::BAD_REQUEST, media, &message),
    };
    if let Value::Array(operations) = value {
        return batch(&state, &headers, media, operations).await;
    }
    let mut params = match params_from_value(value) {
        Ok(params) => params,
        Err(message) => return request_error(StatusCode::BAD_REQUEST, media, &message),
    };
    match prepare(&state, &mut params) {
        Ok(document) => execute(&state, &headers, media, params, document).await,
        Err(refusal) => refused(media, refusal),
    }
}

/// A batch: a JSON array of operations, as Apollo's `BatchHttpLink` sends. Each runs as a
/// request of its own, one after another, with its own limits and statement budget; the
/// answer is the array of their results in order (an operation refused before running
/// gets `{"errors": […]}` in its place). An empty batch, or one of more than `BATCH_LIMIT`
/// operations, is refused whole.
async fn batch(
    state: &AppState,
    headers: &HeaderMap,
    media: MediaType,
    operations: Vec<Value>,
) -> Response {
    let limit = state.config.batch_limit;
    if operations.is_empty() || operations.len() > limit {
        let message = if limit == 0 {
            "Batching is off on this server (BATCH_LIMIT is 0)".to_owned()
        } else if operations.is_empty() {
            "A batch needs at least one operation".to_owned()
        } else {
            format!("A batch may hold at most {limit} operations (BATCH_LIMIT is {limit})")
        };
        return request_error(StatusCode::BAD_REQUEST, media, &message);
    }
    let mut results: Vec<Vec<u8>> = Vec::with_capacity(operations.len());
    let mut logged = access_log::Operation {
        kind: "batch",
        ..access_log::Operation::default()
    };
    for operation in operations {
        let prepared = params_from_value(operation)
            .map_err(|message| (message, code::BAD_USER_INPUT))
            .and_then(|mut params| prepare(state, &mut params).map(|document| (params, document)));
        let body = match prepared {
            Ok((params, document)) => {
                let (body, _, operation) = execute_json(state, headers, params, document).await;
                logged.absorb(operation);
                body
            }
            Err((message, code)) => error_body(&message, code),
        };
        results.push(body);
    }
    let body = [b"[".to_vec(), results.join(&b","[..]), b"]".to_vec()].concat();
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, media.content_type())],
        body,
    )
        .into_response();
    response.extensions_mut().insert(logged);
    response
}

/// `GET /graphql?query=…`: queries only.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let mut params = match params_from_query_string(raw.as_deref().unwrap_or_default()) {
        Ok(params) => params,
        Err(message) => return request_error(StatusCode::BAD_REQUEST, media, &message),
    };
    let document = match prepare(&state, &mut params) {
        Ok(document) => document,
        Err(refusal) => return refused(media, refusal),
    };
    if let Some(document) = &document
        && selects_mutation(&document.document, params.operation_name.as_deref())
    {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "Mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, &headers, media, params, document).await
}

/// `GET /graphql/schema.graphql`: the schema in SDL, exactly as `schema.graphql` holds it,
/// to whoever `INTROSPECTION` lets query the schema (else 404 when it is off, 401 without a
/// token it accepts).
pub async fn sdl(State(state): State<AppState>, headers: HeaderMap) -> Response {
    static SDL: LazyLock<String> = LazyLock::new(schema::sdl);
    let viewer = viewer(&state, &headers);
    if !may_introspect(&state, &viewer).await {
        let (status, message, code) = match state.config.introspection {
            Introspection::Off => (
                StatusCode::NOT_FOUND,
                "Introspection is off on this server",
                code::INTROSPECTION_DISABLED,
            ),
            _ => (
                StatusCode::UNAUTHORIZED,
                "The schema is shown to signed-in users: send a bearer token",
                code::UNAUTHENTICATED,
            ),
        };
        return error_response(status, MediaType::Json, message, code);
    }
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        SDL.as_str(),
    )
        .into_response()
}

/// Whether this request may query the schema (`INTROSPECTION`); in `signed-in` mode this
/// looks the user up (the viewer keeps it for the resolvers).
async fn may_introspect(state: &AppState, viewer: &Viewer) -> bool {
    match state.config.introspection {
        Introspection::On => true,
        Introspection::Off => false,
        Introspection::SignedIn => viewer.user(&state.db).await.is_ok(),
    }
}

/// The error of an operation that asks for the schema where `INTROSPECTION` does not let it.
fn introspection_refused(mode: Introspection) -> async_graphql::Response {
    let (message, code) = match mode {
        Introspection::Off => (
            "Introspection is off on this server",
            code::INTROSPECTION_DISABLED,
        ),
        _ => (
            "The schema is shown to signed-in users: send a valid bearer token",
            code::UNAUTHENTICATED,
        ),
    };
    let mut error = async_graphql::ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    async_graphql::Response::from_errors(vec![error])
}

/// Why a request was refused before execution: the message and its `extensions.code`.
pub type Refusal = (String, &'static str);

/// The request's document, parsed and checked against the limits, and its variables checked
/// too; `None` for a document that does not parse (execution reports the syntax error). A
/// persisted query's document is looked up (or registered) first and put in `params`.
pub fn prepare(state: &AppState, params: &mut Params) -> Result<Option<Arc<Executable>>, Refusal> {
    if let Some(persisted) = &params.persisted {
        let sent = (!params.query.is_empty()).then_some(params.query.as_str());
        match state.persisted.resolve(persisted, sent) {
            Ok(query) if sent.is_none() => {
                count_persisted(state, "hit");
                params.query = query.as_ref().to_owned();
            }
            Ok(_) => count_persisted(state, "registered"),
            Err(unresolved) => {
                if unresolved == Unresolved::NotFound {
                    count_persisted(state, "miss");
                }
                return Err((unresolved.message().to_owned(), unresolved.code()));
            }
        }
    }
    let shape = state.config.shape_limits();
    if let Err(refusal) = input_shape::check_variables(params.variables.values(), shape) {
        return Err((refusal.to_string(), code::BAD_USER_INPUT));
    }
    match state.documents.prepare(&params.query) {
        Prepared::Ready(document) => Ok(Some(document)),
        Prepared::Unparsable => Ok(None),
        Prepared::Refused(refusal) => Err((refusal.to_string(), refusal.code())),
    }
}

/// Counts a persisted-query lookup, when metrics are collected.
fn count_persisted(state: &AppState, result: &'static str) {
    if let Some(metrics) = &state.metrics {
        metrics.persisted_query(result);
    }
}

/// The response refusing a request before execution: 400 for `graphql-response+json`
/// clients, 200 for legacy `application/json` ones.
fn refused(media: MediaType, (message, code): Refusal) -> Response {
    let status = match media {
        MediaType::GraphqlResponseJson => StatusCode::BAD_REQUEST,
        MediaType::Json => StatusCode::OK,
    };
    logged(error_response(status, media, &message, code), code)
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    media: MediaType,
    params: Params,
    document: Option<Arc<Executable>>,
) -> Response {
    let (body, request_error, logged) = execute_json(state, headers, params, document).await;
    let status = if media == MediaType::GraphqlResponseJson && request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut response =
        (status, [(header::CONTENT_TYPE, media.content_type())], body).into_response();
    response.extensions_mut().insert(logged);
    response
}

/// Runs one operation: its response body (JSON), whether it never ran (a request error),
/// and what the access log reports of it.
async fn execute_json(
    state: &AppState,
    headers: &HeaderMap,
    params: Params,
    document: Option<Arc<Executable>>,
) -> (Vec<u8>, bool, access_log::Operation) {
    let operation = document.as_deref().and_then(|executable| {
        documents::operation(&executable.document, params.operation_name.as_deref())
    });
    let name = document
        .as_deref()
        .map_or(params.operation_name.as_deref(), |executable| {
            documents::operation_name(&executable.document, params.operation_name.as_deref())
        });
    let mut logged = access_log::Operation {
        name: name.map(str::to_owned),
        kind: operation.map_or("", |operation| match operation.ty {
            OperationType::Query => "query",
            OperationType::Mutation => "mutation",
            OperationType::Subscription => "subscription",
        }),
        ..access_log::Operation::default()
    };
    let (response, counter) = run_counted(state, headers, params, document).await;
    logged.sql_statements = counter.count();
    logged.pool_wait = counter.pool_wait();
    for error in &response.errors {
        let code = error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .map(|code| match code {
                async_graphql::Value::String(text) => text.clone(),
                other => other.to_string(),
            });
        if let Some(code) = code {
            logged.note_error_code(code);
        }
    }
    let request_error = is_request_error(&response);
    // A request that never ran has no `data` entry at all (GraphQL-over-HTTP, both media
    // types). Serialized straight from the response, so its fields keep their order.
    let body = if request_error {
        serde_json::to_vec(&json!({ "errors": response.errors }))
    } else {
        serde_json::to_vec(&response)
    };
    let body = body.unwrap_or_else(|_| error_body("Internal server error", code::INTERNAL));
    (body, request_error, logged)
}

/// Runs a request [`prepare`]d from `params` as the caller `headers` authenticate: executes
/// it on `state.schema`, completes the response as the specification asks and gives every
/// error its code. `document` is `None` for a document that does not parse.
pub async fn run(
    state: &AppState,
    headers: &HeaderMap,
    params: Params,
    document: Option<Arc<Executable>>,
) -> async_graphql::Response {
    run_counted(state, headers, params, document).await.0
}

/// [`run`], with the counter of the SQL statements the request ran.
async fn run_counted(
    state: &AppState,
    headers: &HeaderMap,
    params: Params,
    document: Option<Arc<Executable>>,
) -> (async_graphql::Response, Arc<StatementCounter>) {
    let viewer = viewer(state, headers);
    let introspective = document.as_deref().is_some_and(|document| {
        documents::selects_introspection(&document.document, params.operation_name.as_deref())
    });
    if introspective && !may_introspect(state, &viewer).await {
        return (
            introspection_refused(state.config.introspection),
            StatementCounter::new(0),
        );
    }
    // A mutation is all-or-nothing: a budget that ran out after its writes committed would
    // leave the client unsure whether to retry. Its statements are still counted, and the
    // payload's reads are bounded by the document's depth and complexity limits.
    let mutation = document.as_deref().is_some_and(|document| {
        selects_mutation(&document.document, params.operation_name.as_deref())
    });
    let budget = if mutation {
        usize::MAX
    } else {
        state.config.sql_statement_budget
    };
    let counter = StatementCounter::new(budget);
    let scheduler = Scheduler::new();
    let loaders = Loaders::new(state.db.clone(), &state.batch_db, scheduler.clone());
    let variables = Variables::from_json(Value::Object(params.variables));
    let mut request = async_graphql::Request::new(params.query)
        .variables(variables.clone())
        .data(viewer)
        .data(loaders);
    if let Some(name) = &params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(executable) = &document {
        request.set_parsed_query(executable.document.clone());
    }
    let schema = state.schema.clone();
    let executed = scheduler::run_request(counter.clone(), &scheduler, async move {
        schema.execute(request).await
    })
    .await;
    let mut response = match executed {
        Ok(response) => response,
        Err(err) => {
            tracing::error!(error = %err, "the request's execution task failed");
            let error = async_graphql::ServerError::new("Internal server error", None);
            let mut response = async_graphql::Response::from_errors(vec![error]);
            tag_internal(&mut response);
            response
        }
    };
    if let Some(executable) = &document
        && !is_request_error(&response)
    {
        let executed = Executed {
            executable,
            operation_name: params.operation_name.as_deref(),
            variables: &variables,
        };
        completion::complete(executed, completion::types::served(), &mut response);
        if introspective {
            without_schema_description(executable, params.operation_name.as_deref(), &mut response);
        }
    }
    tag_limit_errors(&mut response);
    if state.config.expose_sql_statement_count {
        let count = async_graphql::Value::from(counter.count() as u64);
        response
            .extensions
            .insert("sqlStatements".to_owned(), count);
    }
    (response, counter)
}

/// `__schema { description }` is the schema's own description, and this schema has none:
/// async-graphql 7.2 answers a fixed text about `__Schema` instead (and declares the field
/// `String!`, so this runs after completion), which clients would take as the schema's
/// (graphql-js then prints a `schema { … }` block no SDL has).
fn without_schema_description(
    executable: &Executable,
    operation_name: Option<&str>,
    response: &mut async_graphql::Response,
) {
    let async_graphql::Value::Object(data) = &mut response.data else {
        return;
    };
    for (schema, description) in
        documents::schema_description_keys(&executable.document, operation_name)
    {
        if let Some(async_graphql::Value::Object(fields)) = data.get_mut(schema.as_str())
            && let Some(value) = fields.get_mut(description.as_str())
        {
            *value = async_graphql::Value::Null;
        }
    }
}

fn viewer(state: &AppState, headers: &HeaderMap) -> Viewer {
    match headers.get(header::AUTHORIZATION) {
        None => Viewer::from_bearer(None, &state.keys.verifier, &state.signed_in),
        Some(value) => match value.to_str().ok().and_then(bearer_token) {
            Some(token) => Viewer::from_bearer(Some(token), &state.keys.verifier, &state.signed_in),
            None => Viewer::invalid(),
        },
    }
}

fn tag_internal(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code::INTERNAL);
    }
}

/// A request that never reached execution (parse or validation failure, or a limit): its
/// errors carry no path and there is no data.
fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

/// Gives every error an `extensions.code`: async-graphql's complexity refusals get
/// `QUERY_TOO_COMPLEX`; its parse, validation and argument-coercion errors (the only errors
/// without a code, since every resolver error carries one) get `BAD_USER_INPUT`.
fn tag_limit_errors(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let over_limit = error.message.starts_with("Query is too complex");
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if over_limit {
            extensions.set("code", code::QUERY_TOO_COMPLEX);
        } else if extensions.get("code").is_none() {
            extensions.set("code", code::BAD_USER_INPUT);
        }
    }
}

/// Chooses the response type from `Accept`: the supported type with the highest quality;
/// a missing header or a wildcard means `application/json`; `None` when nothing is acceptable.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Some(MediaType::Json);
    };
    let accept = accept.to_str().unwrap_or_default();
    let mut best: Option<(f32, MediaType)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let kind = parts.next().unwrap_or_default().to_ascii_lowercase();
        let quality = parts
            .filter_map(|param| param.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let media = match kind.as_str() {
            "application/graphql-response+json" => MediaType::GraphqlResponseJson,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, media));
        }
    }
    best.map(|(_, media)| media)
}

/// 406 for a client that accepts neither JSON media type.
fn not_acceptable() -> Response {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        "Accept application/graphql-response+json or application/json",
    )
}

fn has_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("application/graphql-response+json")
}

fn parse_body(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|err| {
        if err.to_string().starts_with("recursion limit exceeded") {
            "The body's JSON is nested more than 128 levels deep".to_owned()
        } else {
            "The body is not valid JSON".to_owned()
        }
    })
}

fn params_from_value(value: Value) -> Result<Params, String> {
    let Value::Object(mut object) = value else {
        return Err(
            "The body must be a JSON object (or, for a batch, an array of them)".to_owned(),
        );
    };
    let persisted = match object.get("extensions") {
        None | Some(Value::Null) => None,
        Some(extensions @ Value::Object(_)) => PersistedQuery::from_extensions(extensions)?,
        Some(_) => return Err("`extensions` must be an object".to_owned()),
    };
    let query = match object.remove("query") {
        Some(Value::String(query)) => query,
        Some(Value::Null) | None if persisted.is_some() => String::new(),
        Some(_) => return Err("`query` must be a string".to_owned()),
        None => return Err("`query` is required".to_owned()),
    };
    let variables = match object.remove("variables") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(variables)) => variables,
        Some(_) => return Err("`variables` must be an object".to_owned()),
    };
    let operation_name = match object.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err("`operationName` must be a string".to_owned()),
    };
    Ok(Params {
        query,
        variables,
        operation_name,
        persisted,
    })
}

fn params_from_query_string(raw: &str) -> Result<Params, String> {
    let mut params = Params::default();
    let mut has_query = false;
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match key.as_ref() {
            "query" => {
                params.query = value.into_owned();
                has_query = true;
            }
            "variables" if !value.is_empty() => {
                params.variables = match serde_json::from_str::<Value>(&value) {
                    Ok(Value::Object(variables)) => variables,
                    Ok(Value::Null) => Map::new(),
                    _ => return Err("`variables` must be a JSON object".to_owned()),
                };
            }
            "operationName" if !value.is_empty() => {
                params.operation_name = Some(value.into_owned());
            }
            "extensions" if !value.is_empty() => match serde_json::from_str::<Value>(&value) {
                Ok(extensions @ Value::Object(_)) => {
                    params.persisted = PersistedQuery::from_extensions(&extensions)?;
                }
                _ => return Err("`extensions` must be a JSON object".to_owned()),
            },
            _ => {}
        }
    }
    if has_query || params.persisted.is_some() {
        Ok(params)
    } else {
        Err("`query` is required".to_owned())
    }
}

/// Whether the operation the request would run is a mutation (or subscription).
fn selects_mutation(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    matches!(
        documents::operation(document, operation_name).map(|operation| operation.ty),
        Some(OperationType::Mutation | OperationType::Subscription)
    )
}

/// A response for a request that could not be executed, in GraphQL's error shape.
fn request_error(status: StatusCode, media: MediaType, message: &str) -> Response {
    let code = code::BAD_USER_INPUT;
    logged(error_response(status, media, message, code), code)
}

/// `response`, refusing a GraphQL request before it ran, marked for the access log.
fn logged(mut response: Response, code: &str) -> Response {
    response.extensions_mut().insert(access_log::Operation {
        error_codes: vec![code.to_owned()],
        ..access_log::Operation::default()
    });
    response
}

/// A response with one error and no `data`.
fn error_response(status: StatusCode, media: MediaType, message: &str, code: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        error_body(message, code),
    )
        .into_response()
}

/// `{"errors": [{message, extensions: {code}}]}`, as JSON text.
fn error_body(message: &str, code: &str) -> Vec<u8> {
    json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
        .to_string()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_highest_quality_supported_type_wins() {
        let both = "application/json;q=0.9, application/graphql-response+json";
        assert_eq!(
            negotiate(&accept(both)).unwrap(),
            MediaType::GraphqlResponseJson
        );
        assert_eq!(
            negotiate(&accept("application/json")).unwrap(),
            MediaType::Json
        );
        assert_eq!(negotiate(&accept("*/*")).unwrap(), MediaType::Json);
        assert_eq!(negotiate(&HeaderMap::new()).unwrap(), MediaType::Json);
    }

    #[test]
    fn unsupported_types_are_not_acceptable() {
        assert_eq!(negotiate(&accept("text/html")), None);
    }

    #[test]
    fn json_bodies_must_have_a_string_query() {
        let params = |body: &[u8]| parse_body(body).and_then(params_from_value);
        assert!(params(br#"{"query": 1}"#).is_err());
        assert!(params(br#"{"variables": {}}"#).is_err());
        assert!(params(br#"[]"#).is_err());
        assert!(params(br#"{"query": "{a}", "variables": null}"#).is_ok());
    }

    #[test]
    fn named_mutations_are_detected() {
        let document =
            async_graphql::parser::parse_query("query A { a } mutation B { b }").unwrap();
        assert!(selects_mutation(&document, Some("B")));
        assert!(!selects_mutation(&document, Some("A")));
        let named = async_graphql::parser::parse_query("mutation B { b }").unwrap();
        assert!(
            selects_mutation(&named, None),
            "the only operation runs unnamed"
        );
    }
}
