//! Detects `cc_toolchain_broken`: the cross C compiler exists but cannot
//! run one of its own parts (cc1, as, collect2, a shared library of binutils).

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the cross C compiler is installed but broken: one of its own programs cannot run";

pub(super) const TRIGGERS: &[&str] = &[
    r"error trying to exec '[^']+'",
    r"cannot execute ['‘][^'’]+['’]",
    r"installation problem, cannot exec '[^']+'",
    r#"unable to execute command: Executable "[^"]+" doesn't exist"#,
    r"(?:^|/)(?:as|ld|ld\.bfd|ld\.gold|cc1|cc1plus|cc1obj|lto1|f951|lto-wrapper|collect2|[\w.-]+-(?:as|ld|gcc|g\+\+|cpp)(?:-[\d.]+)?|gcc(?:-[\d.]+)?|g\+\+(?:-[\d.]+)?|clang(?:\+\+)?(?:-[\d.]+)?)(?:\.exe)?: error while loading shared libraries: ",
    // gcc in any locale: the part in quotes, then execvp (CreateProcess on Windows).
    r"['‘’\x22«»“”]\s*(?:cc1(?:plus|obj)?|collect2|lto1|lto-wrapper|f951|as|ld|cpp)\s*['’\x22«»“”].*(?:execvp|CreateProcess)\s*[:：]",
    r"error: CreateProcess: No such file or directory",
];

/// Diagnostic: cc_toolchain_broken
///
/// **What it means.** The C compiler driver for the target runs, but a program
/// it needs does not: `error trying to exec 'cc1': execvp: No such file or
/// directory`, `cannot execute 'cc1plus'`, or the assembler/linker it calls
/// fails to load its own shared libraries (`as: error while loading shared
/// libraries: libopcodes-….so`).
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
    one_hit_per_key(cx, hits, |index| broken_part(cx.content(index)))
        .into_iter()
        .map(|((compiler, part), index)| describe(cx, index, compiler, &part))
        .collect()
}

/// (the program that failed, the part it could not run)
fn broken_part(content: &str) -> Option<(Option<String>, String)> {
    let exec = regex!(
        r#"(?:^|[\s='"`‘])([\w./+-]+?):\s*(?:fatal )?error(?: trying to exec ['‘]([^'’]+)['’]|: cannot execute ['‘]([^'’]+)['’])|installation problem, cannot exec '([^']+)'|Executable "([^"]+)" doesn't exist|cannot execute ['‘]([^'’]+)['’]"#
    );
    let localised = regex!(
        r"(?:^|[\s='\x22`‘])([\w./+-]+?)(?:\.exe)?\s*[:：].*['‘’\x22«»“”]\s*(cc1(?:plus|obj)?|collect2|lto1|lto-wrapper|f951|as|ld|cpp)\s*['’\x22«»“”].*(?:execvp|CreateProcess)\s*[:：]"
    );
    if let Some(captures) = localised.captures(content)
        && !exec.is_match(content)
    {
        return Some((
            Some(base_name(&captures[1]).to_owned()),
            captures[2].to_owned(),
        ));
    }
    if content.contains("error: CreateProcess: No such file") {
        let compiler = regex!(r"([\w./+-]+?)(?:\.exe)?: error: CreateProcess")
            .captures(content)
            .map(|c| base_name(&c[1]).to_owned());
        return Some((compiler, "cc1".to_owned()));
    }
    if let Some(captures) = exec.captures(content) {
        let compiler = captures.get(1).map(|m| base_name(m.as_str()).to_owned());
        let part = captures.iter().skip(2).flatten().next()?.as_str();
        return Some((compiler, base_name(part).to_owned()));
    }
    let loader = regex!(r"(\S+): error while loading shared libraries: ([^:\s]+)");
    let captures = loader.captures(content)?;
    Some((
        Some(base_name(&captures[1]).to_owned()),
        captures[2].to_owned(),
    ))
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn describe(cx: &Context<'_>, index: usize, compiler: Option<String>, part: &str) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::CcToolchainBroken, "", start, index);
    finding = text_fact(finding, "tool", compiler.as_deref());
    finding = text_fact(finding, "missing_part", Some(part));
    let for_target = cx.for_target(&finding);
    let who = compiler.map_or_else(|| "the C compiler".to_owned(), |c| format!("`{c}`"));
    finding.message = format!("{who}{for_target} is installed but broken: it cannot run `{part}`");
    finding
        .with_fix(
            fix::INSTALL_CC_TOOL,
            "Reinstall the complete cross toolchain",
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
}
