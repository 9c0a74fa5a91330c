//! The links context: "source contributes to linked-to" edges between objectives
//! (domain.md §3.6–3.7, decisions.md 13).
//!
//! Linking checks for a cycle with a recursive CTE (plain SQL that runs on both engines)
//! inside the write transaction, after taking the link-graph lock
//! ([`store::lock_link_graph`]), so two links that together would close a cycle cannot both
//! pass the check.

use entity::objective_link;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, Statement,
};

use crate::domain::changeset::{Changeset, on_constraint};
use crate::domain::policy::Actor;
use crate::domain::store::Lock;
use crate::domain::store::retire;
use crate::domain::{okrs, rows, store};
use crate::error::DomainError;
use crate::error::{Code, UserError};

/// The input of "link" and "unlink": an ordered pair of objectives.
#[derive(Debug, Clone, Default)]
pub struct LinkPair {
    /// The contributing objective.
    pub source_objective_id: String,
    /// The objective contributed to.
    pub linked_to_objective_id: String,
}

const SOURCE: &str = "sourceObjectiveId";
const TARGET: &str = "linkedToObjectiveId";

/// Links two live objectives; an existing live link for the pair is returned as it is.
pub async fn link(
    db: &DatabaseConnection,
    actor: &Actor,
    pair: LinkPair,
) -> Result<objective_link::Model, DomainError> {
    let txn = store::begin(db).await?;
    store::lock_link_graph(&txn).await?;
    let (source, target) = objectives(&txn, actor, &pair).await?;
    if source == target {
        return UserError::fail(
            &[TARGET],
            Code::Invalid,
            "an objective cannot contribute to itself",
        );
    }
    if let Some(existing) = live_link(&txn, source, target).await? {
        return Ok(existing);
    }
    if reaches(&txn, target, source).await? {
        return UserError::fail(&[TARGET], Code::Cycle, "the link would close a cycle");
    }
    let created = rows::objective_link(source, target)
        .insert(&txn)
        .await
        .map_err(on_constraint(TARGET))?;
    txn.commit().await?;
    Ok(created)
}

/// Unlinks a pair; `NotFound` when the pair has no live link.
pub async fn unlink(
    db: &DatabaseConnection,
    actor: &Actor,
    pair: LinkPair,
) -> Result<objective_link::Model, DomainError> {
    let txn = store::begin(db).await?;
    let (source, target) = objectives(&txn, actor, &pair).await?;
    let Some(existing) = live_link(&txn, source, target).await? else {
        return UserError::fail(&[TARGET], Code::NotFound, "the objectives are not linked");
    };
    retire::<objective_link::Entity>(txn, existing.id, existing).await
}

/// Both live objectives' ids, after checking that `actor` may write to the source's OKR.
async fn objectives(
    db: &impl ConnectionTrait,
    actor: &Actor,
    pair: &LinkPair,
) -> Result<(i64, i64), DomainError> {
    let mut cs = Changeset::new();
    let source = okrs::writable_objective(
        db,
        actor,
        &mut cs,
        SOURCE,
        &pair.source_objective_id,
        Lock::Share,
    )
    .await?;
    let target = okrs::live_objective(db, &mut cs, TARGET, &pair.linked_to_objective_id).await?;
    cs.finish(source.zip(target).map(|(s, t)| (s.id, t.id)))
}

async fn live_link(
    db: &impl ConnectionTrait,
    source: i64,
    target: i64,
) -> Result<Option<objective_link::Model>, DomainError> {
    Ok(objective_link::Entity::find()
        .filter(objective_link::Column::SourceObjectiveId.eq(source))
        .filter(objective_link::Column::LinkedToObjectiveId.eq(target))
        .filter(objective_link::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// Whether `to` can be reached from `from` along live contributes-to links.
async fn reaches(db: &impl ConnectionTrait, from: i64, to: i64) -> Result<bool, DomainError> {
    let backend = db.get_database_backend();
    let (start, goal) = match backend {
        DbBackend::Postgres => ("$1::bigint", "$2"),
        _ => ("?", "?"),
    };
    let sql = format!(
        "WITH RECURSIVE reach(id) AS (SELECT {start} UNION \
         SELECT l.linked_to_objective_id FROM objective_links l \
         JOIN reach r ON l.source_objective_id = r.id WHERE l.deleted_at IS NULL) \
         SELECT 1 AS found FROM reach WHERE id = {goal} LIMIT 1"
    );
    let statement = Statement::from_sql_and_values(backend, sql, [from.into(), to.into()]);
    Ok(db.query_one_raw(statement).await?.is_some())
}
