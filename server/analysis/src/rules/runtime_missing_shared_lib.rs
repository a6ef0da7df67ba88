//! Detects `runtime_missing_shared_lib`: at run time, the loader could not
//! find a shared library the program needs.

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, packages, regex, words};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "at run time, a shared library the program needs is not installed on the machine";

/// glibc's `cannot open shared object file` in the languages of its
/// message catalogue (libc.mo), for the loader's and dlopen's errors, and
/// a few variants other glibc releases and translators used.
macro_rules! cannot_open_shared_object {
    () => {
        "cannot open shared object file|impossible d'ouvrir le fichier objet partagé|no se puede abrir el archivo del objeto compartido|não é possível abrir arquivo de objeto compartilhado|не удаётся открыть разделяемый объектный файл|не удается открыть разделяемый объектный файл|Kann die Shared-Object-Datei nicht öffnen|Ne peut ouvrir le fichier d'objet partagé|deljene predmetne datoteke ni mogoče odpreti|impossibile aprire il file oggetto condiviso|impossibile de aperir un file de objecto condivise|impossível abrir ficheiro-objecto partilhado|jaettua objektitiedostoa ei voi avata|kan gedeeld objectbestand niet openen|kan ikke åbne delt objektfil|kan inte öppna delad objektfil|không thể mở tập tin đối tượng dùng chung|ne eblas malfermi komunan objektdosieron|nem nyitható meg a megosztott objektumfájl|nepavyko atverti bendrojo objekto failo|nie je možné otvoriť súbor zdieľaného objektu|nie można otworzyć pliku obiektu dzielonego|nije moguće otvoriti datoteku zajedničkoga objekta|no se puede abrir el fichero del objeto compartido|no s’ha pogut obrir el fitxer d’objecte compartit|non se pode abrir un ficheiro de obxecto compartido|não é possível abrir arquivo compartilhado|paylaşımlı nesne dosyası açılamıyor|sdílený objektový soubor nelze otevřít|tidak dapat membuka berkas objek terbagi|не вдалося відкрити файл об’єктів спільного використання|не могу да отворим датотеку дељеног објекта|не може да се отвори файлът със споделения обект|не ўдалося адкрыць супольны аб'ектны файл|невозможно открыть разделяемый объектный файл|共有オブジェクトファイルを開けません|无法打开共享对象文件|無法開啟共用物件|동적 오브젝트 파일을 열 수 없습니다"
    };
}

/// Windows' text for ERROR_MOD_NOT_FOUND (126), which `LoadLibrary` and a
/// program started without its DLL report, in a few languages.
/// Other translations of `error while loading shared libraries` than the
/// catalogue's (older releases, other translators).
macro_rules! loading_shared_libraries_variants {
    () => {
        "fehler beim laden gemeinsamer bibliotheken|erreur lors du chargement des bibliothèques partagées|加载共享库时出错|共有ライブラリの読み込み中にエラーが発生しました"
    };
}

macro_rules! module_not_found {
    () => {
        "The specified module could not be found|Das angegebene Modul wurde nicht gefunden|Le module spécifié est introuvable|No se puede encontrar el módulo especificado|Impossibile trovare il modulo specificato|Não foi possível encontrar o módulo especificado|Не найден указанный модуль|找不到指定的模块|指定されたモジュールが見つかりません|지정된 모듈을 찾을 수 없습니다|Nie można odnaleźć określonego modułu"
    };
}

