//! SCIM resource JSON ⇄ domain types: rendering users and groups (with `meta`, locations and
//! the enterprise extension) and reading the attributes a provider writes.
//!
//! Reading is lenient the way Okta and Entra ID need: attribute names in any case, booleans
//! as `"True"`/`"False"`, roles as strings or `{value}` objects; readOnly attributes are
//! ignored; an empty string means absent.

use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

use super::errors::ScimError;
use super::schema::{ENTERPRISE, GROUP, USER};
use crate::domain::directory::{GroupFields, GroupRecord, UserFields, UserRecord};
use crate::domain::users::{self, Email};

/// The weak ETag of a version.
pub fn etag(version: i32) -> String {
    format!("W/\"{version}\"")
}

fn meta(kind: &str, location: &str, version: i32, created: &Value, modified: &Value) -> Value {
    json!({
        "resourceType": kind,
        "created": created,
        "lastModified": modified,
        "location": location,
        "version": etag(version),
    })
}

fn instant(at: chrono::DateTime<chrono::Utc>) -> Value {
    json!(at.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Inserts `key: value` when the value is present.
fn put(object: &mut Map<String, Value>, key: &str, value: Option<&String>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), json!(value));
    }
}

/// A user as a SCIM resource; `base` is the absolute `/scim/v2` URL.
pub fn user_json(record: &UserRecord, base: &str) -> Value {
    let u = &record.user;
    let mut out = Map::new();
    let mut schemas = vec![json!(USER)];
    out.insert("id".to_owned(), json!(u.id));
    put(&mut out, "externalId", u.external_id.as_ref());
    out.insert("userName".to_owned(), json!(u.user_name));
    let mut name = Map::new();
    put(&mut name, "formatted", u.formatted_name.as_ref());
    put(&mut name, "familyName", u.family_name.as_ref());
    put(&mut name, "givenName", u.given_name.as_ref());
    put(&mut name, "middleName", u.middle_name.as_ref());
    if !name.is_empty() {
        out.insert("name".to_owned(), Value::Object(name));
    }
    put(&mut out, "displayName", u.display_name.as_ref());
    out.insert("active".to_owned(), json!(u.active));
    let emails = users::emails(u);
    if !emails.is_empty() {
        out.insert("emails".to_owned(), json!(emails));
    }
    let roles: Vec<Value> = users::roles(u)
        .into_iter()
        .map(|r| json!({ "value": r }))
        .collect();
    if !roles.is_empty() {
        out.insert("roles".to_owned(), json!(roles));
    }
    let groups: Vec<Value> = record
        .groups
        .iter()
        .map(|g| {
            json!({
                "value": g.id.to_string(),
                "$ref": format!("{base}/Groups/{}", g.id),
                "display": g.name,
            })
        })
        .collect();
    if !groups.is_empty() {
        out.insert("groups".to_owned(), json!(groups));
    }
    let mut enterprise = Map::new();
    put(&mut enterprise, "department", u.department.as_ref());
    let mut manager = Map::new();
    put(&mut manager, "value", u.manager_id.as_ref());
    put(&mut manager, "displayName", u.manager_display_name.as_ref());
    if !manager.is_empty() {
        enterprise.insert("manager".to_owned(), Value::Object(manager));
    }
    if !enterprise.is_empty() {
        schemas.push(json!(ENTERPRISE));
        out.insert(ENTERPRISE.to_owned(), Value::Object(enterprise));
    }
    out.insert("schemas".to_owned(), Value::Array(schemas));
    out.insert(
        "meta".to_owned(),
        meta(
            "User",
            &format!("{base}/Users/{}", u.id),
            u.version,
            &instant(u.inserted_at),
            &instant(u.updated_at),
        ),
    );
    Value::Object(out)
}

/// A group as a SCIM resource.
pub fn group_json(record: &GroupRecord, base: &str) -> Value {
    let g = &record.group;
    let mut out = Map::new();
    out.insert("schemas".to_owned(), json!([GROUP]));
    out.insert("id".to_owned(), json!(g.id.to_string()));
    put(&mut out, "externalId", g.external_id.as_ref());
    out.insert("displayName".to_owned(), json!(g.name));
    let members: Vec<Value> = record
        .members
        .iter()
        .map(|m| {
            json!({
                "value": m.user_id,
                "$ref": format!("{base}/Users/{}", m.user_id),
                "display": m.display,
            })
        })
        .collect();
    if !members.is_empty() {
        out.insert("members".to_owned(), json!(members));
    }
    out.insert(
        "meta".to_owned(),
        meta(
            "Group",
            &format!("{base}/Groups/{}", g.id),
            g.version,
            &instant(g.inserted_at),
            &instant(g.updated_at),
        ),
    );
    Value::Object(out)
}

