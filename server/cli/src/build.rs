//! `crossport build`: build for a target with cargo, show what cargo says,
//! and answer the next question.
//!
//! Runs `cargo build --target T --message-format=json…` and keeps everything
//! cargo printed on both streams (a failing build script writes only to
//! stderr) in a log file whose path is printed. On a terminal a progress line
//! shows where the build is; otherwise cargo's own lines (and rustc's rendered
//! diagnostics) stream to stderr as they come. When the build fails the log
//! goes to the explain engine, so the failure comes back as the same findings
//! and fixes `explain` and `doctor` report, each with the log lines it rests
//! on, and `--fix` applies the fixes they name and builds again. When it
//! succeeds, the artifact is inspected: which Debian releases it runs on.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use crossport_analysis::finding::Finding;
use crossport_analysis::fixes::FIX_IDS;
use crossport_analysis::inspect::InspectReport;
use crossport_driver::cargo::{BuildEvent, BuildOutcome};
use crossport_driver::inspect::InspectOptions;
use crossport_driver::toolchain::EnvOverlay;
use crossport_formats::cargo_log::CargoLog;

use crate::output::{Format, print_json};

/// Build for a target with cargo; on failure explain it, on success inspect the binary.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Target triple to build for.
    #[arg(long, value_name = "TRIPLE")]
    pub target: String,
    /// The Debian release the binary is for: its verdict comes first, and
    /// `--fix` plans for it (default: bookworm).
    #[arg(long, value_name = "CODENAME")]
    pub release: Option<String>,
    /// When the build fails, apply the fixes its findings name (as
    /// `crossport fix --only … --apply` would) and build again.
    #[arg(long)]
    pub fix: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Arguments passed on to `cargo build` (after `--`).
    #[arg(last = true, value_name = "CARGO_ARGS")]
    pub cargo_args: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir: PathBuf = std::env::current_dir().context("the current directory is not readable")?;
    let mut attempt = build_once(&dir, &args)?;
    let mut applied = Vec::new();
    if !attempt.outcome.success && args.fix {
        let ids = fix_ids(&attempt.findings);
        if !ids.is_empty() {
            apply_fixes(&args, &ids)?;
            applied = ids;
            attempt = build_once(&dir, &args)?;
        }
    }
    report(&args, &attempt, &applied)?;
    Ok(if attempt.outcome.success {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One cargo run and what crossport makes of it.
struct Attempt {
    outcome: BuildOutcome,
    log_path: Option<PathBuf>,
    findings: Vec<Finding>,
    artifact: Option<PathBuf>,
    inspect: Option<Result<InspectReport, String>>,
}

fn build_once(dir: &Path, args: &Args) -> anyhow::Result<Attempt> {
    let human = args.format == Format::Human;
    let tty = human && std::io::stderr().is_terminal();
    let bar = progress_bar(tty);
    let mut compiled = 0usize;
    let cargo_args = with_target_file(dir, args, human);
    let outcome = crossport_driver::cargo::build(
        dir,
        &args.target,
        &cargo_args,
        &EnvOverlay::new(),
        |event| match event {
            BuildEvent::Compiled { package, fresh } => {
                compiled += 1;
                let verb = if fresh { "Fresh" } else { "Compiled" };
                bar.set_message(format!("{compiled} crates · {verb} {package}"));
            }
            BuildEvent::Stderr(line) if human && !tty => eprintln!("{line}"),
            BuildEvent::Diagnostic(text) if human && !tty => eprintln!("{text}"),
            BuildEvent::Stderr(_) | BuildEvent::Diagnostic(_) => {}
        },
    )
    .context("could not run cargo build")?;
    bar.finish_and_clear();
    let log_path = write_log(dir, &args.target, &outcome.log);
    let findings = if outcome.success {
        Vec::new()
    } else {
        let mut findings = crossport_analysis::explain::explain(&outcome.log, Some(&args.target));
        refine(args, &mut findings);
        findings
    };
    let artifact = outcome.executables.last().cloned();
    let inspect = artifact.as_ref().filter(|_| outcome.success).map(|path| {
        let options = InspectOptions {
            release: args.release.clone(),
            glibc: None,
            sysroot: None,
        };
        crossport_driver::inspect::inspect(path, &options)
            .map_err(|err| format!("{:#}", anyhow::Error::new(err)))
    });
    Ok(Attempt {
        outcome,
        log_path,
        findings,
        artifact,
        inspect,
    })
}

/// Makes a failed build's findings the project's: only fixes `crossport
/// fix` accepts here (one planner behind every command), and the package
/// of each library the linker missed, from the wired sysroot and the
/// release's signed Contents index. What cannot be read (no project, no
/// mirror) leaves the findings as the log gave them, with a note.
fn refine(args: &Args, findings: &mut [Finding]) {
    use crossport_driver::sysroot_contents::{LookupRequest, name_missing_libraries};
    let Ok(mut project) = crate::doctor::load_project(None) else {
        return;
    };
    let lookup = LookupRequest::for_project(&project, &args.target, args.release.as_deref(), None);
    let release = crossport_formats::distro::known_release(&lookup.contents.release);
    project.complete_host(std::slice::from_ref(&args.target));
    if let (Ok(graph), Some(release)) = (project.graph(&args.target), release) {
        let layout = project.project_layout(&graph.workspace_root, &args.target, release.codename);
        crossport_driver::fix::keep_applicable_fixes(
            &project,
            &graph,
            &args.target,
            release,
            &layout,
            findings,
        );
    }
    if !LookupRequest::wanted(findings) {
        return;
    }
    if let Err(err) = name_missing_libraries(findings, &lookup)
        && args.format == Format::Human
    {
        eprintln!(
            "note: could not look the missing library up in {}'s Contents index: {}",
            lookup.contents.release,
            crossport_driver::report::one_line(&err)
        );
    }
}

/// The cargo arguments, with `--config <.cargo/crossport-<target>.toml>`
/// first when `crossport fix` wrote one (a target that is the host keeps its
/// settings there so plain `cargo build` stays native).
fn with_target_file(dir: &Path, args: &Args, human: bool) -> Vec<String> {
    let overlay = crossport_driver::overlay::Overlay::new();
    let Some(file) = crossport_driver::config::find_target_file(dir, &args.target, &overlay) else {
        return args.cargo_args.clone();
    };
    if human {
        eprintln!("using {} (passed to cargo with --config)", file.display());
    }
    let mut cargo_args = vec!["--config".to_owned(), file.display().to_string()];
    cargo_args.extend(args.cargo_args.iter().cloned());
    cargo_args
}

/// Keeps the whole log at `<target dir>/crossport/logs/build-<target>.log`
/// (the workspace's target directory, as cargo metadata names it), else in
/// the system's temp directory. `None` when neither can be written.
fn write_log(dir: &Path, target: &str, log: &[u8]) -> Option<PathBuf> {
    let target_dir = crossport_driver::cargo::find_manifest(dir)
        .ok()
        .and_then(|manifest| crossport_driver::cargo::workspace_bins(&manifest).ok())
        .map(|workspace| workspace.target_directory.join("crossport").join("logs"));
    let name = format!("build-{target}.log");
    let candidates = target_dir
        .into_iter()
        .chain([std::env::temp_dir().join("crossport-logs")]);
    for logs in candidates {
        let path = logs.join(&name);
        if std::fs::create_dir_all(&logs).is_ok() && std::fs::write(&path, log).is_ok() {
            return Some(path);
        }
    }
    None
}

/// The fix ids the findings name that `crossport fix` accepts, in order.
fn fix_ids(findings: &[Finding]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for fix in findings.iter().flat_map(|f| &f.fixes) {
        if FIX_IDS.contains(&fix.id.as_str()) && !ids.contains(&fix.id) {
            ids.push(fix.id.clone());
        }
    }
    ids
}

/// Runs this binary's `fix --only … --apply`, so the build applies exactly
/// what `crossport fix` would.
fn apply_fixes(args: &Args, ids: &[String]) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("cannot find the crossport binary")?;
    let mut command = std::process::Command::new(exe);
    command.args(["fix", "--target", &args.target, "--apply"]);
    if let Some(release) = &args.release {
        command.args(["--release", release]);
    }
    for id in ids {
        command.args(["--only", id]);
    }
    if args.format == Format::Json {
        // Keep stdout for the one JSON document this command prints.
        command.stdout(std::process::Stdio::null());
    }
    let status = command.status().context("could not run crossport fix")?;
    if !status.success() {
        anyhow::bail!(
            "`crossport fix --target {} --only {} --apply` failed",
            args.target,
            ids.join(" --only ")
        );
    }
    Ok(())
}

fn report(args: &Args, attempt: &Attempt, applied: &[String]) -> anyhow::Result<()> {
    let log = crossport_formats::cargo_log::read(&attempt.outcome.log);
    let log_path = attempt.log_path.as_ref().map(|p| p.display().to_string());
    match args.format {
        Format::Json => {
            let evidence: Vec<Vec<String>> = attempt
                .findings
                .iter()
                .map(|f| evidence_lines(&log, f))
                .collect();
            let (inspect, inspect_error) = match &attempt.inspect {
                Some(Ok(report)) => (serde_json::to_value(report)?, None),
                Some(Err(err)) => (serde_json::Value::Null, Some(err.clone())),
                None => (serde_json::Value::Null, None),
            };
            let verdict = match &attempt.inspect {
                Some(Ok(report)) => Some(verdict_line(report, args.release.as_deref())),
                _ => None,
            };
            print_json(&serde_json::json!({
                "success": attempt.outcome.success,
                "target": args.target,
                "artifact": attempt.artifact,
                "verdict": verdict,
                "inspect": inspect,
                "inspect_error": inspect_error,
                "log": log_path,
                "findings": attempt.findings,
                "evidence": evidence,
                "fixes": fix_ids(&attempt.findings),
                "applied_fixes": applied,
            }))
        }
        Format::Human => print_human(args, attempt, &log, log_path.as_deref(), applied)
            .context("cannot write to stdout"),
    }
}

fn print_human(
    args: &Args,
    attempt: &Attempt,
    log: &CargoLog,
    log_path: Option<&str>,
    applied: &[String],
) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    if !applied.is_empty() {
        writeln!(out, "applied {}, then built again", applied.join(", "))?;
    }
    if attempt.outcome.success {
        writeln!(out, "built for {}", args.target)?;
        if let Some(artifact) = &attempt.artifact {
            writeln!(out, "  artifact: {}", artifact.display())?;
        }
        match &attempt.inspect {
            Some(Ok(report)) => {
                writeln!(out, "  {}", verdict_line(report, args.release.as_deref()))?
            }
            Some(Err(err)) => writeln!(out, "  could not inspect it: {err}")?,
            None => {}
        }
    } else if attempt.findings.is_empty() {
        writeln!(
            out,
            "the build for {} failed; crossport does not recognise why (cargo's output is above)",
            args.target
        )?;
    } else {
        for finding in &attempt.findings {
            crate::doctor::write_finding(&mut out, finding, &mut Default::default())?;
            let lines = evidence_lines(log, finding);
            if let (Some([first, last]), false) = (finding.evidence.lines, lines.is_empty()) {
                let at = log_path.unwrap_or("the log");
                writeln!(out, "   log {at}:{first}-{last}:")?;
                for line in lines {
                    writeln!(out, "   | {line}")?;
                }
                writeln!(out)?;
            }
        }
        let ids = fix_ids(&attempt.findings);
        if !ids.is_empty() && !args.fix {
            writeln!(
                out,
                "run `crossport build --target {} --fix` to apply {} and build again",
                args.target,
                ids.join(", ")
            )?;
        }
    }
    if let Some(path) = log_path {
        writeln!(out, "full log: {path}")?;
    }
    Ok(())
}

