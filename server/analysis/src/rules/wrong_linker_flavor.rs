//! Detects `wrong_linker_flavor`: a linker of another kind than the target
//! needs got the target's flags (Apple `ld` given GNU options, a bare lld
//! driver, GNU `ld` asked for an emulation it lacks).

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "a linker of the wrong kind for the target rejected the target's linker flags";

pub(super) const TRIGGERS: &[&str] = &[
    // Apple ld (ld64) and ld-prime (Xcode 15: `unknown options: a b`).
    r"(?-u:\b)ld(?:64)?: unknown options?: ",
    r"(?:ld64\.lld|ld\.lld|rust-lld|lld|mold)(?:-[\d.]+)?(?:\.exe)?: (?:error|fatal): unknown (?:argument|option|-m argument)",
    // lld-link (the MSVC flavour) given a GNU or generic lld command line.
    r"lld-link(?:\.exe)?: (?:warning|error): ignoring unknown argument '-",
    // MSVC's link.exe given a GNU command line, and the coreutils `link`
    // that a Unix-like PATH puts before it.
    r"LNK4044: unrecognized option '/?(?:-|Wl,|Xlinker|l[\w.+-]+'|m(?:64|32)'|nodefaultlibs|nostartfiles|fuse-ld|static-libgcc|shared'|pie'|pthread|rdynamic|Bstatic|Bdynamic|z')",
    // lld-link (the MSVC flavour) taking GNU or lld arguments for inputs.
    r"lld-link(?:\.exe)?: error: could not open '-(?:flavor|Wl,|l\w|m(?:64|32)|nodefaultlibs|nostartfiles)",
    r"(?:^|note: |[/\\])link(?:\.exe)?: (?:extra operand|zusätzlicher Operand|opérande supplémentaire|operando extra|лишний операнд|多余的操作对象|余分な演算子|operando \S+ in più|nadmiarowy argument|추가 피연산자|ek işlenen|зайвий операнд) ",
    // An ELF ld given macOS objects and Mach-O options.
    r"(?-u:\b)ld(?:\.lld)?: error: \S+\.rcgu\.o: unknown file type",
    r"(?:ld64\.lld|ld64)(?:-\d+)?: error: must specify -arch",
    r"lld is a generic driver",
    r"(?i)unrecogni[sz]ed emulation mode: ",
    r"(?-u:\b)ld(?:\.bfd|\.gold)?: unrecogni[sz]ed option '-(?:arch|dylib|macosx_version_min|platform_version|syslibroot|dead_strip|exported_symbols_list|install_name|undefined|flavor|headerpad)",
    r"ld: warning: option -(?:Bstatic|Bdynamic|z) is obsolete",
    // GNU ld's translations of `unrecognized option '-Wl,…'`.
    r"(?-u:\b)(?:ld|gold)(?:\.bfd|\.gold)?(?:\.exe)? ?: (?:nicht erkannte Option|option|no se reconoce la opción|нераспознанный параметр|无法识别的选项|opzione non riconosciuta)\s*[»«“‘'\x22]\s*-(?:Wl,|Xlinker|nodefaultlibs|nostartfiles|fuse-ld|m(?:64|32))",
    // A bare GNU ld or gold given a C compiler's command line (`linker =
    // "ld"`/`"gold"`): `-Wl,…`, driver-only options, `-f…` read as `-f`.
    r"(?-u:\b)(?:ld|gold)(?:\.bfd|\.gold)?(?:\.exe)?: (?:error: |fatal error: )?(?:unrecogni[sz]ed|unknown) option:? [`'‘]?-(?:Wl,|Xlinker|nodefaultlibs|nostartfiles|nostdlib(?-u:\b)|fuse-ld|static-libgcc|shared-libgcc|pthread|rdynamic|pie(?-u:\b)|no-pie|fPIC|fpic|m(?:64|32|arch|cpu|float)|dynamic(?-u:\b)|defaultlib|nologo|NOLOGO)",
    r"(?-u:\b)(?:ld|gold)(?:\.bfd|\.gold)?: (?:fatal error: |error: )?-f(?:/--auxiliary)? may not be used without -shared",
    // gold's own order, `gold: -Wl,--as-needed: unknown option`, in its
    // translations too (es, fr, it, ro, id, fi, vi, uk, sr).
    r"(?-u:\b)(?:ld|gold)(?:\.bfd|\.gold)?(?:\.exe)? ?: (?:fatal error: |error: )?[`'‘]?-(?:Wl,|Xlinker|nodefaultlibs|nostartfiles|nostdlib(?-u:\b)|fuse-ld|static-libgcc|shared-libgcc|pthread|rdynamic|pie(?-u:\b)|no-pie|fPIC|fpic|m(?:64|32|arch|cpu|float)|arch(?-u:\b)|dylib|dead_strip|syslibroot|platform_version|macosx_version_min|defaultlib|nologo|NOLOGO)[^\s:]*['’]?\s?: (?:unknown option|opción desconocida|option inconnue|opzione sconosciuta|opțiune necunoscută|pilihan tidak diketahui|tuntematon valitsin|tùy chọn không rõ|невідомий параметр|непозната опција)",
    // A GNU or LLVM C driver on Linux given rustc's Apple options (a macOS
    // or iOS target linked with the host `cc`).
    r"(?:^|\s)(?:cc|gcc|g\+\+|c\+\+|clang|clang\+\+|clang-\d+)(?:\.exe)?: (?:error|fatal error): (?:unrecogni[sz]ed (?:command[- ]line )?option|unsupported option|unknown argument:?) [`'‘\x22]?-(?:arch(?-u:\b)|mmacosx-version-min|miphoneos-version-min|mios-simulator-version-min|mtvos-version-min|mwatchos-version-min|framework(?-u:\b)|dead_strip|dylib(?-u:\b)|exported_symbols_list|install_name|headerpad_max_install_names|syslibroot)",
    // mold given Mach-O, MSVC or driver options.
    r"mold: (?:fatal: )?(?:mold: )?unknown command line option: (?:-dynamic\s*$|-arch(?-u:\b)|-dylib|-syslibroot|-platform_version|-defaultlib|-nologo|/|-Wl,|-flavor|-nodefaultlibs|-nostartfiles|-m(?:64|32)\s*$)",
    // A C compiler driver given rustc's lld or MSVC arguments.
    r"(?:^|\s)(?:[\w.+-]+-)?(?:cc|gcc|g\+\+|c\+\+|clang|clang\+\+|clang-\d+|emcc)(?:\.exe)?: error: (?:unrecogni[sz]ed (?:command[- ]line )?option|unknown argument:?) [`'‘]?(?:-flavor|-nologo|/NOLOGO|/OUT:|/LIBPATH:|/DEBUG|/SUBSYSTEM|/NXCOMPAT|/OPT:|/DEF:|/NODEFAULTLIB)",
    r"(?:^|\s)(?:[\w.+-]+-)?(?:cc|gcc|g\+\+|c\+\+|clang|clang\+\+|clang-\d+)(?:\.exe)?: error: (?:no such file or directory: )?[`'‘]?/(?:NOLOGO|OUT:|LIBPATH:|DEBUG(?-u:\b)|NXCOMPAT|SUBSYSTEM|OPT:|DEF:|NODEFAULTLIB)",
    // The Solaris/illumos ld given GNU ld's long options.
    r"(?-u:\b)ld: fatal: unrecogni[sz]ed option '--",
    // GNU ld 2.36+ given a C driver's option it cannot tell from its own
    // abbreviations (`-nostartfiles`), in English, pt, sv, sr.
    r"(?-u:\b)ld(?:\.bfd)?(?:\.exe)?: (?:Error|Erro|Fel|Грешка): (?:unable to disambiguate|não foi possível desambiguar|kan inte uttyda|не могу да разликујем): -",
    // GNU ld, lld or mold given MSVC's arguments, which they read as files.
    r"(?:\bld|lld|mold)(?:\.\w+)?(?:\.exe)?: (?:error: |fatal: )?cannot (?:find|open) [`'‘]?/(?:NOLOGO|OUT:|LIBPATH:|DEBUG(?-u:\b)|NXCOMPAT|SUBSYSTEM|OPT:|DEF:|NODEFAULTLIB|MANIFEST|DYNAMICBASE|LARGEADDRESSAWARE)",
    // wasm-ld (emcc's and rustc's) given another flavour's options.
    r"wasm-ld(?:-[\d.]+)?(?:\.exe)?: error: unknown argument",
    // MSVC link.exe given a GNU input (`-lfoo`, `libfoo.a`, `-Wl,…`).
    r"LNK1181: cannot open input file '(?:-[^']*|[^']*\.(?:a|so))'",
    // gold or mold named as the linker itself: rustc does not know these
    // names, so it passes them a C compiler's command line.
    r"^error: linking with `(?:[^`]*[/\\])?(?:gold|mold)(?:\.exe)?` failed",
];

