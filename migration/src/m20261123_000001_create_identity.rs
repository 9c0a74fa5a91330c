//! Users, groups and group memberships: the identities SCIM provisions and OKRs belong to.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, json_binary, string_len, text, text_null, timestamp_with_time_zone_null,
};

use crate::columns::{
    create_indexes, deleted_at, drop_tables, execute_portable, foreign_key, id_column, index,
    timestamps, unique_live_index, version,
};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(users()).await?;
        // userName is unique regardless of case (decisions.md 2); lower() indexes work on both engines.
        execute_portable(
            manager,
            "CREATE UNIQUE INDEX users_user_name_lower_key ON users (lower(user_name))",
        )
        .await?;
        manager.create_table(groups()).await?;
        manager.create_table(group_memberships()).await?;
        create_indexes(
            manager,
            vec![
                index("users", &["active", "family_name"]),
                unique_live_index(
                    "group_memberships_group_id_user_id_key",
                    "group_memberships",
                    &["group_id", "user_id"],
                ),
                index("group_memberships", &["user_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["group_memberships", "groups", "users"]).await
    }
}

fn users() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("users")
        // Server-generated UUID v7 in text form (decisions.md 1); every user foreign key points here.
        .col(string_len("id", 36).primary_key())
        // The identity provider's id (SCIM externalId); unique when present.
        .col(text_null("external_id").unique_key())
        // The login identity, usually an e-mail address; unique case-insensitively (index below).
        .col(text("user_name"))
        // URL-safe handle, lowercase ASCII, unique (decisions.md 3).
        .col(text("slug").unique_key())
        // False once the identity provider deactivates the user; inactive users cannot sign in.
        .col(boolean("active").default(true))
        .col(text_null("given_name"))
        .col(text_null("family_name"))
        .col(text_null("middle_name"))
        .col(text_null("display_name"))
        // SCIM e-mail objects as given, a JSON array of {value, type, primary}.
        .col(json_binary("emails"))
        // SCIM roles, a JSON array of strings; the configured admin role grants admin rights.
        .col(json_binary("roles"))
        // SCIM enterprise extension: manager.value, manager.displayName and department.
        .col(text_null("manager_id"))
        .col(text_null("manager_display_name"))
        .col(text_null("department"))
        // Set when SCIM deletes (deprovisions) the user: hidden from SCIM, kept for history.
        .col(timestamp_with_time_zone_null("deprovisioned_at"))
        .col(version());
    timestamps(&mut table);
    table.take()
}

fn groups() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("groups")
        .col(id_column())
        // The identity provider's id for a SCIM-pushed group; unique when present.
        .col(text_null("external_id").unique_key())
        .col(text("name"))
        // URL-safe handle derived from the name, unique (decisions.md 3).
        .col(text("slug").unique_key())
        // Pinned groups are listed first.
        .col(boolean("pinned").default(false))
        // Set when SCIM deletes the group; its OKRs stay readable.
        .col(deleted_at())
        .col(version());
    timestamps(&mut table);
    table.take()
}

fn group_memberships() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("group_memberships")
        .col(id_column())
        .col(ColumnDef::new("group_id").big_integer().not_null())
        .col(string_len("user_id", 36))
        // Removing a member soft-deletes the row; at most one live row per (group, user).
        .col(deleted_at())
        .col(version())
        .foreign_key(&mut foreign_key("group_memberships", "group_id", "groups"))
        .foreign_key(&mut foreign_key("group_memberships", "user_id", "users"));
    timestamps(&mut table);
    table.take()
}
