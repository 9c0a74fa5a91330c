//! List parameters (`filter`, `startIndex`, `count`, `sortBy`, `sortOrder`, `attributes`,
//! `excludedAttributes`) from a query string or a SearchRequest body; translation of the
//! filter AST into the domain's typed filters; and the attribute projection of responses.

use serde_json::{Map, Value};

use super::errors::ScimError;
use super::filter::{self, AttrPath, CompValue, CompareOp, FilterExpr};
use super::mapping::field;
use super::schema::{Attribute, Kind, Resolved, Resource};
use crate::domain::directory::{
    EmailAttr, Filter, GroupAttr, GroupLeaf, ListQuery, Op, RefAttr, Scalar, Test, UserAttr,
    UserLeaf,
};

/// `count` when the client sends none.
pub const DEFAULT_COUNT: u64 = 100;
/// The largest page.
pub const MAX_COUNT: u64 = 1000;

/// The parameters of a list or search request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListParams {
    /// The filter text.
    pub filter: Option<String>,
    /// 1-based index of the first result.
    pub start_index: u64,
    /// Page size, already bounded.
    pub count: u64,
    /// The attribute to sort on.
    pub sort_by: Option<String>,
    /// `sortOrder=descending`.
    pub descending: bool,
    /// `attributes`.
    pub attributes: Vec<String>,
    /// `excludedAttributes`.
    pub excluded: Vec<String>,
}

fn number(name: &str, text: &str) -> Result<i64, ScimError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| ScimError::invalid_value(format!("{name} must be an integer")))
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ListParams {
    fn new() -> Self {
        Self {
            start_index: 1,
            count: DEFAULT_COUNT,
            ..Self::default()
        }
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), ScimError> {
        match key.to_ascii_lowercase().as_str() {
            "filter" => self.filter = Some(value.to_owned()),
            "startindex" => self.start_index = number("startIndex", value)?.max(1) as u64,
            "count" => self.count = number("count", value)?.clamp(0, MAX_COUNT as i64) as u64,
            "sortby" => self.sort_by = Some(value.to_owned()).filter(|s| !s.is_empty()),
            "sortorder" => {
                self.descending = match value.to_ascii_lowercase().as_str() {
                    "ascending" | "" => false,
                    "descending" => true,
                    _ => {
                        return Err(ScimError::invalid_value(
                            "sortOrder is ascending or descending",
                        ));
                    }
                }
            }
            "attributes" => self.attributes = split_list(value),
            "excludedattributes" => self.excluded = split_list(value),
            _ => {}
        }
        Ok(())
    }

    /// From a URL query string.
    pub fn from_query(raw: Option<&str>) -> Result<Self, ScimError> {
        let mut params = Self::new();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            params.set(&key, &value)?;
        }
        Ok(params)
    }

    /// From a SearchRequest body (`POST …/.search`).
    pub fn from_search(body: &Value) -> Result<Self, ScimError> {
        let Some(body) = body.as_object() else {
            return Err(ScimError::invalid_syntax(
                "A SearchRequest is a JSON object",
            ));
        };
        let mut params = Self::new();
        for (key, value) in body {
            let text = match value {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
                _ if key == "schemas" => continue,
                _ => {
                    return Err(ScimError::invalid_value(format!(
                        "{key} has the wrong type"
                    )));
                }
            };
            if key != "schemas" {
                params.set(key, &text)?;
            }
        }
        Ok(params)
    }

    /// The domain query for this page, with `filter` already translated.
    pub fn page<L, S>(&self, filter: Option<Filter<L>>, sort: Option<S>) -> ListQuery<L, S> {
        ListQuery {
            filter,
            sort,
            descending: self.descending,
            offset: self.start_index - 1,
            limit: self.count,
        }
    }
}

fn resolve(resource: Resource, path: &AttrPath) -> Result<Resolved, ScimError> {
    resource
        .resolve(path.urn.as_deref(), &path.name, path.sub.as_deref())
        .ok_or_else(|| ScimError::invalid_filter(format!("unknown attribute {}", path.name)))
}

fn op(op: CompareOp) -> Op {
    match op {
        CompareOp::Eq => Op::Eq,
        CompareOp::Ne => Op::Ne,
        CompareOp::Co => Op::Co,
        CompareOp::Sw => Op::Sw,
        CompareOp::Ew => Op::Ew,
        CompareOp::Gt => Op::Gt,
        CompareOp::Ge => Op::Ge,
        CompareOp::Lt => Op::Lt,
        CompareOp::Le => Op::Le,
    }
}

