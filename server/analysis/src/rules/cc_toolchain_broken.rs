//! Detects `cc_toolchain_broken`: the cross C compiler exists but cannot
//! run one of its own parts (cc1, as, collect2, a shared library of binutils).

use super::context::{base_name, one_hit_per_key, text_fact};
use super::{Context, fix, regex, words};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the cross C compiler is installed but broken: one of its own programs cannot run";

pub(super) const TRIGGERS: &[&str] = &[
    r"error trying to exec '[^']+'",
    r"cannot execute ['‘][^'’]+['’]",
    r"installation problem, cannot exec '[^']+'",
    r#"unable to execute command: Executable "[^"]+" doesn't exist"#,
    concat!(
        r"(?:^|/)(?:as|ld|ld\.bfd|ld\.gold|cc1|cc1plus|cc1obj|lto1|f951|lto-wrapper|collect2|[\w.-]+-(?:as|ld|gcc|g\+\+|cpp)(?:-[\d.]+)?|gcc(?:-[\d.]+)?|g\+\+(?:-[\d.]+)?|clang(?:\+\+)?(?:-[\d.]+)?)(?:\.exe)?: (?:",
        words::loading_shared_libraries!(),
        r")[:：](?:\s|$)"
    ),
    // gcc in any locale: the part in quotes, then execvp (CreateProcess on Windows).
    r"['‘’\x22«»“”]\s*(?:cc1(?:plus|obj)?|collect2|lto1|lto-wrapper|f951|as|ld|cpp)\s*['’\x22«»“”].*(?:execvp|CreateProcess|posix_spawnp?)\s*[:：]",
    r"error: CreateProcess: No such file or directory",
    // A compiler's own libraries missing, whatever program loads them.
    concat!(
        "(?:",
        words::loading_shared_libraries!(),
        r"): (?:libisl|libmpfr|libmpc|libgmp|libopcodes|libbfd|libctf|libsframe|libLLVM|libclang-cpp|liblto_plugin|libzstd)[\w.+-]*\.(?:so|dll)"
    ),
    concat!(
        r"(?:/libexec/gcc/|/lib/gcc-lib/|[/\\]lib[/\\]gcc[/\\])[^:\s]+: (?:",
        words::loading_shared_libraries!(),
        r")[:：](?:\s|$)"
    ),
    // A toolchain binary for another machine (a 32-bit or x86 toolchain on
    // an arm64 or 64-bit-only host): it exists but the kernel cannot run it.
    concat!(
        r"(?:gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?|cpp|as|ld|cc1(?:plus)?)(?:-[\d.]+)?(?:\.exe)?['’`\x22]?: (?:",
        words::cannot_execute_binary!(),
        ")"
    ),
    concat!(
        r"(?:^|[\s/])(?:[\w.+]+-)*(?:gcc|g\+\+|clang|clang\+\+|cc1|cc1plus|ld|as)(?:-[\d.]+)?(?:\.exe)?: (?:[^:]{1,40}: )?(?:",
        words::exec_format_error!(),
        ")"
    ),
    concat!(
        r"(?:failed to execute command|could not execute|error occurred[^:]*): (?:",
        words::exec_format_error!(),
        r") \(os error 8\)"
    ),
    // cc-rs that could not start the compiler: `command `…gcc` failed to
    // start: <ENOEXEC> (os error 8)` (1.1+), `Command "…" with args … failed
    // to start: Os { code: 8, … }` (1.0), Windows' `not a valid Win32
    // application (os error 193)`; the error may be wrapped onto its own line.
    r"failed to (?:start|spawn|execute)[^:]*: (?:.*?\(os error (?:8|193|216)\)|Os \{ code: (?:8|193|216),)",
    // A wrapper (ccache, distcc, make, a shell) that could not exec the
    // toolchain binary it names: `ccache: error: execv of /x/bin/aarch64-linux-gnu-gcc failed: Exec format error`.
    concat!(
        r"(?:execv[pe]?|exec|spawn) (?:of )?['‘`\x22]?(?:[^\s'’`\x22]*[/\\])?(?:[\w.+]+-)*(?:gcc|g\+\+|c\+\+|cc|clang(?:\+\+)?|cc1(?:plus)?|cpp|as|ld|ar)(?:-[\d.]+)?(?:\.exe)?['’`\x22]?[^\n]*?(?:",
        words::exec_format_error!(),
        ")"
    ),
    // The loader's error wrapped under the path of the gcc program it was
    // loading for (`/usr/lib/gcc/avr/7.2.0/cc1plus:` alone on a line).
    r"(?:^|[\s=])[^\s:=]*(?:/libexec/gcc/|/lib/gcc/|/lib/gcc-lib/)[^\s:]+:\s*$",
    r"(?:gcc|g\+\+|-cc|-c\+\+|clang(?:\+\+)?|-ld|-as)(?:-[\d.]+)?: ELF (?:32|64)-bit [LM]SB (?:pie )?executable, [^,]+,.*interpreter \S+",
    // clang and Apple's developer tools.
    r"clang(?:\+\+)?(?:-[\d.]+)?(?:\.exe)?: error: unable to execute command: ",
    r"xcrun: error: (?:unable to find utility|invalid active developer path|unable to lookup item|SDK \x22[^\x22]+\x22 cannot be located)",
    r"xcode-select: error: tool ['‘][^'’]+['’] requires Xcode",
    // gcc without its LTO plugin or a spec file the target needs.
    r"-fuse-linker-plugin, but [\w.+-]+ not found",
    r"cannot read spec file ['‘][^'’]+['’]",
    // zsh puts the error before the program: `zsh: exec format error: /x/bin/arm-linux-gcc`.
    r"zsh: exec format error: \S*(?:gcc|g\+\+|clang|cc1|-as|-ld|-cc)\S*\s*$",
    // MSVC's cl.exe without its own parts (a partial Build Tools install).
    r"fatal error (?:C1902|C1356)(?-u:\b)",
];

