//! The seam between the protocol and the doctor/fix engine.
//!
//! Handlers only see [`Engine`]: "what is wrong with this project for these
//! targets" and "what would fix this finding". [`CrossportEngine`] answers
//! with crossport-analysis and crossport-driver, the same code the CLI's
//! `doctor` and `fix` run, so the editor and the terminal never disagree.

use std::path::{Path, PathBuf};

use crossport_analysis::finding::Finding;
pub use crossport_analysis::fixes::{Layout, PlanCommand};
pub use crossport_driver::fix::{FixEvent, FixProgress, RunOptions};
pub use crossport_driver::overlay::Overlay;
use crossport_driver::process::{CommandLine, Toolchain};
use crossport_driver::sysroot::{FetchRequest, LOCK_FILE_NAME};
pub use crossport_driver::toolchain::EnvOverlay;
use crossport_formats::distro::known_release;

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
        crossport_driver::cargo::nearest_manifest(dir).map(Project::new)
    }
}

/// A file's old and new text, as the fix engine computes it. The protocol
/// layer turns it into the smallest `TextEdit`.
pub use crossport_analysis::fixes::FileEdit;

/// A program a command runs as a child (a build, a deploy), in the
/// settings' environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title: String,
    pub command: CommandLine,
}

/// What applying one fix means: edits the editor can preview, then the
/// commands the driver's fix pipeline runs (rustup, a sysroot fetch), as
/// `crossport fix --apply` runs them.
#[derive(Debug, Clone)]
pub struct FixPlan {
    pub fix_id: String,
    pub title: String,
    pub edits: Vec<FileEdit>,
    /// Run in order by [`run_command`]; never an `Install` (those are notes).
    pub commands: Vec<PlanCommand>,
    /// Where the fix writes: the sysroot lock goes beside its config.
    pub layout: Layout,
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
    /// for the text of the open buffers (`buffers`) rather than the saved
    /// files, with cargo and rustc run in the settings' environment (`env`).
    fn diagnose(
        &self,
        project: &Project,
        targets: &[String],
        buffers: &Overlay,
        env: &EnvOverlay,
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
    /// The `crossport` binary that runs deploys.
    pub crossport_exe: PathBuf,
    /// The open buffers: a fix edits the text the user sees.
    pub buffers: Overlay,
    /// `crossport.extraEnv`, for the toolchain questions and the processes.
    pub env: EnvOverlay,
}

/// What a command is, for `$/progress` and messages.
pub fn command_title(command: &PlanCommand) -> String {
    match command {
        PlanCommand::AddTarget { target } => format!("rustup target add {target}"),
        PlanCommand::FetchSysroot {
            target, release, ..
        } => sysroot_title(target, release),
        PlanCommand::Install { hint } => format!("install {hint}"),
    }
}

/// "fetch a Debian bookworm sysroot for aarch64-unknown-linux-gnu".
pub fn sysroot_title(target: &str, release: &str) -> String {
    let vendor = known_release(release).map_or("Debian", |r| r.vendor.display_name());
    format!("fetch a {vendor} {release} sysroot for {target}")
}

/// Runs one of a plan's commands for `project` through the driver's fix
/// pipeline (the same code as `crossport fix --apply`). Blocks; the server
/// calls it from a blocking task.
pub fn run_command(
    project: &Project,
    command: &PlanCommand,
    layout: &Layout,
    options: &RunOptions,
    progress: FixProgress<'_>,
) -> Result<(), crossport_driver::fix::FixError> {
    crossport_driver::fix::run_commands([command], layout, project.root(), options, progress)
}

/// `crossport.fetchSysroot`: the project's sysroot for `target` from
/// `release`, in the cache's default place, locked in the project's
/// `crossport-sysroot.lock`, with the mirror the project's config names.
pub fn fetch_sysroot_request(project: &Project, target: &str, release: &str) -> FetchRequest {
    FetchRequest {
        target: target.to_owned(),
        release: release.to_owned(),
        lock_file: Some(project.root().join(LOCK_FILE_NAME)),
        project_dir: Some(project.root().to_owned()),
        ..FetchRequest::default()
    }
}

/// `cargo build` with JSON messages, with the cargo `$CARGO` names (the
/// settings' `CARGO` first), run in the settings' environment.
pub fn build_step(project: &Project, target: &str, env: &EnvOverlay) -> Step {
    let manifest = project.manifest.display().to_string();
    let toolchain = Toolchain::for_dir_in(project.root(), env);
    Step {
        title: format!("cargo build --target {target}"),
        command: toolchain.cargo(&[
            "build",
            "--target",
            target,
            "--message-format=json",
            "--manifest-path",
            &manifest,
        ]),
    }
}
