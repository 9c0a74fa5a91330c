//! `cycles`: the periods (quarters) OKRs are set for.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait};

/// A time period; `ends_at > starts_at` is enforced by a CHECK.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// The user who created the cycle.
    pub created_by_id: String,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many, relation_enum = "Okrs")]
    pub okrs: HasMany<super::okr::Entity>,
    #[sea_orm(
        belongs_to,
        relation_enum = "CreatedBy",
        from = "created_by_id",
        to = "id"
    )]
    pub created_by: BelongsTo<super::user::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether the cycle is running at `now`: `starts_at <= now <= ends_at`, both ends
    /// included. [`running`] is the same rule in SQL.
    pub fn is_running(&self, now: DateTimeUtc) -> bool {
        self.starts_at <= now && now <= self.ends_at
    }
}

/// The condition "the cycle whose bounds are `starts_at` and `ends_at` runs at `now`", for
/// any query that names the cycle's columns its own way (a table alias, an entity column).
pub fn running(starts_at: Expr, ends_at: Expr, now: DateTimeUtc) -> Expr {
    starts_at
        .lte(Expr::val(now))
        .and(ends_at.gte(Expr::val(now)))
}
