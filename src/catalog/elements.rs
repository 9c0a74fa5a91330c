//! The elements of JSON array columns, described as rows so that filters reach them through
//! a relation like any other (see [`super::Join::Elements`]): a user's e-mail objects and
//! roles, which SCIM filters select users by (`emails[type eq "work"]`, `roles eq "admin"`).
//!
//! An element row is the `value` column of `json_each` (SQLite) or `jsonb_array_elements`
//! (PostgreSQL) at the element alias; its fields read that value.

use sea_orm::DbBackend;
use sea_orm::sea_query::{Alias, Expr, IntoIden};

use super::{EntityDef, FieldDef, Kind, Sql, SqlScope};

/// `"alias"."value"`: the current element.
fn element(alias: &Alias) -> String {
    format!("\"{}\".\"value\"", alias.clone().into_iden())
}

/// A text member of an object element. (`->>` rather than `json_extract`: a `$` in a custom
/// expression would be read as a placeholder once it is embedded in another one.)
fn member(alias: &Alias, key: &'static str) -> Expr {
    Expr::cust(format!("({} ->> '{key}')", element(alias)))
}

fn email_value(_: &dyn SqlScope, alias: &Alias) -> Expr {
    member(alias, "value")
}

fn email_type(_: &dyn SqlScope, alias: &Alias) -> Expr {
    member(alias, "type")
}

/// The `primary` flag, null when the object has none. SQLite's `->>` gives JSON `true` as 1;
/// PostgreSQL's gives the text `true`, read without a cast that a stray value could fail.
fn email_primary(scope: &dyn SqlScope, alias: &Alias) -> Expr {
    match scope.backend() {
        DbBackend::Postgres => Expr::cust(format!(
            "(CASE ({} ->> 'primary') WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END)",
            element(alias)
        )),
        _ => member(alias, "primary"),
    }
}

/// A string element itself, as text.
fn role_value(scope: &dyn SqlScope, alias: &Alias) -> Expr {
    match scope.backend() {
        DbBackend::Postgres => Expr::cust(format!("({} #>> '{{}}')", element(alias))),
        _ => Expr::cust(element(alias)),
    }
}

const fn computed(
    name: &'static str,
    kind: Kind,
    compute: fn(&dyn SqlScope, &Alias) -> Expr,
) -> FieldDef {
    FieldDef {
        name,
        kind,
        sql: Sql::Computed(compute),
        nullable: true,
    }
}

/// One e-mail object of a user (`users.emails`).
pub static USER_EMAIL: EntityDef = EntityDef {
    name: "UserEmail",
    table: "users.emails",
    pk: (user_email::VALUE, Kind::Text),
    live: &[],
    fields: &[
        computed(user_email::VALUE, Kind::Text, email_value),
        computed(user_email::TYPE, Kind::Text, email_type),
        computed(user_email::PRIMARY, Kind::Bool, email_primary),
    ],
    relations: &[],
    default_order: &[],
};

/// One role of a user (`users.roles`).
pub static USER_ROLE: EntityDef = EntityDef {
    name: "UserRole",
    table: "users.roles",
    pk: (user_role::VALUE, Kind::Text),
    live: &[],
    fields: &[computed(user_role::VALUE, Kind::Text, role_value)],
    relations: &[],
    default_order: &[],
};

/// Field names of [`USER_EMAIL`].
pub mod user_email {
    /// The address.
    pub const VALUE: &str = "value";
    /// `work`, `home`, …
    pub const TYPE: &str = "type";
    /// The preferred address.
    pub const PRIMARY: &str = "primary";
}

/// Field names of [`USER_ROLE`].
pub mod user_role {
    /// The role.
    pub const VALUE: &str = "value";
}

const _: () = super::def::check(&USER_EMAIL);
const _: () = super::def::check(&USER_ROLE);
