//! Every CHECK and unique rule of the migrations fires, identically, on SQLite and PostgreSQL.

use entity::SCORE_SCALE;
use sea_orm::{DbErr, SqlErr};

use crate::factories as f;

fn is_unique_violation(result: Result<impl std::fmt::Debug, DbErr>) -> bool {
    matches!(
        result.map_err(|e| e.sql_err()),
        Err(Some(SqlErr::UniqueConstraintViolation(_)))
    )
}

fn is_foreign_key_violation(result: Result<impl std::fmt::Debug, DbErr>) -> bool {
    matches!(
        result.map_err(|e| e.sql_err()),
        Err(Some(SqlErr::ForeignKeyConstraintViolation(_)))
    )
}

fn violates_check(result: Result<impl std::fmt::Debug, DbErr>, name: &str) -> bool {
    result.is_err_and(|e| e.to_string().contains(name))
}

backend_test! {
    async fn user_names_are_unique_regardless_of_case(app) {
        f::raw_user(&app.db, "Jane@Example.com", "jane", None).await.unwrap();
        assert!(is_unique_violation(f::raw_user(&app.db, "jane@example.COM", "jane-2", None).await));
        f::raw_user(&app.db, "other@example.com", "other", None).await.unwrap();
    }
}

backend_test! {
    async fn slugs_and_external_ids_are_unique(app) {
        f::raw_user(&app.db, "a@example.com", "same", Some("ext-1")).await.unwrap();
        assert!(is_unique_violation(f::raw_user(&app.db, "b@example.com", "same", None).await));
        assert!(is_unique_violation(f::raw_user(&app.db, "c@example.com", "c", Some("ext-1")).await));
        // Any number of users may have no external id.
        f::raw_user(&app.db, "d@example.com", "d", None).await.unwrap();
        f::raw_user(&app.db, "e@example.com", "e", None).await.unwrap();
        f::raw_group(&app.db, "team").await.unwrap();
        assert!(is_unique_violation(f::raw_group(&app.db, "team").await));
    }
}

backend_test! {
    async fn one_live_membership_per_group_and_user(app) {
        let user = f::user(&app.db).await;
        let group = f::group(&app.db).await;
        f::membership(&app.db, group.id, &user.id, true).await.unwrap();
        f::membership(&app.db, group.id, &user.id, false).await.unwrap();
        assert!(is_unique_violation(f::membership(&app.db, group.id, &user.id, false).await));
    }
}

backend_test! {
    async fn cycles_must_end_after_they_start(app) {
        let user = f::user(&app.db).await;
        assert!(violates_check(f::cycle_between(&app.db, &user.id, 5, 5).await, "cycles_ends_after_starts"));
        assert!(violates_check(f::cycle_between(&app.db, &user.id, 5, 1).await, "cycles_ends_after_starts"));
        f::cycle_between(&app.db, &user.id, 1, 5).await.unwrap();
    }
}

backend_test! {
    async fn an_okr_has_exactly_one_owner(app) {
        let user = f::user(&app.db).await;
        let group = f::group(&app.db).await;
        let cycle = f::cycle(&app.db, &user.id).await;
        assert!(violates_check(f::okr(&app.db, cycle.id, Some(&user.id), Some(group.id), false).await, "okrs_exactly_one_owner"));
        assert!(violates_check(f::okr(&app.db, cycle.id, None, None, false).await, "okrs_exactly_one_owner"));
        f::okr(&app.db, cycle.id, Some(&user.id), None, false).await.unwrap();
        f::okr(&app.db, cycle.id, None, Some(group.id), false).await.unwrap();
    }
}

backend_test! {
    async fn one_live_okr_per_owner_and_cycle(app) {
        let user = f::user(&app.db).await;
        let group = f::group(&app.db).await;
        let cycle = f::cycle(&app.db, &user.id).await;
        let other_cycle = f::cycle(&app.db, &user.id).await;
        f::okr(&app.db, cycle.id, Some(&user.id), None, true).await.unwrap();
        f::okr(&app.db, cycle.id, Some(&user.id), None, false).await.unwrap();
        assert!(is_unique_violation(f::okr(&app.db, cycle.id, Some(&user.id), None, false).await));
        f::okr(&app.db, other_cycle.id, Some(&user.id), None, false).await.unwrap();
        f::okr(&app.db, cycle.id, None, Some(group.id), false).await.unwrap();
        assert!(is_unique_violation(f::okr(&app.db, cycle.id, None, Some(group.id), false).await));
    }
}

