//! Detects `linker_not_found`: rustc could not start the linker it was
//! told to use (or the one `cc` was told to use via `-fuse-ld`).

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str = "rustc could not run the configured or default linker";

pub(super) const TRIGGERS: &[&str] = &[
    // rustc since 2018 (`error: linker `cc` not found`), with the name in
    // any quotes or none, as pasted and translated.
    r#"(?i)\blinker (?:[`'‘’"“”][^`'‘’"“”]+[`'‘’"“”]|[^\s`'‘’"“”]+) not found"#,
    // rustc before 2018, and the exec failure that is not `NotFound`.
    r"(?i)could not exec the linker",
    // The note that follows on MSVC hosts, alone in an excerpt.
    r"the msvc targets depend on the msvc linker but",
    // The C driver's own search for the linker: gcc's collect2, clang.
    r"fatal error: cannot find ['‘’`]?(?:ld|[\w.+-]*-ld|ld\.[\w]+)(?:\.exe)?['‘’`]?",
    // collect2's `cannot find 'ld'` in gcc's translations (de, fr, sv, uk, hr).
    r"collect2(?:\.exe)?: (?:fatal error|schwerwiegender Fehler|erreur fatale|ödesdigert fel|фатальна помилка|kobna greška): (?:['‘’`»«„“”\x22]?\s?(?:ld|[\w.+-]*-ld|ld\.\w+)(?:\.exe)?\s?['‘’`»«“”\x22]? (?:kann nicht gefunden werden|introuvable)|(?:kan inte hitta|не вдалося знайти|nije moguće naći) ['‘’`»«„“”\x22]?(?:ld|[\w.+-]*-ld|ld\.\w+))",
    // rustc's note when link.exe is missing, alone (old and new wordings).
    r"please ensure that (?:VS 20\d\d|Visual Studio 20\d\d|the Visual Studio)[^\n]* (?:was|were|is) installed with the Visual C\+\+ option",
    // A linker wrapper script (or `linker = "…"` run through a shell) whose
    // compiler is not installed: the shell says so under `linking with`.
    concat!(
        r"(?:^|\s|note: )(?:/bin/|/usr/bin/)?(?:sh|bash|dash|zsh|env|\S+\.sh)(?::| ?:) (?:line \d+: |\d+: )?\S*(?:gcc|g\+\+|clang|clang\+\+|cc|c\+\+|ld|lld|mold)(?:-[\d.]+)?(?:\.exe)?: (?:",
        super::words::command_not_found!(),
        "|",
        super::words::no_such_file!(),
        ")"
    ),
    r#"(?i)unable to execute command: executable "(?:ld|[\w.+-]*ld(?:\.\w+)?|mold|lld(?:-link)?)(?:\.exe)?" doesn't exist"#,
    r"invalid linker name in argument '-fuse-ld=[^']+'",
    // rustc 1.7x+ when `link.exe` on PATH is not MSVC's (Git's coreutils
    // `link`) and no Visual Studio (or no C++ workload) is installed.
    r#"you may need to install Visual Studio build tools with the ["“]?C\+\+ build tools["”]? workload"#,
    r#"in the Visual Studio installer, ensure the ["“]?C\+\+ build tools["”]? workload is selected"#,
    // rustc 1.8x with `-Clink-self-contained=+linker` and no rust-lld.
    r"the self-contained linker was requested, but it wasn't found in the target's sysroot",
    // A non-Rust compiler driving the linker itself (dmd, ldc2, gdc): the
    // exec failure line, then the driver's `linker exited with status N`.
    r"(?i)\blinker exited with status -?\d+",
    r"unrecognized command[- ]line option '-fuse-ld=[^']+'",
];

