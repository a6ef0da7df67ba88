//! Detects `runtime_missing_shared_lib`: at run time, the loader could not
//! find a shared library the program needs.

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, packages, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "at run time, a shared library the program needs is not installed on the machine";

pub(super) const TRIGGERS: &[&str] = &[
    // glibc's loader and dlopen (Python's ImportError, a JNI load), in
    // English and translated: de `Kann die Shared-Object-Datei nicht öffnen`,
    // fr `Ne peut ouvrir le fichier d'objet partagé`, es `no se puede abrir el
    // archivo del objeto compartido`, ru `не удаётся открыть разделяемый
    // объектный файл`, zh `无法打开共享对象文件`, ja `共有オブジェクトファイルを開けません`.
    r"(?i)\S+\.(?:so|dll)[\w.+-]*: (?:cannot open shared object file|kann die shared-object-datei nicht öffnen|ne peut ouvrir le fichier d'objet partagé|impossible d'ouvrir le fichier objet partagé|no se puede abrir el (?:fichero|archivo) del objeto compartido|não é possível abrir arquivo de objeto compartilhado|impossibile aprire il file oggetto condiviso|не удаётся открыть разделяемый объектный файл|не удается открыть разделяемый объектный файл|无法打开共享对象文件|共有オブジェクトファイルを開けません)",
    r"(?i)(?:error while loading shared libraries|fehler beim laden gemeinsamer bibliotheken|erreur lors du chargement des bibliothèques partagées|error al cargar las bibliotecas compartidas|erro ao carregar bibliotecas compartilhadas|ошибка при загрузке разделяемых библиотек|加载共享库时出错|共有ライブラリの読み込み中にエラーが発生しました): \S+",
    // macOS dyld, musl's loader, Android's linker, qemu-user without the
    // target's sysroot.
    r"Library not loaded: \S+",
    r"Error loading shared library \S+: No such file",
    r#"(?:CANNOT LINK EXECUTABLE|dlopen failed)\b.*library "[^"]+" not found"#,
    r"qemu-[\w.-]+: Could not open '[^']+': No such file",
    // Windows.
    r"was unable to find (?:\S+\.dll)|The code execution cannot proceed because \S+\.dll was not found",
    r"STATUS_DLL_NOT_FOUND|exit code: 0xc0000135",
];

/// Diagnostic: runtime_missing_shared_lib
///
/// **What it means.** The program was built but does not start: the dynamic
/// loader reports `error while loading shared libraries: libssl.so.3: cannot
/// open shared object file` (glibc), `Error loading shared library …` (musl),
/// or `dyld: Library not loaded: …` (macOS).
///
/// **Why it happens.** The binary links a shared library dynamically (OpenSSL,
/// SQLite, a C library of the project) and the machine running it has a
/// different version (bullseye ships `libssl.so.1.1`, bookworm `libssl.so.3`)
/// or none; under qemu the target's libraries are not where the emulator looks.
///
/// **How to fix.** Install the library's runtime package on that machine
/// (`install_runtime_library`); build against the server's own release so the
/// binary asks for the version it has (`fetch_sysroot_and_wire`); or link the
/// library statically (`use_vendored_openssl` for OpenSSL). Under qemu, point
/// the runner at the target's sysroot (`configure_runner`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    one_hit_per_key(cx, hits, |index| {
        let (program, library) = program_and_library(cx.content(index))?;
        (!is_compiler_tool(program.as_deref())).then_some((program, library))
    })
    .into_iter()
    .map(|((program, library), index)| describe(cx, index, program, &library))
    .collect()
}

