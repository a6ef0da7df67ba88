//! Detects `cc_tool_not_found`: a build script's C compiler, archiver or
//! build tool for the target does not exist.

use super::context::{one_hit_per_key, text_fact, tool_exists_but_cannot_run};
use super::{Context, fix, regex, words};
use crate::finding::{Finding, Kind};
use crossport_formats::arch::debian_arch_for_triple;

pub(super) const SUMMARY: &str =
    "a build script's C compiler or build tool for the target is not installed";

pub(super) const TRIGGERS: &[&str] = &[
    // cc-rs 1.1+ (`{:?}` of the program), its quotes also curly or single
    // in a log that was pasted through an editor or chat.
    r#"failed to find tool \\?["“'‘][^"“”'‘’\\]+\\?["”'’]"#,
    r#"[Ff]ailed to find tool\. Is [`'‘"“][^`'’"”]+[`'’"”] installed"#,
    // gcc-rs wrote `Is`, cmake-rs `is`.
    r#"[Ii]s [`'‘"“][^`'’"”]+[`'’"”] not installed\?"#,
    r#"failed to execute \["[^"]+"[^\]]*\]: "#,
    // A shell or make that cannot find a program, in English and every
    // language bash, make and glibc are translated to (a script's `line N`
    // in any of them, full-width colons); fish's and env's wordings.
    concat!(
        r"(?:^|[/\s])(?:[\w.-]*\.sh|(?:ba|da|z|k|a)?sh)(?:[:：] [^:：\d]{0,10}\d+[^:：]{0,6})?(?:: \d+)?[:：] ?[\w.+/-]+[:：] ?(?:",
        words::command_not_found!(),
        ")"
    ),
    concat!(
        r"\b[\w.+-]*(?:gcc|g\+\+|clang|clang\+\+|cc|c\+\+|ar|ranlib|cmake|nasm|yasm|protoc|make|bindgen|ninja|meson|windres|pkg-config)(?:-[\d.]+)?(?:\.exe)?[:：] ?(?:",
        words::command_not_found!(),
        ")"
    ),
    concat!(
        r"^make(?:\[\d+\])?: [\w.+/-]+: (?:",
        words::command_not_found!(),
        "|",
        words::no_such_file!(),
        ")"
    ),
    r"zsh: command not found: \S+",
    r"zsh: no such file or directory: \S+",
    r"fish: Unknown command:? ['‘`]?[\w.+/-]+",
    concat!(
        r"(?:^|/)env: ['‘`\x22]?[\w.+/-]+['’`\x22]?: (?:",
        words::no_such_file!(),
        ")"
    ),
    // cmd.exe and PowerShell, English and translated.
    r#"['"“„«]?[\w.+-]+['"”“»]? (?:is not recognized as an internal or external command|n'est pas reconnu en tant que commande interne|no se reconoce como un comando interno o externo|não é reconhecido como um comando interno|non è riconosciuto come comando interno o esterno|wordt niet herkend als een interne|nie jest rozpoznawany jako polecenie wewnętrzne|není názvem vnitřního ani vnějšího příkazu|iç ya da dış komut|不是内部或外部命令|は、内部コマンドまたは外部コマンド|은\(는\) 내부 또는 외부 명령|не является внутренней или внешней)"#,
    r#"Der Befehl "[\w.+-]+" ist entweder falsch geschrieben"#,
    r"The term '[^']+' is not recognized as (?:the|a) name of a cmdlet",
    r#"Die Benennung "[^"]+" wurde nicht als Name eines Cmdlet"#,
    r"Le terme [«'\x22]\s*[^»'\x22]+\s*[»'\x22] n'est pas reconnu comme nom d'applet de commande",
    // A compiler given by a path that does not exist (whatever the locale).
    concat!(
        // (The name starts a word: ld's `cannot find -lgcc: No such file`
        // and `-lstdc++` are libraries, missing_library_at_link's.)
        r"(?:^|[\s/\\`'‘’\x22“=(])(?:[\w.+][\w.+-]*)?(?:gcc|g\+\+|clang|clang\+\+|cc|c\+\+|cl)(?:-[\d.]+)?(?:\.exe)?[`'’\x22]?: (?:",
        words::no_such_file!(),
        ")"
    ),
    // Go's cgo, Python's distutils and setuptools, meson, and CMake naming
    // the compiler it was told to use.
    r#"exec: "[^"]+": executable file not found in (?:\$PATH|%PATH%)"#,
    r"unable to execute ['‘`][^'’`]+['’`]: ",
    concat!(
        r"error: command ['‘`\x22][^'’`\x22]+['’`\x22] failed: (?:",
        words::no_such_file!(),
        ")"
    ),
    r"ERROR: Unknown compilers?\(s\)?: \[\[",
    r"Could not find compiler set in environment variable (?:CC|CXX|ASM)",
    r"CMAKE_(?:C|CXX|ASM)_COMPILER(?:-NOTFOUND| not set, after EnableLanguage)",
    // pkg-config itself missing (openssl-sys's probe is openssl_not_found's).
    r"[Ff]ailed to run `[^`]*pkg-config[^`]*`: ",
    // cc-rs's `Is `x` installed?` wrapped onto its own line.
    r#"^[`'‘"][\w.+/\\-]+[`'’"] installed\? \(see"#,
    r"[Ff]ailed to find tool\. Is\s*$",
    // The Linux kernel's Kconfig, and cargo running a build tool directly.
    r"compiler '[^']+' not found",
    r"could not execute process `(?:[^`]*[/\\])?(?:cmake|make|gmake|ninja|nasm|yasm|pkg-config|[\w.+-]*(?:gcc|g\+\+|clang|cc|c\+\+|ar))(?:\.exe)?(?:\s[^`]*)?` \(never executed\)",
    r"The pkg-config command could not be found",
    // A build script that unwrapped the spawn of a program that is missing.
    r"kind: NotFound",
    // CMake and autoconf.
    r"is not a full path and was not found in the PATH",
    r"No CMAKE_(?:C|CXX|ASM)_COMPILER could be found",
    r"no acceptable C compiler found in \$PATH",
    // A script's, `which`'s, Node's or Python's words for a program not
    // on PATH (the program is checked to be a C build tool).
    r"[\w.+/\\-]+['’`\x22]? (?:was |is |could |can)?(?:not|n't|never) (?:be )?(?:found|located|available) (?:in|on) (?:the |your )?[$%]?PATH",
    r"(?i:could not|cannot|can't|unable to|failed to) (?:find|locate) ['‘`\x22]?[\w.+/\\-]+['’`\x22]? (?:in|on) (?:the |your )?[$%]?PATH",
    r"which: no [\w.+-]+ in \(",
    // clang-sys (bindgen's) without a libclang.
    r"Unable to find libclang: ",
    // A wrapper script (musl-gcc, a ccache or toolchain shim) whose `exec`
    // of the real compiler failed: `musl-gcc: 15: exec: gcc: not found`.
    concat!(
        r"[\w./+-]+[:：] (?:line )?\d+[:：] exec[:：] [\w.+/-]+[:：] (?:",
        words::command_not_found!(),
        "|",
        words::no_such_file!(),
        ")"
    ),
    r"\bspawn [\w.+/\\-]+ ENOENT",
    r"FileNotFoundError: \[(?:Errno|WinError) 2\] [^'\x22]*: ['\x22][^'\x22]+['\x22]",
    // gcc-rs 0.3 and cc-rs 1.0.0-1.0.2x: `failed to execute command: <the
    // OS's ENOENT text> (os error 2)` (then `is `gcc` not installed?`), the
    // compiler named by the `running: "gcc.exe" …` line before it.
    concat!(
        r"failed to execute command: (?:",
        words::no_such_file!(),
        r")\.? \(os error 2\)"
    ),
    // GNU make for Windows: `process_begin: CreateProcess(NULL, gcc -c …,
    // ...) failed.` then `make (e=2): The system cannot find the file
    // specified.` (in Windows' language).
    r"process_begin: CreateProcess\(",
    // ccache (3.x and 4.x) as the compiler wrapper: `ccache: error: Could
    // not find compiler "arm-linux-gnueabihf-gcc" in PATH`.
    r#"[Cc]ould not find compiler ['"‘`]?[^'"’`\s]+['"’`]? in PATH"#,
    // An excerpt cut in cc-rs's env lines, before its error.
    r"^(?:TARGET_)?CC(?:_[\w-]+)? = None$",
];

