//! Detects `glibc_too_new`: at run time, the loader says the binary needs
//! a newer glibc than the machine has.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the binary was linked against a newer glibc than the machine running it has";

/// "not found" after a symbol version, in the loader's words and the
/// translations reporters paste.
macro_rules! not_found {
    () => {
        r"(?:not found|nicht gefunden|introuvable|non trouvée|no encontrada|não encontrada|non trovata|не найдена|未找到|が見つかりません)"
    };
}

/// The word before the version, in those languages.
macro_rules! version_word {
    () => {
        r"(?:version|versión|versão|versione|версия|版本|バージョン)"
    };
}

pub(super) const TRIGGERS: &[&str] = &[
    // glibc's loader, in any quotes and translated: de `Version `GLIBC_2.34'
    // nicht gefunden (benötigt von …)`, fr `version `GLIBC_2.34' introuvable`,
    // es `versión `GLIBC_2.34' no encontrada`, ru `версия `GLIBC_2.34' не
    // найдена`, zh `版本 `GLIBC_2.34' 未找到`, ja `バージョン `GLIBC_2.34' が見つかりません`.
    // libstdc++'s and libgcc's own versions (GLIBCXX_, CXXABI_, GCC_) and
    // GLIBC_PRIVATE (glibc's libraries from two releases) too.
    concat!(
        "(?i)",
        version_word!(),
        r#"\s*[`'‘’"“”]?(?:GLIBC(?:XX)?|CXXABI|GCC)_(?:\d+(?:\.\d+)+|PRIVATE)[`'‘’"“”]?\s*"#,
        not_found!()
    ),
    // Without the word "version" (a sentence quoting it, a cut line).
    concat!(
        r#"[`'‘’"“”]?GLIBC_\d+\.\d+(?:\.\d+)?[`'‘’"“”]?\s*"#,
        not_found!()
    ),
    // The line wrapped after the version (checked: the next line says "not found").
    concat!(
        "(?i)",
        version_word!(),
        r#"\s*[`'‘’"“”]?GLIBC(?:XX)?_\d+(?:\.\d+)+[`'‘’"“”]?\s*$"#
    ),
    // A symbol of a newer glibc looked up lazily, at its first call.
    r"symbol lookup error: .*undefined symbol: \S+, version (?:GLIBC(?:XX)?|CXXABI|GCC)_",
    // At link time: a prebuilt library needs a newer glibc than the one the
    // link uses (a sysroot of an older release).
    r"undefined (?:reference to|symbol:?) [`'‘]?[\w.]+@@?GLIBC_\d+\.\d+",
];

/// Diagnostic: glibc_too_new
///
/// **What it means.** Starting the program failed with ``version `GLIBC_2.34'
/// not found (required by ./app)``: the binary (or a library it loads) uses
/// glibc symbol versions newer than the glibc on the machine that runs it.
/// Any quotes or none, without the word "version" or wrapped before "not
/// found"; glibc's lazy `symbol lookup error: … undefined symbol: …, version
/// GLIBC_2.32`; libstdc++'s and libgcc's versions (`GLIBCXX_`, `CXXABI_`,
/// `GCC_`); `GLIBC_PRIVATE` (glibc libraries of two releases mixed); and at
/// link time a prebuilt library's ``undefined reference to `fcntl64@GLIBC_2.28'``
/// against an older sysroot.
///
/// **Why it happens.** A binary links against the glibc of the system it is
/// built on, and symbol versions only go up: a build on a current distribution
/// does not run on an older server (Debian bullseye has glibc 2.31, bookworm
/// 2.36). The same happens to a build script run inside an older container.
///
/// **How to fix.** Link against the server's release: fetch a Debian sysroot of
/// that release and build with it (`fetch_sysroot_and_wire`); or build with
/// cargo-zigbuild naming the glibc version (`<triple>.2.31`,
/// `use_zigbuild_glibc`); or build a static musl binary that needs no glibc
/// (`use_musl_target`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for &index in hits {
        if is_wrapped(cx, index) && !next_says_not_found(cx, index) {
            continue;
        }
        let binary = program_of(&text_of(cx, index)).unwrap_or_default();
        match groups.iter_mut().find(|(known, _)| *known == binary) {
            Some((_, lines)) => lines.push(index),
            None => groups.push((binary, vec![index])),
        }
    }
    groups
        .into_iter()
        .map(|(binary, lines)| describe(cx, &binary, &lines))
        .collect()
}

