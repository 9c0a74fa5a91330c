//! `overview_deliveries`: one recipient's message of one overview run.

use sea_orm::entity::prelude::*;

/// One message of one run: `pending`, `sending`, `sent` or `failed`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "overview_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub user_id: String,
    pub status: String,
    pub attempts: i32,
    pub recipient: Option<String>,
    pub error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
