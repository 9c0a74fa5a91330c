//! Lists of objects resolved without a future per scalar field.
//!
//! async-graphql resolves every field of every object as its own boxed future, joined per
//! object: about 2,800 instructions for a field that only reads its row (callgrind, the OKR
//! page), most of a connection's cost. A connection's `nodes` are resolved here instead: the
//! fields a type lists with [`leaves!`] (argument-free fields of scalar type that read the row
//! and are ready at once) are resolved in place, in selection order, through the type's own
//! resolver and async-graphql's own conversion; every other field goes through async-graphql
//! as before, concurrently for all the list's objects, so DataLoader batching is unchanged. A
//! selection with fragments, directives or a response key used twice (bounded, like every
//! selection, by the document limits), and every selection of a schema without [`InPlace`]
//! (one built with an extension), is resolved entirely by async-graphql.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ContainerType, Context, ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
};
use futures::FutureExt;
use futures::stream::{FuturesUnordered, StreamExt};

/// An object type some of whose fields can be answered at once from its row.
pub trait Leaves: ContainerType {
    /// The value of `field` (selected as `ctx`'s item) when it is one of the type's leaves;
    /// `None` sends the field through async-graphql.
    fn leaf(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> Option<Value>;
}

/// The value a leaf resolver returned, converted as async-graphql converts it; `None` if the
/// resolver or the conversion was not ready at once (then the field goes the usual way).
pub fn ready<T: OutputType>(
    resolved: impl Future<Output = T>,
    ctx_field: &Context<'_>,
    field: &Positioned<Field>,
) -> Option<Value> {
    let value = resolved.now_or_never()?;
    let ctx_value = ctx_field.with_selection_set(&field.node.selection_set);
    OutputType::resolve(&value, &ctx_value, field)
        .now_or_never()?
        .ok()
}

/// Declares a type's leaves: `leaves!(Type { "fieldName" => method, … })`, each method one of
/// the type's own `#[Object]` resolvers taking only `&self` (so the field has no arguments).
/// A unit test checks every name against the served schema: a field of the type, of a scalar
/// or enum type (or a list of one).
macro_rules! leaves {
    ($type:ident { $($name:literal => $method:ident),* $(,)? }) => {
        impl crate::graphql::leaves::Leaves for $type {
            fn leaf(
                &self,
                ctx: &async_graphql::ContextSelectionSet<'_>,
                field: &async_graphql::Positioned<async_graphql::parser::types::Field>,
            ) -> Option<async_graphql::Value> {
                match field.node.name.node.as_str() {
                    $($name => {
                        let ctx_field = ctx.with_field(field);
                        crate::graphql::leaves::ready(self.$method(&ctx_field), &ctx_field, field)
                    })*
                    _ => None,
                }
            }
        }

        #[cfg(test)]
        impl crate::graphql::leaves::Declared for $type {
            const LEAVES: &'static [&'static str] = &[$($name),*];
        }
    };
}

pub(crate) use leaves;

/// The leaves a type declares, for the test that checks them against the schema.
#[cfg(test)]
pub trait Declared: OutputType {
    /// The declared field names.
    const LEAVES: &'static [&'static str];
}

/// Schema data that turns answering in place on. The served schema has it
/// ([`crate::graphql::schema::build`]); a schema built with an extension (the reference
/// comparison's recorder, which must see every field resolved) does not.
pub struct InPlace;

/// A connection's `nodes`: served as `[T!]!`, exactly like a `Vec<T>`.
pub struct Nodes<T>(pub Vec<T>);

impl<T: Leaves + Send + Sync> OutputType for Nodes<T> {
    fn type_name() -> Cow<'static, str> {
        <Vec<T> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<T> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<T> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        if ctx.data_opt::<InPlace>().is_none() || !plain(&ctx.item.node) {
            return OutputType::resolve(&self.0, ctx, field).await;
        }
        Ok(resolve_plain(ctx, &self.0).await)
    }
}

/// Whether a selection set is only fields, none with a directive, each under its own
/// response key (so no two answers need merging).
fn plain(set: &SelectionSet) -> bool {
    set.items
        .iter()
        .enumerate()
        .all(|(index, item)| match &item.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                field.node.directives.is_empty()
                    && set.items[..index]
                        .iter()
                        .all(|earlier| match &earlier.node {
                            Selection::Field(earlier) => &earlier.node.response_key().node != key,
                            _ => true,
                        })
            }
            Selection::FragmentSpread(_) | Selection::InlineFragment(_) => false,
        })
}

