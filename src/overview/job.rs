//! Running the overview once per scheduled time, across any number of replicas.
//!
//! For a scheduled instant T, every replica tries to insert the run row for T; the unique
//! `scheduled_for` lets exactly one succeed, and it holds a lease that it renews while it
//! works. A replica finding an expired lease on an unfinished run takes the run over. Each
//! recipient has a delivery row: it moves `pending → sending` in a conditional update before
//! the message is sent and `→ sent` after, so no two replicas send it. A `sending` row left by
//! a replica that died is never sent again (the message may have left; a duplicate is worse
//! than a gap) and is reported.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{overview_delivery, overview_run};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::config::Config;
use crate::domain::clock;
use crate::error::DomainError;
use crate::metrics::{Metrics, OverviewRun};
use crate::overview::mailer::{MailError, Mailer};
use crate::overview::plan::{self, Planned};
use crate::overview::render::render;

/// How long a claimed run stays claimed without renewal.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// What one attempt at a scheduled run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// This replica ran (or took over) the run.
    pub claimed: bool,
    /// Messages sent.
    pub sent: usize,
    /// Messages that failed after every retry.
    pub failed: usize,
    /// Messages left `sending` by a replica that stopped: not sent again.
    pub unknown: usize,
}

/// The overview job of one replica.
#[derive(Clone)]
pub struct OverviewJob {
    db: DatabaseConnection,
    mailer: Arc<Mailer>,
    base_url: String,
    replica: String,
    metrics: Option<Arc<Metrics>>,
}

/// The schedule's next instants, in UTC.
pub struct Schedule {
    cron: cron::Schedule,
    zone: Tz,
}

/// Why the schedule could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Not a cron expression.
    #[error("OVERVIEW_SCHEDULE is not a cron expression (sec min hour day month weekday): {0}")]
    Cron(String),
    /// Not an IANA time zone.
    #[error("OVERVIEW_TIMEZONE is not a time zone: {0}")]
    Zone(String),
}

impl Schedule {
    /// The configured schedule.
    pub fn from_config(config: &Config) -> Result<Self, ScheduleError> {
        let cron = cron::Schedule::from_str(&config.overview_schedule)
            .map_err(|e| ScheduleError::Cron(e.to_string()))?;
        let zone = Tz::from_str(&config.overview_timezone)
            .map_err(|_| ScheduleError::Zone(config.overview_timezone.clone()))?;
        Ok(Self { cron, zone })
    }

    /// The next scheduled instant after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .after(&now.with_timezone(&self.zone))
            .next()
            .map(|t| t.with_timezone(&Utc))
    }
}

impl OverviewJob {
    /// A job sending through `mailer`, identified as `replica` in leases.
    pub fn new(db: DatabaseConnection, mailer: Mailer, base_url: &str, replica: &str) -> Self {
        Self {
            db,
            mailer: Arc::new(mailer),
            base_url: base_url.to_owned(),
            replica: replica.to_owned(),
            metrics: None,
        }
    }

