//! Detects `zigbuild_error`: failures particular to cargo-zigbuild and
//! `zig cc` as the linker or C compiler.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "cargo-zigbuild or `zig cc` failed in a zig-specific way (linker arguments, C++ runtime)";

pub(super) const TRIGGERS: &[&str] = &[
    // `-z` flags are "extension flags" in newer zigs' words.
    r"unsupported linker (?:arg|extension flag): \S+",
    r"zigcc-[\w.-]+\.(?:sh|bat)",
    r"cargo-zigbuild",
    r"\bzig (?:cc|c\+\+|ld|build-exe|build-lib)\b",
    r"(?:ld\.lld|lld): error: undefined symbol: ",
    r"Failed to find zig",
    r"(?:static|dynamic) library '[^']+' not found\. search paths:",
    // zig's own glibc stubs: older zigs do not know a new glibc, newer ones
    // quietly provide an older one than the libraries need.
    r"zig cannot build new glibc version [\d.]+",
    r"^Unrecognized glibc version: [\d.]+",
    // zig's own installation or libc sources are incomplete, or zig is old.
    r"[Uu]nable to find zig (?:installation|lib|std lib|standard library) dir(?:ectory)?",
    r"Zig is not installed in your system",
    r"error: .*(?-u:\b)abilists(?-u:\b)|unable to (?:open|read|load|parse) (?:glibc|musl|mingw) (?:dir|directory|abilists|sources)",
    r"sub-compilation of [\w.+-]+ (?:[\w.+-]+ )?failed",
    r"unable to build (?:glibc|musl|mingw|libc\+\+|libunwind|compiler_rt)[\w ]* (?:CRT file|library|shared objects)?",
    r"unable to provide libc for target",
    r"\bLLDReportedFailure\b",
    r"^unrecognized C ABI",
    r"zig version [\d.]+\S* is too old",
    r"Failed to run `zig (?:cc|c\+\+|ar|ranlib)`",
    // Newer zig's missing library; explain keeps it only for zig's own
    // runtime libraries (unwind, c++), else the library is the cause.
    r"unable to find (?:dynamic|static|Dynamic|Static) system library '[^']+'",
    // zig itself missing, in the shells' words.
    r#"(?:^|[\s/:])zig(?:\.exe)?['"]?: (?:command not found|not found|Befehl nicht gefunden|commande introuvable|orden no encontrada|comando não encontrado|команда не найдена|未找到命令|コマンドが見つかりません)"#,
    r#"['"]zig(?:\.exe)?['"] (?:is not recognized|n'est pas reconnu|no se reconoce|não é reconhecido|不是内部或外部命令)"#,
    r"zsh: command not found: zig\b",
    // zig's target parser, given Rust's four-part triple (cc-rs passes
    // `--target=<rust triple>`) or a CPU it does not know; the bare error
    // name when cc-rs relays only that (`warning: error: UnknownOperatingSystem`).
    r"unable to parse target query '[^']*'",
    r"(?-u:\b)(?:Unknown|Missing|Invalid)(?:OperatingSystem|Architecture|ApplicationBinaryInterface|CpuModel|CpuFeature|ObjectFormat|AbiVersion|OperatingSystemVersion)(?-u:\b)",
    r"unknown CPU(?: feature)?: '[^']+'",
    r"unable to (?:find or )?provide libc for target|zig can provide libc for related target",
    // zig's clang driver refusing an argument (clang itself says `unknown argument`).
    r"Unknown Clang option: ",
    // cargo-zigbuild refusing the target it was given.
    r"Malformed zig target abi suffix|Unsupported Rust target '",
    // zig's own linker (0.12+) names a missing symbol without lld's prefix;
    // it counts only where zig links (see `zig_involved`).
    // zig 0.10-0.11 relay lld's own with lld's name after zig's `error:`
    // (`error: ld.lld: undefined symbol: X`).
    r"(?:^|note: )error: (?:ld\.lld: |lld-link: )?undefined symbol: \S",
    // zig without a macOS SDK, or unable to find a libc installation.
    r"unable to find framework '[^']+'",
    r"(?-u:\b)(?:DarwinSdkNotFound|LibCInstallationNotAvailable|LibCInstallationMissingCrtDir|LibCStdLibHeaderNotFound|LibCRuntimeNotFound)(?-u:\b)",
    // cc-rs running `zig cc` (by name or cargo-zigbuild's wrapper) and failing.
    r#""zig(?:\.exe)?" "(?:cc|c\+\+)""#,
];

