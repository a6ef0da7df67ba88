//! A project as the fix engine sees it: its manifest, the cargo config
//! files with their origins, the host's facts and, per target, the
//! dependency graph.
//!
//! `crossport doctor`, `crossport fix` and the language server all load a
//! project the same way; this module is that one way, so the CLI and the
//! editor cannot drift apart on which config files count, when rustup is
//! asked or which manifests preflight reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossport_analysis::finding::Finding;
use crossport_analysis::fixes::{Layout, Workspace, files_touched};
use crossport_analysis::preflight::{
    HostFacts, PreflightInput, ProjectGraph, TargetConfig, preflight,
};
use crossport_formats::cargo_lock::{LockedPackage, parse_lock};

use crate::cargo::CargoError;
use crate::config::{CargoConfigs, ConfigLoadError, FileScope, config_file_in};
use crate::host::HostError;
use crate::overlay::Overlay;
use crate::toolchain::EnvOverlay;

/// Why a project could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("could not read the cargo config of {}", dir.display())]
    Config {
        dir: PathBuf,
        source: ConfigLoadError,
    },
    #[error("could not ask rustc about this host")]
    Host { dir: PathBuf, source: HostError },
    #[error("could not read the dependency graph of {}", manifest.display())]
    Graph {
        manifest: PathBuf,
        source: CargoError,
    },
}

/// A loaded project: what preflight and fix planning read besides the
/// per-target dependency graph.
#[derive(Debug)]
pub struct Project {
    /// The absolute path of `Cargo.toml`.
    pub manifest: PathBuf,
    /// The directory holding the manifest; rustc, rustup and cargo run here.
    pub dir: PathBuf,
    pub configs: CargoConfigs,
    pub host: HostFacts,
    /// Unsaved editor buffers read instead of their files (empty for the CLI).
    pub overlay: Overlay,
    /// The environment cargo, rustc and rustup run with, on top of the
    /// process's (an editor's settings).
    pub env: EnvOverlay,
}

impl Project {
    /// Reads the cargo config cargo would see from `config_dir` (cargo reads
    /// config where it runs, not where the manifest is) and asks rustc about
    /// the host from the manifest's directory.
    pub fn load(manifest: PathBuf, config_dir: &Path) -> Result<Project, ProjectError> {
        Project::load_with_all(manifest, config_dir, Overlay::new(), EnvOverlay::new())
    }

    /// [`Project::load`] for an editor: open buffers are read instead of
    /// their files, here and in [`Project::graph`], [`Project::preflight`]
    /// and [`Project::fix_workspace`].
    pub fn load_with(
        manifest: PathBuf,
        config_dir: &Path,
        overlay: Overlay,
    ) -> Result<Project, ProjectError> {
        Project::load_with_all(manifest, config_dir, overlay, EnvOverlay::new())
    }

    /// [`Project::load`] with extra environment for cargo, rustc and rustup
    /// (`RUSTC`, `RUSTUP_TOOLCHAIN` … from an editor's settings): the
    /// toolchain is the one cargo picks with it.
    pub fn load_with_env(
        manifest: PathBuf,
        config_dir: &Path,
        env: EnvOverlay,
    ) -> Result<Project, ProjectError> {
        Project::load_with_all(manifest, config_dir, Overlay::new(), env)
    }

