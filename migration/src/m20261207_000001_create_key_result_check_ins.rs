//! Key-result check-ins: the scores a key result had when someone checked in, with an
//! optional note, kept as history (the original app overwrote scores and lost it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, string_len, text_null};

use crate::columns::{deleted_at, drop_tables, foreign_key, id_column, index, timestamps, version};

/// Scores are integer parts per billion, as on `key_results`.
const SCORE_SCALE: i64 = 1_000_000_000;
const TABLE: &str = "key_result_check_ins";

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(TABLE)
            .col(id_column())
            .col(big_integer("key_result_id"))
            // The user who checked in.
            .col(string_len("author_id", 36))
            // The key result's scores as this check-in set them.
            .col(big_integer("mid_score_ppb"))
            .col(big_integer("final_score_ppb"))
            .col(text_null("note"))
            .col(deleted_at())
            .col(version())
            .check(Check::named(
                "key_result_check_ins_mid_score_in_range",
                Expr::col("mid_score_ppb").between(0, SCORE_SCALE),
            ))
            .check(Check::named(
                "key_result_check_ins_final_score_in_range",
                Expr::col("final_score_ppb").between(0, SCORE_SCALE),
            ))
            .foreign_key(&mut foreign_key(TABLE, "key_result_id", "key_results"))
            .foreign_key(&mut foreign_key(TABLE, "author_id", "users"));
        timestamps(&mut table);
        manager.create_table(table.take()).await?;
        // A key result's check-ins newest first (its `checkIns`, "last check-in" in the
        // overview), and the root list's default order.
        manager
            .create_index(index(TABLE, &["key_result_id", "inserted_at"]))
            .await?;
        manager.create_index(index(TABLE, &["inserted_at"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &[TABLE]).await
    }
}
