//! Automatic persisted queries, Apollo's protocol.
//!
//! A client sends only the SHA-256 hash of its document in
//! `extensions.persistedQuery.sha256Hash`. When the server knows the hash it runs the document
//! it registered under it; otherwise it answers `PERSISTED_QUERY_NOT_FOUND`, and the client
//! sends the hash again with the document, which registers it. Documents are kept in a
//! bounded cache (`PERSISTED_QUERY_CACHE_SIZE` entries and 16 MiB of text, the oldest
//! registered leaves first); a hash that left the cache is simply registered again.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::graphql::errors::code;

/// Longer documents are run but not registered.
const LONGEST_KEPT: usize = 64 * 1024;
/// The most bytes of documents kept, whatever the capacity: the oldest leave first.
const MOST_BYTES: usize = 16 * 1024 * 1024;

/// `extensions.persistedQuery` of a request: the hash of its document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistedQuery {
    /// The SHA-256 hash of the document, as 64 lower-case hexadecimal digits.
    pub sha256_hash: String,
}

impl PersistedQuery {
    /// Reads `extensions.persistedQuery` from a request's `extensions` object; `Ok(None)`
    /// when the request has none, `Err` with the client's mistake when it is malformed.
    pub fn from_extensions(extensions: &Value) -> Result<Option<Self>, String> {
        let Some(persisted) = extensions.get("persistedQuery") else {
            return Ok(None);
        };
        let Value::Object(persisted) = persisted else {
            return Err("`extensions.persistedQuery` must be an object".to_owned());
        };
        if persisted.get("version").and_then(Value::as_u64) != Some(1) {
            return Err("`extensions.persistedQuery.version` must be 1".to_owned());
        }
        let hash = persisted
            .get("sha256Hash")
            .and_then(Value::as_str)
            .filter(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| {
                "`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits".to_owned()
            })?;
        Ok(Some(Self {
            sha256_hash: hash.to_ascii_lowercase(),
        }))
    }
}

/// Why a persisted query could not be resolved to a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// The hash is not registered: the client should send it again with the document.
    NotFound,
    /// The server keeps no persisted queries (`PERSISTED_QUERY_CACHE_SIZE` is 0).
    NotSupported,
    /// The document sent does not have the hash sent with it.
    HashMismatch,
}

impl Unresolved {
    /// The error's `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => code::PERSISTED_QUERY_NOT_FOUND,
            Self::NotSupported => code::PERSISTED_QUERY_NOT_SUPPORTED,
            Self::HashMismatch => code::BAD_USER_INPUT,
        }
    }

    /// The error message: Apollo's clients recognise the first two by it.
    pub fn message(&self) -> &'static str {
        match self {
            Self::NotFound => "PersistedQueryNotFound",
            Self::NotSupported => "PersistedQueryNotSupported",
            Self::HashMismatch => {
                "`extensions.persistedQuery.sha256Hash` is not the SHA-256 hash of `query`"
            }
        }
    }
}

/// Registered documents by hash, for one server.
#[derive(Debug)]
pub struct PersistedQueries {
    capacity: usize,
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    by_hash: HashMap<String, Arc<str>>,
    /// Hashes in the order they were registered, the oldest first.
    order: VecDeque<String>,
    /// The length of the documents kept, in all.
    bytes: usize,
}

impl PersistedQueries {
    /// A cache of at most `capacity` documents; `0` turns persisted queries off.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(Entries::default()),
        }
    }

    /// The document to run for `persisted`: `query` when the request sent one (registering
    /// it under its hash), else the document registered under the hash.
    pub fn resolve(
        &self,
        persisted: &PersistedQuery,
        query: Option<&str>,
    ) -> Result<Arc<str>, Unresolved> {
        if self.capacity == 0 {
            return Err(Unresolved::NotSupported);
        }
        let Some(query) = query else {
            return self
                .lock()
                .by_hash
                .get(&persisted.sha256_hash)
                .cloned()
                .ok_or(Unresolved::NotFound);
        };
        if sha256_hex(query) != persisted.sha256_hash {
            return Err(Unresolved::HashMismatch);
        }
        let query: Arc<str> = query.into();
        if query.len() <= LONGEST_KEPT {
            self.register(&persisted.sha256_hash, query.clone());
        }
        Ok(query)
    }

    /// How many documents are registered.
    pub fn len(&self) -> usize {
        self.lock().by_hash.len()
    }

    /// Whether no document is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn register(&self, hash: &str, query: Arc<str>) {
        let mut entries = self.lock();
        if entries.by_hash.contains_key(hash) {
            return;
        }
        while entries.by_hash.len() >= self.capacity || entries.bytes + query.len() > MOST_BYTES {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            if let Some(removed) = entries.by_hash.remove(&oldest) {
                entries.bytes -= removed.len();
            }
        }
        entries.bytes += query.len();
        entries.by_hash.insert(hash.to_owned(), query);
        entries.order.push_back(hash.to_owned());
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves maps that are still consistent enough: at
        // worst a hash is listed in `order` without an entry, and eviction skips it.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The SHA-256 hash of `text` as 64 lower-case hexadecimal digits.
