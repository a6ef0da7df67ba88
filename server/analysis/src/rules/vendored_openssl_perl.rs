//! Detects `vendored_openssl_perl`: building OpenSSL from source
//! (openssl-src, the `vendored` feature) failed in its perl `Configure` step.

use super::context::text_fact;
use super::{Context, fix, regex, words};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str = "building vendored OpenSSL failed in its perl Configure step";

pub(super) const TRIGGERS: &[&str] = &[
    r"Error configuring OpenSSL build",
    r"configuring OpenSSL build: 'perl' reported failure",
    r"Can't locate \S+\.pm in @INC",
    r"This perl implementation doesn't produce (?:Unix|Windows) like paths",
    r"Failure!  makefile wasn't produced",
    r#"failed to execute command: .*"perl""#,
    r"is `perl` not installed\?",
    r#"failed to find tool "perl""#,
    r"(?:^|/)(?:ba)?sh(?:: \d+)?: perl: (?:command )?not found",
    // openssl-src's newest wording, other shells and locales.
    r"Command '[^']*perl(?:\.exe)?' not found\. Is \S*perl(?:\.exe)? installed\?",
    // openssl-src's run_command for the Configure step, whatever the perl
    // (`$PERL`, `OPENSSL_SRC_PERL`) and however it failed to start.
    r"configuring OpenSSL build: (?:'[^']*' reported failure|Could not run '[^']*'|Command '[^']*' not found)",
    concat!(
        r#"(?:^|[\s/:])['"‘]?perl(?:\.exe)?['"’]?[:：] ?(?:"#,
        words::command_not_found!(),
        "|",
        words::no_such_file!(),
        ")"
    ),
    r#"['"“„«]?perl(?:\.exe)?['"”“»]? (?:is not recognized|n'est pas reconnu|no se reconoce|não é reconhecido|non è riconosciuto|wordt niet herkend|nie jest rozpoznawany|není názvem|不是内部或外部命令|は、内部コマンドまたは外部コマンド|은\(는\) 내부 또는 외부 명령|не является внутренней или внешней)"#,
    // German cmd.exe: `Der Befehl "perl" ist entweder falsch geschrieben oder`.
    r#"Der Befehl ["“„]?perl(?:\.exe)?["”“]? ist entweder falsch geschrieben"#,
    // PowerShell in German (`Die Benennung "perl" wurde nicht als Name eines
    // Cmdlet … erkannt`), and fish's `Unknown command`.
    r#"Die Benennung ["“„]?perl(?:\.exe)?["”“]? wurde nicht als Name"#,
    r"fish: Unknown command:? ['‘`]?perl(?:\.exe)?\b",
    // openssl-src 111.x unwrapping the spawn of a missing perl: Windows'
    // `Error { kind: NotFound, message: "program not found" }` and Unix'
    // `Os { code: 2, kind: NotFound, … }`, the panic location in
    // openssl-src's lib.rs on the same line (Rust < 1.73) or before it.
    r"kind: NotFound",
    r"zsh: command not found: perl\b",
    r"BEGIN failed--compilation aborted at \S*Configure line \d+",
    // The same, wrapped or worded by other perls and openssl-src versions:
    // the module name alone, perl's `(you may need to install …)`, a module
    // or perl too old, and the failed `perl ./Configure` command itself.
    r"Can't locate [\w/]+\.pm(?-u:\b)",
    r"you may need to install the [\w:]+ module",
    r"Compilation failed in require at \S*(?:Configure|config) line \d+",
    r"\S+ version [\d.]+ required--this is only version [\d.]+",
    // perl's `use VERSION` failure: `Perl v5.10.0 required--this is only
    // v5.8.8, stopped at Configure line 12.` (perl 5.8 and older print a
    // lower-case `perl`), OpenSSL's Configure needing a newer perl.
    r"(?i:perl) v?[\d.]+ required--this is only v?[\d.]+",
    r#"did not execute successfully.*"perl(?:\.exe)?" "[^"]*Configure"|"perl(?:\.exe)?" "[^"]*Configure".*(?:expected success, got|did not execute successfully)"#,
];