/// Diagnostic: linker_not_found
///
/// **What it means.** rustc tried to run the linker for the target and the
/// program does not exist: `error: linker `aarch64-linux-gnu-gcc` not found`,
/// `could not exec the linker`, or the C driver could not find the linker it
/// was asked for (`-fuse-ld=lld` without lld installed; collect2's `cannot
/// find 'ld'` also in gcc's translations). rustc's Visual C++ note alone, and
/// a linker wrapper script whose shell says its compiler is `command not
/// found` inside a link, count too.
///
/// **Why it happens.** `[target.<triple>] linker` in `.cargo/config.toml`,
/// `CARGO_TARGET_<TRIPLE>_LINKER` or `-C linker=` names a cross linker that is
/// not installed or not on `PATH`; or the default `cc` is missing entirely.
///
/// **How to fix.** Configure a linker this machine has for the target: clang
/// with lld and a sysroot, a GNU cross gcc, or zig (`configure_linker`); or
/// install the named one (`install_cc_tool`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let (exits, hits): (Vec<usize>, Vec<usize>) = hits.iter().partition(|&&index| {
        regex!(r"(?i)\blinker exited with status").is_match(cx.content(index))
    });
    let mut findings: Vec<Finding> = exits
        .into_iter()
        .filter_map(|index| exec_failure_before(cx, index))
        .collect();
    findings.extend(check_named(cx, &hits));
    findings
}

/// A driver's `linker exited with status N` after the line where running
/// the linker failed (`cc: No such file or directory`, `sh: 1: cc: not
/// found`): the linker that is missing, told by that line.
fn exec_failure_before(cx: &Context<'_>, index: usize) -> Option<Finding> {
    let failed = (index.saturating_sub(3)..index).rev().find_map(|i| {
        let pattern = regex!(
            r"^(?:(?:sh|bash|dash|zsh|env)(?::| ?:) (?:line \d+: |\d+: )?)?([^\s:]+): (?:",
            super::words::no_such_file!(),
            "|",
            super::words::command_not_found!(),
            r")\s*$"
        );
        pattern
            .captures(cx.content(i).trim())
            .map(|c| (i, c[1].to_owned()))
    });
    let (first, linker) = failed?;
    let mut finding = cx.finding(Kind::LinkerNotFound, "", first, index);
    if finding.target.is_none() {
        finding.target = target_of_prefixed_linker(&linker);
    }
    finding = text_fact(finding, "linker", Some(&linker));
    finding = text_fact(finding, "tool", Some(&linker));
    let for_target = cx.for_target(&finding);
    finding.message = format!("the linker `{linker}`{for_target} is not installed or not on PATH");
    Some(
        finding
            .with_fix(
                fix::CONFIGURE_LINKER,
                "Configure a linker this machine has for the target",
            )
            .with_fix(fix::INSTALL_CC_TOOL, format!("Install `{linker}`")),
    )
}

fn check_named(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    hits.iter()
        .copied()
        // A shell's `not found` is the linker's only inside a link; in a
        // build script it is cc_tool_not_found's.
        .filter(|&index| {
            !regex!(r"(?:sh|bash|dash|zsh|env|\.sh)(?::| ?:) (?:line \d+: |\d+: )?\S+: ")
                .is_match(cx.content(index))
                || (cx.linking_error(index).is_some() && cx.block(index).is_none())
        })
        // A linker the log shows existing (`file` says it is an ELF
        // executable, or running it gave `Exec format error`) is not missing:
        // it is built for another machine, which cc_toolchain_broken reports.
        .filter(|&index| {
            !linker_named(cx.content(index))
                .is_some_and(|linker| super::context::tool_exists_but_cannot_run(cx, &linker))
        })
        .map(|index| describe(cx, index))
        .collect()
}

