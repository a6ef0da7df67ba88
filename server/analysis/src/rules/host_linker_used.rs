//! Detects `host_linker_used`: the host's `cc`/`ld` was handed the target's
//! Rust object files because no linker for the target is configured.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};
use crossport_formats::arch::debian_arch_for_triple;

pub(super) const SUMMARY: &str =
    "no linker is configured for the target, so the host's linker got the target's objects";

pub(super) const TRIGGERS: &[&str] = &[
    // GNU ld (bfd) on objects of another machine; binutils 2.40+ prints
    // it in lower case. `x.o`, `libfoo.rlib(bio.c.o)`.
    r"(?i)\.o\)?:? .*relocations in generic ELF",
    r"(?i)\.o(?:\([^)]*\))?\)?: (?:error adding symbols: )?file in wrong format",
    r"(?i)\.o(?:\([^)]*\))?\)?: file not recognized: file format not recognized",
    r"\.o\)? is incompatible with \S+",
    r"architecture of input file [`'‘][^'’]*\.o\)?['’] is incompatible with",
    r"ignoring file '?\S+\.o'?, building for .* but attempting to link with file built for",
    // bfd without `file not recognized:`, on 32/64-bit class mismatches,
    // gold's `incompatible target`, mold's `incompatible file type`.
    r"(?i)\.o\)?: file format not recognized",
    r"\.o\)?: (?:error adding symbols: )?file class ELFCLASS\d+ incompatible with ELFCLASS\d+",
    r"\.o\)?: incompatible target",
    r"\.o\)?: incompatible file type",
    // gold (any binutils) on an object of a machine it was not built for:
    // `ld.gold: fatal error: x.o: unsupported ELF machine number 183`.
    r"\.o\)?: unsupported ELF machine number \d+",
    // bfd (2.2x-2.4x) when a linker script's OUTPUT_ARCH names a machine
    // this ld was not built for: `ld: cannot represent machine `arm'`.
    r"(?-u:\b)ld(?:\.bfd)?(?:\.exe)?: cannot represent machine [`'‘\x22]?\w+",
    // lld with a colon after the file; Apple ld, old and new (ld-prime).
    r"\.o\)?: is incompatible with \S+",
    r"ignoring file '?\S+\.o'?[,:] (?:file was built for .* which is not the architecture being linked|found architecture '|file is universal)",
    // ld-prime (Xcode 15+) on an ELF object.
    r"unknown file type in '[^']*\.o'",
    // MSVC's link.exe of the host's architecture given rustc's objects.
    r"\.o : [^:]*LNK1112: ",
    // lld-link, the MSVC-flavoured lld.
    r"\.o: machine type \S+ conflicts with \S+",
    // The host's GNU ld asked for another architecture's emulation (a
    // clang `--target=` without a cross ld); `-m64` given to a bare ld is
    // wrong_linker_flavor's (`unrecognised emulation mode: 64`).
    r"(?i)(?-u:\b)ld(?:\.bfd)?(?:\.exe)?: unrecogni[sz]ed emulation mode: [a-z_]*(?:elf|linux|riscv|ppc|mips|arm|aarch64|i386|x86_64|pe)\w*(?:\s*$|\s+Supported emulations)",
    // The same in ld's translations (German, French, Spanish).
    r"(?i)(?-u:\b)ld(?:\.bfd)?(?:\.exe)? ?: (?:nicht erkannter Emulationsmodus|mode d'émulation non reconnu|no se reconoce el modo de emulación)\s?: [a-z_]*(?:elf|linux|riscv|ppc|mips|arm|aarch64|i386|x86_64|pe)\w*\s*$",
    // The host's cc given rustc's `-m64` (for x86_64) on another host.
    r"(?:^|\s)(?:cc|gcc|c\+\+|g\+\+)(?:\.exe)?: error: unrecogni[sz]ed (?:command[- ]line )?option [`'‘]-m(?:64|32)['’]",
    r"(?:^|\s)(?:cc|clang|clang\+\+)(?:-\d+)?: error: unsupported option '-m(?:64|32)' for target '",
    // bfd's and ld's translations, on rustc's objects and archives.
    concat!(
        r"\.(?:o|rlib)\)?\s?:\s?(?:",
        super::wrong_arch_library::relocations_words!(),
        "|",
        super::wrong_arch_library::wrong_format_words!(),
        ")"
    ),
    concat!(
        super::wrong_arch_library::input_architecture_words!(),
        r".*\.o\)?\s?['’»”\x22]"
    ),
    // GNU ld unable to read an rlib (an archive of the target's objects).
    r"(?i)\.rlib: (?:error adding symbols: )?file (?:in wrong format|format not recognized|not recognized)",
    // MSVC link.exe without the file name: compared with the log's target.
    r"LNK1112: ",
    // gcc's translations of `unrecognized command-line option '-m64'`
    // (de, fr, sv, hr, and older es, ru, zh, ja catalogues).
    r"(?:^|\s)(?:cc|gcc|c\+\+|g\+\+)(?:\.exe)?: (?:error|Fehler|erreur|fel|greška|ошибка|错误|エラー): (?:nicht erkannte Kommandozeilenoption|unbekannte Kommandozeilenoption|okänd kommandoradsflagga|neprepoznat opcija na naredbenom retku|无法识别的命令行选项|認識できないコマンドラインオプション|no se reconoce la opción de línea de órdenes|нераспознанный ключ командной строки|option) ?[`'‘»«“„\x22]\s?-m(?:64|32)",
    // cross-rs configures a cross linker for each target it has an image
    // for: under `cross`, rustc's default `cc` is the image's host compiler.
    r"^error: linking with `cc` failed",
    // Apple's ld (the macOS host's) given ELF files or rustc's archives of
    // them: `… attempting to link with file built for unknown-unsupported
    // file format ( 0x7F 0x45 0x4C 0x46 …)`.
    r"ignoring file .*(?:unknown-unsupported file format|unsupported file format \( ?0x7F 0x45 0x4C 0x46)",
    // Any of these with the file name wrapped onto the lines above.
    super::wrong_arch_library::WRAPPED_TAIL,
];

