//! Who may write what (decisions.md 6), checked in the domain before any write.
//!
//! Reads are open to every active user. Writes to an OKR and everything under it belong to
//! the owning user, any live member of the owning group, and admins. Cycles, groups and
//! memberships are for admins only. A refusal is a `Forbidden` user error.

use entity::{group_membership, okr, user};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::users;
use crate::error::DomainError;
use crate::error::{Code, UserError};

/// The signed-in user a write is done for.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user.
    pub user: user::Model,
    /// Whether the user holds the configured admin role.
    pub admin: bool,
}

impl Actor {
    /// The actor for `user`, an admin when its roles contain `admin_role`.
    pub fn new(user: user::Model, admin_role: &str) -> Self {
        let admin = users::is_admin(&user, admin_role);
        Self { user, admin }
    }
}

/// Whether `actor` may write to `okr` and everything under it.
pub async fn may_write_okr(
    db: &impl ConnectionTrait,
    actor: &Actor,
    okr: &okr::Model,
) -> Result<bool, DomainError> {
    may_write_owner(db, actor, okr.user_id.as_deref(), okr.group_id).await
}

/// Whether `actor` may write to OKRs of this owner (a user or a group).
pub async fn may_write_owner(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: Option<&str>,
    group_id: Option<i64>,
) -> Result<bool, DomainError> {
    if actor.admin || user_id == Some(actor.user.id.as_str()) {
        return Ok(true);
    }
    let Some(group_id) = group_id else {
        return Ok(false);
    };
    let memberships = group_membership::Entity::find()
        .filter(group_membership::Column::GroupId.eq(group_id))
        .filter(group_membership::Column::UserId.eq(actor.user.id.as_str()))
        .filter(group_membership::Column::DeletedAt.is_null())
        .count(db)
        .await?;
    Ok(memberships > 0)
}

/// [`may_write_okr`] as a condition over the `okrs` table, for a write that checks it in
/// its own statement: the owner, or a live member of the owning group; `None` (no
/// condition) for an admin.
pub fn okr_writable_by(actor: &Actor) -> Option<Condition> {
    if actor.admin {
        return None;
    }
    let me = actor.user.id.as_str();
    let my_groups = Query::select()
        .column(group_membership::Column::GroupId)
        .from(group_membership::Entity)
        .and_where(group_membership::Column::UserId.eq(me))
        .and_where(group_membership::Column::DeletedAt.is_null())
        .to_owned();
    let by_group: SimpleExpr = okr::Column::GroupId.in_subquery(my_groups);
    Some(
        Condition::any()
            .add(okr::Column::UserId.eq(me))
            .add(by_group),
    )
}

/// `Forbidden` at `field` unless `actor` may write to `okr`.
pub async fn authorize_okr(
    db: &impl ConnectionTrait,
    actor: &Actor,
    okr: &okr::Model,
    field: &str,
) -> Result<(), DomainError> {
    if may_write_okr(db, actor, okr).await? {
        Ok(())
    } else {
        forbidden(field)
    }
}

/// `Forbidden` at `field` unless `actor` is an admin.
pub fn authorize_admin(actor: &Actor, field: &str) -> Result<(), DomainError> {
    if actor.admin {
        Ok(())
    } else {
        forbidden(field)
    }
}

fn forbidden(field: &str) -> Result<(), DomainError> {
    UserError::fail(&[field], Code::Forbidden, "you may not change this")
}
