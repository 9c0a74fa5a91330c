//! `okrs`: one owner's OKR set for one cycle.

use sea_orm::entity::prelude::*;

/// Exactly one of `user_id` and `group_id` is set (CHECK `okrs_exactly_one_owner`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "okrs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub cycle_id: i64,
    pub user_id: Option<String>,
    pub group_id: Option<i64>,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
