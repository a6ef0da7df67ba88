//! `crossport fix`: show (and with --apply, make) the changes that let a project build for a target.
//!
//! Plans the fixes for one target (by default: install std if missing,
//! fetch a Debian sysroot and wire clang + lld, env names and a runner into
//! the cargo config), prints them as commands and unified diffs, and with
//! `--apply` runs the commands (rustup, the sysroot fetch) and writes every
//! file atomically, refusing if a file changed since it was read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use crossport_analysis::fixes::{
    FixContext, FixPlan, Layout, PlanCommand, PlanError, Workspace, default_fix_ids, merged_edits,
    plan_fix,
};
use crossport_driver::config::config_file_in;
use crossport_driver::project::{Project, fix_workspace, read_lock};
use crossport_formats::arch::debian_release;

use crate::doctor::{graph, load_project};
use crate::output::{Format, InputError, print_json};

/// The release used when `--release` is not given.
const DEFAULT_RELEASE: &str = "bookworm";

/// Show (and with --apply, make) the changes that let a project build for a target.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package or workspace manifest (default: the nearest Cargo.toml).
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Target triple (default: `build.target`, else the host).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Debian release whose libraries (and glibc) the sysroot has.
    #[arg(long, value_name = "CODENAME", default_value = DEFAULT_RELEASE)]
    pub release: String,
    /// Plan only this fix (repeatable): add_target, configure_linker,
    /// fetch_sysroot_and_wire, configure_runner, use_vendored_openssl,
    /// use_rustls, use_bundled_sqlite, use_static_zlib, use_vendored_libgit2.
    #[arg(long = "only", value_name = "ID")]
    pub only: Vec<String>,
    /// Link with this instead of what the host has: `zig` writes wrappers
    /// around `zig cc` against the release's glibc (or --glibc) and no
    /// sysroot (`configure_zig_linker`).
    #[arg(long, value_enum, value_name = "LINKER")]
    pub linker: Option<LinkerChoice>,
    /// With --linker zig: the glibc to link against, e.g. 2.17, for a server
    /// older than every release a sysroot can be fetched for.
    #[arg(long, value_name = "X.Y", requires = "linker")]
    pub glibc: Option<String>,
    /// Write to the user config ($CARGO_HOME/config.toml) instead of the
    /// project's, so native builds on the target's own architecture keep
    /// the default linker.
    #[arg(long)]
    pub user: bool,
    /// Make the changes (default: only show them).
    #[arg(long)]
    pub apply: bool,
    /// With --apply, write the file changes but run no command (rustup,
    /// the sysroot fetch): for a sysroot you fetch yourself, or one that is
    /// already in place.
    #[arg(long, requires = "apply")]
    pub edits_only: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// A linker `fix` can be told to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LinkerChoice {
    Zig,
}

