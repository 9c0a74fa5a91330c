//! The users context: creating users and finding the signed-in one.

use entity::user;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::catalog;
use crate::domain::changeset::Changeset;
use crate::domain::{clock, slug};
use crate::error::Code;
use crate::error::DomainError;
use crate::query::page::{self, ParentKey};

/// A SCIM e-mail object as stored in `users.emails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The address.
    pub value: String,
    /// `work`, `home`, … when given.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Whether this is the preferred address.
    #[serde(default)]
    pub primary: bool,
}

/// What a new user is made of.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// Login identity, unique case-insensitively.
    pub user_name: String,
    /// The identity provider's id.
    pub external_id: Option<String>,
    /// Given (first) name.
    pub given_name: Option<String>,
    /// Family (last) name.
    pub family_name: Option<String>,
    /// E-mail addresses.
    pub emails: Vec<Email>,
    /// Roles; the configured admin role grants admin rights.
    pub roles: Vec<String>,
    /// Department (SCIM enterprise extension).
    pub department: Option<String>,
}

/// Inserts a user with a fresh UUID v7 id and a unique slug.
pub async fn create(db: &impl ConnectionTrait, new: NewUser) -> Result<user::Model, DomainError> {
    let slug = unique_slug(
        db,
        new.given_name.as_deref(),
        new.family_name.as_deref(),
        &new.user_name,
    )
    .await?;
    let now = clock::now();
    let model = user::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        external_id: Set(new.external_id),
        user_name: Set(new.user_name),
        slug: Set(slug),
        active: Set(true),
        given_name: Set(new.given_name),
        family_name: Set(new.family_name),
        middle_name: Set(None),
        display_name: Set(None),
        formatted_name: Set(None),
        emails: Set(serde_json::to_value(&new.emails).map_err(|e| DomainError::Internal(e.into()))?),
        roles: Set(serde_json::to_value(&new.roles).map_err(|e| DomainError::Internal(e.into()))?),
        manager_id: Set(None),
        manager_display_name: Set(None),
        department: Set(new.department),
        deprovisioned_at: Set(None),
        version: Set(1),
        inserted_at: Set(now),
        updated_at: Set(now),
    };
    Ok(model.insert(db).await?)
}

/// A slug for a new user (decisions.md 3) that no other user has yet.
pub async fn unique_slug(
    db: &impl ConnectionTrait,
    given: Option<&str>,
    family: Option<&str>,
    user_name: &str,
) -> Result<String, DomainError> {
    let base = slug::user_base_slug(given, family, user_name);
    Ok(slug::first_free(
        &base,
        &slug::taken_slugs::<user::Entity>(db, user::Column::Slug, &base).await?,
    ))
}

/// The user a verified token names, if that user may sign in: it exists, is active and
/// has not been deprovisioned. Anything else is [`DomainError::Unauthenticated`].
///
/// Read through the read engine's statement path: it runs for every signed-in request, and
/// SeaORM's `find_by_id` cost about 1% of a full OKR page (callgrind).
pub async fn find_signed_in(
    db: &DatabaseConnection,
    user_id: &str,
) -> Result<user::Model, DomainError> {
    let key = [ParentKey::Text(user_id.to_owned())];
    let users = page::by_keys::<user::Model>(db, &catalog::USER, &key, clock::now()).await?;
    match users.into_iter().next() {
        Some(user) if user.active && user.deprovisioned_at.is_none() => Ok(user),
        _ => Err(DomainError::Unauthenticated),
    }
}

/// Finds a user by id.
pub async fn find(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Option<user::Model>, DomainError> {
    Ok(user::Entity::find_by_id(user_id.to_owned()).one(db).await?)
}

/// The user `raw` names, for an input field: a malformed id is `Invalid`, an unknown one
/// `NotFound` (both recorded in `cs`); the id is never sent to the database unless canonical.
pub async fn lookup(
    db: &impl ConnectionTrait,
    cs: &mut Changeset,
    field: &str,
    raw: &str,
) -> Result<Option<user::Model>, DomainError> {
    let Some(id) = cs.user_id(field, raw) else {
        return Ok(None);
    };
    let found = find(db, id).await?;
    cs.check(found.is_some(), field, Code::NotFound, "does not exist");
    Ok(found)
}

/// The user's roles, as stored.
pub fn roles(user: &user::Model) -> Vec<String> {
    serde_json::from_value(user.roles.clone()).unwrap_or_default()
}

/// The user's e-mail objects, as stored.
pub fn emails(user: &user::Model) -> Vec<Email> {
    serde_json::from_value(user.emails.clone()).unwrap_or_default()
}

/// Whether the user holds the configured admin role.
pub fn is_admin(user: &user::Model, admin_role: &str) -> bool {
    roles(user).iter().any(|role| role == admin_role)
}

/// Given and family name joined by a space, trimmed; empty when both are missing.
pub fn display_name(user: &user::Model) -> String {
    let given = user.given_name.as_deref().unwrap_or_default();
    let family = user.family_name.as_deref().unwrap_or_default();
    format!("{given} {family}").trim().to_owned()
}

/// The first active administrator, else the first active user (oldest first): whom the
/// development-mode token signs in as.
pub async fn first_admin_or_user(
    db: &impl ConnectionTrait,
    admin_role: &str,
) -> Result<Option<user::Model>, DomainError> {
    use sea_orm::QueryOrder;
    let users = user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::DeprovisionedAt.is_null())
        .order_by_asc(user::Column::InsertedAt)
        .order_by_asc(user::Column::Id)
        .limit(200)
        .all(db)
        .await?;
    let admin = users
        .iter()
        .find(|user| is_admin(user, admin_role))
        .cloned();
    Ok(admin.or_else(|| users.into_iter().next()))
}

/// Whether any user exists at all.
pub async fn any_exist(db: &impl ConnectionTrait) -> Result<bool, DomainError> {
    Ok(user::Entity::find().one(db).await?.is_some())
}
