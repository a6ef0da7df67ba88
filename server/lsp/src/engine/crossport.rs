//! The real engine: the same driver and analysis calls as `crossport
//! doctor` and `crossport fix` (a project is loaded by
//! `crossport_driver::project` for both).
//!
//! Loading a project (config files, host facts, the dependency graph) costs
//! a `rustc` run and possibly `cargo metadata`; a preflight run loads it
//! fresh and keeps it, so the code actions that follow plan from memory
//! and answer in milliseconds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crossport_analysis::finding::{FileSpan, Finding, Kind};
use crossport_analysis::fixes::PlanCommand;
use crossport_analysis::preflight::{Origin, ProjectGraph, TargetConfig};
use crossport_driver::config::{CargoConfigs, discover_with};
use crossport_driver::fix::{FixSelection, plan_fixes};
use crossport_driver::project::Project as LoadedProject;
use crossport_formats::distro::{DEFAULT_RELEASE, known_release, unknown_release_message};

use super::{Engine, EnvOverlay, FixOptions, FixPlan, Overlay, Project};

/// What preflight and fix planning read about one project.
struct Loaded {
    project: LoadedProject,
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

    fn load(
        &self,
        project: &Project,
        targets: &[String],
        buffers: &Overlay,
        env: &EnvOverlay,
    ) -> anyhow::Result<Arc<Loaded>> {
        let mut loaded = LoadedProject::load_with_all(
            project.manifest.clone(),
            project.root(),
            buffers.clone(),
            env.clone(),
        )?;
        loaded.complete_host(targets);
        let mut graphs = HashMap::new();
        for target in targets {
            graphs.insert(target.clone(), loaded.graph(target)?);
        }
        let loaded = Arc::new(Loaded {
            project: loaded,
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
    fn loaded_for(
        &self,
        project: &Project,
        target: &str,
        buffers: &Overlay,
        env: &EnvOverlay,
    ) -> anyhow::Result<Arc<Loaded>> {
        let memory = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(loaded) = memory
            .get(project)
            .filter(|l| l.graphs.contains_key(target))
        {
            return Ok(loaded.clone());
        }
        drop(memory);
        self.load(project, &[target.to_owned()], buffers, env)
    }
}

impl Engine for CrossportEngine {
    fn configured_targets(
        &self,
        project: &Project,
        buffers: &Overlay,
    ) -> anyhow::Result<Vec<String>> {
        Ok(discover_with(project.root(), buffers)?.build_targets())
    }

    fn diagnose(
        &self,
        project: &Project,
        targets: &[String],
        buffers: &Overlay,
        env: &EnvOverlay,
    ) -> anyhow::Result<Vec<Finding>> {
        let loaded = self.load(project, targets, buffers, env)?;
        let mut findings = Vec::new();
        for target in targets {
            let Some(graph) = loaded.graphs.get(target) else {
                continue;
            };
            let config = loaded.project.target_config(target);
            let preflight = loaded.project.preflight(graph, target);
            findings.extend(preflight.into_iter().map(|mut finding| {
                anchor_in_config(&mut finding, &loaded.project.configs, &config);
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
        let release = known_release(&options.sysroot_release)
            .or_else(|| known_release(DEFAULT_RELEASE))
            .ok_or_else(|| anyhow::anyhow!(unknown_release_message(&options.sysroot_release)))?;
        let loaded = self.loaded_for(project, &target, &options.buffers, &options.env)?;
        let graph = loaded
            .graphs
            .get(&target)
            .ok_or_else(|| anyhow::anyhow!("no dependency graph for {target}"))?;
        let layout =
            loaded
                .project
                .project_layout(&graph.workspace_root, &target, release.codename);
        let only = [fix_id.to_owned()];
        let plan = plan_fixes(
            &loaded.project,
            graph,
            &target,
            release,
            &layout,
            &options.buffers,
            FixSelection::Only(&only),
        )?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no plan for the fix `{fix_id}`"))?;
        let mut commands = Vec::new();
        let mut notes = plan.notes.clone();
        for command in plan.commands {
            match command {
                PlanCommand::Install { hint } => notes.push(format!("install by hand: {hint}")),
                command => commands.push(command),
            }
        }
        Ok(FixPlan {
            fix_id: plan.id,
            title: plan.title,
            edits: plan.edits,
            commands,
            layout,
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
