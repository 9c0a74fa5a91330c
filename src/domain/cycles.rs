//! The cycles context: admins create and edit cycles (domain.md §3.12, decisions.md 6 and 9).

use chrono::{DateTime, Utc};
use entity::cycle;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, DatabaseConnection};

use crate::domain::changeset::{Changeset, NAME_MAX};
use crate::domain::policy::{self, Actor};
use crate::domain::rows;
use crate::domain::store::Target;
use crate::domain::store::{self, Change};
use crate::error::Code;
use crate::error::DomainError;

/// The input of "create cycle".
#[derive(Debug, Clone)]
pub struct NewCycle {
    /// Title, e.g. `Q3 2026`.
    pub title: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends; must be after `starts_at`.
    pub ends_at: DateTime<Utc>,
}

/// Creates a cycle created by `actor` (admins only).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: NewCycle,
) -> Result<cycle::Model, DomainError> {
    policy::authorize_admin(actor, "title")?;
    let mut cs = Changeset::new();
    let title = cs.required_text("title", Some(&input.title), NAME_MAX);
    order(&mut cs, input.starts_at, input.ends_at);
    let title = cs.finish(title)?;
    let row = rows::cycle(&title, input.starts_at, input.ends_at, &actor.user.id);
    Ok(row.insert(db).await?)
}

/// The input of "update cycle": only the given fields change.
#[derive(Debug, Clone, Default)]
pub struct CyclePatch {
    /// The cycle.
    pub target: Target,
    /// New title.
    pub title: Option<String>,
    /// New start.
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
}

/// Edits a cycle (admins only); the resulting start and end must still be in order.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    patch: CyclePatch,
) -> Result<cycle::Model, DomainError> {
    policy::authorize_admin(actor, "id")?;
    let txn = store::begin(db).await?;
    let current = store::require::<cycle::Entity>(&txn, &patch.target.id).await?;
    store::expect_version(current.version, patch.target.expected_version)?;
    let mut cs = Changeset::new();
    let title = patch
        .title
        .as_deref()
        .map(|text| cs.required_text("title", Some(text), NAME_MAX));
    let starts_at = patch.starts_at.unwrap_or(current.starts_at);
    let ends_at = patch.ends_at.unwrap_or(current.ends_at);
    order(&mut cs, starts_at, ends_at);
    cs.finish(Some(()))?;
    let mut changes: Vec<Change<cycle::Entity>> = Vec::new();
    if let Some(Some(title)) = title.filter(|t| t.as_deref() != Some(&current.title)) {
        changes.push((cycle::Column::Title, Expr::val(title)));
    }
    if starts_at != current.starts_at {
        changes.push((cycle::Column::StartsAt, Expr::val(starts_at)));
    }
    if ends_at != current.ends_at {
        changes.push((cycle::Column::EndsAt, Expr::val(ends_at)));
    }
    store::commit_update::<cycle::Entity>(txn, current.id, current, changes).await
}

fn order(cs: &mut Changeset, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) {
    cs.check(
        ends_at > starts_at,
        "endsAt",
        Code::Invalid,
        "must be after startsAt",
    );
}
