//! The seam between the protocol and the doctor/fix engine.
//!
//! Handlers only see [`Engine`]: "what is wrong with this project for these
//! targets" and "what would fix this finding". [`CrossportEngine`] answers
//! with crossport-analysis and crossport-driver, the same code the CLI's
//! `doctor` and `fix` run, so the editor and the terminal never disagree.

use std::path::{Path, PathBuf};

use crossport_analysis::finding::Finding;
pub use crossport_driver::overlay::Overlay;

mod crossport;

pub use crossport::CrossportEngine;

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

/// A file's old and new text, as the fix engine computes it. The protocol
/// layer turns it into the smallest `TextEdit`.
pub use crossport_analysis::fixes::FileEdit;

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
    /// What the user should know or do by hand (e.g. a package to install).
    pub notes: Vec<String>,
}

/// What the server asks of the engine. Calls may block (they run cargo and
/// read files); the server calls them from blocking tasks.
pub trait Engine: Send + Sync + 'static {
    /// Targets named in the project's cargo config (`[build] target`),
    /// reading open buffers instead of their files.
    fn configured_targets(
        &self,
        project: &Project,
        buffers: &Overlay,
    ) -> anyhow::Result<Vec<String>>;

    /// Preflight findings for the project and targets, root causes first,
    /// for the text of the open buffers (`buffers`) rather than the saved files.
    fn diagnose(
        &self,
        project: &Project,
        targets: &[String],
        buffers: &Overlay,
    ) -> anyhow::Result<Vec<Finding>>;

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
    /// The open buffers: a fix edits the text the user sees.
    pub buffers: Overlay,
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
