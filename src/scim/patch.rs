//! PATCH (RFC 7644 §3.5.2) applied to the JSON form of a resource.
//!
//! The handler renders the stored resource, applies every operation here, reads the result
//! back with the same mapping as PUT, and writes it once at the version it read, so the
//! operations succeed or fail together. Op names are case-insensitive; attribute names are
//! resolved against the schema in any case; keys of `value` objects may be paths
//! (`"name.givenName"`, `"urn:…:User:department"`), as Entra ID sends them.

use serde_json::{Map, Value};

use super::errors::ScimError;
use super::filter::{self, CompValue, CompareOp, FilterExpr, PatchPath};
use super::mapping::{boolean, field};
use super::schema::{Attribute, Kind, Mutability, Resolved, Resource};

/// The URN of a PatchOp body.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpKind {
    Add,
    Remove,
    Replace,
}

/// Applies the PatchOp `body` to `resource`.
pub fn apply(kind: Resource, resource: &mut Value, body: &Value) -> Result<(), ScimError> {
    let Some(body) = body.as_object() else {
        return Err(ScimError::invalid_syntax("A PatchOp body is a JSON object"));
    };
    let Some(Value::Array(operations)) = field(body, "Operations") else {
        return Err(ScimError::invalid_syntax(
            "A PatchOp body needs an Operations array",
        ));
    };
    for operation in operations {
        let Some(operation) = operation.as_object() else {
            return Err(ScimError::invalid_syntax("Each operation is a JSON object"));
        };
        let op = match field(operation, "op")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
        {
            Some(op) if op == "add" => OpKind::Add,
            Some(op) if op == "remove" => OpKind::Remove,
            Some(op) if op == "replace" => OpKind::Replace,
            _ => return Err(ScimError::invalid_syntax("op is add, remove or replace")),
        };
        let value = field(operation, "value");
        match field(operation, "path") {
            Some(Value::String(path)) if !path.trim().is_empty() => {
                apply_path(kind, resource, op, path, value)?;
            }
            _ if op == OpKind::Remove => {
                return Err(ScimError::no_target("remove needs a path"));
            }
            _ => apply_without_path(kind, resource, op, value)?,
        }
    }
    Ok(())
}

/// `value` is an object of attributes (or paths) to add or replace.
fn apply_without_path(
    kind: Resource,
    resource: &mut Value,
    op: OpKind,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let Some(Value::Object(values)) = value else {
        return Err(ScimError::invalid_syntax(
            "Without a path, value must be an object",
        ));
    };
    for (key, value) in values {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        match (kind.extension(key), value) {
            (Some(urn), Value::Object(inner)) => {
                for (sub, v) in inner {
                    apply_path(kind, resource, op, &format!("{urn}:{sub}"), Some(v))?;
                }
            }
            _ => apply_path(kind, resource, op, key, Some(value))?,
        }
    }
    Ok(())
}

fn apply_path(
    kind: Resource,
    resource: &mut Value,
    op: OpKind,
    path: &str,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    if let Some(urn) = kind.extension(path.trim()) {
        return apply_extension(kind, resource, op, urn, value);
    }
    let parsed = filter::parse_path(path).map_err(|e| ScimError::invalid_path(e.0))?;
    let r = kind
        .resolve(
            parsed.attr.urn.as_deref(),
            &parsed.attr.name,
            parsed.attr.sub.as_deref(),
        )
        .ok_or_else(|| ScimError::invalid_path(format!("unknown attribute in {path:?}")))?;
    let sub = match &parsed.sub {
        Some(name) => Some(
            super::schema::sub_attribute(r.attr, name)
                .ok_or_else(|| ScimError::invalid_path(format!("unknown attribute in {path:?}")))?,
        ),
        None => r.sub,
    };
    let target = sub.unwrap_or(r.attr);
    if r.attr.mutability == Mutability::ReadOnly || target.mutability == Mutability::ReadOnly {
        // Okta renames a group with `{"op":"replace","value":{"id":"<its own id>",…}}`:
        // restating a read-only value as it is changes nothing, so it is accepted.
        let restated = op != OpKind::Remove
            && sub.is_none()
            && parsed.filter.is_none()
            && r.extension.is_none()
            && value.is_some()
            && field_value(resource, r.attr.name) == value;
        if restated {
            return Ok(());
        }
        return Err(ScimError::mutability(format!("{path} is read-only")));
    }
    if value.is_none() && op != OpKind::Remove {
        return Err(ScimError::invalid_value(format!(
            "{path}: value is required"
        )));
    }
    let container = container(resource, r.extension)?;
    let value = value.map(|v| canonical(r.attr, v));
    match &parsed.filter {
        None => apply_plain(container, op, &r, sub, value),
        Some(filter) if r.attr.multi => {
            apply_filtered(container, op, r.attr, filter, &parsed, sub, value)
        }
        Some(_) => Err(ScimError::invalid_path(format!(
            "{path}: only multi-valued attributes take a filter"
        ))),
    }
}

/// The top-level attribute `name` of the resource, whatever its case.
fn field_value<'a>(resource: &'a Value, name: &str) -> Option<&'a Value> {
    resource.as_object().and_then(|object| field(object, name))
}

