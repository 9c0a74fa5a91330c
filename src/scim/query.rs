//! List parameters (`filter`, `startIndex`, `count`, `sortBy`, `sortOrder`, `attributes`,
//! `excludedAttributes`) from a query string or a SearchRequest body; translation of the
//! filter AST into the domain's typed filters; and the attribute projection of responses.

use serde_json::{Map, Value};

use super::errors::ScimError;
use super::filter::{self, AttrPath, CompValue, CompareOp, FilterExpr};
use super::mapping::field;
use super::schema::{Attribute, Resolved, Resource};
use crate::catalog::scim::{self, ScimAttribute, ScimTarget};
use crate::catalog::{self, EntityDef, Kind as FieldKind};
use crate::domain::directory::ListQuery;
use crate::query::filter::{Filter, Predicate, Quantifier, Scalar};
use crate::values::ids;

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

    /// The domain query for this page, with `filter` and `sort` already translated.
    pub fn page(&self, filter: Option<Filter>, sort: Option<&'static str>) -> ListQuery {
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

/// A SCIM value as text (strings and numbers).
fn text_value(value: &CompValue) -> Result<String, ScimError> {
    match value {
        CompValue::Str(text) => Ok(text.clone()),
        CompValue::Num(number) => Ok(number.to_string()),
        _ => Err(ScimError::invalid_filter(
            "the value does not fit the attribute's type",
        )),
    }
}

/// A SCIM value as a boolean (`true`, or a string spelling it in any case).
fn boolean_value(value: &CompValue) -> Result<bool, ScimError> {
    match value {
        CompValue::Bool(b) => Ok(*b),
        CompValue::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        CompValue::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_filter(
            "the value does not fit the attribute's type",
        )),
    }
}