/// The member of `object` named `name`, whatever its case.
pub fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// An optional string: absent, null and `""` are `None`; numbers are accepted as text. Its
/// limits are the domain's cast (`domain::directory`), the same as GraphQL's.
fn string(object: &Map<String, Value>, name: &str) -> Result<Option<String>, ScimError> {
    match field(object, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ScimError::invalid_value(format!("{name} must be a string"))),
    }
}

/// A boolean, also from the strings `"true"`/`"false"` in any case (Entra ID sends those).
pub fn boolean(value: &Value, name: &str) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::invalid_value(format!(
            "{name} must be a boolean"
        ))),
    }
}

fn object<'a>(value: &'a Value, name: &str) -> Result<&'a Map<String, Value>, ScimError> {
    value
        .as_object()
        .ok_or_else(|| ScimError::invalid_value(format!("{name} must be an object")))
}

/// A multi-valued attribute: absent or null is empty; a single value counts as a list of one.
fn list<'a>(object: &'a Map<String, Value>, name: &str) -> Vec<&'a Value> {
    match field(object, name) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

fn sub_object<'a>(
    parent: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>, ScimError> {
    match field(parent, name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => object(value, name).map(Some),
    }
}

/// The writable attributes of a User body (POST, PUT, or a patched resource).
pub fn user_fields(body: &Value) -> Result<UserFields, ScimError> {
    let body = object(body, "the resource")?;
    let user_name = string(body, "userName")?.unwrap_or_default();
    let active = match field(body, "active") {
        None | Some(Value::Null) => true,
        Some(value) => boolean(value, "active")?,
    };
    let empty = Map::new();
    let name = sub_object(body, "name")?.unwrap_or(&empty);
    let enterprise = sub_object(body, ENTERPRISE)?.unwrap_or(&empty);
    let manager = match field(enterprise, "manager") {
        Some(Value::String(id)) if !id.is_empty() => {
            Map::from_iter([("value".to_owned(), json!(id))])
        }
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    Ok(UserFields {
        user_name,
        external_id: string(body, "externalId")?,
        active,
        given_name: string(name, "givenName")?,
        family_name: string(name, "familyName")?,
        middle_name: string(name, "middleName")?,
        formatted_name: string(name, "formatted")?,
        display_name: string(body, "displayName")?,
        emails: emails(body)?,
        roles: roles(body)?,
        department: string(enterprise, "department")?,
        manager_id: string(&manager, "value")?,
        manager_display_name: string(&manager, "displayName")?,
    })
}

fn emails(body: &Map<String, Value>) -> Result<Vec<Email>, ScimError> {
    list(body, "emails")
        .into_iter()
        .map(|item| {
            let item = object(item, "an e-mail")?;
            let value = string(item, "value")?.unwrap_or_default();
            let primary = match field(item, "primary") {
                None | Some(Value::Null) => false,
                Some(v) => boolean(v, "primary")?,
            };
            Ok(Email {
                value,
                kind: string(item, "type")?,
                primary,
            })
        })
        .collect()
}

fn roles(body: &Map<String, Value>) -> Result<Vec<String>, ScimError> {
    let mut roles = Vec::new();
    for item in list(body, "roles") {
        let role = match item {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => string(o, "value")?,
            _ => return Err(ScimError::invalid_value("a role is a string or {value}")),
        };
        roles.extend(role.filter(|r| !r.is_empty()));
    }
    Ok(roles)
}

/// The writable attributes of a Group body.
pub fn group_fields(body: &Value) -> Result<GroupFields, ScimError> {
    let body = object(body, "the resource")?;
    let name = string(body, "displayName")?.unwrap_or_default();
    let mut members = Vec::new();
    for item in list(body, "members") {
        let item = object(item, "a member")?;
        let value = string(item, "value")?.unwrap_or_default();
        if !members.contains(&value) {
            members.push(value);
        }
    }
    Ok(GroupFields {
        name,
        external_id: string(body, "externalId")?,
        members,
    })
}
