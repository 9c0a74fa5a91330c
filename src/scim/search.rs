//! `POST /.search`: one SearchRequest over every resource type (users first, then groups),
//! paged over the concatenation. A filter naming attributes one type lacks matches nothing
//! of that type; it is an error only if it fits neither.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::errors::{ScimError, ScimJson, scim_body};
use super::query::ListParams;
use super::resource::{ResourceType, list_response, search};
use super::{BaseUrl, ScimState, filter};
use crate::domain::directory::{Groups, Users};

/// Lists one type for the overall page, or counts it as empty if the filter does not fit it.
async fn part<K: ResourceType>(
    state: &ScimState,
    params: &ListParams,
    base: &str,
) -> Result<Option<(u64, Vec<Value>)>, ScimError> {
    match search::<K>(state, params, base).await {
        Ok(found) => Ok(Some(found)),
        Err(err) if err.scim_type == Some("invalidFilter") => Ok(None),
        Err(err) => Err(err),
    }
}

/// `POST /.search`
pub async fn root(
    State(state): State<ScimState>,
    BaseUrl(base): BaseUrl,
    ScimJson(body): ScimJson<Value>,
) -> Result<Response, ScimError> {
    let params = ListParams::from_search(&body)?;
    if let Some(text) = params.filter.as_deref() {
        filter::check_size(text, &state.config.filter_limits()).map_err(ScimError::from)?;
    }
    let users = part::<Users>(&state, &params, &base).await?;
    let users_fit = users.is_some();
    let (user_total, mut resources) = users.unwrap_or_default();
    let group_params = ListParams {
        start_index: (params.start_index - 1).saturating_sub(user_total) + 1,
        count: params.count.saturating_sub(resources.len() as u64),
        ..params.clone()
    };
    let groups = part::<Groups>(&state, &group_params, &base).await?;
    if !users_fit && groups.is_none() {
        return Err(ScimError::invalid_filter(
            "The filter fits no resource type",
        ));
    }
    let (group_total, group_items) = groups.unwrap_or_default();
    resources.extend(group_items);
    Ok(scim_body(
        StatusCode::OK,
        &list_response(user_total + group_total, params.start_index, &resources),
    ))
}
