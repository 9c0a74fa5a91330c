//! The key-results context: create, edit, score, check in, cancel, uncancel and delete
//! (domain.md §3.4–3.5 with decisions.md 10–12 and 15–17), and the check-ins' own delete.

use entity::{key_result, key_result_check_in};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection};

use crate::domain::changeset::{CONTENT_MAX, Changeset, Given, TEXT_MAX, on_constraint};
use crate::domain::clock;
use crate::domain::okrs;
use crate::domain::policy::Actor;
use crate::domain::rows;
use crate::domain::store::{self, Change, Lock};
use crate::domain::store::{Target, cancel_changes, retire};
use crate::error::DomainError;
use crate::error::{Code, UserError};

/// The fields a new key result is made of (also the items of "create objective").
#[derive(Debug, Clone, Default)]
pub struct KeyResultFields {
    /// The text.
    pub content: String,
    /// Mid-cycle score; absent means 0, null is invalid.
    pub mid_score: Given<Decimal>,
    /// Final score; absent means 0, null is invalid.
    pub final_score: Given<Decimal>,
}

/// A checked key result, ready to insert under an objective.
#[derive(Debug, Clone)]
pub struct KeyResultDraft {
    content: String,
    mid_score_ppb: i64,
    final_score_ppb: i64,
}

impl KeyResultDraft {
    /// Inserts the key result under `objective_id`.
    pub async fn insert(
        self,
        db: &impl sea_orm::ConnectionTrait,
        objective_id: i64,
    ) -> Result<key_result::Model, DomainError> {
        let row = rows::key_result(
            objective_id,
            &self.content,
            self.mid_score_ppb,
            self.final_score_ppb,
        );
        row.insert(db).await.map_err(on_constraint("objectiveId"))
    }
}

/// Casts and checks the fields of a new key result.
pub fn cast(cs: &mut Changeset, fields: &KeyResultFields) -> Option<KeyResultDraft> {
    let content = cs.required_text("content", Some(&fields.content), CONTENT_MAX);
    let mid = cs.score("midScore", fields.mid_score, Some(0));
    let fin = cs.score("finalScore", fields.final_score, Some(0));
    Some(KeyResultDraft {
        content: content?,
        mid_score_ppb: mid?,
        final_score_ppb: fin?,
    })
}

/// The input of "create key result".
#[derive(Debug, Clone, Default)]
pub struct NewKeyResult {
    /// The objective it measures.
    pub objective_id: String,
    /// Its fields.
    pub fields: KeyResultFields,
}

/// Creates a key result under a live objective.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewKeyResult,
) -> Result<key_result::Model, DomainError> {
    let txn = store::begin(db).await?;
    let mut cs = Changeset::new();
    let objective = okrs::writable_objective(
        &txn,
        actor,
        &mut cs,
        "objectiveId",
        &input.objective_id,
        Lock::Share,
    )
    .await?;
    let draft = cast(&mut cs, &input.fields);
    let draft = cs.finish(draft.zip(objective))?;
    let created = draft.0.insert(&txn, draft.1.id).await?;
    txn.commit().await?;
    Ok(created)
}

/// The input of "update key result" and "score key result": only the given fields change.
#[derive(Debug, Clone, Default)]
pub struct KeyResultPatch {
    /// The key result.
    pub target: Target,
    /// New text, if it changes.
    pub content: Option<String>,
    /// New mid-cycle score; null is invalid.
    pub mid_score: Given<Decimal>,
    /// New final score; null is invalid.
    pub final_score: Given<Decimal>,
}

/// Edits or scores a live key result.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: KeyResultPatch,
) -> Result<key_result::Model, DomainError> {
    if let Some(stored) = update_in_one_statement(db, actor, &patch).await? {
        return Ok(stored);
    }
    let txn = store::begin(db).await?;
    let current = writable(&txn, actor, &patch.target).await?;
    let mut cs = Changeset::new();
    let (content, mid, fin) = cast_patch(&mut cs, &patch);
    cs.finish(Some(()))?;
    let mut changes = score_changes(&current, mid, fin);
    if let Some(content) = content.filter(|c| *c != current.content) {
        changes.push((key_result::Column::Content, Expr::val(content)));
    }
    store::commit_update::<key_result::Entity>(txn, current.id, current, changes).await
}

/// Casts and checks a patch's fields into `cs`: the new text and scores, each `None` when it
/// does not change or is invalid (the error is in `cs`).
fn cast_patch(
    cs: &mut Changeset,
    patch: &KeyResultPatch,
) -> (Option<String>, Option<i64>, Option<i64>) {
    let content = patch
        .content
        .as_deref()
        .and_then(|text| cs.required_text("content", Some(text), CONTENT_MAX));
    let mid = cs.score("midScore", patch.mid_score, None);
    let fin = cs.score("finalScore", patch.final_score, None);
    (content, mid, fin)
}

