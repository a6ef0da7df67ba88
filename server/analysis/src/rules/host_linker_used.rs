//! Detects `host_linker_used`: the host's `cc`/`ld` was handed the target's
//! Rust object files because no linker for the target is configured.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};
use crossport_formats::arch::debian_arch_for_triple;

pub(super) const SUMMARY: &str =
    "no linker is configured for the target, so the host's linker got the target's objects";

pub(super) const TRIGGERS: &[&str] = &[
    r"\.o(?:\)|:|\b).*Relocations in generic ELF",
    r"\.o(?:\([^)]*\))?: (?:error adding symbols: )?file in wrong format",
    r"\.o(?:\([^)]*\))?: file not recognized: file format not recognized",
    r"\.o is incompatible with \S+",
    r"architecture of input file `[^']*\.o' is incompatible with",
    r"ignoring file \S+\.o, building for .* but attempting to link with file built for",
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
fn rust_object(content: &str) -> Option<String> {
    let path = regex!(r"(/?[^\s:`'()]+\.o)\b")
        .captures_iter(content)
        .map(|c| c[1].to_owned())
        .find(|path| {
            path.ends_with(".rcgu.o") || path.contains("/target/") || path.contains("/deps/")
        })?;
    Some(path)
}

/// Whether a linker line comes from the host's own, unprefixed GNU ld
/// (`/usr/bin/ld: …`, `ld: …`), not a cross one (`aarch64-linux-gnu-ld`,
/// `/usr/aarch64-linux-gnu/bin/ld`).
pub(crate) fn is_host_ld_line(content: &str) -> bool {
    regex!(r"^(?:/usr(?:/local)?/bin/|/bin/)?ld(?:\.bfd|\.gold)?: ").is_match(content)
}

/// A C object (not rustc's) that the host's ld found to be of another
/// architecture: a C build driven for the target but linked by the host.
fn host_ld_c_object(content: &str) -> Option<String> {
    if !is_host_ld_line(content) || !content.contains("Relocations in generic ELF") {
        return None;
    }
    regex!(r"(\S+\.o)(?:\([^)]*\))?: Relocations")
        .captures(content)
        .map(|c| c[1].trim_start_matches("ld: ").to_owned())
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
}
