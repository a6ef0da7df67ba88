//! `crossport lsp`: run the language server on stdin/stdout.
//!
//! Logs go to stderr and the editor's log (`window/logMessage`), and with
//! `--log-file` also to a file; stdout carries only the protocol. The
//! process exits as soon as the client sends `exit`, even if stdin stays
//! open (Neovim keeps it open after `stop_client`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use crossport_lsp::{ExitStatus, engine::CrossportEngine};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Run the language server on stdin/stdout.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accepted for clients that always pass it (vscode-languageclient); stdio is the only transport.
    #[arg(long)]
    stdio: bool,
    /// Also write the log to this file (appended), for post-mortems of editor sessions.
    #[arg(long, env = "CROSSPORT_LSP_LOG_FILE", value_name = "PATH")]
    log_file: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    init_logging(args.log_file.as_deref())?;
    let status = crossport_lsp::serve_stdio(Arc::new(CrossportEngine::new()))?;
    let code = match status {
        ExitStatus::Clean => 0,
        ExitStatus::Abrupt => 1,
    };
    tracing::info!(code, "language server exiting");
    // Exit here rather than return: the runtime's stdin reader thread may be
    // blocked on a pipe the client never closes.
    std::process::exit(code)
}

fn init_logging(log_file: Option<&std::path::Path>) -> anyhow::Result<()> {
    let filter =
        || EnvFilter::try_from_env("CROSSPORT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let client = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_target(false)
        .with_writer(crossport_lsp::client_log::ClientLogWriter::new)
        .with_filter(filter());
    let file = match log_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("could not open the log file {}", path.display()))?;
            Some(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(Mutex::new(file))
                    .with_filter(filter()),
            )
        }
        None => None,
    };
    tracing_subscriber::registry()
        .with(client)
        .with(file)
        .try_init()?;
    Ok(())
}

use tracing_subscriber::Layer as _;
