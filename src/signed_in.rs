//! Signed-in users, kept for a moment.
//!
//! Every authenticated request needs its user's row (is the user active, which roles), and
//! reading it was one of the few statements of most requests. A replica keeps each row it
//! read for `SIGNED_IN_USER_TTL_MS` (one second by default) and reuses it for that user's
//! next requests. Only users who may sign in are kept, so a refusal is never reused. A
//! change through this replica's SCIM endpoint forgets the user at once; one made through
//! another replica, or in the database directly, is seen within the time to live.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use entity::user;

/// The most users kept; past it, expired entries go, and then all of them.
const CAPACITY: usize = 10_000;

/// Users who signed in recently, by id, with when each was read.
#[derive(Debug)]
pub struct SignedInUsers {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, Arc<user::Model>)>>,
}

impl SignedInUsers {
    /// Keeps users for `ttl`; a zero `ttl` keeps none.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The user `user_id`, when it was read less than the time to live ago.
    pub fn get(&self, user_id: &str) -> Option<Arc<user::Model>> {
        self.get_at(user_id, Instant::now())
    }

    /// Keeps `user`, just read from the database.
    pub fn keep(&self, user: &Arc<user::Model>) {
        self.keep_at(user, Instant::now());
    }

    /// Forgets `user_id` (it was just changed).
    pub fn forget(&self, user_id: &str) {
        self.lock().remove(user_id);
    }

    fn get_at(&self, user_id: &str, now: Instant) -> Option<Arc<user::Model>> {
        let entries = self.lock();
        let (read_at, user) = entries.get(user_id)?;
        (now.saturating_duration_since(*read_at) < self.ttl).then(|| user.clone())
    }

    fn keep_at(&self, user: &Arc<user::Model>, now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            let ttl = self.ttl;
            entries.retain(|_, (read_at, _)| now.saturating_duration_since(*read_at) < ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(user.id.clone(), (now, user.clone()));
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, (Instant, Arc<user::Model>)>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> Arc<user::Model> {
        Arc::new(user::Model {
            id: id.to_owned(),
            external_id: None,
            user_name: format!("{id}@example.com"),
            slug: id.to_owned(),
            active: true,
            given_name: None,
            family_name: None,
            middle_name: None,
            display_name: None,
            formatted_name: None,
            emails: serde_json::json!([]),
            roles: serde_json::json!([]),
            manager_id: None,
            manager_display_name: None,
            department: None,
            deprovisioned_at: None,
            version: 1,
            inserted_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        })
    }

    #[test]
    fn a_user_is_reused_for_the_time_to_live_only() {
        let users = SignedInUsers::new(Duration::from_secs(1));
        let start = Instant::now();
        users.keep_at(&user("a"), start);
        assert!(
            users
                .get_at("a", start + Duration::from_millis(999))
                .is_some()
        );
        assert!(users.get_at("a", start + Duration::from_secs(1)).is_none());
        assert!(users.get_at("b", start).is_none());
    }

    #[test]
    fn a_forgotten_user_is_read_again() {
        let users = SignedInUsers::new(Duration::from_secs(60));
        users.keep(&user("a"));
        users.forget("a");
        assert!(users.get("a").is_none());
    }

    #[test]
    fn a_zero_time_to_live_keeps_nobody() {
        let users = SignedInUsers::new(Duration::ZERO);
        users.keep(&user("a"));
        assert!(users.get("a").is_none());
    }

    #[test]
    fn the_number_of_users_kept_is_bounded() {
        let users = SignedInUsers::new(Duration::from_secs(60));
        for i in 0..CAPACITY + 5 {
            users.keep(&user(&i.to_string()));
        }
        assert!(users.lock().len() <= CAPACITY);
    }
}