pub fn sha256_hex(text: &str) -> String {
    use std::fmt::Write;
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn persisted(query: &str) -> PersistedQuery {
        PersistedQuery {
            sha256_hash: sha256_hex(query),
        }
    }

    #[test]
    fn the_hash_is_sha256_in_lower_case_hex() {
        assert_eq!(
            sha256_hex("{ __typename }"),
            "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b"
        );
    }

    #[test]
    fn an_unknown_hash_is_not_found_until_registered() {
        let cache = PersistedQueries::new(10);
        let query = "{ __typename }";
        assert_eq!(
            cache.resolve(&persisted(query), None),
            Err(Unresolved::NotFound)
        );
        assert_eq!(
            cache
                .resolve(&persisted(query), Some(query))
                .unwrap()
                .as_ref(),
            query
        );
        assert_eq!(
            cache.resolve(&persisted(query), None).unwrap().as_ref(),
            query
        );
    }

    #[test]
    fn a_document_must_have_the_hash_it_is_sent_with() {
        let cache = PersistedQueries::new(10);
        let lie = persisted("{ me { id } }");
        assert_eq!(
            cache.resolve(&lie, Some("mutation { x }")),
            Err(Unresolved::HashMismatch)
        );
        assert_eq!(cache.resolve(&lie, None), Err(Unresolved::NotFound));
    }

    #[test]
    fn the_cache_is_bounded_and_forgets_the_oldest_first() {
        let cache = PersistedQueries::new(2);
        let queries = ["{ a }", "{ b }", "{ c }"];
        for query in queries {
            cache.resolve(&persisted(query), Some(query)).unwrap();
        }
        assert_eq!(cache.len(), 2);
        assert_eq!(
            cache.resolve(&persisted("{ a }"), None),
            Err(Unresolved::NotFound)
        );
        assert!(cache.resolve(&persisted("{ c }"), None).is_ok());
    }

    #[test]
    fn the_cache_keeps_a_bounded_amount_of_text() {
        let cache = PersistedQueries::new(10_000);
        let documents: Vec<String> = (0..600)
            .map(|i| format!("{{ a{i} }}{}", " ".repeat(LONGEST_KEPT - 20)))
            .collect();
        for document in &documents {
            cache.resolve(&persisted(document), Some(document)).unwrap();
        }
        assert!(cache.len() < documents.len());
        assert!(cache.lock().bytes <= MOST_BYTES);
        let newest = documents.last().unwrap();
        assert!(cache.resolve(&persisted(newest), None).is_ok());
    }

    #[test]
    fn a_capacity_of_zero_turns_persisted_queries_off() {
        let cache = PersistedQueries::new(0);
        assert_eq!(
            cache.resolve(&persisted("{ a }"), Some("{ a }")),
            Err(Unresolved::NotSupported)
        );
    }

    #[test]
    fn malformed_extensions_are_the_clients_mistake() {
        let read = |value: Value| PersistedQuery::from_extensions(&value);
        assert_eq!(read(json!({})), Ok(None));
        assert!(read(json!({ "persistedQuery": 1 })).is_err());
        assert!(
            read(json!({ "persistedQuery": { "version": 2, "sha256Hash": "a".repeat(64) } }))
                .is_err()
        );
        assert!(read(json!({ "persistedQuery": { "version": 1, "sha256Hash": "xyz" } })).is_err());
        let upper =
            read(json!({ "persistedQuery": { "version": 1, "sha256Hash": "A".repeat(64) } }));
        assert_eq!(upper.unwrap().unwrap().sha256_hash, "a".repeat(64));
    }
}
