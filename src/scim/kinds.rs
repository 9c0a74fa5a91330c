//! The resource types served: each domain [`Kind`](crate::domain::directory::Kind) bound to
//! its schema, its JSON mapping and its filter and sort translation. The endpoints in
//! `resource.rs` do the rest.

use super::mapping;
use super::query;
use super::resource::{Parse, Render, ResourceType, Sort, Translate};
use super::schema::Resource;
use crate::domain::directory::{Groups, Users};

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
