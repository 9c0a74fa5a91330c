//! The analytics context: usage reports (domain.md §6.2–6.3 with decisions.md 9 and 19).

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query};

use entity::{analytics_event, cycle};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use crate::domain::changeset::Changeset;
use crate::domain::okrs::OwnerRef;
use crate::domain::{clock, store, users};
use crate::error::DomainError;
use crate::query::statements;

/// Who uses the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveUserStats {
    /// Active users owning an OKR in a running cycle that has at least one live objective.
    pub users_with_active_objectives: i64,
    /// Active users.
    pub total_active_users: i64,
    /// Active users who opened the app in the last seven days.
    pub unique_users_7_days: i64,
}

/// How often an owner's OKR page was viewed in the last 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OkrViewStats {
    /// Distinct viewers.
    pub distinct_viewers: i64,
    /// Views.
    pub views: i64,
}

fn col(table: &str, column: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

async fn single_count(
    db: &impl ConnectionTrait,
    select: &sea_orm::sea_query::SelectStatement,
) -> Result<i64, DomainError> {
    statements::reserve()?;
    let row = db.query_one(select).await?;
    Ok(row
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// The active-user report at `now` ("running" is `startsAt <= now <= endsAt`).
pub async fn active_user_stats(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<ActiveUserStats, DomainError> {
    let mut with_objectives = Query::select();
    with_objectives
        .expr_as(Expr::cust("COUNT(DISTINCT u.id)"), Alias::new("n"))
        .from_as(Alias::new("users"), Alias::new("u"))
        .join_as(
            JoinType::InnerJoin,
            Alias::new("okrs"),
            Alias::new("o"),
            col("o", "user_id")
                .equals((Alias::new("u"), Alias::new("id")))
                .and(col("o", "deleted_at").is_null()),
        )
        .join_as(
            JoinType::InnerJoin,
            Alias::new("cycles"),
            Alias::new("c"),
            col("c", "id")
                .equals((Alias::new("o"), Alias::new("cycle_id")))
                .and(cycle::running(
                    col("c", "starts_at"),
                    col("c", "ends_at"),
                    now,
                )),
        )
        .and_where(col("u", "active").eq(true))
        .and_where(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from_as(Alias::new("objectives"), Alias::new("ob"))
                .and_where(col("ob", "okr_id").equals((Alias::new("o"), Alias::new("id"))))
                .and_where(col("ob", "deleted_at").is_null())
                .take(),
        ));
    let mut active = Query::select();
    active
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_as(Alias::new("users"), Alias::new("u"))
        .and_where(col("u", "active").eq(true));
    let mut recent = Query::select();
    recent
        .expr_as(Expr::cust("COUNT(DISTINCT e.user_id)"), Alias::new("n"))
        .from_as(Alias::new("analytics_events"), Alias::new("e"))
        .join_as(
            JoinType::InnerJoin,
            Alias::new("users"),
            Alias::new("u"),
            col("u", "id").equals((Alias::new("e"), Alias::new("user_id"))),
        )
        .and_where(col("e", "kind").eq("user_load"))
        .and_where(col("e", "inserted_at").gt(now - Duration::days(7)))
        .and_where(col("u", "active").eq(true));
    Ok(ActiveUserStats {
        users_with_active_objectives: single_count(db, &with_objectives).await?,
        total_active_users: single_count(db, &active).await?,
        unique_users_7_days: single_count(db, &recent).await?,
    })
}

/// Views of the OKR page of the owner `(owner_type, owner_id)` in the 30 days before `now`.
pub async fn okr_view_stats(
    db: &impl ConnectionTrait,
    owner_type: &str,
    owner_id: &str,
    now: DateTime<Utc>,
) -> Result<OkrViewStats, DomainError> {
    let mut select = Query::select();
    select
        .expr_as(Expr::cust("COUNT(DISTINCT e.user_id)"), Alias::new("d"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from_as(Alias::new("analytics_events"), Alias::new("e"))
        .and_where(col("e", "kind").eq("okr_view"))
        .and_where(col("e", "owner_type").eq(owner_type))
        .and_where(col("e", "owner_id").eq(owner_id))
        .and_where(col("e", "inserted_at").gt(now - Duration::days(30)));
    statements::reserve()?;
    let row = db.query_one(&select).await?;
    let (distinct_viewers, views) = match row {
        Some(row) => (row.try_get::<i64>("", "d")?, row.try_get::<i64>("", "n")?),
        None => (0, 0),
    };
    Ok(OkrViewStats {
        distinct_viewers,
        views,
    })
}

/// Records that `user_id` loaded the app (`user_load`).
pub async fn record_app_load(db: &impl ConnectionTrait, user_id: &str) -> Result<(), DomainError> {
    record(db, "user_load", user_id, None).await
}

/// Records that `user_id` viewed the OKR page of an owner that exists (`okr_view`);
/// an unknown owner is `NotFound` at `owner.userId` / `owner.groupId`.
pub async fn record_okr_view(
    db: &impl ConnectionTrait,
    user_id: &str,
    owner: &OwnerRef,
) -> Result<(), DomainError> {
    let mut cs = Changeset::new();
    let (owner_type, owner_id) = match owner {
        OwnerRef::User(id) => {
            users::lookup(db, &mut cs, "owner.userId", id).await?;
            ("user", id.clone())
        }
        OwnerRef::Group(raw) => {
            let id = cs.id("owner.groupId", raw);
            store::lookup::<entity::group::Entity>(db, &mut cs, "owner.groupId", id).await?;
            ("group", raw.clone())
        }
    };
    cs.finish(Some(()))?;
    record(db, "okr_view", user_id, Some((owner_type, owner_id))).await
}

async fn record(
    db: &impl ConnectionTrait,
    kind: &str,
    user_id: &str,
    owner: Option<(&str, String)>,
) -> Result<(), DomainError> {
    let (owner_type, owner_id) = owner.unzip();
    analytics_event::ActiveModel {
        kind: Set(kind.to_owned()),
        user_id: Set(user_id.to_owned()),
        owner_type: Set(owner_type.map(str::to_owned)),
        owner_id: Set(owner_id),
        inserted_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
