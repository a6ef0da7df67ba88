//! Fix plans: the file edits and commands that make a finding go away.
//!
//! A plan is data: new text for files (computed by `crossport-formats`'
//! editors, so comments and layout survive), commands to run (rustup, the
//! sysroot fetch) and install hints to show. `crossport fix` prints plans
//! as unified diffs and command lines; with `--apply` the driver runs the
//! commands and writes every file atomically. The language server turns
//! the same edits into a `WorkspaceEdit`.
//!
//! Plans are built one after another over a [`Workspace`] of file texts, so
//! two plans that touch `.cargo/config.toml` compose into one edit.

mod deps;
mod layout;
mod musl;
mod toolchain;
mod wire;
mod zig;

use std::collections::BTreeMap;

use serde::Serialize;

pub use layout::{Layout, Scope};
pub use toolchain::{
    Tool, Toolchain, choose_toolchain, install_hint, loader_for_multiarch, toolchain_names,
};
pub use zig::{pinned_glibc_of_wrapper, zig_target};

use crate::preflight::{HostFacts, ProjectGraph};
use crossport_formats::cargo_lock::LockedPackage;
use crossport_formats::distro::KnownRelease;

/// The stable ids of the fixes this engine can plan, in the order `fix`
/// applies them.
pub const FIX_IDS: &[&str] = &[
    "add_target",
    "configure_linker",
    "configure_zig_linker",
    "configure_musl_sysroot",
    "fetch_sysroot_and_wire",
    "configure_runner",
    "use_vendored_openssl",
    "use_rustls",
    "use_bundled_sqlite",
    "use_static_zlib",
    "use_vendored_libgit2",
];

/// Why a fix could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("unknown fix `{id}` (known: {})", FIX_IDS.join(", "))]
    UnknownFix { id: String },
    #[error("{id} does not apply here: {reason}")]
    NotApplicable { id: String, reason: String },
    #[error("cannot edit {path}: {message}")]
    Edit { path: String, message: String },
}

/// A file's new text. `old` is what the plan was computed from (`None`: the
/// file does not exist yet); applying refuses when the file changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEdit {
    pub path: String,
    pub old: Option<String>,
    pub new: String,
    /// Written with the executable bit (wrapper scripts).
    pub executable: bool,
}

impl FileEdit {
    /// The change as a unified diff, with `label` in the `---`/`+++` lines.
    pub fn unified_diff(&self, label: &str) -> String {
        let old = self.old.as_deref().unwrap_or("");
        let from = if self.old.is_some() {
            format!("a/{label}")
        } else {
            "/dev/null".to_owned()
        };
        similar::TextDiff::from_lines(old, &self.new)
            .unified_diff()
            .context_radius(3)
            .header(&from, &format!("b/{label}"))
            .to_string()
    }
}

/// Something a plan runs (or asks the user to run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum PlanCommand {
    /// `rustup target add <target>`.
    AddTarget { target: String },
    /// The sysroot engine: fetch `packages` (plus the base set) for
    /// `target` from `release` into `dir`.
    FetchSysroot {
        target: String,
        release: String,
        packages: Vec<String>,
        dir: String,
    },
    /// A package to install with the host's package manager; shown, never
    /// run (it needs root).
    Install { hint: String },
}

impl PlanCommand {
    /// The command line a person would type.
    pub fn display(&self) -> String {
        match self {
            PlanCommand::AddTarget { target } => format!("rustup target add {target}"),
            PlanCommand::FetchSysroot { .. } => {
                let args = self.sysroot_fetch_args().unwrap_or_default();
                format!("crossport {}", args.join(" "))
            }
            PlanCommand::Install { hint } => hint.clone(),
        }
    }

    /// For a sysroot fetch, the arguments after `crossport`: `sysroot fetch
    /// --target T --release R <packages> --dir D` (a shell that runs the
    /// fetch as a process passes exactly these).
    pub fn sysroot_fetch_args(&self) -> Option<Vec<String>> {
        let PlanCommand::FetchSysroot {
            target,
            release,
            packages,
            dir,
        } = self
        else {
            return None;
        };
        let mut args: Vec<String> = ["sysroot", "fetch", "--target", target, "--release", release]
            .map(str::to_owned)
            .to_vec();
        args.extend(packages.iter().cloned());
        args.extend(["--dir".to_owned(), dir.clone()]);
        Some(args)
    }
}

