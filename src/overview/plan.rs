//! Choosing recipients and what each is sent.

use crate::domain::changeset::EMAIL_MAX;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{
    cycle, group, group_membership, key_result, key_result_check_in, objective, okr, user,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::catalog;
use crate::domain::users;
use crate::error::DomainError;
use crate::query::page::{self, ParentKey};
use crate::values::scores;

/// Who a message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The user's id.
    pub user_id: String,
    /// The sendable address: the primary e-mail, else the first one.
    pub address: String,
    /// How to greet them.
    pub first_name: String,
    /// Their page's slug.
    pub slug: String,
}

/// A key result line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyResultLine {
    /// Text.
    pub content: String,
    /// Cancelled key results are listed but not scored.
    pub cancelled: bool,
    /// Mid-cycle score.
    pub mid: Decimal,
    /// Final score.
    pub fin: Decimal,
    /// Whole days since the latest live check-in, if there is one.
    pub days_since_check_in: Option<i64>,
}

/// An objective with its key results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveLine {
    /// Text.
    pub content: String,
    /// Cancelled objectives are listed last.
    pub cancelled: bool,
    /// Mean mid-cycle score of the uncancelled key results, two decimals.
    pub mid: Decimal,
    /// Mean final score, two decimals.
    pub fin: Decimal,
    /// The key results, by id.
    pub key_results: Vec<KeyResultLine>,
}

/// One OKR in a message: whose it is and its objectives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OkrSection {
    /// `None` for the recipient's own OKR, else the group's name.
    pub group: Option<String>,
    /// The objectives.
    pub objectives: Vec<ObjectiveLine>,
}

/// One running cycle in an overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleSection {
    /// The cycle's title.
    pub title: String,
    /// The recipient's OKRs in it, own first.
    pub okrs: Vec<OkrSection>,
}

/// What a recipient is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Their objectives in the running cycles that have some.
    Overview(Vec<CycleSection>),
    /// No objectives in any running cycle: one reminder naming them all.
    Reminder(Vec<String>),
}

/// One planned message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The recipient.
    pub recipient: Recipient,
    /// The content.
    pub content: Content,
}

/// Everything the plan is made from, loaded in a handful of statements.
struct Loaded {
    cycles: Vec<cycle::Model>,
    okrs: Vec<okr::Model>,
    groups: HashMap<i64, group::Model>,
    members: HashMap<i64, HashSet<String>>,
    objectives: HashMap<i64, Vec<objective::Model>>,
    /// Each objective's computed `(mid, final)` scores, from the SQL the reads use.
    scores: HashMap<i64, (i64, i64)>,
    key_results: HashMap<i64, Vec<key_result::Model>>,
    /// Each key result's latest live check-in.
    last_check_ins: HashMap<i64, DateTime<Utc>>,
    /// The instant the plan is made for.
    now: DateTime<Utc>,
}

/// The messages the job would send at `now`, one per active user with a sendable address,
/// ordered by user id. Nobody gets anything when no cycle is running.
pub async fn plan(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<Planned>, DomainError> {
    let loaded = load(db, now).await?;
    if loaded.cycles.is_empty() {
        return Ok(Vec::new());
    }
    let people = user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::DeprovisionedAt.is_null())
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    Ok(people
        .iter()
        .filter_map(|person| planned_for(person, &loaded))
        .collect())
}

