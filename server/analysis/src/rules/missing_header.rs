//! Detects `missing_header`: a build script's C compile for the target
//! could not find a header.

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, packages, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "a build script's C compile for the target could not find a header";

pub(super) const TRIGGERS: &[&str] = &[
    r"fatal error: [\w./+-]+\.h(?:pp|h)?: No such file or directory",
    r"fatal error: '[\w./+-]+\.h(?:pp|h)?' file not found",
    r"error: '[\w./+-]+\.h' file not found",
];

/// Diagnostic: missing_header
///
/// **What it means.** A C or C++ compile run by a build script (cc-rs,
/// cmake, bindgen's clang) stopped at an `#include` it could not find:
/// `fatal error: openssl/opensslv.h: No such file or directory`, clang's
/// `'bits/libc-header-start.h' file not found`.
///
/// **Why it happens.** The compiler looks in the target's include paths, and
/// the target has no headers there: a library's `-dev` package is installed
/// only for the host, or the compiler has no sysroot for the target at all
/// (then even C library headers like `bits/…` or `stdio.h` are missing;
/// a 32-bit x86 build without multilib shows the same).
///
/// **How to fix.** Fetch a Debian sysroot for the target holding the named
/// `-dev` package (and libc6-dev) and pass it to the C compiler with
/// `--sysroot`/`-isystem` via `CFLAGS_<triple>` (`fetch_sysroot_and_wire`);
/// or install the target's C library headers with the cross compiler
/// (`install_cc_tool`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    one_hit_per_key(cx, hits, |index| header_named(cx.content(index)))
        .into_iter()
        .map(|(header, index)| describe(cx, index, &header))
        .collect()
}

fn header_named(content: &str) -> Option<String> {
    regex!(r"(?:fatal )?error: '?([\w./+-]+\.h(?:pp|h)?)'?(?:: No such file| file not found)")
        .captures(content)
        .map(|c| c[1].to_owned())
}

fn describe(cx: &Context<'_>, index: usize, header: &str) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::MissingHeader, "", start, index);
    let package = packages::for_header(header);
    finding = text_fact(finding, "header", Some(header));
    finding = text_fact(finding, "debian_package", package);
    let for_target = cx.for_target(&finding);
    let who = finding
        .facts
        .get("crate")
        .and_then(|c| c.as_str())
        .map_or_else(
            || "A build script".to_owned(),
            |c| format!("{c}'s build script"),
        );
    finding.message = format!("{who} could not find the C header `{header}`{for_target}");
    let wanted = package.unwrap_or("the library's -dev package");
    let is_libc = package == Some("libc6-dev") || package == Some("linux-libc-dev");
    let finding = finding.with_fix(
        fix::FETCH_SYSROOT_AND_WIRE,
        format!(
            "Fetch a Debian sysroot with {wanted} for the target and pass it to the C compiler"
        ),
    );
    if is_libc {
        finding.with_fix(
            fix::INSTALL_CC_TOOL,
            "Install a cross C compiler that ships the target's C library headers",
        )
    } else {
        finding
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn gcc_wording() {
        let log = "  cargo:warning=/usr/include/openssl/macros.h:14:10: fatal error: openssl/opensslconf.h: No such file or directory\n";
        let finding = first_of_kind(log, Kind::MissingHeader);
        assert_eq!(fact(&finding, "header"), Some("openssl/opensslconf.h"));
        assert_eq!(fact(&finding, "debian_package"), Some("libssl-dev"));
        assert_eq!(fix_ids(&finding), ["fetch_sysroot_and_wire"]);
    }

    #[test]
    fn clang_wording_for_libc_headers() {
        let log = "warning: cssl@0.1.0: /usr/include/stdio.h:27:10: fatal error: 'bits/libc-header-start.h' file not found\n";
        let finding = first_of_kind(log, Kind::MissingHeader);
        assert_eq!(fact(&finding, "header"), Some("bits/libc-header-start.h"));
        assert_eq!(fact(&finding, "crate"), Some("cssl"));
        assert_eq!(
            fix_ids(&finding),
            ["fetch_sysroot_and_wire", "install_cc_tool"]
        );
    }
}