/// One SCIM comparison (or `pr`, when `comparison` is `None`) on the catalog field `field` of
/// `def`, as a read-engine filter. The rules, the same as GraphQL's: text compares
/// case-insensitively unless the SCIM attribute is `caseExact` (folding ASCII letters only),
/// `co`/`sw`/`ew` match their text literally, `pr` means a non-empty value, and an absent
/// boolean counts as false.
fn compare(
    def: &'static EntityDef,
    field: &'static str,
    attribute: &Attribute,
    comparison: Option<(CompareOp, &CompValue)>,
) -> Result<Filter, ScimError> {
    let kind = def
        .field(field)
        .map(|f| f.kind)
        .ok_or_else(|| ScimError::invalid_filter(format!("cannot filter on {field}")))?;
    let insensitive = kind == FieldKind::Text && !attribute.case_exact;
    let of = |predicate| Filter::Field {
        field,
        predicate,
        insensitive,
    };
    let Some((op, value)) = comparison else {
        return Ok(match kind {
            FieldKind::Text => Filter::And(vec![
                of(Predicate::IsNull(false)),
                of(Predicate::Ne(Scalar::Text(String::new()))),
            ]),
            _ => of(Predicate::IsNull(false)),
        });
    };
    if *value == CompValue::Null {
        return match op {
            CompareOp::Eq => Ok(of(Predicate::IsNull(true))),
            CompareOp::Ne => Ok(of(Predicate::IsNull(false))),
            _ => Err(ScimError::invalid_filter(
                "null compares with eq and ne only",
            )),
        };
    }
    let scalar = match kind {
        FieldKind::Text => Scalar::Text(text_value(value)?),
        FieldKind::Int => {
            // A numeric id, which SCIM writes as a string: one that is not the server's
            // spelling of an id names no row.
            let id = ids::numeric(&text_value(value)?);
            return match (op, id) {
                (CompareOp::Eq, Some(id)) => Ok(of(Predicate::Eq(Scalar::Int(id)))),
                (CompareOp::Ne, Some(id)) => Ok(of(Predicate::Ne(Scalar::Int(id)))),
                (CompareOp::Eq, None) => Ok(Filter::False),
                (CompareOp::Ne, None) => Ok(Filter::True),
                _ => Err(ScimError::invalid_filter("an id supports eq, ne and pr")),
            };
        }
        FieldKind::Bool => {
            let wanted = boolean_value(value)? == (op == CompareOp::Eq);
            return match op {
                CompareOp::Eq | CompareOp::Ne if wanted => {
                    Ok(of(Predicate::Eq(Scalar::Bool(true))))
                }
                CompareOp::Eq | CompareOp::Ne => Ok(of(Predicate::Ne(Scalar::Bool(true)))),
                _ => Err(ScimError::invalid_filter(
                    "a boolean attribute supports eq, ne and pr",
                )),
            };
        }
        FieldKind::DateTime => {
            let CompValue::Str(text) = value else {
                return Err(ScimError::invalid_filter(
                    "a dateTime attribute compares with a time",
                ));
            };
            let at = chrono::DateTime::parse_from_rfc3339(text).map_err(|_| {
                ScimError::invalid_filter(format!("{text:?} is not an RFC 3339 time"))
            })?;
            Scalar::DateTime(at.to_utc())
        }
        FieldKind::Ppb => return Err(ScimError::invalid_filter("unsupported attribute")),
    };
    let substring = |make: fn(String) -> Predicate| match &scalar {
        Scalar::Text(text) => Ok(make(text.clone())),
        _ => Err(ScimError::invalid_filter(
            "co, sw and ew apply to strings only",
        )),
    };
    let predicate = match op {
        CompareOp::Eq => Predicate::Eq(scalar),
        CompareOp::Ne => Predicate::Ne(scalar),
        CompareOp::Gt => Predicate::Gt(scalar),
        CompareOp::Ge => Predicate::Gte(scalar),
        CompareOp::Lt => Predicate::Lt(scalar),
        CompareOp::Le => Predicate::Lte(scalar),
        CompareOp::Co => substring(Predicate::Contains)?,
        CompareOp::Sw => substring(Predicate::StartsWith)?,
        CompareOp::Ew => substring(Predicate::EndsWith)?,
    };
    Ok(of(predicate))
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
fn translate(
    expr: &FilterExpr,
    f: &mut impl FnMut(&FilterExpr) -> Result<Filter, ScimError>,
) -> Result<Filter, ScimError> {
    Ok(match expr {
        FilterExpr::And(a, b) => Filter::And(vec![translate(a, f)?, translate(b, f)?]),
        FilterExpr::Or(a, b) => Filter::Or(vec![translate(a, f)?, translate(b, f)?]),
        FilterExpr::Not(a) => Filter::Not(Box::new(translate(a, f)?)),
        other => f(other)?,
    })
}

/// The catalog entry a resource type's rows are, and where its SCIM attributes are stored
/// ([`catalog::scim`]).
fn catalog_of(resource: Resource) -> (&'static EntityDef, &'static [ScimAttribute]) {
    match resource {
        Resource::User => (&catalog::USER, scim::USER_ATTRIBUTES),
        Resource::Group => (&catalog::GROUP, scim::GROUP_ATTRIBUTES),
    }
}

/// The catalog field holding a single-valued attribute at a resolved path, if it is one.
fn single_valued(resource: Resource, r: &Resolved) -> Option<&'static str> {
    let path = match r.sub {
        Some(sub) => format!("{}.{}", r.attr.name, sub.name),
        None => r.attr.name.to_owned(),
    };
    match scim::attribute(catalog_of(resource).1, &path)? {
        ScimTarget::Field(field) => Some(field),
        ScimTarget::Values { .. } => None,
    }
}

/// A multi-valued attribute: the catalog relation whose rows are its values.
struct MultiValued {
    /// The relation.
    relation: &'static str,
    /// Its target.
    target: &'static EntityDef,
    /// The target's field behind each sub-attribute.
    subs: &'static [(&'static str, &'static str)],
    /// A target field that must be null for the value to count.
    hidden: Option<&'static str>,
}

fn multi_valued(resource: Resource, name: &str) -> Option<MultiValued> {
    match scim::attribute(catalog_of(resource).1, name)? {
        ScimTarget::Values {
            relation,
            target,
            subs,
            hidden,
        } => Some(MultiValued {
            relation,
            target,
            subs,
            hidden: *hidden,
        }),
        ScimTarget::Field(_) => None,
    }
}

