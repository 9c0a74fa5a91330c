//! Parsed GraphQL documents, kept by their text.
//!
//! Clients send the same few operations over and over, and parsing one took about a tenth of
//! the server's work per request (measured with callgrind on the OKR page query). The cache
//! keeps each document parsed, already checked against the [`limits`] and marked for
//! [`completion`], so a repeated request neither parses nor measures it again. It is bounded: when it is full it starts
//! over, and long documents are never kept.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};

use crate::graphql::completion::{self, Executable};
use crate::graphql::input_shape;
use crate::graphql::limits::{self, DocumentLimits, LimitExceeded};

/// The most documents kept.
const CAPACITY: usize = 256;
/// Longer documents are parsed for each request instead of kept. With [`CAPACITY`] this
/// bounds the cache to a few megabytes even when every client sends different documents.
const LONGEST_KEPT: usize = 8 * 1024;

/// A document ready to execute, refused by a limit, or not GraphQL at all.
#[derive(Clone, Debug)]
pub enum Prepared {
    /// Parsed, within the limits, and marked for completion.
    Ready(Arc<Executable>),
    /// Parsed, but over a limit.
    Refused(LimitExceeded),
    /// Not parsable: execution reports the syntax error with its position.
    Unparsable,
}

/// Parsed, checked documents by text, for one server.
#[derive(Debug)]
pub struct DocumentCache {
    limits: DocumentLimits,
    entries: Mutex<HashMap<Box<str>, Prepared>>,
}

