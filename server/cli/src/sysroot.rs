//! `crossport sysroot`: fetch, sync and manage signature-checked Debian sysroots.

use std::process::ExitCode;

/// Fetch, sync and manage signature-checked Debian sysroots.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport sysroot` is not available in this build yet")
}