/// Whether the line ends at the version (wrapped before "not found").
fn is_wrapped(cx: &Context<'_>, index: usize) -> bool {
    let content = cx.content(index);
    !content.contains("undefined")
        && regex!(
            "(?i)",
            version_word!(),
            r#"\s*[`'‘’"“”]?GLIBC(?:XX)?_\d+(?:\.\d+)+[`'‘’"“”]?\s*$"#
        )
        .is_match(content)
}

fn next_says_not_found(cx: &Context<'_>, index: usize) -> bool {
    regex!("(?i)^", not_found!()).is_match(cx.content(index + 1))
}

/// A line and, when it is wrapped, the next one.
fn text_of(cx: &Context<'_>, index: usize) -> String {
    if is_wrapped(cx, index) {
        format!("{} {}", cx.content(index), cx.content(index + 1))
    } else {
        cx.content(index).to_owned()
    }
}

/// The program the loader was starting: the segment before the library
/// whose version is missing (`./app: /lib/libc.so.6: version …`); none when
/// the line starts at the library (`/lib64/libc.so.6: version …`) or with
/// an exception's name (`ImportError: …`).
fn program_of(content: &str) -> Option<String> {
    if let Some(c) = regex!(r"symbol lookup error: ([^:\s]+): undefined symbol").captures(content) {
        return Some(c[1].to_owned());
    }
    let segments: Vec<&str> = content.split(": ").collect();
    let library = segments
        .iter()
        .position(|segment| regex!(r"\.so(?:\.[\d.]+)?$").is_match(segment))?;
    let program = segments
        .get(library.checked_sub(1)?)?
        .trim_matches(['*', '`', '>', ' ']);
    let is_exception = regex!(r"^[A-Z]\w*(?:Error|Exception)$").is_match(program);
    (!program.is_empty() && !program.contains(' ') && !is_exception).then(|| program.to_owned())
}

fn version_key(version: &str) -> Vec<u32> {
    version
        .split('.')
        .filter_map(|part| part.parse().ok())
        .collect()
}

/// What the loader said a binary needs.
#[derive(Default)]
struct Requirements {
    /// The highest version the binary itself needs.
    by_binary: Option<String>,
    /// The highest version libraries loaded beside it need.
    by_libraries: Option<String>,
    /// Everything the loader named as requiring a version, in order.
    required_by: Vec<String>,
    /// A libstdc++ or libgcc symbol version (`GLIBCXX_3.4.30`,
    /// `CXXABI_1.3.13`, `GCC_7.0.0`) the machine lacks.
    libstdcxx: Option<String>,
    /// The versions were missing at link time (`undefined reference to
    /// `fcntl64@GLIBC_2.28'`), not when the program started.
    at_link: bool,
}

fn requirements(cx: &Context<'_>, binary: &str, lines: &[usize]) -> Requirements {
    let pattern = regex!(
        r#"(GLIBC(?:XX)?|CXXABI|GCC)_(\d+(?:\.\d+)+|PRIVATE)[`'‘’"“”]?[^(]*(?:\((?:required by|benötigt von|requis par|requerid[oa] por|necesario para|richiesto da|требуется для|被)\s*([^)]+?)(?:\s*需要)?\))?"#
    );
    let mut found = Requirements::default();
    for &index in lines {
        let text = text_of(cx, index);
        let Some(captures) = pattern.captures(&text) else {
            continue;
        };
        found.at_link |= regex!(r"undefined (?:reference|symbol)").is_match(&text)
            && !text.contains("symbol lookup error");
        // libstdc++'s GLIBCXX versions are tracked apart from glibc's.
        if &captures[1] != "GLIBC" {
            found
                .libstdcxx
                .get_or_insert_with(|| format!("{}_{}", &captures[1], &captures[2]));
            continue;
        }
        let version = captures[2].to_owned();
        let by = captures.get(3).map(|m| m.as_str().to_owned());
        // Libraries copied beside the binary can need more than the binary
        // itself; the binary's own requirement is what a rebuild changes.
        let slot = if by.as_deref().is_none_or(|by| by == binary) {
            &mut found.by_binary
        } else {
            &mut found.by_libraries
        };
        if slot
            .as_deref()
            .is_none_or(|known| version_key(&version) > version_key(known))
        {
            *slot = Some(version);
        }
        if let Some(by) = by
            && !found.required_by.contains(&by)
        {
            found.required_by.push(by);
        }
    }
    found
}

