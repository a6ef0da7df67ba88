//! Runs every rule over a parsed log and orders the findings root cause first.
//!
//! A failed cross build usually prints several symptoms of one cause: the
//! host `cc` given aarch64 objects also reports incompatible libraries, and
//! openssl-sys's pkg-config probe fails before its own "could not find
//! OpenSSL" message. The user needs the cause first, so findings are sorted
//! by a fixed root-cause rank (then by where they appear), repeats are
//! merged, and symptoms that a more specific finding explains are dropped.

use std::collections::HashMap;

use crossport_formats::cargo_log::{self, CargoLog};

use crate::finding::{Finding, Kind, Severity};
use crate::rules::{self, Context};

/// Root-cause order: a kind earlier here explains kinds later here.
const ROOT_CAUSE_ORDER: [Kind; 19] = [
    Kind::TargetNotInstalled,
    Kind::StdUnavailableForTarget,
    Kind::LinkerNotFound,
    // zig is the linker when it reports: lld's complaints under it (an
    // unknown argument, a foreign object) are zig's to explain.
    Kind::ZigbuildError,
    Kind::HostLinkerUsed,
    Kind::WrongLinkerFlavor,
    Kind::VendoredOpensslPerl,
    Kind::OpensslNotFound,
    Kind::CcToolNotFound,
    Kind::CcToolchainBroken,
    Kind::WrongCcForTarget,
    Kind::MissingHeader,
    Kind::PkgConfigCross,
    Kind::MuslStatic,
    Kind::WrongArchLibrary,
    Kind::MissingLibraryAtLink,
    Kind::GlibcTooNew,
    Kind::RuntimeMissingSharedLib,
    Kind::UnrecognisedFailure,
];

fn rank(kind: Kind) -> usize {
    ROOT_CAUSE_ORDER
        .iter()
        .position(|known| *known == kind)
        .unwrap_or(ROOT_CAUSE_ORDER.len())
}

/// The rank of one finding. A missing C runtime object (`crt1.o`) means the
/// linker has no C library for the target at all; the incompatible host
/// libraries it skipped on the way are a symptom, so it goes before them.
fn finding_rank(finding: &Finding) -> usize {
    let is_crt = finding.kind == Kind::MissingLibraryAtLink
        && finding
            .facts
            .get("library")
            .and_then(|library| library.as_str())
            .is_some_and(|library| library.ends_with(".o"));
    if is_crt {
        rank(Kind::WrongArchLibrary)
    } else {
        rank(finding.kind)
    }
}

/// Reads a log and explains it. `target_hint` is used when the log does
/// not name its target.
pub fn explain(input: &[u8], target_hint: Option<&str>) -> Vec<Finding> {
    explain_log(&cargo_log::read(input), target_hint)
}

/// Explains an already parsed log.
pub fn explain_log(log: &CargoLog, target_hint: Option<&str>) -> Vec<Finding> {
    let mut findings = run_rules(log, target_hint);
    if !recognised(&findings)
        && let Some(rejoined) = rejoin_wrapped_lines(log)
    {
        let again = run_rules(&rejoined, target_hint);
        if recognised(&again) {
            findings = again;
        }
    }
    if recognised(&findings) {
        findings.retain(|f| f.kind != Kind::UnrecognisedFailure);
    }
    for finding in &mut findings {
        let target = finding.target.clone();
        for fix in &mut finding.fixes {
            fix.command = rules::fix::command(&fix.id, target.as_deref());
        }
    }
    findings
}

fn run_rules(log: &CargoLog, target_hint: Option<&str>) -> Vec<Finding> {
    let cx = Context::new(log, target_hint);
    order_root_cause_first(merge_repeats(rules::run_all(&cx)))
}

/// Whether a finding names a failure's kind (not only the fallback's
/// "a failure crossport does not know").
fn recognised(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.kind != Kind::UnrecognisedFailure && f.severity == Severity::Error)
}

