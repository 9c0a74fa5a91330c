//! `key_results`: the measurable results of an objective, self-scored.

use sea_orm::entity::prelude::*;

/// A key result; scores are parts per billion in `0 ..= SCORE_SCALE`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "key_results")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub objective_id: i64,
    pub content: String,
    pub mid_score_ppb: i64,
    pub final_score_ppb: i64,
    pub cancelled_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "Objective",
        from = "objective_id",
        to = "id"
    )]
    pub objective: BelongsTo<super::objective::Entity>,
    #[sea_orm(has_many, relation_enum = "CheckIns")]
    pub check_ins: HasMany<super::key_result_check_in::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