fn describe(cx: &Context<'_>, binary: &str, lines: &[usize]) -> Finding {
    let Requirements {
        by_binary: required,
        by_libraries: required_by_libraries,
        required_by,
        libstdcxx,
        at_link,
    } = requirements(cx, binary, lines);
    let required = required.or(required_by_libraries.clone());
    let first = lines.first().copied().unwrap_or(0);
    let last = lines.last().copied().unwrap_or(first);
    let available = available_glibc(cx);
    let mut finding = cx.finding(Kind::GlibcTooNew, "", first, last);
    finding = text_fact(finding, "binary", (!binary.is_empty()).then_some(binary));
    finding = text_fact(finding, "glibc_required", required.as_deref());
    finding = text_fact(finding, "glibc_available", available.as_deref());
    if required_by_libraries != required {
        finding = text_fact(
            finding,
            "glibc_required_by_libraries",
            required_by_libraries.as_deref(),
        );
    }
    finding = finding.with_fact("required_by", serde_json::json!(required_by));
    finding = text_fact(
        finding,
        "glibcxx_required",
        libstdcxx
            .as_deref()
            .map(|version| version.strip_prefix("GLIBCXX_").unwrap_or(version)),
    );
    let needs = match (&required, &libstdcxx) {
        (Some(version), _) => version.clone(),
        (None, Some(version)) if version.starts_with("GCC_") => {
            format!("a newer libgcc_s ({version})")
        }
        (None, Some(version)) => format!("a newer libstdc++ ({version})"),
        (None, None) => "a newer version".to_owned(),
    };
    let has = available.as_deref().map_or_else(String::new, |version| {
        format!(", the machine has {version}")
    });
    let program = if binary.is_empty() {
        "the program"
    } else {
        binary
    };
    finding.message = if at_link {
        format!(
            "a library the link uses needs glibc {needs}, newer than the glibc the link is against"
        )
    } else if required.as_deref() == Some("PRIVATE") {
        format!(
            "{program} needs GLIBC_PRIVATE symbols of another glibc release: its glibc libraries come from two releases"
        )
    } else if required.is_none() && libstdcxx.is_some() {
        format!("{program} needs {needs} than the machine has")
    } else {
        format!("{program} needs glibc {needs}{has}")
    };
    let zig_title = match (&finding.target, &available) {
        (Some(target), Some(version)) => {
            format!("Build with cargo-zigbuild for `{target}.{version}`")
        }
        _ => "Build with cargo-zigbuild naming the server's glibc version".to_owned(),
    };
    finding
        .with_fix(
            fix::FETCH_SYSROOT_AND_WIRE,
            "Fetch a Debian sysroot of the server's release and link against its glibc",
        )
        .with_fix(fix::USE_ZIGBUILD_GLIBC, zig_title)
        .with_fix(
            fix::USE_MUSL_TARGET,
            "Build a static musl binary, which needs no glibc",
        )
}