/// Diagnostic: zigbuild_error
///
/// **What it means.** The build used cargo-zigbuild (or `zig cc` as linker/C
/// compiler) and zig itself refused: `unsupported linker arg: --no-undefined-version`
/// (newer zigs: `unsupported linker extension flag: -z nostart-stop-gc`)
/// or another GNU ld option zig's linker does not take, or C++ symbols that
/// zig's bundled libc++ does not provide (`undefined symbol: std::__1::…`,
/// `__cxa_…`) because a C++ dependency was compiled against libstdc++.
/// Also zig's target parser refusing the Rust triple cc-rs passes
/// (`unable to parse target query '…': UnknownOperatingSystem`, or only the
/// error name relayed as `warning: error: UnknownOperatingSystem`), zig's
/// clang driver refusing an option (`Unknown Clang option: '--'`), zig
/// having no libc or macOS SDK for the target (`unable to find framework`,
/// `DarwinSdkNotFound`), zig's own linker's `error: undefined symbol:` where
/// zig links, and cc-rs's failed `zig cc` command when
/// nothing else explains it. When only the `linking with zigcc-….sh
/// failed` header is zig's, a library missing for the target (other than
/// zig's own libunwind, libc++, compiler-rt) is the cause instead. zig's
/// `providing instead` glibc warning counts
/// only in a log that shows a failure.
///
/// **Why it happens.** zig emulates gcc's driver and GNU ld but not every
/// option, changes between zig versions, and links its own libc++ rather than
/// the system's libstdc++.
///
/// **How to fix.** Update cargo-zigbuild and zig, which learn new arguments
/// (`update_zigbuild`); build C++ dependencies with `zig c++` too; or use a GNU
/// cross toolchain or clang with a Debian sysroot as the linker instead
/// (`configure_linker`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    // zig prints one line per rejected argument; one finding per link error.
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for &index in hits {
        let start = cx.linking_error(index).map_or(index, |(header, _)| header);
        let start = groups
            .last()
            .filter(|(_, lines)| lines.last().is_some_and(|&last| index <= last + 3))
            .map_or(start, |(known, _)| *known);
        match groups.iter_mut().find(|(known, _)| *known == start) {
            Some((_, lines)) => lines.push(index),
            None => groups.push((start, vec![index])),
        }
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut cc_only: Vec<Finding> = Vec::new();
    for (start, lines) in groups {
        let Some((finding, only_cc)) = describe(cx, start, &lines) else {
            continue;
        };
        let known = if only_cc { &mut cc_only } else { &mut findings };
        if !known.iter().any(|known| known.message == finding.message) {
            known.push(finding);
        }
    }
    // cc-rs's "command did not execute successfully" about `zig cc` stands
    // in for zig's own words only when the log has none of them.
    if findings.is_empty() {
        findings = cc_only;
    }
    findings
}

/// What went wrong in one group of zig lines.
#[derive(Default)]
struct ZigFailure {
    zig_missing: bool,
    /// (the glibc asked for, the one zig provides instead if it said so)
    glibc: Option<(String, Option<String>)>,
    arguments: Vec<String>,
    symbol: Option<String>,
    library: Option<String>,
    /// Another zig error line (its installation, its libc sources).
    other: Option<String>,
    /// The target zig's parser refused, and the error it named.
    target_query: Option<String>,
    target_error: Option<String>,
    /// cc-rs said its `zig cc` command failed (the cause may be elsewhere).
    cc_failed: bool,
}

