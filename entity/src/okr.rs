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
    #[sea_orm(belongs_to, relation_enum = "Cycle", from = "cycle_id", to = "id")]
    pub cycle: BelongsTo<super::cycle::Entity>,
    #[sea_orm(belongs_to, relation_enum = "User", from = "user_id", to = "id")]
    pub user: HasOne<super::user::Entity>,
    #[sea_orm(belongs_to, relation_enum = "Group", from = "group_id", to = "id")]
    pub group: HasOne<super::group::Entity>,
    #[sea_orm(has_many, relation_enum = "Objectives")]
    pub objectives: HasMany<super::objective::Entity>,
    #[sea_orm(has_one, relation_enum = "Reflection")]
    pub reflection: HasOne<super::okr_reflection::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