    /// [`Project::load`] with both an editor's buffers and its environment.
    pub fn load_with_all(
        manifest: PathBuf,
        config_dir: &Path,
        overlay: Overlay,
        env: EnvOverlay,
    ) -> Result<Project, ProjectError> {
        let dir = manifest
            .parent()
            .map_or_else(|| config_dir.to_owned(), Path::to_owned);
        let configs = crate::config::discover_with(config_dir, &overlay).map_err(|source| {
            ProjectError::Config {
                dir: config_dir.to_owned(),
                source,
            }
        })?;
        let host =
            crate::host::host_facts(&dir, &configs, &env).map_err(|source| ProjectError::Host {
                dir: dir.clone(),
                source,
            })?;
        Ok(Project {
            manifest,
            dir,
            configs,
            host,
            overlay,
            env,
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

    /// Asks rustup which targets it can install, only when one of `targets`
    /// is missing: it is slower than the rest of the host facts.
    pub fn complete_host(&mut self, targets: &[String]) {
        if targets
            .iter()
            .any(|t| !self.host.installed_targets.contains(t))
        {
            self.host.rustup_targets =
                crate::host::rustup_targets(&self.dir, &self.host, &self.env);
        }
    }

    /// The resolved dependency graph for one target. An unsaved manifest
    /// buffer is resolved from a shadow copy; when cargo cannot resolve it
    /// there, the saved file's graph is used (and the reason logged).
    pub fn graph(&self, target: &str) -> Result<ProjectGraph, ProjectError> {
        if let Some(text) = self.overlay.unsaved(&self.manifest) {
            match crate::overlay::shadow_graph(&self.manifest, text, Some(target)) {
                Ok(graph) => return Ok(graph),
                Err(error) => tracing::warn!(
                    manifest = %self.manifest.display(),
                    "the unsaved Cargo.toml could not be resolved, using the saved one: {error}"
                ),
            }
        }
        crate::cargo::project_graph(&self.manifest, Some(target)).map_err(|source| {
            ProjectError::Graph {
                manifest: self.manifest.clone(),
                source,
            }
        })
    }

    /// The effective config for a target, with what its wired sysroot holds.
    pub fn target_config(&self, target: &str) -> TargetConfig {
        let mut config = self.configs.target_config(target);
        config.sysroot = crate::sysroot_contents::for_target(&config, target);
        config
    }

    /// Preflight's findings for one target.
    pub fn preflight(&self, graph: &ProjectGraph, target: &str) -> Vec<Finding> {
        let config = self.target_config(target);
        let manifests = manifests_with(graph, &self.overlay);
        let input = PreflightInput {
            graph,
            host: &self.host,
            config: &config,
            manifests: &manifests,
        };
        preflight(&input, target)
    }

    /// The project config a fix writes: the project file that already sets
    /// the target's linker (so the fix is not shadowed by it), else the
    /// workspace root's `.cargo/config.toml`.
    pub fn project_layout(&self, root: &str, target: &str, release: &str) -> Layout {
        let config = self
            .configs
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

    /// [`fix_workspace`] through the open buffers: a fix is planned against
    /// the text the user sees.
    pub fn fix_workspace(&self, graph: &ProjectGraph, layout: &Layout, target: &str) -> Workspace {
        fix_workspace_with(graph, layout, target, &self.overlay)
    }
}

/// The cargo config files cargo would read from `dir`.
pub fn cargo_configs(dir: &Path) -> Result<CargoConfigs, ProjectError> {
    crate::config::discover(dir).map_err(|source| ProjectError::Config {
        dir: dir.to_owned(),
        source,
    })
}

/// The text of every member's manifest (and the root's), by path; a
/// manifest that cannot be read is left out.
pub fn manifests(graph: &ProjectGraph) -> BTreeMap<String, String> {
    manifests_with(graph, &Overlay::new())
}

pub fn manifests_with(graph: &ProjectGraph, overlay: &Overlay) -> BTreeMap<String, String> {
    graph
        .members
        .iter()
        .map(|&i| graph.packages[i].manifest_path.clone())
        .chain([format!("{}/Cargo.toml", graph.workspace_root)])
        .filter_map(|path| {
            let text = overlay.read(Path::new(&path)).ok()?;
            Some((path, text))
        })
        .collect()
}

/// The workspace's `Cargo.lock`, or nothing when it is missing or unreadable.
pub fn read_lock(root: &str) -> Vec<LockedPackage> {
    std::fs::read_to_string(Path::new(root).join("Cargo.lock"))
        .ok()
        .and_then(|text| parse_lock(&text).ok())
        .unwrap_or_default()
}

/// The files a fix may edit as they are now: the manifests and every file
/// the layout touches (`None` for one that does not exist yet).
pub fn fix_workspace(graph: &ProjectGraph, layout: &Layout, target: &str) -> Workspace {
    fix_workspace_with(graph, layout, target, &Overlay::new())
}

pub fn fix_workspace_with(
    graph: &ProjectGraph,
    layout: &Layout,
    target: &str,
    overlay: &Overlay,
) -> Workspace {
    let mut files: BTreeMap<String, Option<String>> = manifests_with(graph, overlay)
        .into_iter()
        .map(|(p, t)| (p, Some(t)))
        .collect();
    for path in files_touched(layout, target) {
        let text = overlay.read(Path::new(&path)).ok();
        files.insert(path, text);
    }
    Workspace::new(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_dir(config: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .expect("write manifest");
        std::fs::create_dir(dir.path().join(".cargo")).expect("create .cargo");
        std::fs::write(dir.path().join(".cargo/config.toml"), config).expect("write config");
        dir
    }

    #[test]
    fn targets_fall_back_to_build_target_then_the_host() {
        let dir = project_dir("[build]\ntarget = \"aarch64-unknown-linux-gnu\"\n");
        let project = Project::load(dir.path().join("Cargo.toml"), dir.path()).expect("load");
        assert_eq!(project.dir, dir.path());
        assert_eq!(
            project.targets(&[]),
            ["aarch64-unknown-linux-gnu".to_owned()]
        );
        let asked = ["riscv64gc-unknown-linux-gnu".to_owned()];
        assert_eq!(project.targets(&asked), asked);

        let plain = project_dir("");
        let project = Project::load(plain.path().join("Cargo.toml"), plain.path()).expect("load");
        assert_eq!(
            project.targets(&[]),
            std::slice::from_ref(&project.host.host_triple)
        );
    }

    #[test]
    fn a_broken_config_names_the_directory_and_the_file() {
        let dir = project_dir("[build\n");
        let err = Project::load(dir.path().join("Cargo.toml"), dir.path())
            .expect_err("the config does not parse");
        let ProjectError::Config { dir: at, source } = &err else {
            panic!("expected a config error, got {err:?}");
        };
        assert_eq!(at, dir.path());
        assert!(
            matches!(source, ConfigLoadError::Parse { path, .. } if path.ends_with(".cargo/config.toml"))
        );
    }
}
