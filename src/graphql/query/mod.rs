//! Root query fields, one object per entity, merged into [`Query`]. Every root field needs a
//! signed-in user; nested fields are reached only through a root field.

mod analytics;
mod cycle;
mod group;
mod node;
mod objective;
mod okr;
mod user;

use async_graphql::{ID, MergedObject};

use crate::graphql::errors::{code, with_code};
use crate::values::ids;

/// The root query type.
#[derive(MergedObject, Default)]
pub struct Query(
    user::UserQuery,
    group::GroupQuery,
    cycle::CycleQuery,
    okr::OkrQuery,
    objective::ObjectiveQuery,
    analytics::AnalyticsQuery,
    node::NodeQuery,
);

/// A numeric id in its canonical form, or `BAD_USER_INPUT` (decisions.md 23).
pub(crate) fn numeric_id(id: &ID, argument: &str) -> async_graphql::Result<i64> {
    ids::numeric(id).ok_or_else(|| {
        with_code(
            format!("`{argument}` is not an id: write it in decimal digits, with no sign or leading zero"),
            code::BAD_USER_INPUT,
        )
    })
}

/// A user id in its canonical form (a lowercase hyphenated UUID), or `BAD_USER_INPUT`.
pub(crate) fn user_id<'a>(id: &'a ID, argument: &str) -> async_graphql::Result<&'a str> {
    if ids::is_user_id(id) {
        Ok(id.as_str())
    } else {
        Err(with_code(
            format!("`{argument}` is not a user id: write it as a lowercase hyphenated UUID"),
            code::BAD_USER_INPUT,
        ))
    }
}
