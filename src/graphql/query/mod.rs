//! Root query fields, one object per entity, merged into [`Query`]. Every root field needs a
//! signed-in user; nested fields are reached only through a root field.

mod analytics;
mod cycle;
mod group;
mod objective;
mod okr;
mod user;

use async_graphql::{ID, MergedObject};

use crate::graphql::errors::{code, with_code};

/// The root query type.
#[derive(MergedObject, Default)]
pub struct Query(
    user::UserQuery,
    group::GroupQuery,
    cycle::CycleQuery,
    okr::OkrQuery,
    objective::ObjectiveQuery,
    analytics::AnalyticsQuery,
);

/// A numeric id, or `BAD_USER_INPUT`.
pub(crate) fn numeric_id(id: &ID, argument: &str) -> async_graphql::Result<i64> {
    id.parse::<i64>().map_err(|_| {
        with_code(
            format!("`{argument}` is not a valid id: {}", id.as_str()),
            code::BAD_USER_INPUT,
        )
    })
}
