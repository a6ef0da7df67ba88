//! `crossport inspect`: check a built binary against Debian releases or a server.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use crossport_analysis::inspect::{InspectReport, Verdict};
use crossport_driver::inspect::{InspectError, InspectOptions, inspect};

use crate::output::{Format, InputError, print_json};

/// Check a built binary against Debian releases or a server.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ELF binary to check.
    pub binary: PathBuf,
    /// Judge against this Debian release (codename or number).
    #[arg(long, conflicts_with_all = ["glibc", "sysroot"])]
    pub release: Option<String>,
    /// Judge against a system with this glibc version (e.g. 2.31).
    #[arg(long, conflicts_with = "sysroot")]
    pub glibc: Option<String>,
    /// Resolve NEEDED libraries in this sysroot and judge against its release.
    #[arg(long)]
    pub sysroot: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = InspectOptions {
        release: args.release,
        glibc: args.glibc,
        sysroot: args.sysroot,
    };
    let report = inspect(&args.binary, &options).map_err(input_or_failure)?;
    match args.format {
        Format::Json => print_json(crossport_json::inspect::Inspect::from(&report))?,
        Format::Human => print_human(&report).context("cannot write to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Unreadable or malformed input is the user's to fix: exit code 2.
fn input_or_failure(err: InspectError) -> anyhow::Error {
    let message = crossport_driver::report::one_line(&err);
    anyhow::Error::new(InputError(message))
}

fn print_human(report: &InspectReport) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    let bold = anstyle::Style::new().bold();
    writeln!(out, "{bold}{}{bold:#}", report.path)?;
    writeln!(
        out,
        "  ELF{} {} ({}-endian), {}",
        report.class,
        report.machine,
        serde_json::to_value(report.endian)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        report.linkage
    )?;
    if let Some(interpreter) = &report.interpreter {
        writeln!(out, "  interpreter  {interpreter}")?;
    }
    for (label, value) in [
        ("glibc", &report.glibc_required),
        ("GLIBCXX", &report.glibcxx_required),
        ("CXXABI", &report.cxxabi_required),
    ] {
        if let Some(version) = value {
            writeln!(out, "  needs {label} {version}")?;
        }
    }
    if let Some(glibc) = &report.requirements.glibc {
        writeln!(
            out,
            "    for: {}",
            crossport_analysis::inspect::summarise_symbols(&glibc.symbols, 5)
        )?;
    }
    if !report.libraries.is_empty() {
        writeln!(out, "  libraries:")?;
        for library in &report.libraries {
            let mut line = format!("    {}", library.soname);
            if let Some(path) = &library.path {
                line.push_str(&format!("  → {path}"));
            }
            if let Some(package) = &library.package {
                line.push_str(&format!("  ({package})"));
            }
            writeln!(out, "{line}")?;
        }
    }
    for path in report.rpath.iter().chain(&report.runpath) {
        writeln!(out, "  search path  {path}")?;
    }
    writeln!(out, "  runs on:")?;
    for verdict in &report.verdicts {
        print_verdict(&mut out, verdict)?;
    }
    if let Some(target) = &report.target {
        writeln!(out, "  requested:")?;
        print_verdict(&mut out, target)?;
    }
    Ok(())
}

fn print_verdict(out: &mut impl Write, verdict: &Verdict) -> std::io::Result<()> {
    let (style, word) = if verdict.runs {
        (
            anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into())),
            "yes",
        )
    } else {
        (
            anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into())),
            "no",
        )
    };
    writeln!(out, "    {:<12} {style}{word}{style:#}", verdict.against)?;
    for problem in &verdict.problems {
        writeln!(out, "                 {problem}")?;
    }
    Ok(())
}
