//! How a table looks to the read engine.

use sea_orm::sea_query::{Alias, Expr};

use crate::query::compile::Compiler;
use crate::query::sort::SortKey;

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
    /// An expression over the row, e.g. a computed score.
    Computed(fn(&Compiler, &Alias) -> Expr),
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
        /// The join table.
        table: &'static str,
        /// Its column holding this table's id.
        this: &'static str,
        /// Its column holding the target's id.
        target: &'static str,
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
    pub default_order: fn() -> Vec<SortKey>,
}

impl EntityDef {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The relation called `name`.
    pub fn relation(&self, name: &str) -> Option<&'static RelationDef> {
        self.relations.iter().find(|relation| relation.name == name)
    }
}