/// A path naming a whole extension: its attributes one by one (remove drops it all).
fn apply_extension(
    kind: Resource,
    resource: &mut Value,
    op: OpKind,
    urn: &'static str,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    match (op, value) {
        (OpKind::Remove, _) => {
            if let Some(root) = resource.as_object_mut() {
                root.remove(urn);
            }
            Ok(())
        }
        (_, Some(Value::Object(values))) => {
            for (key, v) in values
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("schemas"))
            {
                apply_path(kind, resource, op, &format!("{urn}:{key}"), Some(v))?;
            }
            Ok(())
        }
        _ => Err(ScimError::invalid_value(format!(
            "{urn}: value must be an object"
        ))),
    }
}

/// The object holding the attribute: the resource, or its extension object (created).
fn container<'a>(
    resource: &'a mut Value,
    extension: Option<&'static str>,
) -> Result<&'a mut Map<String, Value>, ScimError> {
    let root = resource
        .as_object_mut()
        .ok_or_else(|| ScimError::invalid_syntax("the resource is not an object"))?;
    let Some(urn) = extension else {
        return Ok(root);
    };
    let slot = root
        .entry(urn.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
        .ok_or_else(|| ScimError::invalid_syntax("the extension is not an object"))
}

/// `value` with object keys renamed to the attribute's canonical sub-attribute names.
fn canonical(attr: &'static Attribute, value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| canonical(attr, v)).collect()),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| {
                    let name = super::schema::sub_attribute(attr, k).map_or(k.as_str(), |s| s.name);
                    (name.to_owned(), v.clone())
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn as_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

fn apply_plain(
    container: &mut Map<String, Value>,
    op: OpKind,
    r: &Resolved,
    sub: Option<&'static Attribute>,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let name = r.attr.name.to_owned();
    match (op, sub, value) {
        (OpKind::Remove, None, Some(value)) if r.attr.multi => {
            let doomed = as_items(value);
            if let Some(Value::Array(items)) = container.get_mut(&name) {
                items.retain(|item| !doomed.iter().any(|d| same_value(item, d)));
            }
        }
        (OpKind::Remove, None, _) => {
            container.remove(&name);
        }
        (OpKind::Remove, Some(sub), _) => match container.get_mut(&name) {
            Some(Value::Object(object)) => {
                object.remove(sub.name);
            }
            Some(Value::Array(items)) => items.iter_mut().for_each(|item| {
                if let Some(object) = item.as_object_mut() {
                    object.remove(sub.name);
                }
            }),
            _ => {}
        },
        (_, Some(sub), Some(value)) => {
            let slot = container
                .entry(name)
                .or_insert_with(|| Value::Object(Map::new()));
            match slot {
                Value::Object(object) => {
                    object.insert(sub.name.to_owned(), value);
                }
                Value::Array(items) => items.iter_mut().for_each(|item| {
                    if let Some(object) = item.as_object_mut() {
                        object.insert(sub.name.to_owned(), value.clone());
                    }
                }),
                other => *other = Value::Object(Map::from_iter([(sub.name.to_owned(), value)])),
            }
        }
        (op, None, Some(value)) if r.attr.multi => {
            let new = as_items(value);
            let slot = container
                .entry(name)
                .or_insert_with(|| Value::Array(Vec::new()));
            match (op, slot) {
                (OpKind::Add, Value::Array(items)) => {
                    for item in new {
                        if !items.iter().any(|i| same_value(i, &item)) {
                            items.push(item);
                        }
                    }
                }
                (_, slot) => *slot = Value::Array(new),
            }
        }
        (_, None, Some(value)) if r.attr.kind == Kind::Complex => {
            let value = match value {
                Value::String(s) => {
                    Value::Object(Map::from_iter([("value".to_owned(), Value::String(s))]))
                }
                other => other,
            };
            match (container.get_mut(&name), value) {
                (Some(Value::Object(existing)), Value::Object(new)) => existing.extend(new),
                (_, value) => {
                    container.insert(name, value);
                }
            }
        }
        (_, None, Some(value)) => {
            container.insert(name, value);
        }
        (_, _, None) => {}
    }
    Ok(())
}

/// Whether two values of a multi-valued attribute are the same value: equal `value`
/// members for objects, equal JSON otherwise.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a.get("value"), b.get("value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn apply_filtered(
    container: &mut Map<String, Value>,
    op: OpKind,
    attr: &'static Attribute,
    filter: &FilterExpr,
    parsed: &PatchPath,
    sub: Option<&'static Attribute>,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let slot = container
        .entry(attr.name.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    let Value::Array(items) = slot else {
        return Ok(());
    };
    let mut matched = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if matches(attr, item, filter)? {
            matched.push(i);
        }
    }
    match (op, sub, value) {
        (OpKind::Remove, None, _) => {
            let mut i = 0;
            items.retain(|_| {
                i += 1;
                !matched.contains(&(i - 1))
            });
        }
        (OpKind::Remove, Some(sub), _) => {
            for i in matched {
                if let Some(object) = items[i].as_object_mut() {
                    object.remove(sub.name);
                }
            }
        }
        (_, _, None) => {}
        (_, sub, Some(value)) if matched.is_empty() => {
            let Some(mut created) = equalities(filter) else {
                return Err(ScimError::no_target(format!(
                    "no value of {} matches the filter in the path",
                    parsed.attr.name
                )));
            };
            match (sub, value) {
                (Some(sub), value) => {
                    created.insert(sub.name.to_owned(), value);
                }
                (None, Value::Object(object)) => created.extend(object),
                (None, _) => return Err(ScimError::invalid_value("the value must be an object")),
            }
            items.push(Value::Object(created));
        }
        (_, sub, Some(value)) => {
            for i in matched {
                match (sub, &mut items[i], &value) {
                    (Some(sub), Value::Object(object), value) => {
                        object.insert(sub.name.to_owned(), value.clone());
                    }
                    (None, Value::Object(object), Value::Object(new)) => {
                        object.extend(new.clone());
                    }
                    (None, item, value) => *item = value.clone(),
                    (Some(_), _, _) => {}
                }
            }
        }
    }
    Ok(())
}

