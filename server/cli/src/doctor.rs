//! `crossport doctor`: check a project for a target before building: what is missing and how to fix it.

use std::process::ExitCode;

/// Check a project for a target before building: what is missing and how to fix it.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport doctor` is not available in this build yet")
}
