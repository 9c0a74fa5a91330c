//! `objective_links`: "source contributes to linked-to" edges between objectives.

use sea_orm::entity::prelude::*;

/// A directed contributes-to link; at most one live link per ordered pair.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "objective_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The contributing objective.
    pub source_objective_id: i64,
    /// The objective contributed to.
    pub linked_to_objective_id: i64,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "Source",
        from = "source_objective_id",
        to = "id"
    )]
    pub source: BelongsTo<super::objective::Entity>,
    #[sea_orm(
        belongs_to,
        relation_enum = "LinkedTo",
        from = "linked_to_objective_id",
        to = "id"
    )]
    pub linked_to: BelongsTo<super::objective::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
