//! The `okrs` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use clap::Parser;
use okrs::cli::{self, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    okrs::telemetry::init(&cli.config);
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}