pub(super) const TRIGGERS: &[&str] = &[
    // glibc's loader and dlopen (Python's ImportError, a JNI load), in
    // every language of glibc's catalogue.
    concat!(
        r"(?i)\.(?:so|dll)[\w.+-]*['`’]?: (?:",
        cannot_open_shared_object!(),
        ")"
    ),
    concat!(
        "(?i)(?:",
        super::words::loading_shared_libraries!(),
        "|",
        loading_shared_libraries_variants!(),
        r"):(?:\s|$)"
    ),
    // macOS dyld (and only its `Reason:` line, in an excerpt), musl's
    // loader, Android's linker, qemu-user without the target's sysroot.
    r"Library not loaded: \S+",
    r"^Reason: (?:image not found|tried: '[^']+' \(no such file)",
    concat!(
        r"Error loading shared library \S+: (?:",
        words::no_such_file!(),
        ")"
    ),
    r#"(?:CANNOT LINK EXECUTABLE|dlopen failed)\b.*library "[^"]+" not found"#,
    concat!(
        r"qemu-[\w.-]+: Could not open '[^']+': (?:",
        words::no_such_file!(),
        ")"
    ),
    // The BSDs' and Solaris' loaders.
    r#"Shared object "[^"]+" not found, required by"#,
    r"ld\.so\.1: [^:]+: fatal: [^:]+: open failed",
    r"can't load library '[^']+\.so[\w.]*'",
    // `ldd` listing a library the machine lacks.
    r"^\S+\.so[\w.]* => not found$",
    // The ELF interpreter itself missing (bash 5.1+, Docker's exec).
    r"cannot execute: required file not found",
    r"exec(?: user process caused)?:? (?:\S+: )?no such file or directory$",
    // The kernel's ENOENT for a missing interpreter, told by a shell or
    // runner that names the loader (`/lib/ld-linux-aarch64.so.1: No such
    // file or directory`; musl's `/lib/ld-musl-x86_64.so.1`).
    concat!(
        r"^(?:[^\s:]+: )?/(?:usr/)?lib\w*/ld-(?:linux[\w.-]*|musl-[\w.-]+)\.so\.\d+: (?:",
        super::words::no_such_file!(),
        r")\s*$"
    ),
    // A library of the machine older than the binary needs (not glibc's:
    // that is glibc_too_new).
    // (OpenSSL's `OPENSSL_1_1_0`, Red Hat's `libssl.so.10`, zlib's
    // `ZLIB_1.2.9`, curl's `CURL_OPENSSL_4`: any version node name, in
    // glibc's backtick-quote or straight quotes.)
    r#"\.so[\w.]*['`’]?: version [`'‘’"]?[A-Za-z][A-Za-z0-9]*[_.][\w.]+[`'‘’"]? not found"#,
    r"symbol lookup error: .*undefined symbol: \S+, version [A-Z]",
    // Windows, Java, cffi and libloading.
    r"was unable to find (?:\S+\.dll)|The code execution cannot proceed because \S+\.dll was not found|The program can't start because \S+\.dll is missing",
    r"(?i)STATUS_DLL_NOT_FOUND|exit (?:code|status):? (?:0xc0000135|-1073741515|3221225781)\b",
    concat!(
        "(?:",
        module_not_found!(),
        r")|\(os error 126\)|LoadLibraryExW failed"
    ),
    r"Unable to load DLL '[^']+'|no \S+ in java\.library\.path|cannot load library '[^']+'",
];

/// Diagnostic: runtime_missing_shared_lib
///
/// **What it means.** The program was built but does not start: the dynamic
/// loader reports `error while loading shared libraries: libssl.so.3: cannot
/// open shared object file` (glibc), `Error loading shared library …` (musl),
/// or `dyld: Library not loaded: …` (macOS), in every language of glibc's
/// catalogue and wrapped after the colon; the BSDs' and Solaris' loaders,
/// `ldd`'s `=> not found`, Windows (`… .dll is missing`, `0xc0000135` in
/// hex or decimal, `The specified module could not be found` / `os error
/// 126`), Java's `java.library.path` and .NET's `Unable to load DLL`. A
/// library older than the binary needs (``version `OPENSSL_3.2.0' not
/// found``, not glibc's own) counts too, and so does a missing dynamic
/// loader (`cannot execute: required file not found`, Docker's `exec …: no
/// such file or directory`).
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
/// the runner at the target's sysroot (`configure_runner`). Without a loader,
/// build a static musl binary (`use_musl_target`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    one_hit_per_key(cx, hits, |index| {
        let (program, library) = program_and_library(cx, index)?;
        (!is_compiler_tool(program.as_deref())).then_some((program, library))
    })
    .into_iter()
    .map(|((program, library), index)| describe(cx, index, program, &library))
    .collect()
}

fn program_and_library(cx: &Context<'_>, index: usize) -> Option<(Option<String>, String)> {
    let content = cx.content(index);
    let (program, library) = interpreter_named(content)
        .or_else(|| parse(content))
        .or_else(|| wrapped_loader_error(cx, index))
        .or_else(|| interpreter_missing(content))?;
    // The program wrapped onto the line before (`/usr/lib/gcc/…/cc1plus:`).
    let program = program.or_else(|| {
        let before = cx.content(index.checked_sub(1)?);
        regex!(r"^(\S+):$")
            .captures(before)
            .map(|c| c[1].to_owned())
    });
    let program = program
        .map(|program| program.trim_matches(['*', '`', '>', '"', '\'']).to_owned())
        .filter(|program| !program.is_empty() && !is_exception_name(program));
    let library = library.trim_matches(['"', '\'', '`', '’']).to_owned();
    Some((program, library))
}