/// Diagnostic: cc_toolchain_broken
///
/// **What it means.** The C compiler driver for the target runs, but a program
/// it needs does not: `error trying to exec 'cc1': execvp: No such file or
/// directory`, `cannot execute 'cc1plus'`, or the assembler/linker it calls
/// fails to load its own shared libraries (`as: error while loading shared
/// libraries: libopcodes-….so`). The loader's and the shell's words are
/// recognised in every language glibc and bash are translated to, and a
/// toolchain binary for another machine (`cannot execute binary file`,
/// `Exec format error`, cc-rs's `failed to start: … (os error 8)` in any
/// language and its old `Os { code: 8, … }`, Windows' `os error 193`, a
/// ccache/distcc `execv of …gcc failed`, zsh's `exec format error: …gcc`) or a macOS without Xcode (`xcrun`,
/// `xcode-select`) counts too, and so does a loader error wrapped onto the
/// line after the gcc program's path, and MSVC's cl.exe without its program
/// database parts (C1902, C1356).
///
/// **Why it happens.** A partly installed or copied cross toolchain: the
/// `gcc-<triple>` driver without `cpp-<triple>`/`cc1`, binutils without its
/// libraries, a toolchain moved from the prefix it was built for, or
/// `GCC_EXEC_PREFIX`/`COMPILER_PATH` pointing elsewhere.
///
/// **How to fix.** Reinstall the complete cross toolchain from the package
/// manager (`install_cc_tool`), or point `CC_<triple>` at a compiler that works,
/// e.g. `clang --target=<triple>` with a sysroot (`configure_cc`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let hits: Vec<usize> = hits
        .iter()
        .copied()
        .filter(|&index| !is_file_output(cx.content(index)) || elf_tool_failed(cx, index))
        .collect();
    one_hit_per_key(cx, &hits, |index| broken_at(cx, index))
        .into_iter()
        .map(|(broken, index)| describe(cx, index, broken))
        .collect()
}

/// What is broken: the program that failed, the part it could not run (or
/// load), and whether the program itself is a binary this machine cannot run.
#[derive(PartialEq)]
struct Broken {
    tool: Option<String>,
    part: Option<String>,
    foreign: bool,
}

fn broken(tool: Option<&str>, part: Option<&str>) -> Option<Broken> {
    Some(Broken {
        tool: tool.map(|t| base_name(t).to_owned()),
        part: part.map(str::to_owned),
        foreign: false,
    })
}

/// `file`'s description of a toolchain binary: evidence only when the log
/// also shows that binary failing to start.
fn is_file_output(content: &str) -> bool {
    content.contains(": ELF ") && content.contains("interpreter ")
}

fn elf_tool_failed(cx: &Context<'_>, index: usize) -> bool {
    let Some(path) = cx.content(index).split(": ELF ").next() else {
        return false;
    };
    let name = base_name(path.trim_start_matches(['$', '>', ' ']).trim());
    let failed = regex!(
        r"No such file or directory|not found|Exec format error|cannot execute|could not exec|nicht gefunden|introuvable|no encontrad|не найден|没有那个文件|找不到|见つかりません|見つかりません"
    );
    !name.is_empty()
        && (0..cx.log.lines.len())
            .filter(|&i| i != index)
            .map(|i| cx.content(i))
            .any(|line| line.contains(name) && failed.is_match(line) && !line.contains(": ELF "))
}