/// Resolves `items` for the plain selection set of `ctx`: leaves in place, the other fields
/// of all items concurrently. A field that fails is left out of its object and its error
/// recorded, as async-graphql does.
async fn resolve_plain<T: Leaves + Send + Sync>(
    ctx: &ContextSelectionSet<'_>,
    items: &[T],
) -> Value {
    let fields: Vec<&Positioned<Field>> = ctx
        .item
        .node
        .items
        .iter()
        .filter_map(|item| match &item.node {
            Selection::Field(field) => Some(field),
            _ => None,
        })
        .collect();
    let mut objects: Vec<IndexMap<Name, Value>> = Vec::with_capacity(items.len());
    let mut pending = FuturesUnordered::new();
    for (index, item) in items.iter().enumerate() {
        let mut object = IndexMap::with_capacity(fields.len());
        for (slot, &field) in fields.iter().enumerate() {
            let value = if field.node.name.node == "__typename" {
                Some(Value::String(item.introspection_type_name().into_owned()))
            } else {
                item.leaf(ctx, field)
            };
            if value.is_none() {
                pending.push(async move {
                    let ctx_item = ctx.with_index(index);
                    let ctx_field = ctx_item.with_field(field);
                    (index, slot, item.resolve_field(&ctx_field).await)
                });
            }
            // A field still resolving keeps its place in the selection order.
            object.insert(
                field.node.response_key().node.clone(),
                value.unwrap_or_default(),
            );
        }
        objects.push(object);
    }
    let mut failed = Vec::new();
    while let Some((index, slot, result)) = pending.next().await {
        match result {
            Ok(value) => {
                if let Some((_, place)) = objects[index].get_index_mut(slot) {
                    *place = value.unwrap_or_default();
                }
            }
            Err(error) => {
                ctx.add_error(error);
                failed.push((index, slot));
            }
        }
    }
    // Later slots first, so that the earlier ones keep their positions.
    failed.sort_unstable_by(|a, b| b.cmp(a));
    for (index, slot) in failed {
        objects[index].shift_remove_index(slot);
    }
    Value::List(
        objects
            .into_iter()
            .map(|object| {
                if object.is_empty() {
                    Value::Null
                } else {
                    Value::Object(object)
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::completion::types::{TypeRef, served};
    use crate::graphql::types::key_result::KeyResultCheckIn;
    use crate::graphql::types::{Cycle, Group, KeyResult, Objective, ObjectiveLink, Okr, User};

    /// Every declared leaf is a field of its type whose type is a scalar or an enum (or a
    /// list of them), so answering it in place can never skip a sub-selection.
    fn check<T: Declared>() {
        let types = served();
        let name = T::type_name();
        for leaf in T::LEAVES {
            let ty = types
                .field(&name, leaf)
                .unwrap_or_else(|| panic!("{name}.{leaf} is not a field"));
            let named = match ty {
                TypeRef::NonNull(inner) | TypeRef::List(inner) => inner.named(),
                TypeRef::Named(named) => named,
            };
            let output = types.get(named).expect("a served type");
            assert!(!output.is_composite(), "{name}.{leaf} is not a leaf");
        }
    }

    #[test]
    fn declared_leaves_are_scalar_fields_of_their_types() {
        check::<Cycle>();
        check::<Group>();
        check::<KeyResult>();
        check::<KeyResultCheckIn>();
        check::<Objective>();
        check::<ObjectiveLink>();
        check::<Okr>();
        check::<User>();
    }

    #[test]
    fn plain_selections_are_fields_under_distinct_keys_without_directives() {
        let parse = |text: &str| {
            let document = async_graphql::parser::parse_query(text).expect("parses");
            let async_graphql::parser::types::DocumentOperations::Single(operation) =
                document.operations
            else {
                panic!("one operation")
            };
            operation.node.selection_set.node
        };
        assert!(plain(&parse("{ id content midScore }")));
        assert!(plain(&parse("{ id other: id }")));
        assert!(!plain(&parse("{ id id }")));
        assert!(!plain(&parse("{ id a: content a: version }")));
        assert!(!plain(&parse("{ id ... on KeyResult { content } }")));
        assert!(!plain(&parse("{ id ...F }")));
        assert!(!plain(&parse("{ id @include(if: true) }")));
    }
}