/// A log copied from a terminal (or a CI page) that wrapped its long lines
/// at a fixed width: every wrapped line is exactly as long as the longest
/// line, and its rest is on the next line. Joins each such line with the
/// one after it and reads the result again, keeping the original line
/// numbers, so that a failure split in two can still be read. Only tried
/// when no rule recognised the log as it is: a line that merely happens to
/// be the longest is joined too, and a join that makes nothing recognisable
/// is thrown away.
fn rejoin_wrapped_lines(log: &CargoLog) -> Option<CargoLog> {
    // Terminal widths people keep: the 80 and 120 columns of Windows'
    // console and most terminals' defaults, and a few common others. Any
    // other width counts only when two lines or more reach it exactly, so
    // that a log's one longest line is not glued to the next.
    const COMMON_WIDTHS: [usize; 7] = [80, 100, 120, 132, 150, 160, 200];
    const NARROWEST_TERMINAL: usize = 60;
    // More lines than a terminal's scrollback keeps (Windows' console 9,001
    // by default, most others 10,000) were not copied from one; and reading
    // a 10 MB log twice would double explain's time (docs/performance.md).
    const LONGEST_SCROLLBACK: usize = 20_000;
    if log.lines.len() > LONGEST_SCROLLBACK {
        return None;
    }
    let lengths: Vec<usize> = log
        .lines
        .iter()
        .map(|line| line.text.chars().count())
        .collect();
    let width = *lengths.iter().max()?;
    let at_width = lengths.iter().filter(|length| **length == width).count();
    if width < NARROWEST_TERMINAL || (!COMMON_WIDTHS.contains(&width) && at_width < 2) {
        return None;
    }
    let mut text = String::new();
    let mut numbers = Vec::new();
    let mut joined = false;
    let mut open = false;
    for line in &log.lines {
        if open {
            joined = true;
        } else {
            numbers.push(line.number);
        }
        text.push_str(&line.text);
        open = line.text.chars().count() == width;
        if !open {
            text.push('\n');
        }
    }
    if !joined {
        return None;
    }
    let mut again = cargo_log::read(text.as_bytes());
    if again.lines.len() != numbers.len() {
        // The reader split or dropped lines differently the second time:
        // line numbers could not be kept, so do not guess.
        return None;
    }
    for (line, number) in again.lines.iter_mut().zip(numbers) {
        line.number = number;
    }
    again.skipped = log.skipped.clone();
    Some(again)
}

/// Keeps one of findings that say the same thing about the same target: the
/// one with the most facts (a build script's block beats the `warning:`
/// line cargo printed before it), else the earliest.
fn merge_repeats(findings: Vec<Finding>) -> Vec<Finding> {
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut position: HashMap<(Kind, String, Option<String>), usize> = HashMap::new();
    for finding in findings {
        let key = (
            finding.kind,
            finding.message.clone(),
            finding.target.clone(),
        );
        match position.get(&key) {
            Some(&at) => {
                let known = &mut kept[at];
                let richer = finding.facts.len() > known.facts.len();
                let as_rich_and_earlier = finding.facts.len() == known.facts.len()
                    && first_line(&finding) < first_line(known);
                if richer || as_rich_and_earlier {
                    *known = finding;
                }
            }
            None => {
                position.insert(key, kept.len());
                kept.push(finding);
            }
        }
    }
    drop_explained_symptoms(kept)
}

