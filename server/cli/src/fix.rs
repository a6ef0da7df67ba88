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
use crossport_analysis::fixes::{FixPlan, Layout, PlanCommand, PlanError, merged_edits};
use crossport_analysis::inspect::ServerMirror;
use crossport_analysis::preflight::ProjectGraph;
use crossport_driver::config::config_file_in;
use crossport_driver::fix::{FixEvent, FixSelection, plan_fixes};
use crossport_driver::project::Project;
use crossport_driver::sysroot::ProgressEvent;
use crossport_formats::distro::{
    DEFAULT_RELEASE, KnownRelease, known_release, unknown_release_message,
};

use crate::doctor::{graph, load_project};
use crate::output::{Format, InputError, print_json};

/// Show (and with --apply, make) the changes that let a project build for a target.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The package or workspace manifest (default: the nearest Cargo.toml).
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Target triple (default: `build.target`, else the host).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Debian or Ubuntu release whose libraries (and glibc) the sysroot has.
    /// [default: the release `--server` runs, else bookworm]
    #[arg(long, value_name = "CODENAME")]
    pub release: Option<String>,
    /// Take target, release and mirror from this server (`crossport probe`
    /// over ssh): its architecture, its os-release and its apt sources.
    #[arg(long, value_name = "USER@HOST")]
    pub server: Option<String>,
    #[command(flatten)]
    pub ssh: crate::probe::SshArgs,
    /// Plan only this fix (repeatable): add_target, configure_linker,
    /// configure_zig_linker, configure_musl_sysroot, fetch_sysroot_and_wire,
    /// configure_runner, use_vendored_openssl, use_rustls, use_bundled_sqlite,
    /// use_static_zlib, use_vendored_libgit2.
    #[arg(long = "only", value_name = "ID")]
    pub only: Vec<String>,
    /// Link with this instead of what the host has: `zig` writes wrappers
    /// around `zig cc` against the release's glibc (or --glibc) and no
    /// sysroot (`configure_zig_linker`); `clang` for a musl target compiles
    /// and links against Debian's musl-dev (`configure_musl_sysroot`). Chosen by itself for a `--server`
    /// whose glibc is older than every release a sysroot can be fetched for.
    #[arg(long, value_enum, value_name = "LINKER")]
    pub linker: Option<LinkerChoice>,
    /// The glibc to link against with zig, e.g. 2.17, for a server older
    /// than every release a sysroot can be fetched for (implies --linker zig).
    #[arg(long, value_name = "X.Y")]
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
    /// OpenPGP keyring that replaces the built-in Debian and Ubuntu archive
    /// keys for the sysroot fetch (as `sysroot fetch --keyring`): for a
    /// private mirror signed with its own key.
    #[arg(long, value_name = "FILE")]
    pub keyring: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// A linker `fix` can be told to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LinkerChoice {
    Zig,
    /// For a musl target: clang + lld against Debian's musl-dev for the
    /// target's architecture, fetched as a sysroot (`configure_musl_sysroot`).
    Clang,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let flag_glibc = args
        .glibc
        .as_deref()
        .map(crate::old_server::parse_glibc)
        .transpose()?;
    let mut project = load_project(args.manifest_path.as_deref())?;
    let server = match &args.server {
        Some(server) => Some(probe_server(server, &args.ssh)?),
        None => None,
    };
    let recommendation = server.as_ref().map(|report| &report.recommendation);
    let target = match (&args.target, recommendation.and_then(|r| r.target.as_ref())) {
        (Some(target), _) | (None, Some(target)) => target.clone(),
        (None, None) => project.targets(&[]).remove(0),
    };
    let release_name = args
        .release
        .clone()
        .or_else(|| recommendation.and_then(|r| r.release.clone()))
        .unwrap_or_else(|| DEFAULT_RELEASE.to_owned());
    let release = known_release(&release_name)
        .ok_or_else(|| InputError(unknown_release_message(&release_name)))?;
    // zig links against --glibc, or the glibc of a server no sysroot
    // release reaches; the release still names the sysroot.
    let server_glibc = server.as_ref().and_then(crate::old_server::server_glibc);
    let zig_glibc = crate::old_server::zig_glibc(flag_glibc, server_glibc);
    let use_zig = args.only.is_empty()
        && !crossport_analysis::preflight::is_musl(&target)
        && args.linker != Some(LinkerChoice::Clang)
        && (args.linker == Some(LinkerChoice::Zig) || zig_glibc.is_some());
    let pinned;
    let release = match zig_glibc.filter(|_| use_zig || flag_glibc.is_some()) {
        Some(glibc) => {
            pinned = crossport_formats::distro::KnownRelease { glibc, ..*release };
            &pinned
        }
        None => release,
    };
    if use_zig
        && flag_glibc.is_none()
        && let (Some(report), Some(glibc)) = (&server, zig_glibc)
    {
        eprintln!("{}", old_server_note(&report.host, &target, glibc));
    }
    // The server's mirror is for its own release; another --release keeps
    // the usual mirror choice.
    let server_mirror = recommendation
        .filter(|r| r.release.as_deref() == Some(release.codename))
        .and_then(|r| r.mirror.clone());
    if let Some(report) = &server {
        eprintln!(
            "server {}: target {target}, release {}{}",
            report.host,
            release.label(),
            server_mirror
                .as_ref()
                .map(|m| format!(", mirror {} (from {})", m.uri, m.origin))
                .unwrap_or_default()
        );
    }
    project.complete_host(std::slice::from_ref(&target));
    let graph = graph(&project, &target)?;
    let layout = layout(
        &project,
        &args,
        &graph.workspace_root,
        &target,
        release.codename,
    );
    let musl_clang = args.only.is_empty()
        && args.linker == Some(LinkerChoice::Clang)
        && crossport_analysis::preflight::is_musl(&target);
    let only = if use_zig || musl_clang {
        let mut ids: Vec<String> = Vec::new();
        if !project.host.installed_targets.contains(&target) {
            ids.push("add_target".into());
        }
        ids.push(
            if use_zig {
                "configure_zig_linker"
            } else {
                "configure_musl_sysroot"
            }
            .into(),
        );
        ids
    } else {
        args.only.clone()
    };
    let plans = plan(&project, &graph, &target, release, &layout, &only)?;
    match args.format {
        Format::Json => print_json(crossport_json::fix::Fix {
            target: target.clone(),
            release: release.codename.to_owned(),
            server: server.as_ref().map(Into::into),
            applied: args.apply,
            plans: plans.iter().map(Into::into).collect(),
            // The host's own triple: the file plain cargo does not read,
            // and how to build with it.
            host_target: host_target_json(&layout),
        })?,
        Format::Human => print_plans(&plans, &layout, args.apply)?,
    }
    if args.apply
        && let (Some(report), Some(mirror)) = (&server, &server_mirror)
    {
        let entry = crossport_driver::sysroot::remembered::Remembered {
            release: release.codename.to_owned(),
            archive: mirror.archive,
            uri: mirror.uri.clone(),
            origin: format!("{}:{}", report.host, mirror.origin),
        };
        let root = Path::new(&graph.workspace_root);
        let path =
            crossport_driver::sysroot::remembered::remember(root, entry).with_context(|| {
                format!(
                    "could not remember the server's mirror in {}",
                    root.display()
                )
            })?;
        eprintln!("remembered the server's mirror in {}", path.display());
    }
    if args.apply {
        apply(
            &plans,
            &layout,
            &graph.workspace_root,
            args.edits_only,
            server_mirror.as_ref(),
            args.keyring.as_deref(),
        )?;
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
    project: &Project,
    graph: &ProjectGraph,
    target: &str,
    release: &KnownRelease,
    layout: &Layout,
    only: &[String],
) -> anyhow::Result<Vec<FixPlan>> {
    let selection = if only.is_empty() {
        FixSelection::Needed
    } else {
        FixSelection::Only(only)
    };
    let disk = crossport_driver::overlay::Overlay::new();
    plan_fixes(project, graph, target, release, layout, &disk, selection).map_err(|err| match err {
        PlanError::UnknownFix { .. } | PlanError::NotApplicable { .. } => {
            InputError(err.to_string()).into()
        }
        other => anyhow::Error::from(other),
    })
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
    if let Some(note) = host_target_note(layout) {
        writeln!(out, "\n{note}")?;
    }
    if !applying {
        writeln!(
            out,
            "\nthis was a dry run: add `--apply` to make these changes"
        )?;
    }
    Ok(())
}