/// For a filter made only of `eq` tests joined by `and`: the object those tests describe
/// (so `emails[type eq "work"].value` can create the work address when there is none).
fn equalities(filter: &FilterExpr) -> Option<Map<String, Value>> {
    match filter {
        FilterExpr::Compare(path, CompareOp::Eq, value) if path.sub.is_none() => {
            let value = match value {
                CompValue::Str(s) => Value::String(s.clone()),
                CompValue::Bool(b) => Value::Bool(*b),
                CompValue::Num(n) => Value::Number(n.clone()),
                CompValue::Null => return None,
            };
            Some(Map::from_iter([(path.name.clone(), value)]))
        }
        FilterExpr::And(a, b) => {
            let mut out = equalities(a)?;
            out.extend(equalities(b)?);
            Some(out)
        }
        _ => None,
    }
}

/// Whether one value of a multi-valued attribute matches a value filter.
fn matches(attr: &'static Attribute, item: &Value, filter: &FilterExpr) -> Result<bool, ScimError> {
    Ok(match filter {
        FilterExpr::And(a, b) => matches(attr, item, a)? && matches(attr, item, b)?,
        FilterExpr::Or(a, b) => matches(attr, item, a)? || matches(attr, item, b)?,
        FilterExpr::Not(a) => !matches(attr, item, a)?,
        FilterExpr::ValuePath(..) => {
            return Err(ScimError::invalid_filter("value filters cannot nest"));
        }
        FilterExpr::Present(path) => {
            let sub = element_attribute(attr, &path.name)?;
            element_value(item, sub).is_some_and(|v| !v.is_null() && v != "")
        }
        FilterExpr::Compare(path, op, expected) => {
            let sub = element_attribute(attr, &path.name)?;
            compare(sub, element_value(item, sub), *op, expected)?
        }
    })
}

fn element_attribute(
    attr: &'static Attribute,
    name: &str,
) -> Result<&'static Attribute, ScimError> {
    super::schema::sub_attribute(attr, name)
        .ok_or_else(|| ScimError::invalid_filter(format!("unknown attribute {name}")))
}

fn element_value<'a>(item: &'a Value, sub: &Attribute) -> Option<&'a Value> {
    match item {
        Value::Object(object) => field(object, sub.name),
        scalar if sub.name == "value" => Some(scalar),
        _ => None,
    }
}

fn compare(
    sub: &Attribute,
    actual: Option<&Value>,
    op: CompareOp,
    expected: &CompValue,
) -> Result<bool, ScimError> {
    if sub.kind == Kind::Boolean {
        let actual = actual
            .map(|v| boolean(v, sub.name))
            .transpose()?
            .unwrap_or(false);
        return match (op, expected) {
            (CompareOp::Eq, CompValue::Bool(b)) => Ok(actual == *b),
            (CompareOp::Ne, CompValue::Bool(b)) => Ok(actual != *b),
            _ => Err(ScimError::invalid_filter("booleans support eq and ne")),
        };
    }
    let actual = match actual {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let expected = match expected {
        CompValue::Str(s) => s.clone(),
        CompValue::Num(n) => n.to_string(),
        CompValue::Null => return Ok((op == CompareOp::Eq) == actual.is_none()),
        CompValue::Bool(_) => {
            return Err(ScimError::invalid_filter("a string compares with a string"));
        }
    };
    let Some(actual) = actual else {
        return Ok(op == CompareOp::Ne);
    };
    let (a, e) = if sub.case_exact {
        (actual, expected)
    } else {
        (actual.to_ascii_lowercase(), expected.to_ascii_lowercase())
    };
    Ok(match op {
        CompareOp::Eq => a == e,
        CompareOp::Ne => a != e,
        CompareOp::Co => a.contains(&e),
        CompareOp::Sw => a.starts_with(&e),
        CompareOp::Ew => a.ends_with(&e),
        CompareOp::Gt => a > e,
        CompareOp::Ge => a >= e,
        CompareOp::Lt => a < e,
        CompareOp::Le => a <= e,
    })
}