    /// The same job, counting its runs and deliveries in `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Waits for each scheduled instant and runs it, forever.
    pub async fn run_forever(self, schedule: Schedule) {
        loop {
            let Some(next) = schedule.next_after(Utc::now()) else {
                tracing::warn!("the overview schedule has no future instant; the job stops");
                return;
            };
            let wait = (next - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            tracing::info!(%next, "next weekly overview");
            tokio::time::sleep(wait).await;
            match self.run_scheduled(next).await {
                Ok(outcome) => tracing::info!(?outcome, %next, "weekly overview run"),
                Err(err) => {
                    tracing::error!(error = %crate::error::error_chain(&err), %next, "weekly overview failed")
                }
            }
        }
    }

    /// Runs the overview for the scheduled instant `scheduled_for`, unless another replica
    /// runs or ran it; safe to call from any number of replicas at once.
    pub async fn run_scheduled(
        &self,
        scheduled_for: DateTime<Utc>,
    ) -> Result<Outcome, DomainError> {
        let result = self.run(scheduled_for).await;
        if let Some(metrics) = &self.metrics {
            metrics.overview_run(match &result {
                Ok(outcome) if outcome.claimed => OverviewRun::Ran {
                    sent: outcome.sent as u64,
                    failed: outcome.failed as u64,
                    unknown: outcome.unknown as u64,
                },
                Ok(_) => OverviewRun::Skipped,
                Err(_) => OverviewRun::Failed,
            });
        }
        result
    }

    async fn run(&self, scheduled_for: DateTime<Utc>) -> Result<Outcome, DomainError> {
        let Some(run_id) = self.claim(scheduled_for).await? else {
            return Ok(Outcome::default());
        };
        let planned = plan::plan(&self.db, clock::now()).await?;
        self.record_pending(run_id, &planned).await?;
        let mut outcome = Outcome {
            claimed: true,
            ..Outcome::default()
        };
        let deliveries = overview_delivery::Entity::find()
            .filter(overview_delivery::Column::RunId.eq(run_id))
            .order_by_asc(overview_delivery::Column::Id)
            .all(&self.db)
            .await?;
        for delivery in deliveries {
            match delivery.status.as_str() {
                "pending" => {}
                "sending" => {
                    outcome.unknown += 1;
                    continue;
                }
                _ => continue,
            }
            let Some(message) = planned
                .iter()
                .find(|p| p.recipient.user_id == delivery.user_id)
            else {
                continue;
            };
            self.renew(run_id).await?;
            if !self.start_sending(delivery.id).await? {
                continue;
            }
            let message_id = format!("<overview-{run_id}-{}@okrs>", delivery.user_id);
            let rendered = render(message, &self.base_url);
            let result = self
                .mailer
                .send(&message.recipient.address, &rendered, &message_id)
                .await;
            self.finish(delivery.id, &result).await?;
            match result {
                Ok(_) => outcome.sent += 1,
                Err(_) => outcome.failed += 1,
            }
        }
        overview_run::Entity::update_many()
            .col_expr(overview_run::Column::CompletedAt, Expr::val(clock::now()))
            .filter(overview_run::Column::Id.eq(run_id))
            .exec(&self.db)
            .await?;
        Ok(outcome)
    }

    /// Creates the run for `scheduled_for`, or takes over an unfinished one whose lease
    /// expired; `None` when another replica holds or finished it.
    async fn claim(&self, scheduled_for: DateTime<Utc>) -> Result<Option<i64>, DomainError> {
        let now = clock::now();
        let insert = Query::insert()
            .into_table(overview_run::Entity)
            .columns([
                overview_run::Column::ScheduledFor,
                overview_run::Column::ClaimedBy,
                overview_run::Column::LeaseExpiresAt,
                overview_run::Column::InsertedAt,
            ])
            .values([
                scheduled_for.into(),
                self.replica.clone().into(),
                (now + LEASE).into(),
                now.into(),
            ])
            .map_err(|e| DomainError::Internal(e.into()))?
            .on_conflict(
                OnConflict::column(overview_run::Column::ScheduledFor)
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        let inserted = self.db.execute(&insert).await?.rows_affected() == 1;
        if !inserted {
            let taken = overview_run::Entity::update_many()
                .col_expr(
                    overview_run::Column::ClaimedBy,
                    Expr::val(self.replica.clone()),
                )
                .col_expr(overview_run::Column::LeaseExpiresAt, Expr::val(now + LEASE))
                .filter(overview_run::Column::ScheduledFor.eq(scheduled_for))
                .filter(overview_run::Column::CompletedAt.is_null())
                .filter(overview_run::Column::LeaseExpiresAt.lt(now))
                .exec(&self.db)
                .await?;
            if taken.rows_affected != 1 {
                return Ok(None);
            }
            tracing::warn!(%scheduled_for, "took over an abandoned overview run");
        }
        let run = overview_run::Entity::find()
            .filter(overview_run::Column::ScheduledFor.eq(scheduled_for))
            .one(&self.db)
            .await?;
        Ok(run.map(|run| run.id))
    }

    async fn record_pending(&self, run_id: i64, planned: &[Planned]) -> Result<(), DomainError> {
        let now = clock::now();
        for message in planned {
            let insert = Query::insert()
                .into_table(overview_delivery::Entity)
                .columns([
                    overview_delivery::Column::RunId,
                    overview_delivery::Column::UserId,
                    overview_delivery::Column::Status,
                    overview_delivery::Column::Recipient,
                    overview_delivery::Column::UpdatedAt,
                ])
                .values([
                    run_id.into(),
                    message.recipient.user_id.clone().into(),
                    "pending".into(),
                    message.recipient.address.clone().into(),
                    now.into(),
                ])
                .map_err(|e| DomainError::Internal(e.into()))?
                .on_conflict(
                    OnConflict::columns([
                        overview_delivery::Column::RunId,
                        overview_delivery::Column::UserId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .to_owned();
            if let Err(err) = self.db.execute(&insert).await {
                // One recipient the table cannot hold must not stop the run for the others.
                let user_id = &message.recipient.user_id;
                tracing::warn!(%user_id, error = %err, "overview: skipped a recipient that could not be recorded");
            }
        }
        Ok(())
    }

    async fn renew(&self, run_id: i64) -> Result<(), DomainError> {
        overview_run::Entity::update_many()
            .col_expr(
                overview_run::Column::LeaseExpiresAt,
                Expr::val(clock::now() + LEASE),
            )
            .filter(overview_run::Column::Id.eq(run_id))
            .filter(overview_run::Column::ClaimedBy.eq(self.replica.clone()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Moves a delivery from `pending` to `sending`; false if someone else moved it first.
    async fn start_sending(&self, delivery_id: i64) -> Result<bool, DomainError> {
        let updated = overview_delivery::Entity::update_many()
            .col_expr(overview_delivery::Column::Status, Expr::val("sending"))
            .col_expr(
                overview_delivery::Column::UpdatedAt,
                Expr::val(clock::now()),
            )
            .filter(overview_delivery::Column::Id.eq(delivery_id))
            .filter(overview_delivery::Column::Status.eq("pending"))
            .exec(&self.db)
            .await?;
        Ok(updated.rows_affected == 1)
    }

    async fn finish(
        &self,
        delivery_id: i64,
        result: &Result<u32, MailError>,
    ) -> Result<(), DomainError> {
        let now = clock::now();
        let (status, attempts, error, sent_at) = match result {
            Ok(attempts) => ("sent", *attempts, None, Some(now)),
            Err(err) => (
                "failed",
                crate::overview::mailer::ATTEMPTS,
                Some(err.to_string()),
                None,
            ),
        };
        overview_delivery::Entity::update_many()
            .col_expr(overview_delivery::Column::Status, Expr::val(status))
            .col_expr(
                overview_delivery::Column::Attempts,
                Expr::val(attempts as i32),
            )
            .col_expr(overview_delivery::Column::Error, Expr::val(error))
            .col_expr(overview_delivery::Column::SentAt, Expr::val(sent_at))
            .col_expr(overview_delivery::Column::UpdatedAt, Expr::val(now))
            .filter(overview_delivery::Column::Id.eq(delivery_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schedule_is_monday_eight_in_new_york() {
        let schedule = Schedule::from_config(&Config::default()).unwrap();
        let sunday = DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        // 08:00 EST is 13:00 UTC.
        assert_eq!(
            schedule.next_after(sunday).unwrap().to_rfc3339(),
            "2026-11-23T13:00:00+00:00"
        );
    }

    #[test]
    fn bad_schedules_and_zones_are_refused() {
        let bad_cron = Config {
            overview_schedule: "every monday".to_owned(),
            ..Config::default()
        };
        assert!(Schedule::from_config(&bad_cron).is_err());
        let bad_zone = Config {
            overview_timezone: "Mars/Olympus".to_owned(),
            ..Config::default()
        };
        assert!(Schedule::from_config(&bad_zone).is_err());
    }
}
