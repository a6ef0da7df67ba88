//! Detects `missing_library_at_link`: the linker found no library or C
//! runtime object for the target.

use super::context::text_fact;
use super::{Context, fix, packages, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the linker cannot find a library or C runtime object for the target";

pub(super) const TRIGGERS: &[&str] = &[
    // GNU ld (bfd, gold), in English and translated: de `-lfoo kann nicht
    // gefunden werden`, es `no se puede encontrar -lfoo`, fr `ne peut
    // trouver -lfoo`, ru `невозможно найти -lfoo`, zh `找不到 -lfoo`, ja
    // `-lfoo が見つかりません`, pt `não foi possível encontrar -lfoo`.
    r"(?i)can ?not find -l\s*\S+",
    r"(?i)(?:kann nicht gefunden werden|nicht gefunden|no se puede encontrar|no se encontró|ne peut (?:pas )?trouver|impossible de trouver|introuvable|невозможно найти|не удается найти|не удаётся найти|не вдалося знайти|не се намира|не могу да нађем|找不到|が見つかりません|não foi possível (?:encontrar|localizar)|não pode encontrar|impossibile trovare|nie można znaleźć|kan ikke finde|kan inte hitta|tidak dapat menemukan|không tìm thấy|nu se poate găsi).{0,8}-l[\w.+:-]+|-l[\w.+:-]+['’“”»]?:? (?:kann nicht gefunden werden|nicht gefunden|が見つかりません|introuvable|ei löydy|bulunamadı|a aimsiú|löytäminen epäonnistui)",
    // A library file named in full that is not there, as a C driver
    // (`cc: error: /w/libfoo.a: No such file or directory`, clang's `no
    // such file or directory: 'libfoo.a'`), Apple ld (`file not found`,
    // ld-prime's `errno=2`) or a bare name in a linker script says.
    concat!(
        r"(?:^|\s)(?:cc|gcc|g\+\+|c\+\+|clang|clang\+\+|[\w.+-]+-(?:gcc|g\+\+|clang))(?:-\d+)?(?:\.exe)?: (?:fatal )?error: (?:no such file or directory: )?['‘\x22]?\S+\.(?:a|so(?:\.[\d.]+)?|lib|dylib|tbd)['’\x22]?(?:: (?:",
        super::words::no_such_file!(),
        r")|\s*$)"
    ),
    r"\bld: file not found: \S+\.(?:a|dylib|tbd|so)(?-u:\b)",
    r"\bld: file cannot be open\(\)ed, errno=2 path=\S+\.(?:a|dylib|tbd|so)(?-u:\b)",
    r"(?:\bld|lld|mold)(?:\.\w+)?(?:\.exe)?: (?:error: |fatal: )?can ?not (?:find|open) (?:[A-Za-z]:)?[/\\]\S+\.(?:a|so(?:\.[\d.]+)?|lib)(?-u:\b)",
    r"\bld(?:\.\w+)?(?:\.exe)?: can ?not find lib[\w+-]+(?:\.[\w+-]+)*\.(?:so(?:\.[\d.]+)?|a)(?-u:\b)",
    r"(?i)unable to find library -l\S+",
    r"library not found for -l\S+",
    // ld-prime (Xcode 15) and mold.
    r"\bld: library '[^']+' not found",
    r"\bld: framework (?:'[^']+' )?not found",
    r"mold: (?:fatal|error): library not found: \S+",
    r"(?i)can ?not (?:find|open) \S*crt\w*\.o\b",
    // A library given by full path that is not there.
    r"\bld(?:\.\w+)?(?:\.exe)?: (?:error: )?can ?not (?:find|open) /\S+\.(?:a|so(?:\.[\d.]+)?)\b",
    r"could not find native static library [`'‘][^`'’]+[`'’]",
    r"(?i)unable to find (?:dynamic|static) system library '[^']+'",
    // A shared library's own dependency (`libssl.so.3, needed by libpq.so`).
    r"\bld(?:\.\w+)?: (?:warning: )?\S+\.so[\d.]*, needed by \S+, not found",
    // MSVC's link.exe (any language: the code and the .lib name are kept)
    // and lld-link.
    r"LNK1181\b|LNK1104\b.*\.lib\b",
    r"lld-link: error: could not open '[^']+\.lib'",
];

/// Diagnostic: missing_library_at_link
///
/// **What it means.** Linking the final binary failed because a library or
/// a C runtime object is not where the linker looks: `cannot find -lsqlite3`,
/// lld's `unable to find library -lssl`, macOS's `library not found for -lssl`,
/// `cannot find crt1.o` / `Scrt1.o` / `crtbeginS.o`, rustc's `could not find
/// native static library`, GNU ld's wording in its translations (de, es, fr,
/// ru, uk, sr, bg, zh, ja, pt, it, pl, da, sv, fi, tr, id, vi), and a library
/// file named in full that is not there (`cc: error: /w/libfoo.a: No such
/// file or directory`, clang's `no such file or directory: 'libomp.dylib'`,
/// Apple ld's `file not found`, Windows paths).
///
/// **Why it happens.** A `-sys` crate asked to link a system library that is
/// installed only for the host; or the linker has no sysroot for the target
/// at all (then even `-lc` and the `crt*.o` files are missing, as with clang +
/// lld without `--sysroot`, or an i686 build without multilib). The finding
/// names the library's package from [the native library
/// table](native-libraries.md) (`-lasound` → libasound2-dev), and a name that
/// differs from the real file only in case (`-lflac`, the package ships
/// `libFLAC.so`) is pointed out: Linux file names are case-sensitive, so the
/// crate must ask for `-lFLAC`.
///
/// **How to fix.** Fetch a Debian sysroot for the target with the library's
/// `-dev` package (plus libc6-dev and libgcc-dev) and pass `--sysroot` to the
/// linker (`fetch_sysroot_and_wire`); for SQLite use rusqlite's `bundled`
/// feature (`use_bundled_sqlite`), for OpenSSL the `vendored` feature
/// (`use_vendored_openssl`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    // One finding per link error, naming every library it missed.
    let mut groups: Vec<(usize, Vec<(String, usize)>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &index in hits {
        let Some(library) = library_named(cx.content(index)) else {
            continue;
        };
        let start = cx.linking_error(index).map_or(index, |(header, _)| header);
        let group = match groups.iter_mut().find(|(known, _)| *known == start) {
            Some((_, group)) => group,
            None => {
                groups.push((start, Vec::new()));
                &mut groups.last_mut().expect("just pushed").1
            }
        };
        if seen.insert((start, library.clone())) {
            group.push((library, index));
        }
    }
    groups
        .into_iter()
        .map(|(start, missed)| describe(cx, start, &missed))
        .collect()
}

fn library_named(content: &str) -> Option<String> {
    let pattern = regex!(
        r#"(?ix)
        can\ ?not\ find\ -l:?\s*([^\s:]+)
        | (?:unable\ to\ find\ library|library\ not\ found\ for)\ -l([^\s:]+)
        | ld:\ library\ '([^']+)'\ not\ found
        | ld:\ framework\ (?:'([^']+)'\ )?not\ found(?:\ (\S+))?
        | library\ not\ found:\ (\S+)
        | can\ ?not\ (?:find|open)\ (\S*crt\w*\.o)\b
        | can\ ?not\ (?:find|open)\ ((?:[A-Za-z]:)?[/\\]\S+\.(?:a|so(?:\.[\d.]+)?|lib))\b
        | can\ ?not\ find\ (lib[\w+-]+(?:\.[\w+-]+)*\.(?:so(?:\.[\d.]+)?|a))\b
        | error:\ (?:no\ such\ file\ or\ directory:\ )?['‘"]?(\S+\.(?:a|so(?:\.[\d.]+)?|lib|dylib|tbd))['’"]?(?::|\s*$)
        | ld:\ file\ not\ found:\ (\S+)
        | errno=2\ path=(\S+\.(?:a|dylib|tbd|so))
        | native\ static\ library\ [`'‘]([^`'’]+)[`'’]
        | system\ library\ '([^']+)'
        | (\S+\.so[\d.]*),\ needed\ by
        | LNK(?:1181|1104)\b[^'"“„«‘]*['"“„«‘]([^'"”“»’]+)['"”»’]
        | could\ not\ open\ '([^']+\.lib)'
        | (?:^|[\s„«“'‘])-l(:?[\w.+-]+?)['’“”»]?:?\ (?:kann|nicht|が|introuvable|ei\ löydy|bulunamadı|a\ aimsiú|löytäminen)
        | (?:^|[\s„«“'‘])-l(:?[\w.+-]+)
        "#
    );
    let captures = pattern.captures(content)?;
    let name = captures.iter().skip(1).flatten().next()?.as_str();
    let name = name.strip_prefix(':').unwrap_or(name);
    Some(super::context::base_name(name).to_owned())
}

/// Whether a library name is a C runtime object rather than a library.
pub(super) fn is_crt_object(library: &str) -> bool {
    library.ends_with(".o")
}

fn describe(cx: &Context<'_>, start: usize, missed: &[(String, usize)]) -> Finding {
    let (library, _) = &missed[0];
    let last = missed
        .iter()
        .map(|(_, index)| *index)
        .max()
        .unwrap_or(start);
    let linker = cx.linking_error(last).map(|(_, linker)| linker);
    let mut finding = cx.finding(Kind::MissingLibraryAtLink, "", start, last);
    let other_case = packages::for_library(library)
        .is_none()
        .then(|| packages::for_library_other_case(library))
        .flatten();
    let package = packages::for_library(library).or(other_case.map(|(package, _)| package));
    finding = text_fact(finding, "library", Some(library));
    finding = text_fact(finding, "debian_package", package);
    finding = text_fact(finding, "linker", linker.as_deref());
    if missed.len() > 1 {
        let all: Vec<&str> = missed.iter().map(|(name, _)| name.as_str()).collect();
        finding = finding.with_fact("libraries", serde_json::json!(all));
    }
    let for_target = cx.for_target(&finding);
    let what = if is_crt_object(library) {
        format!("the C runtime object `{library}`")
    } else {
        format!("the library `{library}`")
    };
    let more = match missed.len() {
        1 => String::new(),
        2 => " and 1 more".to_owned(),
        n => format!(" and {} more", n - 1),
    };
    finding.message = format!("the linker cannot find {what}{more}{for_target}");
    if let Some((package, real)) = other_case {
        finding.message.push_str(&format!(
            "; {package} ships it as lib{real}.so, and file names are case-sensitive: the crate must ask for -l{real}"
        ));
        finding = text_fact(finding, "library_spelled", Some(real));
    }
    let wanted = package.unwrap_or("the library's -dev package");
    let mut finding = finding.with_fix(
        fix::FETCH_SYSROOT_AND_WIRE,
        format!("Fetch a Debian sysroot with {wanted} for the target and link against it"),
    );
    let names: Vec<&str> = missed.iter().map(|(name, _)| name.as_str()).collect();
    if names.contains(&"sqlite3") {
        finding = finding.with_fix(
            fix::USE_BUNDLED_SQLITE,
            "Build SQLite from source with rusqlite's `bundled` feature",
        );
    }
    if names.contains(&"ssl") || names.contains(&"crypto") {
        finding = finding.with_fix(
            fix::USE_VENDORED_OPENSSL,
            "Build OpenSSL from source with the openssl crate's `vendored` feature",
        );
    }
    finding
}

/// What the driver learnt about a missing library from outside the log:
/// the release's signed `Contents-<arch>` index, or the configured sysroot.
#[derive(Debug, Clone, Default)]
pub struct LibraryLookup {
    /// The `-l` name the finding is about.
    pub library: String,
    /// The package that ships it (as asked, else in another case).
    pub package: Option<String>,
    /// The spelling that links, when only another case exists.
    pub spelled: Option<String>,
    /// Where the answer comes from (`Contents-arm64 of bookworm`, a sysroot path).
    pub source: String,
    /// The command that adds the package to the project's sysroot.
    pub command: Option<String>,
}

/// Puts a lookup's answer into a `missing_library_at_link` finding about
/// `lookup.library`: the package (a fact, the fix's title and command) and
/// a case mismatch. The finding's first words stay the rule's own.
pub fn name_package(finding: &mut Finding, lookup: &LibraryLookup) {
    if finding.kind != Kind::MissingLibraryAtLink
        || finding.facts.get("library").and_then(|v| v.as_str()) != Some(lookup.library.as_str())
    {
        return;
    }
    let text = |value: &str| serde_json::Value::String(value.to_owned());
    finding
        .facts
        .insert("package_lookup".to_owned(), text(&lookup.source));
    let Some(package) = &lookup.package else {
        if !finding.facts.contains_key("debian_package") {
            finding.message.push_str(&format!(
                "; no package in {} ships lib{}.so",
                lookup.source, lookup.library
            ));
        }
        return;
    };
    finding
        .facts
        .insert("debian_package".to_owned(), text(package));
    if let Some(real) = &lookup.spelled
        && !finding.facts.contains_key("library_spelled")
    {
        finding.message.push_str(&format!(
            "; {package} ships it as lib{real}.so, and file names are case-sensitive: the crate must ask for -l{real}"
        ));
        finding
            .facts
            .insert("library_spelled".to_owned(), text(real));
    }
    if let Some(fix) = finding
        .fixes
        .iter_mut()
        .find(|fix| fix.id == fix::FETCH_SYSROOT_AND_WIRE)
    {
        fix.title =
            format!("Fetch a Debian sysroot with {package} for the target and link against it");
        if lookup.command.is_some() {
            fix.command.clone_from(&lookup.command);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn names_the_package_of_a_long_tail_library_and_a_case_mismatch() {
        let log = "error: linking with `clang` failed: exit status: 1
  = note: ld.lld: error: unable to find library -lasound
";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "debian_package"), Some("libasound2-dev"));
        let log = "error: linking with `clang` failed: exit status: 1
  = note: ld.lld: error: unable to find library -lflac
";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "debian_package"), Some("libflac-dev"));
        assert_eq!(fact(&finding, "library_spelled"), Some("FLAC"));
        assert!(
            finding.message.contains("libFLAC.so"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn gnu_ld_cannot_find_sqlite() {
        let log = "error: linking with `aarch64-linux-gnu-gcc` failed: exit status: 1
  |
  = note: \"aarch64-linux-gnu-gcc\" \"/w/target/aarch64-unknown-linux-gnu/debug/deps/x.o\"
  = note: /usr/aarch64-linux-gnu/bin/ld: cannot find -lsqlite3: No such file or directory
          collect2: error: ld returned 1 exit status
";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("sqlite3"));
        assert_eq!(fact(&finding, "debian_package"), Some("libsqlite3-dev"));
        assert_eq!(fact(&finding, "linker"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(finding.evidence.lines, Some([1, 4]));
        assert_eq!(
            fix_ids(&finding),
            ["fetch_sysroot_and_wire", "use_bundled_sqlite"]
        );
    }

    #[test]
    fn one_finding_per_link_error() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: /usr/bin/ld: cannot find Scrt1.o: No such file or directory
          /usr/bin/ld: cannot find crti.o: No such file or directory
          /usr/bin/ld: cannot find -lc: No such file or directory
          /usr/bin/ld: cannot find crti.o: No such file or directory
";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(
            findings[0].facts["libraries"],
            serde_json::json!(["Scrt1.o", "crti.o", "c"])
        );
        assert_eq!(
            findings[0].message,
            "the linker cannot find the C runtime object `Scrt1.o` and 2 more"
        );
        assert_eq!(findings[0].evidence.lines, Some([1, 4]));
    }

    #[test]
    fn crt_objects_and_lld() {
        let finding = first_of_kind(
            "ld.lld: error: cannot find crt1.o\n",
            Kind::MissingLibraryAtLink,
        );
        assert_eq!(fact(&finding, "library"), Some("crt1.o"));
        let finding = first_of_kind(
            "rust-lld: error: unable to find library -lssl\n",
            Kind::MissingLibraryAtLink,
        );
        assert_eq!(
            fix_ids(&finding),
            ["fetch_sysroot_and_wire", "use_vendored_openssl"]
        );
    }

    #[test]
    fn a_lookup_names_the_package_the_table_does_not_know() {
        let log = "error: linking with `clang` failed: exit status: 1
  = note: ld.lld: error: unable to find library -lgpiod
";
        let mut finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "debian_package"), None);
        let lookup = super::LibraryLookup {
            library: "gpiod".into(),
            package: Some("libgpiod-dev".into()),
            spelled: None,
            source: "Contents-arm64 of bookworm".into(),
            command: Some("crossport sysroot add libgpiod-dev".into()),
        };
        super::name_package(&mut finding, &lookup);
        assert_eq!(fact(&finding, "debian_package"), Some("libgpiod-dev"));
        assert_eq!(
            fact(&finding, "package_lookup"),
            Some("Contents-arm64 of bookworm")
        );
        assert!(finding.fixes[0].title.contains("libgpiod-dev"));
        assert_eq!(
            finding.fixes[0].command.as_deref(),
            Some("crossport sysroot add libgpiod-dev")
        );
        let nothing = super::LibraryLookup {
            library: "gpiod".into(),
            source: "Contents-arm64 of bookworm".into(),
            ..Default::default()
        };
        let mut unknown = first_of_kind(log, Kind::MissingLibraryAtLink);
        super::name_package(&mut unknown, &nothing);
        assert!(
            unknown
                .message
                .ends_with("; no package in Contents-arm64 of bookworm ships libgpiod.so"),
            "{}",
            unknown.message
        );
    }

    #[test]
    fn translated_gnu_ld_wordings() {
        for line in [
            "/usr/bin/ld: -lsqlite3 kann nicht gefunden werden: Datei oder Verzeichnis nicht gefunden",
            "/usr/bin/ld: no se puede encontrar -lsqlite3: No existe el archivo o el directorio",
            "/usr/bin/ld : ne peut trouver -lsqlite3",
            "/usr/bin/ld: невозможно найти -lsqlite3: Нет такого файла или каталога",
            "/usr/bin/ld: 找不到 -lsqlite3: 没有那个文件或目录",
            "/usr/bin/ld: -lsqlite3 が見つかりません: そのようなファイルやディレクトリはありません",
            "/usr/bin/ld: não foi possível encontrar -lsqlite3: Arquivo ou diretório inexistente",
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::MissingLibraryAtLink);
            assert_eq!(fact(&finding, "library"), Some("sqlite3"), "{line}");
        }
    }

    #[test]
    fn ld_prime_and_mold_wordings() {
        let finding = first_of_kind("ld: library 'ssl' not found\n", Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("ssl"));
        let finding = first_of_kind(
            "mold: fatal: library not found: asound\n",
            Kind::MissingLibraryAtLink,
        );
        assert_eq!(fact(&finding, "library"), Some("asound"));
    }

    #[test]
    fn a_library_by_full_path_and_a_dependency_of_a_shared_library() {
        let log = "/usr/aarch64-linux-gnu/bin/ld: cannot find /usr/aarch64-linux-gnu/lib/libc_nonshared.a: No such file or directory\n";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("libc_nonshared.a"));
        let log = "/usr/bin/aarch64-linux-gnu-ld: warning: libssl.so.3, needed by /sysroot/usr/lib/libpq.so, not found (try using -rpath or -rpath-link)\n";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("libssl.so.3"));
    }

    #[test]
    fn native_static_library_in_straight_quotes_and_lld_crt() {
        let log =
            "error: could not find native static library 'c', perhaps an -L flag is missing?\n";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("c"));
        let log = "ld.lld: error: cannot open Scrt1.o: No such file or directory\n";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("Scrt1.o"));
    }

    #[test]
    fn msvc_link_in_other_languages_and_lld_link() {
        for line in [
            "LINK : fatal error LNK1181: 无法打开输入文件“SDL2.lib”",
            "LINK : fatal error LNK1181: Eingabedatei \"SDL2.lib\" kann nicht geöffnet werden.",
            "LINK : fatal error LNK1181: 入力ファイル 'SDL2.lib' を開けません。",
            "LINK : fatal error LNK1104: cannot open file 'C:\\libs\\SDL2.lib'",
            "lld-link: error: could not open 'SDL2.lib': no such file or directory",
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::MissingLibraryAtLink);
            assert_eq!(fact(&finding, "library"), Some("SDL2.lib"), "{line}");
        }
        let log = "LINK : fatal error LNK1104: cannot open file 'target\\debug\\app.exe'\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MissingLibraryAtLink)
        );
    }

    #[test]
    fn more_gnu_ld_translations() {
        for line in [
            "/usr/bin/ld : ne peut pas trouver -lasound : Aucun fichier ou dossier de ce type",
            "/usr/bin/ld: kan ikke finde -lasound",
            "/usr/bin/ld: kan inte hitta -lasound: Filen eller katalogen finns inte",
            "/usr/bin/ld: не вдалося знайти -lasound: Немає такого файла або каталогу",
            "/usr/bin/ld: не могу да нађем „-lasound“: Нема такве датотеке или директоријума",
            "/usr/bin/ld: kohdetta -lasound ei löydy: Tiedostoa tai hakemistoa ei ole",
            "/usr/bin/ld: -lasound bulunamadı: Böyle bir dosya ya da dizin yok",
            "/usr/bin/ld: không tìm thấy -lasound",
            "/usr/bin/ld: tidak dapat menemukan -lasound",
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::MissingLibraryAtLink);
            assert_eq!(fact(&finding, "library"), Some("asound"), "{line}");
            assert_eq!(
                fact(&finding, "debian_package"),
                Some("libasound2-dev"),
                "{line}"
            );
        }
    }

    #[test]
    fn a_library_file_named_in_full_that_is_not_there() {
        let cases = [
            (
                "  = note: cc: error: /w/target/release/build/foo-sys-1/out/lib/libfoo.a: No such file or directory\n",
                "libfoo.a",
            ),
            (
                "  = note: aarch64-linux-gnu-gcc: error: /opt/sdk/lib/libvendor.so: Datei oder Verzeichnis nicht gefunden\n",
                "libvendor.so",
            ),
            (
                "clang: error: no such file or directory: '/opt/homebrew/lib/libomp.dylib'\n",
                "libomp.dylib",
            ),
            (
                "ld: file not found: /usr/local/lib/libpcre2-8.a\n",
                "libpcre2-8.a",
            ),
            (
                "ld: file cannot be open()ed, errno=2 path=/w/deps/libz.a in '/w/deps/libz.a'\n",
                "libz.a",
            ),
            (
                "rust-lld: error: cannot open C:\\libs\\sqlite3.lib: no such file or directory\n",
                "sqlite3.lib",
            ),
            ("/usr/bin/ld: cannot find libgcc_s.so.1\n", "libgcc_s.so.1"),
        ];
        for (log, library) in cases {
            let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
        }
        // A missing source file is not a library.
        let log = "cc: error: src/main.c: No such file or directory\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MissingLibraryAtLink)
        );
    }

    #[test]
    fn libraries_named_like_compilers_are_libraries() {
        for (line, library) in [
            (
                "/usr/bin/ld: cannot find -lgcc: No such file or directory",
                "gcc",
            ),
            (
                "/usr/bin/ld: cannot find -lstdc++: No such file or directory",
                "stdc++",
            ),
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::MissingLibraryAtLink);
            assert_eq!(fact(&finding, "library"), Some(library), "{line}");
        }
    }

    /// GNU ld's `cannot find` with the words apart (`can not find`, as a
    /// reworded or retyped log has it), for a -l name and a C runtime object.
    #[test]
    fn gnu_ld_can_not_find_spaced() {
        let log = "/opt/cross/bin/arm-linux-gnueabihf-ld: can not find crt1.o: No such file or directory\n/opt/cross/bin/arm-linux-gnueabihf-ld: can not find -lm\ncollect2: error: ld returned 1 exit status\n";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("crt1.o"));
    }

    /// GNU ld (binutils 2.36+) on an exact file name, `-l:libfoo.a`.
    #[test]
    fn gnu_ld_exact_file_name_with_l_colon() {
        let log = "/usr/bin/ld: cannot find -l:libfoo.a: No such file or directory\ncollect2: error: ld returned 1 exit status\n";
        let finding = first_of_kind(log, Kind::MissingLibraryAtLink);
        assert_eq!(fact(&finding, "library"), Some("libfoo.a"));
    }
}