/// For a target that is the host: the triple and the file its settings went
/// to (`.cargo/crossport-<triple>.toml`, which plain cargo never reads).
fn host_target(layout: &Layout) -> Option<(&str, String)> {
    let name = Path::new(&layout.config_path).file_name()?.to_str()?;
    let target = name.strip_prefix("crossport-")?.strip_suffix(".toml")?;
    Some((target, display_path(&layout.config_path, layout)))
}

/// What changes and what does not, with the exact command to build for
/// the target.
fn host_target_note(layout: &Layout) -> Option<String> {
    let (target, shown) = host_target(layout)?;
    Some(format!(
        "note: {target} is this machine's own target, so these settings go to {shown}, \
         not .cargo/config.toml: plain `cargo build` and `cargo run` stay native.\n\
         note: build for the release with `crossport build --target {target}` \
         or `cargo build --config {shown} --target {target}`"
    ))
}

fn host_target_json(layout: &Layout) -> Option<crossport_json::fix::HostTarget> {
    host_target(layout).map(|(target, shown)| crossport_json::fix::HostTarget {
        build_command: format!("cargo build --config {shown} --target {target}"),
        config: shown,
    })
}

/// Why `fix --server` links with zig: the server is older than every
/// sysroot release, and musl is the other way.
fn old_server_note(host: &str, target: &str, glibc: (u32, u32)) -> String {
    let oldest = crossport_analysis::preflight::oldest_sysroot_release();
    let musl = crossport_analysis::preflight::musl_sibling(target)
        .map(|musl| format!("; for a static binary instead: crossport fix --target {musl}"))
        .unwrap_or_default();
    format!(
        "server {host} has glibc {}.{}, older than every sysroot release (the oldest, {}, has {}.{}): linking with zig against glibc {}.{}{musl}",
        glibc.0, glibc.1, oldest.codename, oldest.glibc.0, oldest.glibc.1, glibc.0, glibc.1
    )
}