/// The usual edit or score in one statement ([`store::update_if`]), when the input is valid,
/// the key result live, writable by `actor` and at the expected version, and something
/// changes. `None` in every other case: [`update`]'s full path then says why, or returns the
/// key result unchanged.
async fn update_in_one_statement(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: &KeyResultPatch,
) -> Result<Option<key_result::Model>, DomainError> {
    use key_result::Column;
    let mut cs = Changeset::new();
    let id = cs.id("id", &patch.target.id);
    let (content, mid, fin) = cast_patch(&mut cs, patch);
    let (Some(id), true) = (id, cs.is_valid()) else {
        return Ok(None);
    };
    let mut changes: Vec<Change<key_result::Entity>> = Vec::new();
    let mut differs = Condition::any();
    if let Some(mid) = mid {
        changes.push((Column::MidScorePpb, Expr::val(mid)));
        differs = differs.add(Column::MidScorePpb.ne(mid));
    }
    if let Some(fin) = fin {
        changes.push((Column::FinalScorePpb, Expr::val(fin)));
        differs = differs.add(Column::FinalScorePpb.ne(fin));
    }
    if let Some(content) = content {
        differs = differs.add(Column::Content.ne(content.as_str()));
        changes.push((Column::Content, Expr::val(content)));
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let mut condition = Condition::all().add(differs);
    if let Some(objectives) = okrs::writable_objective_ids(actor) {
        condition = condition.add(Column::ObjectiveId.in_subquery(objectives));
    }
    let expected = patch.target.expected_version;
    store::update_if::<key_result::Entity>(db, id, expected, changes, condition).await
}

/// Cancels (`true`) or uncancels (`false`) a live key result.
pub async fn set_cancelled(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
    cancelled: bool,
) -> Result<key_result::Model, DomainError> {
    let txn = store::begin(db).await?;
    let current = writable(&txn, actor, &target).await?;
    let was = current.cancelled_at.is_some();
    let changes =
        cancel_changes::<key_result::Entity>(key_result::Column::CancelledAt, was, cancelled);
    store::commit_update::<key_result::Entity>(txn, current.id, current, changes).await
}

/// Soft-deletes a live key result; returns it as it was.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
) -> Result<key_result::Model, DomainError> {
    let txn = store::begin(db).await?;
    let current = writable(&txn, actor, &target).await?;
    retire::<key_result::Entity>(txn, current.id, current).await
}

/// The input of "check in a key result".
#[derive(Debug, Clone, Default)]
pub struct CheckIn {
    /// The key result, and the version the caller last saw.
    pub target: Target,
    /// The mid-cycle score now; absent keeps the current one, null is invalid.
    pub mid_score: Given<Decimal>,
    /// The final score now; absent keeps the current one, null is invalid.
    pub final_score: Given<Decimal>,
    /// What the author has to say; empty or blank is none.
    pub note: Option<String>,
}

/// Records a check-in of a live key result and gives the key result the checked-in scores,
/// in one transaction: the same policy and `expectedVersion` rule as scoring it.
pub async fn check_in(
    db: &DatabaseConnection,
    actor: &Actor,
    input: CheckIn,
) -> Result<key_result_check_in::Model, DomainError> {
    let txn = store::begin(db).await?;
    let current = writable(&txn, actor, &input.target).await?;
    let mut cs = Changeset::new();
    let mid = cs.score("midScore", input.mid_score, Some(current.mid_score_ppb));
    let fin = cs.score(
        "finalScore",
        input.final_score,
        Some(current.final_score_ppb),
    );
    let note = match input.note.as_deref().filter(|note| !note.trim().is_empty()) {
        Some(note) => cs.required_text("note", Some(note), TEXT_MAX).map(Some),
        None => Some(None),
    };
    let (mid, (fin, note)) = cs.finish(mid.zip(fin.zip(note)))?;
    let changes = score_changes(&current, Some(mid), Some(fin));
    let key_result_id = current.id;
    store::update::<key_result::Entity>(&txn, key_result_id, current, changes).await?;
    let now = clock::now();
    let row = key_result_check_in::ActiveModel {
        key_result_id: Set(key_result_id),
        author_id: Set(actor.user.id.clone()),
        mid_score_ppb: Set(mid),
        final_score_ppb: Set(fin),
        note: Set(note),
        version: Set(1),
        inserted_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let created = row.insert(&txn).await.map_err(on_constraint("id"))?;
    txn.commit().await?;
    Ok(created)
}

/// Soft-deletes a live check-in; only its author or an admin may. Returns it as it was.
pub async fn delete_check_in(
    db: &DatabaseConnection,
    actor: &Actor,
    target: Target,
) -> Result<key_result_check_in::Model, DomainError> {
    let txn = store::begin(db).await?;
    let current = store::require::<key_result_check_in::Entity>(&txn, &target.id).await?;
    if current.author_id != actor.user.id && !actor.admin {
        return UserError::fail(
            &["id"],
            Code::Forbidden,
            "only its author or an admin may delete a check-in",
        );
    }
    store::expect_version(current.version, target.expected_version)?;
    retire::<key_result_check_in::Entity>(txn, current.id, current).await
}

/// The changes that give `current` these scores (`None`: keep it); none when they are equal.
fn score_changes(
    current: &key_result::Model,
    mid: Option<i64>,
    fin: Option<i64>,
) -> Vec<Change<key_result::Entity>> {
    let mut changes = Vec::new();
    if let Some(mid) = mid.filter(|m| *m != current.mid_score_ppb) {
        changes.push((key_result::Column::MidScorePpb, Expr::val(mid)));
    }
    if let Some(fin) = fin.filter(|f| *f != current.final_score_ppb) {
        changes.push((key_result::Column::FinalScorePpb, Expr::val(fin)));
    }
    changes
}

async fn writable(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    target: &Target,
) -> Result<key_result::Model, DomainError> {
    let found = store::peek::<key_result::Entity>(db, &target.id).await?;
    let mut cs = Changeset::new();
    let parent = found.objective_id.to_string();
    okrs::writable_objective(db, actor, &mut cs, "id", &parent, Lock::Share).await?;
    cs.finish(Some(()))?;
    let current = store::relock::<key_result::Entity>(db, found.id).await?;
    store::expect_version(current.version, target.expected_version)?;
    Ok(current)
}
