//! The schema's output types as completion needs them: each field's type with its list and
//! non-null wrappers, and the object types an abstract type may be at run time.
//!
//! The table is read once, through introspection, from the schema the server builds, so it
//! holds exactly what is served, the introspection types (`__Schema`, `__Type`, …) included.

use std::sync::LazyLock;

use async_graphql::{Name, Value};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::graphql::schema;

/// A field's type: a named type inside any number of list and non-null wrappers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `T!`.
    NonNull(Box<TypeRef>),
    /// `[T]`.
    List(Box<TypeRef>),
    /// `T`.
    Named(Name),
}

impl TypeRef {
    /// The named type inside the wrappers.
    pub fn named(&self) -> &Name {
        match self {
            Self::NonNull(inner) | Self::List(inner) => inner.named(),
            Self::Named(name) => name,
        }
    }

    /// Whether a null here must propagate to the parent.
    pub fn is_non_null(&self) -> bool {
        matches!(self, Self::NonNull(_))
    }
}

/// What a named output type is, for completion.
#[derive(Debug, Default)]
pub struct OutputType {
    /// For an interface or a union, the object types it can be; `None` for anything else.
    pub possible_types: Option<FxHashSet<Name>>,
    /// The fields of an object or interface type by name (empty for scalars and enums).
    pub fields: FxHashMap<Name, TypeRef>,
}

impl OutputType {
    /// Whether the type has sub-selections (object, interface or union).
    pub fn is_composite(&self) -> bool {
        self.possible_types.is_some() || !self.fields.is_empty()
    }

    /// Whether the type is an interface or a union.
    pub fn is_abstract(&self) -> bool {
        self.possible_types.is_some()
    }
}

/// Every output type of the served schema, by name. Completion looks types up for every
/// object of a response, so the tables hash with FxHash (names are the schema's own, not a
/// client's, so there is nothing to flood), not SipHash.
#[derive(Debug)]
pub struct OutputTypes {
    types: FxHashMap<Name, OutputType>,
    /// The root query type's name.
    pub query: Name,
    /// The root mutation type's name, if the schema has mutations.
    pub mutation: Option<Name>,
    /// The meta-fields' types: `__typename`, `__schema` and `__type`.
    meta: [TypeRef; 3],
}

/// The introspection query the table is read with: six wrappers cover `[[T!]!]!`.
const INTROSPECTION: &str = r#"{
  __schema {
    queryType { name }
    mutationType { name }
    types { name possibleTypes { name } fields(includeDeprecated: true) { name type { ...T } } }
  }
}
fragment T on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
}"#;

/// The served schema's output types, read on first use.
pub fn served() -> &'static OutputTypes {
    static TYPES: LazyLock<OutputTypes> = LazyLock::new(|| {
        let schema = schema::builder().finish();
        let response = futures::executor::block_on(schema.execute(INTROSPECTION));
        OutputTypes::from_introspection(&response.data)
    });
    &TYPES
}

impl OutputTypes {
    /// The type named `name`, if the schema has it.
    pub fn get(&self, name: &str) -> Option<&OutputType> {
        self.types.get(name)
    }

    /// The type of `field` on `type_name`, including the meta-fields every type has
    /// (`__typename`) and those of the query root (`__schema`, `__type`).
    pub fn field(&self, type_name: &str, field: &str) -> Option<&TypeRef> {
        let [typename, schema, r#type] = &self.meta;
        match field {
            "__typename" => Some(typename),
            "__schema" if type_name == self.query.as_str() => Some(schema),
            "__type" if type_name == self.query.as_str() => Some(r#type),
            _ => self.get(type_name)?.fields.get(field),
        }
    }

    /// Whether a fragment with type condition `condition` applies to an object of type
    /// `object_type` (the specification's DoesFragmentTypeApply).
    pub fn applies(&self, condition: &str, object_type: &str) -> bool {
        condition == object_type
            || self
                .get(condition)
                .and_then(|ty| ty.possible_types.as_ref())
                .is_some_and(|possible| possible.contains(object_type))
    }

    /// Reads the table from the answer to [`INTROSPECTION`].
    fn from_introspection(data: &Value) -> Self {
        let schema = member(data, "__schema");
        let mut table = Self {
            query: type_name(member(schema, "queryType")).unwrap_or_else(|| Name::new("Query")),
            mutation: type_name(member(schema, "mutationType")),
            types: FxHashMap::default(),
            meta: [
                non_null("String"),
                non_null("__Schema"),
                TypeRef::Named(Name::new("__Type")),
            ],
        };
        for ty in list(member(schema, "types")) {
            let Some(name) = type_name(ty) else { continue };
            let possible_types = match member(ty, "possibleTypes") {
                Value::List(items) => Some(items.iter().filter_map(type_name).collect()),
                _ => None,
            };
            let fields = list(member(ty, "fields"))
                .iter()
                .filter_map(|field| Some((type_name(field)?, type_ref(member(field, "type"))?)))
                .collect();
            table.types.insert(
                name,
                OutputType {
                    possible_types,
                    fields,
                },
            );
        }
        table
    }
}

fn non_null(name: &str) -> TypeRef {
    TypeRef::NonNull(Box::new(TypeRef::Named(Name::new(name))))
}

fn type_ref(value: &Value) -> Option<TypeRef> {
    let inner = || type_ref(member(value, "ofType")).map(Box::new);
    match member(value, "kind") {
        Value::Enum(kind) if kind.as_str() == "NON_NULL" => Some(TypeRef::NonNull(inner()?)),
        Value::Enum(kind) if kind.as_str() == "LIST" => Some(TypeRef::List(inner()?)),
        _ => type_name(value).map(TypeRef::Named),
    }
}

fn member<'v>(value: &'v Value, key: &str) -> &'v Value {
    match value {
        Value::Object(object) => object.get(key).unwrap_or(&Value::Null),
        _ => &Value::Null,
    }
}

fn list(value: &Value) -> &[Value] {
    match value {
        Value::List(items) => items,
        _ => &[],
    }
}

fn type_name(value: &Value) -> Option<Name> {
    match member(value, "name") {
        Value::String(name) => Some(Name::new(name)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_schema_is_read_with_its_wrappers_and_unions() {
        let types = served();
        assert_eq!(types.query.as_str(), "Query");
        assert_eq!(types.mutation.as_ref().map(Name::as_str), Some("Mutation"));
        let owner = types.get("Owner").expect("the Owner union");
        assert!(owner.is_abstract() && owner.is_composite());
        assert!(types.applies("Owner", "User") && types.applies("User", "User"));
        assert!(!types.applies("Group", "User"));
        assert_eq!(
            types.field("Query", "__schema"),
            Some(&non_null("__Schema")),
            "the root's meta-fields"
        );
        let kinds = types
            .field("__Schema", "types")
            .expect("introspection types too");
        assert_eq!(
            *kinds,
            TypeRef::NonNull(Box::new(TypeRef::List(Box::new(non_null("__Type")))))
        );
        assert!(!types.get("String").expect("scalars").is_composite());
    }
}