/// The test of a leaf against an attribute of type `kind`.
fn test(kind: Kind, comparison: Option<(CompareOp, &CompValue)>) -> Result<Test, ScimError> {
    let Some((cmp, value)) = comparison else {
        return Ok(Test::Present);
    };
    let scalar = match (kind, value) {
        (_, CompValue::Null) => Scalar::Null,
        (Kind::Boolean, CompValue::Bool(b)) => Scalar::Bool(*b),
        (Kind::Boolean, CompValue::Str(s)) if s.eq_ignore_ascii_case("true") => Scalar::Bool(true),
        (Kind::Boolean, CompValue::Str(s)) if s.eq_ignore_ascii_case("false") => {
            Scalar::Bool(false)
        }
        (Kind::DateTime, CompValue::Str(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Scalar::Time(t.to_utc()))
            .map_err(|_| ScimError::invalid_filter(format!("{s:?} is not an RFC 3339 time")))?,
        (Kind::String | Kind::Reference, CompValue::Str(s)) => Scalar::Text(s.clone()),
        (Kind::String | Kind::Reference, CompValue::Num(n)) => Scalar::Text(n.to_string()),
        _ => {
            return Err(ScimError::invalid_filter(
                "the value does not fit the attribute's type",
            ));
        }
    };
    Ok(Test::Compare(op(cmp), scalar))
}

/// Splits a leaf into its path and optional comparison.
fn leaf(expr: &FilterExpr) -> Option<(&AttrPath, Option<(CompareOp, &CompValue)>)> {
    match expr {
        FilterExpr::Present(path) => Some((path, None)),
        FilterExpr::Compare(path, cmp, value) => Some((path, Some((*cmp, value)))),
        _ => None,
    }
}

/// Translates the boolean structure, mapping each leaf or value path with `f`.
fn translate<L>(
    expr: &FilterExpr,
    f: &mut impl FnMut(&FilterExpr) -> Result<Filter<L>, ScimError>,
) -> Result<Filter<L>, ScimError> {
    Ok(match expr {
        FilterExpr::And(a, b) => {
            Filter::And(Box::new(translate(a, f)?), Box::new(translate(b, f)?))
        }
        FilterExpr::Or(a, b) => Filter::Or(Box::new(translate(a, f)?), Box::new(translate(b, f)?)),
        FilterExpr::Not(a) => Filter::Not(Box::new(translate(a, f)?)),
        other => f(other)?,
    })
}

/// A filter over the elements of a multi-valued attribute, with relative paths.
fn element_filter<A: Copy>(
    parent: &'static Attribute,
    expr: &FilterExpr,
    member: &impl Fn(&str) -> Option<A>,
) -> Result<Filter<(A, Test)>, ScimError> {
    translate(expr, &mut |e| {
        let Some((path, comparison)) = leaf(e) else {
            return Err(ScimError::invalid_filter("value filters cannot nest"));
        };
        let sub = super::schema::sub_attribute(parent, &path.name)
            .ok_or_else(|| ScimError::invalid_filter(format!("unknown attribute {}", path.name)))?;
        let attr = member(sub.name)
            .ok_or_else(|| ScimError::invalid_filter(format!("cannot filter on {}", sub.name)))?;
        Ok(Filter::Leaf((attr, test(sub.kind, comparison)?)))
    })
}

fn email_attr(name: &str) -> Option<EmailAttr> {
    match name {
        "value" => Some(EmailAttr::Value),
        "type" => Some(EmailAttr::Type),
        "primary" => Some(EmailAttr::Primary),
        _ => None,
    }
}

fn ref_attr(name: &str) -> Option<RefAttr> {
    match name {
        "value" => Some(RefAttr::Value),
        "display" => Some(RefAttr::Display),
        _ => None,
    }
}

/// The single-valued user attribute at a resolved path, if it is one.
fn user_attr(r: &Resolved) -> Option<UserAttr> {
    Some(match (r.attr.name, r.sub.map(|s| s.name)) {
        ("id", None) => UserAttr::Id,
        ("externalId", None) => UserAttr::ExternalId,
        ("userName", None) => UserAttr::UserName,
        ("displayName", None) => UserAttr::DisplayName,
        ("active", None) => UserAttr::Active,
        ("name", Some("givenName")) => UserAttr::GivenName,
        ("name", Some("familyName")) => UserAttr::FamilyName,
        ("name", Some("middleName")) => UserAttr::MiddleName,
        ("name", Some("formatted")) => UserAttr::Formatted,
        ("department", None) => UserAttr::Department,
        ("manager", Some("value")) => UserAttr::ManagerId,
        ("manager", Some("displayName")) => UserAttr::ManagerDisplayName,
        ("meta", Some("created")) => UserAttr::Created,
        ("meta", Some("lastModified")) => UserAttr::LastModified,
        _ => return None,
    })
}

fn group_attr(r: &Resolved) -> Option<GroupAttr> {
    Some(match (r.attr.name, r.sub.map(|s| s.name)) {
        ("id", None) => GroupAttr::Id,
        ("externalId", None) => GroupAttr::ExternalId,
        ("displayName", None) => GroupAttr::DisplayName,
        ("meta", Some("created")) => GroupAttr::Created,
        ("meta", Some("lastModified")) => GroupAttr::LastModified,
        _ => return None,
    })
}

/// The kind of the addressed (sub-)attribute.
fn kind(r: &Resolved) -> Kind {
    r.sub.map_or(r.attr.kind, |s| s.kind)
}

/// Parses and translates a User filter.
pub fn user_filter(text: &str) -> Result<Filter<UserLeaf>, ScimError> {
    let expr = filter::parse_filter(text).map_err(|e| ScimError::invalid_filter(e.0))?;
    translate(&expr, &mut |e| {
        if let FilterExpr::ValuePath(path, inner) = e {
            let r = resolve(Resource::User, path)?;
            return match r.attr.name {
                "emails" => Ok(Filter::Leaf(UserLeaf::Email(element_filter(
                    r.attr,
                    inner,
                    &email_attr,
                )?))),
                "groups" => Ok(Filter::Leaf(UserLeaf::Group(element_filter(
                    r.attr, inner, &ref_attr,
                )?))),
                "roles" => translate(inner, &mut |e| match leaf(e) {
                    Some((_, comparison)) => Ok(Filter::Leaf(UserLeaf::Role(test(
                        Kind::String,
                        comparison,
                    )?))),
                    None => Err(ScimError::invalid_filter("value filters cannot nest")),
                }),
                _ => Err(ScimError::invalid_filter(format!(
                    "{} is not multi-valued",
                    r.attr.name
                ))),
            };
        }
        let Some((path, comparison)) = leaf(e) else {
            return Err(ScimError::invalid_filter("unsupported filter"));
        };
        let r = resolve(Resource::User, path)?;
        let sub = r.sub.map_or("value", |s| s.name);
        let leaf = match r.attr.name {
            "emails" => {
                let attr = email_attr(sub)
                    .ok_or_else(|| ScimError::invalid_filter("bad e-mail attribute"))?;
                let kind = if attr == EmailAttr::Primary {
                    Kind::Boolean
                } else {
                    Kind::String
                };
                UserLeaf::Email(Filter::Leaf((attr, test(kind, comparison)?)))
            }
            "roles" => UserLeaf::Role(test(Kind::String, comparison)?),
            "groups" => {
                let attr = ref_attr(sub)
                    .ok_or_else(|| ScimError::invalid_filter("bad group attribute"))?;
                UserLeaf::Group(Filter::Leaf((attr, test(Kind::String, comparison)?)))
            }
            _ => {
                let attr = user_attr(&r).ok_or_else(|| {
                    ScimError::invalid_filter(format!("cannot filter on {}", path.name))
                })?;
                UserLeaf::Attr(attr, test(kind(&r), comparison)?)
            }
        };
        Ok(Filter::Leaf(leaf))
    })
}

/// Parses and translates a Group filter.
pub fn group_filter(text: &str) -> Result<Filter<GroupLeaf>, ScimError> {
    let expr = filter::parse_filter(text).map_err(|e| ScimError::invalid_filter(e.0))?;
    translate(&expr, &mut |e| {
        if let FilterExpr::ValuePath(path, inner) = e {
            let r = resolve(Resource::Group, path)?;
            if r.attr.name != "members" {
                return Err(ScimError::invalid_filter(format!(
                    "{} is not multi-valued",
                    r.attr.name
                )));
            }
            return Ok(Filter::Leaf(GroupLeaf::Member(element_filter(
                r.attr, inner, &ref_attr,
            )?)));
        }
        let Some((path, comparison)) = leaf(e) else {
            return Err(ScimError::invalid_filter("unsupported filter"));
        };
        let r = resolve(Resource::Group, path)?;
        if r.attr.name == "members" {
            let attr = ref_attr(r.sub.map_or("value", |s| s.name))
                .ok_or_else(|| ScimError::invalid_filter("bad member attribute"))?;
            return Ok(Filter::Leaf(GroupLeaf::Member(Filter::Leaf((
                attr,
                test(Kind::String, comparison)?,
            )))));
        }
        let attr = group_attr(&r)
            .ok_or_else(|| ScimError::invalid_filter(format!("cannot filter on {}", path.name)))?;
        Ok(Filter::Leaf(GroupLeaf::Attr(
            attr,
            test(kind(&r), comparison)?,
        )))
    })
}

fn sort_path(resource: Resource, text: &str) -> Result<Resolved, ScimError> {
    filter::attr_path(text)
        .ok()
        .and_then(|p| resource.resolve(p.urn.as_deref(), &p.name, p.sub.as_deref()))
        .ok_or_else(|| ScimError::invalid_value(format!("cannot sort by {text}")))
}

/// The user attribute to sort by.
pub fn user_sort(sort_by: Option<&str>) -> Result<Option<UserAttr>, ScimError> {
    sort_by
        .map(|text| {
            user_attr(&sort_path(Resource::User, text)?)
                .ok_or_else(|| ScimError::invalid_value(format!("cannot sort by {text}")))
        })
        .transpose()
}

/// The group attribute to sort by.
pub fn group_sort(sort_by: Option<&str>) -> Result<Option<GroupAttr>, ScimError> {
    sort_by
        .map(|text| {
            group_attr(&sort_path(Resource::Group, text)?)
                .ok_or_else(|| ScimError::invalid_value(format!("cannot sort by {text}")))
        })
        .transpose()
}

/// The JSON keys leading to an attribute, e.g. `[ENTERPRISE, "manager", "value"]`.
pub fn json_keys(resource: Resource, text: &str) -> Option<Vec<String>> {
    if let Some(urn) = resource.extension(text) {
        return Some(vec![urn.to_owned()]);
    }
    let path = filter::attr_path(text).ok()?;
    let r = resource.resolve(path.urn.as_deref(), &path.name, path.sub.as_deref())?;
    let mut keys: Vec<String> = r.extension.map(str::to_owned).into_iter().collect();
    keys.push(r.attr.name.to_owned());
    keys.extend(r.sub.map(|s| s.name.to_owned()));
    Some(keys)
}

/// `attributes` / `excludedAttributes`, resolved to JSON key paths (unknown names ignored).
#[derive(Debug, Clone, Default)]
pub struct Projection {
    include: Vec<Vec<String>>,
    exclude: Vec<Vec<String>>,
}

/// Whether `asked` names `path` exactly or one of its parents (`members` names
/// `members.display`).
fn names(asked: &[Vec<String>], path: &[String]) -> bool {
    asked.iter().any(|a| {
        a.len() <= path.len() && a.iter().zip(path).all(|(x, y)| x.eq_ignore_ascii_case(y))
    })
}

impl Projection {
    /// The projection a request asked for.
    pub fn new(resource: Resource, attributes: &[String], excluded: &[String]) -> Self {
        let keys = |list: &[String]| -> Vec<Vec<String>> {
            list.iter().filter_map(|a| json_keys(resource, a)).collect()
        };
        let include = keys(attributes);
        let mut exclude = keys(excluded);
        // `returned: request` attributes stay out unless `attributes` names them.
        exclude.extend(
            resource
                .returned_on_request()
                .into_iter()
                .filter(|path| !names(&include, path)),
        );
        Self { include, exclude }
    }

    /// Applies the projection; `schemas` and `id` are always kept.
    pub fn apply(&self, resource: Value) -> Value {
        let mut out = if self.include.is_empty() {
            resource
        } else {
            let mut kept = Map::new();
            for key in ["schemas", "id"] {
                if let Some(v) = resource.get(key) {
                    kept.insert(key.to_owned(), v.clone());
                }
            }
            let mut kept = Value::Object(kept);
            for path in &self.include {
                if let Some(part) = keep(&resource, path) {
                    merge(&mut kept, part);
                }
            }
            kept
        };
        for path in &self.exclude {
            if !(path.len() == 1 && (path[0] == "id" || path[0] == "schemas")) {
                remove(&mut out, path);
            }
        }
        out
    }
}

fn keep(value: &Value, path: &[String]) -> Option<Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value.clone());
    };
    match value {
        Value::Object(object) => {
            let inner = keep(field(object, first)?, rest)?;
            Some(Value::Object(Map::from_iter([(first.clone(), inner)])))
        }
        Value::Array(items) => Some(Value::Array(
            items.iter().filter_map(|item| keep(item, path)).collect(),
        )),
        _ => None,
    }
}

fn merge(target: &mut Value, part: Value) {
    match (target, part) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        t.insert(k, v);
                    }
                }
            }
        }
        (target, part) => *target = part,
    }
}

fn remove(value: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match value {
        Value::Object(object) if rest.is_empty() => {
            object.remove(first);
        }
        Value::Object(object) => {
            if let Some(inner) = object.get_mut(first) {
                remove(inner, rest);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| remove(item, path)),
        _ => {}
    }
}
