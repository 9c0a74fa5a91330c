//! Rebuilding `data` as the specification's execution completes it, from what async-graphql
//! answered, the executed document and the schema's output types.
//!
//! async-graphql resolves a selection set's fields concurrently and keeps them in the order
//! they finished, drops the key of a field that failed, and answers `null` for an object none
//! of whose fields is left. The walk below follows the document instead: fields are collected
//! as CollectFields collects them (fragments inlined, `@skip`/`@include` applied, a response
//! key at its first place), a key async-graphql dropped is a field that raised an error and
//! completes to `null`, and a `null` in a non-null position makes the nearest nullable parent
//! `null` (§6.4.4). Errors are kept, each naming the field that raised it, in document order.

use std::cmp::Ordering;
use std::rc::Rc;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Name, PathSegment, Positioned, ServerError, Value, Variables};
use rustc_hash::FxHashMap;

use crate::graphql::completion::marks::Executable;
use crate::graphql::completion::types::{OutputTypes, TypeRef};
use crate::graphql::documents;

/// The request as it ran: the marked document, which operation and with which variables.
#[derive(Debug, Clone, Copy)]
pub struct Executed<'a> {
    /// The document that ran, with its marks.
    pub executable: &'a Executable,
    /// The operation the request named, if it named one.
    pub operation_name: Option<&'a str>,
    /// The request's variables.
    pub variables: &'a Variables,
}

/// Rewrites `response.data` in place: fields in selection order, `null` for every field that
/// raised an error, nulls propagated, marks removed. A response without data from execution
/// (a request error) is left alone.
pub fn complete(
    executed: Executed<'_>,
    types: &OutputTypes,
    response: &mut async_graphql::Response,
) {
    let Some(operation) =
        documents::operation(&executed.executable.document, executed.operation_name)
    else {
        return;
    };
    let root = match operation.ty {
        OperationType::Query => &types.query,
        OperationType::Mutation => match &types.mutation {
            Some(mutation) => mutation,
            None => return,
        },
        OperationType::Subscription => return,
    };
    let raw = match std::mem::take(&mut response.data) {
        Value::Object(object) => object,
        Value::Null => IndexMap::new(),
        other => {
            response.data = other;
            return;
        }
    };
    let mut walk = Walk {
        types,
        document: &executed.executable.document,
        operation,
        variables: executed.variables,
        type_key: &executed.executable.type_key,
        errors: &response.errors,
        path: Vec::new(),
        collected: FxHashMap::default(),
    };
    let fields = walk.collect_root(root, &operation.selection_set.node);
    response.data = walk.object(&fields, raw).unwrap_or(Value::Null);
    sort_errors(&mut response.errors);
}

/// Puts errors in document order (then by path), instead of the order concurrent fields
/// happened to fail in, so that the same request always gets the same answer.
fn sort_errors(errors: &mut [ServerError]) {
    fn step_order(a: &PathSegment, b: &PathSegment) -> Ordering {
        match (a, b) {
            (PathSegment::Index(a), PathSegment::Index(b)) => a.cmp(b),
            (PathSegment::Field(a), PathSegment::Field(b)) => a.cmp(b),
            (PathSegment::Index(_), PathSegment::Field(_)) => Ordering::Less,
            (PathSegment::Field(_), PathSegment::Index(_)) => Ordering::Greater,
        }
    }
    errors.sort_by(|a, b| {
        let at = |error: &ServerError| error.locations.first().map(|pos| (pos.line, pos.column));
        at(a).cmp(&at(b)).then_with(|| {
            let mut steps = a.path.iter().zip(&b.path).map(|(a, b)| step_order(a, b));
            steps
                .find(|order| order.is_ne())
                .unwrap_or_else(|| a.path.len().cmp(&b.path.len()))
        })
    });
}

/// A completed value of type `ty` in its place: `null` stays `null` where `ty` allows it,
/// and is `None` (the parent becomes `null`) where `ty` is non-null.
fn or_null(ty: &TypeRef, completed: Option<Value>) -> Option<Value> {
    match completed {
        Some(value) => Some(value),
        None if ty.is_non_null() => None,
        None => Some(Value::Null),
    }
}

/// One step of the response path being completed.
#[derive(Debug, Clone, Copy)]
enum Step<'d> {
    Key(&'d str),
    Index(usize),
}

/// The fields collected for one object, by response key.
type Collected<'d> = IndexMap<&'d Name, Subfield<'d>>;

/// One response key of a collected selection.
#[derive(Default)]
struct Subfield<'d> {
    /// Every field node selecting it.
    nodes: Vec<&'d Field>,
    /// Its type, looked up once per collection rather than once per object (`None`: the
    /// schema has no such field, and the answer is kept as it is).
    ty: Option<&'d TypeRef>,
}

