//! Detects `zigbuild_error`: failures particular to cargo-zigbuild and
//! `zig cc` as the linker or C compiler.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "cargo-zigbuild or `zig cc` failed in a zig-specific way (linker arguments, C++ runtime)";

pub(super) const TRIGGERS: &[&str] = &[
    r"unsupported linker arg: \S+",
    r"zigcc-[\w.-]+\.(?:sh|bat)",
    r"cargo-zigbuild",
    r"\bzig (?:cc|c\+\+|ld|build-exe|build-lib)\b",
    r"(?:ld\.lld|lld): error: undefined symbol: (?:std::|__cxa_|__gxx_|vtable for __cxxabiv1|operator new|operator delete|typeinfo for std)",
];

/// Diagnostic: zigbuild_error
///
/// **What it means.** The build used cargo-zigbuild (or `zig cc` as linker/C
/// compiler) and zig itself refused: `unsupported linker arg: --no-undefined-version`
/// or another GNU ld option zig's linker does not take, or C++ symbols that
/// zig's bundled libc++ does not provide (`undefined symbol: std::__1::…`,
/// `__cxa_…`) because a C++ dependency was compiled against libstdc++.
///
/// **Why it happens.** zig emulates gcc's driver and GNU ld but not every
/// option, changes between zig versions, and links its own libc++ rather than
/// the system's libstdc++.
///
/// **How to fix.** Update cargo-zigbuild and zig, which learn new arguments
/// (`update_zigbuild`); build C++ dependencies with `zig c++` too; or use a GNU
/// cross toolchain or clang with a Debian sysroot as the linker instead
/// (`configure_linker`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for &index in hits {
        let content = cx.content(index);
        let argument = regex!(r"unsupported linker arg: (\S+)")
            .captures(content)
            .map(|c| c[1].to_owned());
        let symbol = regex!(r"undefined symbol: (.+)$")
            .captures(content)
            .map(|c| c[1].trim().to_owned());
        if argument.is_none() && symbol.is_none() {
            continue;
        }
        if symbol.is_some() && !zig_involved(cx, index) {
            continue;
        }
        let start = cx.linking_error(index).map_or(index, |(header, _)| header);
        let mut finding = cx.finding(Kind::ZigbuildError, "", start, index);
        let linker = cx.linking_error(index).map(|(_, linker)| linker);
        finding = text_fact(finding, "linker", linker.as_deref());
        finding = text_fact(finding, "linker_arg", argument.as_deref());
        finding = text_fact(finding, "symbol", symbol.as_deref());
        finding.message = match (&argument, &symbol) {
            (Some(argument), _) => {
                format!("zig's linker does not support the argument `{argument}`")
            }
            (None, Some(symbol)) => {
                format!("zig's libc++ does not provide the C++ symbol `{symbol}`")
            }
            (None, None) => continue,
        };
        if findings
            .iter()
            .any(|known| known.message == finding.message)
        {
            continue;
        }
        findings.push(
            finding
                .with_fix(fix::UPDATE_ZIGBUILD, "Update cargo-zigbuild and zig")
                .with_fix(
                    fix::CONFIGURE_LINKER,
                    "Use a GNU cross toolchain or clang+lld with a Debian sysroot instead of zig",
                ),
        );
    }
    findings
}

/// A linker error is zig's when its header or nearby lines name zig.
fn zig_involved(cx: &Context<'_>, index: usize) -> bool {
    if cx
        .linking_error(index)
        .is_some_and(|(_, linker)| linker.contains("zig"))
    {
        return true;
    }
    let start = index.saturating_sub(60);
    (start..index).any(|i| cx.content(i).contains("zig"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn unsupported_linker_argument() {
        let log = "error: linking with `/home/u/.cache/cargo-zigbuild/0.19.1/zigcc-aarch64-unknown-linux-gnu.2.17-1.sh` failed: exit status: 1
  = note: error: unsupported linker arg: --no-undefined-version
";
        let finding = first_of_kind(log, Kind::ZigbuildError);
        assert_eq!(fact(&finding, "linker_arg"), Some("--no-undefined-version"));
        assert_eq!(finding.evidence.lines, Some([1, 2]));
        assert_eq!(fix_ids(&finding), ["update_zigbuild", "configure_linker"]);
    }

    #[test]
    fn libcxx_symbols_only_count_with_zig() {
        let log = "error: linking with `zigcc-x86_64-unknown-linux-gnu.sh` failed: exit status: 1
  = note: ld.lld: error: undefined symbol: std::__throw_length_error(char const*)
";
        let finding = first_of_kind(log, Kind::ZigbuildError);
        assert_eq!(
            fact(&finding, "symbol"),
            Some("std::__throw_length_error(char const*)")
        );
        let plain = "ld.lld: error: undefined symbol: std::__throw_length_error(char const*)\n";
        assert!(super::super::testing::explain(plain).is_empty());
    }
}