/// Diagnostic: wrong_linker_flavor
///
/// **What it means.** The program that ran as linker is not the kind the
/// target's flags are written for: macOS's `ld` says `unknown option:
/// --as-needed` to GNU-style flags, `rust-lld` says it is a generic driver,
/// GNU `ld` rejects Mach-O options or says `unrecognised emulation mode: 64`,
/// a bare `ld`/`gold`/`mold` rejects `-Wl,…`, a C compiler rejects `-flavor`
/// or `/NOLOGO`, MSVC `link.exe` warns `LNK4044: unrecognized option '/lfoo'`,
/// gold says `gold: -Wl,--as-needed: unknown option` (also translated), GNU
/// ld 2.36+ says `unable to disambiguate: -nostartfiles`, the Solaris ld
/// says `ld: fatal: unrecognized option '--as-needed'`, or a Linux `cc`
/// linking rejects rustc's Apple options (`-arch`, `-mmacosx-version-min=`),
/// or a MinGW gcc, GNU ld, lld or mold reads MSVC arguments as files
/// (`cannot find /NOLOGO`).
///
/// **Why it happens.** Cross-compiling to Linux from macOS with the system
/// `cc`/`ld` as linker, or setting `linker = "ld"`/`"lld"` directly where a
/// C compiler driver (which picks the flavour and adds the C runtime) is
/// expected.
///
/// **How to fix.** Configure a linker of the right flavour for the target:
/// clang with `-fuse-ld=lld` and `--target=<triple>` plus a sysroot, a GNU cross
/// gcc, or zig (`configure_linker`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for &index in hits {
        // A C compiler given Apple options outside a link is a build
        // script's compiler given the macOS host's flags (wrong_cc_for_target).
        if cx.linking_error(index).is_none()
            && regex!(r": (?:error|fatal error): (?:unrecogni[sz]ed (?:command[- ]line )?option|unsupported option|unknown argument:?) [`'‘\x22]?-(?:arch(?-u:\b)|m\w+-version-min|framework(?-u:\b)|dead_strip|dylib(?-u:\b)|exported_symbols_list|install_name|headerpad_max_install_names|syslibroot)")
                .is_match(cx.content(index))
        {
            continue;
        }
        let start = cx.linking_error(index).map_or(index, |(header, _)| header);
        // A bare gold or mold named as the linker: the message that says
        // what it rejected, when the log has it, is the better evidence.
        let bare_linker_header =
            start == index && cx.content(index).starts_with("error: linking with");
        if bare_linker_header
            && hits.iter().any(|&other| {
                other > index
                    && other < index + 300
                    && cx.linking_error(other).map(|(h, _)| h) == Some(index)
            })
        {
            continue;
        }
        if findings
            .iter()
            .any(|f| f.evidence.lines.map(|[first, _]| first) == Some(cx.log.number_of(start)))
        {
            continue;
        }
        findings.push(describe(cx, index, start));
    }
    findings
}

