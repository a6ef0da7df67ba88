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
    // clang (7 and later): `unsupported option '-mfpu=' for target '…'`,
    // and Apple's `-arch` (cc-rs passes it for a `*-apple-*` target) given
    // to a Linux clang; any quotes.
    r"unsupported option ['‘`\x22](?:-m[^'’`\x22]*|-arch|--target=[^'’`\x22]*)['’`\x22] for target",
    r"unknown target CPU '",
    r"bad value [(‘'`][^)]*[)’'] for ['‘`\x22]?-m(?:arch|cpu|tune)=",
    r"error: unknown argument:? '-m",
    r"unsupported argument '[^']+' to option '-m",
    // gcc for another target given cross flags: `--target=` (cc-rs passes
    // it to what it takes for clang), Apple's `-arch`.
    r"unrecogni[sz]ed (?:command[- ]line )?option\s+['‘`\x22]?(?:--target=|-arch['’`\x22\s])",
    // AArch64 gcc: `unknown value 'armv7-a' for '-march'`; ARM gcc:
    // `unrecognized -march target: armv8-a`; gcc 4.x: `unknown arch`.
    r"unknown value ['‘`][^'’`]*['’`] for ['‘`]?-m(?:arch|cpu|tune|abi)",
    r"unrecogni[sz]ed -m(?:arch|cpu|tune|fpu) target",
    r"invalid feature modifier ['‘`]?[^'’`]*['’`]? in ['‘`]?-m(?:arch|cpu)=",
    // A compiler whose target cannot do the ABI or mode asked for.
    r"-m(?:32|64|x32)['’`]? (?:is )?not supported in this configuration|-m64['’`]? requires a PowerPC64 cpu|64-bit mode not compiled in|CPU you selected does not support x86-64 instruction set|target CPU does not support ARM mode|Thumb-1 [\w-]+ VFP ABI|-mfloat-abi=hard['’`]?: selected (?:processor|architecture) lacks an FPU",
    // clang without the target or given another's.
    r"invalid arch name ['‘`]-m|unknown target triple ['‘`]|unknown target ABI ['‘`]|invalid value ['‘`][^'’`]*['’`] in ['‘`]-m(?:arch|cpu|fpu|float-abi|abi)",
    // Any compiler error (in any locale) that quotes a target option.
    r"(?:gcc|g\+\+|cc|c\+\+|cc1|cc1plus|clang|clang\+\+)(?:-[\d.]+)?(?:\.exe)?:\s*(?:fatal |schwerwiegender |致命|致命的|критична |кобна |ödesdigert |vakava |fatalna |fatale |ölümcül |μοιραίο )?(?:error|Fehler|erreur|ошибка|错误|錯誤|エラー|errore|erro|błąd|hata|chyba|오류|fout|fel|fejl|greška|грешка|помилка|lỗi|virhe|galat|hiba|eroare|σφάλμα)(?: fatale| fatal)?\s*[:：].*[»«“”„‘'’‚\x22`(]\s*-m(?:arch|cpu|fpu|float-abi|abi|tune|thumb|arm|64|32|x32|sse\d*|avx\w*|cmodel|no-\w+)(?-u:\b)",
    // The assembler given another architecture's instructions (a `.S` file
    // of ring, OpenSSL or aws-lc assembled by the host `as`).
    r"(?:^|:\s?)Error: (?:no such instruction|unknown mnemonic|bad register name|unknown pseudo-op|bad instruction|unrecognized opcode|unknown architecture|invalid instruction suffix)[: ]",
    r"error: (?:invalid instruction mnemonic|unknown directive|unrecognized instruction mnemonic)(?-u:\b)",
    r"(?:gcc|cc|as|clang)(?:\.exe)?: (?:error|fatal error): unknown architecture",
    // A header that refuses the architecture it was compiled for.
    r"error(?: C1189)?: #error:?\s*\x22?(?:[Uu]nsupported|[Uu]nknown|[Uu]nrecogni[sz]ed|[Ii]nvalid) (?:CPU |target )?(?:arch(?:itecture)?|platform|target|CPU|processor)(?-u:\b)",
    r"error(?: C1189)?: #error:?\s*\x22?(?:[Tt]his |[Tt]he )?(?:target )?(?:CPU|[Aa]rch(?:itecture)?|[Pp]rocessor|[Tt]arget(?: architecture)?)(?: [\w-]+)? (?:is )?(?:not (?:yet )?supported|unsupported|not recogni[sz]ed|unknown)",
    // The assembler refusing the architecture or CPU it was told to build
    // for (GNU as for x86 given `-march=armv8-a`, for ARM given an x86 CPU),
    // and gcc or as for RISC-V given another architecture's `-march`.
    r"(?:Fatal error|Error): (?:invalid -m(?:arch|cpu|tune)= option|unknown cpu [`'‘]|unrecogni[sz]ed option -m)",
    r"-march=[^:\s]+: ISA string must begin with rv32 or rv64",
    r"sorry, unimplemented: -mfloat-abi=hard and VFP",
    // Another architecture's GNU as given x86's `--64`/`--32` by gcc, and
    // a clang built without the target's backend.
    r"(?:^|[\s/])(?:[\w.+]+-)*as(?:\.exe)?: unrecogni[sz]ed option [`'‘\x22]?--(?:32|64|x32)(?-u:\b)",
    r"error: unable to create target: ['\x22]?No available targets are compatible with (?:this )?triple",
    // gcc's "%i-bit mode not compiled in" (a 32-bit-only gcc given `-m64`,
    // e.g. a 32-bit MinGW for x86_64-pc-windows-gnu), "CPU you selected
    // does not support x86-64" and "-m32/-m64 not supported in this
    // configuration", in gcc's translations.
    r"\d+ bit-tilstand er ikke oversat med ind|\d+-Bit-Modus nicht einkompiliert|no está compilado el modo bit-\d+|mode \d+ bits pas compilé|\d+-bit mode tidak terkompile|\d+ ?ビットモードが使用できるようにコンパイルされていません|\d+-битный режим не компилируется|\d+-битни режим није укомпилован|\d+-bitsläge inte inkompilerat|\d+ bitlik kip bunun içinde derlenmiş değil|chế độ \d+-bit chưa được biên dịch|未编译入对 ?\d+ ?位模式的支持|未編譯入對 ?\d+ ?位模式的支援",
    r"valgte processor understøtter ikke x86-64|ausgewählte CPU unterstützt nicht den x86-64|CPU que seleccionó no admite el conjunto de instrucciones x86-64|processeur sélectionné ne supporte pas le jeu d'instructions x86-64|CPU yang anda pilih tidak mendukung set instruksi x86-64|CPU は x86-64 命令セットをサポートしていません|процессор не поддерживает набор команд x86-64|не подржава скуп инструкција икс86-64|CPU:n du valde stödjer inte instruktionsuppsättningen x86-64|işlemci\s+x86-64 komutlarını desteklemiyor|CPU bạn chọn không hỗ trợ chỉ lệnh x86-64|CPU 不支持 x86-64 指令集|CPU 不支援 x86-64 指令集",
    r"[»«“”„‘'’‚\x22`]-m(?:32|64|x32|16)[»«“”„‘'’‚\x22`] (?:wird in dieser Konfiguration nicht unterstützt|n'est pas supporté par cette configuration|stödjs inte i denna konfiguration|benötigt eine PowerPC64-CPU|requiert un processeur PowerPC64|kräver en PowerPC64-CPU)|no se admite [»«“”„‘'’‚\x22`]-m(?:32|64|x32|16)[»«“”„‘'’‚\x22`] en esta configuración",
];

