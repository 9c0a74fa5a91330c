//! Schema migrations for the OKR server.
//!
//! Every migration produces the same tables, constraints and indexes on SQLite and
//! PostgreSQL: CHECK constraints, partial unique indexes and expression indexes use
//! syntax both engines accept, and the integration tests prove each rule fires on both.

// SeaORM's `MigrationTrait` is declared with elided lifetimes that `'_` cannot match.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261123_000001_create_identity;
mod m20261123_000002_create_okrs;
mod m20261123_000003_create_analytics;
mod m20261201_000001_add_user_formatted_name;
mod m20261202_000001_create_overview_runs;
mod m20261203_000001_add_default_order_indexes;
mod m20261204_000001_add_okr_inserted_at_index;
mod m20261207_000001_create_key_result_check_ins;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_identity::Migration),
            Box::new(m20261123_000002_create_okrs::Migration),
            Box::new(m20261123_000003_create_analytics::Migration),
            Box::new(m20261201_000001_add_user_formatted_name::Migration),
            Box::new(m20261202_000001_create_overview_runs::Migration),
            Box::new(m20261203_000001_add_default_order_indexes::Migration),
            Box::new(m20261204_000001_add_okr_inserted_at_index::Migration),
            Box::new(m20261207_000001_create_key_result_check_ins::Migration),
        ]
    }
}