async fn load(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Loaded, DomainError> {
    let cycles = cycle::Entity::find()
        .filter(cycle::running(
            Expr::col(cycle::Column::StartsAt),
            Expr::col(cycle::Column::EndsAt),
            now,
        ))
        .order_by_desc(cycle::Column::EndsAt)
        .order_by_asc(cycle::Column::Id)
        .all(db)
        .await?;
    let okrs = okr::Entity::find()
        .filter(okr::Column::CycleId.is_in(cycles.iter().map(|c| c.id)))
        .filter(okr::Column::DeletedAt.is_null())
        .order_by_asc(okr::Column::Id)
        .all(db)
        .await?;
    let group_ids: HashSet<i64> = okrs.iter().filter_map(|o| o.group_id).collect();
    let groups: HashMap<i64, group::Model> = group::Entity::find()
        .filter(group::Column::Id.is_in(group_ids.iter().copied()))
        .filter(group::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut members: HashMap<i64, HashSet<String>> = HashMap::new();
    for membership in group_membership::Entity::find()
        .filter(group_membership::Column::GroupId.is_in(groups.keys().copied()))
        .filter(group_membership::Column::DeletedAt.is_null())
        .all(db)
        .await?
    {
        members
            .entry(membership.group_id)
            .or_default()
            .insert(membership.user_id);
    }
    let mut objectives: HashMap<i64, Vec<objective::Model>> = HashMap::new();
    for row in objective::Entity::find()
        .filter(objective::Column::OkrId.is_in(okrs.iter().map(|o| o.id)))
        .filter(objective::Column::DeletedAt.is_null())
        .order_by_asc(objective::Column::Id)
        .all(db)
        .await?
    {
        objectives.entry(row.okr_id).or_default().push(row);
    }
    let objective_ids: Vec<i64> = objectives.values().flatten().map(|o| o.id).collect();
    let keys: Vec<ParentKey> = objective_ids.iter().map(|id| ParentKey::Int(*id)).collect();
    let fields = ["midScore", "finalScore"];
    let scores = page::int_fields(db, &catalog::OBJECTIVE, &fields, &keys, now)
        .await?
        .into_iter()
        .filter_map(|(key, values)| match (key, values.as_slice()) {
            (ParentKey::Int(id), [mid, fin]) => Some((id, (*mid, *fin))),
            _ => None,
        })
        .collect();
    let mut key_results: HashMap<i64, Vec<key_result::Model>> = HashMap::new();
    for row in key_result::Entity::find()
        .filter(key_result::Column::ObjectiveId.is_in(objective_ids))
        .filter(key_result::Column::DeletedAt.is_null())
        .order_by_asc(key_result::Column::Id)
        .all(db)
        .await?
    {
        key_results.entry(row.objective_id).or_default().push(row);
    }
    // One grouped read of every key result's latest check-in (a key result whose row is
    // deleted is not listed, so its check-ins need no liveness test here).
    let last_check_ins = key_result_check_in::Entity::find()
        .select_only()
        .column(key_result_check_in::Column::KeyResultId)
        .column_as(key_result_check_in::Column::InsertedAt.max(), "latest")
        .filter(key_result_check_in::Column::DeletedAt.is_null())
        .group_by(key_result_check_in::Column::KeyResultId)
        .into_tuple::<(i64, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(Loaded {
        cycles,
        okrs,
        groups,
        members,
        objectives,
        scores,
        key_results,
        last_check_ins,
        now,
    })
}

fn planned_for(person: &user::Model, loaded: &Loaded) -> Option<Planned> {
    let recipient = recipient(person)?;
    let sections: Vec<CycleSection> = loaded
        .cycles
        .iter()
        .filter_map(|cycle| {
            let okrs: Vec<OkrSection> = loaded
                .okrs
                .iter()
                .filter(|okr| okr.cycle_id == cycle.id)
                .filter_map(|okr| okr_section(person, okr, loaded))
                .collect();
            (!okrs.is_empty()).then(|| CycleSection {
                title: cycle.title.clone(),
                okrs,
            })
        })
        .collect();
    let content = if sections.is_empty() {
        Content::Reminder(loaded.cycles.iter().map(|c| c.title.clone()).collect())
    } else {
        Content::Overview(sections)
    };
    Some(Planned { recipient, content })
}

/// The OKR as the recipient sees it, if it is theirs (or their group's) and has objectives.
fn okr_section(person: &user::Model, okr: &okr::Model, loaded: &Loaded) -> Option<OkrSection> {
    let group = match (&okr.user_id, okr.group_id) {
        (Some(owner), _) if *owner == person.id => None,
        (None, Some(group_id))
            if loaded
                .members
                .get(&group_id)
                .is_some_and(|m| m.contains(&person.id)) =>
        {
            Some(loaded.groups.get(&group_id)?.name.clone())
        }
        _ => return None,
    };
    let mut rows: Vec<&objective::Model> = loaded.objectives.get(&okr.id)?.iter().collect();
    // Live objectives by id, then cancelled ones, latest cancelled first (as the reads order them).
    rows.sort_by_key(|o| {
        (
            o.cancelled_at.is_some(),
            std::cmp::Reverse(o.cancelled_at),
            o.id,
        )
    });
    let objectives: Vec<ObjectiveLine> = rows
        .into_iter()
        .map(|o| {
            objective_line(
                o,
                loaded.scores.get(&o.id).copied().unwrap_or_default(),
                loaded
                    .key_results
                    .get(&o.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
                loaded,
            )
        })
        .collect();
    (!objectives.is_empty()).then_some(OkrSection { group, objectives })
}

fn objective_line(
    objective: &objective::Model,
    (mid, fin): (i64, i64),
    key_results: &[key_result::Model],
    loaded: &Loaded,
) -> ObjectiveLine {
    ObjectiveLine {
        content: objective.content.clone(),
        cancelled: objective.cancelled_at.is_some(),
        mid: scores::objective_score(mid),
        fin: scores::objective_score(fin),
        key_results: key_results
            .iter()
            .map(|k| KeyResultLine {
                content: k.content.clone(),
                cancelled: k.cancelled_at.is_some(),
                mid: scores::key_result_score(k.mid_score_ppb),
                fin: scores::key_result_score(k.final_score_ppb),
                days_since_check_in: loaded
                    .last_check_ins
                    .get(&k.id)
                    .map(|at| (loaded.now - *at).num_days().max(0)),
            })
            .collect(),
    }
}

fn recipient(person: &user::Model) -> Option<Recipient> {
    let emails = users::emails(person);
    let address = emails
        .iter()
        .find(|e| e.primary)
        .or_else(|| emails.first())?
        .value
        .trim()
        .to_owned();
    if address.is_empty() {
        return None;
    }
    if address.chars().count() > EMAIL_MAX || address.chars().any(char::is_control) {
        // Stored before addresses were bounded, or written around the API: no mail server
        // takes it, and the run must go on for everybody else.
        tracing::warn!(user_id = %person.id, "overview: skipped a user whose e-mail address is unusable");
        return None;
    }
    let first_name = [person.given_name.as_deref(), person.display_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|name| !name.is_empty())
        .unwrap_or("there")
        .to_owned();
    Some(Recipient {
        user_id: person.id.clone(),
        address,
        first_name,
        slug: person.slug.clone(),
    })
}