impl MultiValued {
    /// A comparison on one sub-attribute of a value.
    fn compare(
        &self,
        sub: &Attribute,
        comparison: Option<(CompareOp, &CompValue)>,
    ) -> Result<Filter, ScimError> {
        let field = self
            .subs
            .iter()
            .find(|(name, _)| *name == sub.name)
            .map(|(_, field)| *field)
            .ok_or_else(|| ScimError::invalid_filter(format!("cannot filter on {}", sub.name)))?;
        compare(self.target, field, sub, comparison)
    }

    /// Some value matches `filter`.
    fn some(&self, filter: Filter) -> Filter {
        let visible = self
            .hidden
            .map(|field| Filter::field(field, Predicate::IsNull(true)));
        Filter::Relation {
            relation: self.relation,
            quantifier: Quantifier::Some,
            filter: Box::new(Filter::all(
                std::iter::once(filter).chain(visible).collect(),
            )),
        }
    }
}

/// One leaf or value path of a filter on `resource`.
fn resource_leaf(resource: Resource, expr: &FilterExpr) -> Result<Filter, ScimError> {
    if let FilterExpr::ValuePath(path, inner) = expr {
        let r = resolve(resource, path)?;
        let many = multi_valued(resource, r.attr.name).ok_or_else(|| {
            ScimError::invalid_filter(format!("{} is not multi-valued", r.attr.name))
        })?;
        let inner = translate(inner, &mut |e| {
            let Some((path, comparison)) = leaf(e) else {
                return Err(ScimError::invalid_filter("value filters cannot nest"));
            };
            let sub = super::schema::sub_attribute(r.attr, &path.name).ok_or_else(|| {
                ScimError::invalid_filter(format!("unknown attribute {}", path.name))
            })?;
            many.compare(sub, comparison)
        })?;
        return Ok(many.some(inner));
    }
    let Some((path, comparison)) = leaf(expr) else {
        return Err(ScimError::invalid_filter("unsupported filter"));
    };
    let r = resolve(resource, path)?;
    if let Some(many) = multi_valued(resource, r.attr.name) {
        // `emails co "x"` compares each value's `value`.
        let sub = r
            .sub
            .or_else(|| super::schema::sub_attribute(r.attr, "value"))
            .ok_or_else(|| ScimError::invalid_filter(format!("cannot filter on {}", path.name)))?;
        return Ok(many.some(many.compare(sub, comparison)?));
    }
    let field = single_valued(resource, &r)
        .ok_or_else(|| ScimError::invalid_filter(format!("cannot filter on {}", path.name)))?;
    compare(
        catalog_of(resource).0,
        field,
        r.sub.unwrap_or(r.attr),
        comparison,
    )
}

/// Parses a filter on `resource` and translates it into the read engine's filter over the
/// resource's catalog entry (the tree GraphQL's `where` inputs translate into).
fn resource_filter(resource: Resource, text: &str) -> Result<Filter, ScimError> {
    let expr = filter::parse_filter(text).map_err(|e| ScimError::invalid_filter(e.0))?;
    translate(&expr, &mut |e| resource_leaf(resource, e))
}

/// Parses and translates a User filter.
pub fn user_filter(text: &str) -> Result<Filter, ScimError> {
    resource_filter(Resource::User, text)
}

/// Parses and translates a Group filter.
pub fn group_filter(text: &str) -> Result<Filter, ScimError> {
    resource_filter(Resource::Group, text)
}

/// The catalog field `sortBy` names on `resource`.
fn resource_sort(
    resource: Resource,
    sort_by: Option<&str>,
) -> Result<Option<&'static str>, ScimError> {
    sort_by
        .map(|text| {
            filter::attr_path(text)
                .ok()
                .and_then(|p| resource.resolve(p.urn.as_deref(), &p.name, p.sub.as_deref()))
                .and_then(|r| single_valued(resource, &r))
                .ok_or_else(|| ScimError::invalid_value(format!("cannot sort by {text}")))
        })
        .transpose()
}

/// The user field to sort by.
pub fn user_sort(sort_by: Option<&str>) -> Result<Option<&'static str>, ScimError> {
    resource_sort(Resource::User, sort_by)
}

/// The group field to sort by.
pub fn group_sort(sort_by: Option<&str>) -> Result<Option<&'static str>, ScimError> {
    resource_sort(Resource::Group, sort_by)
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
