//! The benchmark dataset generator (`okrs seed --scale`), at a tiny scale.

use std::collections::HashSet;

use entity::prelude::*;
use okrs::fixtures::seed::{self, Sizes};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

backend_test! {
    async fn the_generator_writes_the_planned_rows_and_keeps_every_constraint(app) {
        let db = &app.db;
        let sizes = Sizes::LARGE.divided_by(1000);
        let summary = seed::seed(db, sizes, 7, &|_, _, _| {}).await.expect("seeded");

        assert_eq!(User::find().count(db).await.unwrap(), sizes.users as u64);
        assert_eq!(Group::find().count(db).await.unwrap(), sizes.groups as u64);
        assert_eq!(Cycle::find().count(db).await.unwrap(), 8);
        assert_eq!(Okr::find().count(db).await.unwrap(), sizes.okrs as u64);
        assert_eq!(Objective::find().count(db).await.unwrap(), sizes.objectives as u64);
        assert_eq!(KeyResult::find().count(db).await.unwrap(), sizes.key_results as u64);
        assert_eq!(ObjectiveLink::find().count(db).await.unwrap(), sizes.links as u64);
        assert_eq!(GroupMembership::find().count(db).await.unwrap(), summary.memberships as u64);
        assert!(summary.memberships >= sizes.users);
        assert!(summary.assessments >= 1 && summary.reflections >= 1);

        // The admin exists with the admin role.
        let admin = User::find_by_id(summary.admin_id.clone()).one(db).await.unwrap().expect("admin");
        assert_eq!(admin.user_name, seed::ADMIN_USER_NAME);
        assert!(okrs::domain::users::is_admin(&admin, "admin"));

        // Unique user names and slugs.
        let users = User::find().all(db).await.unwrap();
        let names: HashSet<_> = users.iter().map(|u| u.user_name.to_lowercase()).collect();
        let slugs: HashSet<_> = users.iter().map(|u| u.slug.clone()).collect();
        assert_eq!(names.len(), users.len());
        assert_eq!(slugs.len(), users.len());

        // One live OKR per owner and cycle, exactly one owner each.
        let okrs = Okr::find().all(db).await.unwrap();
        let mut owners = HashSet::new();
        for okr in okrs.iter().filter(|o| o.deleted_at.is_none()) {
            assert!(okr.user_id.is_some() != okr.group_id.is_some());
            assert!(owners.insert((okr.user_id.clone(), okr.group_id, okr.cycle_id)));
        }
        assert!(okrs.iter().any(|o| o.group_id.is_some()));

        // Links: no self links, live pairs unique.
        let links = ObjectiveLink::find().all(db).await.unwrap();
        let mut pairs = HashSet::new();
        for link in links.iter().filter(|l| l.deleted_at.is_none()) {
            assert_ne!(link.source_objective_id, link.linked_to_objective_id);
            assert!(pairs.insert((link.source_objective_id, link.linked_to_objective_id)));
        }

        // Scores in range; some cancelled, some deleted, some scored.
        let key_results = KeyResult::find().all(db).await.unwrap();
        assert!(key_results.iter().all(|k| (0..=1_000_000_000).contains(&k.mid_score_ppb)
            && (0..=1_000_000_000).contains(&k.final_score_ppb)));
        assert!(key_results.iter().any(|k| k.cancelled_at.is_some()));
        assert!(key_results.iter().any(|k| k.deleted_at.is_some()));
        assert!(key_results.iter().any(|k| k.mid_score_ppb > 0));

        // The admin owns an OKR in every cycle.
        let admin_okrs = Okr::find()
            .filter(entity::okr::Column::UserId.eq(summary.admin_id.clone()))
            .count(db)
            .await
            .unwrap();
        assert_eq!(admin_okrs, 8);

        // Loading the same dataset again conflicts and writes nothing.
        assert!(seed::seed(db, sizes, 7, &|_, _, _| {}).await.is_err());
        assert_eq!(User::find().count(db).await.unwrap(), sizes.users as u64);

        // New rows after the seeded ones still get fresh ids (sequences moved past them).
        let okr = okrs::domain::rows::objective(okrs[0].id, "after seeding");
        let inserted = sea_orm::ActiveModelTrait::insert(okr, db).await.expect("fresh id");
        assert!(inserted.id > sizes.objectives as i64);
    }
}
