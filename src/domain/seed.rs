//! A synthetic dataset for benchmarks: `okrs seed --scale small|medium|large [--rng-seed N]`.
//!
//! At `large`: about 10,000 users (one of them an admin), 500 groups with memberships,
//! 8 cycles (six past, a current and a future one), 40,000 OKRs, 150,000 objectives,
//! 500,000 scored key results and 50,000 links, plus assessments and reflections, with a
//! few inactive, deprovisioned, cancelled and soft-deleted rows in every table. `medium`
//! is a tenth of that, `small` a hundredth.
//!
//! Rows are written with multi-row `INSERT`s ([`ROWS_PER_STATEMENT`] rows each) in one
//! transaction, with explicit ids following the tables' current maximum; on PostgreSQL the
//! id sequences are moved past them afterwards and the tables analysed. The same rng seed
//! gives the same rows (ids, names, shapes, scores); timestamps are anchored to the start
//! of the current UTC day so that one cycle is always current.

use std::collections::HashSet;

use chrono::{Duration, DurationRound};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::sea_query::{Alias, Expr, InsertStatement, Query};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionSession, TransactionTrait, Value};

use crate::domain::clock;
use crate::error::DomainError;

/// Rows per `INSERT` statement: a few hundred keeps every statement well under both
/// engines' bind-parameter limits (at most 14 columns here).
pub const ROWS_PER_STATEMENT: usize = 400;

/// The benchmark admin's user name; this user's roles contain `admin`.
pub const ADMIN_USER_NAME: &str = "bench.admin@example.com";

/// One part per billion: scores are stored as integers in `0..=SCORE_SCALE`.
const SCORE_SCALE: i64 = 1_000_000_000;

/// A named dataset size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// About a hundredth of `large`.
    Small,
    /// About a tenth of `large`.
    Medium,
    /// About 10,000 users and 500,000 key results.
    Large,
}

impl Scale {
    /// The row counts this scale aims at.
    pub fn sizes(self) -> Sizes {
        match self {
            Self::Small => Sizes::LARGE.divided_by(100),
            Self::Medium => Sizes::LARGE.divided_by(10),
            Self::Large => Sizes::LARGE,
        }
    }
}

/// The row counts to generate (memberships, assessments and reflections follow from them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Users, including the admin.
    pub users: usize,
    /// Groups.
    pub groups: usize,
    /// Cycles.
    pub cycles: usize,
    /// OKRs, user- and group-owned.
    pub okrs: usize,
    /// Objectives.
    pub objectives: usize,
    /// Key results.
    pub key_results: usize,
    /// Objective links.
    pub links: usize,
}

impl Sizes {
    /// The `large` scale.
    pub const LARGE: Self = Self {
        users: 10_000,
        groups: 500,
        cycles: 8,
        okrs: 40_000,
        objectives: 150_000,
        key_results: 500_000,
        links: 50_000,
    };

    /// These sizes divided by `divisor`, keeping at least a handful of each and 8 cycles.
    pub fn divided_by(self, divisor: usize) -> Self {
        let div = |n: usize, min: usize| (n / divisor.max(1)).max(min);
        Self {
            users: div(self.users, 4),
            groups: div(self.groups, 2),
            cycles: self.cycles,
            okrs: div(self.okrs, 8),
            objectives: div(self.objectives, 8),
            key_results: div(self.key_results, 8),
            links: div(self.links, 2),
        }
    }
}

/// What [`seed`] wrote, per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Users.
    pub users: usize,
    /// Groups.
    pub groups: usize,
    /// Group memberships.
    pub memberships: usize,
    /// Cycles.
    pub cycles: usize,
    /// OKRs.
    pub okrs: usize,
    /// Objectives.
    pub objectives: usize,
    /// Key results.
    pub key_results: usize,
    /// Objective links.
    pub links: usize,
    /// Objective assessments.
    pub assessments: usize,
    /// OKR reflections.
    pub reflections: usize,
    /// The admin's user id.
    pub admin_id: String,
}

