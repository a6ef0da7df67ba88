//! The real engine: the same driver and analysis calls as `crossport
//! doctor` and `crossport fix`.
//!
//! Loading a project (config files, host facts, the dependency graph) costs
//! a `rustc` run and possibly `cargo metadata`; a preflight run loads it
//! fresh and keeps it, so the code actions that follow plan from memory
//! and answer in milliseconds.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context as _;
use crossport_analysis::finding::{FileSpan, Finding, Kind};
use crossport_analysis::fixes::{
    FixContext, Layout, PlanCommand, Workspace, files_touched, plan_fix,
};
use crossport_analysis::preflight::{
    HostFacts, Origin, PreflightInput, ProjectGraph, TargetConfig, preflight,
};
use crossport_driver::config::{CargoConfigs, FileScope, config_file_in};
use crossport_formats::arch::debian_release;

use super::{Engine, FixOptions, FixPlan, Project, add_target_step, fetch_sysroot_step};

/// What preflight and fix planning read about one project.
struct Loaded {
    configs: CargoConfigs,
    host: HostFacts,
    graphs: HashMap<String, ProjectGraph>,
}

/// The engine the CLI uses too, with a per-project memory of the last load.
#[derive(Default)]
pub struct CrossportEngine {
    loaded: Mutex<HashMap<Project, Arc<Loaded>>>,
}

impl std::fmt::Debug for CrossportEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrossportEngine").finish_non_exhaustive()
    }
}

impl CrossportEngine {
    pub fn new() -> Self {
        CrossportEngine::default()
    }

    fn load(&self, project: &Project, targets: &[String]) -> anyhow::Result<Arc<Loaded>> {
        let dir = project.root();
        let configs = crossport_driver::config::discover(dir)
            .with_context(|| format!("could not read the cargo config of {}", dir.display()))?;
        let mut host = crossport_driver::host::host_facts(dir)
            .context("could not ask rustc about this host")?;
        if targets.iter().any(|t| !host.installed_targets.contains(t)) {
            host.rustup_targets = crossport_driver::host::rustup_targets(dir);
        }
        let mut graphs = HashMap::new();
        for target in targets {
            let graph = crossport_driver::cargo::project_graph(&project.manifest, Some(target))
                .with_context(|| {
                    format!(
                        "could not read the dependency graph of {}",
                        project.manifest.display()
                    )
                })?;
            graphs.insert(target.clone(), graph);
        }
        let loaded = Arc::new(Loaded {
            configs,
            host,
            graphs,
        });
        self.remember(project, loaded.clone());
        Ok(loaded)
    }

    fn remember(&self, project: &Project, loaded: Arc<Loaded>) {
        let mut memory = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        memory.insert(project.clone(), loaded);
    }

    /// The last load that covers `target`, else a fresh one.
    fn loaded_for(&self, project: &Project, target: &str) -> anyhow::Result<Arc<Loaded>> {
        let memory = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(loaded) = memory
            .get(project)
            .filter(|l| l.graphs.contains_key(target))
        {
            return Ok(loaded.clone());
        }
        drop(memory);
        self.load(project, &[target.to_owned()])
    }
}

impl Engine for CrossportEngine {
    fn configured_targets(&self, project: &Project) -> anyhow::Result<Vec<String>> {
        let configs = crossport_driver::config::discover(project.root()).with_context(|| {
            format!(
                "could not read the cargo config of {}",
                project.root().display()
            )
        })?;
        Ok(configs.build_targets())
    }

    fn diagnose(&self, project: &Project, targets: &[String]) -> anyhow::Result<Vec<Finding>> {
        let loaded = self.load(project, targets)?;
        let mut findings = Vec::new();
        for target in targets {
            let Some(graph) = loaded.graphs.get(target) else {
                continue;
            };
            let config = loaded.configs.target_config(target);
            let manifests = manifests(graph);
            let input = PreflightInput {
                graph,
                host: &loaded.host,
                config: &config,
                manifests: &manifests,
            };
            findings.extend(preflight(&input, target).into_iter().map(|mut finding| {
                anchor_in_config(&mut finding, &loaded.configs, &config);
                finding
            }));
        }
        Ok(findings)
    }

