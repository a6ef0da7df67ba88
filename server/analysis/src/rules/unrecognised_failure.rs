//! Detects `unrecognised_failure`: the log shows a failure (an `error` line,
//! a failed link, a panic) that no other rule explains. The answer is then
//! never empty: the finding quotes the first error lines, cleaned of their
//! prefixes, and says what to run next. `explain` drops it when any other
//! rule found an error.

use super::{Context, regex, words};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the log shows a failure that no rule recognises; the first error lines are quoted";

pub(super) const TRIGGERS: &[&str] = &[
    r"(?i)\b(error|fatal|failed|failure|panicked|unable to|unrecognized|stopped in)\b|undefined reference|not found|cannot find|no such file|exec format|\*\*\* |error [A-Z]+\d+:|segmentation fault\b|illegal instruction\b|core dumped|symbol lookup error|not recognized as an internal or external command|permission denied|no space left on device|^\s*usage: \S+ \[|^E: \S",
    LOCALISED_FAILURE,
    LOCALISED_NOT_FOUND,
    TOOL_FAILURE,
    LINKER_SAYS,
];

/// A line a GNU or LLVM linker prints in its own name (`/usr/bin/ld: …`,
/// `aarch64-linux-gnu-ld.bfd: …`); a failure unless it is one of the
/// linker's warnings, notes or `skipping incompatible` remarks, or the
/// `in function` location before the real message.
const LINKER_SAYS: &str =
    r"(?i)(?:^|[/\\\s])(?:[\w.+-]+-)?ld(?:\.bfd|\.gold|\.lld|64)?(?:\.exe)?: \S";

/// Failures printed by tools that neither say `error` nor use cargo's
/// words: the OS errors in every language (`words`), cmd's "not
/// recognized", a linker's own complaint (`…/ld: cannot represent machine`,
/// anything but `ld: warning`), Apple ld's architecture mismatch, the
/// loader's missing symbol version, a shell's `Command 'x' not found`,
/// perl's `die` (`… stopped at Configure line 12.`, `required--this is only
/// v5.8.8`).
const TOOL_FAILURE: &str = concat!(
    "(?i)",
    words::no_such_file!(),
    "|",
    words::path_not_found!(),
    "|",
    words::exec_format_error!(),
    "|",
    words::not_a_command!(),
    "|[:：] ?(?:",
    words::permission_denied!(),
    r")(?:\s*[.。]?\s*\(os error \d+\))?\s*$|(?:",
    words::permission_denied!(),
    r")\s*[.。]?\s*\(os error \d+\)",
    r"|but attempting to link with file built for|\bnot found \(required by\b",
    r#"|\bcommand ['"`‘]?[\w.+-]+['"`’]? not found|\bcommand failed\b"#,
    r"|\brequired--this is only v|\bstopped at \S+ line \d+|--compilation aborted\b",
    r"|\b(?:with )?exit (?:status|code):? [1-9]",
);

static LINKER_SAYS_RE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(LINKER_SAYS).expect("a valid literal"));

static TOOL_FAILURE_RE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(TOOL_FAILURE).expect("a valid literal"));

/// The words for "error" and "no such file" that gcc, ld, glibc and Windows
/// print under a non-English locale (gcc's catalogue: German, French,
/// Danish, Greek, Finnish, Croatian, Dutch, Serbian, Swedish, Ukrainian,
/// Vietnamese, Turkish, Russian, Chinese, Japanese; and Portuguese,
/// Italian, Polish, Czech, Hungarian, Korean), so a
/// failure in another language is quoted too rather than missed.
const LOCALISED_FAILURE: &str = r"(?i)(^|[\s:])(schwerwiegender fehler|fehler|erreur fatale|erreur|erro fatal|erro|errore|błąd|hata|ошибка|фатальная ошибка|fatal fejl|fejl|μοιραίο σφάλμα|σφάλμα|vakava virhe|virhe|fatalna greška|greška|fatale fout|fout|кобна грешка|грешка|ödesdigert fel|fel|критична помилка|помилка|lỗi nghiêm trọng|lỗi|chyba|hiba)\s?:|错误[:：]|致命错误|錯誤[:：]|嚴重錯誤|エラー[:：]|오류[:：]|datei oder verzeichnis nicht gefunden|aucun fichier ou (dossier|répertoire)|no existe el archivo|arquivo ou diretório (não encontrado|inexistente)|nessun file o directory|нет такого файла|没有那个文件或目录|そのようなファイルやディレクトリはありません|kann die angegebene datei nicht finden|le fichier spécifié est introuvable|no se puede encontrar el archivo";