/// Progress reports: `(table, rows written so far, rows planned)`.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

const GIVEN: &[&str] = &[
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Barbara",
    "Edsger",
    "Frances",
    "Donald",
    "Margaret",
    "Ken",
    "Radia",
    "Dennis",
    "Hedy",
    "John",
    "Sophie",
    "Tim",
    "Karen",
    "Niklaus",
    "Joan",
    "Bjarne",
    "Lynn",
    "Guido",
    "Anita",
    "James",
    "Mary",
    "Robin",
    "Shafi",
    "Leslie",
    "Annie",
    "Carl",
    "Evelyn",
];
const FAMILY: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Liskov",
    "Dijkstra",
    "Allen",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Perlman",
    "Ritchie",
    "Lamarr",
    "McCarthy",
    "Wilson",
    "Berners-Lee",
    "Jones",
    "Wirth",
    "Clarke",
    "Stroustrup",
    "Conway",
    "Rossum",
    "Borg",
    "Gosling",
    "Keller",
    "Milner",
    "Goldwasser",
    "Lamport",
    "Easley",
    "Hewitt",
    "Boyd",
];
const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Research",
    "Sales",
    "Marketing",
    "Finance",
    "Operations",
    "Support",
    "People",
];
const TEAMS: &[&str] = &[
    "Platform",
    "Growth",
    "Payments",
    "Search",
    "Mobile",
    "Data",
    "Security",
    "Infra",
    "Design",
    "Billing",
    "Onboarding",
    "Analytics",
    "Identity",
    "Messaging",
    "Reliability",
    "Partners",
];
const VERBS: &[&str] = &[
    "Improve",
    "Launch",
    "Reduce",
    "Grow",
    "Simplify",
    "Automate",
    "Stabilise",
    "Expand",
    "Modernise",
    "Delight customers with",
];
const THINGS: &[&str] = &[
    "onboarding",
    "checkout latency",
    "the release process",
    "search relevance",
    "mobile retention",
    "the data platform",
    "incident response",
    "partner integrations",
    "the billing pipeline",
    "developer experience",
    "support response times",
    "the design system",
];
const METRICS: &[&str] = &[
    "weekly active users",
    "p95 latency",
    "conversion",
    "NPS",
    "test coverage",
    "deploys per day",
    "tickets closed",
    "revenue",
    "error rate",
    "time to first value",
];

