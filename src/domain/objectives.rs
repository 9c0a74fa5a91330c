//! The objectives context: create (with nested key results, one transaction), edit,
//! cancel, uncancel and delete with its cascade (domain.md §3.2–3.3, decisions.md 11–12).

use chrono::{DateTime, Utc};
use entity::{key_result, objective, objective_assessment, objective_link};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, QueryFilter,
};

use crate::domain::changeset::{CONTENT_MAX, Changeset, on_constraint};
use crate::domain::key_results::{self, KeyResultFields};
use crate::domain::policy::Actor;
use crate::domain::store::{self, Lock, Target, Tracked, cancel_changes, retire};
use crate::domain::{clock, okrs, rows};
use crate::error::DomainError;

/// The input of "create objective".
#[derive(Debug, Clone, Default)]
pub struct NewObjective {
    /// The OKR it belongs to.
    pub okr_id: String,
    /// The text.
    pub content: String,
    /// Key results to create with it, in order.
    pub key_results: Vec<KeyResultFields>,
}

/// Creates an objective and its key results in one transaction; any error writes nothing.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewObjective,
) -> Result<(objective::Model, Vec<key_result::Model>), DomainError> {
    let txn = store::begin(db).await?;
    let mut cs = Changeset::new();
    let okr = okrs::writable_okr(&txn, actor, &mut cs, "okrId", &input.okr_id).await?;
    let okr_id = okr.map(|okr| okr.id);
    let content = cs.required_text("content", Some(&input.content), CONTENT_MAX);
    let drafts: Vec<_> = (input.key_results.iter().enumerate())
        .map(|(i, item)| cs.nested("keyResults", i, |cs| key_results::cast(cs, item)))
        .collect();
    let drafts: Option<Vec<_>> = drafts.into_iter().collect();
    let (content, okr_id, drafts) =
        cs.finish(content.zip(okr_id).zip(drafts).map(|((c, o), d)| (c, o, d)))?;
    let created = rows::objective(okr_id, &content)
        .insert(&txn)
        .await
        .map_err(on_constraint("okrId"))?;
    let mut results = Vec::with_capacity(drafts.len());
    for draft in drafts {
        results.push(draft.insert(&txn, created.id).await?);
    }
    txn.commit().await?;
    Ok((created, results))
}

/// The input of "update objective".
#[derive(Debug, Clone, Default)]
pub struct ObjectivePatch {
    /// The objective.
    pub target: Target,
    /// The new text.
    pub content: String,
}

/// Edits a live objective's text.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: ObjectivePatch,
) -> Result<objective::Model, DomainError> {
    let txn = store::begin(db).await?;
    let current = writable(&txn, actor, &patch.target).await?;
    let mut cs = Changeset::new();
    let content = cs.required_text("content", Some(&patch.content), CONTENT_MAX);
    let content = cs.finish(content)?;
    let changes = if content == current.content {
        Vec::new()
    } else {
        vec![(objective::Column::Content, Expr::val(content))]
    };
    store::commit_update::<objective::Entity>(txn, current.id, current, changes).await
}

/// Cancels (`true`) or uncancels (`false`) a live objective.
pub async fn set_cancelled(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
    cancelled: bool,
) -> Result<objective::Model, DomainError> {
    let txn = store::begin(db).await?;
    let current = writable(&txn, actor, &target).await?;
    let was = current.cancelled_at.is_some();
    let changes =
        cancel_changes::<objective::Entity>(objective::Column::CancelledAt, was, cancelled);
    store::commit_update::<objective::Entity>(txn, current.id, current, changes).await
}

/// Soft-deletes a live objective with its live links, assessment and key results, in one
/// transaction; returns the objective as it was.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
) -> Result<objective::Model, DomainError> {
    let txn = store::begin(db).await?;
    let current = writable(&txn, actor, &target).await?;
    let id = current.id;
    let now = clock::now();
    let touching = Condition::any()
        .add(objective_link::Column::SourceObjectiveId.eq(id))
        .add(objective_link::Column::LinkedToObjectiveId.eq(id));
    cascade::<objective_link::Entity>(&txn, touching, now).await?;
    let assessed = Condition::all().add(objective_assessment::Column::ObjectiveId.eq(id));
    cascade::<objective_assessment::Entity>(&txn, assessed, now).await?;
    let measured = Condition::all().add(key_result::Column::ObjectiveId.eq(id));
    cascade::<key_result::Entity>(&txn, measured, now).await?;
    retire::<objective::Entity>(txn, id, current).await
}

/// Soft-deletes the live rows of `E` matching `condition`, bumping their versions.
async fn cascade<E: Tracked>(
    txn: &DatabaseTransaction,
    condition: Condition,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let (deleted_at, at) = store::delete_change::<E>(now)?;
    E::update_many()
        .col_expr(deleted_at, at)
        .col_expr(E::updated_at_col(), Expr::val(now))
        .col_expr(E::version_col(), Expr::col(E::version_col()).add(1))
        .filter(condition)
        .filter(deleted_at.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

async fn writable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    target: &Target,
) -> Result<objective::Model, DomainError> {
    let mut cs = Changeset::new();
    let current =
        okrs::writable_objective(db, actor, &mut cs, "id", &target.id, Lock::Exclusive).await?;
    let current = cs.finish(current)?;
    store::expect_version(current.version, target.expected_version)?;
    Ok(current)
}
