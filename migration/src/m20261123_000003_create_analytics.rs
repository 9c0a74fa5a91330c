//! Usage analytics: app loads and OKR-page views.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, string_len_null, timestamp_with_time_zone};

use crate::columns::{create_indexes, drop_tables, foreign_key, id_column, index};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(analytics_events()).await?;
        create_indexes(
            manager,
            vec![
                index("analytics_events", &["kind", "inserted_at"]),
                index(
                    "analytics_events",
                    &["owner_type", "owner_id", "inserted_at"],
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["analytics_events"]).await
    }
}

fn analytics_events() -> TableCreateStatement {
    Table::create()
        .table("analytics_events")
        .col(id_column())
        // "user_load" (the app was opened) or "okr_view" (an owner's OKR page was viewed).
        .col(string_len("kind", 16))
        // The acting user.
        .col(string_len("user_id", 36))
        // For okr_view: the viewed owner, "user" or "group", and its id as text; null otherwise.
        .col(string_len_null("owner_type", 8))
        .col(string_len_null("owner_id", 36))
        .col(timestamp_with_time_zone("inserted_at"))
        .check(Check::named(
            "analytics_events_known_kind",
            Expr::col("kind").is_in(["user_load", "okr_view"]),
        ))
        .check(Check::named(
            "analytics_events_owner_matches_kind",
            Expr::cust(
                "(kind = 'okr_view' AND owner_type IN ('user', 'group') AND owner_id IS NOT NULL) \
                 OR (kind = 'user_load' AND owner_type IS NULL AND owner_id IS NULL)",
            ),
        ))
        .foreign_key(&mut foreign_key("analytics_events", "user_id", "users"))
        .take()
}