/// Drops findings that a more specific one explains: openssl-sys probes
/// pkg-config before giving up, and a build script that got as far as
/// compiling C (a bundled fallback) was not stopped by pkg-config.
fn drop_explained_symptoms(findings: Vec<Finding>) -> Vec<Finding> {
    let has_openssl = findings.iter().any(|f| f.kind == Kind::OpensslNotFound);
    let c_compile_blocks: Vec<u32> = findings
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                Kind::CcToolNotFound
                    | Kind::CcToolchainBroken
                    | Kind::WrongCcForTarget
                    | Kind::MissingHeader
            )
        })
        .map(first_line)
        .collect();
    // zig names a missing system library in its own words; unless it is one
    // of zig's own runtime libraries, the cause is the library, not zig.
    let library = |f: &Finding| {
        f.facts
            .get("library")
            .and_then(|l| l.as_str())
            .map(str::to_owned)
    };
    let missing_libraries: Vec<String> = findings
        .iter()
        .filter(|f| f.kind == Kind::MissingLibraryAtLink)
        .filter_map(library)
        .collect();
    findings
        .into_iter()
        .filter(|finding| {
            finding.kind != Kind::ZigbuildError
                || library(finding).is_none_or(|name| {
                    ZIG_RUNTIME_LIBRARIES.contains(&name.as_str())
                        || !missing_libraries.contains(&name)
                })
        })
        .filter(|finding| {
            if finding.kind != Kind::PkgConfigCross {
                return true;
            }
            let about_openssl =
                finding.facts.get("crate").and_then(|c| c.as_str()) == Some("openssl-sys");
            let explained_by_openssl = has_openssl && about_openssl;
            let script_got_past_it = c_compile_blocks.contains(&first_line(finding));
            !explained_by_openssl && !script_got_past_it
        })
        .collect()
}

/// Libraries zig provides itself (libunwind, libc++, compiler-rt; libunwind
/// stands in for libgcc_s): missing, they are zig's problem.
const ZIG_RUNTIME_LIBRARIES: [&str; 5] = ["unwind", "c++", "c++abi", "compiler_rt", "gcc_s"];

fn first_line(finding: &Finding) -> u32 {
    finding.evidence.lines.map_or(u32::MAX, |[first, _]| first)
}

