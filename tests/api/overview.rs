//! The weekly overview e-mail, sent to a real SMTP server, once per scheduled time.

use chrono::{Duration, Utc};
use entity::SCORE_SCALE;
use okrs::config::SmtpTls;
use okrs::domain::users::{self, Email, NewUser};
use okrs::overview::job::OverviewJob;
use okrs::overview::mailer::Mailer;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

use crate::factories as f;
use crate::helpers::TestApp;
use crate::smtp_sink::{self, Received};

async fn person(db: &DatabaseConnection, given: &str, email: Option<&str>) -> entity::user::Model {
    let n = f::unique();
    users::create(
        db,
        NewUser {
            user_name: format!("{given}{n}@example.com"),
            given_name: Some(given.to_owned()),
            family_name: Some(format!("Mailer{n}")),
            emails: email
                .map(|e| {
                    vec![Email {
                        value: e.to_owned(),
                        kind: Some("work".to_owned()),
                        primary: true,
                    }]
                })
                .unwrap_or_default(),
            ..NewUser::default()
        },
    )
    .await
    .unwrap()
}

/// Ann owns an OKR in cycle Q; Bob's group owns one in cycle R; Cy has nothing; Dee has no
/// address; Eve is inactive. Returns the two running cycles' titles.
async fn scenario(app: &TestApp) -> (String, String) {
    let db = &app.db;
    let ann = person(db, "Ann", Some("ann@example.com")).await;
    let bob = person(db, "Bob", Some("bob@example.com")).await;
    person(db, "Cy", Some("cy@example.com")).await;
    person(db, "Dee", None).await;
    let eve = person(db, "Eve", Some("eve@example.com")).await;
    f::set_active(db, &eve, false).await;
    let q = f::cycle_between(db, &ann.id, -5, 30).await.unwrap();
    let r = f::cycle_between(db, &ann.id, -2, 60).await.unwrap();
    f::cycle_between(db, &ann.id, -90, -40).await.unwrap();
    let own = f::okr(db, q.id, Some(&ann.id), None, false).await.unwrap();
    let ship = f::objective_with(db, own.id, "Ship the <new> onboarding", None, false).await;
    let activation = f::key_result_with(
        db,
        ship.id,
        "Activation at 40%",
        [SCORE_SCALE / 4, 0],
        None,
        false,
    )
    .await;
    f::key_result_with(
        db,
        ship.id,
        "Docs rewritten",
        [3 * SCORE_SCALE / 4, 0],
        None,
        false,
    )
    .await;
    // Checked in three days ago; a later check-in was deleted and does not count.
    for (age, deleted) in [
        (Duration::days(3) + Duration::hours(1), false),
        (Duration::hours(1), true),
    ] {
        let at = Utc::now() - age;
        entity::key_result_check_in::ActiveModel {
            key_result_id: Set(activation.id),
            author_id: Set(ann.id.clone()),
            mid_score_ppb: Set(SCORE_SCALE / 4),
            final_score_ppb: Set(0),
            note: Set(None),
            deleted_at: Set(deleted.then_some(at)),
            version: Set(1),
            inserted_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    f::objective_with(db, own.id, "Old idea", Some(Utc::now()), false).await;
    let team = f::group(db).await;
    f::membership(db, team.id, &bob.id, false).await.unwrap();
    let theirs = f::okr(db, r.id, None, Some(team.id), false).await.unwrap();
    f::objective_with(db, theirs.id, "Halve page load time", None, false).await;
    (q.title, r.title)
}

async fn mail_app(app: &TestApp, port: u16) -> TestApp {
    app.with_config(|c| {
        c.smtp_host = Some("127.0.0.1".to_owned());
        c.smtp_port = port;
        c.smtp_tls = SmtpTls::None;
        c.mail_from = "OKR Bot <okrs@example.com>".to_owned();
        c.mail_reply_to = Some("team@example.com".to_owned());
        c.mail_base_url = "https://okrs.example.com".to_owned();
    })
    .await
}

fn job(app: &TestApp, replica: &str) -> OverviewJob {
    let mailer = Mailer::from_config(&app.config).unwrap().unwrap();
    OverviewJob::new(app.db.clone(), mailer, &app.config.mail_base_url, replica)
}

fn to(received: &[Received], address: &str) -> Vec<Received> {
    received
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .cloned()
        .collect()
}

/// The text between the `text/plain` and `text/html` part headers.
fn parts(message: &Received) -> (String, String) {
    let data = &message.data;
    let plain = data.find("Content-Type: text/plain").expect("a text part");
    let html = data.find("Content-Type: text/html").expect("an html part");
    (data[plain..html].to_owned(), data[html..].to_owned())
}

backend_test! {
    async fn the_overview_reaches_the_right_people_with_both_parts(app) {
        let (port, sink) = smtp_sink::start();
        let app = mail_app(&app, port).await;
        let (q, r) = scenario(&app).await;
        let outcome = job(&app, "a").run_scheduled(Utc::now()).await.unwrap();
        assert_eq!((outcome.claimed, outcome.sent, outcome.failed), (true, 3, 0));
        let received = sink.lock().unwrap().clone();
        assert_eq!(received.len(), 3, "Ann, Bob and Cy; not Dee (no address) nor Eve (inactive)");

        let ann = to(&received, "ann@example.com");
        assert_eq!(ann.len(), 1);
        assert!(ann[0].data.contains("Subject: It's time to review your OKRs"));
        assert!(ann[0].data.contains("Reply-To: team@example.com"));
        let (text, html) = parts(&ann[0]);
        for part in [&text, &html] {
            assert!(part.contains(&q) && !part.contains(&r), "only the cycle Ann has objectives in");
            assert!(part.contains("Mid: 0.50 | Final: 0.00"), "mean of 0.25 and 0.75");
            assert!(part.contains("Activation at 40%") && part.contains("Docs rewritten"));
            assert_eq!(part.matches("last check-in").count(), 1, "only the key result checked in");
            assert!(part.contains("Final: 0 (last check-in 3 days ago)"), "{part}");
            assert!(part.contains("https://okrs.example.com/ann."));
        }
        assert!(text.contains("Ship the <new> onboarding") && html.contains("Ship the &lt;new&gt; onboarding"));
        assert!(text.contains("Old idea (cancelled)") && html.contains("Old idea</strong> (cancelled)"));

        let bob = to(&received, "bob@example.com");
        let (text, html) = parts(&bob[0]);
        for part in [&text, &html] {
            assert!(part.contains(&r) && part.contains("Halve page load time"), "the group's OKR reaches its member");
        }
        assert!(text.contains("'s objectives:") && html.contains("&#39;s objectives</h3>"));

        let cy = to(&received, "cy@example.com");
        assert!(cy[0].data.contains("Subject: It's time to define your OKRs"));
        let (text, html) = parts(&cy[0]);
        for part in [&text, &html] {
            assert!(part.contains(&q) && part.contains(&r), "one reminder names every running cycle");
        }

        // The same scheduled time never runs twice.
        let scheduled = Utc::now() - Duration::minutes(1);
        let metrics = std::sync::Arc::new(okrs::metrics::Metrics::new());
        let first = job(&app, "a").with_metrics(metrics.clone()).run_scheduled(scheduled).await.unwrap();
        let again = job(&app, "a").with_metrics(metrics.clone()).run_scheduled(scheduled).await.unwrap();
        assert!(first.claimed && !again.claimed);
        assert_eq!(again.sent, 0);
        // Both runs are counted, and the three messages the first one sent.
        let exposition = metrics.render(&[], 0);
        for line in [
            "okrs_overview_runs_total{outcome=\"ran\"} 1",
            "okrs_overview_runs_total{outcome=\"skipped\"} 1",
            "okrs_overview_deliveries_total{outcome=\"sent\"} 3",
        ] {
            assert!(exposition.lines().any(|l| l == line), "{line} in\n{exposition}");
        }
        assert_eq!(sink.lock().unwrap().len(), 6, "three for each of the two scheduled times");
    }
}

backend_test! {
    async fn two_replicas_firing_the_same_schedule_send_each_message_once(app) {
        let (port, received) = smtp_sink::start();
        let first = mail_app(&app, port).await;
        let second = mail_app(&app, port).await;
        scenario(&first).await;
        let scheduled = Utc::now();
        let (replica_a, replica_b) = (job(&first, "replica-a"), job(&second, "replica-b"));
        let (a, b) = tokio::join!(replica_a.run_scheduled(scheduled), replica_b.run_scheduled(scheduled));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.claimed != b.claimed, "exactly one replica runs the scheduled time: {a:?} {b:?}");
        assert_eq!(a.sent + b.sent, 3);
        let received = received.lock().unwrap().clone();
        assert_eq!(received.len(), 3);
        for address in ["ann@example.com", "bob@example.com", "cy@example.com"] {
            assert_eq!(to(&received, address).len(), 1, "{address}");
        }
    }
}

backend_test! {
    async fn a_run_abandoned_mid_way_is_finished_without_sending_twice(app) {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let (port, sink) = smtp_sink::start();
        let app = mail_app(&app, port).await;
        scenario(&app).await;
        let scheduled = Utc::now() - Duration::hours(1);
        // A replica claimed the run, marked Ann's message `sending`, and died.
        let run = entity::overview_run::ActiveModel {
            scheduled_for: Set(scheduled),
            claimed_by: Set("dead-replica".to_owned()),
            lease_expires_at: Set(Utc::now() - Duration::minutes(1)),
            completed_at: Set(None),
            inserted_at: Set(scheduled),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let ann = entity::user::Entity::find()
            .filter(entity::user::Column::GivenName.eq("Ann"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        entity::overview_delivery::ActiveModel {
            run_id: Set(run.id),
            user_id: Set(ann.id.clone()),
            status: Set("sending".to_owned()),
            attempts: Set(1),
            recipient: Set(Some("ann@example.com".to_owned())),
            error: Set(None),
            sent_at: Set(None),
            updated_at: Set(scheduled),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let outcome = job(&app, "survivor").run_scheduled(scheduled).await.unwrap();
        assert_eq!((outcome.claimed, outcome.sent, outcome.unknown), (true, 2, 1));
        let received = sink.lock().unwrap().clone();
        assert_eq!(received.len(), 2);
        assert!(to(&received, "ann@example.com").is_empty(), "the message that may have left is not sent again");
        // While a live replica holds the lease, nobody else takes the run.
        let other = Utc::now() - Duration::minutes(30);
        let holder = job(&app, "holder");
        let first = holder.run_scheduled(other).await.unwrap();
        let second = job(&app, "late").run_scheduled(other).await.unwrap();
        assert!(first.claimed && !second.claimed);
    }
}

backend_test! {
    async fn a_recipient_the_overview_cannot_handle_is_skipped_and_the_run_goes_on(app) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let (port, sink) = smtp_sink::start();
        let app = mail_app(&app, port).await;
        scenario(&app).await;
        // Longer than any mail server (or the deliveries table) takes.
        let long = format!("{}@example.com", "z".repeat(390));
        person(&app.db, "Zed", Some(&long)).await;
        let scheduled = Utc::now();
        let outcome = job(&app, "a").run_scheduled(scheduled).await.unwrap();
        assert_eq!((outcome.claimed, outcome.sent, outcome.failed), (true, 3, 0));
        assert_eq!(sink.lock().unwrap().len(), 3, "Ann, Bob and Cy still get theirs");
        let run = entity::overview_run::Entity::find()
            .filter(entity::overview_run::Column::ScheduledFor.eq(scheduled))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(run.completed_at.is_some(), "the run finished");
    }
}
