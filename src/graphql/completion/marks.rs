//! Marks added to a document before it runs, so that completion can tell afterwards what
//! async-graphql's answer leaves out.
//!
//! Two things cannot be read from async-graphql's `data` alone: which object type a value of
//! an interface or union had (it decides which fragments apply), and whether a nullable
//! object whose selected fields were all skipped existed (async-graphql answers `null` for
//! an object with no keys). Where either question can arise, the selection set gets one more
//! field, `__typename` under a response key the document does not use, which completion reads
//! and removes.

use std::collections::HashMap;

use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, Field, FragmentDefinition,
    OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};

use crate::graphql::completion::types::{OutputTypes, TypeRef};

/// The base of the response key the marks use; digits are appended until the document's text
/// does not contain it, so it can never collide with a client's alias.
const TYPE_KEY_BASE: &str = "_okrsType";

/// How many fragment spreads deep [`Marker::surely_yields`] looks before it assumes a set may
/// be empty (a mark too many costs one `__typename`; fragment cycles end here too).
const SPREAD_DEPTH: usize = 8;

/// A parsed document with its marks, ready to execute and to complete.
#[derive(Debug, Clone)]
pub struct Executable {
    /// The document as it runs: the client's, plus the marks.
    pub document: ExecutableDocument,
    /// The response key under which the marks answer `__typename`.
    pub type_key: Name,
}

/// Adds the marks to `document`, whose text is `text`, for the schema `types`.
pub fn mark(mut document: ExecutableDocument, text: &str, types: &OutputTypes) -> Executable {
    let type_key = unused_key(text);
    let fragments = document.fragments.clone();
    let marker = Marker {
        types,
        fragments: &fragments,
        type_key: &type_key,
    };
    let operations: Vec<&mut Positioned<OperationDefinition>> = match &mut document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values_mut().collect(),
    };
    for operation in operations {
        let root = match operation.node.ty {
            OperationType::Query => Some(&types.query),
            OperationType::Mutation => types.mutation.as_ref(),
            OperationType::Subscription => None,
        };
        if let Some(root) = root {
            marker.visit(&mut operation.node.selection_set, root);
        }
    }
    for fragment in document.fragments.values_mut() {
        let on = fragment.node.type_condition.node.on.node.clone();
        marker.visit(&mut fragment.node.selection_set, &on);
    }
    Executable { document, type_key }
}

fn unused_key(text: &str) -> Name {
    let mut key = TYPE_KEY_BASE.to_owned();
    let mut suffix = 0_u32;
    while text.contains(&key) {
        suffix += 1;
        key = format!("{TYPE_KEY_BASE}{suffix}");
    }
    Name::new(key)
}

struct Marker<'a> {
    types: &'a OutputTypes,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    type_key: &'a Name,
}

impl Marker<'_> {
    /// Marks the sets under `set`, whose selections apply to `parent` (a type name).
    fn visit(&self, set: &mut Positioned<SelectionSet>, parent: &Name) {
        for item in &mut set.node.items {
            match &mut item.node {
                Selection::Field(field) => {
                    let Some(ty) = self.types.field(parent, &field.node.name.node) else {
                        continue;
                    };
                    let named = ty.named().clone();
                    if self.types.get(&named).is_some_and(|t| t.is_composite()) {
                        self.visit(&mut field.node.selection_set, &named);
                        if self.needs_mark(ty, &named, &field.node.selection_set.node) {
                            add_type_field(&mut field.node.selection_set, self.type_key);
                        }
                    }
                }
                Selection::InlineFragment(inline) => {
                    let on = match &inline.node.type_condition {
                        Some(condition) => condition.node.on.node.clone(),
                        None => parent.clone(),
                    };
                    self.visit(&mut inline.node.selection_set, &on);
                }
                Selection::FragmentSpread(_) => {}
            }
        }
    }

    /// Whether a value of type `ty` (named `named`) selected with `set` needs the mark.
    fn needs_mark(&self, ty: &TypeRef, named: &str, set: &SelectionSet) -> bool {
        let is_abstract = self.types.get(named).is_some_and(|t| t.is_abstract());
        is_abstract || (object_may_be_null(ty) && !self.surely_yields(set, named, 0))
    }

    /// Whether `set`, on an object of type `object_type`, selects at least one field whatever
    /// the variables are.
    fn surely_yields(&self, set: &SelectionSet, object_type: &str, depth: usize) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(field) => unconditional(&field.node.directives),
            Selection::InlineFragment(inline) => {
                unconditional(&inline.node.directives)
                    && inline.node.type_condition.as_ref().is_none_or(|condition| {
                        self.types.applies(&condition.node.on.node, object_type)
                    })
                    && self.surely_yields(&inline.node.selection_set.node, object_type, depth)
            }
            Selection::FragmentSpread(spread) => {
                depth < SPREAD_DEPTH
                    && unconditional(&spread.node.directives)
                    && self
                        .fragments
                        .get(&spread.node.fragment_name.node)
                        .is_some_and(|fragment| {
                            self.types
                                .applies(&fragment.node.type_condition.node.on.node, object_type)
                                && self.surely_yields(
                                    &fragment.node.selection_set.node,
                                    object_type,
                                    depth + 1,
                                )
                        })
            }
        })
    }
}

