//! Cycles, OKRs, objectives, key results, objective links, assessments and reflections.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, string_len, string_len_null, text, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

use crate::columns::{
    create_indexes, deleted_at, drop_tables, foreign_key, id_column, index, timestamps,
    unique_live_index, version,
};

/// Scores are stored as integer parts per billion (0 ..= 1_000_000_000): exact on SQLite, which
/// has no exact decimal type, and identical to compare, sort and average on both engines.
const SCORE_SCALE: i64 = 1_000_000_000;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            cycles(),
            okrs(),
            objectives(),
            key_results(),
            objective_links(),
            objective_assessments(),
            okr_reflections(),
        ] {
            manager.create_table(table).await?;
        }
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "okr_reflections",
                "objective_assessments",
                "objective_links",
                "key_results",
                "objectives",
                "okrs",
                "cycles",
            ],
        )
        .await
    }
}

fn cycles() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("cycles")
        .col(id_column())
        .col(text("title"))
        .col(timestamp_with_time_zone("starts_at"))
        .col(timestamp_with_time_zone("ends_at"))
        // The user who created the cycle.
        .col(string_len("created_by_id", 36))
        .col(version())
        .check(Check::named(
            "cycles_ends_after_starts",
            Expr::col("ends_at").gt(Expr::col("starts_at")),
        ))
        .foreign_key(&mut foreign_key("cycles", "created_by_id", "users"));
    timestamps(&mut table);
    table.take()
}

fn okrs() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("okrs")
        .col(id_column())
        .col(big_integer("cycle_id"))
        // Exactly one of user_id and group_id is set: the OKR's owner.
        .col(string_len_null("user_id", 36))
        .col(ColumnDef::new("group_id").big_integer().null())
        .col(deleted_at())
        .col(version())
        .check(Check::named(
            "okrs_exactly_one_owner",
            Expr::cust("(user_id IS NULL) <> (group_id IS NULL)"),
        ))
        .foreign_key(&mut foreign_key("okrs", "cycle_id", "cycles"))
        .foreign_key(&mut foreign_key("okrs", "user_id", "users"))
        .foreign_key(&mut foreign_key("okrs", "group_id", "groups"));
    timestamps(&mut table);
    table.take()
}

fn objectives() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("objectives")
        .col(id_column())
        // Immutable after create.
        .col(big_integer("okr_id"))
        .col(text("content"))
        // Reversible cancel: cancelled objectives stay visible and sort after live ones.
        .col(timestamp_with_time_zone_null("cancelled_at"))
        .col(deleted_at())
        .col(version())
        .foreign_key(&mut foreign_key("objectives", "okr_id", "okrs"));
    timestamps(&mut table);
    table.take()
}

fn score(name: &'static str, check: &'static str) -> (ColumnDef, Check) {
    let column = big_integer(name).default(0).take();
    let check = Check::named(check, Expr::col(name).between(0, SCORE_SCALE));
    (column, check)
}

fn key_results() -> TableCreateStatement {
    let (mid, mid_check) = score("mid_score_ppb", "key_results_mid_score_in_range");
    let (final_, final_check) = score("final_score_ppb", "key_results_final_score_in_range");
    let mut table = Table::create();
    table
        .table("key_results")
        .col(id_column())
        // Immutable after create.
        .col(big_integer("objective_id"))
        .col(text("content"))
        // Mid-cycle and end-of-cycle self-scores in parts per billion: 500_000_000 is 0.5.
        .col(mid)
        .col(final_)
        // Reversible cancel: cancelled key results stay visible but are left out of scores.
        .col(timestamp_with_time_zone_null("cancelled_at"))
        .col(deleted_at())
        .col(version())
        .check(mid_check)
        .check(final_check)
        .foreign_key(&mut foreign_key(
            "key_results",
            "objective_id",
            "objectives",
        ));
    timestamps(&mut table);
    table.take()
}

fn objective_links() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("objective_links")
        .col(id_column())
        // The contributing (child) objective.
        .col(big_integer("source_objective_id"))
        // The objective contributed to (parent).
        .col(big_integer("linked_to_objective_id"))
        // Unlinking soft-deletes the row; at most one live link per ordered pair.
        .col(deleted_at())
        .col(version())
        .check(Check::named(
            "objective_links_not_self",
            Expr::col("source_objective_id").ne(Expr::col("linked_to_objective_id")),
        ))
        .foreign_key(&mut foreign_key(
            "objective_links",
            "source_objective_id",
            "objectives",
        ))
        .foreign_key(&mut foreign_key(
            "objective_links",
            "linked_to_objective_id",
            "objectives",
        ));
    timestamps(&mut table);
    table.take()
}

fn objective_assessments() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("objective_assessments")
        .col(id_column())
        .col(big_integer("objective_id"))
        .col(text("assessment"))
        // At most one live assessment per objective.
        .col(deleted_at())
        .col(version())
        .foreign_key(&mut foreign_key(
            "objective_assessments",
            "objective_id",
            "objectives",
        ));
    timestamps(&mut table);
    table.take()
}

fn okr_reflections() -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table("okr_reflections")
        .col(id_column())
        .col(big_integer("okr_id"))
        .col(text("reflection"))
        // At most one live reflection per OKR.
        .col(deleted_at())
        .col(version())
        .foreign_key(&mut foreign_key("okr_reflections", "okr_id", "okrs"));
    timestamps(&mut table);
    table.take()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("cycles", &["ends_at"]),
        unique_live_index(
            "okrs_user_id_cycle_id_key",
            "okrs",
            &["user_id", "cycle_id"],
        ),
        unique_live_index(
            "okrs_group_id_cycle_id_key",
            "okrs",
            &["group_id", "cycle_id"],
        ),
        index("okrs", &["cycle_id"]),
        index("objectives", &["okr_id"]),
        index("key_results", &["objective_id"]),
        unique_live_index(
            "objective_links_pair_key",
            "objective_links",
            &["source_objective_id", "linked_to_objective_id"],
        ),
        index("objective_links", &["linked_to_objective_id"]),
        unique_live_index(
            "objective_assessments_objective_id_key",
            "objective_assessments",
            &["objective_id"],
        ),
        unique_live_index("okr_reflections_okr_id_key", "okr_reflections", &["okr_id"]),
    ]
}