/// Bare "not found" words: enough to look closer, not a failure on their own.
const LOCALISED_NOT_FOUND: &str = r"(?i)nicht gefunden|introuvable|не найден";

static LOCALISED_FAILURE_RE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(LOCALISED_FAILURE).expect("a valid literal"));

/// How many error lines the finding quotes.
const QUOTED: usize = 3;
/// Quoted lines are cut at this many characters.
const WIDTH: usize = 200;

/// Diagnostic: unrecognised_failure
///
/// **What it means.** The log shows that something failed (an `error:` line,
/// a linker or compiler error, a panic, a `not found`), but none of the other
/// kinds matches it. The finding quotes the first error lines, without the
/// CI, Docker and indentation prefixes around them, so you see the failure
/// itself rather than cargo's summary of it. Failure lines include gcc's
/// `error:` in the languages of its catalogue, log levels (`[ERROR]`,
/// `ERROR module: …`), a line that starts with `Error …` and apt's `E: …`.
///
/// **Why it happens.** The failure is not a cross-compilation problem
/// crossport knows (a compile error in the code, a network failure, a test
/// that failed), or it is one worded in a way the rules do not know yet.
///
/// **How to fix.** Run `crossport doctor --target <triple>` (the finding
/// gives the exact command, with the target when the log names it): it
/// checks the toolchain, linker, C compiler and system libraries for the
/// target before any build. If the quoted lines are a cross-compilation
/// failure, please report them so a rule can learn the wording.
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let failures: Vec<usize> = hits
        .iter()
        .copied()
        .filter(|&index| is_failure_line(cx.content(index)))
        .collect();
    let Some(&first_failure) = failures.first() else {
        return Vec::new();
    };
    let specific: Vec<usize> = failures
        .iter()
        .copied()
        .filter(|&index| !is_summary_line(cx.content(index)))
        .take(QUOTED)
        .collect();
    let quoted = if specific.is_empty() {
        failures.iter().copied().take(QUOTED).collect()
    } else {
        specific
    };
    let lines: Vec<String> = quoted
        .iter()
        .map(|&index| shorten(cx.content(index)))
        .collect();
    let first = quoted.first().copied().unwrap_or(first_failure);
    let last = quoted.last().copied().unwrap_or(first_failure);
    let mut finding = cx.finding(
        Kind::UnrecognisedFailure,
        format!(
            "the build failed in a way crossport does not recognise: {}",
            lines.first().map_or("", String::as_str)
        ),
        first,
        last,
    );
    let target = finding.target.as_deref().unwrap_or("<TRIPLE>");
    let next = format!("crossport doctor --target {target}");
    finding = finding
        .with_fact("error_lines", serde_json::json!(lines))
        .with_fact("next_step", serde_json::Value::String(next));
    vec![finding]
}

