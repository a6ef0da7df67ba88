//! The fix pipeline: from a loaded project to planned fixes, and from a
//! plan's commands to a target installed and a sysroot in place.
//!
//! `crossport fix` and the language server's code actions build the same
//! [`FixContext`] here and plan with the same calls, so the terminal and the
//! editor never offer different fixes; the shells only render the plans.
//! [`run_commands`] runs what the plans ask for (rustup through
//! [`crate::process`], the sysroot fetch in process) and reports each step
//! through one callback; the CLI prints the events, the language server
//! turns them into `$/progress`, and both can cancel through
//! [`RunOptions::cancel`].

use std::path::{Path, PathBuf};

use crossport_analysis::fixes::{
    FixContext, FixPlan, Layout, PlanCommand, PlanError, Scope, default_fix_ids, plan_fix,
};
use crossport_analysis::inspect::ServerMirror;
use crossport_analysis::preflight::ProjectGraph;
use crossport_formats::distro::Archive;
use crossport_formats::distro::KnownRelease;
use tokio_util::sync::CancellationToken;

use crate::overlay::Overlay;
use crate::process::{self, Toolchain};
use crate::project::{Project, fix_workspace_with, read_lock};
use crate::sysroot::{self, FetchOutcome, FetchRequest, ProgressEvent, SyncRequest, SysrootError};
use crate::toolchain::EnvOverlay;

/// Which fixes to plan.
#[derive(Debug, Clone, Copy)]
pub enum FixSelection<'a> {
    /// The fixes the target needs, in order; those that do not apply are
    /// left out.
    Needed,
    /// Exactly these, in this order; one that does not apply is an error.
    Only(&'a [String]),
}

/// Plans fixes for `target` in `project`, writing into `layout`'s files as
/// `buffers` has them (the editor's unsaved text; empty for the disk).
pub fn plan_fixes(
    project: &Project,
    graph: &ProjectGraph,
    target: &str,
    release: &KnownRelease,
    layout: &Layout,
    buffers: &Overlay,
    selection: FixSelection<'_>,
) -> Result<Vec<FixPlan>, PlanError> {
    let lock = read_lock(&graph.workspace_root);
    let mut files = fix_workspace_with(graph, layout, target, buffers);
    let cx = FixContext {
        target,
        release,
        host: &project.host,
        graph,
        lock: &lock,
        layout,
    };
    match selection {
        FixSelection::Only(ids) => ids.iter().map(|id| plan_fix(&cx, id, &mut files)).collect(),
        FixSelection::Needed => {
            let mut plans = Vec::new();
            for id in default_fix_ids(&cx) {
                match plan_fix(&cx, id, &mut files) {
                    Ok(plan) => plans.push(plan),
                    Err(PlanError::NotApplicable { .. }) => {}
                    Err(err) => return Err(err),
                }
            }
            Ok(plans)
        }
    }
}

/// Drops from `findings` each fix `crossport fix` would refuse for this
/// project (a plannable id that does not apply, such as `use_rustls` where
/// OpenSSL comes in through git2), so a log's findings offer only what fix
/// accepts; each refusal is kept in the finding's `fixes_refused` fact.
/// Ids fix does not plan (advice such as `install_perl`) are left alone.
pub fn keep_applicable_fixes(
    project: &Project,
    graph: &ProjectGraph,
    target: &str,
    release: &KnownRelease,
    layout: &Layout,
    findings: &mut [crossport_analysis::finding::Finding],
) {
    let mut refused: Vec<(String, String)> = Vec::new();
    let mut accepted: Vec<String> = Vec::new();
    let disk = Overlay::new();
    for id in findings
        .iter()
        .flat_map(|f| f.fixes.iter().map(|fix| fix.id.clone()))
    {
        let plannable = crossport_analysis::fixes::FIX_IDS.contains(&id.as_str());
        if !plannable || accepted.contains(&id) || refused.iter().any(|(r, _)| *r == id) {
            continue;
        }
        let only = [id.clone()];
        match plan_fixes(
            project,
            graph,
            target,
            release,
            layout,
            &disk,
            FixSelection::Only(&only),
        ) {
            Err(err @ (PlanError::NotApplicable { .. } | PlanError::UnknownFix { .. })) => {
                refused.push((id, err.to_string()));
            }
            _ => accepted.push(id),
        }
    }
    for finding in findings.iter_mut() {
        let reasons: Vec<&str> = refused
            .iter()
            .filter(|(id, _)| finding.fixes.iter().any(|fix| fix.id == *id))
            .map(|(_, reason)| reason.as_str())
            .collect();
        if reasons.is_empty() {
            continue;
        }
        finding
            .facts
            .insert("fixes_refused".to_owned(), serde_json::json!(reasons));
        finding
            .fixes
            .retain(|fix| !refused.iter().any(|(id, _)| *id == fix.id));
    }
}