/// An object type, the first field node selecting the object, and how many nodes do.
type SubfieldsKey = (Name, *const Field, usize);

struct Walk<'d> {
    types: &'d OutputTypes,
    document: &'d ExecutableDocument,
    operation: &'d OperationDefinition,
    variables: &'d Variables,
    type_key: &'d Name,
    errors: &'d [ServerError],
    path: Vec<Step<'d>>,
    /// Sub-fields already collected, by object type and the field nodes they come from (keyed
    /// by the first node and their number, and checked against all of them): a list of a
    /// thousand objects collects once.
    collected: FxHashMap<SubfieldsKey, (Vec<&'d Field>, Rc<Collected<'d>>)>,
}

impl<'d> Walk<'d> {
    fn collect_root(&mut self, root: &Name, set: &'d SelectionSet) -> Rc<Collected<'d>> {
        let mut fields = Collected::new();
        let mut visited = Vec::new();
        self.collect(root, set, &mut fields, &mut visited);
        self.typed(root, &mut fields);
        Rc::new(fields)
    }

    /// Looks up the type of every collected field of an object of type `object_type`.
    fn typed(&self, object_type: &str, fields: &mut Collected<'d>) {
        for subfield in fields.values_mut() {
            subfield.ty = self.types.field(object_type, &subfield.nodes[0].name.node);
        }
    }

    /// The specification's CollectFields for an object of type `object_type`.
    fn collect(
        &self,
        object_type: &str,
        set: &'d SelectionSet,
        fields: &mut Collected<'d>,
        visited: &mut Vec<&'d Name>,
    ) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let key = &field.node.response_key().node;
                    // The mark is read by `named_or_list`, never answered.
                    if key != self.type_key && self.included(&field.node.directives) {
                        fields.entry(key).or_default().nodes.push(&field.node);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if !self.included(&spread.node.directives) || visited.contains(&name) {
                        continue;
                    }
                    visited.push(name);
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    if self
                        .types
                        .applies(&fragment.node.type_condition.node.on.node, object_type)
                    {
                        self.collect(
                            object_type,
                            &fragment.node.selection_set.node,
                            fields,
                            visited,
                        );
                    }
                }
                Selection::InlineFragment(inline) => {
                    let applies = inline.node.type_condition.as_ref().is_none_or(|condition| {
                        self.types.applies(&condition.node.on.node, object_type)
                    });
                    if applies && self.included(&inline.node.directives) {
                        self.collect(
                            object_type,
                            &inline.node.selection_set.node,
                            fields,
                            visited,
                        );
                    }
                }
            }
        }
    }

    /// The fields selected on an object of type `object_type` by the field nodes `nodes`
    /// (the specification's CollectSubfields), collected once per type and nodes.
    fn subfields(&mut self, object_type: &Name, nodes: &[&'d Field]) -> Rc<Collected<'d>> {
        let key = (
            object_type.clone(),
            std::ptr::from_ref(nodes[0]),
            nodes.len(),
        );
        if let Some((seen, fields)) = self.collected.get(&key)
            && seen.iter().zip(nodes).all(|(a, b)| std::ptr::eq(*a, *b))
        {
            return fields.clone();
        }
        let mut fields = Collected::new();
        let mut visited = Vec::new();
        for node in nodes {
            self.collect(
                object_type,
                &node.selection_set.node,
                &mut fields,
                &mut visited,
            );
        }
        self.typed(object_type, &mut fields);
        let fields = Rc::new(fields);
        self.collected.insert(key, (nodes.to_vec(), fields.clone()));
        fields
    }

    /// Whether `@skip` and `@include` keep a selection.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|directive| {
            let condition = || {
                directive
                    .node
                    .get_argument("if")
                    .and_then(|value| self.boolean(&value.node))
            };
            match directive.node.name.node.as_str() {
                "skip" => condition() != Some(true),
                "include" => condition() != Some(false),
                _ => true,
            }
        })
    }

    fn boolean(&self, value: &async_graphql_value::Value) -> Option<bool> {
        use async_graphql_value::Value as Literal;
        match value {
            Literal::Boolean(flag) => Some(*flag),
            Literal::Variable(name) => {
                let given = self.variables.get(name);
                let default = || {
                    self.operation
                        .variable_definitions
                        .iter()
                        .find(|definition| &definition.node.name.node == name)
                        .and_then(|definition| definition.node.default_value.as_ref())
                        .map(|value| &value.node)
                };
                match given.or_else(default) {
                    Some(Value::Boolean(flag)) => Some(*flag),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Completes an object whose collected (and typed) fields are `fields`, from
    /// async-graphql's answer `raw`; `None` when a non-null field is null.
    fn object(&mut self, fields: &Collected<'d>, mut raw: IndexMap<Name, Value>) -> Option<Value> {
        // Most objects come back complete and in order (their fields were ready at once):
        // they are completed in place.
        let in_order = raw.len() == fields.len()
            && raw
                .keys()
                .zip(fields.keys())
                .all(|(answered, selected)| answered == *selected);
        if in_order {
            for (index, (&key, subfield)) in fields.iter().enumerate() {
                let Some((_, slot)) = raw.get_index_mut(index) else {
                    break;
                };
                let answered = std::mem::take(slot);
                *slot = self.field(key, subfield, Some(answered))?;
            }
            return Some(Value::Object(raw));
        }
        let mut completed = IndexMap::with_capacity(fields.len());
        for (&key, subfield) in fields {
            let answered = raw.swap_remove(key.as_str());
            let value = self.field(key, subfield, answered)?;
            completed.insert(key.clone(), value);
        }
        Some(Value::Object(completed))
    }

    /// Completes the field `key` of an object, collected as `subfield`, from its answer
    /// (`None` when async-graphql dropped it); `None` when its `null` must make the object
    /// `null` too.
    fn field(
        &mut self,
        key: &'d Name,
        subfield: &Subfield<'d>,
        answered: Option<Value>,
    ) -> Option<Value> {
        let Some(ty) = subfield.ty else {
            return Some(answered.unwrap_or_default());
        };
        self.path.push(Step::Key(key.as_str()));
        let value = self.value(ty, &subfield.nodes, answered);
        self.path.pop();
        or_null(ty, value)
    }

    /// Completes one value of type `ty`; `raw` is `None` when async-graphql dropped the key
    /// (the field raised an error). `None` stands for `null`.
    fn value(&mut self, ty: &TypeRef, nodes: &[&'d Field], raw: Option<Value>) -> Option<Value> {
        let raw = raw?;
        match ty {
            TypeRef::NonNull(inner) => self.named_or_list(inner, nodes, raw, true),
            _ => self.named_or_list(ty, nodes, raw, false),
        }
    }

    fn named_or_list(
        &mut self,
        ty: &TypeRef,
        nodes: &[&'d Field],
        raw: Value,
        required: bool,
    ) -> Option<Value> {
        match ty {
            TypeRef::NonNull(inner) => self.named_or_list(inner, nodes, raw, true),
            TypeRef::List(item) => match raw {
                Value::List(mut items) => {
                    for (index, slot) in items.iter_mut().enumerate() {
                        let answered = std::mem::take(slot);
                        self.path.push(Step::Index(index));
                        let value = self.value(item, nodes, Some(answered));
                        self.path.pop();
                        *slot = or_null(item, value)?;
                    }
                    Some(Value::List(items))
                }
                Value::Null => None,
                other => Some(other),
            },
            TypeRef::Named(name) => {
                let Some(output) = self.types.get(name).filter(|t| t.is_composite()) else {
                    return (raw != Value::Null).then_some(raw);
                };
                let is_abstract = output.is_abstract();
                match raw {
                    Value::Object(mut object) => {
                        let marked = object.swap_remove(self.type_key.as_str());
                        let runtime = match marked {
                            Some(Value::String(runtime)) if is_abstract => Name::new(runtime),
                            _ => name.clone(),
                        };
                        let fields = self.subfields(&runtime, nodes);
                        self.object(&fields, object)
                    }
                    // Every field of an object that exists raised an error (its type is known
                    // unless abstract, and abstract values always carry their mark), or a
                    // non-null object whose fields were all skipped.
                    Value::Null if !is_abstract && (required || self.error_below()) => {
                        let fields = self.subfields(name, nodes);
                        self.object(&fields, IndexMap::new())
                    }
                    Value::Null => None,
                    other => Some(other),
                }
            }
        }
    }

    /// Whether an error was raised below the current path.
    fn error_below(&self) -> bool {
        self.errors.iter().any(|error| {
            error.path.len() > self.path.len()
                && error.path.iter().zip(&self.path).all(|pair| match pair {
                    (PathSegment::Field(name), Step::Key(key)) => name == key,
                    (PathSegment::Index(index), Step::Index(at)) => index == at,
                    _ => false,
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::completion::{mark, types};

    /// Completes async-graphql's answer `raw` (JSON, keys in the order given) with errors at
    /// `error_paths`, for the document `text`; returns the completed `data` as JSON text.
    fn completed(text: &str, variables: &str, raw: &str, error_paths: &[&str]) -> String {
        let document = async_graphql::parser::parse_query(text).unwrap();
        let executable = mark(document, text, types::served());
        let variables = Variables::from_json(serde_json::from_str(variables).unwrap());
        let mut response =
            async_graphql::Response::new(serde_json::from_str::<Value>(raw).unwrap());
        for path in error_paths {
            let mut error = ServerError::new("failed", None);
            error.path = path
                .split('.')
                .map(|step| match step.parse() {
                    Ok(index) => PathSegment::Index(index),
                    Err(_) => PathSegment::Field(step.to_owned()),
                })
                .collect();
            response.errors.push(error);
        }
        let executed = Executed {
            executable: &executable,
            operation_name: None,
            variables: &variables,
        };
        complete(executed, types::served(), &mut response);
        serde_json::to_string(&response.data).unwrap()
    }

    #[test]
    fn keys_follow_the_selection_and_merge_at_their_first_place() {
        let text = r#"{ b: okr(id: "1") { id } a: __typename b: okr(id: "1") { version } }"#;
        let raw = r#"{"a": "Query", "b": {"version": 2, "id": "1"}}"#;
        assert_eq!(
            completed(text, "{}", raw, &[]),
            r#"{"b":{"id":"1","version":2},"a":"Query"}"#
        );
    }

    #[test]
    fn a_dropped_nullable_field_is_null_in_its_place() {
        let text = r#"{ okr(id: "9") { id } objective(id: "x") { id } t: __typename }"#;
        let raw = r#"{"t": "Query", "okr": null}"#;
        assert_eq!(
            completed(text, "{}", raw, &["objective"]),
            r#"{"okr":null,"objective":null,"t":"Query"}"#
        );
    }

    #[test]
    fn a_non_null_error_nulls_the_nearest_nullable_parent() {
        let text = r#"mutation { scoreKeyResult(input: {id: "1", midScore: "0.5"}) {
            keyResult { id midScore } userErrors { message } } }"#;
        let raw = r#"{"scoreKeyResult": {"userErrors": [], "keyResult": {"id": "1"}}}"#;
        assert_eq!(
            completed(text, "{}", raw, &["scoreKeyResult.keyResult.midScore"]),
            r#"{"scoreKeyResult":{"keyResult":null,"userErrors":[]}}"#
        );
    }

    #[test]
    fn null_propagates_through_non_null_lists_up_to_data() {
        let text = "{ okrs { nodes { id version } } }";
        let raw = r#"{"okrs": {"nodes": [{"id": "1", "version": 1}, {"id": "2"}]}}"#;
        assert_eq!(
            completed(text, "{}", raw, &["okrs.nodes.1.version"]),
            "null"
        );
    }

    #[test]
    fn an_object_whose_fields_all_failed_is_still_an_object() {
        let text = r#"{ user(id: "u") { department givenName } }"#;
        let raw = r#"{"user": null}"#;
        assert_eq!(
            completed(text, "{}", raw, &["user.department", "user.givenName"]),
            r#"{"user":{"department":null,"givenName":null}}"#
        );
        assert_eq!(completed(text, "{}", raw, &[]), r#"{"user":null}"#);
    }

    #[test]
    fn skipped_fields_and_fragments_follow_the_variables() {
        let text = r#"query($yes: Boolean!, $no: Boolean = false) {
            okr(id: "1") { id @skip(if: $yes) ...F @include(if: $no) version @include(if: $yes) }
        } fragment F on Okr { updatedAt }"#;
        let raw = r#"{"okr": {"version": 3}}"#;
        assert_eq!(
            completed(text, r#"{"yes": true}"#, raw, &[]),
            r#"{"okr":{"version":3}}"#
        );
    }

    #[test]
    fn an_object_whose_fields_were_all_skipped_is_empty() {
        let text = r#"{ okr(id: "1") { id @skip(if: true) } }"#;
        let document = async_graphql::parser::parse_query(text).unwrap();
        let key = mark(document, text, types::served()).type_key;
        let raw = format!(r#"{{"okr": {{"{key}": "Okr"}}}}"#);
        assert_eq!(completed(text, "{}", &raw, &[]), r#"{"okr":{}}"#);
        assert_eq!(
            completed(text, "{}", r#"{"okr": null}"#, &[]),
            r#"{"okr":null}"#
        );
    }

    #[test]
    fn the_runtime_type_chooses_the_fragments_and_its_mark_is_removed() {
        let text = r#"{ okr(id: "1") { owner { ... on Group { name slug } ... on User { slug name } } } }"#;
        let document = async_graphql::parser::parse_query(text).unwrap();
        let key = mark(document, text, types::served()).type_key;
        let raw =
            format!(r#"{{"okr": {{"owner": {{"name": "N", "{key}": "User", "slug": "s"}}}}}}"#);
        assert_eq!(
            completed(text, "{}", &raw, &[]),
            r#"{"okr":{"owner":{"slug":"s","name":"N"}}}"#
        );
    }
}