/// Diagnostic: cc_tool_not_found
///
/// **What it means.** A build script (through the `cc` crate, `cmake`, or a
/// shell) tried to run a C compiler, archiver or build tool for the target and
/// the program does not exist: cc-rs's `failed to find tool
/// "aarch64-linux-gnu-gcc"` (older: `Failed to find tool. Is ... installed?`,
/// `is ... not installed?`), or a shell's `musl-gcc: not found`. The
/// shell's, make's and the OS's words are recognised in every language
/// bash and glibc are translated to, and so are cmd.exe's and PowerShell's
/// in the common ones; also Go's `executable file not found in $PATH`,
/// Python's `unable to execute 'gcc'`, meson's `Unknown compiler(s)` and
/// CMake's `Could not find compiler set in environment variable CC`, a
/// script's `… not found in PATH`, `which: no … in (`, Node's `spawn …
/// ENOENT`, Python's `FileNotFoundError: [Errno 2]` and a wrapper script's
/// failed `exec` (`musl-gcc: 15: exec: gcc: not found`); bindgen's
/// clang-sys `Unable to find libclang` counts too, and so do gcc-rs's
/// `failed to execute command: … (os error 2)` in the OS's language, GNU
/// make for Windows' `process_begin: CreateProcess(NULL, gcc …) failed`
/// with `(e=2)`, and ccache's `Could not find compiler "x" in PATH`. A
/// bare `cc: No such file or directory` before a linker's exit is the
/// linker's (linker_not_found). A
/// missing program that is no C compiler or build tool (`git`, `cargo`) is
/// not this kind.
///
/// **Why it happens.** For a cross target cc-rs guesses a prefixed compiler
/// (`aarch64-linux-gnu-gcc`, `x86_64-linux-musl-gcc`) unless `CC_<triple>` says
/// otherwise, and that compiler is not installed; or `CC_<triple>`/`CC` points
/// at a path that does not exist.
///
/// **How to fix.** Install the cross compiler (`install_cc_tool`, e.g. Debian's
/// `gcc-aarch64-linux-gnu`), or point `CC_<triple>`/`AR_<triple>` at a compiler
/// this machine has, such as `clang --target=<triple>` with a sysroot
/// (`configure_cc`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let (env_lines, words): (Vec<usize>, Vec<usize>) = hits
        .iter()
        .copied()
        .partition(|&index| cx.content(index).ends_with(" = None"));
    let mut findings: Vec<Finding> = one_hit_per_key(cx, &words, |index| tool_at(cx, index))
        .into_iter()
        .filter(|(tool, index)| {
            let exec_format = (index.saturating_sub(1)..=*index)
                .any(|i| cx.content(i).contains("Exec format error"));
            !exec_format && !tool_exists_but_cannot_run(cx, tool)
        })
        .map(|(tool, index)| describe(cx, index, &tool))
        .collect();
    if findings.is_empty()
        && !env_lines.is_empty()
        && !another_rule_triggers(cx)
        && let Some(&index) = env_lines
            .iter()
            .find(|&&index| only_cc_env_lines(cx, index))
    {
        findings.push(describe(cx, index, "cc"));
    }
    findings
}