backend_test! {
    async fn scores_stay_between_zero_and_one(app) {
        let user = f::user(&app.db).await;
        let cycle = f::cycle(&app.db, &user.id).await;
        let okr = f::okr(&app.db, cycle.id, Some(&user.id), None, false).await.unwrap();
        let objective = f::objective(&app.db, okr.id).await.unwrap();
        f::key_result(&app.db, objective.id, 0, SCORE_SCALE).await.unwrap();
        assert!(violates_check(f::key_result(&app.db, objective.id, -1, 0).await, "key_results_mid_score_in_range"));
        assert!(violates_check(f::key_result(&app.db, objective.id, SCORE_SCALE + 1, 0).await, "key_results_mid_score_in_range"));
        assert!(violates_check(f::key_result(&app.db, objective.id, 0, -1).await, "key_results_final_score_in_range"));
        assert!(violates_check(f::key_result(&app.db, objective.id, 0, SCORE_SCALE + 1).await, "key_results_final_score_in_range"));
    }
}

backend_test! {
    async fn links_are_never_self_links_and_live_pairs_are_unique(app) {
        let user = f::user(&app.db).await;
        let cycle = f::cycle(&app.db, &user.id).await;
        let okr = f::okr(&app.db, cycle.id, Some(&user.id), None, false).await.unwrap();
        let a = f::objective(&app.db, okr.id).await.unwrap();
        let b = f::objective(&app.db, okr.id).await.unwrap();
        assert!(violates_check(f::link(&app.db, a.id, a.id, false).await, "objective_links_not_self"));
        f::link(&app.db, a.id, b.id, true).await.unwrap();
        f::link(&app.db, a.id, b.id, false).await.unwrap();
        assert!(is_unique_violation(f::link(&app.db, a.id, b.id, false).await));
        // The opposite direction is a different pair as far as the schema goes.
        f::link(&app.db, b.id, a.id, false).await.unwrap();
    }
}

backend_test! {
    async fn one_live_assessment_per_objective_and_reflection_per_okr(app) {
        let user = f::user(&app.db).await;
        let cycle = f::cycle(&app.db, &user.id).await;
        let okr = f::okr(&app.db, cycle.id, Some(&user.id), None, false).await.unwrap();
        let objective = f::objective(&app.db, okr.id).await.unwrap();
        f::assessment(&app.db, objective.id, true).await.unwrap();
        f::assessment(&app.db, objective.id, false).await.unwrap();
        assert!(is_unique_violation(f::assessment(&app.db, objective.id, false).await));
        f::reflection(&app.db, okr.id, true).await.unwrap();
        f::reflection(&app.db, okr.id, false).await.unwrap();
        assert!(is_unique_violation(f::reflection(&app.db, okr.id, false).await));
    }
}

backend_test! {
    async fn analytics_events_carry_an_owner_exactly_for_okr_views(app) {
        let user = f::user(&app.db).await;
        f::event(&app.db, "user_load", &user.id, None).await.unwrap();
        f::event(&app.db, "okr_view", &user.id, Some(("group", "7"))).await.unwrap();
        assert!(violates_check(f::event(&app.db, "okr_view", &user.id, None).await, "analytics_events_owner_matches_kind"));
        assert!(violates_check(f::event(&app.db, "user_load", &user.id, Some(("user", "x"))).await, "analytics_events_owner_matches_kind"));
        assert!(violates_check(f::event(&app.db, "okr_view", &user.id, Some(("team", "x"))).await, "analytics_events_owner_matches_kind"));
        assert!(violates_check(f::event(&app.db, "page_view", &user.id, None).await, "analytics_events_known_kind"));
    }
}

backend_test! {
    async fn foreign_keys_are_enforced(app) {
        let user = f::user(&app.db).await;
        assert!(is_foreign_key_violation(f::cycle_between(&app.db, "no-such-user", 0, 5).await));
        let cycle = f::cycle(&app.db, &user.id).await;
        assert!(is_foreign_key_violation(f::okr(&app.db, 999_999, Some(&user.id), None, false).await));
        assert!(is_foreign_key_violation(f::okr(&app.db, cycle.id, Some("nobody"), None, false).await));
        assert!(is_foreign_key_violation(f::objective(&app.db, 999_999).await));
        assert!(is_foreign_key_violation(f::key_result(&app.db, 999_999, 0, 0).await));
        assert!(is_foreign_key_violation(f::membership(&app.db, 999_999, &user.id, false).await));
    }
}
