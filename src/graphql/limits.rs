//! Limits on the shape of a GraphQL document, checked before anything executes: how many
//! aliases it uses and how deeply its selections nest.
//!
//! Depth is measured as async-graphql measures it (every field counts one level, fragments are
//! inlined), with one difference: a root `__schema` or `__type` selection is measured against
//! [`INTROSPECTION_DEPTH_LIMIT`] instead of the configured limit. The standard introspection
//! query that GraphiQL and code generators send is 13 levels deep, and a playground must keep
//! working when an operator tightens `QUERY_DEPTH_LIMIT` for data queries.

use std::collections::HashMap;

use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};

use crate::graphql::errors::code;
use crate::graphql::input_shape::{self, ShapeExceeded, ShapeLimits};

/// The deepest allowed nesting under a root `__schema` or `__type` field (when the configured
/// limit is lower). graphql-js's introspection query, with every option on, is 13 deep.
pub const INTROSPECTION_DEPTH_LIMIT: usize = 16;

/// The configured ceilings.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Most aliased fields in the document.
    pub aliases: usize,
    /// Deepest field nesting in a data query.
    pub depth: usize,
    /// Nesting and list sizes of input values.
    pub shape: ShapeLimits,
}

/// Why a document was refused; its `Display` is the message the client sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitExceeded {
    /// More aliased fields than allowed (fragments counted where they are defined).
    #[error("The query has {count} aliases; at most {limit} are allowed")]
    Aliases { count: usize, limit: usize },
    /// Selections nested deeper than allowed.
    #[error("The query is nested {depth} levels deep; at most {limit} are allowed")]
    Depth { depth: usize, limit: usize },
    /// Input values nested too deeply or lists too long.
    #[error(transparent)]
    Shape(#[from] ShapeExceeded),
}

impl LimitExceeded {
    /// The `extensions.code` of the refusal: a malformed input is the client's
    /// `BAD_USER_INPUT`, a document that is merely too big is `QUERY_TOO_COMPLEX`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Shape(_) => code::BAD_USER_INPUT,
            Self::Aliases { .. } | Self::Depth { .. } => code::QUERY_TOO_COMPLEX,
        }
    }
}

/// Checks a parsed document against `limits` (its text passed [`input_shape::check_text`]).
pub fn check_document(
    document: &ExecutableDocument,
    limits: DocumentLimits,
) -> Result<(), LimitExceeded> {
    input_shape::check_document(document, limits.shape)?;
    let count = alias_count(document);
    if count > limits.aliases {
        return Err(LimitExceeded::Aliases {
            count,
            limit: limits.aliases,
        });
    }
    let mut depths = DepthMeter::new(document);
    for (_, operation) in document.operations.iter() {
        for field in depths.root_fields(&operation.node.selection_set.node) {
            let limit = if is_introspection(&field.name.node) {
                limits.depth.max(INTROSPECTION_DEPTH_LIMIT)
            } else {
                limits.depth
            };
            let depth = 1 + depths.depth(&field.selection_set.node);
            if depth > limit {
                return Err(LimitExceeded::Depth { depth, limit });
            }
        }
    }
    Ok(())
}

fn is_introspection(name: &Name) -> bool {
    matches!(name.as_str(), "__schema" | "__type")
}

