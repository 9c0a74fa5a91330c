//! Usage report types.

use async_graphql::SimpleObject;

use crate::domain::analytics;

/// Who uses the app.
#[derive(SimpleObject)]
pub struct ActiveUserStats {
    /// Active users owning an OKR in a running cycle with at least one live objective
    /// (cancelled objectives count; group-owned OKRs do not).
    pub users_with_active_objectives_count: i64,
    /// Active users.
    pub total_active_user_count: i64,
    /// Active users who opened the app (`recordAppLoad`) in the last seven days.
    pub unique_user_count_7_days: i64,
}

impl From<analytics::ActiveUserStats> for ActiveUserStats {
    fn from(stats: analytics::ActiveUserStats) -> Self {
        Self {
            users_with_active_objectives_count: stats.users_with_active_objectives,
            total_active_user_count: stats.total_active_users,
            unique_user_count_7_days: stats.unique_users_7_days,
        }
    }
}

/// Views of one owner's OKR page (`recordOkrView`) in the last 30 days.
#[derive(SimpleObject)]
pub struct OkrViewStats {
    /// Distinct viewers.
    pub distinct_okr_views_30_days: i64,
    /// Views.
    pub total_okr_views_30_days: i64,
}

impl From<analytics::OkrViewStats> for OkrViewStats {
    fn from(stats: analytics::OkrViewStats) -> Self {
        Self {
            distinct_okr_views_30_days: stats.distinct_viewers,
            total_okr_views_30_days: stats.views,
        }
    }
}
