//! `crossport explain`: read a failed build's output and explain it.
//!
//! The log comes from a file or standard input; the findings go to stdout as
//! JSON (`--format json`) or as a short explanation per finding with the
//! evidence lines quoted and the fixes named. Exit status 0 whenever the log
//! could be read, findings or not; 2 when it could not.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use anyhow::Context as _;
use crossport_analysis::explain::explain_log;
use crossport_analysis::finding::{Finding, Severity};
use crossport_analysis::rules::rule_for;
use crossport_formats::cargo_log::{self, CargoLog};

use crate::output::{Format, InputError, print_json};

/// Read a failed build's output (cargo, a build script, a linker, or a
/// program's loader on the server) and say what went wrong for the target.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The log to read; `-` or nothing reads standard input.
    pub file: Option<std::path::PathBuf>,
    /// The target triple the build was for, when the log does not say.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Answer for the project in the current directory and this Debian or
    /// Ubuntu release, as `crossport build` does: offer only the fixes
    /// `crossport fix` accepts there, and look a library the linker missed
    /// up in the release's signed `Contents-<arch>` index (the mirror a
    /// sysroot fetch would use) to name the package that ships it.
    #[arg(long, value_name = "CODENAME")]
    pub release: Option<String>,
    /// OpenPGP keyring that replaces the built-in archive keys for that
    /// lookup (as `sysroot fetch --keyring`).
    #[arg(long, value_name = "FILE", requires = "release")]
    pub keyring: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The JSON document `--format json` prints.
#[derive(serde::Serialize)]
struct Report<'a> {
    findings: &'a [Finding],
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let input = read_input(args.file.as_deref())?;
    let log = cargo_log::read(&input);
    let mut findings = explain_log(&log, args.target.as_deref());
    if let Some(release) = &args.release {
        refine(&args, release, &mut findings);
    }
    match args.format {
        Format::Json => print_json(&Report {
            findings: &findings,
        })?,
        Format::Human => print_human(&log, &findings).context("could not write the explanation")?,
    }
    Ok(ExitCode::SUCCESS)
}

/// With `--release`: the findings for the project in the current directory
/// (when there is one), as `crossport build` gives them: only fixes
/// `crossport fix` accepts there, and the package of each library the
/// linker missed, from the wired sysroot and the release's signed Contents
/// index. A lookup that fails is a note on stderr.
fn refine(args: &Args, release: &str, findings: &mut [Finding]) {
    use crossport_driver::sysroot_contents::{LookupRequest, name_missing_libraries};
    let target = args
        .target
        .clone()
        .or_else(|| findings.iter().find_map(|f| f.target.clone()));
    let Some(target) = target else {
        return;
    };
    let mut request = LookupRequest::default();
    if let Ok(mut project) = crate::doctor::load_project(None) {
        request = LookupRequest::for_project(&project, &target, Some(release), None);
        project.complete_host(std::slice::from_ref(&target));
        if let (Ok(graph), Some(known)) = (
            project.graph(&target),
            crossport_formats::distro::known_release(release),
        ) {
            let layout = project.project_layout(&graph.workspace_root, &target, known.codename);
            crossport_driver::fix::keep_applicable_fixes(
                &project, &graph, &target, known, &layout, findings,
            );
        }
    }
    if !LookupRequest::wanted(findings) {
        return;
    }
    request.contents.target = target;
    request.contents.release = release.to_owned();
    request.contents.keyring = args.keyring.clone();
    if let Err(err) = name_missing_libraries(findings, &request) {
        eprintln!(
            "note: could not look the missing library up in {release}'s Contents index: {}",
            crossport_driver::report::one_line(&err)
        );
    }
}

fn read_input(file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    match file {
        None => read_stdin(),
        Some(path) if path == Path::new("-") => read_stdin(),
        Some(path) => std::fs::read(path).map_err(|err| {
            anyhow::Error::new(InputError(format!(
                "could not read the log {}: {err}",
                path.display()
            )))
        }),
    }
}

fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut input)
        .map_err(|err| {
            anyhow::Error::new(InputError(format!(
                "could not read the log from standard input: {err}"
            )))
        })?;
    Ok(input)
}

/// Evidence longer than this is shown as its first and last lines.
const MAX_QUOTED_LINES: usize = 6;
/// Quoted lines are cut at this many characters (linker command lines are huge).
const MAX_QUOTED_WIDTH: usize = 160;