fn alias_count(document: &ExecutableDocument) -> usize {
    fn count(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + count(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => count(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| count(&op.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| count(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

/// Measures selection depth with fragments inlined. Each fragment's depth is computed once
/// (so a document of fragments spreading fragments costs linear time), and a fragment that
/// spreads itself, which validation refuses anyway, counts as empty where it recurs.
struct DepthMeter<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    known: HashMap<&'a str, usize>,
    visiting: Vec<&'a str>,
}

impl<'a> DepthMeter<'a> {
    fn new(document: &'a ExecutableDocument) -> Self {
        Self {
            fragments: &document.fragments,
            known: HashMap::new(),
            visiting: Vec::new(),
        }
    }

    /// The fields an operation selects at its root, looking through fragments.
    fn root_fields(
        &mut self,
        set: &'a SelectionSet,
    ) -> Vec<&'a async_graphql::parser::types::Field> {
        let mut fields = Vec::new();
        self.collect_root_fields(set, &mut fields);
        fields
    }

    fn collect_root_fields(
        &mut self,
        set: &'a SelectionSet,
        fields: &mut Vec<&'a async_graphql::parser::types::Field>,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => fields.push(&field.node),
                Selection::InlineFragment(fragment) => {
                    self.collect_root_fields(&fragment.node.selection_set.node, fields);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if self.visiting.contains(&name) {
                        continue;
                    }
                    if let Some(fragment) = self.fragments.get(&spread.node.fragment_name.node) {
                        self.visiting.push(name);
                        self.collect_root_fields(&fragment.node.selection_set.node, fields);
                        self.visiting.pop();
                    }
                }
            }
        }
    }

    /// The number of field levels in `set` (0 for an empty or leaf selection).
    fn depth(&mut self, set: &'a SelectionSet) -> usize {
        let mut deepest = 0;
        for item in &set.items {
            let depth = match &item.node {
                Selection::Field(field) => 1 + self.depth(&field.node.selection_set.node),
                Selection::InlineFragment(fragment) => {
                    self.depth(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment_depth(&spread.node.fragment_name.node)
                }
            };
            deepest = deepest.max(depth);
        }
        deepest
    }

    fn fragment_depth(&mut self, name: &'a Name) -> usize {
        if let Some(depth) = self.known.get(name.as_str()) {
            return *depth;
        }
        if self.visiting.contains(&name.as_str()) {
            return 0;
        }
        let Some(fragment) = self.fragments.get(name) else {
            return 0;
        };
        self.visiting.push(name.as_str());
        let depth = self.depth(&fragment.node.selection_set.node);
        self.visiting.pop();
        self.known.insert(name.as_str(), depth);
        depth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, limits: DocumentLimits) -> Result<(), LimitExceeded> {
        let document = async_graphql::parser::parse_query(query).expect("valid GraphQL");
        check_document(&document, limits)
    }

    const LIMITS: DocumentLimits = DocumentLimits {
        aliases: 3,
        depth: 3,
        shape: ShapeLimits {
            nesting: 64,
            list_items: 100,
        },
    };

    fn depth_refusal(query: &str) -> Option<(usize, usize)> {
        match check(query, LIMITS) {
            Err(LimitExceeded::Depth { depth, limit }) => Some((depth, limit)),
            _ => None,
        }
    }

    #[test]
    fn counts_every_field_level_like_async_graphql() {
        assert_eq!(depth_refusal("{ a { b { c } } }"), None);
        assert_eq!(depth_refusal("{ a { b { c { d } } } }"), Some((4, 3)));
    }

    #[test]
    fn inlines_fragments_when_measuring() {
        let query = "query { a { ...F } } fragment F on T { b { ... on T { c { d } } } }";
        assert_eq!(depth_refusal(query), Some((4, 3)));
        let shallow = "query { a { ...F } } fragment F on T { b }";
        assert_eq!(depth_refusal(shallow), None);
    }

    #[test]
    fn introspection_gets_its_own_ceiling_but_still_has_one() {
        let thirteen = format!(
            "{{ __schema {{ types {{ fields {{ type {{ {} kind {} }} }} }} }} }}",
            "ofType { ".repeat(8),
            "} ".repeat(8)
        );
        assert_eq!(depth_refusal(&thirteen), None);
        let too_deep = format!(
            "{{ __type(name: \"A\") {{ {} name {} }} }}",
            "fields { type { ".repeat(8),
            "} } ".repeat(8)
        );
        assert_eq!(
            depth_refusal(&too_deep),
            Some((18, INTROSPECTION_DEPTH_LIMIT))
        );
        // Introspection hidden behind a fragment at the root is recognised too.
        let through_fragment = format!(
            "query {{ ...Root }} fragment Root on Query {{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
            "ofType { ".repeat(5),
            "} ".repeat(5)
        );
        assert_eq!(depth_refusal(&through_fragment), None);
    }

    #[test]
    fn a_data_field_beside_introspection_keeps_the_tight_limit() {
        let query = "{ __schema { queryType { name } } a { b { c { d } } } }";
        assert_eq!(depth_refusal(query), Some((4, 3)));
    }

    #[test]
    fn self_spreading_fragments_terminate() {
        let query = "query { a { ...F } } fragment F on T { b { ...F } }";
        assert_eq!(depth_refusal(query), None);
    }

    #[test]
    fn counts_aliases_in_operations_and_fragments() {
        let query = "{ x: a y: a ...F } fragment F on Q { z: a w: a }";
        assert_eq!(
            check(query, LIMITS),
            Err(LimitExceeded::Aliases { count: 4, limit: 3 })
        );
    }
}
