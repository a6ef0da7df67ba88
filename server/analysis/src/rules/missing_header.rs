//! Detects `missing_header`: a build script's C compile for the target
//! could not find a header.

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, packages, regex, words};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "a build script's C compile for the target could not find a header";

pub(super) const TRIGGERS: &[&str] = &[
    concat!(
        r"fatal error: [\w./+-]+\.h(?:pp|h)?: (?:",
        words::no_such_file!(),
        ")"
    ),
    // clang's `'x.h' file not found`, its quotes in any style (a log
    // viewer's curly quotes, a markdown rendering's backticks).
    r"fatal error: ['‘’`\x22][\w./+-]+\.h(?:pp|h)?['‘’`\x22] file not found",
    r"error: ['‘’`\x22][\w./+-]+\.h['‘’`\x22] file not found",
    // gcc in other locales (full-width colons in Chinese), C++ headers
    // without an extension, MSVC's C1083 in any language.
    r"(?:schwerwiegender Fehler|erreur fatale|error fatal|errore fatale|erro fatal|фатальная ошибка|критична помилка|кобна грешка|致命错误|嚴重錯誤|致命的エラー|치명적 오류|błąd krytyczny|fatal fejl|ödesdigert fel|vakava virhe|fatalna greška|fatale fout|ölümcül hata|μοιραίο σφάλμα|lỗi nghiêm trọng|závažná chyba|kritikus hiba)\s*[:：]\s*[\w./+-]+\s*[:：]",
    concat!(
        r"fatal error: [a-z_]+(?:/[\w.]+)*: (?:",
        words::no_such_file!(),
        ")"
    ),
    r"fatal error: ['‘’`\x22][a-z_]+(?:/[\w.]+)*['‘’`\x22] file not found",
    r"fatal error C1083: ",
    // gcc before 4.5 (no `fatal`), markdown-escaped names (`stubs\_32.h`),
    // and the EDG front ends (nvcc, icc): `cannot open source file "x.h"`.
    r"(?:^|[\s:])error: [\w./+\\-]+\.h(?:pp|h|xx)?: No such file or directory",
    r"fatal error: [\w./+-]*\\[\w./+\\-]*\.h(?:pp|h)?: No such file or directory",
    r"cannot open source file [\x22“][^\x22”]+\.h(?:pp|h|xx)?[\x22”]",
    // An excerpt cut after gcc's prefix: the header and ENOENT first on the
    // line; or only the `#include` gcc quoted and `compilation terminated.`
    // (in gcc's translations) below it.
    concat!(
        r"(?:^|[\s=])[\w./+-]+\.h(?:pp|h|xx)?[:：] (?:",
        words::no_such_file!(),
        ")"
    ),
    r"(?:^|[\s=])(?:compilation terminated|кампіляцыя завершана|oversættelse afsluttede|Kompilierung beendet|compilación terminada|käännös keskeytyi|compilation terminée|kompilacija je prekinuta|kompilasi berakhir|コンパイルを停止しました|compilatie is beëindigd|компиляция прервана|компиловање прекинуто|kompilering avslutad|derleme sonlandırıldı|компіляцію перервано|tiến trình biên dịch bị chấm dứt|编译中断|編譯終止)[.。]",
];

/// Diagnostic: missing_header
///
/// **What it means.** A C or C++ compile run by a build script (cc-rs,
/// cmake, bindgen's clang) stopped at an `#include` it could not find:
/// `fatal error: openssl/opensslv.h: No such file or directory`, clang's
/// `'bits/libc-header-start.h' file not found`. gcc's `fatal error` and
/// glibc's `No such file or directory` are recognised in their
/// translations, MSVC's C1083 in any language (quoted or not, any quotes).
/// An excerpt cut after gcc's prefix (`zlib.h: No such file or directory`),
/// or holding only the quoted `#include <x.h>` and `compilation
/// terminated.` (in gcc's languages), counts too.
///
/// **Why it happens.** The compiler looks in the target's include paths, and
/// the target has no headers there: a library's `-dev` package is installed
/// only for the host, or the compiler has no sysroot for the target at all
/// (then even C library headers like `bits/…` or `stdio.h` are missing;
/// a 32-bit x86 build without multilib shows the same).
///
/// **How to fix.** Fetch a Debian sysroot for the target holding the named
/// `-dev` package (and libc6-dev) and pass it to the C compiler with
/// `--sysroot`/`-isystem` via `CFLAGS_<triple>` (`fetch_sysroot_and_wire`);
/// or install the target's C library headers with the cross compiler
/// (`install_cc_tool`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    one_hit_per_key(cx, hits, |index| {
        header_named(cx.content(index)).or_else(|| included_before(cx, index))
    })
    .into_iter()
    .map(|(header, index)| describe(cx, index, &header))
    .collect()
}