/// Probes the server `fix --server` (and `doctor --server`) names.
pub(crate) fn probe_server(
    server: &str,
    ssh: &crate::probe::SshArgs,
) -> anyhow::Result<crossport_driver::ssh::ProbeReport> {
    let host =
        crossport_driver::ssh::parse_ssh_host(server).map_err(|err| InputError(err.to_string()))?;
    let options = ssh.to_options()?;
    crossport_driver::ssh::probe(&host, &options)
        .with_context(|| format!("cannot probe {}", host.label()))
}

fn apply(
    plans: &[FixPlan],
    layout: &Layout,
    root: &str,
    edits_only: bool,
    mirror: Option<&ServerMirror>,
    keyring: Option<&Path>,
) -> anyhow::Result<()> {
    if !edits_only {
        let options = crossport_driver::fix::RunOptions {
            mirror: mirror.cloned(),
            keyring: keyring.map(Path::to_path_buf),
            ..Default::default()
        };
        crossport_driver::fix::run_commands(
            plans.iter().flat_map(|plan| &plan.commands),
            layout,
            Path::new(root),
            &options,
            &show_progress,
        )?;
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

/// What `--apply` prints while the plans' commands run.
fn show_progress(event: FixEvent<'_>) {
    match event {
        FixEvent::Output(line) => eprintln!("{line}"),
        FixEvent::Sysroot(ProgressEvent::Phase(phase)) => eprintln!("sysroot: {phase}"),
        FixEvent::SysrootReady(outcome) => eprintln!(
            "sysroot: {} ({} packages{})",
            outcome.path.display(),
            outcome.packages.len(),
            if outcome.up_to_date {
                ", up to date"
            } else {
                ""
            }
        ),
        FixEvent::ByHand(hint) => eprintln!("note: install the missing tool yourself: {hint}"),
        FixEvent::Running(_) | FixEvent::Sysroot(_) => {}
    }
}
