//! The shape of a declaration: how a resource's table, fields, relations and liveness are
//! described. The read engine compiles SQL from these; the declarations in [`super::resources`] fill them in.

use chrono::{DateTime, Utc};
use sea_orm::DbBackend;
use sea_orm::sea_query::{Alias, Expr};

/// What a computed field's SQL may ask of the statement it is compiled into.
pub trait SqlScope {
    /// The instant time-dependent rules compare with (one per request).
    fn now(&self) -> DateTime<Utc>;
    /// A fresh table alias for a subquery.
    fn alias(&self) -> Alias;
    /// The database engine the SQL is for (JSON functions differ).
    fn backend(&self) -> DbBackend;
}

/// The type of a field's SQL value, which decides how it is compared, read and encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text, compared bytewise (`COLLATE "C"` on PostgreSQL).
    Text,
    /// A 64-bit integer (numeric ids, counts).
    Int,
    /// A boolean.
    Bool,
    /// A UTC instant.
    DateTime,
    /// A score in parts per billion, exposed as a decimal.
    Ppb,
}

/// How a field's value is computed in SQL.
#[derive(Clone, Copy)]
pub enum Sql {
    /// A column of the table.
    Column(&'static str),
    /// An expression over the row at the alias, e.g. a computed score.
    Computed(fn(&dyn SqlScope, &Alias) -> Expr),
}

/// A filterable and sortable field.
#[derive(Clone, Copy)]
pub struct FieldDef {
    /// The name the API uses (camelCase).
    pub name: &'static str,
    /// The value's type.
    pub kind: Kind,
    /// Where the value comes from.
    pub sql: Sql,
    /// The value can be null (a `NOT NULL` column cannot, which lets a cursor bound the
    /// scan of an index on it).
    pub nullable: bool,
}

/// How rows of one table reach rows of another.
#[derive(Clone, Copy)]
pub enum Join {
    /// `target.remote = this.local` (to-one: local is the foreign key; to-many: local is the id).
    Column {
        /// The column on this table.
        local: &'static str,
        /// The column on the target table.
        remote: &'static str,
    },
    /// Through a join table whose live rows pair `this.id` with `target.id`.
    Through {
        /// The join table's resource.
        via: &'static EntityDef,
        /// Its column holding this table's id.
        this: &'static str,
        /// Its column holding the target's id.
        target: &'static str,
    },
    /// The elements of a JSON array column of this row (`json_each` on SQLite,
    /// `jsonb_array_elements` on PostgreSQL), each an element row of the target (whose
    /// fields read the element). Such a relation is for filters only: it has no table to
    /// page or sort, and no declaration gives it a `where` or `orderBy` key.
    Elements {
        /// The JSON array column on this table.
        column: &'static str,
    },
}

/// A relation to another entity.
#[derive(Clone, Copy)]
pub struct RelationDef {
    /// The name the API uses.
    pub name: &'static str,
    /// The related entity.
    pub target: &'static EntityDef,
    /// True for to-many relations.
    pub many: bool,
    /// How to reach it.
    pub join: Join,
    /// Every live row has exactly one live related row (a `NOT NULL` foreign key to a row
    /// that is never soft-deleted, or a parent in the liveness rules), so sorting by it can
    /// use an inner join.
    pub required: bool,
}

impl RelationDef {
    /// A to-one relation `target.remote = this.local`.
    pub const fn to_one(
        name: &'static str,
        target: &'static EntityDef,
        local: &'static str,
        remote: &'static str,
    ) -> Self {
        Self {
            name,
            target,
            many: false,
            join: Join::Column { local, remote },
            required: false,
        }
    }

    /// A to-one relation through a `NOT NULL` foreign key `local` to a row every live row
    /// has (see [`RelationDef::required`]).
    pub const fn parent(
        name: &'static str,
        target: &'static EntityDef,
        local: &'static str,
    ) -> Self {
        Self {
            required: true,
            ..Self::to_one(name, target, local, "id")
        }
    }

    /// A to-many relation: the target rows whose `remote` column holds this row's id.
    pub const fn to_many(
        name: &'static str,
        target: &'static EntityDef,
        remote: &'static str,
    ) -> Self {
        Self {
            many: true,
            ..Self::to_one(name, target, "id", remote)
        }
    }

    /// A to-many relation through the live rows of `via` pairing `this` with `other`.
    pub const fn through(
        name: &'static str,
        target: &'static EntityDef,
        via: &'static EntityDef,
        this: &'static str,
        other: &'static str,
    ) -> Self {
        Self {
            name,
            target,
            many: true,
            join: Join::Through {
                via,
                this,
                target: other,
            },
            required: false,
        }
    }