fn program_and_library(content: &str) -> Option<(Option<String>, String)> {
    let pattern = regex!(
        r#"(?ix)
        (?:(\S+):\ )?[^:]*?(?:error\ while\ loading\ shared\ libraries|fehler\ beim\ laden\ gemeinsamer\ bibliotheken|erreur\ lors\ du\ chargement\ des\ bibliothèques\ partagées|error\ al\ cargar\ las\ bibliotecas\ compartidas|erro\ ao\ carregar\ bibliotecas\ compartilhadas|ошибка\ при\ загрузке\ разделяемых\ библиотек|加载共享库时出错|共有ライブラリの読み込み中にエラーが発生しました):\ ([^:\s]+)
        | Library\ not\ loaded:\ '?([^'\s]+)
        | Error\ loading\ shared\ library\ ([^:\s]+):\ No\ such\ file[^(]*(?:\(needed\ by\ ([^)]+)\))?
        | because\ (\S+\.dll)\ was\ not\ found
        | unable\ to\ find\ (\S+\.dll)
        | CANNOT\ LINK\ EXECUTABLE\ "([^"]+)":\ .*library\ "([^"]+)"\ not\ found
        | library\ "([^"]+)"\ not\ found
        | (qemu-[\w.-]+):\ Could\ not\ open\ '([^']+)'
        | (?:process\ didn't\ exit\ successfully:\ [`'‘]([^`'’\s]+)[^`'’]*[`'’]\ )?\(?exit\ code:\ 0xc0000135
        | ([^\s:'"]+\.(?:so|dll)[\w.+-]*):\ \S
        | STATUS_DLL_NOT_FOUND
        "#
    );
    let captures = pattern.captures(content)?;
    let library = [2, 3, 4, 6, 7, 9, 10, 12, 14]
        .iter()
        .find_map(|&group| captures.get(group))
        .map_or_else(|| UNNAMED_DLL.to_owned(), |m| m.as_str().to_owned());
    let program = [1, 5, 8, 11, 13]
        .iter()
        .find_map(|&group| captures.get(group))
        .map(|m| m.as_str().trim_matches(['*', '`', '>']).to_owned())
        .filter(|program| !program.is_empty() && !is_exception_name(program));
    Some((program, library))
}

/// What Windows' STATUS_DLL_NOT_FOUND leaves us: no name.
const UNNAMED_DLL: &str = "a DLL";

/// `ImportError`, `OSError`, `UnsatisfiedLinkError`: a language runtime's
/// exception before the loader's words, not the program.
fn is_exception_name(word: &str) -> bool {
    regex!(r"(?:Error|Exception)$").is_match(word)
}

/// Loader errors of a compiler's own programs mean a broken toolchain
/// (`cc_toolchain_broken`), not a missing runtime library.
fn is_compiler_tool(program: Option<&str>) -> bool {
    let Some(program) = program else {
        return false;
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    let base = base.rsplit('-').next().unwrap_or(base);
    matches!(
        base,
        "as" | "ld"
            | "ld.bfd"
            | "ld.gold"
            | "cc1"
            | "cc1plus"
            | "collect2"
            | "gcc"
            | "g++"
            | "cc"
            | "clang"
    )
}

fn describe(cx: &Context<'_>, index: usize, program: Option<String>, library: &str) -> Finding {
    let mut finding = cx.finding(Kind::RuntimeMissingSharedLib, "", index, index);
    let file = library.rsplit('/').next().unwrap_or(library);
    let package = packages::for_soname(file);
    finding = text_fact(finding, "library", Some(file));
    finding = text_fact(finding, "binary", program.as_deref());
    finding = text_fact(finding, "debian_package", package.as_deref());
    let who = program.as_deref().unwrap_or("the program");
    finding.message = if file == UNNAMED_DLL {
        format!("{who} cannot start: a DLL it needs is not installed or not on PATH")
    } else {
        format!("{who} cannot start: the shared library `{file}` is not installed")
    };
    let install = match &package {
        Some(package) => format!("Install `{package}` on the machine that runs it"),
        None => format!("Install the package that provides `{file}` on the machine that runs it"),
    };
    let mut finding = finding
        .with_fix(fix::INSTALL_RUNTIME_LIBRARY, install)
        .with_fix(
            fix::FETCH_SYSROOT_AND_WIRE,
            "Build against the server's Debian release so the binary asks for the library it has",
        );
    if file.starts_with("libssl.") || file.starts_with("libcrypto.") {
        finding = finding.with_fix(
            fix::USE_VENDORED_OPENSSL,
            "Link OpenSSL statically with the openssl crate's `vendored` feature",
        );
    }
    if mentions_qemu(cx, index) {
        finding = finding.with_fix(
            fix::CONFIGURE_RUNNER,
            "Run target binaries under qemu with the target's sysroot as library prefix",
        );
    }
    finding
}

fn mentions_qemu(cx: &Context<'_>, index: usize) -> bool {
    let start = index.saturating_sub(20);
    let end = (index + 5).min(cx.log.lines.len());
    (start..end).any(|i| cx.content(i).contains("qemu-"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn glibc_loader_missing_libcrypto() {
        let log = "/srv/app/oslhost: error while loading shared libraries: libcrypto.so.3: cannot open shared object file: No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libcrypto.so.3"));
        assert_eq!(fact(&finding, "binary"), Some("/srv/app/oslhost"));
        assert_eq!(fact(&finding, "debian_package"), Some("libssl3"));
        assert_eq!(
            fix_ids(&finding),
            [
                "install_runtime_library",
                "fetch_sysroot_and_wire",
                "use_vendored_openssl"
            ]
        );
    }

    #[test]
    fn under_qemu_suggests_a_runner() {
        let log = "$ qemu-aarch64 ./usegreet-arm64\n./usegreet-arm64: error while loading shared libraries: libgreet.so.1: cannot open shared object file: No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert!(fix_ids(&finding).contains(&"configure_runner"));
    }

    #[test]
    fn musl_and_macos_loaders() {
        let log = "Error loading shared library libssl.so.3: No such file or directory (needed by /app)\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "binary"), Some("/app"));
        let log = "dyld[123]: Library not loaded: /opt/homebrew/opt/openssl@3/lib/libssl.3.dylib\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libssl.3.dylib"));
    }

    #[test]
    fn translated_glibc_loader_messages() {
        for line in [
            "./app: Fehler beim Laden gemeinsamer Bibliotheken: libssl.so.3: Kann die Shared-Object-Datei nicht öffnen: Datei oder Verzeichnis nicht gefunden",
            "./app: error while loading shared libraries: libssl.so.3: 无法打开共享对象文件: 没有那个文件或目录",
            "./app: error while loading shared libraries: libssl.so.3: не удаётся открыть разделяемый объектный файл: Нет такого файла или каталога",
            "./app: error while loading shared libraries: libssl.so.3: cannot open shared object file: No such file or directory.",
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::RuntimeMissingSharedLib);
            assert_eq!(fact(&finding, "library"), Some("libssl.so.3"), "{line}");
            assert_eq!(fact(&finding, "binary"), Some("./app"), "{line}");
        }
    }

    #[test]
    fn dlopen_from_python_names_no_program() {
        let log = "ImportError: libssl.so.1.1: cannot open shared object file: No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libssl.so.1.1"));
        assert_eq!(fact(&finding, "binary"), None);
    }

    #[test]
    fn qemu_without_the_target_loader() {
        let log = "qemu-aarch64: Could not open '/lib/ld-linux-aarch64.so.1': No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("ld-linux-aarch64.so.1"));
        assert!(fix_ids(&finding).contains(&"configure_runner"));
    }

    #[test]
    fn android_and_windows_loaders() {
        let log = "CANNOT LINK EXECUTABLE \"./app\": library \"libc++_shared.so\" not found: needed by main executable\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libc++_shared.so"));
        assert_eq!(fact(&finding, "binary"), Some("./app"));
        let log = "error: process didn't exit successfully: `target\\debug\\app.exe` (exit code: 0xc0000135, STATUS_DLL_NOT_FOUND)\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "binary"), Some("target\\debug\\app.exe"));
    }

    #[test]
    fn a_compiler_missing_its_own_library_is_not_this_rule() {
        let log = "/usr/libexec/gcc/x86_64-linux-gnu/12/cc1: error while loading shared libraries: libisl.so.23: cannot open shared object file: No such file or directory\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::RuntimeMissingSharedLib)
        );
    }
}
