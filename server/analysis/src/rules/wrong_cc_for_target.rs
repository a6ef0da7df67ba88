//! Detects `wrong_cc_for_target`: a C compiler for one architecture was
//! given another architecture's flags.

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str = "a C compiler for one architecture was given flags for another";

pub(super) const TRIGGERS: &[&str] = &[
    r"unrecogni[sz]ed (?:command[- ]line )?option\s+['‘`\x22]?-m",
    r"unrecogni[sz]ed argument in option ['‘`]?-m",
    r"does not support ['‘`]-m(?:arch|cpu|fpu|float-abi)=",
    // gcc's "unrecognized command-line option" in its translations.
    r"(?:nicht erkannte Kommandozeilenoption|option de la ligne de commande|no se reconoce la opción|нераспознанный параметр командной строки|无法识别的命令行选项|認識できないコマンドラインオプション|opção de linha de comando não reconhecida|opzione della riga di comando non riconosciuta)\s*[»«“”‘'\x22]\s*-m",
    r"unsupported option '-m[^']*' for target",
    r"unknown target CPU '",
    r"bad value [(‘'`][^)]*[)’'] for '?-m(?:arch|cpu|tune)=",
    r"error: unknown argument: '-m",
    r"unsupported argument '[^']+' to option '-m",
];

/// Diagnostic: wrong_cc_for_target
///
/// **What it means.** A build script compiled C code with a compiler for one
/// architecture while passing flags meant for another: `aarch64-linux-gnu-gcc:
/// error: unrecognized command-line option '-m64'`, `'-mfpu=vfpv3-d16'`, or
/// clang's `unsupported option '-mfloat-abi=hard' for target 'x86_64-…'`.
///
/// **Why it happens.** cc-rs derives flags from the Rust target (`-m64` for
/// x86_64, `-march=armv7-a -mfpu=…` for armv7) but the compiler comes from an
/// unsuffixed `CC`/`TARGET_CC`, or from a `CC_<triple>` set for another
/// triple, so the host build (or another target) gets the cross compiler, or
/// the other way round.
///
/// **How to fix.** Set the compiler per target with `CC_<triple>` (and leave
/// plain `CC` unset) so each target gets its own (`configure_cc`); install
/// the right cross compiler if it is missing (`install_cc_tool`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let groups = one_hit_per_key(cx, hits, |index| {
        Some(compiler_and_option(cx.content(index)).0)
    });
    groups
        .into_iter()
        .map(|(_, index)| describe(cx, index))
        .collect()
}

/// The compiler (from the `gcc: error:` prefix) and the rejected option.
fn compiler_and_option(content: &str) -> (Option<String>, Option<String>) {
    let compiler = regex!(
        r"(?:^|[\s=])([\w./+-]*(?:gcc|g\+\+|cc|clang(?:\+\+)?|c\+\+)(?:-\d+)?)(?:\.exe)?: (?:fatal )?(?:error|Fehler|erreur|ошибка|错误|エラー|erro|errore)"
    )
    .captures(content)
    .map(|c| c[1].rsplit('/').next().unwrap_or(&c[1]).to_owned());
    let option = regex!(r"option\s+['‘`\x22]?(-m[^'’`\x22\s]*)|(?:Kommandozeilenoption|ligne de commande|la opción|командной строки|命令行选项|コマンドラインオプション|não reconhecida|non riconosciuta)\s*[»«“”‘'\x22]\s*(-m[^'’»«“”\x22\s]*)|support ['‘`](-m[^'’`]*)|option '(-m[^']*)'|(?:CPU|argument:?) '([^']+)'|for '?(-m(?:arch|cpu|tune)=)")
        .captures(content)
        .and_then(|c| c.iter().skip(1).flatten().next().map(|m| m.as_str().to_owned()));
    (compiler, option)
}

fn describe(cx: &Context<'_>, index: usize) -> Finding {
    let (compiler, option) = compiler_and_option(cx.content(index));
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::WrongCcForTarget, "", start, index);
    finding = text_fact(finding, "tool", compiler.as_deref());
    finding = text_fact(finding, "option", option.as_deref());
    let who = compiler.map_or_else(|| "the C compiler".to_owned(), |c| format!("`{c}`"));
    let what = option.map_or_else(|| "flags".to_owned(), |o| format!("`{o}`"));
    let for_target = cx.for_target(&finding);
    finding.message = format!("{who} rejected {what}: it is not a C compiler{for_target}");
    finding
        .with_fix(
            fix::CONFIGURE_CC,
            "Set the C compiler per target with CC_<triple> instead of CC",
        )
        .with_fix(fix::INSTALL_CC_TOOL, "Install a C compiler for the target")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn aarch64_gcc_given_x86_flags() {
        let log = "warning: ccx@0.1.0: aarch64-linux-gnu-gcc: error: unrecognized command-line option '-m64'\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "tool"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(fact(&finding, "option"), Some("-m64"));
        assert_eq!(fix_ids(&finding), ["configure_cc", "install_cc_tool"]);
    }

    #[test]
    fn old_gcc_unicode_quotes() {
        let log = "  cargo:warning=gcc: error: unrecognized command line option ‘-mfpu=neon’\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "option"), Some("-mfpu=neon"));
        assert_eq!(fact(&finding, "tool"), Some("gcc"));
    }

    #[test]
    fn clang_unsupported_option_for_target() {
        let log = "  clang: error: unsupported option '-mfloat-abi=hard' for target 'x86_64-unknown-linux-gnu'\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "option"), Some("-mfloat-abi=hard"));
    }

    #[test]
    fn gcc_in_other_languages() {
        for (log, option) in [
            (
                "aarch64-linux-gnu-gcc: Fehler: nicht erkannte Kommandozeilenoption »-m64«\n",
                "-m64",
            ),
            (
                "aarch64-linux-gnu-gcc: erreur: option de la ligne de commande « -m64 » non reconnue\n",
                "-m64",
            ),
            (
                "aarch64-linux-gnu-gcc: 错误：无法识别的命令行选项‘-mfpu=neon’\n",
                "-mfpu=neon",
            ),
            (
                "aarch64-linux-gnu-gcc: ошибка: нераспознанный параметр командной строки «-m64»\n",
                "-m64",
            ),
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
            assert_eq!(
                fact(&finding, "tool"),
                Some("aarch64-linux-gnu-gcc"),
                "{log}"
            );
        }
    }

    #[test]
    fn older_and_clang_wordings() {
        let log = "gcc: error: unrecognized option '-m64'\n";
        assert_eq!(
            fact(&first_of_kind(log, Kind::WrongCcForTarget), "option"),
            Some("-m64")
        );
        let log = "clang: error: the clang compiler does not support '-march=armv7-a'\n";
        first_of_kind(log, Kind::WrongCcForTarget);
    }
}
