//! `crossport explain`: read a failed build's output and explain it.

use std::process::ExitCode;

use crate::output::Format;

/// Read a failed build's output (cargo, a build script, a linker, or a
/// program's loader on the server) and say what went wrong for the target.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The log to read; `-` or nothing reads standard input.
    pub file: Option<std::path::PathBuf>,
    /// The target triple the build was for, when the log does not say.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("explain is being built")
}
