//! `crossport fix`: show (and with --apply, make) the changes that let a project build for a target.

use std::process::ExitCode;

/// Show (and with --apply, make) the changes that let a project build for a target.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport fix` is not available in this build yet")
}
