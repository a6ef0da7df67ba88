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
];

/// Diagnostic: host_linker_used
///
/// **What it means.** The linker that ran is the host's (`cc`, `/usr/bin/ld`,
/// `rust-lld` for the host), and it was given object files rustc produced for
/// the target: `Relocations in generic ELF (EM: 183)`, `file in wrong format`,
/// `... .rcgu.o is incompatible with elf_x86_64`.
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
        let content = cx.content(index);
        let Some(object) = rust_object(content).or_else(|| host_ld_c_object(content)) else {
            continue;
        };
        let start = cx.linking_error(index).map_or(index, |(header, _)| header);
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
    let path = regex!(r"(/?[^\s:`'‘’()]+\.o)\b")
        .captures_iter(content)
        .map(|c| c[1].to_owned())
        .find(|path| {
            path.ends_with(".rcgu.o")
                || ((path.contains("/target/") || path.contains("/deps/"))
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
    let Some(captures) =
        regex!(r"^((?:[A-Za-z]:)?[^\s:]*[/\\])?ld(?:\.bfd|\.gold)?(?:\.exe)?: ").captures(content)
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
        r"(?i)(\S+\.rlib\([^)]+\.o\)|\S+\.o)(?:\([^)]*\))?:? (?:relocations in generic ELF|(?:error adding symbols: )?file in wrong format|file not recognized)"
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

fn describe(cx: &Context<'_>, index: usize, start: usize, object: &str) -> Finding {
    let linker = cx.linking_error(index).map(|(_, linker)| linker);
    let mut finding = cx.finding(Kind::HostLinkerUsed, "", start, index);
    if finding.target.is_none() {
        let from_path = super::targets::triples_in_line(object)
            .first()
            .map(|t| (*t).to_owned());
        finding.target = from_path;
    }
    let machine = regex!(r"\(EM: (\d+)\)")
        .captures(cx.content(index))
        .map(|c| c[1].to_owned());
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
}