    fn plan_fix(
        &self,
        project: &Project,
        finding: &Finding,
        fix_id: &str,
        options: &FixOptions,
    ) -> anyhow::Result<FixPlan> {
        let target = finding
            .target
            .clone()
            .ok_or_else(|| anyhow::anyhow!("the finding names no target"))?;
        let release = debian_release(&options.sysroot_release)
            .or_else(|| debian_release("bookworm"))
            .ok_or_else(|| {
                anyhow::anyhow!("unknown Debian release `{}`", options.sysroot_release)
            })?;
        let loaded = self.loaded_for(project, &target)?;
        let graph = loaded
            .graphs
            .get(&target)
            .ok_or_else(|| anyhow::anyhow!("no dependency graph for {target}"))?;
        let layout = layout(
            &loaded.configs,
            &graph.workspace_root,
            &target,
            release.codename,
        );
        let lock = read_lock(&graph.workspace_root);
        let mut files = read_files(graph, &layout, &target);
        let cx = FixContext {
            target: &target,
            release,
            host: &loaded.host,
            graph,
            lock: &lock,
            layout: &layout,
        };
        let plan = plan_fix(&cx, fix_id, &mut files)?;
        let mut steps = Vec::new();
        let mut notes = plan.notes.clone();
        for command in &plan.commands {
            match command {
                PlanCommand::AddTarget { target } => steps.push(add_target_step(project, target)),
                PlanCommand::FetchSysroot {
                    target,
                    release,
                    packages,
                    dir,
                } => {
                    let mut step =
                        fetch_sysroot_step(project, target, release, &options.crossport_exe);
                    step.args.extend(packages.iter().cloned());
                    step.args.extend(["--dir".to_owned(), dir.clone()]);
                    steps.push(step);
                }
                PlanCommand::Install { hint } => notes.push(format!("install by hand: {hint}")),
            }
        }
        Ok(FixPlan {
            fix_id: plan.id,
            title: plan.title,
            edits: plan.edits,
            steps,
            notes,
        })
    }

    fn explain_build(&self, _project: &Project, target: &str, output: &str) -> Vec<Finding> {
        crossport_analysis::explain::explain(output.as_bytes(), Some(target))
    }
}

/// Points a finding that names no file at the config key behind it: the
/// target's `linker` for linker findings, else the `[build] target` that
/// selected the target. Findings on targets from the editor's settings
/// keep no file (they are shown at the top of `Cargo.toml`).
fn anchor_in_config(finding: &mut Finding, configs: &CargoConfigs, config: &TargetConfig) {
    if finding.evidence.file.is_some() {
        return;
    }
    let linker = matches!(
        finding.kind,
        Kind::HostLinkerUsed | Kind::LinkerNotFound | Kind::WrongLinkerFlavor
    )
    .then_some(config.linker.as_ref())
    .flatten()
    .cloned();
    let build_target = || {
        configs
            .file_setting(&["build", "target"])
            .map(|(setting, _)| setting)
    };
    let Some(setting) = linker.or_else(build_target) else {
        return;
    };
    if let Origin::File {
        path,
        span: Some((start, end)),
    } = setting.origin
    {
        finding.evidence.file = Some(FileSpan { path, start, end });
    }
}

/// The text of every member's manifest (and the root's), by path.
fn manifests(graph: &ProjectGraph) -> BTreeMap<String, String> {
    graph
        .members
        .iter()
        .map(|&i| graph.packages[i].manifest_path.clone())
        .chain([format!("{}/Cargo.toml", graph.workspace_root)])
        .filter_map(|path| std::fs::read_to_string(&path).ok().map(|text| (path, text)))
        .collect()
}

/// The project config a fix writes: the file that already sets the
/// target's linker, else the workspace root's `.cargo/config.toml` (as
/// `crossport fix` without `--user`).
fn layout(configs: &CargoConfigs, root: &str, target: &str, release: &str) -> Layout {
    let config = configs
        .project_file_setting(target, "linker")
        .filter(|file| file.scope == FileScope::Project)
        .map(|file| file.path.clone())
        .unwrap_or_else(|| config_file_in(&Path::new(root).join(".cargo")));
    let base = config
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| root.to_owned(), |p| p.display().to_string());
    Layout::project(&base, &config.display().to_string(), target, release)
}

fn read_lock(root: &str) -> Vec<crossport_formats::cargo_lock::LockedPackage> {
    std::fs::read_to_string(Path::new(root).join("Cargo.lock"))
        .ok()
        .and_then(|text| crossport_formats::cargo_lock::parse_lock(&text).ok())
        .unwrap_or_default()
}

fn read_files(graph: &ProjectGraph, layout: &Layout, target: &str) -> Workspace {
    let mut files: BTreeMap<String, Option<String>> = manifests(graph)
        .into_iter()
        .map(|(p, t)| (p, Some(t)))
        .collect();
    for path in files_touched(layout, target) {
        let text = std::fs::read_to_string(&path).ok();
        files.insert(path, text);
    }
    Workspace::new(files)
}
