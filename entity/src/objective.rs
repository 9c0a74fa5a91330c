//! `objectives`: what an OKR sets out to achieve.

use sea_orm::entity::prelude::*;

/// An objective; its scores are computed from its key results.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objectives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub okr_id: i64,
    pub content: String,
    pub cancelled_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