/// Diagnostic: wrong_cc_for_target
///
/// **What it means.** A build script compiled C code with a compiler for one
/// architecture while passing flags meant for another: `aarch64-linux-gnu-gcc:
/// error: unrecognized command-line option '-m64'`, `'-mfpu=vfpv3-d16'`, or
/// clang's `unsupported option '-mfloat-abi=hard' for target 'x86_64-…'`.
/// gcc's wordings are recognised in any quotes and in its translations,
/// with the value it refused (`bad value ‘armv8-a’ for ‘-march=’`); so are
/// an assembler refusing the architecture (`invalid -march= option`, `no
/// such instruction`) and a header's `#error "Unsupported architecture"`
/// (MSVC's C1189 too). A 32-bit-only gcc given `-m64` (`64-bit mode not
/// compiled in`, `-m64 not supported in this configuration`) is recognised
/// in gcc's translations, and so are another architecture's `as` given
/// x86's `--64` and a clang without the target's backend (`No available
/// targets are compatible with triple`).
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
    // An x86 assembler that does not know an x86 instruction (AT&T syntax,
    // `%` registers) for an x86 target is too old, not for another target.
    let hits: Vec<usize> = hits
        .iter()
        .copied()
        .filter(|&index| {
            let too_old = assembler_rejected(cx.content(index)).is_some_and(|instruction| {
                instruction.contains('%')
                    && cx.target_at(index).is_some_and(|target| {
                        ["x86_64", "i686", "i586", "i386"]
                            .iter()
                            .any(|arch| target.starts_with(arch))
                    })
            });
            !too_old
        })
        .collect();
    let groups = one_hit_per_key(cx, &hits, |index| {
        let content = cx.content(index);
        // A linker rejecting `-m64` is a linker of the wrong kind
        // (wrong_linker_flavor), not a C compiler for another target.
        if said_by_a_linker(content) {
            return None;
        }
        let shape = if assembler_rejected(content).is_some() {
            1
        } else {
            u8::from(refused_header(content).is_some()) * 2
        };
        Some((shape, compiler_and_option(content).0))
    });
    groups
        .into_iter()
        .map(|(_, index)| describe(cx, index))
        .collect()
}

