//! Opaque keyset cursors: the values of a row's sort keys, tied to the order they came from.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::QueryResult;
use sea_orm::sea_query::Value;
use serde_json::Value as Json;

use crate::catalog::Kind;
use crate::query::QueryError;
use crate::query::rows::Cell;

/// The name of the `i`-th sort-key column, `__k{i}` (allocated only past the usual few).
pub fn key_column(i: usize) -> std::borrow::Cow<'static, str> {
    const NAMES: [&str; 6] = ["__k0", "__k1", "__k2", "__k3", "__k4", "__k5"];
    match NAMES.get(i) {
        Some(name) => std::borrow::Cow::Borrowed(name),
        None => std::borrow::Cow::Owned(format!("__k{i}")),
    }
}

/// The sort-key values of one row, read from its columns `first`, `first + 1`, … (selected
/// as `__k0`, `__k1`, …).
pub fn read_keys(
    row: &QueryResult,
    kinds: &[Kind],
    first: usize,
) -> Result<Vec<Json>, sea_orm::DbErr> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let column = first + i;
            Ok(match kind {
                Kind::Text => <Option<String> as Cell>::read(row, column)?.map(Json::from),
                Kind::Int | Kind::Ppb => <Option<i64> as Cell>::read(row, column)?.map(Json::from),
                Kind::Bool => <Option<bool> as Cell>::read(row, column)?.map(Json::from),
                Kind::DateTime => {
                    <Option<DateTime<Utc>> as Cell>::read(row, column)?.map(|instant| {
                        Json::from(instant.to_rfc3339_opts(SecondsFormat::AutoSi, true))
                    })
                }
            }
            .unwrap_or(Json::Null))
        })
        .collect()
}

/// A row's place in its order: the values of its sort keys, encoded into the opaque cursor
/// string only when a client selects a cursor (most pages are read without one).
#[derive(Clone, Debug)]
pub struct Cursor {
    signature: Arc<str>,
    values: Vec<Json>,
}

impl Cursor {
    /// The position of a row with these sort-key values in the order `signature`.
    pub fn new(signature: Arc<str>, values: Vec<Json>) -> Self {
        Self { signature, values }
    }

    /// The opaque string a client passes back as `after` or `before`.
    pub fn encode(&self) -> String {
        encode(&self.signature, &self.values)
    }
}

/// Encodes sort-key values and the order's signature into an opaque string.
pub fn encode(signature: &str, values: &[Json]) -> String {
    let payload = serde_json::json!({ "o": signature, "v": values });
    URL_SAFE_NO_PAD.encode(payload.to_string())
}

/// Decodes a cursor made by [`encode`] for the same order, one value per key (`None` for a
/// null key); anything else is a bad input at `path`.
pub fn decode(
    cursor: &str,
    signature: &str,
    kinds: &[Kind],
    path: &str,
) -> Result<Vec<Option<Value>>, QueryError> {
    let invalid = || QueryError::bad_input(path, "the cursor is not valid for this list and order");
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .map_err(|_| invalid())?;
    let payload: Json = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if payload["o"].as_str() != Some(signature) {
        return Err(invalid());
    }
    let values = payload["v"]
        .as_array()
        .filter(|v| v.len() == kinds.len())
        .ok_or_else(invalid)?;
    values
        .iter()
        .zip(kinds)
        .map(|(value, kind)| to_value(value, *kind).ok_or_else(invalid))
        .collect()
}

/// The value of one key: `Some(None)` for null, `None` when it does not fit the kind.
fn to_value(value: &Json, kind: Kind) -> Option<Option<Value>> {
    if value.is_null() {
        return Some(None);
    }
    Some(Some(match kind {
        // No stored text holds a NUL, and PostgreSQL refuses one in a parameter.
        Kind::Text => Value::from(
            value
                .as_str()
                .filter(|text| !text.contains('\0'))?
                .to_owned(),
        ),
        Kind::Int | Kind::Ppb => Value::from(value.as_i64()?),
        Kind::Bool => Value::from(value.as_bool()?),
        Kind::DateTime => Value::from(
            DateTime::parse_from_rfc3339(value.as_str()?)
                .ok()?
                .with_timezone(&Utc),
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_for_its_own_order_only() {
        let cursor = encode("a", &[Json::from("x"), Json::Null, Json::from(7)]);
        let kinds = [Kind::Text, Kind::DateTime, Kind::Int];
        let values = decode(&cursor, "a", &kinds, "after").unwrap();
        assert_eq!(values[0], Some(Value::from("x".to_owned())));
        assert_eq!(values[1], None);
        assert_eq!(values[2], Some(Value::from(7i64)));
        assert!(decode(&cursor, "b", &kinds, "after").is_err());
        assert!(decode("garbage!", "a", &kinds, "after").is_err());
        assert!(decode(&cursor, "a", &kinds[..2], "after").is_err());
        let nul = encode("a", &[Json::from("x\0"), Json::Null, Json::from(1)]);
        assert!(decode(&nul, "a", &kinds, "after").is_err());
    }
}
