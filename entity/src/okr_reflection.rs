//! `okr_reflections`: free-text reflection on a whole OKR.

use sea_orm::entity::prelude::*;

/// At most one live reflection per OKR.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "okr_reflections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub okr_id: i64,
    pub reflection: String,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, relation_enum = "Okr", from = "okr_id", to = "id")]
    pub okr: BelongsTo<super::okr::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