/// Whether the object inside `ty`'s wrappers sits in a nullable position.
fn object_may_be_null(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::NonNull(inner) => match inner.as_ref() {
            TypeRef::List(item) => object_may_be_null(item),
            _ => false,
        },
        TypeRef::List(item) => object_may_be_null(item),
        TypeRef::Named(_) => true,
    }
}

fn unconditional(directives: &[Positioned<Directive>]) -> bool {
    !directives
        .iter()
        .any(|d| matches!(d.node.name.node.as_str(), "skip" | "include"))
}

fn add_type_field(set: &mut Positioned<SelectionSet>, key: &Name) {
    let pos = set.pos;
    let field = Field {
        alias: Some(Positioned::new(key.clone(), pos)),
        name: Positioned::new(Name::new("__typename"), pos),
        arguments: Vec::new(),
        directives: Vec::new(),
        selection_set: Positioned::new(SelectionSet::default(), pos),
    };
    set.node.items.push(Positioned::new(
        Selection::Field(Positioned::new(field, pos)),
        pos,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::completion::types;

    fn marked_keys(text: &str) -> Vec<String> {
        let document = async_graphql::parser::parse_query(text).unwrap();
        let executable = mark(document, text, types::served());
        let mut keys = Vec::new();
        fn walk(set: &SelectionSet, key: &Name, path: &str, keys: &mut Vec<String>) {
            for item in &set.items {
                match &item.node {
                    Selection::Field(field) => {
                        let here = format!("{path}/{}", field.node.response_key().node);
                        if field.node.alias.as_ref().is_some_and(|a| &a.node == key) {
                            keys.push(path.to_owned());
                        }
                        walk(&field.node.selection_set.node, key, &here, keys);
                    }
                    Selection::InlineFragment(inline) => {
                        walk(&inline.node.selection_set.node, key, path, keys)
                    }
                    Selection::FragmentSpread(_) => {}
                }
            }
        }
        for (_, operation) in executable.document.operations.iter() {
            walk(
                &operation.node.selection_set.node,
                &executable.type_key,
                "",
                &mut keys,
            );
        }
        keys
    }

    #[test]
    fn abstract_values_are_marked_with_their_type() {
        assert_eq!(
            marked_keys(r#"{ okr(id: "1") { id owner { ... on User { name } } } }"#),
            ["/okr/owner"]
        );
    }

    #[test]
    fn nullable_objects_are_marked_only_when_every_field_may_be_skipped() {
        assert!(marked_keys(r#"{ okr(id: "1") { id } }"#).is_empty());
        assert_eq!(
            marked_keys(r#"query($s: Boolean!) { okr(id: "1") { id @skip(if: $s) } }"#),
            ["/okr"]
        );
        assert!(
            marked_keys(r#"{ okr(id: "1") { ...F } } fragment F on Okr { id }"#).is_empty(),
            "a fragment that always applies and selects a field needs no mark"
        );
    }

    #[test]
    fn the_type_key_never_collides_with_the_documents_text() {
        assert_eq!(unused_key("{ a }").as_str(), TYPE_KEY_BASE);
        assert_eq!(unused_key("{ _okrsType: a }").as_str(), "_okrsType1");
    }
}