/// Whether a linker (`ld`, `ld.lld`, `ld64.lld-14`, `rust-lld`, `mold`,
/// `link.exe` …) printed the line, by the tool name before `: error`.
fn said_by_a_linker(content: &str) -> bool {
    regex!(
        r"(?:^|[\s/=])(?:[\w.+-]*-)?(?:ld|ld\.bfd|ld\.gold|gold|ld\.lld|ld64\.lld|ld64|lld|lld-link|rust-lld|mold|ld\.mold|wasm-ld|link)(?:-[\d.]+)?(?:\.exe)?: (?:(?:fatal )?error\b|unrecogni[sz]ed option|unknown argument)"
    )
    .is_match(content)
}

/// The compiler (from the `gcc: error:` prefix) and the rejected option.
fn compiler_and_option(content: &str) -> (Option<String>, Option<String>) {
    let compiler = regex!(
        r"(?:^|[\s=])([\w./\\:+-]*(?:gcc|g\+\+|cc|clang(?:\+\+)?|c\+\+)(?:-\d+)?)(?:\.exe)?: ?(?:fatal |schwerwiegender |致命|致命的|критична |кобна |ödesdigert |vakava |fatalna |fatale |ölümcül |μοιραίο )?(?:error|Fehler|erreur|ошибка|错误|錯誤|エラー|errore|erro|błąd|hata|chyba|오류|fout|fel|fejl|greška|грешка|помилка|lỗi|virhe|galat|hiba|eroare|σφάλμα)"
    )
    .captures(content)
    .map(|c| c[1].rsplit(['/', '\\']).next().unwrap_or(&c[1]).to_owned());
    // `unknown value 'armv7-a' for '-march'`, `unrecognized -march target: armv8-a`.
    // gcc's `bad value ('armv8-a') for '-march=' switch` and clang's
    // `unsupported argument 'armv8-a' to option '-march='` too.
    let split = regex!(
        r"unknown value ['‘`]([^'’`]*)['’`] for ['‘`]?(-m[\w-]+)|unrecogni[sz]ed (-m[\w-]+) target:?\s*['‘`]?([^\s'’`]+)|bad value [(‘'`\x22]*([^)’'`\x22]+)[)’'`\x22]* for ['‘`\x22]?(-m[\w-]+)=?|unsupported argument ['‘`\x22]([^'’`\x22]+)['’`\x22] to option ['‘`\x22](-m[\w-]+)=?"
    );
    let assembler = regex!(r"invalid (-m(?:arch|cpu|tune)=) option:?\s*[`'‘]([^'’`]+)");
    if let Some(c) = assembler.captures(content) {
        return (compiler, Some(format!("{}{}", &c[1], &c[2])));
    }
    if let Some(c) = split.captures(content) {
        let (value, name) = if let Some(name) = c.get(3) {
            (c.get(4).map_or("", |m| m.as_str()), name.as_str())
        } else {
            let value = c.get(1).or(c.get(5)).or(c.get(7));
            let name = c.get(2).or(c.get(6)).or(c.get(8));
            (
                value.map_or("", |m| m.as_str()),
                name.map_or("", |m| m.as_str()),
            )
        };
        return (compiler, Some(format!("{name}={value}")));
    }
    let option = regex!(r"option\s+['‘`\x22]?(--(?:32|64|x32)\b|-m[^'’`\x22\s]*|--target=[^'’`\x22\s]*|-arch)|(?:Kommandozeilenoption|ligne de commande|la opción|командной строки|命令行选项|コマンドラインオプション|não reconhecida|non riconosciuta)\s*[»«“”‘'\x22]\s*(-m[^'’»«“”\x22\s]*)|support ['‘`](-m[^'’`]*)|option '(-m[^']*)'|(?:CPU|argument:?) '([^']+)'|for ['‘`\x22]?(-m(?:arch|cpu|tune)=)|(-m(?:32|64|x32))['’`]? (?:is )?not supported|(-m64)['’`]? requires|(-mfloat-abi=hard)|(?:in|name) ['‘`](-m[^'’`]*)|[»«“”„‘'’‚\x22`](-m(?:32|64|x32|16))[»«“”„‘'’‚\x22`] (?:wird|n'est|stödjs|benötigt|requiert|kräver|en esta)|[»«“”„‘'’‚\x22`(]\s*(-m(?:arch|cpu|fpu|float-abi|abi|tune|thumb|arm|64|32|x32|sse\d*|avx\w*|cmodel|no-\w+)\b[^»«“”„‘'’‚\x22`)\s]*)")
        .captures(content)
        .and_then(|c| c.iter().skip(1).flatten().next().map(|m| m.as_str().to_owned()));
    (compiler, option)
}