fn read_failure(cx: &Context<'_>, lines: &[usize]) -> ZigFailure {
    let mut failure = ZigFailure::default();
    for &index in lines {
        let content = cx.content(index);
        failure.zig_missing |= content.contains("Failed to find zig")
            || content.contains("Zig is not installed")
            || regex!(r#"zig(?:\.exe)?['"]?: (?:command )?not found|['"]zig(?:\.exe)?['"] (?:is not|n'est|no se|não é|不是)|command not found: zig|zig(?:\.exe)?: (?:Befehl|commande|orden|comando|команда|未找到|コマンド)"#)
                .is_match(content);
        if failure.other.is_none()
            && regex!(r"installation directory|lib directory|abilists|unable to open glibc|sub-compilation|unable to build|provide libc for|LLDReportedFailure|unrecognized C ABI|is too old|Failed to run `zig|Failed to collect 'zig|system library '|Unknown Clang option|unknown CPU|Malformed zig target|Unsupported Rust target|unable to find framework|DarwinSdkNotFound|LibCInstallation|LibCStdLibHeaderNotFound|LibCRuntimeNotFound")
                .is_match(content)
        {
            failure.other = Some(content.trim().chars().take(160).collect());
        }
        if let Some(c) = regex!(r"unable to parse target query '([^']*)'").captures(content) {
            failure.target_query.get_or_insert_with(|| c[1].to_owned());
        }
        if let Some(m) = regex!(r"(?-u:\b)(?:Unknown|Missing|Invalid)(?:OperatingSystem|Architecture|ApplicationBinaryInterface|CpuModel|CpuFeature|ObjectFormat|AbiVersion|OperatingSystemVersion)(?-u:\b)")
            .find(content)
        {
            failure.target_error.get_or_insert_with(|| m.as_str().to_owned());
        }
        failure.cc_failed |=
            regex!(r"error occurred in cc-rs|did not execute successfully|ToolExecError")
                .is_match(content)
                && content.contains("zig");
        if let Some(c) =
            regex!(r"zig cannot build new glibc version ([\d.]+); providing instead ([\d.]+)|^Unrecognized glibc version: ([\d.]+)")
                .captures(content)
        {
            let asked = c.get(1).or(c.get(3)).map_or("", |m| m.as_str()).to_owned();
            failure.glibc = Some((asked, c.get(2).map(|m| m.as_str().to_owned())));
        }
        if let Some(c) = regex!(r#"unsupported linker (arg|extension flag): ((?:-z )?[^\s"'”」]+)"#)
            .captures(content)
        {
            failure.arguments.push(c[2].to_owned());
        }
        if let Some(c) = regex!(r"(?:static|dynamic) library '([^']+)' not found\. search paths:|unable to find (?i:dynamic|static) system library '([^']+)'")
            .captures(content)
        {
            let library = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
            failure.library.get_or_insert_with(|| library.to_owned());
        }
        if let Some(c) = regex!(r"undefined symbol: (.+)$").captures(content)
            && zig_involved(cx, index)
        {
            failure.symbol.get_or_insert_with(|| c[1].trim().to_owned());
        }
    }
    failure
}

/// The finding for one group, and whether it rests only on cc-rs saying
/// that its `zig cc` command failed.
fn describe(cx: &Context<'_>, start: usize, lines: &[usize]) -> Option<(Finding, bool)> {
    let failure = read_failure(cx, lines);
    let last = *lines.last()?;
    let only_cc = failure.cc_failed && !failure.says_more_than_cc();
    if only_cc && another_cause_near(cx, last) {
        return None;
    }
    // Only the `linking with zigcc-….sh failed` header: a library missing
    // for the target (or one of another architecture) is the cause, not
    // zig; lld's complaints about flags stay zig's to explain.
    if !failure.says_more_than_cc() && library_cause_near(cx, start) {
        return None;
    }
    // zig falling back to an older glibc is a warning: a build or run that
    // shows no failure after it worked.
    if failure.is_only_glibc_fallback() && !log_shows_failure(cx) {
        return None;
    }
    let linker = cx.linking_error(last).map(|(_, linker)| linker);
    let glibc = linker.as_deref().and_then(|linker| {
        regex!(r"zigcc-[\w-]+?\.(\d+\.\d+)")
            .captures(linker)
            .map(|c| c[1].to_owned())
    });
    let mut finding = cx.finding(Kind::ZigbuildError, "", start, last);
    finding = text_fact(finding, "linker", linker.as_deref());
    finding = text_fact(finding, "symbol", failure.symbol.as_deref());
    finding = text_fact(finding, "library", failure.library.as_deref());
    finding = text_fact(finding, "glibc_version", glibc.as_deref());
    if !failure.arguments.is_empty() {
        finding = finding.with_fact("linker_args", serde_json::json!(failure.arguments));
    }
    let zig_linker = linker
        .as_deref()
        .is_some_and(|linker| linker.contains("zig"));
    finding.message = message_for(&failure, glibc.as_deref(), zig_linker)?;
    if failure.zig_missing {
        return Some((
            finding
                .with_fix(
                    fix::INSTALL_CC_TOOL,
                    "Install zig (e.g. `pip install ziglang`) or put it on PATH",
                )
                .with_fix(
                    fix::CONFIGURE_LINKER,
                    "Use a GNU cross toolchain or clang+lld with a Debian sysroot instead of zig",
                ),
            false,
        ));
    }
    Some((
        finding
            .with_fix(
                fix::UPDATE_ZIGBUILD,
                "Update cargo-zigbuild and zig, or target a newer glibc",
            )
            .with_fix(
                fix::CONFIGURE_LINKER,
                "Use a GNU cross toolchain or clang+lld with a Debian sysroot instead of zig",
            ),
        only_cc,
    ))
}

impl ZigFailure {
    fn says_more_than_cc(&self) -> bool {
        self.zig_missing
            || self.glibc.is_some()
            || !self.arguments.is_empty()
            || self.symbol.is_some()
            || self.library.is_some()
            || self.other.is_some()
            || self.target_query.is_some()
            || self.target_error.is_some()
    }

    /// Only zig's `cannot build new glibc version X; providing instead Y`.
    fn is_only_glibc_fallback(&self) -> bool {
        matches!(self.glibc, Some((_, Some(_))))
            && !self.zig_missing
            && self.arguments.is_empty()
            && self.symbol.is_none()
            && self.library.is_none()
            && self.other.is_none()
            && self.target_query.is_none()
            && self.target_error.is_none()
    }
}

/// Whether another rule explains the failure near a cc-rs line (a header
/// `zig cc` did not find is `missing_header`, not zig's).
fn another_cause_near(cx: &Context<'_>, index: usize) -> bool {
    let lines = cx.block(index).map_or_else(
        || index.saturating_sub(30)..(index + 30).min(cx.log.lines.len()),
        |block| block.lines.clone(),
    );
    super::other_rule_triggered_in(cx, Kind::ZigbuildError, lines, |_| true)
}

/// Whether a missing or foreign library explains the link error at `header`.
fn library_cause_near(cx: &Context<'_>, header: usize) -> bool {
    let end = (header + 60).min(cx.log.lines.len());
    super::RULES
        .iter()
        .zip(cx.triggered())
        .filter(|(rule, _)| {
            matches!(
                rule.kind,
                Kind::MissingLibraryAtLink | Kind::WrongArchLibrary
            )
        })
        .any(|(_, hits)| {
            let first = hits.partition_point(|&index| index < header);
            hits[first..]
                .iter()
                .take_while(|&&index| index < end)
                // zig provides libunwind, libc++ and compiler-rt itself.
                .any(|&index| {
                    !regex!(r"(?:-l|lib|')(?:unwind|c\+\+|c\+\+abi|gcc_s|compiler_rt)(?-u:\b)")
                        .is_match(cx.content(index))
                })
        })
}

/// Whether any line of the log reports a failure.
fn log_shows_failure(cx: &Context<'_>) -> bool {
    super::RULES
        .iter()
        .zip(cx.triggered())
        .filter(|(rule, _)| rule.kind == Kind::UnrecognisedFailure)
        .flat_map(|(_, hits)| hits)
        .any(|&index| super::unrecognised_failure::is_failure_line(cx.content(index)))
}

/// One sentence for the most telling part of a zig failure.
fn message_for(failure: &ZigFailure, glibc: Option<&str>, zig_linker: bool) -> Option<String> {
    if failure.zig_missing {
        return Some("cargo-zigbuild cannot find the zig compiler".to_owned());
    }
    if let Some((asked, provided)) = &failure.glibc {
        return Some(match provided {
            Some(provided) => format!(
                "zig cannot build glibc {asked} and links against {provided} instead, older than the libraries need"
            ),
            None => format!("this zig does not know glibc {asked}"),
        });
    }
    if let Some(query) = &failure.target_query {
        let why = failure
            .target_error
            .as_deref()
            .map_or_else(String::new, |error| format!(" ({error})"));
        return Some(format!(
            "zig cannot parse the target `{query}`{why}: it takes zig's arch-os-abi triples, not Rust's"
        ));
    }
    if let Some(error) = &failure.target_error {
        return Some(format!(
            "zig refused the target it was given ({error}): cc-rs passed Rust's triple to `zig cc`"
        ));
    }
    if let Some(library) = &failure.library {
        return Some(format!(
            "zig's linker cannot find the static library `{library}`"
        ));
    }
    if let Some(symbol) = &failure.symbol {
        let is_cxx = [
            "std::",
            "__cxa_",
            "__gxx_",
            "vtable for",
            "typeinfo for",
            "operator new",
            "operator delete",
        ]
        .iter()
        .any(|marker| symbol.contains(marker));
        return Some(match glibc {
            _ if is_cxx => format!("zig's libc++ does not provide the C++ symbol `{symbol}`"),
            Some(glibc) => format!(
                "`{symbol}` is not in glibc {glibc}, the version cargo-zigbuild links against"
            ),
            None => format!("zig's C library does not provide `{symbol}`"),
        });
    }
    if let Some(line) = &failure.other {
        return Some(format!("zig failed: {line}"));
    }
    match failure.arguments.first() {
        Some(argument) => Some(format!(
            "zig's linker does not support the argument `{argument}`"
        )),
        // Only the header survived (an excerpt): the link through zig failed.
        None if zig_linker => Some("linking through cargo-zigbuild's `zig cc` failed".to_owned()),
        None if failure.cc_failed => Some("a C compile through `zig cc` failed".to_owned()),
        None => None,
    }
}

/// A linker error is zig's when its header or nearby lines name zig.
fn zig_involved(cx: &Context<'_>, index: usize) -> bool {
    if cx
        .linking_error(index)
        .is_some_and(|(_, linker)| linker.contains("zig"))
    {
        return true;
    }
    // lld missing a libc++ (`std::__1::`) symbol on a non-Apple target: zig
    // links its own libc++ (the NDK's is `std::__ndk1::`).
    if cx.content(index).contains("std::__1::") {
        return true;
    }
    // lld missing a `std::` symbol that objects compiled against libstdc++
    // (`std::__cxx11::` in the `>>> referenced by` lines) need: the link
    // has libc++ only, which is how zig links C++.
    let content = cx.content(index);
    if content.contains("lld")
        && content.contains("symbol: std::")
        && (index + 1..(index + 8).min(cx.log.lines.len()))
            .any(|i| cx.content(i).contains("std::__cxx11::"))
    {
        return true;
    }
    // The symbol's `>>> referenced by` lines name the object, which may be
    // one of zig's own (its libunwind, libc++).
    let start = index.saturating_sub(60);
    let end = (index + 8).min(cx.log.lines.len());
    (start..end).any(|i| cx.content(i).contains("zig"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn unsupported_linker_argument() {
        let log = "error: linking with `/home/u/.cache/cargo-zigbuild/0.19.1/zigcc-aarch64-unknown-linux-gnu.2.17-1.sh` failed: exit status: 1
  = note: error: unsupported linker arg: --no-undefined-version
";
        let finding = first_of_kind(log, Kind::ZigbuildError);
        assert_eq!(
            finding.facts["linker_args"],
            serde_json::json!(["--no-undefined-version"])
        );
        assert_eq!(finding.evidence.lines, Some([1, 2]));
        assert_eq!(fix_ids(&finding), ["update_zigbuild", "configure_linker"]);
    }

    #[test]
    fn symbol_missing_from_an_old_glibc() {
        let log = "error: linking with `/r/.cache/cargo-zigbuild/0.24.1/wrappers/7205/zigcc-aarch64-unknown-linux-gnu.2.17-aa8f.sh` failed: exit status: 1
  = note: ld.lld: error: undefined symbol: arc4random
";
        let finding = first_of_kind(log, Kind::ZigbuildError);
        assert_eq!(fact(&finding, "glibc_version"), Some("2.17"));
        assert_eq!(
            finding.message,
            "`arc4random` is not in glibc 2.17, the version cargo-zigbuild links against"
        );
    }

    #[test]
    fn warnings_then_a_missing_static_library_make_one_finding() {
        let log = "warning: unsupported linker arg: -znoexecstack
          warning: unsupported linker arg: -zrelro
          error: static library 'unwind' not found. search paths:
           G:\\w\\target\\x86_64-unknown-linux-musl\\debug\\deps\\libunwind.a
";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(fact(&findings[0], "library"), Some("unwind"));
        assert_eq!(
            findings[0].target.as_deref(),
            Some("x86_64-unknown-linux-musl")
        );
        assert_eq!(
            findings[0].facts["linker_args"],
            serde_json::json!(["-znoexecstack", "-zrelro"])
        );
    }

    #[test]
    fn zig_not_installed() {
        first_of_kind(
            "Error: Failed to find zig\n\nCaused by:\n    cannot find binary path\n",
            Kind::ZigbuildError,
        );
    }

    #[test]
    fn libcxx_symbols_only_count_with_zig() {
        let log = "error: linking with `zigcc-x86_64-unknown-linux-gnu.sh` failed: exit status: 1
  = note: ld.lld: error: undefined symbol: std::__throw_length_error(char const*)
";
        let finding = first_of_kind(log, Kind::ZigbuildError);
        assert_eq!(
            fact(&finding, "symbol"),
            Some("std::__throw_length_error(char const*)")
        );
        let plain = "ld.lld: error: undefined symbol: std::__throw_length_error(char const*)\n";
        first_of_kind(plain, Kind::UnrecognisedFailure);
        // Objects built against libstdc++ linked with libc++ only: zig c++.
        let log = "ld.lld: error: undefined symbol: std::ostream::flush()\n>>> referenced by a.cc\n>>>               a.cc.o:(f(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&)) in archive liba.a\n";
        first_of_kind(log, Kind::ZigbuildError);
    }

    #[test]
    fn zig_without_its_installation() {
        let log = "C:\\w>zig build\nerror: unable to find zig installation directory 'C:\\zig\\zig.exe': FileNotFound\n";
        let finding = first_of_kind(log, Kind::ZigbuildError);
        assert!(
            finding.message.contains("installation directory"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn zig_missing_from_a_shell() {
        let finding = first_of_kind("/bin/sh: 1: zig: not found\n", Kind::ZigbuildError);
        assert_eq!(
            finding.message,
            "cargo-zigbuild cannot find the zig compiler"
        );
    }

    #[test]
    fn newer_zig_cannot_find_a_system_library() {
        let log = "error: unable to find dynamic system library 'unwind' using strategy 'paths_first'. searched paths:\n";
        let finding = first_of_kind(log, Kind::ZigbuildError);
        assert_eq!(fact(&finding, "library"), Some("unwind"));
        // Any other library is missing for the target, whoever links.
        let log = "error: unable to find dynamic system library 'ssl' using strategy 'paths_first'. searched paths:\n";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("ssl"));
    }

    #[test]
    fn zig_libc_sources_missing() {
        let log = "error: sub-compilation of glibc crti.o failed\n    note: unable to check cache: stat file 'zig/lib/libc/glibc/sysdeps/crti.S' failed: FileNotFound\n";
        first_of_kind(log, Kind::ZigbuildError);
    }

    #[test]
    fn old_zig_lib_dir_abilists_and_cargo_lambda() {
        use super::super::testing::first_of_kind;
        for log in [
            "    Unable to find zig lib directory\n",
            "error: unable to find zig installation directory '/opt/zig/zig': FileNotFound\n",
            "error: unable to open glibc dir 'lib/libc/glibc': FileNotFound\n",
            "error: abilists: unexpected end of file\n",
            "Zig is not installed in your system.\nYou can use any of the following options to install it:\n",
        ] {
            first_of_kind(log, crate::finding::Kind::ZigbuildError);
        }
    }

    #[test]
    fn a_libcxx_abi_symbol_lld_cannot_find_is_zigs() {
        use super::super::testing::first_of_kind;
        let log = "  = note: ld.lld: error: undefined symbol: cv::imwrite(std::__1::basic_string<char, std::__1::char_traits<char>, std::__1::allocator<char>> const&)\n          >>> referenced by opencv.cpp\n";
        first_of_kind(log, crate::finding::Kind::ZigbuildError);
    }

    #[test]
    fn zig_cannot_parse_rusts_triple() {
        use super::super::testing::first_of_kind;
        let log = "error: unable to parse target query 'aarch64-unknown-linux-gnu': UnknownOperatingSystem\n";
        let finding = first_of_kind(log, crate::finding::Kind::ZigbuildError);
        assert!(
            finding
                .message
                .contains("`aarch64-unknown-linux-gnu` (UnknownOperatingSystem)"),
            "{}",
            finding.message
        );
        // Wrapped after the colon, and only the error name relayed by cc-rs.
        for log in [
            "  error: unable to parse target query 'riscv64gc-unknown-linux-gnu':\n  UnknownArchitecture\n",
            "warning: error: UnknownOperatingSystem\n\nerror: failed to run custom build command for `ring v0.17.8`\n",
            "  cargo:warning=error: unknown CPU: 'x86-64-v3'\n",
            "error: unable to find or provide libc for target 'aarch64-linux.4.19...6.5-android'\ninfo: zig can provide libc for related target aarch64-linux-gnu.2.17\n",
        ] {
            first_of_kind(log, crate::finding::Kind::ZigbuildError);
        }
    }

    #[test]
    fn zigs_clang_driver_refuses_an_option() {
        use super::super::testing::{explain, first_of_kind};
        let log = "  cargo:warning=error: Unknown Clang option: '--'

  --- stderr

  error occurred in cc-rs: Command LC_ALL=\"C\" \"/h/.cache/cargo-zigbuild/0.19.7/zigcc-x86_64-unknown-linux-gnu-1a2b.sh\" \"-O3\" \"-c\" \"--\" \"src/a.c\" with args zigcc-x86_64-unknown-linux-gnu-1a2b.sh did not execute successfully (status code exit status: 1).
";
        let finding = first_of_kind(log, crate::finding::Kind::ZigbuildError);
        assert!(
            finding.message.contains("Unknown Clang option"),
            "{}",
            finding.message
        );
        assert_eq!(explain(log).len(), 1);
    }

    #[test]
    fn a_zig_cc_compile_failure_alone_is_zigs_unless_another_rule_explains_it() {
        use super::super::testing::first_of_kind;
        let log = "  error occurred in cc-rs: command did not execute successfully (status code exit code: 1): \"zig\" \"cc\" \"-O3\" \"-c\" \"src/a.c\"\n";
        first_of_kind(log, crate::finding::Kind::ZigbuildError);
        let log = "  cargo:warning=src/a.c:1:10: fatal error: 'openssl/ssl.h' file not found\n  error occurred in cc-rs: command did not execute successfully (status code exit code: 1): \"zig\" \"cc\" \"-c\" \"src/a.c\"\n";
        first_of_kind(log, crate::finding::Kind::MissingHeader);
    }

    #[test]
    fn a_glibc_fallback_warning_in_a_run_that_worked_is_no_failure() {
        use super::super::testing::{explain, first_of_kind};
        let log = "$ zig build-exe -lc -target x86_64-linux-gnu.2.40 main.zig\nwarning: zig cannot build new glibc version 2.40.0; providing instead 2.39.0\n$ ./main\nok\n";
        assert!(explain(log).is_empty(), "{:#?}", explain(log));
        let failed = format!(
            "{log}ld.lld: error: undefined symbol: fcntl64\nerror: linking with `zigcc-x86_64-unknown-linux-gnu.2.40.sh` failed\n"
        );
        first_of_kind(&failed, crate::finding::Kind::ZigbuildError);
    }

    #[test]
    fn newer_zig_calls_z_flags_extension_flags() {
        use super::super::testing::first_of_kind;
        let log = "    error: unsupported linker extension flag: -z nostart-stop-gc\n";
        let finding = first_of_kind(log, crate::finding::Kind::ZigbuildError);
        assert_eq!(
            finding.facts["linker_args"],
            serde_json::json!(["-z nostart-stop-gc"])
        );
        // Quoted inside a sentence of prose, in another language.
        let log = "链接阶段失败并显示错误信息\"unsupported linker extension flag: -z nostart-stop-gc\"。\n";
        first_of_kind(log, crate::finding::Kind::ZigbuildError);
    }

    #[test]
    fn zigs_own_linker_and_sdk_words() {
        use super::super::testing::{explain, first_of_kind};
        let log = "error: linking with `/h/.cache/cargo-zigbuild/0.20.0/zigcc-x86_64-unknown-linux-gnu.2.17-1a.sh` failed: exit status: 1\n  = note: error: undefined symbol: __libc_single_threaded\n      note: referenced by /w/target/x86_64-unknown-linux-gnu/release/deps/app-1.o:(std::thread::x)\n";
        let finding = first_of_kind(log, crate::finding::Kind::ZigbuildError);
        assert_eq!(
            finding.message,
            "`__libc_single_threaded` is not in glibc 2.17, the version cargo-zigbuild links against"
        );
        // Without zig anywhere it is not zig's.
        let log = "error: undefined symbol: foo_init\n";
        assert!(
            explain(log)
                .iter()
                .all(|f| f.kind != crate::finding::Kind::ZigbuildError)
        );
        for log in [
            "error: unable to find framework 'CoreFoundation'. searched paths:  none\n",
            "error: unable to detect native libc: DarwinSdkNotFound\n",
        ] {
            first_of_kind(log, crate::finding::Kind::ZigbuildError);
        }
    }

    #[test]
    fn a_library_missing_for_the_target_under_zig_is_the_library() {
        let log = "error: linking with `/root/.cache/cargo-zigbuild/0.19.8/zigcc-aarch64-unknown-linux-gnu-2a9f.sh` failed: exit status: 1
  |
  = note: LC_ALL=\"C\" \"/root/.cache/cargo-zigbuild/0.19.8/zigcc-aarch64-unknown-linux-gnu-2a9f.sh\" \"-m64\" \"/tmp/x/target/aarch64-unknown-linux-gnu/release/deps/app-1.o\" \"-lssl\"
  = note: ld.lld: error: unable to find library -lssl
          ld.lld: error: unable to find library -lcrypto

error: could not compile `app` (bin \"app\") due to 1 previous error
";
        let kinds: Vec<_> = super::super::testing::explain(log)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(
            kinds.first(),
            Some(&crate::finding::Kind::MissingLibraryAtLink),
            "{kinds:?}"
        );
        // zig's own runtime libraries stay zig's.
        let log = log
            .replace("-lssl", "-lunwind")
            .replace("-lcrypto", "-lunwind");
        let kinds: Vec<_> = super::super::testing::explain(&log)
            .iter()
            .map(|f| f.kind)
            .collect();
        assert_eq!(
            kinds.first(),
            Some(&crate::finding::Kind::ZigbuildError),
            "{kinds:?}"
        );
    }

    /// zig 0.10–0.11 relaying lld's message as `error: ld.lld: undefined
    /// symbol: X` under cargo-zigbuild's zigcc wrapper; without zig in the
    /// log it is not zig's.
    #[test]
    fn zig_relayed_lld_undefined_symbol() {
        use super::super::testing::{explain, first_of_kind};
        let log = "error: linking with `/h/.cache/cargo-zigbuild/0.17.0/zigcc-x86_64-unknown-linux-gnu.2.17.sh` failed: exit status: 1\n  = note: error: ld.lld: undefined symbol: __libc_single_threaded\n";
        let finding = first_of_kind(log, crate::finding::Kind::ZigbuildError);
        assert!(
            finding.message.contains("__libc_single_threaded"),
            "{}",
            finding.message
        );
        let log = "error: ld.lld: undefined symbol: foo_init\n";
        assert!(
            explain(log)
                .iter()
                .all(|f| f.kind != crate::finding::Kind::ZigbuildError)
        );
    }
}
