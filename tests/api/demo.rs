//! The demo dataset.

use entity::prelude::*;
use okrs::config::SeedDemo;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

backend_test! {
    async fn the_demo_dataset_covers_every_table(app) {
        let demo = app.with_config(|c| c.seed_demo = SeedDemo::Always).await;
        let db = &demo.db;
        assert_eq!(User::find().count(db).await.unwrap(), 6);
        assert_eq!(Group::find().count(db).await.unwrap(), 2);
        assert_eq!(GroupMembership::find().count(db).await.unwrap(), 6);
        let now = chrono::Utc::now();
        let cycles = Cycle::find().all(db).await.unwrap();
        assert!(cycles.iter().any(|c| c.ends_at < now), "a past cycle");
        assert!(cycles.iter().any(|c| c.starts_at <= now && now <= c.ends_at), "a current cycle");
        assert!(cycles.iter().any(|c| c.starts_at > now), "a future cycle");
        let group_owned = Okr::find().filter(entity::okr::Column::GroupId.is_not_null()).count(db).await.unwrap();
        let user_owned = Okr::find().filter(entity::okr::Column::UserId.is_not_null()).count(db).await.unwrap();
        assert!(group_owned >= 1 && user_owned >= 1);
        assert!(Objective::find().count(db).await.unwrap() >= 5);
        let cancelled = KeyResult::find().filter(entity::key_result::Column::CancelledAt.is_not_null()).count(db).await.unwrap();
        let scored = KeyResult::find().filter(entity::key_result::Column::MidScorePpb.gt(0)).count(db).await.unwrap();
        assert!(cancelled >= 1 && scored >= 5);
        assert!(ObjectiveLink::find().count(db).await.unwrap() >= 2);
        assert_eq!(ObjectiveAssessment::find().count(db).await.unwrap(), 1);
        assert_eq!(OkrReflection::find().count(db).await.unwrap(), 1);

        // A second start does not seed again.
        let again = demo.with_config(|c| c.seed_demo = SeedDemo::Always).await;
        assert_eq!(User::find().count(&again.db).await.unwrap(), 6);
    }
}

backend_test! {
    async fn auto_seeding_applies_to_the_embedded_sqlite_default_only(app) {
        let auto = app.with_config(|c| c.seed_demo = SeedDemo::Auto).await;
        let users = User::find().count(&auto.db).await.unwrap();
        match auto.backend {
            crate::helpers::Backend::Sqlite => assert_eq!(users, 6),
            crate::helpers::Backend::Postgres => assert_eq!(users, 0),
        }
    }
}
