//! The command line: `okrs [serve]`, `migrate`, `token`, `seed --demo|--scale`, `export-schema`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

use crate::app::Application;
use crate::auth::{MIN_SECRET_LEN, TokenIssuer};
use crate::config::Config;
use crate::fixtures::demo;
use crate::fixtures::seed::{self, Scale};
use crate::{db, graphql};

/// A GraphQL server for OKRs, with SCIM 2.0 provisioning.
#[derive(Debug, Parser)]
#[command(name = "okrs", version, about)]
pub struct Cli {
    /// Server configuration (each flag also reads its environment variable).
    #[command(flatten)]
    pub config: Config,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print a bearer token for a user id, signed with JWT_SECRET (or a private key).
    Token {
        /// The user id (`User.id`) the token signs in as.
        user_id: String,
        /// Hours until the token expires.
        #[arg(long, default_value_t = 24)]
        ttl_hours: i64,
        /// Sign with this RS256/ES256 PEM private key instead of JWT_SECRET.
        #[arg(long)]
        private_key_file: Option<PathBuf>,
    },
    /// Load data into the database.
    Seed {
        /// Load the demo dataset.
        #[arg(long, conflicts_with = "scale")]
        demo: bool,
        /// Load a synthetic benchmark dataset of this size (`large`: 10,000 users,
        /// 500,000 key results; `medium` a tenth, `small` a hundredth).
        #[arg(long, value_enum)]
        scale: Option<Scale>,
        /// The random seed of `--scale`: the same seed gives the same rows.
        #[arg(long, default_value_t = 1, requires = "scale")]
        rng_seed: u64,
    },
    /// The weekly overview e-mail, now: print it (`--dry-run`) or send it (`--send`).
    Overview {
        /// Print every message the job would send now, without sending.
        #[arg(long, conflicts_with = "send")]
        dry_run: bool,
        /// Send the overview now (needs SMTP_HOST), as a run of its own.
        #[arg(long)]
        send: bool,
    },
    /// Write the GraphQL schema (SDL) to a file, or to standard output.
    ExportSchema {
        /// The file to write; standard output when omitted.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => Ok(Application::build(config)
            .await?
            .run_until_stopped()
            .await?),
        Command::Migrate => {
            let db = db::connect(&config)
                .await
                .context("connecting to the database")?;
            db::migrate_exclusively(&db)
                .await
                .context("applying migrations")?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Token {
            user_id,
            ttl_hours,
            private_key_file,
        } => {
            let issuer = token_issuer(&config, private_key_file)?;
            signable_user(&config, &user_id).await?;
            let token = issuer.mint(&user_id, chrono::Duration::hours(ttl_hours))?;
            writeln!(std::io::stdout(), "{token}")?;
            Ok(())
        }
        Command::Seed {
            scale: Some(scale),
            rng_seed,
            ..
        } => seed_scale(&config, scale, rng_seed).await,
        Command::Seed { demo: false, .. } => bail!("nothing to seed: pass --demo or --scale"),
        Command::Seed { demo: true, .. } => {
            let db = db::connect(&config)
                .await
                .context("connecting to the database")?;
            db::migrate_exclusively(&db)
                .await
                .context("applying migrations")?;
            let summary = demo::seed(&db)
                .await
                .context("loading demo data (is it loaded already?)")?;
            tracing::info!(?summary, "demo dataset loaded");
            Ok(())
        }
        Command::Overview { dry_run, send } => overview(&config, dry_run, send).await,
        Command::ExportSchema { output } => {
            let sdl = graphql::schema::sdl();
            match output {
                Some(path) => std::fs::write(&path, sdl)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().write_all(sdl.as_bytes())?,
            }
            Ok(())
        }
    }
}

async fn seed_scale(config: &Config, scale: Scale, rng_seed: u64) -> anyhow::Result<()> {
    let db = db::connect(config)
        .await
        .context("connecting to the database")?;
    db::migrate_exclusively(&db)
        .await
        .context("applying migrations")?;
    let sizes = scale.sizes();
    eprintln!("seeding {scale:?} (rng seed {rng_seed}): {sizes:?}");
    let started = std::time::Instant::now();
    let progress = |table: &str, done: usize, planned: usize| {
        eprintln!(
            "  {table}: {done}/{planned} rows ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    };
    let summary = seed::seed(&db, sizes, rng_seed, &progress)
        .await
        .context("loading the dataset (is it loaded already?)")?;
    eprintln!(
        "seeded in {:.1} s; admin user id {}",
        started.elapsed().as_secs_f64(),
        summary.admin_id
    );
    tracing::info!(?summary, "benchmark dataset loaded");
    Ok(())
}

/// Refuses to mint a token for an id that names no user who may sign in: the token would
/// only ever get `UNAUTHENTICATED`.
async fn signable_user(config: &Config, user_id: &str) -> anyhow::Result<()> {
    if !crate::values::ids::is_user_id(user_id) {
        bail!("`{user_id}` is not a user id (a lowercase hyphenated UUID, as `User.id` shows it)");
    }
    let db = db::connect(config)
        .await
        .context("connecting to the database")?;
    match crate::domain::users::find(&db, user_id).await? {
        None => bail!("no user has the id {user_id} in {}", db_name(config)),
        Some(user) if user.deprovisioned_at.is_some() || !user.active => {
            bail!("user {user_id} is inactive, so a token for them would be refused")
        }
        Some(_) => Ok(()),
    }
}

/// The database a command works on, without its credentials, for messages.
fn db_name(config: &Config) -> String {
    let url = &config.database_url;
    match url.split_once('@') {
        Some((scheme_and_user, rest)) => {
            let scheme = scheme_and_user.split("://").next().unwrap_or("database");
            format!("{scheme}://{rest}")
        }
        None => url.clone(),
    }
}

fn token_issuer(config: &Config, private_key_file: Option<PathBuf>) -> anyhow::Result<TokenIssuer> {
    if let Some(path) = private_key_file {
        return Ok(TokenIssuer::from_private_key_file(&path, config)?);
    }
    match &config.jwt_secret {
        Some(secret) if secret.expose().len() >= MIN_SECRET_LEN => {
            Ok(TokenIssuer::hs256(secret, config))
        }
        Some(_) => bail!("JWT_SECRET must be at least {MIN_SECRET_LEN} bytes"),
        None => bail!(
            "set JWT_SECRET (or pass --private-key-file) to mint tokens; in development mode the \
             server logs a ready-made token at start"
        ),
    }
}

async fn overview(config: &Config, dry_run: bool, send: bool) -> anyhow::Result<()> {
    use crate::overview::{job::OverviewJob, mailer::Mailer, plan, render::render};
    let db = db::connect(config)
        .await
        .context("connecting to the database")?;
    if dry_run {
        let mut out = std::io::stdout().lock();
        for planned in plan::plan(&db, crate::domain::clock::now()).await? {
            let rendered = render(&planned, &config.mail_base_url);
            writeln!(
                out,
                "To: {}\nSubject: {}\n\n{}\n----",
                planned.recipient.address, rendered.subject, rendered.text
            )?;
        }
        return Ok(());
    }
    if !send {
        bail!("pass --dry-run to print the overview or --send to send it now");
    }
    let mailer = Mailer::from_config(config)?.context("set SMTP_HOST to send e-mail")?;
    let job = OverviewJob::new(db, mailer, &config.mail_base_url, "cli");
    let outcome = job.run_scheduled(crate::domain::clock::now()).await?;
    tracing::info!(?outcome, "overview sent");
    Ok(())
}
