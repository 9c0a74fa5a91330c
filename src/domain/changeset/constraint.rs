//! Database rule violations that slip past validation (two requests racing) become the same
//! field errors validation would have given: the rule is recognised by its name on
//! PostgreSQL and by its `table.column` list on SQLite, which does not report index names.

use sea_orm::{DbErr, SqlErr};

use crate::error::DomainError;
use crate::error::{Code, UserError};

/// A unique rule of the migrations and the input field it belongs to.
struct UniqueRule {
    name: &'static str,
    sqlite_columns: &'static str,
    field: &'static str,
}

const UNIQUE_RULES: &[UniqueRule] = &[
    UniqueRule {
        name: "okrs_user_id_cycle_id_key",
        sqlite_columns: "okrs.user_id, okrs.cycle_id",
        field: "cycleId",
    },
    UniqueRule {
        name: "okrs_group_id_cycle_id_key",
        sqlite_columns: "okrs.group_id, okrs.cycle_id",
        field: "cycleId",
    },
    UniqueRule {
        name: "objective_assessments_objective_id_key",
        sqlite_columns: "objective_assessments.objective_id",
        field: "objectiveId",
    },
    UniqueRule {
        name: "okr_reflections_okr_id_key",
        sqlite_columns: "okr_reflections.okr_id",
        field: "okrId",
    },
    UniqueRule {
        name: "group_memberships_group_id_user_id_key",
        sqlite_columns: "group_memberships.group_id, group_memberships.user_id",
        field: "userId",
    },
    UniqueRule {
        name: "objective_links_pair_key",
        sqlite_columns: "objective_links.source_objective_id, objective_links.linked_to_objective_id",
        field: "linkedToObjectiveId",
    },
    UniqueRule {
        name: "groups_slug_key",
        sqlite_columns: "groups.slug",
        field: "name",
    },
];

/// Maps a failed write: a known unique rule is `AlreadyExists` on its field, a foreign key
/// is `NotFound` on `parent_field` (the row it names vanished meanwhile); anything else stays
/// a database error.
pub fn on_constraint(parent_field: &'static str) -> impl Fn(DbErr) -> DomainError {
    move |err| match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(message)) => {
            match UNIQUE_RULES.iter().find(|rule| matches(rule, &message)) {
                Some(rule) => DomainError::User(vec![UserError::new(
                    &[rule.field],
                    Code::AlreadyExists,
                    "already exists",
                )]),
                None => DomainError::Conflict {
                    constraint: message,
                },
            }
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => DomainError::User(vec![UserError::new(
            &[parent_field],
            Code::NotFound,
            "does not exist",
        )]),
        _ => DomainError::Database(err),
    }
}

fn matches(rule: &UniqueRule, message: &str) -> bool {
    message.contains(&format!("\"{}\"", rule.name))
        || message
            .strip_prefix("UNIQUE constraint failed: ")
            .is_some_and(|columns| columns.trim() == rule.sqlite_columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_recognised_on_both_engines() {
        let pg = r#"duplicate key value violates unique constraint "okr_reflections_okr_id_key""#;
        let sqlite = "UNIQUE constraint failed: okr_reflections.okr_id";
        let rule = &UNIQUE_RULES[3];
        assert!(matches(rule, pg));
        assert!(matches(rule, sqlite));
        assert!(!matches(&UNIQUE_RULES[2], sqlite));
    }
}