impl DocumentCache {
    /// An empty cache for documents checked against `limits`.
    pub fn new(limits: DocumentLimits) -> Self {
        Self {
            limits,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The document `query`, parsed and checked (from the cache when it was seen before).
    pub fn prepare(&self, query: &str) -> Prepared {
        if let Some(prepared) = self.lock().get(query) {
            return prepared.clone();
        }
        let prepared = if let Err(refusal) = input_shape::check_text(query, self.limits.shape) {
            Prepared::Refused(refusal.into())
        } else {
            match async_graphql::parser::parse_query(query) {
                Err(_) => return Prepared::Unparsable,
                Ok(document) => match limits::check_document(&document, self.limits) {
                    Ok(()) => Prepared::Ready(Arc::new(completion::mark(
                        document,
                        query,
                        completion::types::served(),
                    ))),
                    Err(refusal) => Prepared::Refused(refusal),
                },
            }
        };
        if query.len() <= LONGEST_KEPT {
            let mut entries = self.lock();
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(query.into(), prepared.clone());
        }
        prepared
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Prepared>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The operation a request runs: the one `name` names, or the document's only operation when
/// the request names none (named or anonymous); `None` when that is ambiguous or missing.
pub fn operation<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The chosen operation's name: the one asked for, or the document's only operation's.
pub fn operation_name<'d>(
    document: &'d ExecutableDocument,
    name: Option<&'d str>,
) -> Option<&'d str> {
    match (&document.operations, name) {
        (_, Some(name)) => Some(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.as_str())
        }
        _ => None,
    }
}

/// Whether the chosen operation asks for the schema itself: `__schema` or `__type` among
/// its root fields, directly or through fragments (they exist on the root only).
pub fn selects_introspection(document: &ExecutableDocument, name: Option<&str>) -> bool {
    operation(document, name).is_some_and(|operation| {
        fields(document, &operation.selection_set.node)
            .iter()
            .any(|field| matches!(field.name.node.as_str(), "__schema" | "__type"))
    })
}

/// The response keys of `__schema { description }` in the chosen operation: each root
/// `__schema` field's key with each key its `description` is selected under.
pub fn schema_description_keys(
    document: &ExecutableDocument,
    name: Option<&str>,
) -> Vec<(String, String)> {
    let Some(operation) = operation(document, name) else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for schema in fields(document, &operation.selection_set.node) {
        if schema.name.node != "__schema" {
            continue;
        }
        for field in fields(document, &schema.selection_set.node) {
            if field.name.node == "description" {
                keys.push((
                    schema.response_key().node.to_string(),
                    field.response_key().node.to_string(),
                ));
            }
        }
    }
    keys
}

/// The fields of a selection set, those of its inline fragments and of the fragments it
/// spreads included (each fragment once, so a cycle ends).
fn fields<'d>(document: &'d ExecutableDocument, set: &'d SelectionSet) -> Vec<&'d Field> {
    let mut found = Vec::new();
    let mut pending: Vec<&SelectionSet> = vec![set];
    let mut expanded: HashSet<&str> = HashSet::new();
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => found.push(&field.node),
                Selection::InlineFragment(fragment) => {
                    pending.push(&fragment.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if expanded.insert(name)
                        && let Some(fragment) = document.fragments.get(name)
                    {
                        pending.push(&fragment.node.selection_set.node);
                    }
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: DocumentLimits = DocumentLimits {
        aliases: 2,
        depth: 3,
        shape: input_shape::ShapeLimits {
            nesting: 8,
            list_items: 100,
        },
    };

    #[test]
    fn introspection_is_found_at_the_root_and_through_fragments_only() {
        let selects = |query: &str, name: Option<&str>| {
            let document = async_graphql::parser::parse_query(query).unwrap();
            selects_introspection(&document, name)
        };
        assert!(selects("{ __schema { types { name } } }", None));
        assert!(selects(
            "{ ...F } fragment F on Query { ... on Query { __type(name: \"X\") { name } } }",
            None
        ));
        assert!(!selects("{ __typename me { __typename } }", None));
        assert!(!selects(
            "{ users(where: {search: \"__schema\"}) { totalCount } }",
            None
        ));
        assert!(!selects(
            "query A { __schema { __typename } } query B { me { id } }",
            Some("B")
        ));
        assert!(!selects("{ ...F } fragment F on Query { ...F }", None));
    }

    #[test]
    fn schema_descriptions_are_found_under_aliases_and_fragments() {
        let keys = |query: &str| {
            let document = async_graphql::parser::parse_query(query).unwrap();
            schema_description_keys(&document, None)
        };
        assert_eq!(
            keys("{ s: __schema { d: description ... on __Schema { description } } }"),
            [
                ("s".to_owned(), "d".to_owned()),
                ("s".to_owned(), "description".to_owned())
            ]
        );
        assert_eq!(
            keys("{ ...Q } fragment Q on Query { __schema { description } }"),
            [("__schema".to_owned(), "description".to_owned())]
        );
        assert!(keys("{ __type(name: \"X\") { description } }").is_empty());
    }

    #[test]
    fn a_repeated_document_comes_from_the_cache() {
        let cache = DocumentCache::new(LIMITS);
        let Prepared::Ready(first) = cache.prepare("{ a { b } }") else {
            panic!("within the limits");
        };
        let Prepared::Ready(second) = cache.prepare("{ a { b } }") else {
            panic!("within the limits");
        };
        assert!(Arc::ptr_eq(&first, &second), "parsed once, shared after");
    }

    #[test]
    fn refusals_and_syntax_errors_are_reported() {
        let cache = DocumentCache::new(LIMITS);
        assert!(matches!(
            cache.prepare("{ a { b { c { d } } } }"),
            Prepared::Refused(LimitExceeded::Depth { depth: 4, limit: 3 })
        ));
        assert!(matches!(
            cache.prepare("{ x: a y: a z: a }"),
            Prepared::Refused(LimitExceeded::Aliases { count: 3, limit: 2 })
        ));
        assert!(matches!(cache.prepare("{ a {"), Prepared::Unparsable));
        assert!(matches!(cache.prepare("{ a {"), Prepared::Unparsable));
        let deep = format!("{{ a(w: {}) }}", "[".repeat(100_000));
        assert!(matches!(
            cache.prepare(&deep),
            Prepared::Refused(LimitExceeded::Shape(_))
        ));
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = DocumentCache::new(LIMITS);
        for i in 0..(CAPACITY + 10) {
            cache.prepare(&format!("{{ a{i} }}"));
        }
        assert!(cache.lock().len() <= CAPACITY);
        let long = format!("{{ a {} }}", "b ".repeat(LONGEST_KEPT));
        cache.prepare(&long);
        assert!(!cache.lock().contains_key(long.as_str()));
    }
}
