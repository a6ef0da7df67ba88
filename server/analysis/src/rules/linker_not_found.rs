//! Detects `linker_not_found`: rustc could not start the linker it was
//! told to use (or the one `cc` was told to use via `-fuse-ld`).

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str = "rustc could not run the configured or default linker";

pub(super) const TRIGGERS: &[&str] = &[
    r"^error: linker `[^`]+` not found",
    r"could not exec the linker `[^`]+`",
    r"fatal error: cannot find ['‘`](?:ld|[\w.+-]*-ld|ld\.[\w]+)['’`]",
    r"invalid linker name in argument '-fuse-ld=[^']+'",
];

/// Diagnostic: linker_not_found
///
/// **What it means.** rustc tried to run the linker for the target and the
/// program does not exist: `error: linker `aarch64-linux-gnu-gcc` not found`,
/// `could not exec the linker`, or the C driver could not find the linker it
/// was asked for (`-fuse-ld=lld` without lld installed).
///
/// **Why it happens.** `[target.<triple>] linker` in `.cargo/config.toml`,
/// `CARGO_TARGET_<TRIPLE>_LINKER` or `-C linker=` names a cross linker that is
/// not installed or not on `PATH`; or the default `cc` is missing entirely.
///
/// **How to fix.** Configure a linker this machine has for the target: clang
/// with lld and a sysroot, a GNU cross gcc, or zig (`configure_linker`); or
/// install the named one (`install_cc_tool`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    hits.iter().map(|&index| describe(cx, index)).collect()
}

fn describe(cx: &Context<'_>, index: usize) -> Finding {
    let content = cx.content(index);
    let named = regex!(r"linker `([^`]+)`|cannot find '([^']+)'|-fuse-ld=([^']+)'")
        .captures(content)
        .and_then(|c| {
            c.iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| m.as_str().to_owned())
        });
    let driver = cx.linking_error(index).map(|(_, linker)| linker);
    let last = next_note(cx, index);
    let mut finding = cx.finding(Kind::LinkerNotFound, "", index, last);
    let linker = named.as_deref().unwrap_or("cc");
    if finding.target.is_none() {
        finding.target = target_of_prefixed_linker(linker);
    }
    finding = text_fact(finding, "linker", Some(linker));
    finding = text_fact(finding, "tool", Some(linker));
    if driver.as_deref() != Some(linker) {
        finding = text_fact(finding, "driver", driver.as_deref());
    }
    let for_target = cx.for_target(&finding);
    finding.message = format!("the linker `{linker}`{for_target} is not installed or not on PATH");
    finding
        .with_fix(
            fix::CONFIGURE_LINKER,
            "Configure a linker this machine has for the target in .cargo/config.toml",
        )
        .with_fix(fix::INSTALL_CC_TOOL, format!("Install `{linker}`"))
}

/// A GNU cross linker is named after its Debian multiarch tuple
/// (`aarch64-linux-gnu-gcc`); when the log names no triple, that names the
/// target the linker was configured for.
fn target_of_prefixed_linker(linker: &str) -> Option<String> {
    let base = linker.rsplit('/').next().unwrap_or(linker);
    let (prefix, _) = base.rsplit_once('-')?;
    crossport_formats::arch::triples_with_debian_sysroot()
        .find(|triple| {
            crossport_formats::arch::debian_arch_for_triple(triple)
                .is_some_and(|arch| arch.multiarch == prefix)
        })
        .map(str::to_owned)
}

/// rustc follows the error with `= note: No such file or directory`.
fn next_note(cx: &Context<'_>, index: usize) -> usize {
    (index + 1..index + 4)
        .find(|&i| cx.content(i).starts_with("note: No such file"))
        .unwrap_or(index)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn configured_cross_linker_missing() {
        let log = "error: linker `aarch64-linux-gnu-gcc` not found
  |
  = note: No such file or directory (os error 2)

error: could not compile `nc` (bin \"nc\") due to 1 previous error
";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(fact(&finding, "crate"), Some("nc"));
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(finding.evidence.lines, Some([1, 3]));
        assert_eq!(fix_ids(&finding), ["configure_linker", "install_cc_tool"]);
    }

    #[test]
    fn lld_missing_behind_cc() {
        let log = "error: linking with `cc` failed: exit status: 1
  = note: cc: error: invalid linker name in argument '-fuse-ld=lld'
";
        let finding = first_of_kind(log, Kind::LinkerNotFound);
        assert_eq!(fact(&finding, "linker"), Some("lld"));
        assert_eq!(fact(&finding, "driver"), Some("cc"));
    }
}
