//! Rows for tests, written straight through the entities (after the real migrations ran).
//! Each returns the database's answer, so constraint tests can look at the error.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Duration, Utc};
use entity::{
    analytics_event, cycle, group, group_membership, key_result, objective, objective_assessment,
    objective_link, okr, okr_reflection, user,
};
use okrs::domain::rows;
use okrs::domain::users::{self, NewUser};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A number no other call in this test binary gets.
pub(crate) fn unique() -> u64 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// A new active user with the given roles.
pub(crate) async fn user_with_roles(db: &DatabaseConnection, roles: &[&str]) -> user::Model {
    let n = unique();
    users::create(
        db,
        NewUser {
            user_name: format!("user{n}@example.com"),
            given_name: Some(format!("Given{n}")),
            family_name: Some(format!("Family{n}")),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            ..NewUser::default()
        },
    )
    .await
    .expect("create user")
}

/// A new active user.
pub(crate) async fn user(db: &DatabaseConnection) -> user::Model {
    user_with_roles(db, &[]).await
}

/// Sets a user's `active` flag.
pub(crate) async fn set_active(db: &DatabaseConnection, user: &user::Model, active: bool) {
    let mut model: user::ActiveModel = user.clone().into();
    model.active = Set(active);
    model.update(db).await.expect("update user");
}

/// A raw user row with the given user name and slug.
pub(crate) async fn raw_user(
    db: &DatabaseConnection,
    user_name: &str,
    slug: &str,
    external_id: Option<&str>,
) -> Result<user::Model, DbErr> {
    let now = Utc::now();
    user::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        external_id: Set(external_id.map(str::to_owned)),
        user_name: Set(user_name.to_owned()),
        slug: Set(slug.to_owned()),
        active: Set(true),
        given_name: Set(None),
        family_name: Set(None),
        middle_name: Set(None),
        display_name: Set(None),
        formatted_name: Set(None),
        emails: Set(serde_json::json!([])),
        roles: Set(serde_json::json!([])),
        manager_id: Set(None),
        manager_display_name: Set(None),
        department: Set(None),
        deprovisioned_at: Set(None),
        version: Set(1),
        inserted_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
}

/// A raw group row with the given slug.
pub(crate) async fn raw_group(db: &DatabaseConnection, slug: &str) -> Result<group::Model, DbErr> {
    rows::group(&format!("Group {slug}"), slug.to_owned(), false)
        .insert(db)
        .await
}

/// A group with a unique slug.
pub(crate) async fn group(db: &DatabaseConnection) -> group::Model {
    raw_group(db, &format!("group-{}", unique()))
        .await
        .expect("create group")
}

/// `Some(now)` for a deleted row, `None` for a live one.
fn deleted_at(deleted: bool) -> Option<chrono::DateTime<Utc>> {
    deleted.then(Utc::now)
}

/// A membership row.
pub(crate) async fn membership(
    db: &DatabaseConnection,
    group_id: i64,
    user_id: &str,
    deleted: bool,
) -> Result<group_membership::Model, DbErr> {
    let mut row = rows::membership(group_id, user_id);
    row.deleted_at = Set(deleted_at(deleted));
    row.insert(db).await
}

/// A cycle from `starts` to `ends` days from now.
pub(crate) async fn cycle_between(
    db: &DatabaseConnection,
    creator: &str,
    starts: i64,
    ends: i64,
) -> Result<cycle::Model, DbErr> {
    let now = Utc::now();
    let title = format!("Cycle {}", unique());
    rows::cycle(
        &title,
        now + Duration::days(starts),
        now + Duration::days(ends),
        creator,
    )
    .insert(db)
    .await
}

/// A current cycle.
pub(crate) async fn cycle(db: &DatabaseConnection, creator: &str) -> cycle::Model {
    cycle_between(db, creator, -10, 80)
        .await
        .expect("create cycle")
}

/// An OKR row with any owner combination.
pub(crate) async fn okr(
    db: &DatabaseConnection,
    cycle_id: i64,
    user_id: Option<&str>,
    group_id: Option<i64>,
    deleted: bool,
) -> Result<okr::Model, DbErr> {
    let mut row = rows::okr(cycle_id, user_id, group_id);
    row.deleted_at = Set(deleted_at(deleted));
    row.insert(db).await
}

/// An objective of an OKR.
pub(crate) async fn objective(
    db: &DatabaseConnection,
    okr_id: i64,
) -> Result<objective::Model, DbErr> {
    rows::objective(okr_id, &format!("Objective {}", unique()))
        .insert(db)
        .await
}

