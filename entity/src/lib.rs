//! SeaORM entities, one module per table, matching the `migration` crate exactly. Each
//! declares its relations (`belongs_to`, `has_one`, `has_many`, `has_many, via`), named with
//! `relation_enum` as the catalog (`okrs::catalog`) names them; the catalog fails to compile
//! when it declares a relation its entity lacks.
//!
//! Written by hand (not generated): the integration tests run the real migrations and then
//! read and write through these entities, so any drift between the two fails a test.
//! Scores are integer parts per billion (`*_score_ppb`); see [`SCORE_SCALE`].

pub mod analytics_event;
pub mod cycle;
pub mod group;
pub mod group_membership;
pub mod key_result;
pub mod key_result_check_in;
pub mod objective;
pub mod objective_assessment;
pub mod objective_link;
pub mod okr;
pub mod okr_reflection;
pub mod overview_delivery;
pub mod overview_run;
pub mod prelude;
pub mod user;

/// Scores are stored as integers: the score multiplied by this scale (1.0 = 1_000_000_000).
pub const SCORE_SCALE: i64 = 1_000_000_000;
