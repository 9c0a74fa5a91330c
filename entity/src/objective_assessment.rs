//! `objective_assessments`: free-text self-assessment of an objective.

use sea_orm::entity::prelude::*;

/// At most one live assessment per objective.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objective_assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub objective_id: i64,
    pub assessment: String,
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
}

impl ActiveModelBehavior for ActiveModel {}