/// The log's lines a finding rests on, as people read them (a JSON
/// diagnostic's rendered text rather than its JSON); at most 12.
fn evidence_lines(log: &CargoLog, finding: &Finding) -> Vec<String> {
    let Some([first, last]) = finding.evidence.lines else {
        return Vec::new();
    };
    let mut lines: Vec<String> = log
        .lines
        .iter()
        .filter(|line| (first..=last).contains(&line.number))
        .map(|line| line.text.clone())
        .collect();
    if lines.len() > 12 {
        let hidden = lines.len() - 12;
        lines.truncate(12);
        lines.push(format!("… {hidden} more line(s) in the log"));
    }
    lines
}

/// "runs on bookworm, trixie; not on bullseye: needs libssl.so.3", with
/// the chosen release's verdict first.
pub fn verdict_line(report: &InspectReport, release: Option<&str>) -> String {
    let runs: Vec<&str> = report
        .verdicts
        .iter()
        .filter(|v| v.runs)
        .map(|v| v.against.as_str())
        .collect();
    let not: Vec<String> = report
        .verdicts
        .iter()
        .filter(|v| !v.runs)
        .map(|v| match v.problems.is_empty() {
            false => format!("{}: {}", v.against, v.problems.join(", ")),
            true => v.against.clone(),
        })
        .collect();
    let mut parts = Vec::new();
    let mut runs = runs;
    if let (Some(chosen), Some(verdict)) = (release, &report.target) {
        let word = if verdict.runs { "runs" } else { "does not run" };
        parts.push(format!("{word} on {chosen} (the chosen release)"));
        runs.retain(|r| *r != chosen);
        if !runs.is_empty() {
            parts.push(format!("also on {}", runs.join(", ")));
        }
    } else if !runs.is_empty() {
        parts.push(format!("runs on {}", runs.join(", ")));
    }
    if !not.is_empty() {
        parts.push(format!("not on {}", not.join("; ")));
    }
    if parts.is_empty() {
        return "no Debian release to judge it against".to_owned();
    }
    parts.join("; ")
}

fn progress_bar(tty: bool) -> indicatif::ProgressBar {
    if !tty {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} building {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