/// Whether a line (content, prefixes already removed) reports a failure.
/// Warnings and cargo's progress lines do not, even when they mention an
/// error type (`warning: unused import: std::error::Error`).
pub(crate) fn is_failure_line(content: &str) -> bool {
    let lower = content.trim_start().to_ascii_lowercase();
    // A build script's `cargo:warning=` relays the C compiler's errors.
    if let Some(relayed) = lower.strip_prefix("warning: ") {
        return !relayed.starts_with("warning") && is_failure_line(relayed);
    }
    let benign = [
        "warning",
        "compiling ",
        "running ",
        "fresh ",
        "finished ",
        "checking ",
    ];
    if benign.iter().any(|prefix| lower.starts_with(prefix)) {
        return false;
    }
    if lower.starts_with("error:") || lower.starts_with("error[") {
        return true;
    }
    if LOCALISED_FAILURE_RE.is_match(content) || TOOL_FAILURE_RE.is_match(content) {
        return true;
    }
    if LINKER_SAYS_RE.is_match(content)
        && !regex!(
            r"(?i)warning|\bnote\b|skipping incompatible|in function [`'‘].*[`'’]:$|: in function$"
        )
        .is_match(content)
    {
        return true;
    }
    // Log levels and tools that do not say `error:` (`[ERROR] …`, `ERROR
    // cargo_ndk: …`, `Error building …`, apt's `E: …`).
    if regex!(r"(?:^|[\s\[(|])(?:ERROR|FATAL|FAILURE)(?:$|[\s\]):!,])").is_match(content)
        || regex!(r"(?i)\[(?:error|fatal|err)\]|^(?:error|fatal)(?:\s|!|$)|^e: \S")
            .is_match(content.trim_start())
    {
        return true;
    }
    regex!(
        r"(?i)(^|[\s:])(fatal )?error(\[[a-z]?\d+\])?:(\s|$)|^fatal:|^failed\b|\bfailed to\b|\b(test|build|compilation) failed\b|\bfailure!|\bpanicked at\b|undefined reference to|\bld returned [1-9]|: not found|command not found|cannot find|no such file or directory|exit (status|code):? [1-9]|\bunable to (create|execute|run|find|open)\b|^unrecognized\b|\*\*\* (signal \d+|\[|error)|^make(\[\d+\])?: \*\*\*|\bstopped in\b|\berror [a-z]+\d+:|exec format error|\(os error [1-9]\d*\)|^error relocating\b|: symbol not found$|symbol lookup error|segmentation fault\b|illegal instruction\b|\(core dumped\)|is not recognized as an internal or external command|: permission denied$|no space left on device|^usage: \S+ \[|executable file not found in|\bunknown command:? |\bfor more information about (this|an) error, try "
    )
    .is_match(content)
}

/// cargo's own summary lines: they say that something failed, not what.
fn is_summary_line(content: &str) -> bool {
    regex!(
        r"^(error: could not compile|error: aborting due to|(.*: )?for more information about (this|an) error|error: failed to run custom build command|error: failed to compile|error: build failed|error: process didn't exit successfully|process didn't exit successfully|warning: build failed|caused by:|error: [0-9]+ errors? )"
    )
    .is_match(&content.to_ascii_lowercase())
}