/// `2.17` → (2, 17), or an error that says what is expected.
fn parse_glibc(text: &str) -> Result<(u32, u32), InputError> {
    let mut parts = text.trim().split('.');
    let parsed = (|| {
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((major, minor))
    })();
    parsed.ok_or_else(|| {
        InputError(format!(
            "--glibc `{text}` is not a glibc version: give major.minor, e.g. 2.17"
        ))
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut project = load_project(args.manifest_path.as_deref())?;
    let target = match &args.target {
        Some(target) => target.clone(),
        None => project.targets(&[]).remove(0),
    };
    let release = debian_release(&args.release).ok_or_else(|| {
        InputError(format!(
            "unknown Debian release `{}` (known: bullseye, bookworm, trixie)",
            args.release
        ))
    })?;
    // --glibc pins zig's glibc; the release still names the sysroot.
    let pinned;
    let release = match &args.glibc {
        Some(text) => {
            pinned = crossport_formats::arch::DebianRelease {
                glibc: parse_glibc(text)?,
                ..*release
            };
            &pinned
        }
        None => release,
    };
    project.complete_host(std::slice::from_ref(&target));
    let graph = graph(&project, &target)?;
    let layout = layout(
        &project,
        &args,
        &graph.workspace_root,
        &target,
        release.codename,
    );
    let lock = read_lock(&graph.workspace_root);
    let mut files = fix_workspace(&graph, &layout, &target);
    let cx = FixContext {
        target: &target,
        release,
        host: &project.host,
        graph: &graph,
        lock: &lock,
        layout: &layout,
    };
    let only = match (args.linker, args.only.is_empty()) {
        (Some(LinkerChoice::Zig), true) if !crossport_analysis::preflight::is_musl(&target) => {
            let mut ids: Vec<String> = Vec::new();
            if !project.host.installed_targets.contains(&target) {
                ids.push("add_target".into());
            }
            ids.push("configure_zig_linker".into());
            ids
        }
        _ => args.only.clone(),
    };
    let plans = plan(&cx, &only, &mut files)?;
    match args.format {
        Format::Json => print_json(&serde_json::json!({
            "target": target,
            "release": release.codename,
            "applied": args.apply,
            "plans": plans,
        }))?,
        Format::Human => print_plans(&plans, &layout, args.apply)?,
    }
    if args.apply {
        apply(&plans, &layout, &graph.workspace_root, args.edits_only)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn layout(project: &Project, args: &Args, root: &str, target: &str, release: &str) -> Layout {
    if args.user {
        let home = &project.configs.cargo_home;
        let config = config_file_in(home);
        return Layout::user(
            &home.display().to_string(),
            &config.display().to_string(),
            target,
            release,
        );
    }
    project.project_layout(root, target, release)
}

fn plan(
    cx: &FixContext<'_>,
    only: &[String],
    files: &mut Workspace,
) -> anyhow::Result<Vec<FixPlan>> {
    if only.is_empty() {
        let mut plans = Vec::new();
        for id in default_fix_ids(cx) {
            match plan_fix(cx, id, files) {
                Ok(plan) => plans.push(plan),
                Err(PlanError::NotApplicable { .. }) => {}
                Err(err) => return Err(err.into()),
            }
        }
        return Ok(plans);
    }
    only.iter()
        .map(|id| {
            plan_fix(cx, id, files).map_err(|err| match err {
                PlanError::UnknownFix { .. } | PlanError::NotApplicable { .. } => {
                    InputError(err.to_string()).into()
                }
                other => anyhow::Error::from(other),
            })
        })
        .collect()
}

fn display_path(path: &str, layout: &Layout) -> String {
    path.strip_prefix(&layout.base)
        .map(|rest| rest.trim_start_matches('/').to_owned())
        .unwrap_or_else(|| path.to_owned())
}

fn print_plans(plans: &[FixPlan], layout: &Layout, applying: bool) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    let bold = anstyle::Style::new().bold();
    let green = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into()));
    let red = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into()));
    if plans.is_empty() {
        writeln!(out, "nothing to fix")?;
        return Ok(());
    }
    for plan in plans {
        writeln!(out, "{bold}fix `{}`{bold:#}: {}", plan.id, plan.title)?;
        for command in &plan.commands {
            let prefix = match command {
                PlanCommand::Install { .. } => "install first",
                _ => "run",
            };
            writeln!(out, "  {prefix}: {}", command.display())?;
        }
        for edit in &plan.edits {
            let verb = if edit.old.is_some() { "edit" } else { "create" };
            writeln!(out, "  {verb}: {}", display_path(&edit.path, layout))?;
        }
        for note in &plan.notes {
            writeln!(out, "  note: {note}")?;
        }
    }
    writeln!(out)?;
    for edit in merged_edits(plans) {
        for line in edit.unified_diff(&display_path(&edit.path, layout)).lines() {
            if line.starts_with('+') && !line.starts_with("+++") {
                writeln!(out, "{green}{line}{green:#}")?;
            } else if line.starts_with('-') && !line.starts_with("---") {
                writeln!(out, "{red}{line}{red:#}")?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
    }
    if !applying {
        writeln!(
            out,
            "\nthis was a dry run: add `--apply` to make these changes"
        )?;
    }
    Ok(())
}

fn apply(plans: &[FixPlan], layout: &Layout, root: &str, edits_only: bool) -> anyhow::Result<()> {
    let commands = plans.iter().flat_map(|plan| &plan.commands);
    for command in commands.filter(|_| !edits_only) {
        match command {
            PlanCommand::AddTarget { target } => add_target(target, root)?,
            PlanCommand::FetchSysroot {
                target,
                release,
                packages,
                dir,
            } => fetch_sysroot(target, release, packages, dir, layout)?,
            PlanCommand::Install { hint } => {
                eprintln!("note: install the missing tool yourself: {hint}");
            }
        }
    }
    let edits = merged_edits(plans);
    crossport_driver::apply::apply_edits(&edits).context("could not write the changes")?;
    if edits.is_empty() {
        eprintln!(
            "applied {} fix(es); every file was already up to date",
            plans.len()
        );
    } else {
        eprintln!(
            "applied {} fix(es), wrote {} file(s)",
            plans.len(),
            edits.len()
        );
    }
    Ok(())
}

fn add_target(target: &str, root: &str) -> anyhow::Result<()> {
    let status = std::process::Command::new("rustup")
        .args(["target", "add", target])
        .current_dir(root)
        .status()
        .context("could not run rustup")?;
    if !status.success() {
        anyhow::bail!("`rustup target add {target}` failed");
    }
    Ok(())
}

/// Where the sysroot lock goes: the project root (committed, so a teammate
/// gets the same packages), or beside the user config.
fn lock_path(layout: &Layout) -> PathBuf {
    match layout.scope {
        crossport_analysis::fixes::Scope::Project => {
            Path::new(&layout.base).join(crossport_driver::sysroot::LOCK_FILE_NAME)
        }
        crossport_analysis::fixes::Scope::User => Path::new(&layout.base)
            .join("crossport")
            .join(crossport_driver::sysroot::LOCK_FILE_NAME),
    }
}

/// Whether the lock file already pins this exact request (same target,
/// release and packages): then the sysroot is synced from it, so every
/// machine gets the identical packages, instead of re-resolved.
fn lock_pins(request: &crossport_driver::sysroot::FetchRequest) -> bool {
    let Ok((locked, _, _)) = crossport_driver::sysroot::locked_sysroot(
        &request.target,
        Some(&request.release),
        request.cache_dir.as_deref(),
        request.lock_file.as_deref(),
    ) else {
        return false;
    };
    let mut wanted = request.packages.clone();
    wanted.sort();
    wanted.dedup();
    locked.requested == wanted && locked.base_set
}

fn fetch_sysroot(
    target: &str,
    release: &str,
    packages: &[String],
    dir: &str,
    layout: &Layout,
) -> anyhow::Result<()> {
    let request = crossport_driver::sysroot::FetchRequest {
        target: target.to_owned(),
        release: release.to_owned(),
        packages: packages.to_vec(),
        dir: Some(PathBuf::from(dir)),
        lock_file: Some(lock_path(layout)),
        ..Default::default()
    };
    if let Some(parent) = Path::new(dir).parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    let progress = |event: crossport_driver::sysroot::ProgressEvent| {
        if let crossport_driver::sysroot::ProgressEvent::Phase(phase) = event {
            eprintln!("sysroot: {phase}");
        }
    };
    let outcome = if lock_pins(&request) {
        // A teammate's clone: recreate exactly what the lock pins.
        let sync = crossport_driver::sysroot::SyncRequest {
            target: request.target.clone(),
            release: Some(request.release.clone()),
            dir: request.dir.clone(),
            lock_file: request.lock_file.clone(),
            ..Default::default()
        };
        runtime
            .block_on(crossport_driver::sysroot::sync(&sync, &progress))
            .with_context(|| {
                format!("could not recreate the locked {release} sysroot for {target}")
            })?
    } else {
        runtime
            .block_on(crossport_driver::sysroot::fetch(&request, &progress))
            .with_context(|| format!("could not fetch the {release} sysroot for {target}"))?
    };
    eprintln!(
        "sysroot: {} ({} packages{})",
        outcome.path.display(),
        outcome.packages.len(),
        if outcome.up_to_date {
            ", up to date"
        } else {
            ""
        }
    );
    Ok(())
}