/// Loads a dataset of the given sizes; fails (and writes nothing) on a unique conflict,
/// e.g. when the same dataset was loaded already.
pub async fn seed(
    db: &(impl ConnectionTrait + TransactionTrait),
    sizes: Sizes,
    rng_seed: u64,
    progress: Progress<'_>,
) -> Result<Summary, DomainError> {
    let mut rng = ChaCha8Rng::seed_from_u64(rng_seed);
    let anchor = clock::now()
        .duration_trunc(Duration::days(1))
        .map_err(|e| DomainError::Internal(e.into()))?;
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let mut summary = Summary::default();

    // Users: index 0 is the admin.
    let user_ids: Vec<String> = (0..sizes.users)
        .map(|i| {
            let millis = (anchor - Duration::days(400)).timestamp_millis() as u64 + i as u64;
            uuid::Builder::from_unix_timestamp_millis(millis, &rng.random())
                .into_uuid()
                .to_string()
        })
        .collect();
    let mut inactive = vec![false; sizes.users];
    {
        let mut writer = Writer::new(
            &txn,
            "users",
            &[
                "id",
                "user_name",
                "slug",
                "active",
                "given_name",
                "family_name",
                "formatted_name",
                "emails",
                "roles",
                "department",
                "deprovisioned_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            sizes.users,
            progress,
        );
        for (i, id) in user_ids.iter().enumerate() {
            let (given, family, user_name, roles) = if i == 0 {
                ("Bench", "Admin", ADMIN_USER_NAME.to_owned(), vec!["admin"])
            } else {
                let given = GIVEN[rng.random_range(0..GIVEN.len())];
                let family = FAMILY[rng.random_range(0..FAMILY.len())];
                let name = format!(
                    "{}.{}.{i}@example.com",
                    given.to_lowercase(),
                    family.to_lowercase()
                );
                (given, family, name, vec![])
            };
            // About 2% inactive, half of them deprovisioned too; never the admin.
            let deprovisioned = i > 0 && rng.random_ratio(1, 100);
            let active = i == 0 || !(deprovisioned || rng.random_ratio(1, 100));
            inactive[i] = !active;
            let slug = format!("{}-{}-{i}", given.to_lowercase(), family.to_lowercase());
            let emails = serde_json::json!([{"value": user_name, "type": "work", "primary": true}]);
            let at = anchor - Duration::days(400) + Duration::seconds(i as i64);
            writer
                .push(vec![
                    id.clone().into(),
                    user_name.into(),
                    slug.into(),
                    active.into(),
                    given.into(),
                    family.into(),
                    format!("{given} {family}").into(),
                    emails.into(),
                    serde_json::json!(roles).into(),
                    DEPARTMENTS[rng.random_range(0..DEPARTMENTS.len())].into(),
                    deprovisioned.then_some(at + Duration::days(300)).into(),
                    1_i32.into(),
                    at.into(),
                    at.into(),
                ])
                .await?;
        }
        summary.users = writer.finish().await?;
    }
    summary.admin_id = user_ids[0].clone();

    // Groups, about 1% deleted, a few pinned.
    let group_base = max_id(&txn, "groups").await?;
    {
        let mut writer = Writer::new(
            &txn,
            "groups",
            &[
                "id",
                "name",
                "slug",
                "pinned",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            sizes.groups,
            progress,
        );
        for g in 0..sizes.groups {
            let team = TEAMS[g % TEAMS.len()];
            let name = format!("{team} {}", g / TEAMS.len() + 1);
            let slug = format!("{}-{}", team.to_lowercase(), g / TEAMS.len() + 1);
            let at = anchor - Duration::days(399) + Duration::seconds(g as i64);
            let deleted = g > 0 && rng.random_ratio(1, 100);
            writer
                .push(vec![
                    (group_base + 1 + g as i64).into(),
                    name.into(),
                    slug.into(),
                    (g < 3).into(),
                    deleted.then_some(at + Duration::days(200)).into(),
                    1_i32.into(),
                    at.into(),
                    at.into(),
                ])
                .await?;
        }
        summary.groups = writer.finish().await?;
    }

    // Memberships: every user in one to three distinct groups; about 2% removed.
    let membership_base = max_id(&txn, "group_memberships").await?;
    {
        let planned = sizes.users * 2;
        let mut writer = Writer::new(
            &txn,
            "group_memberships",
            &[
                "id",
                "group_id",
                "user_id",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            planned,
            progress,
        );
        let mut next = membership_base;
        for (u, user_id) in user_ids.iter().enumerate() {
            let count = rng.random_range(1..=3).min(sizes.groups);
            let mut chosen = HashSet::new();
            while chosen.len() < count {
                chosen.insert(rng.random_range(0..sizes.groups));
            }
            let mut chosen: Vec<usize> = chosen.into_iter().collect();
            chosen.sort_unstable();
            for g in chosen {
                next += 1;
                let at = anchor - Duration::days(398) + Duration::seconds(u as i64);
                let removed = rng.random_ratio(1, 50);
                writer
                    .push(vec![
                        next.into(),
                        (group_base + 1 + g as i64).into(),
                        user_id.clone().into(),
                        removed.then_some(at + Duration::days(100)).into(),
                        1_i32.into(),
                        at.into(),
                        at.into(),
                    ])
                    .await?;
            }
        }
        summary.memberships = writer.finish().await?;
    }

    // Cycles: quarters; the second-to-last is current, the last one is in the future.
    let cycle_base = max_id(&txn, "cycles").await?;
    let current = sizes.cycles.saturating_sub(2) as i64;
    let cycle_start =
        |c: usize| anchor - Duration::days(30) + Duration::days(91 * (c as i64 - current));
    {
        let mut writer = Writer::new(
            &txn,
            "cycles",
            &[
                "id",
                "title",
                "starts_at",
                "ends_at",
                "created_by_id",
                "version",
                "inserted_at",
                "updated_at",
            ],
            sizes.cycles,
            progress,
        );
        for c in 0..sizes.cycles {
            let starts = cycle_start(c);
            let at = starts - Duration::days(14);
            writer
                .push(vec![
                    (cycle_base + 1 + c as i64).into(),
                    format!("Quarter {}", c + 1).into(),
                    starts.into(),
                    (starts + Duration::days(91)).into(),
                    user_ids[0].clone().into(),
                    1_i32.into(),
                    at.into(),
                    at.into(),
                ])
                .await?;
        }
        summary.cycles = writer.finish().await?;
    }

    // OKRs: every group in every cycle, then (user, cycle) slots at random, the admin's
    // in every cycle first. About 1% deleted (a deleted row never has a live twin).
    let mut okr_owners: Vec<(Option<usize>, Option<usize>, usize)> = Vec::new(); // (user, group, cycle)
    for g in 0..sizes.groups {
        for c in 0..sizes.cycles {
            if okr_owners.len() < sizes.okrs / 4 {
                okr_owners.push((None, Some(g), c));
            }
        }
    }
    let mut slots: Vec<(usize, usize)> = (1..sizes.users)
        .flat_map(|u| (0..sizes.cycles).map(move |c| (u, c)))
        .collect();
    slots.shuffle(&mut rng);
    let admin_slots = (0..sizes.cycles).map(|c| (0, c));
    for (u, c) in admin_slots.chain(slots) {
        if okr_owners.len() >= sizes.okrs {
            break;
        }
        okr_owners.push((Some(u), None, c));
    }
    okr_owners.sort_by_key(|&(_, _, c)| c);
    let okr_base = max_id(&txn, "okrs").await?;
    let mut okr_deleted = vec![false; okr_owners.len()];
    {
        let mut writer = Writer::new(
            &txn,
            "okrs",
            &[
                "id",
                "cycle_id",
                "user_id",
                "group_id",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            okr_owners.len(),
            progress,
        );
        for (k, &(user, group, c)) in okr_owners.iter().enumerate() {
            let at = cycle_start(c) - Duration::days(7) + Duration::seconds(k as i64);
            let deleted = user != Some(0) && rng.random_ratio(1, 100);
            okr_deleted[k] = deleted;
            writer
                .push(vec![
                    (okr_base + 1 + k as i64).into(),
                    (cycle_base + 1 + c as i64).into(),
                    user.map(|u| user_ids[u].clone()).into(),
                    group.map(|g| group_base + 1 + g as i64).into(),
                    deleted.then_some(at + Duration::days(3)).into(),
                    1_i32.into(),
                    at.into(),
                    at.into(),
                ])
                .await?;
        }
        summary.okrs = writer.finish().await?;
    }

    // Objectives: at least one per OKR, the rest spread at random; ~2% cancelled, ~1% deleted.
    let per_okr = spread(
        &mut rng,
        sizes.objectives.max(okr_owners.len()),
        okr_owners.len(),
    );
    let objective_base = max_id(&txn, "objectives").await?;
    // Per objective: (okr index, live).
    let mut objectives: Vec<(usize, bool)> = Vec::with_capacity(sizes.objectives);
    {
        let total = per_okr.iter().sum();
        let mut writer = Writer::new(
            &txn,
            "objectives",
            &[
                "id",
                "okr_id",
                "content",
                "cancelled_at",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            total,
            progress,
        );
        for (k, &count) in per_okr.iter().enumerate() {
            let c = okr_owners[k].2;
            for _ in 0..count {
                let j = objectives.len();
                let at = cycle_start(c) - Duration::days(6) + Duration::seconds(j as i64);
                let cancelled = rng.random_ratio(1, 50);
                let deleted = rng.random_ratio(1, 100);
                objectives.push((k, !deleted && !okr_deleted[k]));
                let content = format!(
                    "{} {}",
                    VERBS[rng.random_range(0..VERBS.len())],
                    THINGS[rng.random_range(0..THINGS.len())]
                );
                writer
                    .push(vec![
                        (objective_base + 1 + j as i64).into(),
                        (okr_base + 1 + k as i64).into(),
                        content.into(),
                        cancelled.then_some(at + Duration::days(20)).into(),
                        deleted.then_some(at + Duration::days(10)).into(),
                        1_i32.into(),
                        at.into(),
                        at.into(),
                    ])
                    .await?;
            }
        }
        summary.objectives = writer.finish().await?;
    }

    // Key results: at least one per objective; scores in steps of 0.05, mid-scores for past
    // and current cycles, final scores for past ones; ~3% cancelled, ~1% deleted.
    let per_objective = spread(
        &mut rng,
        sizes.key_results.max(objectives.len()),
        objectives.len(),
    );
    let key_result_base = max_id(&txn, "key_results").await?;
    {
        let total = per_objective.iter().sum();
        let mut writer = Writer::new(
            &txn,
            "key_results",
            &[
                "id",
                "objective_id",
                "content",
                "mid_score_ppb",
                "final_score_ppb",
                "cancelled_at",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            total,
            progress,
        );
        let mut next = key_result_base;
        for (j, &count) in per_objective.iter().enumerate() {
            let c = okr_owners[objectives[j].0].2 as i64;
            for _ in 0..count {
                next += 1;
                let at = cycle_start(c as usize) - Duration::days(5)
                    + Duration::seconds(next - key_result_base);
                let step = SCORE_SCALE / 20;
                let mid = if c <= current {
                    rng.random_range(0..=20) * step
                } else {
                    0
                };
                let final_ = if c < current {
                    rng.random_range(0..=20) * step
                } else {
                    0
                };
                let cancelled = rng.random_ratio(3, 100);
                let deleted = rng.random_ratio(1, 100);
                let content = format!(
                    "Move {} from {} to {}",
                    METRICS[rng.random_range(0..METRICS.len())],
                    rng.random_range(10..50),
                    rng.random_range(50..100)
                );
                writer
                    .push(vec![
                        next.into(),
                        (objective_base + 1 + j as i64).into(),
                        content.into(),
                        mid.into(),
                        final_.into(),
                        cancelled.then_some(at + Duration::days(30)).into(),
                        deleted.then_some(at + Duration::days(10)).into(),
                        1_i32.into(),
                        at.into(),
                        at.into(),
                    ])
                    .await?;
            }
        }
        summary.key_results = writer.finish().await?;
    }

    // Links between live objectives of the same cycle, mostly into group objectives; the
    // first objective of each admin OKR gets one link each way. Pairs are unique, never self links;
    // ~2% deleted.
    let mut in_cycle: Vec<Vec<usize>> = vec![Vec::new(); sizes.cycles];
    let mut group_in_cycle: Vec<Vec<usize>> = vec![Vec::new(); sizes.cycles];
    let mut admin_objectives = Vec::new();
    for (j, &(k, live)) in objectives.iter().enumerate() {
        if !live {
            continue;
        }
        let (user, group, c) = okr_owners[k];
        in_cycle[c].push(j);
        if group.is_some() {
            group_in_cycle[c].push(j);
        }
        // The first live objective of each of the admin's OKRs.
        if user == Some(0)
            && admin_objectives
                .last()
                .is_none_or(|&a: &usize| objectives[a].0 != k)
        {
            admin_objectives.push(j);
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(sizes.links);
    let mut seen = HashSet::new();
    let mut add = |pairs: &mut Vec<(usize, usize)>, s: usize, t: usize| {
        if s != t && seen.insert((s, t)) {
            pairs.push((s, t));
        }
    };
    for &j in &admin_objectives {
        if pairs.len() + 2 > sizes.links {
            break;
        }
        let c = okr_owners[objectives[j].0].2;
        if let Some(&t) = pick(&mut rng, &group_in_cycle[c]) {
            add(&mut pairs, j, t);
        }
        if let Some(&s) = pick(&mut rng, &in_cycle[c]) {
            add(&mut pairs, s, j);
        }
    }
    let live: Vec<usize> = in_cycle.iter().flatten().copied().collect();
    let mut attempts = 0;
    while pairs.len() < sizes.links && attempts < sizes.links * 20 && !live.is_empty() {
        attempts += 1;
        let s = live[rng.random_range(0..live.len())];
        let c = okr_owners[objectives[s].0].2;
        let targets = if rng.random_ratio(7, 10) && !group_in_cycle[c].is_empty() {
            &group_in_cycle[c]
        } else {
            &in_cycle[c]
        };
        if let Some(&t) = pick(&mut rng, targets) {
            add(&mut pairs, s, t);
        }
    }
    let link_base = max_id(&txn, "objective_links").await?;
    {
        let mut writer = Writer::new(
            &txn,
            "objective_links",
            &[
                "id",
                "source_objective_id",
                "linked_to_objective_id",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            pairs.len(),
            progress,
        );
        for (n, &(s, t)) in pairs.iter().enumerate() {
            let c = okr_owners[objectives[s].0].2;
            let at = cycle_start(c) + Duration::seconds(n as i64);
            let deleted = !admin_objectives.contains(&s)
                && !admin_objectives.contains(&t)
                && rng.random_ratio(1, 50);
            writer
                .push(vec![
                    (link_base + 1 + n as i64).into(),
                    (objective_base + 1 + s as i64).into(),
                    (objective_base + 1 + t as i64).into(),
                    deleted.then_some(at + Duration::days(9)).into(),
                    1_i32.into(),
                    at.into(),
                    at.into(),
                ])
                .await?;
        }
        summary.links = writer.finish().await?;
    }

    // Assessments on ~10% of past objectives (every admin objective), reflections on ~20%
    // of past OKRs (every admin OKR); at most one of each per row, ~2% of them deleted.
    let assessment_base = max_id(&txn, "objective_assessments").await?;
    {
        let mut writer = Writer::new(
            &txn,
            "objective_assessments",
            &[
                "id",
                "objective_id",
                "assessment",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            objectives.len() / 10,
            progress,
        );
        let mut next = assessment_base;
        for (j, &(k, _)) in objectives.iter().enumerate() {
            let (user, _, c) = okr_owners[k];
            if c as i64 >= current || !(user == Some(0) || rng.random_ratio(1, 10)) {
                continue;
            }
            next += 1;
            let at = cycle_start(c) + Duration::days(92);
            let deleted = user != Some(0) && rng.random_ratio(1, 50);
            writer
                .push(vec![
                    next.into(),
                    (objective_base + 1 + j as i64).into(),
                    "Mostly done; the last key result slipped into next quarter.".into(),
                    deleted.then_some(at + Duration::days(1)).into(),
                    1_i32.into(),
                    at.into(),
                    at.into(),
                ])
                .await?;
        }
        summary.assessments = writer.finish().await?;
    }
    let reflection_base = max_id(&txn, "okr_reflections").await?;
    {
        let mut writer = Writer::new(
            &txn,
            "okr_reflections",
            &[
                "id",
                "okr_id",
                "reflection",
                "deleted_at",
                "version",
                "inserted_at",
                "updated_at",
            ],
            okr_owners.len() / 5,
            progress,
        );
        let mut next = reflection_base;
        for (k, &(user, _, c)) in okr_owners.iter().enumerate() {
            if c as i64 >= current || !(user == Some(0) || rng.random_ratio(1, 5)) {
                continue;
            }
            next += 1;
            let at = cycle_start(c) + Duration::days(93);
            let deleted = user != Some(0) && rng.random_ratio(1, 50);
            writer
                .push(vec![
                    next.into(),
                    (okr_base + 1 + k as i64).into(),
                    "Fewer objectives helped us finish them.".into(),
                    deleted.then_some(at + Duration::days(1)).into(),
                    1_i32.into(),
                    at.into(),
                    at.into(),
                ])
                .await?;
        }
        summary.reflections = writer.finish().await?;
    }
    txn.commit().await?;

    if backend == DbBackend::Postgres {
        for table in TABLES {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            ))
            .await?;
        }
        // A settled database: statistics for the planner, and a visibility map so that
        // index-only scans need not visit the table (as autovacuum leaves a live database).
        db.execute_unprepared("VACUUM (ANALYZE)").await?;
    }
    Ok(summary)
}

/// The tables with an integer id sequence that [`seed`] writes explicit ids into.
const TABLES: &[&str] = &[
    "groups",
    "group_memberships",
    "cycles",
    "okrs",
    "objectives",
    "key_results",
    "objective_links",
    "objective_assessments",
    "okr_reflections",
];

/// `total` items over `bins` bins, each bin at least one, the rest at random.
fn spread(rng: &mut ChaCha8Rng, total: usize, bins: usize) -> Vec<usize> {
    let mut counts = vec![1; bins];
    if bins == 0 {
        return counts;
    }
    for _ in bins..total {
        counts[rng.random_range(0..bins)] += 1;
    }
    counts
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.random_range(0..items.len())])
}

async fn max_id(db: &impl ConnectionTrait, table: &str) -> Result<i64, DomainError> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM {table}"),
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64>("", "m")?,
        None => 0,
    })
}

/// Collects rows and writes them [`ROWS_PER_STATEMENT`] at a time.
struct Writer<'a, C> {
    db: &'a C,
    table: &'static str,
    columns: &'static [&'static str],
    statement: InsertStatement,
    pending: usize,
    written: usize,
    planned: usize,
    reported: usize,
    progress: Progress<'a>,
}

impl<'a, C: ConnectionTrait> Writer<'a, C> {
    fn new(
        db: &'a C,
        table: &'static str,
        columns: &'static [&'static str],
        planned: usize,
        progress: Progress<'a>,
    ) -> Self {
        Self {
            db,
            table,
            columns,
            statement: Self::empty(table, columns),
            pending: 0,
            written: 0,
            planned,
            reported: 0,
            progress,
        }
    }

    fn empty(table: &'static str, columns: &'static [&'static str]) -> InsertStatement {
        Query::insert()
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)))
            .take()
    }

    async fn push(&mut self, row: Vec<Value>) -> Result<(), DomainError> {
        self.statement
            .values(row.into_iter().map(Expr::val))
            .map_err(|e| DomainError::Internal(e.into()))?;
        self.pending += 1;
        if self.pending >= ROWS_PER_STATEMENT {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), DomainError> {
        if self.pending == 0 {
            return Ok(());
        }
        let statement =
            std::mem::replace(&mut self.statement, Self::empty(self.table, self.columns));
        self.db.execute(&statement).await?;
        self.written += self.pending;
        self.pending = 0;
        // Report about every tenth of the table.
        if self.written - self.reported >= (self.planned / 10).max(ROWS_PER_STATEMENT) {
            self.reported = self.written;
            (self.progress)(self.table, self.written, self.planned.max(self.written));
        }
        Ok(())
    }

    async fn finish(mut self) -> Result<usize, DomainError> {
        self.flush().await?;
        (self.progress)(self.table, self.written, self.written);
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_divide_large() {
        let small = Scale::Small.sizes();
        assert_eq!(small.users, 100);
        assert_eq!(small.key_results, 5_000);
        assert_eq!(Scale::Medium.sizes().okrs, 4_000);
        assert_eq!(Scale::Large.sizes(), Sizes::LARGE);
    }

    #[test]
    fn spread_gives_every_bin_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let counts = spread(&mut rng, 100, 30);
        assert_eq!(counts.iter().sum::<usize>(), 100);
        assert!(counts.iter().all(|&c| c >= 1));
    }
}
