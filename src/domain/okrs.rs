//! The OKRs context: creating an OKR for an owner and a cycle (domain.md §3.1 with
//! decisions.md 8), and finding the OKR that owns a row.

use entity::{cycle, group, objective, okr};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::domain::changeset::{Changeset, on_constraint};
use crate::domain::policy::{self, Actor};
use crate::domain::store::Lock;
use crate::domain::{rows, store, users};
use crate::error::DomainError;
use crate::error::{Code, UserError};

/// Who owns an OKR, by id as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerRef {
    /// A user.
    User(String),
    /// A group.
    Group(String),
}

/// The input of "create OKR".
#[derive(Debug, Clone)]
pub struct NewOkr {
    /// The owner.
    pub owner: OwnerRef,
    /// The cycle.
    pub cycle_id: String,
}

/// Creates an OKR; at most one live OKR per owner and cycle.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewOkr,
) -> Result<okr::Model, DomainError> {
    let txn = store::begin(db).await?;
    let mut cs = Changeset::new();
    let cycle_id = cs.id("cycleId", &input.cycle_id);
    store::lookup::<cycle::Entity>(&txn, &mut cs, "cycleId", cycle_id).await?;
    let (user_id, group_id) = match &input.owner {
        OwnerRef::User(id) => {
            users::lookup(&txn, &mut cs, "owner.userId", id).await?;
            (Some(id.as_str()), None)
        }
        OwnerRef::Group(raw) => {
            let id = cs.id("owner.groupId", raw);
            store::lookup::<group::Entity>(&txn, &mut cs, "owner.groupId", id).await?;
            (None, id)
        }
    };
    let cycle_id = cs.finish(cycle_id)?;
    if !policy::may_write_owner(&txn, actor, user_id, group_id).await? {
        return UserError::fail(&["owner"], Code::Forbidden, "you may not change this");
    }
    if live_okr_exists(&txn, cycle_id, user_id, group_id).await? {
        return UserError::fail(
            &["cycleId"],
            Code::AlreadyExists,
            "the owner already has an OKR for this cycle",
        );
    }
    let created = rows::okr(cycle_id, user_id, group_id)
        .insert(&txn)
        .await
        .map_err(on_constraint("cycleId"))?;
    txn.commit().await?;
    Ok(created)
}

async fn live_okr_exists(
    db: &impl ConnectionTrait,
    cycle_id: i64,
    user_id: Option<&str>,
    group_id: Option<i64>,
) -> Result<bool, DomainError> {
    let owner = match user_id {
        Some(user_id) => okr::Column::UserId.eq(user_id),
        None => okr::Column::GroupId.eq(group_id),
    };
    let found = okr::Entity::find()
        .filter(owner)
        .filter(okr::Column::CycleId.eq(cycle_id))
        .filter(okr::Column::DeletedAt.is_null())
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// The OKR that owns a (live) objective.
pub async fn of_objective(
    db: &impl ConnectionTrait,
    objective: &objective::Model,
) -> Result<okr::Model, DomainError> {
    okr::Entity::find_by_id(objective.okr_id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Internal(anyhow::anyhow!("an objective without its OKR")))
}

/// Writing to an OKR: the live OKR `raw_id` names (or `NotFound` at `field`), with
/// `Forbidden` recorded at `field` unless `actor` may write to it.
pub async fn writable_okr(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cs: &mut Changeset,
    field: &str,
    raw_id: &str,
) -> Result<Option<okr::Model>, DomainError> {
    let id = cs.id(field, raw_id);
    let okr = store::lookup::<okr::Entity>(db, cs, field, id).await?;
    if let Some(okr) = &okr {
        authorize(db, actor, cs, field, okr).await?;
    }
    Ok(okr)
}

/// Writing to or under an objective: the live objective `raw_id` names (live as reads see
/// it, [`store::live`]: neither it nor its OKR deleted), locked as `lock` says (or `NotFound`
/// at `field`), with `Forbidden` recorded at `field` unless `actor` may write to its OKR.
pub async fn writable_objective(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cs: &mut Changeset,
    field: &str,
    raw_id: &str,
    lock: Lock,
) -> Result<Option<objective::Model>, DomainError> {
    let Some(id) = cs.id(field, raw_id) else {
        return Ok(None);
    };
    // The objective (locked) and its OKR (read) in one statement.
    let found =
        store::find_locked_with_parent::<objective::Entity, okr::Entity>(db, id, lock).await?;
    let Some((objective, okr)) = found else {
        cs.add(field, Code::NotFound, "does not exist");
        return Ok(None);
    };
    authorize(db, actor, cs, field, &okr).await?;
    Ok(Some(objective))
}

/// The ids of the objectives `actor` may write under ([`policy::okr_writable_by`]), as a
/// subquery for a write that checks its permission in its own statement; `None` for an admin,
/// who may write under every objective.
pub fn writable_objective_ids(actor: &Actor) -> Option<SelectStatement> {
    let writable = policy::okr_writable_by(actor)?;
    Some(
        Query::select()
            .column((objective::Entity, objective::Column::Id))
            .from(objective::Entity)
            .inner_join(
                okr::Entity,
                Expr::col((okr::Entity, okr::Column::Id))
                    .equals((objective::Entity, objective::Column::OkrId)),
            )
            .cond_where(writable)
            .to_owned(),
    )
}

/// The live objective `raw_id` names, live as reads see it (neither it nor its OKR deleted),
/// or `NotFound` at `field`.
pub async fn live_objective(
    db: &impl ConnectionTrait,
    cs: &mut Changeset,
    field: &str,
    raw_id: &str,
) -> Result<Option<objective::Model>, DomainError> {
    let id = cs.id(field, raw_id);
    store::lookup::<objective::Entity>(db, cs, field, id).await
}

async fn authorize(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cs: &mut Changeset,
    field: &str,
    okr: &okr::Model,
) -> Result<(), DomainError> {
    if !policy::may_write_okr(db, actor, okr).await? {
        cs.add(field, Code::Forbidden, "you may not change this");
    }
    Ok(())
}
