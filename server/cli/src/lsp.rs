//! `crossport lsp`: run the language server on stdin/stdout.

use std::process::ExitCode;

/// Run the language server on stdin/stdout.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport lsp` is not available in this build yet")
}