fn describe(cx: &Context<'_>, index: usize) -> Finding {
    let content = cx.content(index);
    let named = linker_named(content);
    let driver = cx.linking_error(index).map(|(_, linker)| linker);
    let last = next_note(cx, index);
    let mut finding = cx.finding(Kind::LinkerNotFound, "", index, last);
    let linker = named.as_deref().unwrap_or(if content.contains("msvc") {
        "link.exe"
    } else {
        "cc"
    });
    if finding.target.is_none() {
        finding.target = target_of_prefixed_linker(linker);
    }
    finding = text_fact(finding, "linker", Some(linker));
    finding = text_fact(finding, "tool", Some(linker));
    if driver.as_deref() != Some(linker) {
        finding = text_fact(finding, "driver", driver.as_deref());
    }
    let for_target = cx.for_target(&finding);
    finding.message = format!("the linker `{linker}`{for_target} is not installed or not on PATH");
    finding
        .with_fix(
            fix::CONFIGURE_LINKER,
            "Configure a linker this machine has for the target in .cargo/config.toml",
        )
        .with_fix(fix::INSTALL_CC_TOOL, format!("Install `{linker}`"))
}

/// The linker a line names, in rustc's, gcc's or clang's words and in any
/// quotes: `linker `cc``, `linker 'cc'`, `cannot find 'ld'`,
/// `Executable "ld.lld" doesn't exist`, `-fuse-ld=mold`.
fn linker_named(content: &str) -> Option<String> {
    if let Some(c) = regex!(r"(?:sh|bash|dash|zsh|env|\.sh)(?::| ?:) (?:line \d+: |\d+: )?(\S+?): ")
        .captures(content)
    {
        return Some(c[1].to_owned());
    }
    if (content.contains("please ensure that") && content.contains("Visual C++"))
        || content.contains("build tools\" workload")
        || content.contains("build tools” workload")
    {
        return Some("link.exe".to_owned());
    }
    if content.contains("self-contained linker was requested") {
        return Some("rust-lld".to_owned());
    }
    if let Some(c) = regex!(r"(?:hitta|знайти|naći) ['‘’`»«„“”\x22]?([\w.+-]+)|([\w.+-]+)\s?['‘’`»«“”\x22]? (?:kann nicht gefunden werden|introuvable)").captures(content) {
        let name = c.get(1).or(c.get(2)).map(|m| m.as_str()).unwrap_or("ld");
        return Some(name.to_owned());
    }
    let pattern = regex!(
        r#"(?i)\blinker [`'‘’"“”]([^`'‘’"“”]+)[`'‘’"“”]|\blinker ([^\s`'‘’"“”]+) not found|cannot find ['‘’`]?([\w.+-]+?)['‘’`]?(?:\s|$)|executable "([^"]+)"|-fuse-ld=([^'’\s]+)"#
    );
    let captures = pattern.captures(content)?;
    let name = captures.iter().skip(1).flatten().next()?.as_str();
    let name = name.trim_end_matches([':', '.', ',']);
    (!name.is_empty()).then(|| name.to_owned())
}

/// A GNU cross linker is named after its Debian multiarch tuple
/// (`aarch64-linux-gnu-gcc`); when the log names no triple, that names the
/// target the linker was configured for.
fn target_of_prefixed_linker(linker: &str) -> Option<String> {
    let base = linker.rsplit(['/', '\\']).next().unwrap_or(linker);
    let base = base
        .strip_suffix(".exe")
        .or_else(|| base.strip_suffix(".EXE"))
        .unwrap_or(base);
    let (prefix, _) = base.rsplit_once('-')?;
    // `arm-linux-gnueabihf-gcc-4.9`: the tool may carry a version.
    let prefix = match prefix.rsplit_once('-') {
        Some((tuple, "gcc" | "g++" | "clang" | "ld")) => tuple,
        _ => prefix,
    };
    crossport_formats::arch::triples_with_debian_sysroot()
        .find(|triple| {
            crossport_formats::arch::debian_arch_for_triple(triple)
                .is_some_and(|arch| arch.multiarch == prefix)
        })
        .map(str::to_owned)
}