/// Whether any line of the log (cargo repeats a build script's warnings
/// before its block) is another rule's: then the env lines are not the cause.
/// Scanned once per log, not once per env line.
fn another_rule_triggers(cx: &Context<'_>) -> bool {
    super::other_rule_triggered(cx, Kind::CcToolNotFound)
}

/// cc-rs's env lines stand for its missing-compiler error only in a failed
/// build-script block that shows no other failure (an excerpt cut short).
fn only_cc_env_lines(cx: &Context<'_>, index: usize) -> bool {
    let Some(block) = cx.block(index) else {
        return false;
    };
    !block.lines.clone().any(|i| {
        let content = cx.content(i);
        regex!(r"(?i)\berror\b|panicked|^warning: ").is_match(content)
            && !content.starts_with("error: failed to run custom build command")
    })
}

/// The missing tool a hit names, looking around it where the tool is on
/// another line (CMake); `None` when the hit is not this rule's.
fn tool_at(cx: &Context<'_>, index: usize) -> Option<String> {
    let content = cx.content(index);
    if content.contains("openssl") && content.contains("pkg-config") {
        return None;
    }
    if content.contains("failed to execute command: ") {
        // Its `is `gcc` not installed?` line, else the `running:` line.
        let named = (index + 1..index + 3).find_map(|i| tool_named(cx.content(i)));
        return named
            .or_else(|| tool_of_running_line(cx, index))
            .or_else(|| Some("cc".to_owned()));
    }
    if content.contains("process_begin: CreateProcess(") {
        return make_create_process(cx, index);
    }
    if used_as_linker(cx, index) && !named_by_a_c_build_tool(content) {
        return None;
    }
    if content.contains("Could not find compiler set in environment variable") {
        // CMake names the compiler on a line of its own below.
        let named = (index + 1..index + 4)
            .map(|i| cx.content(i).trim().trim_end_matches('.'))
            .find(|line| !line.is_empty())
            .filter(|line| !line.contains(' '));
        if let Some(tool) = named {
            return Some(tool.to_owned());
        }
    }
    if let Some(tool) = tool_named(content) {
        return Some(tool);
    }
    if regex!(r"[Ff]ailed to find tool\. Is\s*$").is_match(content) {
        let next = cx.content(index + 1);
        return regex!(r#"^[`'‘"]([\w.+/\\-]+)[`'’"] installed"#)
            .captures(next)
            .map(|c| c[1].to_owned())
            .or_else(|| Some("cc".to_owned()));
    }
    if content.contains("pkg-config") {
        return Some("pkg-config".to_owned());
    }
    if content.contains("Unable to find libclang") {
        return Some("libclang".to_owned());
    }
    if content.contains("kind: NotFound") {
        // Only a program that was run: `Failed in bindgen command.: Os { … }`.
        let program = regex!(
            r#"(?i)(?:failed (?:in|to run|to execute|to spawn|to compile|to invoke)|could not (?:run|execute|spawn)|unable to (?:run|execute|spawn))\s+[`'"]?([\w.+/\\-]+)"#
        );
        let captures = program.captures(content)?;
        let word = &captures[1];
        return Some(match word {
            "bindgen" | "cmake" | "make" | "nasm" | "protoc" | "clang" | "gcc" => word.to_owned(),
            _ => "the program the build script runs".to_owned(),
        });
    }
    if content.contains("is not a full path") {
        let start = index.saturating_sub(4);
        return (start..index)
            .rev()
            .map(|i| cx.content(i).trim())
            .find(|line| !line.is_empty() && !line.contains("CMAKE_"))
            .map(str::to_owned)
            .or_else(|| Some("the C compiler".to_owned()));
    }
    if content.contains("CMAKE_") || content.contains("acceptable C compiler") {
        return Some(if content.contains("CXX") { "c++" } else { "cc" }.to_owned());
    }
    None
}

/// The program of cc-rs's/gcc-rs's last `running: "gcc.exe" "-O0" …` line
/// before a hit (its base name is kept as printed, `.exe` and all).
fn tool_of_running_line(cx: &Context<'_>, index: usize) -> Option<String> {
    let start = index.saturating_sub(30);
    (start..index).rev().find_map(|i| {
        regex!(r#"^running:? "([^"]+)""#)
            .captures(cx.content(i).trim_start())
            .map(|c| c[1].replace("\\\\", "\\"))
    })
}

/// GNU make for Windows' `process_begin: CreateProcess(NULL, gcc -c x.c,
/// ...) failed.` with `make (e=2): …` (ERROR_FILE_NOT_FOUND) on the next
/// line: the program is the first argument (or the command's first word
/// when that is `NULL`), taken when it is a C build tool.
fn make_create_process(cx: &Context<'_>, index: usize) -> Option<String> {
    let captures =
        regex!(r"CreateProcess\((?:NULL|([^,]+)),\s*([^\s,]+)").captures(cx.content(index))?;
    let not_found = (index + 1..index + 3).any(|i| regex!(r"\(e=2\)").is_match(cx.content(i)));
    let program = captures.get(1).map_or(&captures[2], |m| m.as_str()).trim();
    let base = super::context::base_name(program);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    (not_found && is_c_build_tool(base)).then(|| program.to_owned())
}

/// cc-rs's and gcc-rs's own words for a missing compiler: a build script
/// that fails like this is cc_tool_not_found's whatever follows it (a
/// `--keep-going` build goes on to a failed link).
fn named_by_a_c_build_tool(content: &str) -> bool {
    regex!(r"error occurred in cc-rs|[Ff]ailed to find tool|failed to execute command: ")
        .is_match(content)
}

/// A bare `cc: No such file or directory` followed by a linker's exit (dmd's
/// `Error: linker exited with status`, ldc's and gdc's alike): the missing
/// `cc` is the linker driver, linker_not_found's.
fn used_as_linker(cx: &Context<'_>, index: usize) -> bool {
    (index + 1..index + 4).any(|i| {
        regex!(r"(?i)\blinker exited with|\blinking with [`'‘\x22][^`'’\x22]+[`'’\x22] failed|\blinker command failed")
            .is_match(cx.content(i))
    })
}

/// The missing tool a line names; `perl` belongs to `vendored_openssl_perl`,
/// `zig` to `zigbuild_error`. A tool named by a C build tool (cc-rs, gcc-rs,
/// cmake-rs, Kconfig) is taken as it is; one a shell, make, cmd.exe, Go or
/// Python could not find only when it is a C compiler or build tool, since
/// a missing `git` or `cargo` is not a cross-compilation failure.
fn tool_named(content: &str) -> Option<String> {
    let specific = regex!(
        r#"failed to find tool \\?["“'‘]([^"“”'‘’\\]+)\\?["”'’]|failed to execute \["([^"]+)"[^\]]*\]: |[Ff]ailed to find tool\. Is [`'‘"“]([^`'’"”]+)[`'’"”] installed|[Ii]s [`'‘"“]([^`'’"”]+)[`'’"”] not installed\?|^[`'‘"]([\w.+/\\-]+)[`'’"] installed\? \(see|compiler '([^']+)' not found|could not execute process `([^`\s]+)[^`]*` \(never executed\)|Could not find compiler set in environment variable (CC|CXX)|[Cc]ould not find compiler ['"‘`]?([^'"’`\s]+)['"’`]? in PATH"#
    );
    let generic = regex!(
        r#"([\w.+/\\-]+)['’`"]? (?:was |is |could |can)?(?:not|n't|never) (?:be )?(?:found|located|available) (?:in|on) (?:the |your )?[$%]?PATH|(?i:could not|cannot|can't|unable to|failed to) (?:find|locate) ['‘`"]?([\w.+/\\-]+)['’`"]? (?:in|on) (?:the |your )?[$%]?PATH|which: no ([\w.+-]+) in \(|[\w./+-]+[:：] (?:line )?\d+[:：] exec[:：] ([\w.+/-]+)[:：] |\bspawn ([\w.+/\\-]+) ENOENT|FileNotFoundError: \[(?:Errno|WinError) 2\] [^'"]*: ['"]([^'"]+)['"]|zsh: command not found: (\S+)|zsh: no such file or directory: (\S+)|['"“„«]([\w.+-]+)['"”“»] (?:is not|n'est pas|no se|não é|non è|wordt niet|nie jest|není|iç ya|不是|は、|은\(는\)|не является)|Der Befehl "([\w.+-]+)"|The term '([^']+)' is not recognized|Die Benennung "([^"]+)"|Le terme [«'"]\s*([^»'"\s]+)\s*[»'"]|fish: Unknown command:? ['‘`]?([\w.+/-]+)|exec: "([^"]+)": executable file not found|unable to execute ['‘`]([^'’`]+)['’`]: |error: command ['‘`"]([^'’`"]+)['’`"] failed: |ERROR: Unknown compilers?\(s\)?: \[\[['"]([^'"]+)['"]|(?:^|/)env: ['‘`"]?([\w.+/-]+)['’`"]?: |(?:(?:^|[/\s])(?:[\w.-]*\.sh|(?:ba|da|z|k|a)?sh)(?:[:：] [^:：\d]{0,10}\d+[^:：]{0,6})?(?:: \d+)?[:：] ?|^make(?:\[\d+\])?: |^|^cargo::?warning=)([\w.+/-]+)[:：] ?(?:"#,
        words::command_not_found!(),
        "|",
        words::no_such_file!(),
        r#")|([^\s`'’":]*(?:gcc|g\+\+|clang|clang\+\+|cc|c\+\+|cl)(?:-[\d.]+)?(?:\.exe)?)[`'’"]?: (?:"#,
        words::no_such_file!(),
        ")"
    );
    let first = |captures: regex::Captures<'_>| {
        captures
            .iter()
            .skip(1)
            .flatten()
            .next()
            .map(|m| m.as_str().to_owned())
    };
    let (tool, is_generic) = match specific.captures(content).and_then(first) {
        Some(tool) => (tool, false),
        None => (generic.captures(content).and_then(first)?, true),
    };
    let tool = match tool.as_str() {
        "CC" => "cc".to_owned(),
        "CXX" => "c++".to_owned(),
        cmake if cmake.starts_with("CMAKE_CXX_COMPILER") => "c++".to_owned(),
        cmake if cmake.starts_with("CMAKE_C_COMPILER") => "cc".to_owned(),
        _ => tool,
    };
    let base = super::context::base_name(&tool);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    // A C++ source named `x.cc` is an input file, not a compiler.
    let source = base.ends_with(".cc") || base.ends_with(".c");
    let excluded =
        base == "perl" || base == "zig" || tool.starts_with("./") || base.is_empty() || source;
    (!excluded && (!is_generic || is_c_build_tool(base))).then_some(tool)
}

/// Whether a program's name (no directory, no `.exe`) is a C compiler,
/// binutils program or C build tool, target-prefixed or versioned.
fn is_c_build_tool(base: &str) -> bool {
    regex!(
        r"^(?:[\w.+]+-)*(?:[\w.+-]*gcc|[\w.+-]*g\+\+|cc|c\+\+|cpp|clang|clang\+\+|clang-cl|cl|icc|icx|icpx|emcc|em\+\+|tcc|ar|llvm-ar|ranlib|as|strip|objcopy|nm|windres|dlltool|lib|make|gmake|mingw32-make|nmake|cmake|ninja|meson|nasm|yasm|protoc|pkg-config|pkgconf|autoconf|autoreconf|automake|aclocal|libtool|libtoolize|m4|bison|flex|bindgen|swig|llvm-config|xcrun)(?:-[\d.]+)?$"
    )
    .is_match(base)
        || base.contains("gcc")
        || base.contains("clang")
}

fn describe(cx: &Context<'_>, index: usize, tool: &str) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::CcToolNotFound, "", start, index);
    finding = text_fact(finding, "tool", Some(tool));
    let for_target = cx.for_target(&finding);
    let who = finding
        .facts
        .get("crate")
        .and_then(|c| c.as_str())
        .map_or_else(
            || "a build script".to_owned(),
            |c| format!("{c}'s build script"),
        );
    finding.message = format!("{who} needs `{tool}`{for_target}, which is not installed");
    let package = debian_package_for_tool(tool, finding.target.as_deref());
    let install = match &package {
        Some(package) => format!("Install `{tool}` (Debian: {package})"),
        None => format!("Install `{tool}`"),
    };
    finding = text_fact(finding, "debian_package", package.as_deref());
    finding.with_fix(fix::INSTALL_CC_TOOL, install).with_fix(
        fix::CONFIGURE_CC,
        "Point CC_<triple> at a C compiler this machine has for the target (e.g. clang --target)",
    )
}

/// Debian's cross compiler package for a `<multiarch>-gcc` style tool.
fn debian_package_for_tool(tool: &str, target: Option<&str>) -> Option<String> {
    let base = tool.rsplit('/').next().unwrap_or(tool);
    if base == "musl-gcc" {
        return Some("musl-tools".to_owned());
    }
    let arch = target.and_then(debian_arch_for_triple)?;
    for (suffix, package) in [("-gcc", "gcc"), ("-g++", "g++"), ("-ar", "binutils")] {
        if base == format!("{}{suffix}", arch.multiarch) {
            return Some(format!("{package}-{}", arch.multiarch));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn cc_rs_tool_missing_in_block() {
        let log = "warning: ccx@0.1.0: Compiler family detection failed due to error: ToolNotFound: failed to find tool \"aarch64-linux-gnu-gcc\": No such file or directory (os error 2)
error: failed to run custom build command for `ccx v0.1.0 (/w/ccx)`

Caused by:
  process didn't exit successfully: `/w/target/debug/build/ccx-1/build-script-build` (exit status: 1)
  --- stdout
  TARGET = Some(aarch64-unknown-linux-gnu)
  cargo:rerun-if-env-changed=CC_aarch64-unknown-linux-gnu
  --- stderr
  error occurred in cc-rs: failed to find tool \"aarch64-linux-gnu-gcc\": No such file or directory (os error 2)
";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(fact(&finding, "crate"), Some("ccx"));
        assert_eq!(
            fact(&finding, "debian_package"),
            Some("gcc-aarch64-linux-gnu")
        );
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(finding.evidence.lines, Some([2, 10]));
        assert_eq!(fix_ids(&finding), ["install_cc_tool", "configure_cc"]);
    }

    #[test]
    fn shell_cannot_find_musl_gcc() {
        let log = "  sh: 1: musl-gcc: not found\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("musl-gcc"));
        assert_eq!(fact(&finding, "debian_package"), Some("musl-tools"));
    }

    #[test]
    fn gcc_crate_panic_of_2017() {
        let log = "thread '<unnamed>' panicked at 'failed to execute [\"musl-gcc\" \"-O3\" \"-c\" \"x.c\"]: No such file or directory (os error 2)', build.rs:655\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("musl-gcc"));
    }

    #[test]
    fn old_cc_rs_wording() {
        let log = "  failed to execute command: No such file or directory (os error 2)\n  is `arm-linux-gnueabihf-gcc` not installed?\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("arm-linux-gnueabihf-gcc"));
    }

    fn tool_of(log: &str) -> String {
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        fact(&finding, "tool").unwrap_or_default().to_owned()
    }

    #[test]
    fn gcc_rs_capital_is_and_a_localised_os_error() {
        let log = "failed to execute command: Datei oder Verzeichnis nicht gefunden (os error 2)\nIs `arm-linux-gnueabihf-gcc` not installed?\n";
        assert_eq!(tool_of(log), "arm-linux-gnueabihf-gcc");
    }

    #[test]
    fn debug_form_with_escaped_quotes() {
        let log = "  called `Result::unwrap()` on an `Err` value: Error { kind: ToolNotFound, message: \"failed to find tool \\\"aarch64-linux-gnu-gcc\\\": No such file or directory (os error 2)\" }\n";
        assert_eq!(tool_of(log), "aarch64-linux-gnu-gcc");
    }

    #[test]
    fn shells_in_other_languages() {
        for (log, tool) in [
            (
                "bash: x86_64-linux-musl-gcc: Befehl nicht gefunden\n",
                "x86_64-linux-musl-gcc",
            ),
            (
                "/bin/sh: arm-linux-gnueabihf-gcc: commande introuvable\n",
                "arm-linux-gnueabihf-gcc",
            ),
            (
                "bash: aarch64-linux-gnu-g++: 未找到命令\n",
                "aarch64-linux-gnu-g++",
            ),
            ("zsh: command not found: musl-gcc\n", "musl-gcc"),
            (
                "make: aarch64-linux-gnu-gcc: No such file or directory\n",
                "aarch64-linux-gnu-gcc",
            ),
        ] {
            assert_eq!(tool_of(log), tool, "{log}");
        }
    }

    #[test]
    fn windows_shells_cannot_find_the_compiler() {
        let log = "'x86_64-w64-mingw32-gcc' is not recognized as an internal or external command,\noperable program or batch file.\n";
        assert_eq!(tool_of(log), "x86_64-w64-mingw32-gcc");
        let log = "Der Befehl \"cl.exe\" ist entweder falsch geschrieben oder\nkonnte nicht gefunden werden.\n";
        assert_eq!(tool_of(log), "cl.exe");
    }

    #[test]
    fn a_compiler_path_that_does_not_exist() {
        let log = "`C:\\ndk\\toolchains\\llvm\\bin\\clang.exe: No such file or directory`\n";
        assert!(tool_of(log).ends_with("clang.exe"));
    }

    #[test]
    fn cmake_names_the_compiler_on_its_own_line() {
        let log = "CMake Error at CMakeLists.txt:3 (project):\n  The CMAKE_C_COMPILER:\n\n    arm-linux-gnueabihf-gcc\n\n  is not a full path and was not found in the PATH.\n";
        assert_eq!(tool_of(log), "arm-linux-gnueabihf-gcc");
    }

    #[test]
    fn a_build_script_unwrapping_a_missing_program() {
        let log = "  thread 'main' panicked at 'Failed in bindgen command.: Os { code: 2, kind: NotFound, message: \"Нет такого файла или каталога\" }', build.rs:33:10\n";
        assert_eq!(tool_of(log), "bindgen");
        let log = "  thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: \"Failed to run `\\\"pkg-config\\\" \\\"--libs\\\" \\\"--cflags\\\" \\\"alsa\\\"`: No such file or directory (os error 2)\"'\n";
        assert_eq!(tool_of(log), "pkg-config");
    }

    #[test]
    fn an_excerpt_cut_in_cc_rs_env_lines() {
        let log = "error: failed to run custom build command for `ccx v0.1.0`

Caused by:
  process didn't exit successfully: `C:\\w\\target\\release\\build\\ccx-1\\build-script-build` (exit code: 1)
  --- stdout
  TARGET = Some(\"aarch64-unknown-linux-gnu\")
  cargo:rerun-if-env-changed=CC_aarch64-unknown-linux-gnu
  CC_aarch64-unknown-linux-gnu = None
  TARGET_CC = None
";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        let with_cause = format!("{log}  --- stderr\n  fatal error: 'stdio.h' file not found\n");
        first_of_kind(&with_cause, Kind::MissingHeader);
    }

    #[test]
    fn zig_and_perl_are_other_rules_tools() {
        first_of_kind("bash: zig: command not found\n", Kind::ZigbuildError);
        let findings = super::super::testing::explain("sh: 1: perl: not found\n");
        assert!(findings.iter().all(|f| f.kind != Kind::CcToolNotFound));
    }

    #[test]
    fn a_compiler_error_is_not_a_missing_compiler() {
        let log = "aarch64-linux-gnu-gcc: error: unrecognized command-line option '-m64'\n";
        first_of_kind(log, Kind::WrongCcForTarget);
    }

    #[test]
    fn a_missing_source_file_is_not_a_missing_compiler() {
        let log = "g++: error: src/foo.cc: No such file or directory\n";
        let findings = super::super::testing::explain(log);
        assert!(
            findings.iter().all(|f| f.kind != Kind::CcToolNotFound),
            "{findings:#?}"
        );
    }

    #[test]
    fn wrapped_old_kernel_and_cargo_wordings() {
        for (log, tool) in [
            (
                "  Internal error occurred: Failed to find tool. Is\n  `gcc.exe` installed? (see https://github.com/alexcrichton/cc-rs#compile-time-requirements for help)\n",
                "gcc.exe",
            ),
            (
                "  `arm-none-eabi-ar` installed? (see https://github.com/rust-lang/cc-rs#compile-time-requirements for help)\n",
                "arm-none-eabi-ar",
            ),
            (
                "scripts/Kconfig.include:39: compiler 'riscv64-linux-gnu-gcc' not found\n",
                "riscv64-linux-gnu-gcc",
            ),
            (
                "  could not execute process `cmake /w/libgit2 -DBUILD_SHARED_LIBS=OFF` (never executed)\n",
                "cmake",
            ),
            ("./setup.sh: 行 12: make: 未找到命令\n", "make"),
            (
                "./build.sh: Zeile 3: aarch64-linux-gnu-gcc: Befehl nicht gefunden\n",
                "aarch64-linux-gnu-gcc",
            ),
            (
                "  failed to run `\"pkg-config\" \"--libs\" \"--cflags\" \"dbus-1\"`: No such file or directory (os error 2)\n",
                "pkg-config",
            ),
        ] {
            assert_eq!(tool_of(log), tool, "{log}");
        }
        // A build script that cannot run is not a missing tool.
        let log = "  could not execute process `/w/target/debug/build/x-1/build-script-build` (never executed)\n";
        let findings = super::super::testing::explain(log);
        assert!(
            findings.iter().all(|f| f.kind != Kind::CcToolNotFound),
            "{findings:#?}"
        );
    }

    #[test]
    fn shells_and_make_in_more_languages() {
        for (log, tool) in [
            (
                "bash: aarch64-linux-gnu-gcc: kommandot finns inte\n",
                "aarch64-linux-gnu-gcc",
            ),
            (
                "./build.sh: rad 4: arm-linux-gnueabihf-gcc: kommandot finns inte\n",
                "arm-linux-gnueabihf-gcc",
            ),
            ("./build.sh: 第 3 行：musl-gcc: 未找到命令\n", "musl-gcc"),
            (
                "bash: x86_64-linux-musl-gcc: opdracht niet gevonden\n",
                "x86_64-linux-musl-gcc",
            ),
            (
                "bash: aarch64-linux-gnu-g++: команду не знайдено\n",
                "aarch64-linux-gnu-g++",
            ),
            (
                "make: aarch64-linux-gnu-gcc: Filen eller katalogen finns inte\n",
                "aarch64-linux-gnu-gcc",
            ),
            (
                "make[2]: x86_64-w64-mingw32-windres: Nie ma takiego pliku ani katalogu\n",
                "x86_64-w64-mingw32-windres",
            ),
            ("fish: Unknown command: musl-gcc\n", "musl-gcc"),
            (
                "/usr/bin/env: ‘x86_64-linux-musl-gcc’: No such file or directory\n",
                "x86_64-linux-musl-gcc",
            ),
        ] {
            assert_eq!(tool_of(log), tool, "{log}");
        }
    }

    #[test]
    fn other_build_systems_that_cannot_find_the_compiler() {
        for (log, tool) in [
            (
                "cgo: C compiler \"aarch64-linux-gnu-gcc\" not found: exec: \"aarch64-linux-gnu-gcc\": executable file not found in $PATH\n",
                "aarch64-linux-gnu-gcc",
            ),
            (
                "unable to execute 'x86_64-linux-gnu-gcc': No such file or directory\n",
                "x86_64-linux-gnu-gcc",
            ),
            (
                "error: command 'aarch64-linux-gnu-gcc' failed: No such file or directory\n",
                "aarch64-linux-gnu-gcc",
            ),
            (
                "meson.build:1:0: ERROR: Unknown compiler(s): [['aarch64-linux-gnu-gcc'], ['aarch64-linux-gnu-cc']]\n",
                "aarch64-linux-gnu-gcc",
            ),
            (
                "CMake Error at CMakeLists.txt:2 (project):\n  Could not find compiler set in environment variable CC:\n\n  x86_64-linux-musl-gcc.\n",
                "x86_64-linux-musl-gcc",
            ),
            (
                "CMake Error: CMAKE_C_COMPILER not set, after EnableLanguage\n",
                "cc",
            ),
            (
                "/bin/sh: 1: CMAKE_CXX_COMPILER-NOTFOUND: not found\n",
                "c++",
            ),
            (
                "'arm-none-eabi-gcc' non è riconosciuto come comando interno o esterno,\n",
                "arm-none-eabi-gcc",
            ),
            (
                "Die Benennung \"clang\" wurde nicht als Name eines Cmdlet, einer Funktion, einer Skriptdatei oder eines ausführbaren Programms erkannt.\n",
                "clang",
            ),
        ] {
            assert_eq!(tool_of(log), tool, "{log}");
        }
    }

    #[test]
    fn a_missing_program_that_is_no_c_tool_is_not_this_rule() {
        for log in [
            "bash: cargo: command not found\n",
            "sh: 1: git: not found\n",
            "'python' is not recognized as an internal or external command,\n",
            "/usr/bin/env: ‘node’: No such file or directory\n",
            "exec: \"docker\": executable file not found in $PATH\n",
        ] {
            let findings = super::super::testing::explain(log);
            assert!(
                findings.iter().all(|f| f.kind != Kind::CcToolNotFound),
                "{log}: {findings:#?}"
            );
            assert!(!findings.is_empty(), "{log}: still a failure");
        }
    }

    #[test]
    fn a_program_not_on_path_in_scripts_which_node_and_python() {
        for (log, tool) in [
            (
                "error: mips64-unknown-linux-gnuabi64-gcc not found in PATH\nmake: *** [all] Error 1\n",
                "mips64-unknown-linux-gnuabi64-gcc",
            ),
            (
                "ERROR: 'aarch64-linux-gnu-gcc' was not found in your PATH\n",
                "aarch64-linux-gnu-gcc",
            ),
            (
                "Error: Could not find arm-none-eabi-gcc in PATH.\n",
                "arm-none-eabi-gcc",
            ),
            (
                "which: no x86_64-w64-mingw32-gcc in (/usr/local/sbin:/usr/local/bin:/usr/bin)\n",
                "x86_64-w64-mingw32-gcc",
            ),
            (
                "Error: spawn arm-linux-gnueabihf-g++ ENOENT\n",
                "arm-linux-gnueabihf-g++",
            ),
            (
                "FileNotFoundError: [Errno 2] No such file or directory: 'riscv64-linux-gnu-gcc'\n",
                "riscv64-linux-gnu-gcc",
            ),
            (
                "FileNotFoundError: [WinError 2] Das System kann die angegebene Datei nicht finden: 'cl.exe'\n",
                "cl.exe",
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolNotFound);
            assert_eq!(fact(&finding, "tool"), Some(tool), "{log}");
        }
        // A program that is no C build tool is not this kind.
        for log in [
            "error: docker not found in PATH\n",
            "which: no git in (/usr/bin)\n",
            "Error: spawn node ENOENT\n",
        ] {
            let findings = super::super::testing::explain(log);
            assert!(
                findings.iter().all(|f| f.kind != Kind::CcToolNotFound),
                "{log}: {findings:#?}"
            );
        }
    }

    #[test]
    fn a_double_quoted_compiler_that_does_not_exist() {
        let log = "  error: \"/opt/cross/bin/armv7-unknown-linux-gnueabihf-gcc\": No such file or directory (os error 2)\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(
            fact(&finding, "tool"),
            Some("/opt/cross/bin/armv7-unknown-linux-gnueabihf-gcc")
        );
    }

    #[test]
    fn a_wrapper_script_whose_exec_of_the_compiler_failed() {
        for (log, tool) in [
            (
                "/usr/local/musl/bin/musl-gcc: 15: exec: gcc: not found\n",
                "gcc",
            ),
            (
                "/opt/tc/bin/arm-linux-musleabihf-cc: line 3: exec: arm-linux-musleabihf-gcc-real: not found\n",
                "arm-linux-musleabihf-gcc-real",
            ),
        ] {
            let finding = first_of_kind(log, Kind::CcToolNotFound);
            assert_eq!(fact(&finding, "tool"), Some(tool), "{log}");
        }
    }

    #[test]
    fn bindgen_without_libclang() {
        let log = "  thread 'main' panicked at 'Unable to find libclang: \"couldn't find any valid shared libraries matching: ['libclang.so', 'libclang-*.so'], set the `LIBCLANG_PATH` environment variable to a path where one of these files can be found (invalid: [])\"'\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("libclang"));
    }

    #[test]
    fn a_missing_compiler_just_before_a_failed_link_is_still_the_build_scripts() {
        // `cargo build --keep-going`: the last build script's cc-rs error,
        // then another crate's link failure right after it.
        let log = "  --- stderr\n  error occurred in cc-rs: failed to find tool \"arm-linux-gnueabihf-gcc\": No such file or directory (os error 2)\nerror: linking with `cc` failed: exit status: 1\n";
        let finding = super::super::testing::first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(
            super::super::testing::fact(&finding, "tool"),
            Some("arm-linux-gnueabihf-gcc")
        );
    }

    #[test]
    fn gcc_rs_failed_to_execute_in_the_os_language() {
        // gcc-rs 0.3.x: `running: "gcc.exe" …`, a blank line, then
        // `failed to execute command: <ENOENT text> (os error 2)`, here
        // Windows' German and glibc's French, the `is … not installed?`
        // line that follows cut off.
        for (log, tool) in [
            (
                "running: \"gcc.exe\" \"-O0\" \"-m64\" \"-o\" \"C:\\\\w\\\\out\\\\miniz.o\" \"-c\" \"miniz.c\"\n\nfailed to execute command: Das System kann die angegebene Datei nicht finden. (os error 2)\n",
                "gcc.exe",
            ),
            (
                "running: \"arm-linux-gnueabihf-gcc\" \"-O2\" \"-c\" \"x.c\"\nfailed to execute command: Aucun fichier ou dossier de ce type (os error 2)\n",
                "arm-linux-gnueabihf-gcc",
            ),
        ] {
            let finding = super::super::testing::first_of_kind(log, Kind::CcToolNotFound);
            assert_eq!(
                super::super::testing::fact(&finding, "tool"),
                Some(tool),
                "{log}"
            );
        }
    }

    #[test]
    fn gnu_make_for_windows_create_process_failed() {
        // GNU make 3.81-4.4 for Windows: `process_begin: CreateProcess(NULL,
        // <command>, ...) failed.` then `make (e=2): <Windows' text>`.
        for (log, tool) in [
            (
                "process_begin: CreateProcess(NULL, gcc -std=gnu99 -c main.c -o main.o, ...) failed.\nmake (e=2): The system cannot find the file specified.\n",
                "gcc",
            ),
            (
                "process_begin: CreateProcess(NULL, x86_64-w64-mingw32-gcc.exe -c a.c, ...) failed.\nmingw32-make (e=2): Das System kann die angegebene Datei nicht finden.\n",
                "x86_64-w64-mingw32-gcc.exe",
            ),
        ] {
            let finding = super::super::testing::first_of_kind(log, Kind::CcToolNotFound);
            assert_eq!(
                super::super::testing::fact(&finding, "tool"),
                Some(tool),
                "{log}"
            );
        }
        // A missing `git` that make could not start is not a C build tool.
        let log = "process_begin: CreateProcess(NULL, git describe --tags, ...) failed.\nmake (e=2): The system cannot find the file specified.\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::CcToolNotFound)
        );
    }

    #[test]
    fn a_missing_cc_that_a_linker_step_ran_is_not_a_build_script_compiler() {
        // dmd (and ldc, gdc) link through `cc`: its absence is printed as
        // `cc: No such file or directory` then `Error: linker exited with
        // status 255`.
        let log = "dmd -ofapp src/main.d\ncc: No such file or directory\nError: linker exited with status 255\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::CcToolNotFound)
        );
    }

    #[test]
    fn ccache_could_not_find_the_compiler() {
        // ccache 3.x/4.x wrapping a cross compiler that is not installed.
        let log = "  cargo:warning=ccache: error: Could not find compiler \"arm-linux-gnueabihf-gcc\" in PATH\n";
        let finding = super::super::testing::first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(
            super::super::testing::fact(&finding, "tool"),
            Some("arm-linux-gnueabihf-gcc")
        );
    }

    #[test]
    fn cc_rs_failed_to_find_tool_in_other_quotes() {
        // cc-rs 1.1/1.2's `failed to find tool "x"` with its quotes turned
        // curly or single by the log's rendering.
        for log in [
            "  error occurred in cc-rs: failed to find tool “aarch64-linux-gnu-gcc”: No such file or directory (os error 2)\n",
            "  error occurred in cc-rs: failed to find tool 'aarch64-linux-gnu-gcc': No such file or directory (os error 2)\n",
            // cc-rs 1.0.x's backticks, rendered as curly double quotes.
            "  error occurred: Failed to find tool. Is “aarch64-linux-gnu-gcc” installed?\n",
        ] {
            let finding = super::super::testing::first_of_kind(log, Kind::CcToolNotFound);
            assert_eq!(
                super::super::testing::fact(&finding, "tool"),
                Some("aarch64-linux-gnu-gcc"),
                "{log}"
            );
        }
    }

    #[test]
    fn a_bare_not_found_as_a_build_script_warning() {
        // A shell's `<program>: not found` relayed by cc-rs as a
        // `cargo:warning=` line, the shell's own prefix cut.
        let log = "  cargo:warning=aarch64-linux-gnu-gcc: not found\n";
        let finding = super::super::testing::first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(
            super::super::testing::fact(&finding, "tool"),
            Some("aarch64-linux-gnu-gcc")
        );
    }
}
