//! Detects `cc_tool_not_found`: a build script's C compiler, archiver or
//! build tool for the target does not exist.

use super::context::{one_hit_per_key, text_fact};
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};
use crossport_formats::arch::debian_arch_for_triple;

pub(super) const SUMMARY: &str =
    "a build script's C compiler or build tool for the target is not installed";

pub(super) const TRIGGERS: &[&str] = &[
    r#"failed to find tool "[^"]+""#,
    r#"[Ff]ailed to find tool\. Is [`'‘"][^`'’"]+[`'’"] installed"#,
    r"is `[^`]+` not installed\?",
    r#"failed to execute \["[^"]+"[^\]]*\]: No such file or directory"#,
    r"(?:^|/)(?:ba)?sh(?:: \d+)?: [\w.+/-]+: (?:command )?not found",
    r"\b[\w.+-]*(?:gcc|g\+\+|clang|cc|ar|ranlib|cmake|nasm|protoc)\b: (?:command )?not found",
];

/// Diagnostic: cc_tool_not_found
///
/// **What it means.** A build script (through the `cc` crate, `cmake`, or a
/// shell) tried to run a C compiler, archiver or build tool for the target and
/// the program does not exist: cc-rs's `failed to find tool
/// "aarch64-linux-gnu-gcc"` (older: `Failed to find tool. Is ... installed?`,
/// `is ... not installed?`), or a shell's `musl-gcc: not found`.
///
/// **Why it happens.** For a cross target cc-rs guesses a prefixed compiler
/// (`aarch64-linux-gnu-gcc`, `x86_64-linux-musl-gcc`) unless `CC_<triple>` says
/// otherwise, and that compiler is not installed; or `CC_<triple>`/`CC` points
/// at a path that does not exist.
///
/// **How to fix.** Install the cross compiler (`install_cc_tool`, e.g. Debian's
/// `gcc-aarch64-linux-gnu`), or point `CC_<triple>`/`AR_<triple>` at a compiler
/// this machine has, such as `clang --target=<triple>` with a sysroot
/// (`configure_cc`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    one_hit_per_key(cx, hits, |index| tool_named(cx.content(index)))
        .into_iter()
        .map(|(tool, index)| describe(cx, index, &tool))
        .collect()
}

/// The missing tool a line names; `perl` belongs to `vendored_openssl_perl`.
fn tool_named(content: &str) -> Option<String> {
    let pattern = regex!(
        r#"failed to find tool "([^"]+)"|failed to execute \["([^"]+)"[^\]]*\]: No such file|[Ff]ailed to find tool\. Is [`'‘"]([^`'’"]+)[`'’"] installed|is `([^`]+)` not installed\?|(?:sh(?:: \d+)?: |^)([\w.+/-]+): (?:command )?not found"#
    );
    let tool = pattern
        .captures(content)?
        .iter()
        .skip(1)
        .flatten()
        .next()?
        .as_str()
        .to_owned();
    let base = tool.rsplit('/').next().unwrap_or(&tool);
    let excluded = base == "perl" || tool.starts_with("./") || base.is_empty();
    (!excluded).then_some(tool)
}

fn describe(cx: &Context<'_>, index: usize, tool: &str) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::CcToolNotFound, "", start, index);
    finding = text_fact(finding, "tool", Some(tool));
    let for_target = cx.for_target(&finding);
    let who = finding
        .facts
        .get("crate")
        .and_then(|c| c.as_str())
        .map_or_else(
            || "a build script".to_owned(),
            |c| format!("{c}'s build script"),
        );
    finding.message = format!("{who} needs `{tool}`{for_target}, which is not installed");
    let package = debian_package_for_tool(tool, finding.target.as_deref());
    let install = match &package {
        Some(package) => format!("Install `{tool}` (Debian: {package})"),
        None => format!("Install `{tool}`"),
    };
    finding = text_fact(finding, "debian_package", package.as_deref());
    finding.with_fix(fix::INSTALL_CC_TOOL, install).with_fix(
        fix::CONFIGURE_CC,
        "Point CC_<triple> at a C compiler this machine has for the target (e.g. clang --target)",
    )
}

/// Debian's cross compiler package for a `<multiarch>-gcc` style tool.
fn debian_package_for_tool(tool: &str, target: Option<&str>) -> Option<String> {
    let base = tool.rsplit('/').next().unwrap_or(tool);
    if base == "musl-gcc" {
        return Some("musl-tools".to_owned());
    }
    let arch = target.and_then(debian_arch_for_triple)?;
    for (suffix, package) in [("-gcc", "gcc"), ("-g++", "g++"), ("-ar", "binutils")] {
        if base == format!("{}{suffix}", arch.multiarch) {
            return Some(format!("{package}-{}", arch.multiarch));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn cc_rs_tool_missing_in_block() {
        let log = "warning: ccx@0.1.0: Compiler family detection failed due to error: ToolNotFound: failed to find tool \"aarch64-linux-gnu-gcc\": No such file or directory (os error 2)
error: failed to run custom build command for `ccx v0.1.0 (/w/ccx)`

Caused by:
  process didn't exit successfully: `/w/target/debug/build/ccx-1/build-script-build` (exit status: 1)
  --- stdout
  TARGET = Some(aarch64-unknown-linux-gnu)
  cargo:rerun-if-env-changed=CC_aarch64-unknown-linux-gnu
  --- stderr
  error occurred in cc-rs: failed to find tool \"aarch64-linux-gnu-gcc\": No such file or directory (os error 2)
";
        let findings = super::super::testing::explain(log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("aarch64-linux-gnu-gcc"));
        assert_eq!(fact(&finding, "crate"), Some("ccx"));
        assert_eq!(
            fact(&finding, "debian_package"),
            Some("gcc-aarch64-linux-gnu")
        );
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(finding.evidence.lines, Some([2, 10]));
        assert_eq!(fix_ids(&finding), ["install_cc_tool", "configure_cc"]);
    }

    #[test]
    fn shell_cannot_find_musl_gcc() {
        let log = "  sh: 1: musl-gcc: not found\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("musl-gcc"));
        assert_eq!(fact(&finding, "debian_package"), Some("musl-tools"));
    }

    #[test]
    fn gcc_crate_panic_of_2017() {
        let log = "thread '<unnamed>' panicked at 'failed to execute [\"musl-gcc\" \"-O3\" \"-c\" \"x.c\"]: No such file or directory (os error 2)', build.rs:655\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("musl-gcc"));
    }

    #[test]
    fn old_cc_rs_wording() {
        let log = "  failed to execute command: No such file or directory (os error 2)\n  is `arm-linux-gnueabihf-gcc` not installed?\n";
        let finding = first_of_kind(log, Kind::CcToolNotFound);
        assert_eq!(fact(&finding, "tool"), Some("arm-linux-gnueabihf-gcc"));
    }
}