/// The `#error` a header raised for an architecture it does not support.
fn refused_header(content: &str) -> Option<String> {
    regex!(r"error(?: C1189)?: (#error:?\s.*)")
        .captures(content)
        .map(|c| c[1].trim().to_owned())
}

/// The instruction an assembler rejected (`Error: no such instruction: `ldr
/// x0,[x1]'`), when the line is an assembler's.
fn assembler_rejected(content: &str) -> Option<String> {
    let pattern = regex!(
        r"(?:Error: (?:no such instruction|unknown mnemonic|bad register name|unknown pseudo-op|bad instruction|unrecognized opcode|unknown architecture|invalid instruction suffix)|error: (?:invalid instruction mnemonic|unknown directive|unrecognized instruction mnemonic)|: (?:error|fatal error): unknown architecture)(?:[^`'‘]*[`'‘]([^'’]*)['’])?"
    );
    let captures = pattern.captures(content)?;
    Some(
        captures
            .get(1)
            .map_or_else(String::new, |m| m.as_str().trim().to_owned()),
    )
}

fn describe(cx: &Context<'_>, index: usize) -> Finding {
    let content = cx.content(index);
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::WrongCcForTarget, "", start, index);
    let for_target = match cx.for_target(&finding) {
        unknown if unknown.is_empty() => " for the target being built".to_owned(),
        known => known,
    };
    if let Some(instruction) = assembler_rejected(content) {
        let what = if instruction.is_empty() {
            "the assembly".to_owned()
        } else {
            format!("`{instruction}`")
        };
        finding = text_fact(finding, "tool", Some("as"));
        finding = text_fact(
            finding,
            "instruction",
            Some(instruction.as_str()).filter(|i| !i.is_empty()),
        );
        finding.message =
            format!("the assembler rejected {what}: it is not an assembler{for_target}");
    } else if let Some(directive) = refused_header(content) {
        finding = text_fact(finding, "directive", Some(directive.as_str()));
        finding.message =
            format!("`{directive}`: the C compiler that ran is not a C compiler{for_target}");
    } else {
        let (compiler, option) = compiler_and_option(content);
        finding = text_fact(finding, "tool", compiler.as_deref());
        finding = text_fact(finding, "option", option.as_deref());
        let who = compiler.map_or_else(|| "the C compiler".to_owned(), |c| format!("`{c}`"));
        let what = option.map_or_else(|| "flags".to_owned(), |o| format!("`{o}`"));
        finding.message = format!("{who} rejected {what}: it is not a C compiler{for_target}");
    }
    finding
        .with_fix(
            fix::CONFIGURE_CC,
            "Set the C compiler per target with CC_<triple> instead of CC",
        )
        .with_fix(fix::INSTALL_CC_TOOL, "Install a C compiler for the target")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_linker_rejecting_m64_is_not_a_c_compiler_for_another_target() {
        for line in [
            "  = note: ld64.lld-14: error: unknown argument '-m64'",
            "rust-lld: error: unknown argument: -m64",
            "/usr/bin/ld: error: unrecognized option '-m64'",
            "/usr/bin/ld: unrecognized option '-m64'",
            "aarch64-linux-gnu-ld: unrecognised option '-march=armv8-a'",
        ] {
            let findings = super::super::testing::explain(line);
            assert!(
                findings.iter().all(|f| f.kind != Kind::WrongCcForTarget),
                "{line}: {findings:#?}"
            );
        }
    }

    #[test]
    fn without_a_target_the_message_still_reads() {
        let finding = super::super::testing::first_of_kind(
            "cc: error: unrecognized command-line option '-mfpu=neon'\n",
            Kind::WrongCcForTarget,
        );
        assert_eq!(
            finding.message,
            "`cc` rejected `-mfpu=neon`: it is not a C compiler for the target being built"
        );
    }

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

    #[test]
    fn gcc_rejects_the_value_of_a_target_option() {
        for (log, option) in [
            (
                "  cargo:warning=cc1: error: unknown value 'armv7-a' for '-march'\n  cargo:warning=cc1: note: valid arguments are: armv8-a armv8.1-a armv8.2-a\n",
                "-march=armv7-a",
            ),
            (
                "aarch64-linux-gnu-gcc: error: unknown value ‘cortex-a7’ for ‘-mcpu’\n",
                "-mcpu=cortex-a7",
            ),
            (
                "#8 12.3 arm-linux-gnueabihf-gcc: error: unrecognized -march target: armv8.2-a+dotprod\n",
                "-march=armv8.2-a+dotprod",
            ),
            (
                "gcc: error: unrecognized argument in option '-mabi=lp64'\ngcc: note: valid arguments to '-mabi=' are: ms sysv\n",
                "-mabi=lp64",
            ),
            (
                "cc1: error: bad value (armv6) for -march= switch\n",
                "-march=armv6",
            ),
            (
                "g++: error: unrecognized command line option ‘-mfpu=neon-fp-armv8’\n",
                "-mfpu=neon-fp-armv8",
            ),
            (
                "cc: error: unrecognized command-line option '-marm'; did you mean '-mabi='?\n",
                "-marm",
            ),
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
        }
    }

    #[test]
    fn clang_suggestion_and_target_wordings() {
        for (log, option) in [
            (
                "clang: error: unknown argument '-mfpu=neon'; did you mean '-mfpu='?\n",
                "-mfpu=neon",
            ),
            (
                "clang-15: error: invalid arch name '-march=armv6', please use -march=armv8-a\n",
                "-march=armv6",
            ),
            (
                "clang: error: unsupported argument 'armv8-5a' to option '-march='\n",
                "-march=armv8-5a",
            ),
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
        }
        let log = "error: unknown target triple 'aarch64-unknown-linux-gnu', please use -triple or -arch\n";
        first_of_kind(log, Kind::WrongCcForTarget);
    }

    #[test]
    fn the_host_gcc_given_cc_rs_target_flags() {
        let log = "  running: \"cc\" \"-O0\" \"-ffunction-sections\" \"--target=aarch64-unknown-linux-gnu\" \"-c\" \"src/x.c\"\n  cargo:warning=cc: error: unrecognized command-line option '--target=aarch64-unknown-linux-gnu'\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "tool"), Some("cc"));
        assert_eq!(
            fact(&finding, "option"),
            Some("--target=aarch64-unknown-linux-gnu")
        );
    }

    #[test]
    fn a_compiler_that_cannot_do_the_abi() {
        for (log, option) in [
            (
                "powerpc-linux-gnu-gcc: error: -m64 not supported in this configuration\n",
                Some("-m64"),
            ),
            (
                "cc1: error: ‘-m64’ requires a PowerPC64 cpu\n",
                Some("-m64"),
            ),
            (
                "x.c:1:0: sorry, unimplemented: 64-bit mode not compiled in\n",
                None,
            ),
            (
                "cc1: error: CPU you selected does not support x86-64 instruction set\n",
                None,
            ),
            (
                "cc1: sorry, unimplemented: Thumb-1 hard-float VFP ABI\n",
                None,
            ),
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), option, "{log}");
        }
    }

    #[test]
    fn translated_errors_quoting_a_target_option() {
        for (log, option) in [
            (
                "cc1: Fehler: unbekannter Wert »armv7-a« für »-march«\n",
                "-march",
            ),
            (
                "aarch64-linux-gnu-gcc: erreur: argument non reconnu dans l'option « -mfpu=neon »\n",
                "-mfpu=neon",
            ),
            ("cc1: 错误：‘-march=’开关的值(armv6)错误\n", "-march="),
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), Some(option), "{log}");
        }
    }

    #[test]
    fn the_host_assembler_given_arm_assembly() {
        let log = "  cargo:warning=crypto/aes/aesv8-armx.S: Assembler messages:\n  cargo:warning=crypto/aes/aesv8-armx.S:12: Error: no such instruction: `ldr x0,[x1]'\n  cargo:warning=crypto/aes/aesv8-armx.S:13: Error: unknown pseudo-op: `.arch'\n";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "tool"), Some("as"));
        assert_eq!(fact(&finding, "instruction"), Some("ldr x0,[x1]"));
        assert_eq!(fix_ids(&finding), ["configure_cc", "install_cc_tool"]);
        for log in [
            "/tmp/ccA1b2.s:40: Error: unknown mnemonic `movq' -- `movq %rax,%rbx'\n",
            "{standard input}:7: Error: bad register name `%rsp'\n",
            "asm.S:9:5: error: invalid instruction mnemonic 'bne'\n",
        ] {
            first_of_kind(log, Kind::WrongCcForTarget);
        }
    }

    #[test]
    fn a_header_that_refuses_the_architecture() {
        let log = "  cargo:warning=src/arch.h:31:2: error: #error \"Unsupported architecture\"\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(
            fact(&finding, "directive"),
            Some("#error \"Unsupported architecture\"")
        );
    }

    #[test]
    fn neighbours_are_not_taken() {
        use super::super::testing::explain;
        // A warning about a flag is not the failure; a missing header is
        // missing_header's; a missing cc1 is cc_toolchain_broken's.
        let log = "cc1: warning: '-mcpu=' is deprecated; use '-mtune=' or '-march=' instead\n";
        assert!(
            explain(log)
                .iter()
                .all(|f| f.kind != Kind::WrongCcForTarget),
            "{log}"
        );
        let log = "src/x.c:1:10: fatal error: openssl/ssl.h: No such file or directory\n";
        first_of_kind(log, Kind::MissingHeader);
        let log = "aarch64-linux-gnu-gcc: fatal error: cannot execute 'cc1': execvp: No such file or directory\n";
        first_of_kind(log, Kind::CcToolchainBroken);
    }

    #[test]
    fn an_old_x86_assembler_on_an_x86_target_is_not_another_target() {
        let log = "  TARGET = Some(\"x86_64-unknown-linux-gnu\")\n  cargo:warning=/tmp/cc1.s:40: Error: no such instruction: `vpdpbusd %zmm1,%zmm2,%zmm3'\n";
        let findings = super::super::testing::explain(log);
        assert!(
            findings.iter().all(|f| f.kind != Kind::WrongCcForTarget),
            "{findings:#?}"
        );
        let log = "  TARGET = Some(\"aarch64-unknown-linux-gnu\")\n  cargo:warning=/tmp/cc1.s:40: Error: unknown mnemonic `push' -- `push %rbp'\n";
        first_of_kind(log, Kind::WrongCcForTarget);
    }

    #[test]
    fn m64_rejected_in_more_languages() {
        for log in [
            "aarch64-linux-gnu-gcc: 오류: 인식할 수 없는 명령행 옵션 ‘-m64’\n",
            "aarch64-linux-gnu-gcc: fout: onbekende optie ‘-m64’\n",
            "aarch64-linux-gnu-gcc: помилка: нерозпізнаний параметр командного рядка «-m64»\n",
            "aarch64-linux-gnu-gcc: eroare: opțiune linie de comandă nerecunoscută „-m64”\n",
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), Some("-m64"), "{log}");
            assert_eq!(
                fact(&finding, "tool"),
                Some("aarch64-linux-gnu-gcc"),
                "{log}"
            );
        }
    }

    #[test]
    fn gcc_bad_value_in_its_newer_quotes() {
        for log in [
            "cc1: error: bad value ‘armv8-a’ for ‘-march=’ switch\n",
            "cc1: error: bad value (‘armv7-a’) for ‘-march=’ switch\n",
            "<command-line>: error: bad value 'cortex-a53' for '-mtune=' switch\n",
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert!(
                fact(&finding, "option").is_some_and(|o| o.starts_with("-m")),
                "{log}: {finding:#?}"
            );
        }
    }

    #[test]
    fn gcc_error_words_of_more_languages() {
        for log in [
            "aarch64-linux-gnu-gcc: fel: okänd kommandoradsflagga ”-m64”\n",
            "aarch64-linux-gnu-gcc: greška: neprepoznat opcija na naredbenom retku ‘-m64’\n",
            "aarch64-linux-gnu-gcc: fejl: ukendt kommandolinjetilvalg »-m64«\n",
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), Some("-m64"), "{log}");
        }
    }

    #[test]
    fn headers_and_assemblers_refusing_the_architecture() {
        for log in [
            "C:\\src\\arch.h(12): fatal error C1189: #error:  \"Unsupported architecture\"\n",
            "src/platform.h:20:2: error: #error \"Architecture not supported\"\n",
            "x.h:5:2: error: #error This architecture is not supported\n",
            "{standard input}: Assembler messages:\n{standard input}: Fatal error: invalid -march= option: `armv8-a'\n",
            "Error: unknown cpu `cortex-a53'\n",
            "cc1: error: ‘-march=armv8-a’: ISA string must begin with rv32 or rv64\n",
            "cc1: sorry, unimplemented: -mfloat-abi=hard and VFP\n",
        ] {
            first_of_kind(log, Kind::WrongCcForTarget);
        }
        let log = "as: Fatal error: invalid -march= option: `armv8-a'\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "option"), Some("-march=armv8-a"));
        // A header's own `#error` about something else is no target mismatch.
        let log = "x.h:5:2: error: #error \"define CONFIG_FOO first\"\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::WrongCcForTarget)
        );
    }

    #[test]
    fn a_32_bit_only_gcc_in_gccs_languages() {
        for log in [
            "cargo:warning=cc1.exe: 对不起，尚未实现：未编译入对 64 位模式的支持\n",
            "cc1: nicht implementiert: 64-Bit-Modus nicht einkompiliert\n",
            "cc1: désolé, pas implémenté: mode 64 bits pas compilé\n",
            "cc1: lo sentimos, sin implementar: no está compilado el modo bit-64\n",
            "cc1: пока не реализовано: 64-битный режим не компилируется в\n",
            "cc1.exe: 残念ですが未実装です: 64 ビットモードが使用できるようにコンパイルされていません\n",
            "cc1: error: die ausgewählte CPU unterstützt nicht den x86-64-Befehlssatz\n",
            "cc1: ошибка: заданный процессор не поддерживает набор команд x86-64\n",
            "powerpc-linux-gnu-gcc: Fehler: »-m64« wird in dieser Konfiguration nicht unterstützt\n",
        ] {
            first_of_kind(log, Kind::WrongCcForTarget);
        }
        let log = "gcc: erreur: « -m64 » n'est pas supporté par cette configuration\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "option"), Some("-m64"));
    }

    #[test]
    fn another_assembler_given_x86_flags_and_clang_without_the_backend() {
        let log = "aarch64-linux-gnu-as: unrecognized option '--64'\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "option"), Some("--64"));
        let log = "/usr/bin/arm-linux-gnueabihf-as: unrecognised option `--32'\n";
        first_of_kind(log, Kind::WrongCcForTarget);
        let log = "error: unable to create target: 'No available targets are compatible with triple \"riscv64-unknown-linux-gnu\"'\n";
        first_of_kind(log, Kind::WrongCcForTarget);
    }

    #[test]
    fn a_windows_compiler_path_names_the_compiler() {
        let log =
            "C:\\msys64\\mingw32\\bin\\gcc.exe: error: unrecognized command-line option '-m64'\n";
        let finding = first_of_kind(log, Kind::WrongCcForTarget);
        assert_eq!(fact(&finding, "tool"), Some("gcc"));
    }

    #[test]
    fn linux_clang_given_apple_arch() {
        // clang 7+: `clang: error: unsupported option '-arch' for target
        // 'aarch64-unknown-linux-gnu'` when cc-rs 1.2 builds for
        // aarch64-apple-darwin with the host's clang; as cargo's warning.
        for log in [
            "  cargo:warning=clang: error: unsupported option '-arch' for target 'aarch64-unknown-linux-gnu'\n",
            "clang-18: error: unsupported option \"-arch\" for target \"x86_64-pc-linux-gnu\"\n",
        ] {
            let finding = super::super::testing::first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(
                super::super::testing::fact(&finding, "option"),
                Some("-arch"),
                "{finding:#?}"
            );
        }
    }

    #[test]
    fn the_rejected_value_joins_its_option() {
        // gcc 4.x-14 `bad value 'x' for '-march=' switch` (gcc 12+ puts
        // the value in parentheses and curly quotes), clang 3.x-18
        // `unsupported argument 'x' to option '-march='`.
        for log in [
            "  cargo:warning=cc1: error: bad value 'armv7-a' for '-march=' switch\n",
            "  cargo:warning=cc1: error: bad value (‘armv7-a’) for ‘-march=’ switch\n",
            "  cargo:warning=clang-14: error: unsupported argument 'armv7-a' to option '-march='\n",
        ] {
            let finding = first_of_kind(log, Kind::WrongCcForTarget);
            assert_eq!(fact(&finding, "option"), Some("-march=armv7-a"), "{log}");
        }
    }
}