/// What a hit says is broken, reading the lines around it where the tool
/// or the library was wrapped onto a line of its own.
fn broken_at(cx: &Context<'_>, index: usize) -> Option<Broken> {
    let content = cx.content(index);
    let loader = regex!(
        r"(?:^|[\s=])(?:",
        words::loading_shared_libraries!(),
        r")[:：]\s*([^:\s]*)"
    );
    // `…/cc1plus:` alone, the loader's words on the next line.
    if let Some(path) =
        regex!(r"(?:^|[\s=])([^\s:=]*(?:/libexec/gcc/|/lib/gcc/|/lib/gcc-lib/)[^\s:]+):\s*$")
            .captures(content)
            .map(|c| c[1].to_owned())
    {
        let next = cx.content(index + 1);
        let captures = loader.captures(next)?;
        let library = Some(&captures[1])
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .or_else(|| library_opening(cx.content(index + 2)));
        return broken(Some(&path), library.as_deref());
    }
    let mut found = broken_part(content);
    // `…/cc1: error while loading shared libraries:` with the library on the next line.
    if let Some(found) = found.as_mut()
        && found.part.is_none()
        && !found.foreign
    {
        found.part = library_opening(cx.content(index + 1));
    }
    if found.is_none()
        && let Some(captures) = regex!(
            r"(\S+): (?:",
            words::loading_shared_libraries!(),
            r")[:：]\s*$"
        )
        .captures(content)
    {
        let library = library_opening(cx.content(index + 1));
        found = broken(Some(&captures[1]), library.as_deref());
    }
    if found.is_none()
        && let Some(captures) = loader.captures(content)
    {
        // The loader's words first on their line: the tool is the path the
        // line before ends with.
        let before = cx.content(index.saturating_sub(1)).trim();
        let last_word = before.rsplit([' ', '=']).next().unwrap_or(before);
        let tool = last_word
            .strip_suffix(':')
            .filter(|path| index > 0 && path.contains('/'));
        let library = Some(&captures[1])
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .or_else(|| library_opening(cx.content(index + 1)));
        found = broken(tool, library.as_deref());
    }
    if let Some(found) = found.as_mut()
        && found.foreign
        && found.tool.is_none()
    {
        found.tool = started_tool(cx, index);
    }
    found
}

/// A shared library's name opening a wrapped line (`libmpfr.so.4: cannot open …`).
fn library_opening(content: &str) -> Option<String> {
    regex!(r"^\s*((?:lib)?[\w.+-]+\.(?:so(?:\.[\d.]+)?|dll|dylib))(?:[:：]|\s|$)")
        .captures(content)
        .map(|c| c[1].to_owned())
}

/// The program cc-rs (or a wrapper) could not start, from the line of the
/// failure or the two before it (cc-rs prints the command first):
/// `command `LC_ALL="C" "aarch64-linux-musl-gcc" …` failed to start`.
fn started_tool(cx: &Context<'_>, index: usize) -> Option<String> {
    let command = regex!(
        r#"(?:[Cc]ommand|running:?|execv[pe]? of|exec of|[Ii]s) [`'‘"]?(?:\\?"?[A-Z_]+=\\?"?[^"\s\\]*\\?"?\s+)*\\?["`'‘]?([^"\s`'’]+)"#
    );
    (index.saturating_sub(2)..=index).rev().find_map(|i| {
        let captures = command.captures(cx.content(i))?;
        let tool = base_name(captures[1].trim_end_matches('\\'));
        let tool = tool.strip_suffix(".exe").unwrap_or(tool);
        regex!(r"^(?:[\w.+]+-)*(?:[\w.+-]*gcc|[\w.+-]*g\+\+|c\+\+|cc|[\w.+-]*clang(?:\+\+)?|cc1(?:plus)?|cpp|as|ld|ar|cl|link)(?:-[\d.]+)?$")
            .is_match(tool)
            .then(|| tool.to_owned())
    })
}