/// What [`run_commands`] is doing, for a shell to show.
#[derive(Debug)]
pub enum FixEvent<'a> {
    /// A command starts.
    Running(&'a PlanCommand),
    /// A line a running program printed.
    Output(&'a str),
    /// The sysroot engine moved on.
    Sysroot(ProgressEvent),
    /// A sysroot is in place.
    SysrootReady(&'a FetchOutcome),
    /// Something only the user can do (install a package).
    ByHand(&'a str),
}

/// The callback [`run_commands`] reports through (the sysroot engine
/// calls it from its download tasks, hence `Send + Sync`).
pub type FixProgress<'a> = &'a (dyn Fn(FixEvent<'_>) + Send + Sync);

/// Why a plan's command failed.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("could not run rustup")]
    Rustup(#[source] process::ProcessError),
    #[error("`{command}` failed{}", colon(.last_line))]
    RustupFailed {
        command: String,
        /// The last line rustup printed on stderr (its error), if any.
        last_line: String,
    },
    #[error("could not create {path}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not start the async runtime")]
    Runtime(#[source] std::io::Error),
    #[error("could not fetch the {release} sysroot for {target}")]
    Fetch {
        target: String,
        release: String,
        #[source]
        source: Box<SysrootError>,
    },
    #[error("could not recreate the locked {release} sysroot for {target}")]
    Sync {
        target: String,
        release: String,
        #[source]
        source: Box<SysrootError>,
    },
    #[error("cancelled")]
    Cancelled,
}

fn colon(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

/// How [`run_commands`] runs a plan's commands, beyond the plan itself.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The mirror `crossport fix --server` read from the server's apt
    /// sources (main or ports archive), when there is one.
    pub mirror: Option<ServerMirror>,
    /// Fix's `--keyring`: replaces the built-in archive keys for the
    /// sysroot fetch.
    pub keyring: Option<PathBuf>,
    /// Variables rustup runs with on top of this process's environment
    /// (an editor's `crossport.extraEnv`); its `CROSSPORT_MIRROR` and
    /// `CROSSPORT_PORTS_MIRROR` name the sysroot's mirror as they would for
    /// a `crossport` run in that environment.
    pub env: EnvOverlay,
    /// Cancelling ends the running command: rustup's whole process group,
    /// or the sysroot fetch at its next step (an unpack already under way
    /// finishes into its private staging directory first, so nothing
    /// half-built is left in place).
    pub cancel: CancellationToken,
}

/// Runs `commands` in order (a plan's, or several plans'): rustup for the
/// project in `project_dir`, sysroot fetches into `layout`'s place (with
/// the lock beside the config the plans write, the mirror from the
/// project's config), install hints reported as [`FixEvent::ByHand`].
/// Stops at the first failure, or with [`FixError::Cancelled`].
pub fn run_commands<'c>(
    commands: impl IntoIterator<Item = &'c PlanCommand>,
    layout: &Layout,
    project_dir: &Path,
    options: &RunOptions,
    progress: FixProgress<'_>,
) -> Result<(), FixError> {
    let commands: Vec<&PlanCommand> = commands.into_iter().collect();
    if commands.is_empty() {
        return Ok(());
    }
    runtime()?.block_on(async {
        for command in commands {
            run_command(command, layout, project_dir, options, progress).await?;
        }
        Ok(())
    })
}

/// The runtime the blocking entry points run on: multi-threaded, since the
/// sysroot engine unpacks with `block_in_place` and downloads in parallel.
fn runtime() -> Result<tokio::runtime::Runtime, FixError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(FixError::Runtime)
}

async fn run_command(
    command: &PlanCommand,
    layout: &Layout,
    project_dir: &Path,
    options: &RunOptions,
    progress: FixProgress<'_>,
) -> Result<(), FixError> {
    progress(FixEvent::Running(command));
    match command {
        PlanCommand::AddTarget { target } => {
            add_target(target, project_dir, options, progress).await
        }
        PlanCommand::FetchSysroot {
            target,
            release,
            packages,
            dir,
        } => {
            let mut request = fetch_request(target, release, packages, dir, layout);
            request.project_dir = Some(project_dir.to_owned());
            with_run_options(&mut request, options);
            // A mirror from the project's own config is a change a
            // reviewer must see.
            for notice in sysroot::mirror::project_config_notices(
                request.mirror.as_deref(),
                None,
                project_dir,
            ) {
                progress(FixEvent::Output(&format!("note: {notice}")));
            }
            let outcome = fetch_or_sync(&request, &options.cancel, progress).await?;
            progress(FixEvent::SysrootReady(&outcome));
            Ok(())
        }
        PlanCommand::Install { hint } => {
            progress(FixEvent::ByHand(hint));
            Ok(())
        }
    }
}

/// The mirror and keyring `options` name, on top of a request: the
/// server's mirror first, else the environment overlay's.
fn with_run_options(request: &mut FetchRequest, options: &RunOptions) {
    if let Some(keyring) = &options.keyring {
        request.keyring = Some(keyring.clone());
    }
    let overlay = |archive: Archive| {
        options
            .env
            .entries()
            .find(|(key, _)| *key == archive.mirror_key())
            .and_then(|(_, value)| value)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    request.mirror = request.mirror.take().or_else(|| overlay(Archive::Main));
    request.ports_mirror = request
        .ports_mirror
        .take()
        .or_else(|| overlay(Archive::Ports));
    match &options.mirror {
        Some(m) if m.archive == Archive::Ports => request.ports_mirror = Some(m.uri.clone()),
        Some(m) => request.mirror = Some(m.uri.clone()),
        None => {}
    }
}

async fn add_target(
    target: &str,
    dir: &Path,
    options: &RunOptions,
    progress: FixProgress<'_>,
) -> Result<(), FixError> {
    let command = Toolchain::for_dir_in(dir, &options.env).rustup_target("add", &[target]);
    let output = process::run(&command, &options.cancel, |_, line| {
        progress(FixEvent::Output(line))
    })
    .await
    .map_err(FixError::Rustup)?;
    if output.cancelled {
        return Err(FixError::Cancelled);
    }
    if !output.success() {
        let last_line = output
            .stderr
            .lines()
            .map(str::trim)
            .rfind(|line| !line.is_empty())
            .unwrap_or_default()
            .to_owned();
        return Err(FixError::RustupFailed {
            command: command.display(),
            last_line,
        });
    }
    Ok(())
}

/// Where the sysroot lock goes: the project root (committed, so a teammate
/// gets the same packages), or beside the user config.
pub fn lock_path(layout: &Layout) -> PathBuf {
    match layout.scope {
        Scope::Project => Path::new(&layout.base).join(sysroot::LOCK_FILE_NAME),
        Scope::User => Path::new(&layout.base)
            .join("crossport")
            .join(sysroot::LOCK_FILE_NAME),
    }
}

fn fetch_request(
    target: &str,
    release: &str,
    packages: &[String],
    dir: &str,
    layout: &Layout,
) -> FetchRequest {
    FetchRequest {
        target: target.to_owned(),
        release: release.to_owned(),
        packages: packages.to_vec(),
        dir: Some(PathBuf::from(dir)),
        lock_file: Some(lock_path(layout)),
        ..Default::default()
    }
}

/// Whether the lock file already pins this request (same target and
/// release, every planned package among the locked ones): then the sysroot
/// is synced from it, so every machine gets the identical packages, instead
/// of re-resolved. A sysroot only grows: a plan that asks for less than the
/// lock (or the same) is the lock; one that asks for more is fetched, and
/// fetch adds the new packages to the locked ones.
fn lock_pins(request: &FetchRequest) -> bool {
    let Ok((locked, _, _)) = sysroot::locked_sysroot(
        &request.target,
        Some(&request.release),
        request.cache_dir.as_deref(),
        request.lock_file.as_deref(),
    ) else {
        return false;
    };
    request
        .packages
        .iter()
        .all(|package| locked.requested.contains(package))
        && locked.base_set
}

/// Fetches (or, when the lock pins the request, syncs) one sysroot, for
/// callers without an async runtime, with the mirror, keyring and cancel
/// token of `options`.
pub fn fetch_sysroot(
    request: &FetchRequest,
    options: &RunOptions,
    progress: FixProgress<'_>,
) -> Result<FetchOutcome, FixError> {
    let mut request = request.clone();
    with_run_options(&mut request, options);
    runtime()?.block_on(fetch_or_sync(&request, &options.cancel, progress))
}

async fn fetch_or_sync(
    request: &FetchRequest,
    cancel: &CancellationToken,
    progress: FixProgress<'_>,
) -> Result<FetchOutcome, FixError> {
    if let Some(parent) = request.dir.as_deref().and_then(Path::parent) {
        std::fs::create_dir_all(parent).map_err(|source| FixError::CreateDir {
            path: parent.to_owned(),
            source,
        })?;
    }
    let on_sysroot = |event: ProgressEvent| progress(FixEvent::Sysroot(event));
    let target = request.target.clone();
    let release = request.release.clone();
    let work = async {
        if lock_pins(request) {
            // A teammate's clone: recreate exactly what the lock pins.
            return sysroot::sync(&sync_request(request), &on_sysroot)
                .await
                .map_err(|source| FixError::Sync {
                    target,
                    release,
                    source: Box::new(source),
                });
        }
        sysroot::fetch(request, &on_sysroot)
            .await
            .map_err(|source| FixError::Fetch {
                target,
                release,
                source: Box::new(source),
            })
    };
    // Dropping the engine's future at an await point stops its downloads;
    // the sysroot is renamed into place only once it is whole.
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(FixError::Cancelled),
        outcome = work => outcome,
    }
}

/// The sync that recreates what a pinning lock holds for `request`.
fn sync_request(request: &FetchRequest) -> SyncRequest {
    SyncRequest {
        target: request.target.clone(),
        release: Some(request.release.clone()),
        dir: request.dir.clone(),
        lock_file: request.lock_file.clone(),
        mirror: request.mirror.clone(),
        ports_mirror: request.ports_mirror.clone(),
        keyring: request.keyring.clone(),
        project_dir: request.project_dir.clone(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "aarch64-unknown-linux-gnu";

    #[test]
    fn the_lock_sits_in_the_project_or_beside_the_user_config() {
        let project = Layout::project(
            "/work/app",
            "/work/app/.cargo/config.toml",
            TARGET,
            "bookworm",
        );
        assert_eq!(
            lock_path(&project),
            Path::new("/work/app/crossport-sysroot.lock")
        );
        let user = Layout::user(
            "/home/me/.cargo",
            "/home/me/.cargo/config.toml",
            TARGET,
            "bookworm",
        );
        assert_eq!(
            lock_path(&user),
            Path::new("/home/me/.cargo/crossport/crossport-sysroot.lock")
        );
    }

    #[test]
    fn a_fetch_request_names_the_dir_and_the_lock() {
        let layout = Layout::project(
            "/work/app",
            "/work/app/.cargo/config.toml",
            TARGET,
            "bookworm",
        );
        let packages = ["libssl-dev".to_owned()];
        let request = fetch_request(TARGET, "bookworm", &packages, "/work/app/sysroot", &layout);
        assert_eq!(request.packages, packages);
        assert_eq!(request.dir.as_deref(), Some(Path::new("/work/app/sysroot")));
        assert_eq!(
            request.lock_file.as_deref(),
            Some(Path::new("/work/app/crossport-sysroot.lock"))
        );
    }
}
