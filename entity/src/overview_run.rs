//! `overview_runs`: one weekly-overview run per scheduled time, leased by one replica.

use sea_orm::entity::prelude::*;

/// A run of the overview job for one scheduled instant.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "overview_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The scheduled instant (unique).
    pub scheduled_for: DateTimeUtc,
    /// The replica holding the lease.
    pub claimed_by: String,
    /// When the lease ends unless renewed.
    pub lease_expires_at: DateTimeUtc,
    /// When every delivery had been attempted.
    pub completed_at: Option<DateTimeUtc>,
    pub inserted_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