/// Diagnostic: host_linker_used
///
/// **What it means.** The linker that ran is the host's (`cc`, `/usr/bin/ld`,
/// `rust-lld` for the host), and it was given object files rustc produced for
/// the target: `Relocations in generic ELF (EM: 183)`, `file in wrong format`,
/// `... .rcgu.o is incompatible with elf_x86_64`, gold's `incompatible target`,
/// mold's `incompatible file type`, Apple ld `ignoring file …rcgu.o`, MSVC
/// `LNK1112: module machine type 'ARM64' conflicts with target machine type
/// 'x64'` (also without a file name, when the modules are of the log's
/// target), `unrecognised emulation mode: aarch64linux`, or an aarch64 host's
/// `cc: error: unrecognized command-line option '-m64'` (and gcc's German,
/// French, Swedish … wording). binutils' translations of these messages,
/// rlibs ld cannot read at all, file names wrapped onto the line above, and
/// `linking with `cc` failed` with nothing else under `cross build --target`
/// (cross sets a cross linker for every image) count too, as does Apple's ld
/// ignoring an ELF file or an rlib (`unknown-unsupported file format`).
///
/// **Why it happens.** Nothing tells cargo which linker to use for the target,
/// so it uses the default `cc`, which only links for the host. The later
/// messages about libraries or symbols are symptoms of this one.
///
/// **How to fix.** Configure a linker for the target in `.cargo/config.toml`
/// (`[target.<triple>] linker`): clang with lld and a sysroot, the Debian
/// cross gcc (`gcc-aarch64-linux-gnu` …), or zig (`configure_linker`); install
/// the cross compiler if the machine has none (`install_cc_tool`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for &index in hits {
        let (first, content) = super::wrong_arch_library::unwrapped(cx, index);
        let Some(object) = rust_object(&content)
            .or_else(|| rust_archive(&content))
            .or_else(|| apple_ld_given_elf(&content))
            .or_else(|| host_machine_msvc_link(cx, index))
            .or_else(|| host_ld_c_object(&content))
            .or_else(|| host_emulation(cx, index))
            .or_else(|| host_ld_cannot_represent(&content))
            .or_else(|| host_cc_given_m64(cx, index))
            .or_else(|| default_cc_under_cross(cx, index))
        else {
            continue;
        };
        let start = cx.linking_error(index).map_or(first, |(header, _)| header);
        let first_number = cx.log.number_of(start);
        if findings
            .iter()
            .any(|f| f.evidence.lines.map(|[first, _]| first) == Some(first_number))
        {
            continue;
        }
        findings.push(describe(cx, index, start, &object));
    }
    findings
}

/// The object file a line complains about, when rustc made it: a codegen
/// unit (`.rcgu.o`), or an object under `target/` (`symbols.o`, deps).
/// A C object inside an rlib counts only when the host's own ld read it.
fn rust_object(content: &str) -> Option<String> {
    // lld's `A is incompatible with B`: A is the foreign file, B the first
    // object it read (rustc's own `symbols.o`, say).
    let content = content
        .split(" is incompatible with ")
        .next()
        .unwrap_or(content);
    let path = regex!(r"(/?[^\s:`'‘’()«»“”„\x22]+\.o)\b")
        .captures_iter(content)
        .map(|c| c[1].to_owned())
        .find(|path| {
            // `.rust-cgu.o` (rustc 1.19-1.23), `symbols.o` in rustc's temp dir.
            let unix = path.replace('\\', "/");
            path.ends_with(".rcgu.o")
                || path.ends_with(".rust-cgu.o")
                || unix.ends_with("/symbols.o") && unix.contains("/rustc")
                || ((unix.contains("/target/")
                    || unix.starts_with("target/")
                    || unix.contains("/deps/"))
                    && !path.contains(".rlib"))
        })?;
    Some(path)
}

/// Whether a linker line comes from the host's own, unprefixed GNU ld
/// (`/usr/bin/ld: …`, `ld: …`, a Nix store's binutils `…/bin/ld: …`), not
/// a cross one (`aarch64-linux-gnu-ld`, `/usr/aarch64-linux-gnu/bin/ld`,
/// `…/gcc-cross/…/bin/ld`).
pub(crate) fn is_host_ld_line(content: &str) -> bool {
    let content = content.strip_prefix("note: ").unwrap_or(content);
    let Some(captures) = regex!(r"^((?:[A-Za-z]:)?[^\s:]*[/\\])?ld(?:\.bfd|\.gold)?(?:\.exe)? ?: ")
        .captures(content)
    else {
        return false;
    };
    let dir = captures.get(1).map_or("", |m| m.as_str());
    !regex!(r"(?i)gcc-cross|[a-z0-9_]+-(?:[a-z0-9_]+-)*(?:linux|elf|eabi\w*|none|mingw32|android\w*|musl\w*|gnu\w*|darwin[\d.]*|freebsd[\d.]*)(?:[/\\]|$)")
        .is_match(dir)
}