/// Diagnostic: vendored_openssl_perl
///
/// **What it means.** openssl-sys was asked to build OpenSSL from source (the
/// `vendored` feature, through openssl-src) and OpenSSL's `./Configure`, a perl
/// script, failed: `Can't locate IPC/Cmd.pm in @INC`, `Can't locate
/// FindBin.pm`, perl missing altogether, or a Windows perl that "doesn't
/// produce Unix like paths". openssl-src's own words for a perl it could
/// not start (`Command '…perl' not found`, `Could not run 'perl.exe'`, any
/// `$PERL`) and a shell's or `env`'s "not found" for perl in bash's and
/// glibc's languages count too, as do cmd.exe's "not recognized" for perl
/// in its common languages, a perl too old for Configure (`perl v5.10.0
/// required--this is only v5.8.8`) and openssl-src 111's unwrapped
/// `kind: NotFound` after its `running "perl" "./Configure"` line.
///
/// **Why it happens.** OpenSSL's build needs a full perl with its core modules.
/// Minimal perls (Fedora/RHEL's `perl-base` split, slim containers, Git for
/// Windows' perl) lack `IPC::Cmd`, `FindBin` or `Time::Piece`.
///
/// **How to fix.** Install a complete perl (`install_perl`: Debian `perl`,
/// Fedora `perl-core` or `perl-IPC-Cmd perl-FindBin`, Strawberry Perl on Windows);
/// or skip building OpenSSL and link the target's system OpenSSL from a Debian
/// sysroot (`fetch_sysroot_and_wire`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut blocks_seen = Vec::new();
    let mut module: Option<String> = None;
    let mut chosen: Option<usize> = None;
    for &index in hits {
        if !is_openssl_build(cx, index) {
            continue;
        }
        let content = cx.content(index);
        if content.contains("kind: NotFound") && !perl_spawn_failed(cx, index) {
            continue;
        }
        if let Some(captures) = regex!(r"Can't locate ([\w/]+)\.pm\b|install the ([\w:]+) module|^(\S+) version [\d.]+ required--this is only").captures(content) {
            let name = captures.iter().skip(1).flatten().next().map_or("", |m| m.as_str());
            module.get_or_insert_with(|| name.replace('/', "::"));
        }
        match cx.block(index) {
            Some(block) if blocks_seen.contains(&block.lines.start) => {
                if content.contains("Can't locate") {
                    chosen = Some(index);
                }
            }
            Some(block) => {
                blocks_seen.push(block.lines.start);
                chosen = Some(index);
            }
            None => {
                chosen.get_or_insert(index);
            }
        }
    }
    if let Some(index) = chosen {
        findings.push(describe(cx, index, module.as_deref()));
    }
    findings
}

/// The failure belongs to an OpenSSL source build: openssl-sys's or
/// openssl-src's block, or an OpenSSL-specific wording.
fn is_openssl_build(cx: &Context<'_>, index: usize) -> bool {
    let content = cx.content(index);
    if content.contains("OpenSSL build") || content.contains(" like paths") {
        return true;
    }
    if let Some(block) = cx.block(index) {
        return block.crate_name == "openssl-sys" || block.crate_name == "openssl-src";
    }
    // openssl-src prints its `Command failed: cd … && "perl" "./Configure"`
    // after the error, so look a little past the hit too; perl's `stopped
    // at Configure line 12` names OpenSSL's (perl) Configure script.
    let start = index.saturating_sub(40);
    regex!(r"(?i:at \S*configure line \d+)").is_match(content)
        || (start..=index + 3).any(|i| {
            let content = cx.content(i);
            content.contains("openssl")
                || content.contains("OpenSSL")
                || content.contains("./Configure")
        })
}

