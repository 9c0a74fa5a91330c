//! `users`: people, provisioned by SCIM.

use sea_orm::entity::prelude::*;

/// A person who can sign in and own OKRs.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Server-generated UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The identity provider's id (SCIM `externalId`).
    pub external_id: Option<String>,
    /// Login identity, unique case-insensitively.
    pub user_name: String,
    /// Unique URL handle.
    pub slug: String,
    /// False once deactivated by the identity provider.
    pub active: bool,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub middle_name: Option<String>,
    pub display_name: Option<String>,
    /// SCIM `name.formatted`: the full name as the identity provider formats it.
    pub formatted_name: Option<String>,
    /// JSON array of SCIM e-mail objects.
    pub emails: Json,
    /// JSON array of role strings.
    pub roles: Json,
    pub manager_id: Option<String>,
    pub manager_display_name: Option<String>,
    pub department: Option<String>,
    /// Set when SCIM deleted the user.
    pub deprovisioned_at: Option<DateTimeUtc>,
    pub version: i32,
    pub inserted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many, relation_enum = "Okrs")]
    pub okrs: HasMany<super::okr::Entity>,
    #[sea_orm(has_many, via = "group_membership")]
    pub groups: HasMany<super::group::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
