//! The groups context: creating, renaming and pinning groups, and managing members
//! (domain.md §3.13–3.14; admins only, decisions.md 6).

use entity::{group, group_membership};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter,
};

use crate::domain::changeset::{Changeset, NAME_MAX};
use crate::domain::policy::{self, Actor};
use crate::domain::store::{self, Change, Lock};
use crate::domain::store::{Target, retire};
use crate::domain::{rows, slug, users};
use crate::error::DomainError;
use crate::error::{Code, UserError};

/// A group's name, as every edge checks it (GraphQL's `name`, SCIM's `displayName`):
/// required, at most [`NAME_MAX`] characters, no NUL.
pub fn cast_name(cs: &mut Changeset, field: &str, name: &str) -> Option<String> {
    cs.required_text(field, Some(name), NAME_MAX)
}

/// Inserts a group with a unique slug derived from its name.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    pinned: bool,
) -> Result<group::Model, DomainError> {
    let slug = unique_slug(db, name).await?;
    Ok(rows::group(name, slug, pinned).insert(db).await?)
}

/// A slug for a new group named `name` that no other group has yet.
pub async fn unique_slug(db: &impl ConnectionTrait, name: &str) -> Result<String, DomainError> {
    let base = slug::group_base_slug(name);
    Ok(slug::first_free(
        &base,
        &slug::taken_slugs::<group::Entity>(db, group::Column::Slug, &base).await?,
    ))
}

/// Adds a user to a group.
pub async fn add_member(
    db: &impl ConnectionTrait,
    group_id: i64,
    user_id: &str,
) -> Result<group_membership::Model, DomainError> {
    Ok(rows::membership(group_id, user_id).insert(db).await?)
}

/// The input of "create group".
#[derive(Debug, Clone, Default)]
pub struct NewGroup {
    /// The name.
    pub name: String,
    /// Whether the group is listed first; default false.
    pub pinned: Option<bool>,
}

/// Creates a group with a slug made from its name (admins only).
pub async fn create_checked(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewGroup,
) -> Result<group::Model, DomainError> {
    policy::authorize_admin(actor, "name")?;
    let mut cs = Changeset::new();
    let name = cast_name(&mut cs, "name", &input.name);
    let name = cs.finish(name)?;
    let txn = store::begin(db).await?;
    let created = create(&txn, &name, input.pinned.unwrap_or(false))
        .await
        .map_err(conflict_on("name"))?;
    txn.commit().await?;
    Ok(created)
}

/// The input of "update group": only the given fields change.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    /// The group.
    pub target: Target,
    /// New name.
    pub name: Option<String>,
    /// New pinned flag.
    pub pinned: Option<bool>,
    /// Make a new slug from the (new) name.
    pub regenerate_slug: bool,
}

/// Renames or pins a group (admins only); the slug changes only when asked.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: GroupPatch,
) -> Result<group::Model, DomainError> {
    policy::authorize_admin(actor, "id")?;
    let txn = store::begin(db).await?;
    let current = store::require::<group::Entity>(&txn, &patch.target.id).await?;
    store::expect_version(current.version, patch.target.expected_version)?;
    let mut cs = Changeset::new();
    let name = match patch.name.as_deref() {
        Some(text) => cast_name(&mut cs, "name", text),
        None => Some(current.name.clone()),
    };
    let name = cs.finish(name)?;
    let mut changes: Vec<Change<group::Entity>> = Vec::new();
    if name != current.name {
        changes.push((group::Column::Name, Expr::val(name.clone())));
    }
    if let Some(pinned) = patch.pinned.filter(|p| *p != current.pinned) {
        changes.push((group::Column::Pinned, Expr::val(pinned)));
    }
    if patch.regenerate_slug && !slug_fits(&current.slug, &name) {
        let fresh = unique_slug(&txn, &name).await?;
        changes.push((group::Column::Slug, Expr::val(fresh)));
    }
    store::commit_update::<group::Entity>(txn, current.id, current, changes)
        .await
        .map_err(conflict_on("name"))
}

/// Whether `slug` already is the slug `name` would get (or a numbered variant of it).
fn slug_fits(slug: &str, name: &str) -> bool {
    let base = slug::group_base_slug(name);
    slug == base
        || slug
            .strip_prefix(&format!("{base}-"))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The input of "add member" and "remove member".
#[derive(Debug, Clone, Default)]
pub struct MemberPair {
    /// The group.
    pub group_id: String,
    /// The user.
    pub user_id: String,
}

/// Adds a user to a group (admins only); an existing live membership is left as it is.
/// Returns the group.
pub async fn add_member_checked(
    db: &DatabaseConnection,
    actor: &Actor,
    pair: MemberPair,
) -> Result<group::Model, DomainError> {
    let (txn, group, existing) = membership(db, actor, &pair).await?;
    if existing.is_none() {
        add_member(&txn, group.id, &pair.user_id)
            .await
            .map_err(conflict_on("userId"))?;
        txn.commit().await?;
    }
    Ok(group)
}

/// Ends a live membership (a soft delete; admins only). Returns the group.
pub async fn remove_member(
    db: &DatabaseConnection,
    actor: &Actor,
    pair: MemberPair,
) -> Result<group::Model, DomainError> {
    let (txn, group, existing) = membership(db, actor, &pair).await?;
    let Some(existing) = existing else {
        return UserError::fail(&["userId"], Code::NotFound, "is not a member of the group");
    };
    retire::<group_membership::Entity>(txn, existing.id, existing).await?;
    Ok(group)
}

/// After the admin check, a write transaction, the live group and the live membership.
async fn membership(
    db: &DatabaseConnection,
    actor: &Actor,
    pair: &MemberPair,
) -> Result<
    (
        DatabaseTransaction,
        group::Model,
        Option<group_membership::Model>,
    ),
    DomainError,
> {
    policy::authorize_admin(actor, "groupId")?;
    let txn = store::begin(db).await?;
    let mut cs = Changeset::new();
    let group_id = cs.id("groupId", &pair.group_id);
    // Exclusive: concurrent adds of one pair queue here, so the second finds the first's
    // membership and leaves it as it is (adding a member is idempotent).
    let group =
        store::lookup_locked::<group::Entity>(&txn, &mut cs, "groupId", group_id, Lock::Exclusive)
            .await?;
    users::lookup(&txn, &mut cs, "userId", &pair.user_id).await?;
    let group = cs.finish(group)?;
    let existing = live_membership(&txn, group.id, &pair.user_id).await?;
    Ok((txn, group, existing))
}

async fn live_membership(
    db: &impl ConnectionTrait,
    group_id: i64,
    user_id: &str,
) -> Result<Option<group_membership::Model>, DomainError> {
    Ok(group_membership::Entity::find()
        .filter(group_membership::Column::GroupId.eq(group_id))
        .filter(group_membership::Column::UserId.eq(user_id))
        .filter(group_membership::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// A lost race on a unique rule (a slug or a membership taken meanwhile) as `AlreadyExists`.
fn conflict_on(field: &'static str) -> impl Fn(DomainError) -> DomainError {
    move |err| match err {
        DomainError::Conflict { .. } => DomainError::User(vec![UserError::new(
            &[field],
            Code::AlreadyExists,
            "already exists",
        )]),
        other => other,
    }
}
