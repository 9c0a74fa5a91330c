//! Free texts: objective assessments and OKR reflections (domain.md §3.8–3.11,
//! decisions.md 14). Both work the same way, so one generic implementation serves both:
//! at most one live text per parent; a second is `AlreadyExists` on the parent id field.

use entity::{objective_assessment, okr_reflection};
use futures::future::BoxFuture;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    QueryFilter,
};

use crate::domain::changeset::{Changeset, TEXT_MAX, on_constraint};
use crate::domain::policy::Actor;
use crate::domain::store::{self, Lock, Tracked};
use crate::domain::store::{Target, retire};
use crate::domain::{okrs, rows};
use crate::error::DomainError;
use crate::error::{Code, UserError};

/// A table of free texts, one live per parent.
pub trait TextRow: Tracked {
    /// The input field naming the parent (`objectiveId`, `okrId`).
    const PARENT_FIELD: &'static str;
    /// The input field holding the text (`assessment`, `reflection`).
    const TEXT_FIELD: &'static str;
    /// Whether the parent is an objective (else an OKR).
    const UNDER_OBJECTIVE: bool;
    /// The parent id column.
    fn parent_col() -> Self::Column;
    /// The text column.
    fn text_col() -> Self::Column;
    /// A row's parent id.
    fn parent_of(model: &Self::Model) -> i64;
    /// A row's text.
    fn text_of(model: &Self::Model) -> &str;
    /// Inserts a new live row.
    fn insert_new<'a>(
        txn: &'a DatabaseTransaction,
        parent: i64,
        text: &'a str,
    ) -> BoxFuture<'a, Result<Self::Model, DbErr>>;
}

macro_rules! text_row {
    ($module:ident, $parent_field:literal, $text_field:literal, $under_objective:literal,
     $parent:ident: $parent_col:ident, $text:ident: $text_col:ident, $fresh:path) => {
        impl TextRow for $module::Entity {
            const PARENT_FIELD: &'static str = $parent_field;
            const TEXT_FIELD: &'static str = $text_field;
            const UNDER_OBJECTIVE: bool = $under_objective;
            fn parent_col() -> Self::Column {
                $module::Column::$parent_col
            }
            fn text_col() -> Self::Column {
                $module::Column::$text_col
            }
            fn parent_of(model: &Self::Model) -> i64 {
                model.$parent
            }
            fn text_of(model: &Self::Model) -> &str {
                &model.$text
            }
            fn insert_new<'a>(
                txn: &'a DatabaseTransaction,
                parent: i64,
                text: &'a str,
            ) -> BoxFuture<'a, Result<Self::Model, DbErr>> {
                Box::pin($fresh(parent, text).insert(txn))
            }
        }
    };
}

text_row!(
    objective_assessment,
    "objectiveId",
    "assessment",
    true,
    objective_id: ObjectiveId,
    assessment: Assessment,
    rows::objective_assessment
);
text_row!(
    okr_reflection,
    "okrId",
    "reflection",
    false,
    okr_id: OkrId,
    reflection: Reflection,
    rows::okr_reflection
);

/// The input of "create assessment" / "create reflection".
#[derive(Debug, Clone, Default)]
pub struct NewText {
    /// The parent's id as the client sent it.
    pub parent_id: String,
    /// The text.
    pub text: String,
}

/// Creates the live text of a parent.
pub async fn create<E: TextRow>(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewText,
) -> Result<E::Model, DomainError> {
    let txn = store::begin(db).await?;
    let mut cs = Changeset::new();
    let parent =
        writable_parent::<E>(&txn, actor, &mut cs, E::PARENT_FIELD, &input.parent_id).await?;
    let text = cs.required_text(E::TEXT_FIELD, Some(&input.text), TEXT_MAX);
    let (parent, text) = cs.finish(parent.zip(text))?;
    let existing = E::find()
        .filter(E::parent_col().eq(parent))
        .filter(store::not_deleted::<E>())
        .one(&txn)
        .await?;
    if existing.is_some() {
        return UserError::fail(&[E::PARENT_FIELD], Code::AlreadyExists, "already has one");
    }
    let created = E::insert_new(&txn, parent, &text)
        .await
        .map_err(on_constraint(E::PARENT_FIELD))?;
    txn.commit().await?;
    Ok(created)
}

/// The input of "update assessment" / "update reflection".
#[derive(Debug, Clone, Default)]
pub struct TextPatch {
    /// The text row.
    pub target: Target,
    /// The new text.
    pub text: String,
}

/// Replaces a live text.
pub async fn update<E: TextRow>(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: TextPatch,
) -> Result<E::Model, DomainError> {
    let txn = store::begin(db).await?;
    let (id, current) = writable::<E>(&txn, actor, &patch.target).await?;
    let mut cs = Changeset::new();
    let text = cs.required_text(E::TEXT_FIELD, Some(&patch.text), TEXT_MAX);
    let text = cs.finish(text)?;
    let changes = if text == E::text_of(&current) {
        Vec::new()
    } else {
        vec![(E::text_col(), Expr::val(text))]
    };
    store::commit_update::<E>(txn, id, current, changes).await
}

/// Soft-deletes a live text.
pub async fn delete<E: TextRow>(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
) -> Result<E::Model, DomainError> {
    let txn = store::begin(db).await?;
    let (id, current) = writable::<E>(&txn, actor, &target).await?;
    retire::<E>(txn, id, current).await
}

async fn writable<E: TextRow>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    target: &Target,
) -> Result<(i64, E::Model), DomainError> {
    let found = store::peek::<E>(db, &target.id).await?;
    let mut cs = Changeset::new();
    let parent = E::parent_of(&found).to_string();
    writable_parent::<E>(db, actor, &mut cs, "id", &parent).await?;
    let id = cs.id("id", &target.id);
    let id = cs.finish(id)?;
    let current = store::relock::<E>(db, id).await?;
    store::expect_version(E::version_of(&current), target.expected_version)?;
    Ok((id, current))
}

/// The live parent's id, with `NotFound` or `Forbidden` recorded at `field`.
async fn writable_parent<E: TextRow>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    cs: &mut Changeset,
    field: &str,
    raw_id: &str,
) -> Result<Option<i64>, DomainError> {
    if E::UNDER_OBJECTIVE {
        let objective = okrs::writable_objective(db, actor, cs, field, raw_id, Lock::Share).await?;
        return Ok(objective.map(|o| o.id));
    }
    let okr = okrs::writable_okr(db, actor, cs, field, raw_id).await?;
    Ok(okr.map(|o| o.id))
}