/// A key result with the given scores in parts per billion.
pub(crate) async fn key_result(
    db: &DatabaseConnection,
    objective_id: i64,
    mid_ppb: i64,
    final_ppb: i64,
) -> Result<key_result::Model, DbErr> {
    let content = format!("Key result {}", unique());
    rows::key_result(objective_id, &content, mid_ppb, final_ppb)
        .insert(db)
        .await
}

/// A link `source` → `target`.
pub(crate) async fn link(
    db: &DatabaseConnection,
    source: i64,
    target: i64,
    deleted: bool,
) -> Result<objective_link::Model, DbErr> {
    let mut row = rows::objective_link(source, target);
    row.deleted_at = Set(deleted_at(deleted));
    row.insert(db).await
}

/// An assessment of an objective.
pub(crate) async fn assessment(
    db: &DatabaseConnection,
    objective_id: i64,
    deleted: bool,
) -> Result<objective_assessment::Model, DbErr> {
    let mut row = rows::objective_assessment(objective_id, "Went well");
    row.deleted_at = Set(deleted_at(deleted));
    row.insert(db).await
}

/// A reflection on an OKR.
pub(crate) async fn reflection(
    db: &DatabaseConnection,
    okr_id: i64,
    deleted: bool,
) -> Result<okr_reflection::Model, DbErr> {
    let mut row = rows::okr_reflection(okr_id, "Learned a lot");
    row.deleted_at = Set(deleted_at(deleted));
    row.insert(db).await
}

/// An analytics event row.
pub(crate) async fn event(
    db: &DatabaseConnection,
    kind: &str,
    user_id: &str,
    owner: Option<(&str, &str)>,
) -> Result<analytics_event::Model, DbErr> {
    analytics_event::ActiveModel {
        kind: Set(kind.to_owned()),
        user_id: Set(user_id.to_owned()),
        owner_type: Set(owner.map(|(t, _)| t.to_owned())),
        owner_id: Set(owner.map(|(_, id)| id.to_owned())),
        inserted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Sets `cancelled_at` of an objective.
pub(crate) async fn cancel_objective(
    db: &DatabaseConnection,
    row: &objective::Model,
    at: chrono::DateTime<Utc>,
) -> objective::Model {
    let mut model: objective::ActiveModel = row.clone().into();
    model.cancelled_at = Set(Some(at));
    model.update(db).await.unwrap()
}

/// Soft-deletes an objective.
pub(crate) async fn delete_objective(db: &DatabaseConnection, row: &objective::Model) {
    let mut model: objective::ActiveModel = row.clone().into();
    model.deleted_at = Set(Some(Utc::now()));
    model.update(db).await.unwrap();
}

/// Cancels or soft-deletes a key result.
pub(crate) async fn retire_key_result(
    db: &DatabaseConnection,
    row: &key_result::Model,
    cancel: bool,
    delete: bool,
) {
    let mut model: key_result::ActiveModel = row.clone().into();
    if cancel {
        model.cancelled_at = Set(Some(Utc::now()));
    }
    if delete {
        model.deleted_at = Set(Some(Utc::now()));
    }
    model.update(db).await.unwrap();
}

/// A user with the given names (either may be missing).
pub(crate) async fn named_user(
    db: &DatabaseConnection,
    given: Option<&str>,
    family: Option<&str>,
) -> user::Model {
    let n = unique();
    users::create(
        db,
        NewUser {
            user_name: format!("named{n}@example.com"),
            given_name: given.map(str::to_owned),
            family_name: family.map(str::to_owned),
            ..NewUser::default()
        },
    )
    .await
    .expect("create user")
}

/// An objective with the given content, cancellation instant and deletion state.
pub(crate) async fn objective_with(
    db: &DatabaseConnection,
    okr_id: i64,
    content: &str,
    cancelled_at: Option<chrono::DateTime<Utc>>,
    deleted: bool,
) -> objective::Model {
    let mut row = rows::objective(okr_id, content);
    row.cancelled_at = Set(cancelled_at);
    row.deleted_at = Set(deleted_at(deleted));
    row.insert(db).await.expect("create objective")
}

/// A key result with the given content, scores (parts per billion), cancellation instant and
/// deletion state.
pub(crate) async fn key_result_with(
    db: &DatabaseConnection,
    objective_id: i64,
    content: &str,
    [mid_ppb, final_ppb]: [i64; 2],
    cancelled_at: Option<chrono::DateTime<Utc>>,
    deleted: bool,
) -> key_result::Model {
    let mut row = rows::key_result(objective_id, content, mid_ppb, final_ppb);
    row.cancelled_at = Set(cancelled_at);
    row.deleted_at = Set(deleted_at(deleted));
    row.insert(db).await.expect("create key result")
}
