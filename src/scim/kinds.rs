//! The resource types served: each domain [`Kind`] bound to its schema, its JSON mapping and
//! its filter and sort translation. The endpoints in `resource.rs` do the rest.

use serde_json::Value;

use super::errors::ScimError;
use super::query;
use super::schema::Resource;
use super::{mapping, resource::ResourceType};
use crate::domain::directory::{Groups, Kind, Users};
use crate::query::filter::Filter;

/// Renders a record as SCIM JSON under a base URL.
pub type Render<K> = fn(&<K as Kind>::Record, &str) -> Value;
/// Reads the writable attributes from a SCIM body.
pub type Parse<K> = fn(&Value) -> Result<<K as Kind>::Fields, ScimError>;
/// Parses and translates a filter into the read engine's filter over the kind's catalog entry.
pub type Translate = fn(&str) -> Result<Filter, ScimError>;
/// Translates a `sortBy` path into a field of the kind's catalog entry.
pub type Sort = fn(Option<&str>) -> Result<Option<&'static str>, ScimError>;

impl ResourceType for Users {
    const RESOURCE: Resource = Resource::User;
    const RENDER: Render<Self> = mapping::user_json;
    const PARSE: Parse<Self> = mapping::user_fields;
    const FILTER: Translate = query::user_filter;
    const SORT: Sort = query::user_sort;
}

impl ResourceType for Groups {
    const RESOURCE: Resource = Resource::Group;
    const RENDER: Render<Self> = mapping::group_json;
    const PARSE: Parse<Self> = mapping::group_fields;
    const FILTER: Translate = query::group_filter;
    const SORT: Sort = query::group_sort;
}