/// A C object (not rustc's) that the host's ld found to be of another
/// architecture: a C build driven for the target but linked by the host,
/// loose (`main.o`) or inside a -sys crate's rlib (`libfoo_sys-….rlib(bio.c.o)`).
fn host_ld_c_object(content: &str) -> Option<String> {
    if !is_host_ld_line(content) {
        return None;
    }
    let pattern = regex!(
        r"(?i)(\S+\.rlib\([^)]+\.o\)|\S+\.o)(?:\([^)]*\))?\s?:?\s?(?:file not recognized|unsupported ELF machine number|",
        super::wrong_arch_library::relocations_words!(),
        "|",
        super::wrong_arch_library::wrong_format_words!(),
        ")"
    );
    let captures = pattern.captures(content)?;
    let object = captures[1].rsplit(": ").next().unwrap_or(&captures[1]);
    // An archive member (`libpng.a(png.o)`) is a library of another
    // architecture, which is wrong_arch_library's to report.
    if object.contains(".a(") {
        return None;
    }
    Some(object.to_owned())
}

/// bfd's `ld: cannot represent machine `arm'` from the host's own ld: a
/// linker script for the target (`OUTPUT_ARCH(arm)`) given to an ld that
/// only links for the host.
fn host_ld_cannot_represent(content: &str) -> Option<String> {
    if !is_host_ld_line(content) {
        return None;
    }
    let machine = regex!(r"cannot represent machine [`'‘\x22]?(\w+)").captures(content)?;
    Some(format!("(machine {})", &machine[1]))
}

/// `ld: unrecognised emulation mode: aarch64linux`: the host's GNU ld was
/// asked to link for another machine. clang's bare-metal driver, which
/// runs whatever `ld` is first on PATH (`clang: error: ld command
/// failed`), is a toolchain of the wrong kind instead (wrong_linker_flavor).
fn host_emulation(cx: &Context<'_>, index: usize) -> Option<String> {
    let content = cx.content(index);
    if !is_host_ld_line(content) {
        return None;
    }
    let emulation = regex!(
        r"(?i)(?:emulation mode|Emulationsmodus|émulation non reconnu|modo de emulación)\s?: (\w+)"
    )
    .captures(content)?[1]
        .to_owned();
    let bare_metal_driver =
        (index + 1..index + 6).any(|i| cx.content(i).contains(": error: ld command failed"));
    (!bare_metal_driver).then(|| format!("(emulation {emulation})"))
}

/// `cc: error: unrecognized command-line option '-m64'` while linking with
/// the unprefixed `cc`/`gcc`: rustc passes `-m64` for x86_64 targets, and
/// the host's compiler (of an aarch64 machine, say) does not know it.
fn host_cc_given_m64(cx: &Context<'_>, index: usize) -> Option<String> {
    if cx.block(index).is_some() {
        return None;
    }
    let (_, linker) = cx.linking_error(index)?;
    let name = super::context::base_name(&linker);
    let host_cc = matches!(
        name.trim_end_matches(".exe"),
        "cc" | "gcc" | "c++" | "g++" | "clang" | "clang++"
    );
    let option =
        regex!(r"[`'‘»«“„\x22]\s?(-m(?:64|32))\s?['’»«”\x22]").captures(cx.content(index))?;
    host_cc.then(|| format!("(rustc's {})", &option[1]))
}

/// Apple's ld refusing a file it cannot read at all: an ELF file (magic
/// `0x7F 0x45 0x4C 0x46`), or an rlib or object rustc made under `target/`.
/// The macOS host's linker was given a Linux target's files.
fn apple_ld_given_elf(content: &str) -> Option<String> {
    let captures = regex!(r"ignoring file '?([^,']+?)'?[,:] .*(?:unknown-unsupported file format|unsupported file format)(.*)")
        .captures(content)?;
    let path = captures[1].to_owned();
    let elf = captures[2].contains("0x7F 0x45 0x4C 0x46");
    let unix = path.replace('\\', "/");
    let rustc_made = path.ends_with(".rlib")
        || path.ends_with(".o")
        || unix.contains("/target/")
        || unix.starts_with("target/");
    (elf || rustc_made).then_some(path)
}

/// `error: linking with `cc` failed` in a `cross build --target T` run,
/// with nothing else in the log any rule knows: cross sets
/// `CARGO_TARGET_<T>_LINKER` to the image's cross compiler, so plain `cc`
/// means the image's own compiler linked the target's objects.
fn default_cc_under_cross(cx: &Context<'_>, index: usize) -> Option<String> {
    if !cx
        .content(index)
        .starts_with("error: linking with `cc` failed")
    {
        return None;
    }
    let cross = regex!(
        r"(?:^|[\s$>❯])cross \+?[\w.-]*\s*(?:build|run|test|rustc|check|b|r|t)\s.*--target[ =]\S"
    );
    let under_cross = (index.saturating_sub(60)..index).any(|i| cross.is_match(cx.content(i)));
    let alone = !super::other_rule_triggered(cx, Kind::HostLinkerUsed)
        && cx.triggered()[rule_index()].iter().all(|&i| i == index);
    (under_cross && alone && cx.target.is_some())
        .then(|| "(rustc's default cc under cross)".to_owned())
}

