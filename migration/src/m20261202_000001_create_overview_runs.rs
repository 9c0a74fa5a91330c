//! The weekly overview e-mail's bookkeeping: one run per scheduled time (claimed as a lease by
//! one replica) and one delivery row per recipient, so a run happens once across replicas and
//! a replica that dies mid-run leaves work another can finish without sending twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string_len, string_len_null, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

use crate::columns::{create_indexes, drop_tables, foreign_key, id_column, index};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(overview_runs()).await?;
        manager.create_table(overview_deliveries()).await?;
        let one_per_recipient = Index::create()
            .name("overview_deliveries_run_id_user_id_key")
            .table("overview_deliveries")
            .col("run_id")
            .col("user_id")
            .unique()
            .take();
        create_indexes(
            manager,
            vec![one_per_recipient, index("overview_deliveries", &["status"])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["overview_deliveries", "overview_runs"]).await
    }
}

fn overview_runs() -> TableCreateStatement {
    Table::create()
        .table("overview_runs")
        .col(id_column())
        // The scheduled instant this run is for; unique, so only one replica can create it.
        .col(timestamp_with_time_zone("scheduled_for").unique_key())
        // The replica holding the lease, and until when; an expired lease may be taken over.
        .col(string_len("claimed_by", 64))
        .col(timestamp_with_time_zone("lease_expires_at"))
        // Set when every delivery has been attempted.
        .col(timestamp_with_time_zone_null("completed_at"))
        .col(timestamp_with_time_zone("inserted_at"))
        .take()
}

fn overview_deliveries() -> TableCreateStatement {
    Table::create()
        .table("overview_deliveries")
        .col(id_column())
        .col(ColumnDef::new("run_id").big_integer().not_null())
        .col(string_len("user_id", 36))
        // pending → sending → sent | failed. A `sending` row whose run changed hands is never
        // sent again: the message may have left, and a duplicate is worse than a gap.
        .col(string_len("status", 16))
        .col(integer("attempts").default(0))
        .col(string_len_null("recipient", 320))
        .col(text_null("error"))
        .col(timestamp_with_time_zone_null("sent_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .check(Check::named(
            "overview_deliveries_known_status",
            Expr::col("status").is_in(["pending", "sending", "sent", "failed"]),
        ))
        .foreign_key(&mut foreign_key(
            "overview_deliveries",
            "run_id",
            "overview_runs",
        ))
        .foreign_key(&mut foreign_key("overview_deliveries", "user_id", "users"))
        .take()
}