/// (the program that failed, the part it could not run)
fn broken_part(content: &str) -> Option<Broken> {
    // cargo's build-script warning prefixes (`cargo:warning=`, cargo 1.77+'s
    // `warning: x@0.1.0: `) are not the program's name.
    let content = regex!(r"^\s*(?:cargo::?warning=|warning: [\w-]+@[\w.+-]+: )")
        .find(content)
        .map_or(content, |m| &content[m.end()..]);
    let exec = regex!(
        r#"(?:^|[\s='"`‘])([\w./+-]+?):\s*(?:fatal )?error(?: trying to exec ['‘]([^'’]+)['’]|: cannot execute ['‘]([^'’]+)['’])|installation problem, cannot exec '([^']+)'|Executable "([^"]+)" doesn't exist|cannot execute ['‘]([^'’]+)['’]"#
    );
    let localised = regex!(
        r"(?:^|[\s='\x22`‘])([\w./+-]+?)(?:\.exe)?\s*[:：].*['‘’\x22«»“”]\s*(cc1(?:plus|obj)?|collect2|lto1|lto-wrapper|f951|as|ld|cpp)\s*['’\x22«»“”].*(?:execvp|CreateProcess|posix_spawnp?)\s*[:：]"
    );
    if let Some(captures) = localised.captures(content)
        && !exec.is_match(content)
    {
        return broken(Some(&captures[1]), Some(&captures[2]));
    }
    if content.contains("error: CreateProcess: No such file") {
        let compiler = regex!(r"([\w./+-]+?)(?:\.exe)?: error: CreateProcess")
            .captures(content)
            .map(|c| c[1].to_owned());
        return broken(compiler.as_deref(), Some("cc1"));
    }
    if let Some(broken) = foreign_binary(content) {
        return Some(broken);
    }
    if let Some(captures) = exec.captures(content) {
        let compiler = captures.get(1).map(|m| m.as_str()).or_else(|| {
            regex!(r"^([\w./+-]+?)(?:\.exe)?:\s")
                .captures(content)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str())
        });
        let part = captures.iter().skip(2).flatten().next()?.as_str();
        return broken(compiler, Some(base_name(part)));
    }
    let other = regex!(
        r#"(xcrun): error: (?:unable to find utility "([^"]+)"|invalid active developer path|unable to lookup item '[^']*' in SDK '([^']+)'|SDK "([^"]+)" cannot be located)|([\w./+-]*clang(?:\+\+)?(?:-[\d.]+)?)(?:\.exe)?: error: unable to execute command: (.+)|([\w./+-]*(?:gcc|g\+\+|cc|c\+\+|collect2|lto-wrapper))(?:\.exe)?: (?:fatal )?error: -fuse-linker-plugin, but ([\w.+-]+) not found|([\w./+-]*(?:gcc|g\+\+|cc|c\+\+))(?:\.exe)?: (?:fatal )?error: cannot read spec file ['‘]([^'’]+)['’]|(xcode-select): error: tool ['‘]([^'’]+)['’] requires Xcode"#
    );
    if let Some(c) = other.captures(content) {
        let tool = [1, 5, 7, 9, 11].into_iter().find_map(|i| c.get(i));
        let part = [2, 3, 4, 6, 8, 10, 12].into_iter().find_map(|i| c.get(i));
        let part = part.map(|m| m.as_str().trim()).or(if c.get(1).is_some() {
            Some("the developer tools (xcode-select)")
        } else {
            None
        });
        return broken(tool.map(|m| m.as_str()), part);
    }
    if let Some(c) = regex!(r"(?:^|[\s:])(?:([\w./\\-]+)\s*:\s*)?fatal error (C1902|C1356)(?-u:\b)[^:]*:\s*(?:unable to find ([\w.-]+\.dll))?")
        .captures(content)
    {
        let part = c.get(3).map_or(
            if &c[2] == "C1902" { "the program database manager (mspdb)" } else { "mspdbcore.dll" },
            |m| m.as_str(),
        );
        return broken(Some("cl.exe"), Some(part));
    }
    let loader = regex!(
        r"(\S+): (?:",
        words::loading_shared_libraries!(),
        r"): ([^:\s]+)"
    );
    let captures = loader.captures(content)?;
    broken(Some(&captures[1]), Some(&captures[2]))
}

/// A toolchain binary the kernel cannot run: `cannot execute binary file`,
/// `Exec format error`, or `file`'s description of it (the loader it names).
fn foreign_binary(content: &str) -> Option<Broken> {
    let pattern = regex!(
        r"([\w./+-]*(?:gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?|cpp|as|ld|cc1(?:plus)?)(?:-[\d.]+)?)(?:\.exe)?['’`\x22]?: (?:(?:",
        words::cannot_execute_binary!(),
        r")|(?:[^:]{1,40}: )?(?:",
        words::exec_format_error!(),
        r"))|([\w./+-]*(?:gcc|g\+\+|-cc|-c\+\+|clang(?:\+\+)?|-ld|-as)(?:-[\d.]+)?): ELF (?:32|64)-bit [LM]SB (?:pie )?executable, [^,]+,.*interpreter ([^\s,]+)|zsh: exec format error: (\S+)|Exec format error \(os error 8\)|failed to (?:start|spawn|execute)[^:]*: (?:.*?\(os error (?:8|193|216)\)|Os \{ code: (?:8|193|216),)|(?:execv[pe]?|exec|spawn) (?:of )?['‘`\x22]?((?:[^\s'’`\x22]*[/\\])?(?:[\w.+]+-)*(?:gcc|g\+\+|c\+\+|cc|clang(?:\+\+)?|cc1(?:plus)?|cpp|as|ld|ar)(?:-[\d.]+)?)(?:\.exe)?['’`\x22]?[^\n]*?(?:",
        words::exec_format_error!(),
        ")"
    );
    let c = pattern.captures(content)?;
    let tool = c
        .get(1)
        .or(c.get(2))
        .or(c.get(4))
        .or(c.get(5))
        .map(|m| base_name(m.as_str()).to_owned());
    Some(Broken {
        tool,
        part: c.get(3).map(|m| m.as_str().to_owned()),
        foreign: true,
    })
}

