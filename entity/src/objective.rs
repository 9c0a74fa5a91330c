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
    #[sea_orm(belongs_to, relation_enum = "Okr", from = "okr_id", to = "id")]
    pub okr: BelongsTo<super::okr::Entity>,
    #[sea_orm(has_many, relation_enum = "KeyResults")]
    pub key_results: HasMany<super::key_result::Entity>,
    #[sea_orm(has_one, relation_enum = "Assessment")]
    pub assessment: HasOne<super::objective_assessment::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
