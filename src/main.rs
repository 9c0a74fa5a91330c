//! The `okrs` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use clap::Parser;
use okrs::cli::{self, Cli};

/// mimalloc instead of the system allocator: a request allocates and frees many small
/// objects (GraphQL values, rows, futures), and with glibc's allocator that was about a
/// quarter of the server's instructions on the full OKR page (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let telemetry = match okrs::telemetry::init(&cli.config) {
        Ok(telemetry) => telemetry,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = cli::run(cli).await;
    if let Err(err) = &result {
        tracing::error!("{err:#}");
    }
    telemetry.shutdown().await;
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