/// The glibc version the log shows for the machine: `ldd --version` or
/// running `libc.so.6` prints it.
fn available_glibc(cx: &Context<'_>) -> Option<String> {
    let pattern =
        regex!(r"^(?:ldd \(.*\) |GNU C Library \(.*\) (?:stable )?release version )(\d+\.\d+)");
    cx.log
        .lines
        .iter()
        .find_map(|line| pattern.captures(line.content()).map(|c| c[1].to_owned()))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn highest_required_version_and_what_the_machine_has() {
        let log = "$ /lib/x86_64-linux-gnu/libc.so.6
GNU C Library (Debian GLIBC 2.31-13+deb11u11) stable release version 2.31.
$ ./hello
/srv/app/hello: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.32' not found (required by /srv/app/hello)
/srv/app/hello: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /srv/app/hello)
/srv/app/hello: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.35' not found (required by /lib/x86_64-linux-gnu/libgcc_s.so.1)
";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert_eq!(fact(&finding, "glibc_required"), Some("2.34"));
        assert_eq!(fact(&finding, "glibc_available"), Some("2.31"));
        assert_eq!(fact(&finding, "glibc_required_by_libraries"), Some("2.35"));
        assert_eq!(fact(&finding, "binary"), Some("/srv/app/hello"));
        assert_eq!(finding.evidence.lines, Some([4, 6]));
        assert_eq!(
            finding.message,
            "/srv/app/hello needs glibc 2.34, the machine has 2.31"
        );
        assert_eq!(
            fix_ids(&finding),
            [
                "fetch_sysroot_and_wire",
                "use_zigbuild_glibc",
                "use_musl_target"
            ]
        );
    }

    #[test]
    fn straight_and_typographic_quotes_and_a_full_library_path() {
        for line in [
            "./app: /lib/aarch64-linux-gnu/libm.so.6: version 'GLIBC_2.38' not found (required by ./app)",
            "./app: /lib/aarch64-linux-gnu/libm.so.6: version ‘GLIBC_2.38’ not found (required by ./app)",
            "./app: /lib/aarch64-linux-gnu/libm.so.6: version \"GLIBC_2.38\" not found (required by ./app)",
            "./app: /lib/aarch64-linux-gnu/libm.so.6: version GLIBC_2.38 not found (required by ./app)",
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::GlibcTooNew);
            assert_eq!(fact(&finding, "glibc_required"), Some("2.38"), "{line}");
            assert_eq!(fact(&finding, "binary"), Some("./app"), "{line}");
        }
    }

    #[test]
    fn translated_loader_messages() {
        for line in [
            "./app: /lib/x86_64-linux-gnu/libc.so.6: Version `GLIBC_2.34' nicht gefunden (benötigt von ./app)",
            "./app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' introuvable (requis par ./app)",
            "./app: /lib/x86_64-linux-gnu/libc.so.6: versión `GLIBC_2.34' no encontrada (requerido por ./app)",
            "./app: /lib/x86_64-linux-gnu/libc.so.6: версия `GLIBC_2.34' не найдена (требуется для ./app)",
            "./app: /lib/x86_64-linux-gnu/libc.so.6: 版本 `GLIBC_2.34' 未找到 (被 ./app 需要)",
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::GlibcTooNew);
            assert_eq!(fact(&finding, "glibc_required"), Some("2.34"), "{line}");
            assert_eq!(
                finding.facts["required_by"],
                serde_json::json!(["./app"]),
                "{line}"
            );
        }
    }

    #[test]
    fn a_line_that_starts_at_the_library_names_no_program() {
        let finding = first_of_kind(
            "/libc.so.6: version `GLIBC_2.34' not found\n",
            Kind::GlibcTooNew,
        );
        assert_eq!(fact(&finding, "binary"), None);
        let finding = first_of_kind(
            "**ImportError: /usr/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.32' not found**\n",
            Kind::GlibcTooNew,
        );
        assert_eq!(fact(&finding, "binary"), None);
        assert_eq!(fact(&finding, "glibc_required"), Some("2.32"));
    }

    #[test]
    fn libstdcxx_too_old_for_the_binary() {
        let log = "./app: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by ./app)\n";
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert_eq!(fact(&finding, "glibcxx_required"), Some("3.4.30"));
        assert_eq!(fact(&finding, "glibc_required"), None);
    }

    #[test]
    fn without_the_word_version_or_wrapped_before_not_found() {
        let finding = first_of_kind(
            "the release binary fails: GLIBC_2.35 not found\n",
            Kind::GlibcTooNew,
        );
        assert_eq!(fact(&finding, "glibc_required"), Some("2.35"));
        let log = "./app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34'\n  not found (required by ./app)\n";
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert_eq!(fact(&finding, "glibc_required"), Some("2.34"));
        assert_eq!(fact(&finding, "binary"), Some("./app"));
        // A version at the end of a line that is not followed by "not found".
        let log = "linked against version GLIBC_2.34\n";
        assert!(super::super::testing::explain(log).is_empty());
    }

    #[test]
    fn lazy_symbol_lookup_and_the_c_plus_plus_runtime() {
        let log = "./app: symbol lookup error: ./app: undefined symbol: __libc_single_threaded, version GLIBC_2.32\n";
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert_eq!(fact(&finding, "binary"), Some("./app"));
        assert_eq!(fact(&finding, "glibc_required"), Some("2.32"));
        let log = "./app: /lib/x86_64-linux-gnu/libstdc++.so.6: version `CXXABI_1.3.13' not found (required by ./app)\n";
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert!(
            finding.message.contains("CXXABI_1.3.13"),
            "{}",
            finding.message
        );
        let log = "./app: /lib/x86_64-linux-gnu/libgcc_s.so.1: version `GCC_12.0.0' not found (required by ./app)\n";
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert!(finding.message.contains("libgcc_s"), "{}", finding.message);
        let log = "./app: /opt/lib/libc.so.6: version `GLIBC_PRIVATE' not found (required by /lib/x86_64-linux-gnu/libpthread.so.0)\n";
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert!(
            finding.message.contains("GLIBC_PRIVATE"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn a_prebuilt_library_needs_a_newer_glibc_at_link_time() {
        let log = "/usr/bin/aarch64-linux-gnu-ld: /w/lib/libvendor.so: undefined reference to `fcntl64@GLIBC_2.28'\ncollect2: error: ld returned 1 exit status\n";
        let finding = first_of_kind(log, Kind::GlibcTooNew);
        assert_eq!(fact(&finding, "glibc_required"), Some("2.28"));
        assert!(finding.message.contains("link"), "{}", finding.message);
    }
}
