//! `analytics_events`: app loads and OKR-page views, for usage reports.

use sea_orm::entity::prelude::*;

/// One recorded event; `owner_type`/`owner_id` are set exactly for `okr_view`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "analytics_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `user_load` or `okr_view`.
    pub kind: String,
    /// The acting user.
    pub user_id: String,
    /// `user` or `group` for `okr_view`.
    pub owner_type: Option<String>,
    pub owner_id: Option<String>,
    pub inserted_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
