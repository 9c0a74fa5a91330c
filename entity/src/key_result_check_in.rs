//! `key_result_check_ins`: a key result's scores at the moment someone checked in.

use sea_orm::entity::prelude::*;

/// A check-in; scores are parts per billion in `0 ..= SCORE_SCALE`, as on the key result.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "key_result_check_ins")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key_result_id: i64,
    /// The user who checked in.
    pub author_id: String,
    pub mid_score_ppb: i64,
    pub final_score_ppb: i64,
    /// What the author had to say, if anything.
    pub note: Option<String>,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "KeyResult",
        from = "key_result_id",
        to = "id"
    )]
    pub key_result: BelongsTo<super::key_result::Entity>,
    #[sea_orm(belongs_to, relation_enum = "Author", from = "author_id", to = "id")]
    pub author: BelongsTo<super::user::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
