//! Fresh rows: for each table, an `ActiveModel` for a new, live row with `version` 1 and both
//! timestamps set to now. Contexts (and test factories) adjust it and insert it. Columns left
//! out (`deleted_at`, `cancelled_at`, ids) are not sent, so the database stores its default.

use chrono::{DateTime, Utc};
use entity::{
    cycle, group, group_membership, key_result, objective, objective_assessment, objective_link,
    okr, okr_reflection,
};
use sea_orm::ActiveValue::Set;

use crate::domain::clock;

/// `Model { field: value, … }` with every value wrapped in `Set`, plus `version: 1` and
/// `inserted_at`/`updated_at` set to now.
macro_rules! fresh_row {
    ($model:path { $($field:ident: $value:expr),* $(,)? }) => {{
        let now = clock::now();
        $model {
            $($field: Set($value),)*
            version: Set(1),
            inserted_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }};
}

/// A new group.
pub fn group(name: &str, slug: String, pinned: bool) -> group::ActiveModel {
    fresh_row!(group::ActiveModel {
        name: name.to_owned(),
        slug: slug,
        pinned: pinned
    })
}

/// A new membership.
pub fn membership(group_id: i64, user_id: &str) -> group_membership::ActiveModel {
    fresh_row!(group_membership::ActiveModel {
        group_id: group_id,
        user_id: user_id.to_owned()
    })
}

/// A new cycle.
pub fn cycle(
    title: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    created_by_id: &str,
) -> cycle::ActiveModel {
    fresh_row!(cycle::ActiveModel {
        title: title.to_owned(),
        starts_at: starts_at,
        ends_at: ends_at,
        created_by_id: created_by_id.to_owned(),
    })
}

/// A new OKR; exactly one owner is expected (the database checks it).
pub fn okr(cycle_id: i64, user_id: Option<&str>, group_id: Option<i64>) -> okr::ActiveModel {
    fresh_row!(okr::ActiveModel {
        cycle_id: cycle_id,
        user_id: user_id.map(str::to_owned),
        group_id: group_id,
    })
}

/// A new, uncancelled objective.
pub fn objective(okr_id: i64, content: &str) -> objective::ActiveModel {
    fresh_row!(objective::ActiveModel {
        okr_id: okr_id,
        content: content.to_owned()
    })
}

/// A new, uncancelled key result with scores in parts per billion.
pub fn key_result(
    objective_id: i64,
    content: &str,
    mid_score_ppb: i64,
    final_score_ppb: i64,
) -> key_result::ActiveModel {
    fresh_row!(key_result::ActiveModel {
        objective_id: objective_id,
        content: content.to_owned(),
        mid_score_ppb: mid_score_ppb,
        final_score_ppb: final_score_ppb,
    })
}

/// A new link: `source` contributes to `target`.
pub fn objective_link(source: i64, target: i64) -> objective_link::ActiveModel {
    fresh_row!(objective_link::ActiveModel {
        source_objective_id: source,
        linked_to_objective_id: target,
    })
}

/// A new assessment of an objective.
pub fn objective_assessment(objective_id: i64, text: &str) -> objective_assessment::ActiveModel {
    fresh_row!(objective_assessment::ActiveModel {
        objective_id: objective_id,
        assessment: text.to_owned(),
    })
}

/// A new reflection on an OKR.
pub fn okr_reflection(okr_id: i64, text: &str) -> okr_reflection::ActiveModel {
    fresh_row!(okr_reflection::ActiveModel {
        okr_id: okr_id,
        reflection: text.to_owned()
    })
}