    /// A to-many relation over the elements of the JSON array `column` (see
    /// [`Join::Elements`]).
    pub const fn elements(
        name: &'static str,
        target: &'static EntityDef,
        column: &'static str,
    ) -> Self {
        Self {
            name,
            target,
            many: true,
            join: Join::Elements { column },
            required: false,
        }
    }
}

/// When a row counts as present; a row that is not live is never returned or matched.
#[derive(Clone, Copy)]
pub enum Live {
    /// `column IS NULL` (a soft-delete column).
    NotDeleted(&'static str),
    /// The row behind this to-one relation is live too (children of deleted parents vanish).
    Parent(&'static str),
}

/// A table as the read engine sees it.
pub struct EntityDef {
    /// The entity's API name, e.g. `Objective`.
    pub name: &'static str,
    /// The table.
    pub table: &'static str,
    /// The primary-key column and its kind (the last sort key of every order).
    pub pk: (&'static str, Kind),
    /// What makes a row live.
    pub live: &'static [Live],
    /// Filterable and sortable fields.
    pub fields: &'static [FieldDef],
    /// Relations usable in filters, sorts and nested lists.
    pub relations: &'static [RelationDef],
    /// The order of a list that names none (the primary key always ends it).
    pub default_order: &'static [OrderKey],
}

/// One key of a declared default order.
#[derive(Clone, Copy, Debug)]
pub struct OrderKey {
    /// To-one relations to follow (API names), then the field sorted by.
    pub path: &'static [&'static str],
    /// Largest first.
    pub descending: bool,
    /// Nulls before the other values.
    pub nulls_first: bool,
}

impl EntityDef {
    /// The field called `name` (also in a `const` context).
    pub const fn field(&self, name: &str) -> Option<&'static FieldDef> {
        let mut index = 0;
        while index < self.fields.len() {
            if same_text(self.fields[index].name, name) {
                return Some(&self.fields[index]);
            }
            index += 1;
        }
        None
    }

    /// The relation called `name` (also in a `const` context).
    pub const fn relation(&self, name: &str) -> Option<&'static RelationDef> {
        let mut index = 0;
        while index < self.relations.len() {
            if same_text(self.relations[index].name, name) {
                return Some(&self.relations[index]);
            }
            index += 1;
        }
        None
    }
}

/// Whether two texts are equal, in a `const` context.
pub const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut index = 0;
    while index < a.len() {
        if a[index] != b[index] {
            return false;
        }
        index += 1;
    }
    true
}

/// Checks a declaration while compiling (`const _: () = check(&RESOURCE);`): the primary key
/// is one of its fields, every parent in its liveness rules is one of its to-one relations,
/// and every default order key follows to-one relations to a field.
pub const fn check(def: &'static EntityDef) {
    assert!(
        def.fields.is_empty() || def.field(def.pk.0).is_some(),
        "the primary key is not a declared field"
    );
    let mut index = 0;
    while index < def.live.len() {
        if let Live::Parent(name) = def.live[index] {
            match def.relation(name) {
                Some(relation) => assert!(!relation.many, "a parent must be a to-one relation"),
                None => panic!("a liveness parent names no relation"),
            }
        }
        index += 1;
    }
    let mut index = 0;
    while index < def.default_order.len() {
        let path = def.default_order[index].path;
        let mut at: &'static EntityDef = def;
        let mut step = 0;
        while step + 1 < path.len() {
            match at.relation(path[step]) {
                Some(relation) if !relation.many => at = relation.target,
                _ => panic!("a default order key follows no to-one relation"),
            }
            step += 1;
        }
        assert!(
            at.field(path[path.len() - 1]).is_some(),
            "a default order key names no field"
        );
        index += 1;
    }
}

/// Checks a declared `where` key over fields of `def` (`flag`, `search`, `owner`, see
/// [`super::resources`]): each name is a field.
pub const fn check_fields(def: &'static EntityDef, fields: &[&str]) {
    let mut index = 0;
    while index < fields.len() {
        assert!(
            def.field(fields[index]).is_some(),
            "a filter names no field"
        );
        index += 1;
    }
}

/// Checks a declared `some(relation, field)` key: a to-many relation of `def` and a field of
/// its target.
pub const fn check_some(def: &'static EntityDef, relation: &str, field: &str) {
    match def.relation(relation) {
        Some(relation) => {
            assert!(relation.many, "some() needs a to-many relation");
            assert!(
                relation.target.field(field).is_some(),
                "some() names no field of the target"
            );
        }
        None => panic!("some() names no relation"),
    }
}
