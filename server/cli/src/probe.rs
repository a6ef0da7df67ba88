//! `crossport probe`: ask a server over ssh what it runs: architecture, Debian release, glibc.

use std::process::ExitCode;

/// Ask a server over ssh what it runs: architecture, Debian release, glibc.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport probe` is not available in this build yet")
}
