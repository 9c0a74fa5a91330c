//! The current time, as the database stores it.

use chrono::{DateTime, SubsecRound, Utc};

/// Now, in UTC, truncated to microseconds: PostgreSQL keeps microseconds, so a value
/// written and read back compares equal on every engine.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
