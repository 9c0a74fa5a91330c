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
}

impl ActiveModelBehavior for ActiveModel {}