/// The option (or input) the linker rejected, as the line names it.
fn option_of(content: &str) -> Option<String> {
    if let Some(c) = regex!(r"LNK4044: unrecogni[sz]ed option '/?([^']+)'").captures(content) {
        return Some(c[1].to_owned());
    }
    if let Some(c) =
        regex!(r"(?:disambiguate|desambiguar|uttyda|разликујем): (-\S+)").captures(content)
    {
        return Some(c[1].to_owned());
    }
    if content.contains("may not be used without -shared") {
        return Some("-f".to_owned());
    }
    if let Some(c) = regex!(r": [`'‘]?(-[^\s:'’]+)['’]?\s?: [^:]+$").captures(content) {
        return Some(c[1].to_owned());
    }
    let named = regex!(
        r"(?:unknown options?: |unsupported option [`'‘]|unknown (?:argument|option|-m argument):? [`'‘]?|unknown command line option: |unrecogni[sz]ed emulation mode: |unrecogni[sz]ed (?:command[- ]line )?option:? [`'‘]?|(?:extra operand|zusätzlicher Operand|opérande supplémentaire|operando extra|лишний операнд|多余的操作对象|余分な演算子|nadmiarowy argument|추가 피연산자|ek işlenen|зайвий операнд) [`'‘«„“]?|cannot open input file '|error: no such file or directory: '|cannot (?:find|open) [`'‘]?)([^\s'’]+)|ignoring unknown argument '([^']+)'|error: '?(/[A-Z][^\s'’:]*:?)"
    );
    let Some(captures) = named.captures(content) else {
        // A translation: the first quoted option.
        return regex!(r"[»«“‘'\x22]\s*(-[^\s»«“”’'\x22]+)")
            .captures(content)
            .map(|c| c[1].to_owned());
    };
    let option = captures.get(1).or(captures.get(2)).or(captures.get(3))?;
    Some(option.as_str().trim_end_matches(':').to_owned())
}