fn print_human(log: &CargoLog, findings: &[Finding]) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    if findings.is_empty() {
        writeln!(
            out,
            "no failure in this log: crossport found no error line to explain"
        )?;
    }
    for (position, finding) in findings.iter().enumerate() {
        if position > 0 {
            writeln!(out)?;
        }
        write_finding(&mut out, log, finding)?;
    }
    if let Some(first) = log.skipped.first() {
        let dim = Style::new().fg_color(Some(AnsiColor::Blue.into()));
        writeln!(
            out,
            "\n{dim}note{dim:#}: {} line(s) looked like JSON messages but could not be read (first: line {}, {}); they were read as text",
            log.skipped.len(),
            first.line,
            first.reason
        )?;
    }
    Ok(())
}

fn write_finding(out: &mut impl Write, log: &CargoLog, finding: &Finding) -> std::io::Result<()> {
    let (label, color) = match finding.severity {
        Severity::Error => ("error", AnsiColor::Red),
        Severity::Warning => ("warning", AnsiColor::Yellow),
        Severity::Info => ("info", AnsiColor::Cyan),
    };
    let head = Style::new().bold().fg_color(Some(color.into()));
    let bold = Style::new().bold();
    let dim = Style::new().fg_color(Some(AnsiColor::Blue.into()));
    let fix_style = Style::new().fg_color(Some(AnsiColor::Green.into()));
    writeln!(
        out,
        "{head}{label}[{}]{head:#}{bold}: {}{bold:#}",
        finding.kind, finding.message
    )?;
    writeln!(out, "  {dim}={dim:#} {}", rule_for(finding.kind).summary)?;
    if let Some(target) = &finding.target {
        writeln!(out, "  {dim}={dim:#} target: {target}")?;
    }
    for (key, value) in &finding.facts {
        if key == "next_step" {
            continue;
        }
        if let (Some(lines), "error_lines") = (value.as_array(), key.as_str()) {
            writeln!(out, "  {dim}={dim:#} first error lines:")?;
            for line in lines.iter().filter_map(|line| line.as_str()) {
                writeln!(out, "      {}", shorten(line))?;
            }
            continue;
        }
        let value = match value {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Array(items) => list(items),
            other => other.to_string(),
        };
        writeln!(out, "  {dim}={dim:#} {key}: {value}")?;
    }
    if let Some([first, last]) = finding.evidence.lines {
        write_evidence(out, log, first, last, dim)?;
    }
    for fix in &finding.fixes {
        writeln!(
            out,
            "  {fix_style}fix{fix_style:#}: {} ({})",
            fix.title, fix.id
        )?;
        if let Some(command) = &fix.command {
            writeln!(out, "       run: {command}")?;
        }
    }
    if let Some(next) = finding.facts.get("next_step").and_then(|n| n.as_str()) {
        writeln!(out, "  {fix_style}next{fix_style:#}: run {next}")?;
    }
    Ok(())
}

/// Lists at most a handful of values; env var lists run to dozens.
fn list(items: &[serde_json::Value]) -> String {
    const SHOWN: usize = 6;
    let names: Vec<String> = items
        .iter()
        .take(SHOWN)
        .map(|item| {
            item.as_str()
                .map_or_else(|| item.to_string(), str::to_owned)
        })
        .collect();
    let joined = names.join(", ");
    if items.len() > SHOWN {
        format!("{joined} … ({} in all)", items.len())
    } else {
        joined
    }
}

/// Quotes the log's lines `first..=last` (original numbering), eliding the
/// middle of long ranges.
fn write_evidence(
    out: &mut impl Write,
    log: &CargoLog,
    first: u32,
    last: u32,
    dim: Style,
) -> std::io::Result<()> {
    let quoted: Vec<(u32, &str)> = log
        .lines
        .iter()
        .filter(|line| (first..=last).contains(&line.number))
        .map(|line| (line.number, line.text.as_str()))
        .collect();
    let width = last.to_string().len();
    writeln!(out, "  {dim}-->{dim:#} log lines {first}-{last}")?;
    let show = |out: &mut dyn Write, (number, text): (u32, &str)| {
        writeln!(out, "  {dim}{number:>width$} |{dim:#} {}", shorten(text))
    };
    if quoted.len() <= MAX_QUOTED_LINES {
        for line in quoted {
            show(out, line)?;
        }
        return Ok(());
    }
    show(out, quoted[0])?;
    writeln!(out, "  {dim}{:>width$} |{dim:#} …", "")?;
    let tail: Vec<(u32, &str)> = quoted[1..]
        .iter()
        .rev()
        .filter(|(_, text)| !text.trim().is_empty())
        .take(3)
        .copied()
        .collect();
    for line in tail.into_iter().rev() {
        show(out, line)?;
    }
    Ok(())
}

fn shorten(text: &str) -> String {
    let trimmed = text.trim_end();
    match trimmed.char_indices().nth(MAX_QUOTED_WIDTH) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}
