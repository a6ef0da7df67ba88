//! `crossport doctor`: check a project for a target before building: what is missing and how to fix it.
//!
//! Gathers the project (cached `cargo metadata`, config files with their
//! origins, member manifests) and the host's facts, runs preflight for each
//! target and prints the findings with the fixes `crossport fix` can apply.
//! Loading is `crossport_driver::project`, shared with the language server;
//! `fix` reuses the error mapping here and `build` the printer.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use crossport_analysis::finding::{Finding, Severity};
use crossport_analysis::preflight::ProjectGraph;
use crossport_driver::cargo::CargoError;
use crossport_driver::project::{Project, ProjectError};

use crate::output::{Format, InputError, print_json};

/// Check a project for a target before building: what is missing and how to fix it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package or workspace manifest (default: the nearest Cargo.toml).
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Target triple to check; repeat for several (default: `build.target`, else the host).
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
    /// Check against this server (`crossport probe` over ssh): its target
    /// (when no --target is given) and its glibc.
    #[arg(long, value_name = "USER@HOST")]
    pub server: Option<String>,
    #[command(flatten)]
    pub ssh: crate::probe::SshArgs,
    /// The glibc of the machines the binary must run on, e.g. 2.17: one
    /// older than every sysroot release gets zig or musl recommended.
    #[arg(long, value_name = "X.Y")]
    pub glibc: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let flag_glibc = args
        .glibc
        .as_deref()
        .map(crate::old_server::parse_glibc)
        .transpose()?;
    let mut project = load_project(args.manifest_path.as_deref())?;
    let server = match &args.server {
        Some(server) => Some(crate::fix::probe_server(server, &args.ssh)?),
        None => None,
    };
    let server_target = server
        .as_ref()
        .and_then(|report| report.recommendation.target.clone());
    let targets = match (args.targets.is_empty(), server_target) {
        (true, Some(target)) => vec![target],
        _ => project.targets(&args.targets),
    };
    project.complete_host(&targets);
    let glibc = crate::old_server::known_glibc(flag_glibc, server.as_ref());
    let mut findings = Vec::new();
    for target in &targets {
        let graph = graph(&project, target)?;
        // The server's glibc decides how to link at all, so it comes first.
        if let Some((version, source)) = &glibc {
            findings.extend(crate::old_server::finding(
                &project, target, *version, source,
            ));
        }
        findings.extend(project.preflight(&graph, target));
    }
    match args.format {
        Format::Json => print_json(crossport_json::doctor::Doctor {
            findings: crossport_json::finding::findings(&findings),
            toolchain: project.host.toolchain.as_ref().map(Into::into),
            server: server.as_ref().map(Into::into),
        })?,
        Format::Human => print_findings(&findings, &targets)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Finds the manifest the way cargo does and loads the project: cargo
/// reads config from the directory it runs in, so doctor reads it where the
/// manifest is when one was given, else in the current directory.
pub fn load_project(manifest_path: Option<&Path>) -> anyhow::Result<Project> {
    let cwd = std::env::current_dir().context("the current directory is not readable")?;
    let manifest = match manifest_path {
        Some(path) => {
            if !path.is_file() {
                return Err(
                    InputError(format!("manifest {} does not exist", path.display())).into(),
                );
            }
            std::path::absolute(path).context("cannot resolve the manifest path")?
        }
        None => crossport_driver::cargo::find_manifest(&cwd).map_err(|err| {
            InputError(format!(
                "{err}: run crossport inside a Rust project, or pass --manifest-path"
            ))
        })?,
    };
    let config_dir = match manifest_path {
        Some(_) => manifest
            .parent()
            .map_or_else(|| cwd.clone(), Path::to_owned),
        None => cwd,
    };
    Project::load(manifest, &config_dir).map_err(project_error)
}

/// The dependency graph for one target, with cargo's refusal as bad input.
pub fn graph(project: &Project, target: &str) -> anyhow::Result<ProjectGraph> {
    project.graph(target).map_err(project_error)
}

/// An unreadable config and a manifest cargo refuses are the user's input
/// (exit 2), not a crash.
fn project_error(err: ProjectError) -> anyhow::Error {
    match err {
        ProjectError::Config { source, .. } => InputError(source.to_string()).into(),
        ProjectError::Graph {
            source: source @ CargoError::Metadata { .. },
            ..
        } => InputError(source.to_string()).into(),
        other => other.into(),
    }
}

/// Prints findings for people: severity, kind, message, where, how to fix.
pub fn print_findings(findings: &[Finding], targets: &[String]) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    if findings.is_empty() {
        writeln!(out, "no problems found for {}", targets.join(", "))?;
        return Ok(());
    }
    let mut files: BTreeMap<String, Option<String>> = BTreeMap::new();
    for finding in findings {
        write_finding(&mut out, finding, &mut files)?;
    }
    let targets_arg: String = targets.iter().map(|t| format!(" --target {t}")).collect();
    writeln!(
        out,
        "run `crossport fix{targets_arg}` to see the changes, add `--apply` to make them"
    )?;
    Ok(())
}

pub(crate) fn write_finding(
    out: &mut impl Write,
    finding: &Finding,
    files: &mut BTreeMap<String, Option<String>>,
) -> std::io::Result<()> {
    let (label, color) = match finding.severity {
        Severity::Error => ("error", anstyle::AnsiColor::Red),
        Severity::Warning => ("warning", anstyle::AnsiColor::Yellow),
        Severity::Info => ("info", anstyle::AnsiColor::Cyan),
    };
    let style = anstyle::Style::new().bold().fg_color(Some(color.into()));
    let bold = anstyle::Style::new().bold();
    writeln!(
        out,
        "{style}{label}[{}]{style:#}{bold}: {}{bold:#}",
        finding.kind, finding.message
    )?;
    if let Some(file) = &finding.evidence.file {
        let text = files
            .entry(file.path.clone())
            .or_insert_with(|| std::fs::read_to_string(&file.path).ok());
        let (line, column) = text
            .as_deref()
            .map_or((0, 0), |t| line_column(t, file.start));
        writeln!(out, "  --> {}:{line}:{column}", file.path)?;
        if let Some(snippet) = text.as_deref().and_then(|t| t.get(file.start..file.end)) {
            writeln!(out, "   | {}", snippet.lines().next().unwrap_or_default())?;
        }
    }
    for note in &finding.evidence.related {
        writeln!(out, "   = note: {}", note.message)?;
    }
    for fix in &finding.fixes {
        writeln!(out, "   = fix `{}`: {}", fix.id, fix.title)?;
    }
    writeln!(out)
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