fn describe(cx: &Context<'_>, index: usize, start: usize) -> Finding {
    let content = cx.content(index);
    let option = option_of(content);
    let linker = cx.linking_error(index).map(|(_, linker)| linker);
    let mut finding = cx.finding(Kind::WrongLinkerFlavor, "", start, index);
    finding = text_fact(finding, "linker", linker.as_deref());
    finding = text_fact(finding, "option", option.as_deref());
    let who = linker
        .as_deref()
        .map_or_else(|| "the linker".to_owned(), |l| format!("the linker `{l}`"));
    let for_target = cx.for_target(&finding);
    finding.message = match option {
        Some(option) => format!(
            "{who} does not understand `{option}`: it is the wrong kind of linker{for_target}"
        ),
        None => format!("{who} is the wrong kind of linker{for_target}"),
    };
    finding.with_fix(
        fix::CONFIGURE_LINKER,
        "Configure a linker of the right kind for the target (clang+lld with a sysroot, a GNU cross gcc, or zig)",
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind};
    use crate::finding::Kind;

    #[test]
    fn apple_ld_given_gnu_flags() {
        let log = "error: linking with `cc` failed: exit status: 1
  |
  = note: env -u IPHONEOS_DEPLOYMENT_TARGET \"cc\" \"/w/target/x86_64-unknown-linux-gnu/debug/deps/a.rcgu.o\" \"-Wl,--as-needed\"
  = note: ld: unknown option: --as-needed
          clang: error: linker command failed with exit code 1 (use -v to see invocation)
";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "option"), Some("--as-needed"));
        assert_eq!(fact(&finding, "linker"), Some("cc"));
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(finding.evidence.lines, Some([1, 4]));
    }

    #[test]
    fn generic_lld_driver() {
        let log = "error: linking with `rust-lld` failed: exit status: 1
  = note: rust-lld: error: lld is a generic driver.
          Invoke ld.lld (Unix), ld64.lld (macOS), lld-link (Windows), wasm-ld (WebAssembly) instead
";
        first_of_kind(log, Kind::WrongLinkerFlavor);
    }

    #[test]
    fn ld_prime_lists_several_unknown_options() {
        let log = "ld: unknown options: --as-needed -Bstatic\nclang: error: linker command failed with exit code 1 (use -v to see invocation)\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "option"), Some("--as-needed"));
    }

    #[test]
    fn coreutils_link_instead_of_msvc_link() {
        let log = "error: linking with `link.exe` failed: exit code: 1\n  = note: link: extra operand '/w/target/debug/deps/app.app.1.rcgu.o'\n          Try 'link --help' for more information.\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "linker"), Some("link.exe"));
    }

    #[test]
    fn msvc_link_given_gnu_options_and_gnu_ld_given_mach_o_ones() {
        let log = "LINK : warning LNK4044: unrecognized option '/-as-needed'; ignored\n";
        first_of_kind(log, Kind::WrongLinkerFlavor);
        let log = "/usr/bin/ld: unrecognized option '-dead_strip'\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "option"), Some("-dead_strip"));
    }

    #[test]
    fn mold_and_lld_without_a_colon() {
        let log = "mold: fatal: unknown -m argument: 64\n";
        first_of_kind(log, Kind::WrongLinkerFlavor);
        let log = "  = note: rust-lld: error: unknown argument '-Wl,--as-needed'\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "option"), Some("-Wl,--as-needed"));
    }

    #[test]
    fn bare_gnu_linkers_given_a_c_compilers_command_line() {
        let cases = [
            (
                "/usr/bin/ld: unrecognized option '-Wl,--as-needed'\n",
                "-Wl,--as-needed",
            ),
            (
                "  = note: ld: unrecognised option '-nodefaultlibs'\n",
                "-nodefaultlibs",
            ),
            (
                "/usr/bin/ld.gold: fatal error: -f/--auxiliary may not be used without -shared\n",
                "-f",
            ),
            ("ld: -f may not be used without -shared\n", "-f"),
            (
                "mold: fatal: unknown command line option: -dynamic\n",
                "-dynamic",
            ),
            (
                "mold: fatal: unknown command line option: -defaultlib:libcmt\n",
                "-defaultlib:libcmt",
            ),
            (
                "#8 41.2 wasm-ld: error: unknown argument: -Wl,--as-needed\n",
                "-Wl,--as-needed",
            ),
        ];
        for (log, option) in cases {
            let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
        }
        // A GNU option mold lacks is not a flavour problem.
        let log = "mold: fatal: unknown command line option: -dynamic-list-data\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::WrongLinkerFlavor)
        );
    }

    #[test]
    fn gold_named_as_the_linker_with_the_note_cut() {
        let log = "error: linking with `gold` failed: exit code: 1\n  |\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "linker"), Some("gold"));
        let log = "error: linking with `/usr/bin/gold` failed: exit code: 1\n  = note: /usr/bin/gold: unrecognized option '-Wl,--as-needed'\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "option"), Some("-Wl,--as-needed"));
        assert_eq!(super::super::testing::explain(log).len(), 1);
    }

    #[test]
    fn c_drivers_given_lld_or_msvc_arguments() {
        let cases = [
            (
                "  = note: cc: error: unrecognized command-line option '-flavor'\n",
                "-flavor",
            ),
            (
                "  = note: gcc: error: unrecognized command line option '-nologo'\n",
                "-nologo",
            ),
            (
                "  = note: clang: error: unknown argument: '-nologo'\n",
                "-nologo",
            ),
            (
                "  = note: gcc.exe: error: /NOLOGO: No such file or directory\n",
                "/NOLOGO",
            ),
            (
                "  = note: clang: error: no such file or directory: '/OUT:C:\\w\\app.exe'\n",
                "/OUT:C:\\w\\app.exe",
            ),
        ];
        for (log, option) in cases {
            let log = format!("error: linking with `cc` failed: exit status: 1\r\n{log}");
            let finding = first_of_kind(&log, Kind::WrongLinkerFlavor);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
            assert_eq!(fact(&finding, "linker"), Some("cc"));
        }
    }

    #[test]
    fn msvc_link_given_gnu_inputs() {
        let log = "error: linking with `link.exe` failed: exit code: 1181\n  = note: LINK : fatal error LNK1181: cannot open input file '-lpthread'\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "option"), Some("-lpthread"));
        // An MSVC library that is just missing is missing_library_at_link's.
        let log = "error: linking with `link.exe` failed: exit code: 1181\n  = note: LINK : fatal error LNK1181: cannot open input file 'ssl.lib'\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::WrongLinkerFlavor)
        );
    }

    #[test]
    fn msvc_link_and_lld_link_given_gnu_arguments() {
        let log = "LINK : warning LNK4044: unrecognized option '/lpthread'; ignored\r\n";
        let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
        assert_eq!(fact(&finding, "option"), Some("lpthread"));
        let log = "LINK : warning LNK4044: unrecognized option '/Wl,--as-needed'; ignored\n";
        first_of_kind(log, Kind::WrongLinkerFlavor);
        let log =
            "  = note: lld-link: error: could not open '-flavor': no such file or directory\n";
        first_of_kind(log, Kind::WrongLinkerFlavor);
        // An MSVC option link.exe does not know is not a GNU command line.
        let log = "LINK : warning LNK4044: unrecognized option '/ZZZ'; ignored\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::WrongLinkerFlavor)
        );
    }

    #[test]
    fn gnu_ld_rejecting_driver_options_in_translation() {
        let cases = [
            "/usr/bin/ld: nicht erkannte Option »-Wl,--as-needed«\n",
            "/usr/bin/ld : option « -nodefaultlibs » non reconnue\n",
            "/usr/bin/ld: no se reconoce la opción «-Wl,-z,relro»\n",
        ];
        for log in cases {
            let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
            assert!(
                fact(&finding, "option").is_some_and(|o| o.starts_with('-')),
                "{log}"
            );
        }
    }

    #[test]
    fn prefixed_and_crlf_excerpts() {
        let cases = [
            "#9 12.3   = note: ld: unknown option: --as-needed\r\n",
            "2026-05-06T07:08:09.1234567Z   = note: rust-lld: error: unknown argument: -Wl,--as-needed\r\n",
        ];
        for log in cases {
            let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
            assert!(fact(&finding, "option").is_some(), "{log}");
        }
    }

    #[test]
    fn gold_names_the_option_before_its_complaint() {
        let cases = [
            (
                "  = note: arm-linux-gnueabihf-ld.gold: -Wl,--gc-sections: unknown option\n",
                "-Wl,--gc-sections",
            ),
            ("gold: -nodefaultlibs: unknown option\n", "-nodefaultlibs"),
            (
                "/usr/bin/ld.gold : -Wl,-z,relro : option inconnue\n",
                "-Wl,-z,relro",
            ),
            (
                "x86_64-linux-gnu-ld.gold: -pie: opción desconocida\n",
                "-pie",
            ),
        ];
        for (log, option) in cases {
            let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
        }
        // A GNU option gold lacks is not a flavour problem.
        let log = "gold: --no-such-thing: unknown option\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::WrongLinkerFlavor)
        );
    }

    #[test]
    fn a_linux_c_driver_given_apple_options() {
        let cases = [
            (
                "  = note: cc: error: unrecognized command-line option ‘-arch’\n",
                "-arch",
            ),
            (
                "  = note: gcc: error: unrecognized command line option '-mmacosx-version-min=10.12'\n",
                "-mmacosx-version-min=10.12",
            ),
            (
                "  = note: clang: error: unsupported option '-mios-simulator-version-min=14.0' for target 'x86_64-unknown-linux-gnu'\n",
                "-mios-simulator-version-min=14.0",
            ),
        ];
        for (log, option) in cases {
            let log = format!("error: linking with `cc` failed: exit status: 1\n{log}");
            let finding = first_of_kind(&log, Kind::WrongLinkerFlavor);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
        }
    }

    #[test]
    fn solaris_ld_and_gnu_ld_given_driver_options() {
        let cases = [
            (
                "ld: fatal: unrecognized option '--gc-sections'\n",
                "--gc-sections",
            ),
            (
                "/opt/cross/bin/arm-none-eabi-ld: Error: unable to disambiguate: -nodefaultlibs (did you mean --nodefaultlibs ?)\n",
                "-nodefaultlibs",
            ),
            (
                "aarch64-linux-gnu-ld: Erro: não foi possível desambiguar: -nostartfiles (você quis dizer --nostartfiles ?)\n",
                "-nostartfiles",
            ),
        ];
        for (log, option) in cases {
            let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
        }
    }

    #[test]
    fn apple_options_outside_a_link_are_a_build_scripts_compiler() {
        let log = "cc: error: unrecognized command-line option '-arch'\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::WrongLinkerFlavor)
        );
    }

    #[test]
    fn mingw_drivers_and_gnu_linkers_given_msvc_arguments() {
        let cases = [
            (
                "  = note: x86_64-w64-mingw32-gcc: error: /NOLOGO: No such file or directory\n",
                "/NOLOGO",
            ),
            (
                "  = note: /usr/bin/ld: cannot find /NOLOGO: No such file or directory\n",
                "/NOLOGO",
            ),
            (
                "  = note: ld.lld: error: cannot open /OUT:C:\\w\\app.exe: no such file or directory\n",
                "/OUT:C:\\w\\app.exe:",
            ),
        ];
        for (log, option) in cases {
            let finding = first_of_kind(log, Kind::WrongLinkerFlavor);
            assert_eq!(
                fact(&finding, "option").map(|o| o.trim_end_matches(':')),
                Some(option.trim_end_matches(':')),
                "{log}"
            );
        }
    }

    #[test]
    fn coreutils_link_by_path_and_in_translation() {
        for note in [
            "/usr/bin/link: extra operand '/w/target/debug/deps/app.app.1-cgu.0.rcgu.o'",
            "link: zusätzlicher Operand »/w/target/debug/deps/app.app.1-cgu.0.rcgu.o«",
            "link: opérande supplémentaire « /w/target/debug/deps/app.app.1-cgu.0.rcgu.o »",
        ] {
            let log =
                format!("error: linking with `link.exe` failed: exit code: 1\n  = note: {note}\n");
            let finding = first_of_kind(&log, Kind::WrongLinkerFlavor);
            assert_eq!(fact(&finding, "linker"), Some("link.exe"), "{note}");
        }
    }
}
