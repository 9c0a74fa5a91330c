//! A small, believable demo dataset, so a new user can open GraphiQL and query at once.
//!
//! An admin and five colleagues, two groups, a past, a current and a future cycle, user- and
//! group-owned OKRs with objectives, scored and cancelled key results, contributes-to links,
//! an assessment and a reflection. Loaded on first start of the embedded default database
//! and by `okrs seed --demo`.

use chrono::Duration;
use entity::key_result;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, TransactionSession, TransactionTrait,
};

use crate::domain::users::{Email, NewUser};
use crate::domain::{clock, groups, rows, users};
use crate::error::DomainError;

/// The demo administrator's user name.
pub const ADMIN_USER_NAME: &str = "ada.admin@example.com";

/// What [`seed`] created, for the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Users created.
    pub users: usize,
    /// OKRs created.
    pub okrs: usize,
    /// Objectives created.
    pub objectives: usize,
    /// Key results created.
    pub key_results: usize,
}

/// One objective of the demo data: its text, its key results `(text, mid, final, cancelled)`.
type ObjectiveSpec = (&'static str, &'static [(&'static str, f64, f64, bool)]);

/// One OKR of the demo data: user owner, group owner, cycle id, objectives.
type OkrSpec<'a> = (Option<&'a str>, Option<i64>, i64, &'static [ObjectiveSpec]);

/// Loads the dataset in one transaction; fails if the demo admin already exists.
pub async fn seed(db: &(impl ConnectionTrait + TransactionTrait)) -> Result<Summary, DomainError> {
    let txn = db.begin().await?;
    let mut summary = Summary {
        users: 0,
        okrs: 0,
        objectives: 0,
        key_results: 0,
    };
    let people = create_people(&txn).await?;
    summary.users = people.len();
    let admin = people[0].id.clone();

    let platform = groups::create(&txn, "Platform Team", true).await?;
    let growth = groups::create(&txn, "Growth", false).await?;
    for person in &people[1..4] {
        groups::add_member(&txn, platform.id, &person.id).await?;
    }
    for person in &people[3..] {
        groups::add_member(&txn, growth.id, &person.id).await?;
    }

    let now = clock::now();
    let days = Duration::days;
    let past = rows::cycle("Last quarter", now - days(120), now - days(30), &admin);
    let current = rows::cycle("This quarter", now - days(30), now + days(60), &admin);
    let next = rows::cycle("Next quarter", now + days(60), now + days(150), &admin);
    let past = past.insert(&txn).await?;
    let current = current.insert(&txn).await?;
    next.insert(&txn).await?;

    let mut objective_ids = Vec::new();
    let owners: [OkrSpec<'_>; 5] = [
        (None, Some(platform.id), current.id, PLATFORM_CURRENT),
        (None, Some(growth.id), current.id, GROWTH_CURRENT),
        (Some(&people[1].id), None, current.id, GRACE_CURRENT),
        (Some(&people[3].id), None, current.id, ALAN_CURRENT),
        (Some(&people[1].id), None, past.id, GRACE_PAST),
    ];
    let mut okr_ids = Vec::new();
    for (user_id, group_id, cycle_id, objectives) in owners {
        let okr = rows::okr(cycle_id, user_id, group_id).insert(&txn).await?;
        okr_ids.push(okr.id);
        summary.okrs += 1;
        for (content, key_results) in objectives {
            let objective = rows::objective(okr.id, content).insert(&txn).await?;
            objective_ids.push(objective.id);
            summary.objectives += 1;
            for (text, mid, final_score, cancelled) in *key_results {
                key_result(objective.id, text, *mid, *final_score, *cancelled)
                    .insert(&txn)
                    .await?;
                summary.key_results += 1;
            }
        }
    }
    // Grace's and Alan's first objectives contribute to the teams' first objectives.
    for (source, target) in [(4, 0), (6, 2), (0, 2)] {
        rows::objective_link(objective_ids[source], objective_ids[target])
            .insert(&txn)
            .await?;
    }
    let assessed = objective_ids[objective_ids.len() - 1];
    rows::objective_assessment(
        assessed,
        "Shipped on time; the migration took a week longer.",
    )
    .insert(&txn)
    .await?;
    rows::okr_reflection(okr_ids[4], "Fewer objectives helped us finish them.")
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(summary)
}

async fn create_people(db: &impl ConnectionTrait) -> Result<Vec<entity::user::Model>, DomainError> {
    let people = [
        (
            ADMIN_USER_NAME,
            "Ada",
            "Admin",
            vec!["admin".to_owned()],
            "Engineering",
        ),
        (
            "grace.hopper@example.com",
            "Grace",
            "Hopper",
            vec![],
            "Engineering",
        ),
        (
            "linus.torvalds@example.com",
            "Linus",
            "Torvalds",
            vec![],
            "Engineering",
        ),
        (
            "alan.turing@example.com",
            "Alan",
            "Turing",
            vec![],
            "Research",
        ),
        (
            "katherine.johnson@example.com",
            "Katherine",
            "Johnson",
            vec![],
            "Marketing",
        ),
        (
            "margaret.hamilton@example.com",
            "Margaret",
            "Hamilton",
            vec![],
            "Marketing",
        ),
    ];
    let mut created = Vec::with_capacity(people.len());
    for (user_name, given, family, roles, department) in people {
        let user = users::create(
            db,
            NewUser {
                user_name: user_name.to_owned(),
                external_id: None,
                given_name: Some(given.to_owned()),
                family_name: Some(family.to_owned()),
                emails: vec![Email {
                    value: user_name.to_owned(),
                    kind: Some("work".to_owned()),
                    primary: true,
                }],
                roles,
                department: Some(department.to_owned()),
            },
        )
        .await?;
        created.push(user);
    }
    Ok(created)
}

/// A demo key result; demo scores have at most two decimals, so parts per billion are exact.
fn key_result(
    objective_id: i64,
    content: &str,
    mid: f64,
    final_score: f64,
    cancelled: bool,
) -> key_result::ActiveModel {
    let mut row = rows::key_result(objective_id, content, to_ppb(mid), to_ppb(final_score));
    if cancelled {
        row.cancelled_at = Set(Some(clock::now()));
    }
    row
}

fn to_ppb(score: f64) -> i64 {
    (score * 100.0).round() as i64 * (entity::SCORE_SCALE / 100)
}

const PLATFORM_CURRENT: &[ObjectiveSpec] = &[
    (
        "Make deploys boring",
        &[
            (
                "Cut median deploy time from 25 to 10 minutes",
                0.6,
                0.0,
                false,
            ),
            ("Zero rollbacks caused by config drift", 0.8, 0.0, false),
            (
                "Move the last service off the legacy pipeline",
                0.3,
                0.0,
                false,
            ),
        ],
    ),
    (
        "Halve the on-call page volume",
        &[
            ("Delete or fix the 20 noisiest alerts", 0.5, 0.0, false),
            ("Write runbooks for every paging alert", 0.2, 0.0, true),
        ],
    ),
];

const GROWTH_CURRENT: &[ObjectiveSpec] = &[(
    "Double weekly active teams",
    &[
        ("Ship the guided onboarding flow", 0.7, 0.0, false),
        ("Raise week-one retention from 40% to 55%", 0.4, 0.0, false),
    ],
)];

const GRACE_CURRENT: &[ObjectiveSpec] = &[
    (
        "Automate the release checklist",
        &[
            ("Script the ten manual release steps", 0.9, 0.0, false),
            ("Run two releases with no manual step", 0.5, 0.0, false),
        ],
    ),
    (
        "Mentor two new engineers",
        &[("Weekly pairing sessions all quarter", 0.75, 0.0, false)],
    ),
];

const ALAN_CURRENT: &[ObjectiveSpec] = &[(
    "Find out why new teams churn",
    &[
        ("Interview 15 churned teams", 0.4, 0.0, false),
        ("Publish the findings to the company", 0.0, 0.0, false),
    ],
)];

const GRACE_PAST: &[ObjectiveSpec] = &[(
    "Migrate CI to the new runners",
    &[
        ("All pipelines on the new runners", 1.0, 1.0, false),
        ("CI cost down 30%", 0.5, 0.7, false),
        ("Self-hosted macOS runners", 0.0, 0.0, true),
    ],
)];

#[cfg(test)]
mod tests {
    #[test]
    fn demo_scores_convert_exactly() {
        assert_eq!(super::to_ppb(0.75), 750_000_000);
        assert_eq!(super::to_ppb(1.0), entity::SCORE_SCALE);
    }
}