fn order_root_cause_first(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by_key(|finding| {
        let after_crt = usize::from(finding.kind == Kind::WrongArchLibrary);
        (
            finding.severity,
            finding_rank(finding),
            after_crt,
            first_line(finding),
        )
    });
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    // The same terminal wrapping as the tune robustness tests use.
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/wrap.rs"
    ));

    #[test]
    fn a_failure_wrapped_by_the_terminal_is_read_whole_with_its_line_numbers() {
        let error = |dir: &str| {
            format!(
                "/home/{dir}/server: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /home/{dir}/server)"
            )
        };
        let unpadded = error("").find("GLIBC_2.34").expect("the version");
        for width in [80, 120] {
            // A directory name long enough that the terminal's cut falls
            // inside the version name, after `GLIB`.
            let dir = "d".repeat(width - 4 - unpadded);
            let log = format!("$ ssh box ./server\n{}\n", error(&dir));
            let wrapped = wrap_at(&log, width);
            assert!(wrapped.contains("GLIB\nC_2.34"), "{wrapped}");
            let findings = explain(wrapped.as_bytes(), None);
            let first = findings.first().expect("a finding");
            assert_eq!(
                first.kind,
                Kind::GlibcTooNew,
                "width {width}: {findings:#?}"
            );
            // Its line numbers are the wrapped log's: the error's first
            // part is line 2.
            assert_eq!(
                first.evidence.lines.map(|[start, _]| start),
                Some(2),
                "width {width}"
            );
        }
    }

    #[test]
    fn a_log_longer_than_a_terminal_keeps_is_not_joined() {
        // The same cut version name after 20,000 lines of output: not a
        // terminal copy, and reading it twice would cost a large log's time.
        let error = "/home/dddddddddd/server: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /home/x/server)";
        let at = error.find("GLIBC_2.34").expect("the version") + 4;
        let mut log = "   Compiling a v0.1.0\n".repeat(20_000);
        log.push_str(&format!("{}\n{}\n", &error[..at], &error[at..]));
        let short = format!("{}\n{}\n", &error[..at], &error[at..]);
        assert!(at >= 60, "the cut is at {at}");
        // Only the width makes the join count (two lines reach it), so the
        // short log is joined and the long one is not.
        let two = format!("{}\n{}", &error[..at], short);
        assert_eq!(
            explain(two.as_bytes(), None).first().map(|f| f.kind),
            Some(Kind::GlibcTooNew)
        );
        log.insert_str(0, &format!("{}\n", &error[..at]));
        assert_ne!(
            explain(log.as_bytes(), None).first().map(|f| f.kind),
            Some(Kind::GlibcTooNew)
        );
    }

    #[test]
    fn an_unknown_failure_that_no_join_explains_stays_unrecognised() {
        let log = "error: the frobnicator refused to frobnicate the widget because the moon is not full tonight, see the manual\n";
        let wrapped = wrap_at(log, 80);
        let kinds: Vec<Kind> = explain(wrapped.as_bytes(), None)
            .into_iter()
            .map(|finding| finding.kind)
            .collect();
        assert_eq!(kinds, [Kind::UnrecognisedFailure]);
    }

    #[test]
    fn lld_rejecting_an_argument_under_zig_is_zigs_finding_first() {
        let log = r#"error: linking with `/root/.cache/cargo-zigbuild/0.19.8/zigcc-aarch64-unknown-linux-gnu-2a9f.sh` failed: exit status: 1
  |
  = note: LC_ALL="C" PATH="/usr/bin" "/root/.cache/cargo-zigbuild/0.19.8/zigcc-aarch64-unknown-linux-gnu-2a9f.sh" "-m64" "/tmp/x/target/aarch64-unknown-linux-gnu/release/deps/app-1.o"
  = note: ld.lld: error: unknown argument: --no-undefined-version

error: could not compile `app` (bin "app") due to 1 previous error
"#;
        let kinds: Vec<Kind> = explain(log.as_bytes(), None)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(kinds.first(), Some(&Kind::ZigbuildError), "{kinds:?}");
    }

    #[test]
    fn root_cause_order_names_every_kind_once() {
        let mut kinds = ROOT_CAUSE_ORDER.to_vec();
        kinds.sort();
        let mut all = Kind::ALL.to_vec();
        all.sort();
        assert_eq!(kinds, all);
    }

    #[test]
    fn nothing_to_explain_gives_no_findings() {
        assert!(explain(b"", None).is_empty());
        assert!(explain(b"   Compiling foo v0.1.0\n    Finished dev\n", None).is_empty());
    }

    #[test]
    fn a_pkg_config_probe_the_script_got_past_is_not_reported() {
        let log = "error: failed to run custom build command for `libz-sys v1.1.31`
Caused by:
  process didn't exit successfully: `/w/target/debug/build/libz-sys-1/build-script-build` (exit status: 1)
  --- stdout
  cargo:warning=Could not find zlib include paths via pkg-config: pkg-config has not been configured to support cross-compilation.
  --- stderr
  error occurred in cc-rs: failed to find tool \"riscv64-linux-gnu-gcc\": No such file or directory (os error 2)
";
        let kinds: Vec<Kind> = explain(log.as_bytes(), None)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(kinds, [Kind::CcToolNotFound]);
    }

    #[test]
    fn host_linker_comes_before_the_libraries_it_could_not_use() {
        let log = "error: linking with `cc` failed: exit status: 1
  |
  = note: \"cc\" \"-m64\" \"/w/target/aarch64-unknown-linux-gnu/debug/deps/app-1.app.abc-cgu.0.rcgu.o\"
  = note: /usr/bin/ld: skipping incompatible /usr/lib/x86_64-linux-gnu/libssl.so when searching for -lssl
          /usr/bin/ld: cannot find -lssl: No such file or directory
          /usr/bin/ld: /w/target/aarch64-unknown-linux-gnu/debug/deps/app-1.app.abc-cgu.0.rcgu.o: Relocations in generic ELF (EM: 183)
          collect2: error: ld returned 1 exit status
";
        let kinds: Vec<Kind> = explain(log.as_bytes(), None)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(kinds.first(), Some(&Kind::HostLinkerUsed), "{kinds:?}");
    }
}