/// This rule's index in [`super::RULES`].
fn rule_index() -> usize {
    super::RULES
        .iter()
        .position(|rule| rule.kind == Kind::HostLinkerUsed)
        .unwrap_or(0)
}

/// An rlib (rustc's archive of the target's objects) the host's own ld
/// cannot read at all: `libfoo-1a2b.rlib: error adding symbols: file in wrong
/// format`. rustc's rlibs live under `target/` (or its `deps/`).
fn rust_archive(content: &str) -> Option<String> {
    // A cross ld for the target refusing an rlib means the rlib's C
    // objects were built for the host (wrong_arch_library).
    if !is_host_ld_line(content) {
        return None;
    }
    let captures = regex!(r"(?i)(\S+\.rlib)\s?:\s?(?:error adding symbols: )?file (?:in wrong format|format not recognized|not recognized)")
        .captures(content)
        .or_else(|| {
            regex!(r"(\S+\.rlib)\s?:\s?(?:", super::wrong_arch_library::relocations_words!(), "|", super::wrong_arch_library::wrong_format_words!(), ")")
                .captures(content)
        })?;
    let path = captures[1].rsplit(": ").next().unwrap_or(&captures[1]);
    let unix = path.replace('\\', "/");
    (unix.contains("/target/") || unix.starts_with("target/") || unix.contains("/deps/"))
        .then(|| path.to_owned())
}

/// MSVC's `LNK1112: module machine type 'ARM64' conflicts with target
/// machine type 'x64'` with no file named: when the modules are of the
/// log's target and link.exe links for another machine, link.exe is the
/// host's (the x64 tools for an ARM64 target). Modules of another machine
/// than the target are a library's (wrong_arch_library).
fn host_machine_msvc_link(cx: &Context<'_>, index: usize) -> Option<String> {
    let captures = regex!(
        r#"LNK1112:[^'"“”„«»]*['"“”„«»]([^'"“”„«»]+)['"“”„«»][^'"“”„«»]*['"“”„«»]([^'"“”„«»]+)['"“”„«»]"#
    )
    .captures(cx.content(index))?;
    let start = cx.linking_error(index).map_or(index, |(header, _)| header);
    let target = cx.target_at(index).or_else(|| {
        (start..=index).find_map(|i| {
            let line = cx.content(i).replace("\\\\", "/").replace('\\', "/");
            super::targets::triples_in_line(&line)
                .first()
                .map(|t| (*t).to_owned())
        })
    })?;
    let arch = target.split('-').next().unwrap_or("");
    let machine = match arch {
        "x86_64" => "x64",
        "aarch64" | "arm64ec" => "arm64",
        "i686" | "i586" | "i386" => "x86",
        arch if arch.starts_with("thumbv7") || arch.starts_with("armv7") => "arm",
        _ => return None,
    };
    let module = captures[1].to_ascii_lowercase();
    let linking_for = captures[2].to_ascii_lowercase();
    let same = |name: &str| name == machine || (machine == "x64" && name == "amd64");
    (same(&module) && !same(&linking_for)).then(|| format!("(modules of machine {})", &captures[1]))
}

