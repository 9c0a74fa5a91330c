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
    okrs::telemetry::init(&cli.config);
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            ExitCode::FAILURE
        }
    }
}
