//! `groups`: teams that can own OKRs.

use sea_orm::entity::prelude::*;

/// A team or organisational unit.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The identity provider's id for SCIM-pushed groups.
    pub external_id: Option<String>,
    pub name: String,
    /// Unique URL handle.
    pub slug: String,
    /// Pinned groups are listed first.
    pub pinned: bool,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many, relation_enum = "Okrs")]
    pub okrs: HasMany<super::okr::Entity>,
    #[sea_orm(has_many, via = "group_membership")]
    pub members: HasMany<super::user::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