fn describe(cx: &Context<'_>, index: usize, broken: Broken) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::CcToolchainBroken, "", start, index);
    finding = text_fact(finding, "tool", broken.tool.as_deref());
    finding = text_fact(finding, "missing_part", broken.part.as_deref());
    let for_target = cx.for_target(&finding);
    let who = broken
        .tool
        .map_or_else(|| "the C compiler".to_owned(), |c| format!("`{c}`"));
    finding.message = match (broken.foreign, broken.part) {
        (true, Some(loader)) => format!(
            "{who}{for_target} is installed but cannot run on this machine: it needs the loader `{loader}` of another architecture or word size"
        ),
        (true, None) => format!(
            "{who}{for_target} is installed but cannot run on this machine: it is a binary for another architecture"
        ),
        (false, Some(part)) => {
            format!("{who}{for_target} is installed but broken: it cannot run `{part}`")
        }
        (false, None) => format!("{who}{for_target} is installed but broken"),
    };
    finding
        .with_fix(
            fix::INSTALL_CC_TOOL,
            "Reinstall the complete cross toolchain (one built for this machine)",
        )
        .with_fix(
            fix::CONFIGURE_CC,
            "Point CC_<triple> at a C compiler that works for the target (e.g. clang --target)",
        )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind};
    use crate::finding::Kind;

    #[test]
    fn cc1_missing() {
        let log = "warning: ccx@0.1.0: aarch64-linux-gnu-gcc: fatal error: cannot execute 'cc1': execvp: No such file or directory\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "tool"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(fact(&finding, "missing_part"), Some("cc1"));
        assert_eq!(fact(&finding, "crate"), Some("ccx"));
    }

    #[test]
    fn typographic_quotes() {
        let log = "|   cargo:warning=gcc: fatal error: cannot execute ‘cc1plus’: execvp: No such file or directory\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "missing_part"), Some("cc1plus"));
    }

    #[test]
    fn old_gcc_wording() {
        let log =
            "  cargo:warning=gcc: error trying to exec 'cc1': execvp: No such file or directory\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "tool"), Some("gcc"));
    }

    #[test]
    fn assembler_cannot_load_its_libraries() {
        let log = "warning: ccx@0.1.0: /x/bin/aarch64-linux-gnu-as: error while loading shared libraries: libopcodes-2.40-arm64.so: cannot open shared object file: No such file or directory\n";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(
            fact(&finding, "missing_part"),
            Some("libopcodes-2.40-arm64.so")
        );
    }

    #[test]
    fn no_space_after_the_colon() {
        let log = "aarch64-linux-gnu-gcc:error trying to exec 'cc1plus': execvp: No such file or directory\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "missing_part"), Some("cc1plus"));
    }

    #[test]
    fn gcc_in_other_languages() {
        for log in [
            "gcc: schwerwiegender Fehler: »cc1« kann nicht ausgeführt werden: execvp: Datei oder Verzeichnis nicht gefunden\n",
            "gcc: 致命错误：无法执行‘cc1’：execvp：没有那个文件或目录\n",
            "gcc: error fatal: no se puede ejecutar 'cc1': execvp: No existe el archivo o el directorio\n",
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "missing_part"), Some("cc1"), "{log}");
            assert_eq!(fact(&finding, "tool"), Some("gcc"), "{log}");
        }
    }

    #[test]
    fn windows_createprocess() {
        let log = "gcc.exe: error: CreateProcess: No such file or directory\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "tool"), Some("gcc"));
    }

    #[test]
    fn a_versioned_driver_cannot_load_its_libraries() {
        let log = "/opt/x/bin/aarch64-linux-gnu-gcc-9: error while loading shared libraries: libmpfr.so.6: cannot open shared object file: No such file or directory\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "missing_part"), Some("libmpfr.so.6"));
        let log = "lto1: error while loading shared libraries: libisl.so.23: cannot open shared object file\n";
        first_of_kind(log, Kind::CcToolchainBroken);
    }

    #[test]
    fn posix_spawn_and_windows_paths() {
        for (log, part) in [
            (
                "aarch64-w64-mingw32-gcc: fatal error: cannot execute 'cc1': posix_spawnp: No such file or directory\n",
                "cc1",
            ),
            (
                "C:\\msys64\\mingw64\\bin\\gcc.exe: fatal error: cannot execute 'C:/msys64/mingw64/lib/gcc/x86_64-w64-mingw32/13.2.0/cc1.exe': CreateProcess: No such file or directory\n",
                "cc1.exe",
            ),
            (
                "gcc: 致命错误：无法执行‘cc1plus’：posix_spawnp：没有那个文件或目录\n",
                "cc1plus",
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "missing_part"), Some(part), "{log}");
        }
    }

    #[test]
    fn gcc_libraries_missing_from_any_of_its_programs() {
        for (log, part) in [
            (
                "/opt/riscv/libexec/gcc/riscv64-unknown-elf/8.2.0/cc1: error while loading shared libraries: libmpfr.so.6: cannot open shared object file: No such file or directory\n",
                "libmpfr.so.6",
            ),
            (
                "configure:4012: /opt/ia16/libexec/gcc/ia16-elf/6.3.0/cc1plus: error while loading shared libraries: libisl.so.15: cannot open shared object file\n",
                "libisl.so.15",
            ),
            (
                "| arm-poky-linux-gnueabi-ld.bfd: error while loading shared libraries: libctf.so.0: cannot open shared object file\n",
                "libctf.so.0",
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "missing_part"), Some(part), "{log}");
        }
    }

    #[test]
    fn a_toolchain_built_for_another_machine() {
        let log = "make: i686-elf-gcc: No such file or directory\nmake: *** [Makefile:20: kernel.o] Error 127\n$ file /opt/cross/bin/i686-elf-gcc\n/opt/cross/bin/i686-elf-gcc: ELF 64-bit LSB executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, for GNU/Linux 3.2.0, not stripped\n";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "tool"), Some("i686-elf-gcc"));
        assert_eq!(
            fact(&finding, "missing_part"),
            Some("/lib64/ld-linux-x86-64.so.2")
        );
        for log in [
            "bash: /opt/tools/bin/arm-linux-gnueabihf-gcc: cannot execute binary file: Exec format error\n",
            "/bin/sh: 1: /opt/x/bin/x86_64-elf-gcc: Exec format error\n",
            "  failed to execute command: Exec format error (os error 8)\n  is `arm-linux-gnueabihf-gcc` not installed?\n",
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert!(
                finding.message.contains("cannot run on this machine"),
                "{log}"
            );
        }
        // `file` alone, with no failure of that binary, is not a finding.
        let log = "/usr/bin/aarch64-linux-gnu-gcc-12: ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2\n";
        assert!(super::super::testing::explain(log).is_empty());
    }

    #[test]
    fn apple_and_clang_tools() {
        for (log, tool, part) in [
            (
                "xcrun: error: unable to find utility \"clang\", not a developer tool or in PATH\n",
                "xcrun",
                Some("clang"),
            ),
            (
                "xcrun: error: invalid active developer path (/Library/Developer/CommandLineTools), missing xcrun at: /Library/Developer/CommandLineTools/usr/bin/xcrun\n",
                "xcrun",
                Some("the developer tools (xcode-select)"),
            ),
            (
                "clang: error: unable to execute command: Executable \"arm-none-eabi-as\" doesn't exist!\n",
                "clang",
                Some("arm-none-eabi-as"),
            ),
            (
                "arm-none-eabi-gcc: fatal error: cannot read spec file 'nosys.specs': No such file or directory\n",
                "arm-none-eabi-gcc",
                Some("nosys.specs"),
            ),
            (
                "gcc: fatal error: -fuse-linker-plugin, but liblto_plugin.so not found\n",
                "gcc",
                Some("liblto_plugin.so"),
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "tool"), Some(tool), "{log}");
            assert_eq!(fact(&finding, "missing_part"), part, "{log}");
        }
    }

    #[test]
    fn neighbours_keep_their_kinds() {
        // A missing compiler is cc_tool_not_found; a build script built for
        // the wrong machine is not a C toolchain.
        first_of_kind(
            "sh: 1: aarch64-linux-gnu-gcc: not found\n",
            Kind::CcToolNotFound,
        );
        let log = "error: failed to run custom build command for `x v0.1.0`\n\nCaused by:\n  could not execute process `/w/target/debug/build/x-1/build-script-build` (never executed)\n\nCaused by:\n  Exec format error (os error 8)\n";
        let findings = super::super::testing::explain(log);
        assert!(
            findings.iter().all(|f| f.kind != Kind::CcToolchainBroken),
            "{findings:#?}"
        );
    }

    /// The build-script family's new wordings keep their kind under the
    /// decorations captured logs add (CI stamps, docker steps, nix prompts,
    /// colour, markdown quoting, pipes, CRLF).
    #[test]
    fn new_build_script_wordings_survive_decorations() {
        let failures = [
            (
                "cc1: error: unknown value 'armv7-a' for '-march'",
                Kind::WrongCcForTarget,
            ),
            (
                "crypto/aes/aesv8-armx.S:12: Error: no such instruction: `ldr x0,[x1]'",
                Kind::WrongCcForTarget,
            ),
            (
                "powerpc-linux-gnu-gcc: error: -m64 not supported in this configuration",
                Kind::WrongCcForTarget,
            ),
            (
                "aarch64-w64-mingw32-gcc: fatal error: cannot execute 'cc1': posix_spawnp: No such file or directory",
                Kind::CcToolchainBroken,
            ),
            (
                "bash: /opt/x/bin/arm-linux-gnueabihf-gcc: cannot execute binary file: Exec format error",
                Kind::CcToolchainBroken,
            ),
            (
                "xcrun: error: unable to find utility \"clang\", not a developer tool or in PATH",
                Kind::CcToolchainBroken,
            ),
            (
                "scripts/Kconfig.include:39: compiler 'riscv64-linux-gnu-gcc' not found",
                Kind::CcToolNotFound,
            ),
            (
                "foo.c:3:19: error: zlib.h: No such file or directory",
                Kind::MissingHeader,
            ),
            (
                "Requested 'glib-2.0 >= 2.56' but version of GLib is 2.50.3",
                Kind::PkgConfigCross,
            ),
            (
                "Text::Template version 1.46 required--this is only version 1.44 at ./Configure line 20.",
                Kind::VendoredOpensslPerl,
            ),
            ("Unable to find zig lib directory", Kind::ZigbuildError),
            (
                "failed to start: Exec format error (os error 8)",
                Kind::CcToolchainBroken,
            ),
            (
                "ccache: error: execv of /x/bin/aarch64-linux-gnu-gcc failed: Exec format error",
                Kind::CcToolchainBroken,
            ),
            (
                "cc1: nicht implementiert: 64-Bit-Modus nicht einkompiliert",
                Kind::WrongCcForTarget,
            ),
            (
                "error: riscv64-unknown-linux-gnu-gcc not found in PATH",
                Kind::CcToolNotFound,
            ),
            (
                "/usr/local/musl/bin/musl-gcc: 15: exec: gcc: not found",
                Kind::CcToolNotFound,
            ),
            (
                "openssl/ssl.h: No such file or directory",
                Kind::MissingHeader,
            ),
            (
                "pkg-config doesn\\'t handle cross compilation. Use PKG_CONFIG_ALLOW_CROSS=1 to override",
                Kind::PkgConfigCross,
            ),
            (
                "configuring OpenSSL build: Command '/opt/bin/perl' not found. Is /opt/bin/perl installed?",
                Kind::VendoredOpensslPerl,
            ),
        ];
        let decorations: [fn(&str) -> String; 9] = [
            |line| line.to_owned(),
            |line| format!("2024-03-01T10:00:00.1234567Z {line}"),
            |line| format!("#14 12.34 {line}"),
            |line| format!("aarch64-unknown-linux-gnu> {line}"),
            |line| format!("\u{1b}[1m\u{1b}[31m{line}\u{1b}[0m"),
            |line| format!("> {line}"),
            |line| format!("  cargo:warning={line}\r"),
            |line| format!("| {line}\r"),
            |line| format!("warning: x-sys@0.1.0: {line}"),
        ];
        for (line, kind) in failures {
            for decorate in decorations {
                let log = format!("{}\n", decorate(line));
                let findings = super::super::testing::explain(&log);
                assert_eq!(findings.first().map(|f| f.kind), Some(kind), "{log:?}");
            }
        }
    }

    #[test]
    fn the_loader_and_the_shell_in_other_languages() {
        for (log, part) in [
            (
                "/usr/libexec/gcc/aarch64-linux-gnu/12/cc1: Fehler beim Laden der Shared Libraries: libisl.so.23: Kann die Shared-Object-Datei nicht öffnen: Datei oder Verzeichnis nicht gefunden\n",
                "libisl.so.23",
            ),
            (
                "/opt/arm/bin/arm-none-eabi-as: ошибка при загрузке разделяемых библиотек: libopcodes-2.38.so: невозможно открыть разделяемый объектный файл\n",
                "libopcodes-2.38.so",
            ),
            (
                "C:/msys64/mingw64/lib/gcc/x86_64-w64-mingw32/13.2.0/cc1.exe: error while loading shared libraries: libzstd.dll: cannot open shared object file: No such file or directory\n",
                "libzstd.dll",
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "missing_part"), Some(part), "{log}");
        }
        for log in [
            "bash: /opt/x/bin/arm-linux-gnueabihf-gcc: Kann die Binärdatei nicht ausführen: Fehler im Format der Programmdatei\n",
            "/bin/sh: 1: /opt/cross/bin/i686-elf-gcc: Ошибка формата выполняемого файла\n",
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert!(
                finding.message.contains("cannot run on this machine"),
                "{log}: {}",
                finding.message
            );
        }
    }

    #[test]
    fn xcode_select_without_xcode() {
        let log = "xcode-select: error: tool 'xcodebuild' requires Xcode, but active developer directory '/Library/Developer/CommandLineTools' is a command line tools instance\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "tool"), Some("xcode-select"));
        assert_eq!(fact(&finding, "missing_part"), Some("xcodebuild"));
    }

    #[test]
    fn a_build_script_that_cannot_run_is_still_not_a_toolchain() {
        let log = "/bin/sh: /w/target/debug/build/x-1/build-script-build: Exec format error\n";
        let findings = super::super::testing::explain(log);
        assert!(
            findings.iter().all(|f| f.kind != Kind::CcToolchainBroken),
            "{findings:#?}"
        );
    }

    #[test]
    fn cc_rs_could_not_start_a_compiler_for_another_machine() {
        for (log, tool) in [
            (
                "  error occurred in cc-rs: command `LC_ALL=\"C\" \"/opt/x/bin/armv7-linux-musleabihf-gcc\" \"-O2\" \"-c\" \"a.c\"` failed to start: Exec format error (os error 8)\n",
                Some("armv7-linux-musleabihf-gcc"),
            ),
            (
                "error occurred in cc-rs: command `\"riscv64-linux-gnu-gcc\" \"-c\" ...\nfailed to start: Fehler im Format der Programmdatei (os error 8)\n",
                Some("riscv64-linux-gnu-gcc"),
            ),
            (
                "  error occurred: Command \"arm-linux-gnueabihf-gcc\" \"-O0\" \"-c\" \"x.c\" with args \"arm-linux-gnueabihf-gcc\" failed to start: Os { code: 8, kind: Other, message: \"Exec format error\" }\n",
                Some("arm-linux-gnueabihf-gcc"),
            ),
            (
                "  error occurred in cc-rs: command `\"C:\\\\tools\\\\bin\\\\x86_64-w64-mingw32-gcc.exe\" \"-c\" \"x.c\"` failed to start: %1 is not a valid Win32 application. (os error 193)\n",
                Some("x86_64-w64-mingw32-gcc"),
            ),
            (
                "ccache: error: execv of /home/u/tc/bin/arm-none-eabi-gcc failed: Exec format error\n",
                Some("arm-none-eabi-gcc"),
            ),
            (
                "distcc[812] (dcc_execvp) ERROR: failed to exec aarch64-linux-gnu-g++: Exec format error\n",
                Some("aarch64-linux-gnu-g++"),
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "tool"), tool, "{log}");
            assert!(
                finding.message.contains("cannot run on this machine"),
                "{log}: {}",
                finding.message
            );
        }
        // A build script or a test binary for another machine is not a C toolchain.
        for log in [
            "error: failed to run custom build command for `x v0.1.0`\n\nCaused by:\n  could not execute process `/w/target/debug/build/x-1/build-script-build` (never executed)\n\nCaused by:\n  Exec format error (os error 8)\n",
            "error: test failed, to rerun pass `--lib`\n\nCaused by:\n  could not execute process `/w/target/aarch64-unknown-linux-gnu/debug/deps/x-0ab1` (never executed)\n\nCaused by:\n  Exec format error (os error 8)\n",
        ] {
            let findings = super::super::testing::explain(log);
            assert!(
                findings.iter().all(|f| f.kind != Kind::CcToolchainBroken),
                "{findings:#?}"
            );
        }
    }

    #[test]
    fn the_loader_error_wrapped_away_from_the_gcc_program() {
        for (log, tool, part) in [
            (
                "/usr/lib/gcc/avr/9.1.0/cc1:\nerror while loading shared libraries: libisl.so.19: cannot open shared object file:\nNo such file or directory\n",
                "cc1",
                "libisl.so.19",
            ),
            (
                "/opt/tc/libexec/gcc/arm-none-eabi/10.3.1/cc1plus: error while loading shared libraries:\nlibmpc.so.3: cannot open shared object file: No such file or directory\n",
                "cc1plus",
                "libmpc.so.3",
            ),
            (
                "C:/msys64/mingw64/lib/gcc/x86_64-w64-mingw32/13.2.0/cc1.exe:\nerror while loading shared libraries: libgmp-10.dll: cannot open shared object file\n",
                "cc1.exe",
                "libgmp-10.dll",
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "tool"), Some(tool), "{log}");
            assert_eq!(fact(&finding, "missing_part"), Some(part), "{log}");
        }
        // A program of the user's own missing a library is the runtime's kind.
        let log = "/srv/app/bin/server:\nerror while loading shared libraries: libssl.so.3: cannot open shared object file: No such file or directory\n";
        first_of_kind(log, Kind::RuntimeMissingSharedLib);
    }

    #[test]
    fn msvc_without_its_program_database_parts() {
        for (log, part) in [
            (
                "C:\\w\\x.c: fatal error C1902: Program database manager mismatch; please check your installation\n",
                "the program database manager (mspdb)",
            ),
            (
                "x.c : fatal error C1356: unable to find mspdbcore.dll\n",
                "mspdbcore.dll",
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "tool"), Some("cl.exe"), "{log}");
            assert_eq!(fact(&finding, "missing_part"), Some(part), "{log}");
        }
    }

    #[test]
    fn zsh_names_the_program_after_the_error() {
        let log = "zsh: exec format error: /opt/x-tools/bin/arm-linux-gnueabihf-gcc\n";
        let finding = first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(fact(&finding, "tool"), Some("arm-linux-gnueabihf-gcc"));
        let log = "zsh: no such file or directory: /opt/cross/bin/x86_64-linux-musl-gcc\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(
            fact(&finding, "tool"),
            Some("/opt/cross/bin/x86_64-linux-musl-gcc")
        );
    }

    #[test]
    fn a_quoted_compiler_that_cannot_execute() {
        // bash's `cannot execute binary file` with the program's path in
        // quotes, as a wrapper script that quotes "$CC" or a log quoting it
        // prints it.
        let log = "  \"/opt/x/bin/aarch64-linux-gnu-gcc\": cannot execute binary file: Exec format error\n";
        let finding = super::super::testing::first_of_kind(log, Kind::CcToolchainBroken);
        assert_eq!(
            super::super::testing::fact(&finding, "tool"),
            Some("aarch64-linux-gnu-gcc")
        );
    }

    #[test]
    fn localised_exec_failure_names_the_compiler_not_cargo() {
        // gcc's `error trying to exec 'cc1'` in German and French, as
        // cargo:warning= lines (cc-rs) and cargo 1.77+'s `warning: x@v:`.
        for log in [
            "  cargo:warning=gcc: Fehler beim Ausführen von »cc1«: execvp: Datei oder Verzeichnis nicht gefunden\n",
            "warning: foo-sys@0.1.0: gcc: erreur lors de l'exécution de « cc1 »: execvp: Aucun fichier ou dossier de ce type\n",
        ] {
            let finding = first_of_kind(log, Kind::CcToolchainBroken);
            assert_eq!(fact(&finding, "tool"), Some("gcc"), "{log}");
            assert_eq!(fact(&finding, "missing_part"), Some("cc1"), "{log}");
        }
    }
}
