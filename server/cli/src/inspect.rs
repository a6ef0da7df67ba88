//! `crossport inspect`: check a built binary against Debian releases or a server.

use std::process::ExitCode;

/// Check a built binary against Debian releases or a server.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport inspect` is not available in this build yet")
}
