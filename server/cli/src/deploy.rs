//! `crossport deploy`: ship a built binary to a server (ssh, Dokku) or write a Dockerfile.

use std::process::ExitCode;

/// Ship a built binary to a server (ssh, Dokku) or write a Dockerfile.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`crossport deploy` is not available in this build yet")
}