/// A `kind: NotFound` panic is perl's when openssl-src's last `running`
/// command before it is perl's (`running "perl" "./Configure" …`), not
/// `make`'s or the C compiler's.
fn perl_spawn_failed(cx: &Context<'_>, index: usize) -> bool {
    let start = index.saturating_sub(30);
    (start..index)
        .rev()
        .map(|i| cx.content(i))
        .find(|line| regex!(r"^running:? ").is_match(line.trim_start()))
        .is_some_and(|line| {
            regex!(r#"^running:? (?:cd [^&]*&& )?(?:env [^"]*)?"?[^"\s]*perl(?:\.exe)?"? "#)
                .is_match(line.trim_start())
        })
}

fn describe(cx: &Context<'_>, index: usize, module: Option<&str>) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::VendoredOpensslPerl, "", start, index);
    finding = text_fact(finding, "tool", Some("perl"));
    finding = text_fact(finding, "perl_module", module);
    let too_old = regex!(r"required--this is only").is_match(cx.content(index));
    finding.message = match module {
        Some(module) if too_old => format!(
            "building OpenSSL from source needs a newer perl module {module} than the one installed"
        ),
        Some(module) => format!(
            "building OpenSSL from source needs the perl module {module}, which is not installed"
        ),
        None if too_old => {
            "building OpenSSL from source needs a newer perl than the one installed".to_owned()
        }
        None => "building OpenSSL from source failed in its perl Configure step".to_owned(),
    };
    finding
        .with_fix(
            fix::INSTALL_PERL,
            "Install a complete perl with its core modules",
        )
        .with_fix(
            fix::FETCH_SYSROOT_AND_WIRE,
            "Use the target's system OpenSSL from a Debian sysroot instead of building it",
        )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn missing_ipc_cmd() {
        let log = "error: failed to run custom build command for `openssl-sys v0.9.118`

Caused by:
  process didn't exit successfully: `/w/target/debug/build/openssl-sys-1/build-script-main` (exit status: 1)
  --- stdout
  cargo:warning=configuring OpenSSL build: 'perl' reported failure with exit status: 2
  --- stderr
  Can't locate IPC/Cmd.pm in @INC (you may need to install the IPC::Cmd module)
  BEGIN failed--compilation aborted at ./Configure line 23.
  Error configuring OpenSSL build:
      'perl' reported failure with exit status: 2
";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = first_of_kind(log, Kind::VendoredOpensslPerl);
        assert_eq!(fact(&finding, "perl_module"), Some("IPC::Cmd"));
        assert_eq!(fact(&finding, "crate"), Some("openssl-sys"));
        assert_eq!(finding.evidence.lines, Some([1, 8]));
        assert_eq!(
            fix_ids(&finding),
            ["install_perl", "fetch_sysroot_and_wire"]
        );
    }

    #[test]
    fn perl_modules_of_other_builds_are_not_openssl() {
        let log = "Can't locate FindBin.pm in @INC\n";
        assert!(super::super::testing::explain(log).is_empty());
    }

    #[test]
    fn perl_missing_in_the_newest_wording() {
        let log = "  Error configuring OpenSSL build:\n      Command 'perl' not found. Is perl installed?\n";
        first_of_kind(log, Kind::VendoredOpensslPerl);
    }

    #[test]
    fn perl_missing_for_windows_and_german_shells() {
        let log = "  running \"perl\" \"./Configure\" \"VC-WIN64A\"\n  'perl' is not recognized as an internal or external command,\n";
        first_of_kind(log, Kind::VendoredOpensslPerl);
        let log = "  running \"perl\" \"./Configure\" \"linux-aarch64\"\n  sh: perl: Befehl nicht gefunden\n";
        first_of_kind(log, Kind::VendoredOpensslPerl);
    }

    #[test]
    fn wrapped_too_old_and_bare_command_wordings() {
        use super::super::testing::{fact, first_of_kind};
        use crate::finding::Kind;
        for (log, module) in [
            (
                "$ ./Configure linux-x86_64\nCan't locate IPC/Cmd.pm in\n@INC (you may need to install the IPC::Cmd module) (@INC contains:\n",
                Some("IPC::Cmd"),
            ),
            (
                "perl ./Configure linux-armv4\nText::Template version 1.46 required--this is only version 1.44 at /w/openssl/util/perl/OpenSSL/Template.pm line 20.\n",
                Some("Text::Template"),
            ),
            (
                "  running: \"perl\" \"./Configure\" \"--prefix=/w/out/openssl-build/install\" \"BSD-x86_64\"\n  thread 'main' panicked at 'command did not execute successfully: \"perl\" \"./Configure\" \"--prefix=/w/out\" \"BSD-x86_64\"\n  expected success, got: exit status: 2'\n",
                None,
            ),
        ] {
            let finding = first_of_kind(log, Kind::VendoredOpensslPerl);
            assert_eq!(fact(&finding, "perl_module"), module, "{log}");
            if log.contains("required--this is only") {
                assert!(
                    finding.message.contains("newer perl module"),
                    "{finding:#?}"
                );
            }
        }
        // A cross compiler missing for a vendored build is not perl's.
        let log = "  running: \"perl\" \"./Configure\" \"--prefix=/w/out\" \"linux-aarch64\"\n  running: \"make\" \"depend\"\n  /bin/sh: 1: aarch64-linux-gnu-gcc: not found\n";
        first_of_kind(log, Kind::CcToolNotFound);
    }

    #[test]
    fn openssl_src_could_not_start_its_perl() {
        for log in [
            "  cargo:warning=configuring OpenSSL build: Command '/opt/perl/bin/perl' not found. Is /opt/perl/bin/perl installed?\n",
            "  cargo:warning=configuring OpenSSL build: Could not run 'perl.exe', because Zugriff verweigert (os error 5)\n",
            "  Error configuring OpenSSL build:\n      'C:\\Strawberry\\perl\\bin\\perl.exe' reported failure with exit code: 2\n",
            "  running: cd \"/w/openssl-build/src\" && \"perl\" \"./Configure\"\nbash: perl: 指令找不到\n",
            "error: failed to run custom build command for `openssl-sys v0.9.100`\n\nCaused by:\n  process didn't exit successfully: `/w/target/release/build/openssl-sys-1/build-script-main` (exit status: 101)\n  --- stderr\n  /usr/bin/env: 'perl': Datei oder Verzeichnis nicht gefunden\n",
        ] {
            let finding = first_of_kind(log, Kind::VendoredOpensslPerl);
            assert_eq!(fact(&finding, "tool"), Some("perl"), "{log}");
        }
    }

    #[test]
    fn perl_too_old_for_configure_in_either_case() {
        // perl >= 5.10 prints `Perl v…`, perl 5.8 and older `perl v…`;
        // OpenSSL 1.1's Configure starts with `use 5.10.0;`.
        for log in [
            "Perl v5.10.0 required--this is only v5.8.8, stopped at ./Configure line 12.\n",
            "perl v5.10.0 required--this is only v5.8.8, stopped at C:\\w\\openssl\\Configure line 12.\n",
            "> perl v5.10.0 required--this is only v5.8.4, stopped at configure line 12.\n",
        ] {
            let finding = first_of_kind(log, Kind::VendoredOpensslPerl);
            assert!(finding.message.contains("newer perl"), "{finding:#?}");
        }
        // Another perl script's version check is not OpenSSL's (it is still
        // a failure, so the fallback may quote it).
        let log = "Perl v5.36.0 required--this is only v5.30.0, stopped at tools/gen.pl line 3.\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|finding| finding.kind != Kind::VendoredOpensslPerl)
        );
    }

    #[test]
    fn perl_missing_for_cmd_exe_in_german_and_others() {
        // cmd.exe: German `Der Befehl "perl" ist entweder falsch geschrieben
        // oder` / `konnte nicht gefunden werden.`, Italian and Russian.
        for log in [
            "Configure OpenSSL for VC-WIN64A\nDer Befehl \"perl\" ist entweder falsch geschrieben oder\nkonnte nicht gefunden werden.\n",
            "  running \"perl\" \"./Configure\" \"VC-WIN64A\"\n  \"perl\" non è riconosciuto come comando interno o esterno,\n",
            "  running \"perl\" \"./Configure\" \"VC-WIN64A\"\n  \"perl\" не является внутренней или внешней\n",
            // PowerShell's German and French, fish 3.x.
            "  running \"perl\" \"./Configure\" \"VC-WIN64A\"\n  Die Benennung \"perl\" wurde nicht als Name eines Cmdlet erkannt.\n",
            "  running \"perl\" \"./Configure\" \"VC-WIN64A\"\n  Le terme «perl» n'est pas reconnu comme nom d'applet de commande\n",
            "  running \"perl\" \"./Configure\" \"linux-x86_64\"\n  fish: Unknown command: perl\n",
        ] {
            let finding = first_of_kind(log, Kind::VendoredOpensslPerl);
            assert_eq!(fact(&finding, "tool"), Some("perl"), "{log}");
        }
    }

    #[test]
    fn openssl_src_command_failed_after_its_error() {
        // openssl-src 300.x: the error, then `Command failed: cd … && "perl"
        // "./Configure" …` naming the build directory under openssl-sys.
        let log = "      Command 'perl' not found. Is perl installed?\n      Command failed: cd \"/w/target/release/build/openssl-sys-1/out/openssl-build/build/src\" && \"perl\" \"./Configure\" \"linux-x86_64\"\n";
        first_of_kind(log, Kind::VendoredOpensslPerl);
    }

    #[test]
    fn openssl_src_111_unwrapped_a_missing_perl() {
        // openssl-src 111.x `.unwrap()`s the spawn: Windows' io::Error
        // `program not found` with the old one-line panic (Rust < 1.73),
        // Unix' `Os { code: 2 … }` with the newer two-line panic.
        for log in [
            "  running \"perl\" \"./Configure\" \"--prefix=C:\\\\w\\\\out\\\\openssl-build\\\\install\" \"VC-WIN64A\"\n\n  --- stderr\n  thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Error { kind: NotFound, message: \"program not found\" }', C:\\Users\\u\\.cargo\\registry\\src\\mirror.invalid-1\\openssl-src-111.17.0+1.1.1m\\src\\lib.rs:477:39\n",
            "  running: \"perl\" \"./Configure\" \"linux-aarch64\"\n  --- stderr\n  thread 'main' panicked at /r/openssl-src-111.28.0+1.1.1w/src/lib.rs:499:39:\n  called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }\n",
        ] {
            let finding = first_of_kind(log, Kind::VendoredOpensslPerl);
            assert_eq!(fact(&finding, "tool"), Some("perl"), "{log}");
        }
        // The same panic after openssl-src ran `make` is not perl's.
        let log = "  running: \"perl\" \"./Configure\" \"linux-aarch64\"\n  running: \"make\" \"depend\"\n  thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }', /r/openssl-src-111.28.0+1.1.1w/src/lib.rs:520:39\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::VendoredOpensslPerl)
        );
    }
}
