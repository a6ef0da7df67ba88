//! `crossport build`: build for a target with cargo, then explain what failed.
//!
//! Runs `cargo build --target T --message-format=json…` with a progress
//! bar, keeps everything cargo printed on both streams (a failing build
//! script writes only to stderr), and when the build fails hands that log
//! to the explain engine, so the failure comes back as the same findings
//! and fixes `explain` and `doctor` report.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use crossport_driver::cargo::BuildEvent;

use crate::output::{Format, print_json};

/// Build for a target with cargo, then explain what failed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Target triple to build for.
    #[arg(long, value_name = "TRIPLE")]
    pub target: String,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Arguments passed on to `cargo build` (after `--`).
    #[arg(last = true, value_name = "CARGO_ARGS")]
    pub cargo_args: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir: PathBuf = std::env::current_dir().context("the current directory is not readable")?;
    let bar = progress_bar(args.format);
    let mut compiled = 0usize;
    let mut stderr_tail: Vec<String> = Vec::new();
    let outcome =
        crossport_driver::cargo::build(&dir, &args.target, &args.cargo_args, |event| match event {
            BuildEvent::Compiled { package, fresh } => {
                compiled += 1;
                let verb = if fresh { "Fresh" } else { "Compiled" };
                bar.set_message(format!("{compiled} crates · {verb} {package}"));
            }
            BuildEvent::Stderr(line) => {
                if stderr_tail.len() == 40 {
                    stderr_tail.remove(0);
                }
                stderr_tail.push(line);
            }
        })
        .context("could not run cargo build")?;
    bar.finish_and_clear();
    let findings = if outcome.success {
        Vec::new()
    } else {
        crossport_analysis::explain::explain(&outcome.log, Some(&args.target))
    };
    match args.format {
        Format::Json => print_json(&serde_json::json!({
            "success": outcome.success,
            "target": args.target,
            "findings": findings,
        }))?,
        Format::Human if outcome.success => {
            eprintln!(
                "built for {} ({compiled} crate(s) compiled or fresh)",
                args.target
            );
        }
        Format::Human => {
            if findings.is_empty() {
                for line in &stderr_tail {
                    eprintln!("{line}");
                }
                eprintln!(
                    "the build for {} failed; crossport does not recognise why (output above)",
                    args.target
                );
            } else {
                crate::doctor::print_findings(&findings, std::slice::from_ref(&args.target))?;
            }
        }
    }
    Ok(if outcome.success {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn progress_bar(format: Format) -> indicatif::ProgressBar {
    if format == Format::Json {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} building {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