/// rustc follows the error with `= note: No such file or directory`.
fn next_note(cx: &Context<'_>, index: usize) -> usize {
    (index + 1..index + 4)
        .find(|&i| {
            let content = cx.content(i);
            content.starts_with("note:")
                && (content.contains("(os error") || content.contains("program not found"))
        })
        .unwrap_or(index)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn a_linker_that_exists_for_another_machine_is_not_missing() {
        let log = "error: linker `arm-linux-gnueabihf-gcc` not found
  |
  = note: No such file or directory (os error 2)
$ file /opt/tools/arm-bcm2708/bin/arm-linux-gnueabihf-gcc
/opt/tools/arm-bcm2708/bin/arm-linux-gnueabihf-gcc: ELF 32-bit LSB executable, Intel 80386, version 1 (SYSV), dynamically linked, interpreter /lib/ld-linux.so.2, for GNU/Linux 2.6.9, stripped
";
        let findings = super::super::testing::explain(log);
        assert!(
            findings.iter().all(|f| f.kind != Kind::LinkerNotFound),
            "{findings:#?}"
        );
        assert_eq!(
            findings.first().map(|f| f.kind),
            Some(Kind::CcToolchainBroken)
        );
        // Without the `file` line it is missing.
        let missing = log.lines().take(3).collect::<Vec<_>>().join("\n");
        assert_eq!(
            super::super::testing::explain(&missing)
                .first()
                .map(|f| f.kind),
            Some(Kind::LinkerNotFound)
        );
    }

    #[test]
    fn configured_cross_linker_missing() {
        let log = "error: linker `aarch64-linux-gnu-gcc` not found
  |
  = note: No such file or directory (os error 2)

error: could not compile `nc` (bin \"nc\") due to 1 previous error
";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(fact(&finding, "crate"), Some("nc"));
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(finding.evidence.lines, Some([1, 3]));
        assert_eq!(fix_ids(&finding), ["configure_linker", "install_cc_tool"]);
    }

    #[test]
    fn lld_missing_behind_cc() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: cc: error: invalid linker name in argument '-fuse-ld=lld'
";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("lld"));
        assert_eq!(fact(&finding, "driver"), Some("cc"));
    }

    #[test]
    fn straight_and_typographic_quotes_and_none() {
        for log in [
            "error: linker 'aarch64-linux-gnu-gcc' not found\n",
            "error: linker ‘aarch64-linux-gnu-gcc’ not found\n",
            "error: linker aarch64-linux-gnu-gcc not found\n",
        ] {
            let finding = first_of_kind(log, Kind::LinkerNotFound);
            assert_eq!(
                fact(&finding, "linker"),
                Some("aarch64-linux-gnu-gcc"),
                "{log}"
            );
            assert_eq!(
                finding.target.as_deref(),
                Some("aarch64-unknown-linux-gnu"),
                "{log}"
            );
        }
    }

    #[test]
    fn localised_os_errors_after_the_linker_line() {
        for note in [
            "Das System kann die angegebene Datei nicht finden. (os error 2)",
            "Le fichier spécifié est introuvable. (os error 2)",
            "El sistema no puede encontrar el archivo especificado. (os error 2)",
            "Не удается найти указанный файл. (os error 2)",
            "系统找不到指定的文件。 (os error 2)",
            "O sistema não pode encontrar o arquivo especificado. (os error 2)",
            "program not found",
        ] {
            let log = format!("error: linker `link.exe` not found\n  |\n  = note: {note}\n");
            let finding = first_of_kind(&log, Kind::LinkerNotFound);
            assert_eq!(fact(&finding, "linker"), Some("link.exe"));
            assert_eq!(finding.evidence.lines, Some([1, 3]), "{note}");
        }
    }

    #[test]
    fn could_not_exec_with_a_windows_path_and_exe_suffix() {
        let log = "error: could not exec the linker `C:\\tools\\arm-linux-gnueabihf-gcc-4.9.exe`: Das System kann die angegebene Datei nicht finden. (os error 2)\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(
            fact(&finding, "linker"),
            Some("C:\\tools\\arm-linux-gnueabihf-gcc-4.9.exe")
        );
        assert_eq!(
            finding.target.as_deref(),
            Some("armv7-unknown-linux-gnueabihf")
        );
    }

    #[test]
    fn only_the_msvc_note_was_pasted() {
        let log = "note: the msvc targets depend on the msvc linker but `link.exe` was not found\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("link.exe"));
    }

    #[test]
    fn clang_and_gcc_cannot_run_the_linker_they_were_asked_for() {
        let log = "clang: error: unable to execute command: Executable \"ld.lld\" doesn't exist!\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("ld.lld"));
        let log = "  = note: collect2: fatal error: cannot find ‘ld’\n          compilation terminated.\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("ld"));
        let log = "gcc: error: unrecognized command-line option '-fuse-ld=mold'\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("mold"));
    }

    #[test]
    fn prose_about_a_linker_is_not_a_failure() {
        let log = "   Compiling cc v1.0.83\n    Finished dev [unoptimized] target(s) in 2.1s\n";
        assert!(super::super::testing::explain(log).is_empty());
    }

    #[test]
    fn collect2_in_gccs_translations() {
        for line in [
            "collect2: schwerwiegender Fehler: »ld« kann nicht gefunden werden",
            "collect2: erreur fatale: « ld » introuvable",
            "collect2: ödesdigert fel: kan inte hitta \u{201d}ld\u{201d}",
        ] {
            let finding = first_of_kind(&format!("  = note: {line}\n"), Kind::LinkerNotFound);
            assert_eq!(fact(&finding, "linker"), Some("ld"), "{line}");
        }
    }

    #[test]
    fn the_visual_cpp_note_alone_and_a_wrapper_scripts_missing_compiler() {
        let log = "note: please ensure that Visual Studio 2017 or later, or Build Tools for Visual Studio were installed with the Visual C++ option.\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("link.exe"));
        let log = "error: linking with `/w/tools/link-arm.sh` failed: exit status: 127
  = note: /w/tools/link-arm.sh: line 3: arm-linux-gnueabihf-gcc: command not found
";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("arm-linux-gnueabihf-gcc"));
        // The same words from a build script are the C compiler's.
        let log = "warning: foo-sys@0.1.0: sh: 1: arm-linux-gnueabihf-gcc: not found\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::LinkerNotFound)
        );
    }

    /// dmd/ldc2 (and other compilers that run `cc` to link themselves):
    /// the exec failure line, then `Error: linker exited with status N`.
    #[test]
    fn compiler_driver_linker_exited_after_exec_failure() {
        let log = "cc: No such file or directory\nError: linker exited with status 255\nmake: *** [app] Error 255\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("cc"));
        let log = "sh: 1: aarch64-linux-gnu-gcc: not found\nError: linker exited with status 127\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("aarch64-linux-gnu-gcc"));
        // A linker that ran and failed is not missing.
        let log = "/usr/bin/ld: cannot find -lcurl\nError: linker exited with status 1\n";
        let findings = super::super::testing::explain(log);
        assert!(findings.iter().all(|f| f.kind != Kind::LinkerNotFound));
    }

    /// rustc 1.7x+ notes when `link.exe` ran but is not MSVC's and Visual
    /// Studio (or its C++ workload) is missing; rustc 1.8x's self-contained
    /// linker note.
    #[test]
    fn rustc_visual_studio_workload_and_self_contained_notes() {
        for note in [
            "note: you may need to install Visual Studio build tools with the \"C++ build tools\" workload\n",
            "note: in the Visual Studio installer, ensure the \"C++ build tools\" workload is selected\n",
        ] {
            let finding = first_of_kind(note, Kind::LinkerNotFound);
            assert_eq!(fact(&finding, "linker"), Some("link.exe"));
        }
        let log = "error: the self-contained linker was requested, but it wasn't found in the target's sysroot, or in rustc's sysroot\n";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("rust-lld"));
    }
}