type Parsed = (Option<String>, String);

/// The program and library one line names, in each loader's own shape.
fn parse(content: &str) -> Option<Parsed> {
    let owned = |m: Option<regex::Match<'_>>| m.map(|m| m.as_str().to_owned());
    let loader = regex!(
        r"(?i)(?:(\S+): )?[^:]*?(?:",
        super::words::loading_shared_libraries!(),
        "|",
        loading_shared_libraries_variants!(),
        r"): ([^:\s]+)"
    );
    if let Some(c) = loader.captures(content) {
        return Some((owned(c.get(1)), c[2].to_owned()));
    }
    if let Some(c) = regex!(r"Library not loaded: '?([^'\s]+)").captures(content) {
        return Some((None, c[1].to_owned()));
    }
    if let Some(c) = regex!(r"^Reason: (?:image not found|tried: '([^']+)')").captures(content) {
        return Some((
            None,
            owned(c.get(1)).unwrap_or_else(|| "a dylib".to_owned()),
        ));
    }
    if let Some(c) = regex!(
        r"Error loading shared library ([^:\s]+): (?:",
        words::no_such_file!(),
        r")[^(]*(?:\(needed by ([^)]+)\))?"
    )
    .captures(content)
    {
        return Some((owned(c.get(2)), c[1].to_owned()));
    }
    if let Some(c) =
        regex!(r#"Shared object "([^"]+)" not found, required by "([^"]+)""#).captures(content)
    {
        return Some((Some(c[2].to_owned()), c[1].to_owned()));
    }
    if let Some(c) = regex!(r"ld\.so\.1: ([^:]+): fatal: ([^:]+): open failed").captures(content) {
        return Some((Some(c[1].trim().to_owned()), c[2].trim().to_owned()));
    }
    if let Some(c) =
        regex!(r"(?:ld\.so: ([^:\s]+): )?can't load library '([^']+)'").captures(content)
    {
        return Some((owned(c.get(1)), c[2].to_owned()));
    }
    if let Some(c) = regex!(r"^(\S+\.so[\w.]*) => not found$").captures(content) {
        return Some((None, c[1].to_owned()));
    }
    if let Some(c) = regex!(r#"CANNOT LINK EXECUTABLE "([^"]+)":\ .*library "([^"]+)" not found|library "([^"]+)" not found"#).captures(content) {
        return Some((owned(c.get(1)), owned(c.get(2).or(c.get(3)))?));
    }
    if let Some(c) = regex!(r"(qemu-[\w.-]+): Could not open '([^']+)'").captures(content) {
        return Some((Some(c[1].to_owned()), c[2].to_owned()));
    }
    // A library older than the binary needs: `./app: /lib/libssl.so.3:
    // version `OPENSSL_3.2.0' not found (required by ./app)`.
    if let Some(c) = regex!(r#"(?:^|: )[`'‘]?([^\s:`'‘]+\.so[\w.]*)['`’]?: version [`'‘’"]?([A-Za-z][A-Za-z0-9]*)[_.][\w.]+[`'‘’"]? not found(?: \(required by ([^)]+)\))?"#).captures(content) {
        if c[2].starts_with("GLIBC") || &c[2] == "CXXABI" || &c[2] == "GCC" {
            return None;
        }
        return Some((owned(c.get(3)), c[1].to_owned()));
    }
    if let Some(c) =
        regex!(r"symbol lookup error: ([^:\s]+): undefined symbol: \S+, version ([A-Z][A-Z0-9]*)_")
            .captures(content)
    {
        if c[2].starts_with("GLIBC") || &c[2] == "CXXABI" || &c[2] == "GCC" {
            return None;
        }
        return Some((Some(c[1].to_owned()), format!("the library with {}", &c[2])));
    }
    if let Some(c) = regex!(r"because (\S+\.dll) was not found|unable to find (\S+\.dll)|because (\S+\.dll) is missing|Unable to load DLL '([^']+)'").captures(content) {
        return Some((None, owned(c.get(1).or(c.get(2)).or(c.get(3)).or(c.get(4)))?));
    }
    if let Some(c) =
        regex!(r"no (\S+) in java\.library\.path|cannot load library '([^']+)'").captures(content)
    {
        return Some((None, owned(c.get(1).or(c.get(2)))?));
    }
    if let Some(c) = regex!(r#"(?i)(?:process didn't exit successfully: [`'‘]([^`'’\s]+)[^`'’]*[`'’] )?\(?exit (?:code|status):? (?:0xc0000135|-1073741515|3221225781)\b|STATUS_DLL_NOT_FOUND"#).captures(content) {
        return Some((owned(c.get(1)), UNNAMED_DLL.to_owned()));
    }
    if let Some(c) = regex!(r#"([^\s:'"`]+\.(?:so|dll)[\w.+-]*)['`’]?: \S"#).captures(content) {
        return Some((None, c[1].to_owned()));
    }
    let windows = regex!(
        r"\(os error 126\)|LoadLibraryExW failed|",
        module_not_found!()
    );
    if windows.is_match(content) && !content.contains("key") {
        let dll = regex!(r#"([^\s:'"`\\/]+\.dll)"#).captures(content);
        return Some((
            None,
            owned(dll.and_then(|c| c.get(1))).unwrap_or_else(|| UNNAMED_DLL.to_owned()),
        ));
    }
    None
}

/// `error while loading shared libraries:` at the end of a line (wrapped),
/// the library on the next.
fn wrapped_loader_error(cx: &Context<'_>, index: usize) -> Option<Parsed> {
    let head = regex!(
        r"(?i)(?:(\S+): )?[^:]*?(?:",
        super::words::loading_shared_libraries!(),
        "|",
        loading_shared_libraries_variants!(),
        r"):\s*$"
    )
    .captures(cx.content(index))?;
    let next = regex!(r"^([^:\s]+\.(?:so|dll)[\w.+-]*)").captures(cx.content(index + 1))?;
    Some((
        head.get(1).map(|m| m.as_str().to_owned()),
        next[1].to_owned(),
    ))
}

/// The program exists but its ELF interpreter (the dynamic loader) does
/// not: a glibc binary on musl or in an empty container.
fn interpreter_missing(content: &str) -> Option<Parsed> {
    interpreter_named(content).or_else(|| interpreter_unnamed(content))
}

/// The loader's own path with the kernel's ENOENT after it.
fn interpreter_named(content: &str) -> Option<Parsed> {
    let loader = regex!(
        r"^(?:([^\s:]+): )?(/(?:usr/)?lib\w*/ld-(?:linux[\w.-]*|musl-[\w.-]+)\.so\.\d+): (?:",
        super::words::no_such_file!(),
        r")\s*$"
    );
    if let Some(c) = loader.captures(content) {
        return Some((
            c.get(1).map(|m| m.as_str().to_owned()),
            INTERPRETER.to_owned(),
        ));
    }
    None
}

fn interpreter_unnamed(content: &str) -> Option<Parsed> {
    let c = regex!(r"(?:^|: )([^\s:]+): cannot execute: required file not found|exec(?: user process caused)?:? (?:(\S+): )?no such file or directory$")
        .captures(content)?;
    if content.contains("fork/exec") {
        return None;
    }
    let program = c.get(1).or(c.get(2)).map(|m| m.as_str().to_owned());
    // A script whose `#!` line names a missing interpreter is not a binary.
    if program
        .as_deref()
        .is_some_and(|p| regex!(r"\.(?:sh|py|pl|rb|bash)$").is_match(p))
    {
        return None;
    }
    Some((program, INTERPRETER.to_owned()))
}

/// The library a binary lacks when its dynamic loader itself is missing.
const INTERPRETER: &str = "the dynamic loader (ELF interpreter)";

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
    let file = library.rsplit(['/', '\\']).next().unwrap_or(library);
    // The dynamic loader is glibc's (libc6) or musl's own file, not a
    // package named after it.
    let package = if file.starts_with("ld-linux") {
        Some("libc6".to_owned())
    } else if file.starts_with("ld-musl-") {
        Some("musl".to_owned())
    } else {
        packages::for_soname(file)
    };
    let too_old = regex!(
        r#"version [`'‘’"]?[A-Za-z][A-Za-z0-9]*[_.][\w.]+[`'‘’"]? not found|symbol lookup error"#
    )
    .is_match(cx.content(index));
    finding = text_fact(finding, "library", Some(file));
    finding = text_fact(finding, "binary", program.as_deref());
    finding = text_fact(finding, "debian_package", package.as_deref());
    let who = program.as_deref().unwrap_or("the program");
    finding.message = if file == UNNAMED_DLL {
        format!("{who} cannot start: a DLL it needs is not installed or not on PATH")
    } else if file == INTERPRETER {
        format!(
            "{who} cannot start: its dynamic loader is not on this machine (a glibc binary where there is no glibc, e.g. on musl or in an empty image)"
        )
    } else if too_old {
        format!(
            "{who} cannot start: the machine's `{file}` is older than the one it was built against"
        )
    } else {
        format!("{who} cannot start: the shared library `{file}` is not installed")
    };
    let install = match &package {
        Some(package) => format!("Install `{package}` on the machine that runs it"),
        None => format!("Install the package that provides `{file}` on the machine that runs it"),
    };
    if file == INTERPRETER {
        return finding
            .with_fix(
                fix::USE_MUSL_TARGET,
                "Build a static musl binary, which needs no loader on the machine",
            )
            .with_fix(
                fix::FETCH_SYSROOT_AND_WIRE,
                "Build against the libc the machine runs",
            );
    }
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

    #[test]
    fn glibc_catalogue_wordings() {
        for line in [
            "./app: Fehler beim Laden der Shared Libraries: libssl.so.3: Kann die Shared-Object-Datei nicht öffnen: Datei oder Verzeichnis nicht gefunden",
            "./app: ошибка при загрузке разделяемых библиотек: libssl.so.3: невозможно открыть разделяемый объектный файл: Нет такого файла или каталога",
            "./app: 载入共享库时出错: libssl.so.3: 无法打开共享对象文件: 没有那个文件或目录",
            "./app: 共有ライブラリのロード中にエラーが発生しました: libssl.so.3: 共有オブジェクトファイルを開けません: そのようなファイルやディレクトリはありません",
            "./app: erro ao carregar bibliotecas compartilhadas: libssl.so.3: não é possível abrir arquivo compartilhado: Arquivo ou diretório inexistente",
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::RuntimeMissingSharedLib);
            assert_eq!(fact(&finding, "library"), Some("libssl.so.3"), "{line}");
            assert_eq!(fact(&finding, "binary"), Some("./app"), "{line}");
        }
        // dlopen's words alone, in another language.
        let log = "OSError: libfoo.so.2: kan inte öppna delad objektfil: Filen eller katalogen finns inte\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libfoo.so.2"));
    }

    #[test]
    fn the_library_wrapped_onto_the_next_line() {
        let log = "/opt/app/bin/server: error while loading shared libraries:\n    libpq.so.5: cannot open shared object file: No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libpq.so.5"));
        assert_eq!(fact(&finding, "binary"), Some("/opt/app/bin/server"));
    }

    #[test]
    fn bsd_and_solaris_loaders_and_ldd() {
        let cases = [
            (
                "ld-elf.so.1: Shared object \"libssl.so.111\" not found, required by \"app\"\n",
                "libssl.so.111",
                Some("app"),
            ),
            (
                "ld.so.1: app: fatal: libssl.so.1.0.0: open failed: No such file or directory\n",
                "libssl.so.1.0.0",
                Some("app"),
            ),
            (
                "ld.so: ./app: can't load library 'libcrypto.so.50.0'\n",
                "libcrypto.so.50.0",
                Some("./app"),
            ),
            ("\tlibsqlite3.so.0 => not found\n", "libsqlite3.so.0", None),
        ];
        for (log, library, binary) in cases {
            let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
            assert_eq!(fact(&finding, "binary"), binary, "{log}");
        }
    }

    #[test]
    fn the_dynamic_loader_itself_is_missing() {
        for log in [
            "bash: ./target/release/app: cannot execute: required file not found\n",
            "exec /usr/local/bin/app: no such file or directory\n",
            "standard_init_linux.go:228: exec user process caused: no such file or directory\n",
        ] {
            let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
            assert!(
                finding.message.contains("dynamic loader"),
                "{}",
                finding.message
            );
            assert_eq!(
                fix_ids(&finding),
                ["use_musl_target", "fetch_sysroot_and_wire"]
            );
        }
        for log in [
            "bash: ./build.sh: cannot execute: required file not found\n",
            "fork/exec /usr/bin/zig: no such file or directory\n",
        ] {
            assert!(
                super::super::testing::explain(log)
                    .iter()
                    .all(|f| f.kind != Kind::RuntimeMissingSharedLib),
                "{log}"
            );
        }
    }

    #[test]
    fn a_library_older_than_the_binary_needs() {
        let log = "./app: /lib/x86_64-linux-gnu/libssl.so.3: version `OPENSSL_3.2.0' not found (required by ./app)\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libssl.so.3"));
        assert!(finding.message.contains("older"), "{}", finding.message);
        let log = "./app: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by ./app)\n";
        first_of_kind(log, Kind::GlibcTooNew);
    }

    #[test]
    fn windows_java_and_dyld_excerpts() {
        let cases = [
            (
                "The program can't start because VCRUNTIME140.dll is missing from your computer.\n",
                "VCRUNTIME140.dll",
            ),
            (
                "error: process didn't exit successfully: `target\\debug\\app.exe` (exit code: -1073741515)\n",
                "a DLL",
            ),
            (
                "Error: LoadLibraryExW failed: Das angegebene Modul wurde nicht gefunden. (os error 126)\n",
                "a DLL",
            ),
            (
                "Unhandled exception. System.DllNotFoundException: Unable to load DLL 'rust_core' or one of its dependencies\n",
                "rust_core",
            ),
            (
                "Exception in thread \"main\" java.lang.UnsatisfiedLinkError: no rustjni in java.library.path\n",
                "rustjni",
            ),
            (
                "  Reason: tried: '/usr/local/opt/libpq/lib/libpq.5.dylib' (no such file), '/usr/lib/libpq.5.dylib' (no such file)\n",
                "libpq.5.dylib",
            ),
        ];
        for (log, library) in cases {
            let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
        }
    }

    #[test]
    fn a_compiler_wrapped_onto_the_line_before_is_not_this_rule() {
        let log = "/usr/lib/gcc/avr/7.2.0/cc1plus:\nerror while loading shared libraries: libmpfr.so.4: cannot open shared object file:\nNo such file or directory\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::RuntimeMissingSharedLib)
        );
        let log = "/srv/app:\nerror while loading shared libraries: libpq.so.5: cannot open shared object file\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "binary"), Some("/srv/app"));
    }

    /// glibc's loader (any release) on a library present but older than the
    /// binary needs, whose version node has underscores (`OPENSSL_1_1_0`,
    /// as OpenSSL 1.1's libssl defines) or is a soname (Red Hat's
    /// `libssl.so.10`), in backtick-quote or straight quotes.
    #[test]
    fn glibc_loader_library_version_node_with_underscores() {
        let log = "./app: /usr/lib/x86_64-linux-gnu/libssl.so.1.1: version `OPENSSL_1_1_1' not found (required by ./app)\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libssl.so.1.1"));
        assert_eq!(fact(&finding, "binary"), Some("./app"));
        let log = "/opt/tool/bin/tool: /lib64/libcrypto.so.10: version 'libcrypto.so.10' not found (required by /opt/tool/bin/tool)\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libcrypto.so.10"));
        let log =
            "tool: /usr/lib/libcurl.so.4: version `CURL_OPENSSL_4' not found (required by tool)\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("libcurl.so.4"));
    }

    /// The kernel's ENOENT for a missing ELF interpreter as a shell or a
    /// runner prints it, naming the loader (glibc's or musl's), alone or
    /// after the program.
    #[test]
    fn missing_elf_interpreter_named() {
        for log in [
            "/lib/ld-linux-aarch64.so.1: No such file or directory\n",
            "./app: /lib/ld-musl-x86_64.so.1: No such file or directory\n",
            "/lib64/ld-linux-x86-64.so.2: No such file or directory\n",
        ] {
            let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
            assert_eq!(
                fact(&finding, "library"),
                Some("the dynamic loader (ELF interpreter)")
            );
        }
        // A linker looking for the loader file at link time is not this.
        let log = "/usr/bin/aarch64-linux-gnu-ld: cannot find /lib/ld-linux-aarch64.so.1: No such file or directory\n";
        let findings = super::super::testing::explain(log);
        assert!(
            findings
                .iter()
                .all(|f| f.kind != Kind::RuntimeMissingSharedLib)
        );
    }

    /// qemu-user (any version) without the target's sysroot names the
    /// loader it could not open; the loader is libc6's (or musl's) file.
    #[test]
    fn qemu_user_missing_loader_package() {
        let log = "qemu-aarch64: Could not open '/lib/ld-linux-aarch64.so.1': No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "library"), Some("ld-linux-aarch64.so.1"));
        assert_eq!(fact(&finding, "debian_package"), Some("libc6"));
        let log =
            "qemu-x86_64: Could not open '/lib/ld-musl-x86_64.so.1': No such file or directory\n";
        let finding = first_of_kind(log, Kind::RuntimeMissingSharedLib);
        assert_eq!(fact(&finding, "debian_package"), Some("musl"));
    }
}