/// One fix: what it changes and runs.
#[derive(Debug, Clone, Serialize)]
pub struct FixPlan {
    pub id: String,
    pub title: String,
    pub target: String,
    pub edits: Vec<FileEdit>,
    pub commands: Vec<PlanCommand>,
    /// Things the user should know (what a feature change costs, what is
    /// left to do by hand).
    pub notes: Vec<String>,
}

/// The texts of the files plans read and write, by absolute path (`None`:
/// the file does not exist). Plans edit it as they are built.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    files: BTreeMap<String, Option<String>>,
}

impl Workspace {
    pub fn new(files: BTreeMap<String, Option<String>>) -> Self {
        Workspace { files }
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.files.get(path).and_then(|t| t.as_deref())
    }

    /// Replaces a file's text and returns the edit, or `None` when nothing
    /// changed.
    fn write(&mut self, path: &str, new: String, executable: bool) -> Option<FileEdit> {
        let old = self.files.get(path).cloned().flatten();
        if old.as_deref() == Some(new.as_str()) {
            return None;
        }
        self.files.insert(path.to_owned(), Some(new.clone()));
        Some(FileEdit {
            path: path.to_owned(),
            old,
            new,
            executable,
        })
    }
}

/// Folds the edits of several plans into one edit per file: the first
/// plan's `old`, the last plan's `new`.
pub fn merged_edits(plans: &[FixPlan]) -> Vec<FileEdit> {
    let mut merged: Vec<FileEdit> = Vec::new();
    for edit in plans.iter().flat_map(|plan| &plan.edits) {
        match merged.iter_mut().find(|e| e.path == edit.path) {
            Some(existing) => {
                existing.new = edit.new.clone();
                existing.executable |= edit.executable;
            }
            None => merged.push(edit.clone()),
        }
    }
    merged
}

/// Everything a plan needs to know.
#[derive(Debug, Clone, Copy)]
pub struct FixContext<'a> {
    pub target: &'a str,
    pub release: &'a KnownRelease,
    pub host: &'a HostFacts,
    pub graph: &'a ProjectGraph,
    pub lock: &'a [LockedPackage],
    pub layout: &'a Layout,
}

/// Plans one fix by id over the workspace.
pub fn plan_fix(
    cx: &FixContext<'_>,
    id: &str,
    files: &mut Workspace,
) -> Result<FixPlan, PlanError> {
    match id {
        "add_target" => Ok(wire::add_target(cx)),
        "configure_linker" => wire::configure_linker(cx, files),
        "configure_zig_linker" => zig::configure_zig_linker(cx, files),
        "configure_musl_sysroot" => musl::configure_musl_sysroot(cx, files),
        "fetch_sysroot_and_wire" => wire::fetch_sysroot_and_wire(cx, files),
        "configure_runner" => wire::configure_runner(cx, files),
        "use_vendored_openssl" => deps::use_vendored_openssl(cx, files),
        "use_rustls" => deps::use_rustls(cx, files),
        "use_bundled_sqlite" => deps::use_bundled_sqlite(cx, files),
        "use_static_zlib" | "use_vendored_libgit2" => musl::use_static_build(cx, id, files),
        other => Err(PlanError::UnknownFix {
            id: other.to_owned(),
        }),
    }
}

/// The fixes `crossport fix` applies by default for a target: install std
/// when it is missing, then a sysroot with linker, env and runner for a
/// Debian target (or just a linker for another), so the project builds and
/// `cargo run` works. The dependency changes are alternatives, chosen with
/// `--only`. A musl target gets its C toolchain and the static builds of
/// its native libraries instead (a sysroot's libraries are glibc's).
pub fn default_fix_ids(cx: &FixContext<'_>) -> Vec<&'static str> {
    if crate::preflight::is_musl(cx.target) {
        return musl::default_musl_fix_ids(cx);
    }
    let mut ids = Vec::new();
    if !cx.host.installed_targets.iter().any(|t| t == cx.target) {
        ids.push("add_target");
    }
    if crossport_formats::arch::debian_arch_for_triple(cx.target).is_some() {
        ids.push("fetch_sysroot_and_wire");
        ids.push("configure_runner");
    } else {
        ids.push("configure_linker");
    }
    ids
}

/// The files the plans for a layout may write, so the driver can read them
/// first: the config file and the wrapper scripts.
pub fn files_touched(layout: &Layout, target: &str) -> Vec<String> {
    let mut paths = vec![layout.config_path.clone()];
    paths.extend(wire::script_paths(layout, target));
    paths
}

#[cfg(test)]
mod tests;