/// `compilation terminated.` under the `#include` line gcc quoted (the
/// `fatal error` line cut from the excerpt): the header that line includes.
fn included_before(cx: &Context<'_>, index: usize) -> Option<String> {
    let include = regex!(r#"^\s*(?:\d+\s*\|)?\s*#\s*include\s*[<"]([\w./+-]+)[>"]"#);
    (index.saturating_sub(4)..index)
        .rev()
        .find_map(|i| include.captures(cx.content(i)).map(|c| c[1].to_owned()))
}

fn header_named(content: &str) -> Option<String> {
    let pattern = regex!(
        r#"(?:fatal )?error: ['‘’`\x22]?([\w./+\\-]+\.h(?:pp|h|xx)?)['‘’`\x22]?(?:: No such file| file not found)|fatal error: ([\w./+\\-]+\.h(?:pp|h|xx)?): |cannot open source file ["“]([^"”]+)["”]|fatal error: ['‘’`\x22]?([a-z_]+(?:/[\w.]+)*)['‘’`\x22]?(?:: (?:"#,
        words::no_such_file!(),
        r#")| file not found)|(?:schwerwiegender Fehler|erreur fatale|error fatal|errore fatale|erro fatal|фатальная ошибка|критична помилка|кобна грешка|致命错误|嚴重錯誤|致命的エラー|치명적 오류|błąd krytyczny|fatal fejl|ödesdigert fel|vakava virhe|fatalna greška|fatale fout|ölümcül hata|μοιραίο σφάλμα|lỗi nghiêm trọng|závažná chyba|kritikus hiba)\s*[:：]\s*([\w./+-]+)\s*[:：]|(?:^|[\s=])([\w./+-]+\.h(?:pp|h|xx)?)[:：] |C1083: .*?['"“”«»‘’]\s*([\w./\\+-]+\.\w+)\s*['"“”«»‘’]|C1083: [^:]+:\s*([\w./\\+-]+\.\w+)\s*:"#
    );
    let captures = pattern.captures(content)?;
    let header = captures.iter().skip(1).flatten().next()?.as_str();
    let source = [".c", ".cc", ".cpp", ".cxx", ".o", ".s", ".S"]
        .iter()
        .any(|ext| header.ends_with(ext));
    // A backslash before `_`, `.`, `-` or `*` is markdown's escape; any
    // other is a Windows path separator.
    let header = regex!(r"\\([_.*-])").replace_all(header, "$1");
    (!source).then(|| header.replace('\\', "/"))
}

fn describe(cx: &Context<'_>, index: usize, header: &str) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::MissingHeader, "", start, index);
    let package = packages::for_header(header);
    finding = text_fact(finding, "header", Some(header));
    finding = text_fact(finding, "debian_package", package);
    let for_target = cx.for_target(&finding);
    let who = finding
        .facts
        .get("crate")
        .and_then(|c| c.as_str())
        .map_or_else(
            || "A build script".to_owned(),
            |c| format!("{c}'s build script"),
        );
    finding.message = format!("{who} could not find the C header `{header}`{for_target}");
    let wanted = package.unwrap_or("the library's -dev package");
    let is_libc = package == Some("libc6-dev") || package == Some("linux-libc-dev");
    let finding = finding.with_fix(
        fix::FETCH_SYSROOT_AND_WIRE,
        format!(
            "Fetch a Debian sysroot with {wanted} for the target and pass it to the C compiler"
        ),
    );
    if is_libc {
        finding.with_fix(
            fix::INSTALL_CC_TOOL,
            "Install a cross C compiler that ships the target's C library headers",
        )
    } else {
        finding
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn gcc_wording() {
        let log = "  cargo:warning=/usr/include/openssl/macros.h:14:10: fatal error: openssl/opensslconf.h: No such file or directory\n";
        let finding = first_of_kind(log, Kind::MissingHeader);
        assert_eq!(fact(&finding, "header"), Some("openssl/opensslconf.h"));
        assert_eq!(fact(&finding, "debian_package"), Some("libssl-dev"));
        assert_eq!(fix_ids(&finding), ["fetch_sysroot_and_wire"]);
    }

    #[test]
    fn clang_wording_for_libc_headers() {
        let log = "warning: cssl@0.1.0: /usr/include/stdio.h:27:10: fatal error: 'bits/libc-header-start.h' file not found\n";
        let finding = first_of_kind(log, Kind::MissingHeader);
        assert_eq!(fact(&finding, "header"), Some("bits/libc-header-start.h"));
        assert_eq!(fact(&finding, "crate"), Some("cssl"));
        assert_eq!(
            fix_ids(&finding),
            ["fetch_sysroot_and_wire", "install_cc_tool"]
        );
    }

    fn header_of(log: &str) -> String {
        let finding = first_of_kind(log, Kind::MissingHeader);
        fact(&finding, "header").unwrap_or_default().to_owned()
    }

    #[test]
    fn gcc_in_other_languages() {
        for (log, header) in [
            (
                "x.c:1:10: schwerwiegender Fehler: openssl/ssl.h: Datei oder Verzeichnis nicht gefunden\n",
                "openssl/ssl.h",
            ),
            ("x.c:1:10: 致命错误：zlib.h：没有那个文件或目录\n", "zlib.h"),
            (
                "x.c:1:10: erreur fatale : openssl/ssl.h : Aucun fichier ou dossier de ce type\n",
                "openssl/ssl.h",
            ),
            (
                "x.c:1:10: фатальная ошибка: sqlite3.h: Нет такого файла или каталога\n",
                "sqlite3.h",
            ),
        ] {
            assert_eq!(header_of(log), header, "{log}");
        }
    }

    #[test]
    fn msvc_in_english_and_chinese() {
        let log = "C:\\src\\x.c(3): fatal error C1083: Cannot open include file: 'openssl/ssl.h': No such file or directory\n";
        assert_eq!(header_of(log), "openssl/ssl.h");
        let log =
            "x.c(3): fatal error C1083: 无法打开包括文件: “zlib.h”: No such file or directory\n";
        assert_eq!(header_of(log), "zlib.h");
        let source =
            "fatal error C1083: Cannot open source file: 'x.c': No such file or directory\n";
        assert!(
            super::super::testing::explain(source)
                .iter()
                .all(|f| f.kind != Kind::MissingHeader)
        );
    }

    #[test]
    fn cxx_headers_have_no_extension() {
        assert_eq!(
            header_of("x.cc:1:10: fatal error: iostream: No such file or directory\n"),
            "iostream"
        );
        assert_eq!(
            header_of("x.cc:1:10: fatal error: 'cstdint' file not found\n"),
            "cstdint"
        );
    }

    #[test]
    fn docker_prefix_and_cargo_warning() {
        let log = "#12 3.456 warning: x@0.1.0: x.c:1:10: fatal error: 'sqlite3.h' file not found\n";
        assert_eq!(header_of(log), "sqlite3.h");
    }

    #[test]
    fn old_gcc_markdown_escapes_and_edg_wordings() {
        for (log, header) in [
            (
                "foo.c:3:19: error: zlib.h: No such file or directory\n",
                "zlib.h",
            ),
            (
                "/usr/include/features.h:364:25: fatal error: sys/cdefs.h: No such file or directory\n",
                "sys/cdefs.h",
            ),
            (
                "/usr/include/gnu/stubs.h:7:27: fatal error: gnu/stubs\\_32.h: No such file or directory\n",
                "gnu/stubs_32.h",
            ),
            (
                "src/x.cu(2): catastrophic error: cannot open source file \"cuda_fp16.h\"\n",
                "cuda_fp16.h",
            ),
            (
                "C:\\src\\x.c:1:10: fatal error: openssl\\ssl.h: No such file or directory\n",
                "openssl/ssl.h",
            ),
        ] {
            let finding = first_of_kind(log, Kind::MissingHeader);
            assert_eq!(fact(&finding, "header"), Some(header), "{log}");
        }
    }

    #[test]
    fn gcc_and_glibc_in_more_languages() {
        for (log, header) in [
            (
                "x.c:1:10: ödesdigert fel: openssl/ssl.h: Filen eller katalogen finns inte\n",
                "openssl/ssl.h",
            ),
            (
                "x.c:1:10: fatal error: zlib.h: Filen eller katalogen finns inte\n",
                "zlib.h",
            ),
            (
                "x.c:1:10: fatale fout: sqlite3.h: Bestand of map bestaat niet\n",
                "sqlite3.h",
            ),
            (
                "x.c:1:10: ölümcül hata: openssl/ssl.h: Böyle bir dosya ya da dizin yok\n",
                "openssl/ssl.h",
            ),
            (
                "x.c:1:10: критична помилка: zlib.h: Немає такого файла або каталогу\n",
                "zlib.h",
            ),
            (
                "x.c:1:10: 嚴重錯誤：openssl/ssl.h：沒有此一檔案或目錄\n",
                "openssl/ssl.h",
            ),
        ] {
            assert_eq!(header_of(log), header, "{log}");
        }
    }

    #[test]
    fn msvc_c1083_in_any_language_and_quotes() {
        for (log, header) in [
            (
                "C:\\w\\x.c(3): fatal error C1083: Impossible d'ouvrir le fichier include : 'zlib.h' : No such file or directory\n",
                "zlib.h",
            ),
            (
                "C:\\w\\x.c(3): fatal error C1083: Не удается открыть файл включение: openssl/ssl.h: No such file or directory\n",
                "openssl/ssl.h",
            ),
            (
                "x.c(3): fatal error C1083: No se puede abrir el archivo incluir: 'sqlite3.h': No such file or directory\n",
                "sqlite3.h",
            ),
        ] {
            let finding = first_of_kind(log, Kind::MissingHeader);
            assert_eq!(fact(&finding, "header"), Some(header), "{log}");
        }
    }

    #[test]
    fn excerpts_cut_after_gccs_prefix() {
        for (log, header) in [
            (
                "openssl/ssl.h: No such file or directory\n",
                "openssl/ssl.h",
            ),
            (
                "gnu/stubs-32.h: Datei oder Verzeichnis nicht gefunden\n",
                "gnu/stubs-32.h",
            ),
            (
                "    3 | #include <libudev.h>\n      |          ^~~~~~~~~~~\ncompilation terminated.\n",
                "libudev.h",
            ),
            (
                " #include \"zstd.h\"\n          ^\nKompilierung beendet.\n",
                "zstd.h",
            ),
        ] {
            let finding = first_of_kind(log, Kind::MissingHeader);
            assert_eq!(fact(&finding, "header"), Some(header), "{log}");
        }
        // gcc stopping for another reason is not a missing header.
        let log = "cc1: fatal error: src/x.c: No such file or directory\ncompilation terminated.\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::MissingHeader)
        );
    }

    #[test]
    fn clang_file_not_found_in_any_quotes() {
        // clang prints `'x.h' file not found`; logs pasted through editors,
        // chat and markdown carry it with curly quotes or backticks.
        for log in [
            "  cargo:warning=src/a.c:1:10: fatal error: ‘zlib.h’ file not found\n",
            "  cargo:warning=src/a.c:1:10: fatal error: `zlib.h` file not found\n",
            "src/a.c:1:10: fatal error: \"zlib.h\" file not found\n",
        ] {
            let finding = super::super::testing::first_of_kind(log, Kind::MissingHeader);
            assert_eq!(
                super::super::testing::fact(&finding, "header"),
                Some("zlib.h"),
                "{log}"
            );
        }
    }
}
