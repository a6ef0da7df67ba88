//! `crossport build`: build for a target with cargo, then explain what failed.

use std::process::ExitCode;

/// Build for a target with cargo, then explain what failed.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport build` is not available in this build yet")
}
