//! `crossport doctor`: check a project for a target before building: what is missing and how to fix it.
//!
//! Gathers the project (cached `cargo metadata`, config files with their
//! origins, member manifests) and the host's facts, runs preflight for each
//! target and prints the findings with the fixes `crossport fix` can apply.
//! `fix` and `build` reuse the project loading and the printer.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use crossport_analysis::finding::{Finding, Severity};
use crossport_analysis::preflight::{
    HostFacts, PreflightInput, ProjectGraph, TargetConfig, preflight,
};
use crossport_driver::config::CargoConfigs;

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
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let project = Project::load(args.manifest_path.as_deref())?;
    let targets = project.targets(&args.targets);
    let mut host = project.host.clone();
    project.complete_host(&mut host, &targets);
    let mut findings = Vec::new();
    for target in &targets {
        let graph = project.graph(target)?;
        findings.extend(project.preflight(&graph, &host, target));
    }
    match args.format {
        Format::Json => print_json(&serde_json::json!({ "findings": findings }))?,
        Format::Human => print_findings(&findings, &targets)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A project as the fix engine sees it.
pub struct Project {
    pub manifest: PathBuf,
    pub dir: PathBuf,
    pub configs: CargoConfigs,
    pub host: HostFacts,
}

impl Project {
    pub fn load(manifest_path: Option<&Path>) -> anyhow::Result<Project> {
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
            None => crossport_driver::cargo::find_manifest(&cwd)
                .map_err(|err| InputError(err.to_string()))?,
        };
        let dir = manifest.parent().map(Path::to_owned).unwrap_or(cwd.clone());
        // cargo reads config from the directory it runs in; doctor runs it
        // where the manifest is when one was given.
        let config_dir = if manifest_path.is_some() {
            dir.clone()
        } else {
            cwd
        };
        let configs = crossport_driver::config::discover(&config_dir)
            .map_err(|err| InputError(err.to_string()))?;
        let host = crossport_driver::host::host_facts(&dir)
            .context("could not ask rustc about this host")?;
        Ok(Project {
            manifest,
            dir,
            configs,
            host,
        })
    }

    /// The targets asked for, else `build.target`, else the host.
    pub fn targets(&self, asked: &[String]) -> Vec<String> {
        if !asked.is_empty() {
            return asked.to_vec();
        }
        let configured = self.configs.build_targets();
        if !configured.is_empty() {
            return configured;
        }
        vec![self.host.host_triple.clone()]
    }

    /// Asks rustup which targets it can install, only when one is missing.
    pub fn complete_host(&self, host: &mut HostFacts, targets: &[String]) {
        if targets.iter().any(|t| !host.installed_targets.contains(t)) {
            host.rustup_targets = crossport_driver::host::rustup_targets(&self.dir);
        }
    }

    pub fn graph(&self, target: &str) -> anyhow::Result<ProjectGraph> {
        crossport_driver::cargo::project_graph(&self.manifest, Some(target)).map_err(
            |err| match err {
                // cargo refusing the manifest is the user's input, not a crash.
                crossport_driver::cargo::CargoError::Metadata { .. } => {
                    InputError(err.to_string()).into()
                }
                other => anyhow::Error::from(other).context(format!(
                    "could not read the dependency graph of {}",
                    self.manifest.display()
                )),
            },
        )
    }

    pub fn target_config(&self, target: &str) -> TargetConfig {
        self.configs.target_config(target)
    }

    /// The text of every member's manifest (and the root's), by path.
    pub fn manifests(&self, graph: &ProjectGraph) -> BTreeMap<String, String> {
        let mut paths: Vec<String> = graph
            .members
            .iter()
            .map(|&i| graph.packages[i].manifest_path.clone())
            .collect();
        paths.push(format!("{}/Cargo.toml", graph.workspace_root));
        paths
            .into_iter()
            .filter_map(|path| std::fs::read_to_string(&path).ok().map(|text| (path, text)))
            .collect()
    }

    pub fn preflight(&self, graph: &ProjectGraph, host: &HostFacts, target: &str) -> Vec<Finding> {
        let config = self.target_config(target);
        let manifests = self.manifests(graph);
        let input = PreflightInput {
            graph,
            host,
            config: &config,
            manifests: &manifests,
        };
        preflight(&input, target)
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

fn write_finding(
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
