//! `cycles`: the periods (quarters) OKRs are set for.

use sea_orm::entity::prelude::*;

/// A time period; `ends_at > starts_at` is enforced by a CHECK.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// The user who created the cycle.
    pub created_by_id: String,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