fn shorten(text: &str) -> String {
    let trimmed = text.trim();
    match trimmed.char_indices().nth(WIDTH) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{explain, fact, first_of_kind};
    use crate::finding::Kind;

    #[test]
    fn a_failure_no_rule_knows_quotes_its_first_error_lines() {
        let log = "#12 3.45    Compiling app v0.1.0 (/w)
#12 3.46 error[E0425]: cannot find value `x` in this scope
#12 3.46  --> src/main.rs:2:5
#12 3.47 error: could not compile `app` (bin \"app\") due to 1 previous error
";
        let finding = first_of_kind(log, Kind::UnrecognisedFailure);
        let lines = finding.facts["error_lines"].as_array().expect("a list");
        assert_eq!(
            lines[0].as_str(),
            Some("error[E0425]: cannot find value `x` in this scope")
        );
        assert_eq!(
            lines.len(),
            1,
            "cargo's summary line is not quoted: {lines:?}"
        );
        assert_eq!(
            fact(&finding, "next_step"),
            Some("crossport doctor --target <TRIPLE>")
        );
        assert_eq!(finding.evidence.lines, Some([2, 2]));
    }

    #[test]
    fn a_failure_in_another_language_is_quoted_not_missed() {
        for line in [
            "src/foo.c:3:10: Fehler: »x« nicht deklariert",
            "src/foo.c:3:10: erreur : « x » non déclaré",
            "src/foo.c:3:10: ошибка: «x» не объявлен",
            "src/foo.c:3:10: 错误：‘x’未声明",
            "src/foo.c:3:10: エラー: 'x' が宣言されていません",
            "/bin/sh: 1: ./configure: Datei oder Verzeichnis nicht gefunden",
        ] {
            let finding = first_of_kind(line, Kind::UnrecognisedFailure);
            let lines = finding.facts["error_lines"].as_array().expect("a list");
            assert_eq!(lines[0].as_str(), Some(line));
        }
        assert!(explain("Fehlerbehandlung aktiviert\n").is_empty());
    }

    #[test]
    fn loader_crashes_and_os_errors_are_failures_on_their_own() {
        for line in [
            "Error relocating /usr/local/bin/app: __res_init: symbol not found",
            "./app: symbol lookup error: ./app: undefined symbol: foo_init",
            "Segmentation fault (core dumped)",
            "qemu: uncaught target signal 4 (Illegal instruction) - core dumped",
            "  = note: 指定されたファイルが見つかりません。 (os error 2)",
            "'aarch64-linux-gnu-gcc' is not recognized as an internal or external command,",
            "/bin/sh: 1: ./build.sh: Permission denied",
            "E: Package 'libssl-dev:arm64' has no installation candidate",
            "write error: No space left on device",
            // A program that prints its usage was called wrongly.
            "Usage: Configure [no-<cipher> ...] [-Dxxx] os/compiler[:flags]",
        ] {
            let findings = explain(line);
            assert!(!findings.is_empty(), "no finding for {line:?}");
        }
        for line in [
            "note: segmentation faults are handled by the runtime",
            "the permission denied handler is installed",
            "(os error 0)",
            "see the usage: section of the manual",
        ] {
            assert!(explain(line).is_empty(), "{line:?}: {:?}", explain(line));
        }
    }

    #[test]
    fn the_next_step_names_the_target_the_log_shows() {
        let log = "   Compiling app v0.1.0 (/w)
error: some tool said no for /w/target/aarch64-unknown-linux-gnu/debug/build/x
";
        let finding = first_of_kind(log, Kind::UnrecognisedFailure);
        assert_eq!(
            fact(&finding, "next_step"),
            Some("crossport doctor --target aarch64-unknown-linux-gnu")
        );
    }

    #[test]
    fn only_summary_lines_are_still_quoted() {
        let log = "error: could not compile `app` (lib) due to 2 previous errors\n";
        let finding = first_of_kind(log, Kind::UnrecognisedFailure);
        assert!(finding.message.contains("could not compile"));
        // rustc's pointer to `--explain` follows only an error it printed.
        let log = "For more information about this error, try `rustc --explain E0308`.\n";
        let finding = first_of_kind(log, Kind::UnrecognisedFailure);
        assert!(finding.message.contains("rustc --explain E0308"));
    }

    #[test]
    fn a_recognised_failure_hides_it() {
        let log = "error: linker `aarch64-linux-gnu-gcc` not found
  |
  = note: No such file or directory (os error 2)
error: could not compile `app` (bin \"app\") due to 1 previous error
";
        let kinds: Vec<Kind> = explain(log).iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [Kind::LinkerNotFound]);
    }

    #[test]
    fn warnings_and_success_are_no_failure() {
        for log in [
            "warning: unused import: `std::error::Error`\n    Finished dev [unoptimized] target(s)\n",
            "   Compiling thiserror v1.0.0\n   Compiling app v0.1.0\n",
            "",
        ] {
            assert!(explain(log).is_empty(), "{log}");
        }
    }

    #[test]
    fn failure_lines_in_other_shapes() {
        for line in [
            "Error: Os { code: 2, kind: NotFound }",
            "gcc: fatal error: no input files",
            "fatal: not a git repository",
            "thread 'main' panicked at src/main.rs:1:1:",
            "sh: 1: foo-gcc: not found",
            "FAILED: CMakeFiles/x.dir/a.c.o",
            "collect2: error: ld returned 1 exit status",
            "[ERROR] could not build the apk",
            "2024-01-01T10:00:00Z ERROR cargo_ndk: build failed",
            "Error building the crate for the target",
            "E: Unable to locate package gcc-riscv64-linux-gnu",
            "E: Package 'libssl-dev:arm64' has no installation candidate",
            "a.c:1:1: fout: onbekend type",
            "a.c:1:1: помилка: невідомий тип",
            "a.c:1:1: 錯誤：未知的型別",
        ] {
            assert!(super::is_failure_line(line), "{line}");
        }
        for line in [
            "warning: `app` (lib) generated 1 warning",
            "Compiling error-chain v0.12.4",
            "test result: ok. 3 passed; 0 failed",
            "test tests::error_handling ... ok",
            "   Compiling error-chain v0.12.4",
            "RUST_LOG=ERROR cargo run",
            "Errors are reported on stderr",
        ] {
            assert!(!super::is_failure_line(line), "{line}");
        }
    }

    #[test]
    fn tool_failures_without_the_word_error_are_failures() {
        for line in [
            // cmd.exe in English, German (wrapped after `oder`), French,
            // Spanish, Russian, Chinese and Japanese.
            "'cl' is not recognized as an internal or external command,",
            "Der Befehl \"nasm\" ist entweder falsch geschrieben oder",
            "konnte nicht gefunden werden.",
            "'nasm' n'est pas reconnu en tant que commande interne",
            "\"nasm\" no se reconoce como un comando interno o externo,",
            "\"nasm\" не является внутренней или внешней",
            "'nasm' 不是内部或外部命令，也不是可运行的程序",
            "'nasm' は、内部コマンドまたは外部コマンド、",
            // A linker complaining in its own name, not as a warning.
            "/usr/bin/ld: cannot represent machine `riscv'",
            "/opt/x/bin/aarch64-linux-gnu-ld.bfd: unrecognised emulation mode: foo",
            "ld: building for iOS, but attempting to link with file built for macOS",
            "`building for macOS-arm64 but attempting to link with file built for macOS-x86_64`",
            // The loader, a shell, a build driver and perl's `die`.
            "./tool: /lib/libz.so.1: version `ZLIB_9' not found (required by ./tool)",
            "Command 'nasm' not found, but can be installed with:",
            "Command failed: cd \"/w/build\" && make",
            "Perl v5.10.0 required--this is only v5.8.4, stopped at ./Configure line 9.",
            "BEGIN failed--compilation aborted at ./Configure line 3.",
            // OS errors in other languages, Windows' path not found.
            "Fehler: Die Datei ist weg: Keine Berechtigung",
            "  = note: Отказано в доступе. (os error 5)",
            "  = note: 系统找不到指定的路径。 (os error 3)",
            "  = note: Das System kann den angegebenen Pfad nicht finden. (os error 3)",
        ] {
            assert!(super::is_failure_line(line), "{line}");
            assert!(!explain(line).is_empty(), "no finding for {line:?}");
        }
        for line in [
            "/usr/bin/ld: warning: libfoo.so.1, needed by x, not found",
            "/usr/bin/ld: skipping incompatible /usr/lib/libc.so when searching for -lc",
            "/usr/bin/ld: libx.a(a.o): in function `main':",
            "/usr/bin/ld: a.o: warning: Using 'dlopen' in statically linked applications",
            "the permission denied handler is installed",
            "building for macOS-arm64",
            "Command 'nasm' found at /usr/bin/nasm",
        ] {
            assert!(!super::is_failure_line(line), "{line}");
        }
    }
}