fn describe(cx: &Context<'_>, index: usize, start: usize, object: &str) -> Finding {
    let linker = cx.linking_error(index).map(|(_, linker)| linker);
    let mut finding = cx.finding(Kind::HostLinkerUsed, "", start, index);
    if finding.target.is_none() {
        // The object's path, else the linker command line above it
        // (rustc's Windows paths are quoted with doubled backslashes).
        let from_path = std::iter::once(object.to_owned())
            .chain((start..=index).map(|i| cx.content(i).replace("\\\\", "/").replace('\\', "/")))
            .find_map(|line| {
                super::targets::triples_in_line(&line)
                    .first()
                    .map(|t| (*t).to_owned())
            });
        finding.target = from_path;
    }
    let machine = regex!(r"\(EM: (\d+)\)|unsupported ELF machine number (\d+)")
        .captures(cx.content(index))
        .and_then(|c| c.get(1).or(c.get(2)))
        .map(|m| m.as_str().to_owned());
    finding = text_fact(finding, "linker", linker.as_deref());
    finding = text_fact(finding, "object", Some(object));
    finding = text_fact(finding, "elf_machine", machine.as_deref());
    let linker_name = linker.as_deref().unwrap_or("cc");
    let for_target = cx.for_target(&finding);
    finding.message = format!(
        "no linker is configured{for_target}, so the host linker `{linker_name}` was given the target's objects"
    );
    let cross_gcc = finding
        .target
        .as_deref()
        .and_then(debian_arch_for_triple)
        .map(|arch| format!("gcc-{}", arch.multiarch));
    let install_title = match cross_gcc {
        Some(package) => format!("Install a cross linker for the target (Debian: {package})"),
        None => "Install a cross linker for the target".to_owned(),
    };
    finding
        .with_fix(
            fix::CONFIGURE_LINKER,
            "Configure a linker for the target in .cargo/config.toml",
        )
        .with_fix(fix::INSTALL_CC_TOOL, install_title)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn gnu_ld_relocations_in_generic_elf() {
        let log = "error: linking with `cc` failed: exit status: 1
  |
  = note: /usr/bin/ld: /w/target/aarch64-unknown-linux-gnu/debug/deps/nc-1.nc.2-cgu.0.rcgu.o: Relocations in generic ELF (EM: 183)
          /usr/bin/ld: /w/target/aarch64-unknown-linux-gnu/debug/deps/nc-1.nc.2-cgu.0.rcgu.o: Relocations in generic ELF (EM: 183)
          collect2: error: ld returned 1 exit status
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(fact(&finding, "linker"), Some("cc"));
        assert_eq!(fact(&finding, "elf_machine"), Some("183"));
        assert_eq!(finding.evidence.lines, Some([1, 3]));
        assert_eq!(fix_ids(&finding), ["configure_linker", "install_cc_tool"]);
        assert!(finding.fixes[1].title.contains("gcc-aarch64-linux-gnu"));
        assert_eq!(super::super::testing::explain(log).len(), 1);
    }

    #[test]
    fn lld_incompatible_object() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: rust-lld: error: /w/target/riscv64gc-unknown-linux-gnu/debug/deps/rustcX/symbols.o is incompatible with elf_x86_64
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(
            finding.target.as_deref(),
            Some("riscv64gc-unknown-linux-gnu")
        );
    }

    #[test]
    fn libraries_of_the_wrong_arch_are_not_this_rule() {
        let log = "/usr/bin/ld: /usr/lib/x86_64-linux-gnu/libssl.so: file in wrong format\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::HostLinkerUsed)
        );
    }

    #[test]
    fn lower_case_relocations_of_newer_binutils() {
        let log = "          /usr/bin/ld: /w/target/arm-unknown-linux-gnueabihf/release/deps/app.app.1-cgu.0.rcgu.o: relocations in generic ELF (EM: 40)\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(
            finding.target.as_deref(),
            Some("arm-unknown-linux-gnueabihf")
        );
        assert_eq!(fact(&finding, "elf_machine"), Some("40"));
    }

    #[test]
    fn c_objects_inside_an_rlib_read_by_the_host_ld() {
        let log = "  = note: /usr/bin/ld: /w/target/aarch64-unknown-linux-gnu/release/deps/libring-5c2.rlib(curve25519.o): Relocations in generic ELF (EM: 183)\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(
            fact(&finding, "object"),
            Some("/w/target/aarch64-unknown-linux-gnu/release/deps/libring-5c2.rlib(curve25519.o)")
        );
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
    }

    #[test]
    fn a_nix_store_binutils_ld_is_the_host_linker() {
        let log = "pkg> /nix/store/abc-binutils-2.40/bin/ld: obj/main.o: Relocations in generic ELF (EM: 183)\n";
        first_of_kind(log, Kind::HostLinkerUsed);
    }

    #[test]
    fn file_in_wrong_format_capitalised_on_a_rust_object() {
        let log = "          /w/target/armv7-unknown-linux-gnueabihf/debug/deps/app-1.2x.rcgu.o: error adding symbols: File in wrong format\n          collect2: error: ld returned 1 exit status\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(
            finding.target.as_deref(),
            Some("armv7-unknown-linux-gnueabihf")
        );
    }

    #[test]
    fn a_windows_mingw_ld_is_recognised_as_a_cross_one() {
        assert!(super::is_host_ld_line("/usr/bin/ld: x.o: Relocations"));
        assert!(super::is_host_ld_line("note: ld: x"));
        assert!(super::is_host_ld_line(
            "/nix/store/q-binutils-2.34/bin/ld: x"
        ));
        assert!(!super::is_host_ld_line(
            "C:/msys64/mingw64/x86_64-w64-mingw32/bin/ld.exe: x"
        ));
        assert!(!super::is_host_ld_line(
            "/usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/bin/ld: x"
        ));
        assert!(!super::is_host_ld_line("aarch64-linux-gnu-ld: x"));
    }

    #[test]
    fn every_linkers_words_for_a_foreign_rust_object() {
        let object = "/w/target/aarch64-unknown-linux-gnu/release/deps/app-5e1.app.a1-cgu.0.rcgu.o";
        let lines = [
            format!("/usr/bin/ld: {object}: file format not recognized; treating as linker script"),
            format!("/usr/bin/ld: {object}: file class ELFCLASS64 incompatible with ELFCLASS32"),
            format!("/usr/bin/ld.gold: error: {object}: incompatible target"),
            format!(
                "mold: fatal: {object}: incompatible file type: x86_64 is expected but got aarch64"
            ),
            format!("ld.lld: error: {object}: is incompatible with elf_x86_64"),
            format!(
                "/usr/bin/ld: aarch64 architecture of input file `{object}' is incompatible with i386:x86-64 output"
            ),
            format!(
                "ld: warning: ignoring file {object}, file was built for unsupported file format ( 0x7F 0x45 0x4C 0x46 0x02 0x01 0x01 0x00 ) which is not the architecture being linked (x86_64): {object}"
            ),
            format!(
                "ld: warning: ignoring file '{object}': found architecture 'arm64', required architecture 'x86_64'"
            ),
        ];
        for line in lines {
            let log = format!(
                "error: linking with `cc` failed: exit status: 1\n  |\n  = note: \"cc\" \"{object}\"\n  = note: {line}\n          collect2: error: ld returned 1 exit status\n"
            );
            let finding = first_of_kind(&log, Kind::HostLinkerUsed);
            assert_eq!(
                finding.target.as_deref(),
                Some("aarch64-unknown-linux-gnu"),
                "{line}"
            );
            assert_eq!(fact(&finding, "object"), Some(object), "{line}");
        }
    }

    #[test]
    fn msvc_link_of_the_host_arch_given_arm64_objects() {
        let log = "error: linking with `link.exe` failed: exit code: 1112\r
  |\r
  = note: \"C:\\\\VS\\\\bin\\\\Hostx64\\\\x64\\\\link.exe\" \"/NOLOGO\" \"C:\\\\w\\\\target\\\\aarch64-pc-windows-msvc\\\\debug\\\\deps\\\\app.app.1a-cgu.0.rcgu.o\"\r
  = note: app.app.1a-cgu.0.rcgu.o : fatal error LNK1112: module machine type 'ARM64' conflicts with target machine type 'x64'\r
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(fact(&finding, "linker"), Some("link.exe"));
        assert_eq!(finding.target.as_deref(), Some("aarch64-pc-windows-msvc"));
        // A library of the wrong machine is wrong_arch_library's.
        let log = "zlib.lib(adler32.obj) : fatal error LNK1112: module machine type 'x64' conflicts with target machine type 'ARM64'\n";
        first_of_kind(log, Kind::WrongArchLibrary);
    }

    #[test]
    fn the_host_ld_lacks_the_targets_emulation() {
        let log = "  Generating native code
  /usr/bin/ld: unrecognised emulation mode: aarch64linux
  Supported emulations: elf_x86_64 elf32_x86_64 elf_i386 elf_iamcu i386pep i386pe
clang : error : linker command failed with exit code 1 (use -v to see invocation)
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(fact(&finding, "object"), Some("(emulation aarch64linux)"));
        let log = "2026-03-04T05:06:07.1234567Z /usr/bin/ld: unrecognized emulation mode: armelf_linux_eabi\n";
        first_of_kind(log, Kind::HostLinkerUsed);
        // `-m64` given to a bare ld, and clang's bare-metal driver running the
        // host's `ld`, are linkers of the wrong kind.
        first_of_kind(
            "note: /usr/bin/ld: unrecognised emulation mode: 64\n",
            Kind::WrongLinkerFlavor,
        );
        let log = "/usr/bin/ld: unrecognised emulation mode: elf32lriscv\nSupported emulations: elf_x86_64 elf32_x86_64 elf_i386\nclang-12: error: ld command failed with exit code 1 (use -v to see invocation)\n";
        first_of_kind(log, Kind::WrongLinkerFlavor);
        // A cross ld without the emulation is not the host's.
        let log = "aarch64-linux-gnu-ld: unrecognised emulation mode: elf64lriscv\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::HostLinkerUsed)
        );
    }

    #[test]
    fn the_host_cc_of_an_aarch64_machine_given_m64() {
        let log = "error: linking with `cc` failed: exit status: 1
  |
  = note: LC_ALL=\"C\" \"cc\" \"-m64\" \"/target/x86_64-unknown-linux-gnu/debug/deps/sh_step-1.o\"
  = note: cc: error: unrecognized command-line option '-m64'
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(fact(&finding, "linker"), Some("cc"));
        // A build script's cross gcc given -m64 is wrong_cc_for_target's.
        let log = "error: linking with `clang` failed: exit status: 1\n  = note: \"clang\" \"-m64\" \"/w/target/x86_64-unknown-linux-gnu/debug/deps/a-1.a.2-cgu.0.rcgu.o\"\n  = note: clang: error: unsupported option '-m64' for target 'aarch64-unknown-linux-gnu'\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("x86_64-unknown-linux-gnu"));
        let log = "warning: ccx@0.1.0: aarch64-linux-gnu-gcc: error: unrecognized command-line option '-m64'\n";
        first_of_kind(log, Kind::WrongCcForTarget);
    }

    #[test]
    fn a_foreign_library_found_by_a_cross_linker_is_not_this_rule() {
        let log = "error: linking with `aarch64-linux-gnu-gcc` failed: exit status: 1
  = note: /usr/lib/gcc-cross/aarch64-linux-gnu/12/../../../../aarch64-linux-gnu/bin/ld: /usr/lib/x86_64-linux-gnu/libssl.so: error adding symbols: file in wrong format
";
        first_of_kind(log, Kind::WrongArchLibrary);
    }

    #[test]
    fn older_and_relative_rust_objects_and_translated_emulations() {
        let cases = [
            "/usr/bin/ld: target/armv7-unknown-linux-gnueabihf/debug/deps/app-3f2a.0.o: Relocations in generic ELF (EM: 40)\n",
            "/usr/bin/ld: /w/target/aarch64-unknown-linux-gnu/debug/deps/app-1.0.rust-cgu.o: Relocations in generic ELF (EM: 183)\n",
            "= note: /usr/bin/ld: /tmp/rustcAbC123/symbols.o: Relocations in generic ELF (EM: 183)\n",
        ];
        for log in cases {
            first_of_kind(log, Kind::HostLinkerUsed);
        }
        // A foreign library member measured against rustc's symbols.o.
        let log = "rust-lld: error: /r/lib/rustlib/loongarch64-unknown-none/lib/libcompiler_builtins-7.rlib(4-absvdi2.o) is incompatible with /tmp/rustcE4rpQv/symbols.o\n";
        first_of_kind(log, Kind::WrongArchLibrary);
        let cases = [
            "/usr/bin/ld: nicht erkannter Emulationsmodus: aarch64linux\n",
            "/usr/bin/ld : mode d'émulation non reconnu : aarch64linux\n",
        ];
        for log in cases {
            let finding = first_of_kind(log, Kind::HostLinkerUsed);
            assert_eq!(
                fact(&finding, "object"),
                Some("(emulation aarch64linux)"),
                "{log}"
            );
        }
    }

    #[test]
    fn prefixed_and_crlf_excerpts() {
        let cases = [
            "#12 3.45   = note: /usr/bin/ld: /app/target/aarch64-unknown-linux-gnu/release/deps/x-1.x.2-cgu.0.rcgu.o: Relocations in generic ELF (EM: 183)\n",
            "2026-05-06T07:08:09.1234567Z   = note: /usr/bin/ld: /home/runner/work/a/a/target/aarch64-unknown-linux-gnu/release/deps/x-1.x.2-cgu.0.rcgu.o: error adding symbols: file in wrong format\r\n",
            "ld: unknown file type in '/w/target/aarch64-unknown-linux-gnu/debug/deps/x-1.x.2-cgu.0.rcgu.o'\n",
        ];
        for log in cases {
            let finding = first_of_kind(log, Kind::HostLinkerUsed);
            assert_eq!(
                finding.target.as_deref(),
                Some("aarch64-unknown-linux-gnu"),
                "{log}"
            );
        }
    }

    #[test]
    fn lld_link_machine_type_conflict() {
        let log = "  = note: lld-link: error: C:\\w\\target\\aarch64-pc-windows-msvc\\debug\\deps\\app.app.1-cgu.0.rcgu.o: machine type arm64 conflicts with x64\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("aarch64-pc-windows-msvc"));
        let log = "lld-link: error: zlib.lib(adler32.obj): machine type x64 conflicts with arm64\n";
        first_of_kind(log, Kind::WrongArchLibrary);
    }

    #[test]
    fn a_rust_object_name_wrapped_onto_the_line_above() {
        let log = "  = note: /usr/bin/ld: /src/app/target/armv7-unknown-linux-gnueabihf/debug/deps/app-0f1e.app.7c-cgu.0.rcgu.o:
          Relocations in generic ELF (EM: 40)
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(
            finding.target.as_deref(),
            Some("armv7-unknown-linux-gnueabihf")
        );
    }

    #[test]
    fn binutils_translations_on_rust_objects_and_archives() {
        let object =
            "/src/target/riscv64gc-unknown-linux-gnu/release/deps/srv-9a.srv.3f-cgu.0.rcgu.o";
        let lines = [
            format!("/usr/bin/ld : {object} : Réadressages en format ELF générique (EM: 243)"),
            format!("/usr/bin/ld: {object}: Перемещения в универсальном ELF (EM: 243)"),
            format!(
                "/usr/bin/ld: {object}: error al añadir símbolos: formato de fichero incorrecto"
            ),
            format!("/usr/bin/ld: {object}: 无法添加符号: 文件格式错误"),
        ];
        for line in lines {
            let finding = first_of_kind(&format!("{line}\n"), Kind::HostLinkerUsed);
            assert_eq!(
                finding.target.as_deref(),
                Some("riscv64gc-unknown-linux-gnu"),
                "{line}"
            );
        }
        let log = "/usr/bin/ld: /src/target/armv7-unknown-linux-gnueabihf/debug/deps/libserde-5c.rlib: error adding symbols: file format not recognized\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(
            fact(&finding, "object"),
            Some("/src/target/armv7-unknown-linux-gnueabihf/debug/deps/libserde-5c.rlib")
        );
    }

    #[test]
    fn msvc_link_for_another_machine_without_a_file_name() {
        let log = "   Compiling app v0.1.0 (C:\\w\\app)\r
error: linking with `link.exe` failed: exit code: 1112\r
  = note: \"link.exe\" \"/OUT:C:\\\\w\\\\target\\\\aarch64-pc-windows-msvc\\\\debug\\\\deps\\\\app.exe\"\r
  = note: LINK : fatal error LNK1112: module machine type 'ARM64' conflicts with target machine type 'x64'\r
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("aarch64-pc-windows-msvc"));
        // Modules of another machine than the target are a library's.
        let library = log.replace(
            "'ARM64' conflicts with target machine type 'x64'",
            "'x64' conflicts with target machine type 'ARM64'",
        );
        first_of_kind(&library, Kind::WrongArchLibrary);
    }

    #[test]
    fn the_host_cc_rejecting_m64_in_gcc_translations() {
        for note in [
            "cc: Fehler: nicht erkannte Kommandozeilenoption »-m64«",
            "gcc: erreur: option « -m64 » non reconnue sur la ligne de commande",
            "cc: fel: okänd kommandoradsflagga \"-m64\"",
        ] {
            let log = format!(
                "error: linking with `cc` failed: exit status: 1\n  = note: \"cc\" \"-m64\" \"/w/target/x86_64-unknown-linux-gnu/debug/deps/a-1.a.2-cgu.0.rcgu.o\"\n  = note: {note}\n"
            );
            let finding = first_of_kind(&log, Kind::HostLinkerUsed);
            assert_eq!(
                finding.target.as_deref(),
                Some("x86_64-unknown-linux-gnu"),
                "{note}"
            );
        }
    }

    #[test]
    fn the_default_cc_failing_under_cross_with_the_note_cut() {
        let log = "$ cross build --release --target armv7-unknown-linux-gnueabihf
   Compiling app v0.3.0 (/project)
error: linking with `cc` failed: exit status: 1
  |
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(
            finding.target.as_deref(),
            Some("armv7-unknown-linux-gnueabihf")
        );
        // Without cross, or with a message another rule knows, it is not this.
        let plain = log.replace("cross build", "cargo build");
        assert!(
            super::super::testing::explain(&plain)
                .iter()
                .all(|f| f.kind != Kind::HostLinkerUsed)
        );
        let known = format!("{log}  = note: /usr/bin/ld: cannot find -lasound\n");
        first_of_kind(&known, Kind::MissingLibraryAtLink);
    }

    #[test]
    fn the_supported_emulations_on_the_same_line() {
        let log = "/usr/bin/ld.bfd: unrecognised emulation mode: aarch64linux Supported emulations: elf_x86_64 elf32_x86_64 elf_i386\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(fact(&finding, "object"), Some("(emulation aarch64linux)"));
    }

    #[test]
    fn apple_ld_given_elf_files_and_rustc_archives() {
        let log = "ld: warning: ignoring file /w/target/aarch64-unknown-linux-gnu/debug/deps/liblog-3a.rlib, building for macOS-arm64 but attempting to link with file built for unknown-unsupported file format ( 0x21 0x3C 0x61 0x72 0x63 0x68 0x3E 0x0A )\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        let log = "ld: warning: ignoring file /opt/sysroot/usr/lib/libz.so, file was built for unsupported file format ( 0x7F 0x45 0x4C 0x46 0x02 0x01 0x01 0x00 ) which is not the architecture being linked (x86_64): /opt/sysroot/usr/lib/libz.so\n";
        first_of_kind(log, Kind::HostLinkerUsed);
        // A Mach-O library of the other architecture is a library's problem.
        let log = "ld: warning: ignoring file /usr/local/lib/libz.dylib, building for macOS-arm64 but attempting to link with file built for macOS-x86_64\n";
        first_of_kind(log, Kind::WrongArchLibrary);
    }

    #[test]
    fn the_input_architecture_message_in_translation() {
        let object = "/w/target/aarch64-unknown-linux-gnu/release/deps/app-2b.app.9-cgu.0.rcgu.o";
        for line in [
            format!(
                "/usr/bin/ld: архитектура aarch64 входного файла «{object}» несовместима с выходным i386:x86-64"
            ),
            format!(
                "/usr/bin/ld: la arquitectura aarch64 del fichero de entrada `{object}' es incompatible con la salida i386:x86-64"
            ),
        ] {
            let finding = first_of_kind(&format!("{line}\n"), Kind::HostLinkerUsed);
            assert_eq!(fact(&finding, "object"), Some(object), "{line}");
        }
        let log = "/usr/bin/aarch64-linux-gnu-ld: architecture i386:x86-64 du fichier d'entrée « /usr/lib/x86_64-linux-gnu/libz.a(deflate.o) » est incompatible avec la sortie aarch64\n";
        let finding = first_of_kind(log, Kind::WrongArchLibrary);
        assert_eq!(
            fact(&finding, "library"),
            Some("/usr/lib/x86_64-linux-gnu/libz.a(deflate.o)")
        );
    }

    #[test]
    fn msvc_link_of_the_host_machine_in_another_language() {
        let log = "error: linking with `link.exe` failed: exit code: 1112
  = note: \"link.exe\" \"C:\\\\w\\\\target\\\\aarch64-pc-windows-msvc\\\\release\\\\deps\\\\app.app.1-cgu.0.rcgu.o\"
  = note: app.app.1-cgu.0.rcgu.o : fatal error LNK1112: 模块计算机类型“ARM64”与目标计算机类型“x64”冲突
";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("aarch64-pc-windows-msvc"));
    }

    /// gold's `%s: unsupported ELF machine number %d` from the host's
    /// ld.gold given a target's C runtime object (a clang or gcc driver
    /// falling back to the host's gold).
    #[test]
    fn host_gold_unsupported_elf_machine_number() {
        let log = "/build/tmp/hosttools/ld.gold: fatal error: /build/sysroot/usr/lib/aarch64-poky-linux/10.2.0/../../Scrt1.o: unsupported ELF machine number 183\nclang-12: error: linker command failed with exit code 1 (use -v to see invocation)\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(fact(&finding, "elf_machine"), Some("183"));
        let log = "ld.gold: fatal error: /w/target/aarch64-unknown-linux-gnu/debug/deps/app-1.app.abc-cgu.0.rcgu.o: unsupported ELF machine number 183\n";
        let finding = first_of_kind(log, Kind::HostLinkerUsed);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
    }

    /// bfd's `%P: cannot represent machine `%s'` (binutils 2.2x–2.4x, in
    /// backtick-quote or straight quotes) from the host's unprefixed ld.
    #[test]
    fn host_bfd_cannot_represent_machine() {
        for log in [
            "/nix/store/abc-binutils-2.31.1/bin/ld: cannot represent machine `arm'\n",
            "/usr/bin/ld: cannot represent machine 'aarch64'\n",
        ] {
            let finding = first_of_kind(log, Kind::HostLinkerUsed);
            assert!(fact(&finding, "object").is_some_and(|o| o.starts_with("(machine ")));
        }
        // A cross ld saying it is a different failure.
        let log = "/usr/bin/arm-none-eabi-ld: cannot represent machine `aarch64'\n";
        let findings = super::super::testing::explain(log);
        assert!(findings.iter().all(|f| f.kind != Kind::HostLinkerUsed));
    }
}
