//! The seam between the protocol and the doctor/fix engine.
//!
//! Handlers only see [`Engine`]: "what is wrong with this project for these
//! targets" and "what would fix this finding". [`CrossportEngine`] answers
//! with crossport-analysis and crossport-driver, the same code the CLI's
//! `doctor` and `fix` run, so the editor and the terminal never disagree.

use std::path::{Path, PathBuf};

use crossport_analysis::finding::Finding;

/// A cargo project, named by the absolute path of its `Cargo.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Project {
    pub manifest: PathBuf,
}

impl Project {
    pub fn new(manifest: PathBuf) -> Self {
        Project { manifest }
    }

    /// The directory holding `Cargo.toml`; cargo runs here.
    pub fn root(&self) -> &Path {
        self.manifest.parent().unwrap_or(Path::new("/"))
    }

    /// The project a file belongs to: the nearest `Cargo.toml` at or above
    /// it (for `.cargo/config.toml`, above the `.cargo` directory).
    pub fn containing(file: &Path) -> Option<Project> {
        let mut dir = file.parent()?;
        if dir.file_name().is_some_and(|name| name == ".cargo") {
            dir = dir.parent()?;
        }
        dir.ancestors()
            .map(|dir| dir.join("Cargo.toml"))
            .find(|manifest| manifest.is_file())
            .map(Project::new)
    }
}

/// A file edit as the engine computes it: the whole old text and the whole
/// new text. The protocol layer turns it into the smallest `TextEdit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    /// Empty when the file does not exist yet.
    pub old: String,
    pub new: String,
}

/// A process a fix runs (rustup, a sysroot fetch, a build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
}

/// What applying one fix means: edits the editor can preview, then steps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixPlan {
    pub fix_id: String,
    pub title: String,
    pub edits: Vec<FileEdit>,
    pub steps: Vec<Step>,
}

/// What the server asks of the engine. Calls may block (they run cargo and
/// read files); the server calls them from blocking tasks.
pub trait Engine: Send + Sync + 'static {
    /// Targets named in the project's cargo config (`[build] target`).
    fn configured_targets(&self, project: &Project) -> anyhow::Result<Vec<String>>;

    /// Preflight findings for the project and targets, root causes first.
    fn diagnose(&self, project: &Project, targets: &[String]) -> anyhow::Result<Vec<Finding>>;

    /// The plan for one of a finding's fixes.
    fn plan_fix(
        &self,
        project: &Project,
        finding: &Finding,
        fix_id: &str,
        options: &FixOptions,
    ) -> anyhow::Result<FixPlan>;

    /// Findings in the output of a failed `cargo build`.
    fn explain_build(&self, project: &Project, target: &str, output: &str) -> Vec<Finding>;
}

/// Choices from the user's settings that shape a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOptions {
    pub sysroot_release: String,
    /// The `crossport` binary that runs sysroot fetches.
    pub crossport_exe: PathBuf,
}

/// The engine the CLI uses too.
#[derive(Debug, Default, Clone)]
pub struct CrossportEngine;

impl Engine for CrossportEngine {
    fn configured_targets(&self, project: &Project) -> anyhow::Result<Vec<String>> {
        Ok(build_target_from_config(project.root()))
    }

    fn diagnose(&self, _project: &Project, _targets: &[String]) -> anyhow::Result<Vec<Finding>> {
        Ok(Vec::new())
    }

    fn plan_fix(
        &self,
        project: &Project,
        finding: &Finding,
        fix_id: &str,
        options: &FixOptions,
    ) -> anyhow::Result<FixPlan> {
        generic_plan(project, finding, fix_id, options)
    }

    fn explain_build(&self, _project: &Project, _target: &str, _output: &str) -> Vec<Finding> {
        Vec::new()
    }
}

/// Plans for the fixes that are a process step whatever the finding.
fn generic_plan(
    project: &Project,
    finding: &Finding,
    fix_id: &str,
    options: &FixOptions,
) -> anyhow::Result<FixPlan> {
    let title = finding
        .fixes
        .iter()
        .find(|fix| fix.id == fix_id)
        .map(|fix| fix.title.clone())
        .unwrap_or_else(|| fix_id.to_owned());
    let target = finding
        .target
        .clone()
        .ok_or_else(|| anyhow::anyhow!("the finding names no target"))?;
    let step = match fix_id {
        "add_target" => add_target_step(project, &target),
        "fetch_sysroot_and_wire" | "fetch_sysroot" => fetch_sysroot_step(
            project,
            &target,
            &options.sysroot_release,
            &options.crossport_exe,
        ),
        other => anyhow::bail!("no plan for fix `{other}` yet"),
    };
    Ok(FixPlan {
        fix_id: fix_id.to_owned(),
        title,
        edits: Vec::new(),
        steps: vec![step],
    })
}

pub fn add_target_step(project: &Project, target: &str) -> Step {
    Step {
        title: format!("rustup target add {target}"),
        program: "rustup".into(),
        args: vec!["target".into(), "add".into(), target.to_owned()],
        cwd: project.root().to_owned(),
    }
}

pub fn fetch_sysroot_step(project: &Project, target: &str, release: &str, exe: &Path) -> Step {
    Step {
        title: format!("fetch a Debian {release} sysroot for {target}"),
        program: exe.to_owned(),
        args: vec![
            "sysroot".into(),
            "fetch".into(),
            "--target".into(),
            target.to_owned(),
            "--release".into(),
            release.to_owned(),
        ],
        cwd: project.root().to_owned(),
    }
}

pub fn build_step(project: &Project, target: &str) -> Step {
    Step {
        title: format!("cargo build --target {target}"),
        program: "cargo".into(),
        args: vec![
            "build".into(),
            "--target".into(),
            target.to_owned(),
            "--message-format=json".into(),
            "--manifest-path".into(),
            project.manifest.display().to_string(),
        ],
        cwd: project.root().to_owned(),
    }
}

/// `[build] target` from the nearest `.cargo/config.toml` (or legacy
/// `.cargo/config`) at or above `dir`.
fn build_target_from_config(dir: &Path) -> Vec<String> {
    for dir in dir.ancestors() {
        for name in ["config.toml", "config"] {
            let path = dir.join(".cargo").join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                let targets = build_target_in(&text);
                if !targets.is_empty() {
                    return targets;
                }
            }
        }
    }
    Vec::new()
}

/// A minimal reader for `[build] target = "…"` or `target = ["…", …]`.
fn build_target_in(text: &str) -> Vec<String> {
    let mut in_build = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_build = line.trim_start_matches('[').trim_end_matches(']').trim() == "build";
            continue;
        }
        let dotted = line.strip_prefix("build.").filter(|_| !in_build);
        let Some(rest) = dotted.or(in_build.then_some(line)) else {
            continue;
        };
        let Some((key, value)) = rest.split_once('=') else {
            continue;
        };
        if key.trim() == "target" {
            return value
                .split(['[', ']', ','])
                .map(|item| item.trim().trim_matches('"').trim_matches('\''))
                .filter(|item| !item.is_empty() && !item.starts_with('#'))
                .map(str::to_owned)
                .collect();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_target_forms() {
        assert_eq!(
            build_target_in("[build]\ntarget = \"aarch64-unknown-linux-gnu\"\n"),
            ["aarch64-unknown-linux-gnu"]
        );
        assert_eq!(
            build_target_in("build.target = [\"a\", 'b']\n[target.x]\ntarget = \"no\""),
            ["a", "b"]
        );
        assert!(build_target_in("[target.x]\ntarget = \"no\"").is_empty());
    }
}
