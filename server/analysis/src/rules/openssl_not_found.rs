//! Detects `openssl_not_found`: openssl-sys's build script gave up looking
//! for OpenSSL for the target, in any of the wordings its versions used.

use super::context::text_fact;
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "openssl-sys's build script found no OpenSSL (headers and libraries) for the target";

pub(super) const TRIGGERS: &[&str] = &[
    r"Could not find directory of OpenSSL installation",
    r"Could not find openssl via pkg-config",
    r"OpenSSL (?:library|include) directory does not exist",
    r"requires the `pkg-config` utility to find OpenSSL",
    r"Package openssl was not found in the pkg-config search path",
    r"The system library `openssl` required by crate",
    r"[Ff]ailed to find OpenSSL development headers",
    // openssl-sys's other refusals, and pkg-config's words about openssl.
    r"does not contain the required files to either statically or dynamically link OpenSSL",
    r"could not find system library '(?:openssl|libssl|libcrypto)' required by the 'openssl-sys' crate",
    r"No package '(?:openssl|libssl|libcrypto)' found",
    r"failed to run custom build command for `openssl-sys ",
    // An excerpt of openssl-sys's probe: only its env lines, cut before the panic.
    r"^[A-Z0-9_]*_OPENSSL_(?:LIB_|INCLUDE_)?DIR unset$",
    // The panic text wrapped at another width, or only its later lines.
    r"Could not find directory of OpenSSL\b",
    r"^directory of OpenSSL installation",
    r"you can set the `OPENSSL_DIR` environment variable",
    r"Make sure you also have the development packages of openssl installed",
    r"Could not find OpenSSL",
    // The last lines of its panic: only openssl-sys prints its own version
    // there (after `$HOST = …` / `$TARGET = …`).
    r"^openssl-sys = [0-9]",
    // openssl-sys's own line quoting pkg-config's refusal (printed by every
    // version since 0.9.2x before it gives up).
    r"^run pkg_config fail: ",
    // An OpenSSL whose headers it cannot read or whose version it does not
    // support: no usable OpenSSL for the target either.
    r"but a different version of OpenSSL was found|Unable to detect OpenSSL version",
    // The hints its Windows paths add, and vcpkg's probe on MSVC.
    r"It looks like you're compiling for (?:MinGW but you may not have either OpenSSL|MSVC but we couldn't detect an OpenSSL)",
    r"vcpkg did not find openssl",
];

/// Diagnostic: openssl_not_found
///
/// **What it means.** The `openssl-sys` crate (used by `openssl`, `native-tls`,
/// and so by `reqwest`'s default TLS) runs a build script that must find
/// OpenSSL's headers and libraries *for the target*; it found none and stopped
/// with "Could not find directory of OpenSSL installation" (or, in older
/// versions, a pkg-config failure or "OpenSSL library directory does not exist").
/// Any part of that text counts, wrapped at any width (an excerpt), and so
/// do an OpenSSL it cannot use (`a different version of OpenSSL was found`,
/// `Unable to detect OpenSSL version`), the MinGW and MSVC hints, vcpkg's probe and the panic's last lines
/// (`$HOST = …`, `$TARGET = …`, `openssl-sys = 0.9.99`); its env lines and
/// its `run pkg_config fail: "…"` line (pkg-config's refusal, quoted) alone count
/// only in a log whose build did not finish.
///
/// **Why it happens.** On a cross build the host's `libssl-dev` is for the
/// wrong architecture, pkg-config refuses to answer for another target, and no
/// `<TARGET>_OPENSSL_DIR` / `OPENSSL_DIR` points at a target OpenSSL. The env
/// vars the script consulted are listed in the finding's facts.
///
/// **How to fix.** Fetch a Debian sysroot for the target with `libssl-dev` and
/// point `<TRIPLE>_OPENSSL_DIR` (or pkg-config) at it (`fetch_sysroot_and_wire`);
/// or build OpenSSL from source with the `openssl` crate's `vendored` feature
/// (`use_vendored_openssl`); or drop OpenSSL for rustls (`use_rustls`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    // One finding per target; the best evidence is openssl-sys's own words
    // inside its build-script block, then the block's header, then the
    // `warning:` copy cargo prints before the block.
    let mut best: Vec<(Option<String>, usize, u8)> = Vec::new();
    for &index in hits {
        let Some(score) = evidence_score(cx, index) else {
            continue;
        };
        let target = cx.target_at(index);
        match best.iter_mut().find(|(known, ..)| *known == target) {
            Some(entry) if score > entry.2 => *entry = (target, index, score),
            Some(_) => {}
            None => best.push((target, index, score)),
        }
    }
    best.into_iter()
        .map(|(_, index, _)| describe(cx, index))
        .collect()
}

/// How good a hit is as evidence, or `None` when it is not this rule's.
fn evidence_score(cx: &Context<'_>, index: usize) -> Option<u8> {
    let content = cx.content(index);
    let is_header = content.contains("failed to run custom build command");
    if content.ends_with(" unset") || content.starts_with("run pkg_config fail: ") {
        // A successful verbose build prints the same probe.
        if cx.build_finished() && cx.block(index).is_none() {
            return None;
        }
        // openssl-sys's env lines show in every failure of its script (a
        // vendored build's too): they count only when nothing else failed.
        let lines = cx
            .block(index)
            .map_or(index..(index + 80).min(cx.log.lines.len()), |b| {
                b.lines.clone()
            });
        let ours = cx
            .block(index)
            .is_none_or(|b| b.crate_name == "openssl-sys");
        return (ours && !other_cause_in_block(cx, lines)).then_some(0);
    }
    match cx.block(index) {
        Some(block) if is_header => (!other_cause_in_block(cx, block.lines.clone())).then_some(1),
        Some(block) => {
            (block.crate_name == "openssl-sys" || is_openssl_wording(content)).then_some(2)
        }
        None => Some(0),
    }
}

/// A failed openssl-sys build script whose output is cut short (a pasted
/// excerpt) still means OpenSSL was not found, unless the block shows a
/// more specific failure that another rule reports.
fn other_cause_in_block(cx: &Context<'_>, lines: std::ops::Range<usize>) -> bool {
    // Another probe's env lines (pkg-config's) are not another failure.
    // Nor is pkg-config's refusal that openssl-sys quotes (`run pkg_config
    // fail: "pkg-config has not been configured …"`) and its wrapped lines.
    super::other_rule_triggered_in(cx, Kind::OpensslNotFound, lines, |i| {
        let content = cx.content(i);
        !content.contains("rerun-if-env-changed=")
            && !content.starts_with("run pkg_config fail")
            && !regex!(r"(?i)pkg[-_]config").is_match(content)
    })
}

/// Wordings that only openssl-sys prints, whatever block they are in.
fn is_openssl_wording(content: &str) -> bool {
    content.contains("Could not find directory of OpenSSL")
        || content.contains("directory of OpenSSL installation")
        || content.contains("`OPENSSL_DIR` environment variable")
        || content.contains("development packages of openssl")
        || content.contains("Could not find OpenSSL")
        || content.contains("OpenSSL library directory")
        || content.contains("OpenSSL include directory")
        || content.contains("Could not find openssl via pkg-config")
        || content.contains("ailed to find OpenSSL development headers")
        || content.contains("link OpenSSL")
        || content.contains("required by the 'openssl-sys' crate")
        || content.contains("It looks like you're compiling for")
        || content.contains("vcpkg did not find openssl")
        || content.starts_with("openssl-sys = ")
        || content.starts_with("run pkg_config fail: ")
        || content.contains("a different version of OpenSSL was found")
        || content.contains("Unable to detect OpenSSL version")
}

fn describe(cx: &Context<'_>, index: usize) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::OpensslNotFound, "", start, index);
    // Without a block (an excerpt), the panic's tail around the line.
    let block_lines = cx.block(index).map_or_else(
        || index.saturating_sub(4)..(index + 3).min(cx.log.lines.len()),
        |b| b.lines.clone(),
    );
    let reported_version = block_lines.clone().find_map(|i| {
        regex!(r"^openssl-sys = ([0-9][\w.+-]*)")
            .captures(cx.content(i))
            .map(|c| c[1].to_owned())
    });
    let host = block_lines.clone().find_map(|i| {
        regex!(r"^\$HOST = (\S+)")
            .captures(cx.content(i))
            .map(|c| c[1].to_owned())
    });
    if !finding.facts.contains_key("crate") {
        finding = text_fact(finding, "crate", Some("openssl-sys"));
    }
    if !finding.facts.contains_key("crate_version") {
        finding = text_fact(finding, "crate_version", reported_version.as_deref());
    }
    finding = text_fact(finding, "host", host.as_deref());
    finding = text_fact(finding, "library", Some("openssl"));
    finding = text_fact(finding, "debian_package", Some("libssl-dev"));
    let for_target = cx.for_target(&finding);
    finding.message = format!("openssl-sys found no OpenSSL{for_target}");
    let sysroot_for = finding
        .target
        .clone()
        .unwrap_or_else(|| "the target".to_owned());
    finding
        .with_fix(
            fix::FETCH_SYSROOT_AND_WIRE,
            format!("Fetch a Debian sysroot with libssl-dev for {sysroot_for} and point openssl-sys at it"),
        )
        .with_fix(
            fix::USE_VENDORED_OPENSSL,
            "Build OpenSSL from source with the openssl crate's `vendored` feature",
        )
        .with_fix(fix::USE_RUSTLS, "Use rustls instead of OpenSSL for TLS")
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    const NEW_WORDING: &str = "error: failed to run custom build command for `openssl-sys v0.9.102`

Caused by:
  process didn't exit successfully: `/w/target/debug/build/openssl-sys-1/build-script-main` (exit status: 101)
  --- stdout
  cargo:rerun-if-env-changed=AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_DIR
  cargo:rerun-if-env-changed=OPENSSL_DIR
  run pkg_config fail: \"pkg-config has not been configured to support cross-compilation.\"

  --- stderr
  thread 'main' panicked at build/find_normal.rs:190:5:

  Could not find directory of OpenSSL installation, and this `-sys` crate cannot
  proceed without this knowledge.

  $HOST = x86_64-unknown-linux-gnu
  $TARGET = aarch64-unknown-linux-gnu
  openssl-sys = 0.9.102
";

    #[test]
    fn names_crate_target_and_env_vars() {
        let finding = first_of_kind(NEW_WORDING, Kind::OpensslNotFound);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(fact(&finding, "crate"), Some("openssl-sys"));
        assert_eq!(fact(&finding, "crate_version"), Some("0.9.102"));
        assert_eq!(fact(&finding, "host"), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(
            finding.facts["env_vars"],
            serde_json::json!(["AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_DIR", "OPENSSL_DIR"])
        );
        assert_eq!(finding.evidence.lines, Some([1, 13]));
        assert_eq!(
            fix_ids(&finding),
            [
                "fetch_sysroot_and_wire",
                "use_vendored_openssl",
                "use_rustls"
            ]
        );
    }

    #[test]
    fn pkg_config_probe_inside_openssl_sys_is_not_reported_twice() {
        let findings = super::super::testing::explain(NEW_WORDING);
        assert_eq!(findings.len(), 1, "{findings:#?}");
    }

    #[test]
    fn excerpt_cut_before_the_panic_text() {
        let log = "error: failed to run custom build command for `openssl-sys v0.9.73`

Caused by:
  process didn't exit successfully: `/target/release/build/openssl-sys-0d/build-script-main` (exit status: 101)
  --- stdout
  cargo:rerun-if-env-changed=AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR
  AARCH64_UNKNOWN_LINUX_GNU_OPENSSL_LIB_DIR unset
";
        let finding = first_of_kind(log, Kind::OpensslNotFound);
        assert_eq!(fact(&finding, "crate_version"), Some("0.9.73"));
    }

    #[test]
    fn old_library_directory_wording() {
        let log = "error: failed to run custom build command for `openssl-sys v0.9.58`
Caused by:
  process didn't exit successfully: `/w/target/release/build/openssl-sys-2/build-script-main` (exit code: 101)
--- stderr
thread 'main' panicked at 'OpenSSL library directory does not exist: /usr/local/opt/openssl/lib', build/main.rs:66:9
";
        let finding = first_of_kind(log, Kind::OpensslNotFound);
        assert_eq!(fact(&finding, "crate_version"), Some("0.9.58"));
    }

    #[test]
    fn panic_text_wrapped_at_another_width() {
        let log = "  Could not find directory of OpenSSL\n  installation, and this `-sys` crate cannot proceed without this knowledge.\n";
        first_of_kind(log, Kind::OpensslNotFound);
    }

    #[test]
    fn only_the_hint_lines_survived() {
        let log = "trouble finding it,  you can set the `OPENSSL_DIR` environment variable for the\ncompilation process.\n";
        first_of_kind(log, Kind::OpensslNotFound);
        let log = "  Make sure you also have the development packages of openssl installed.\n";
        first_of_kind(log, Kind::OpensslNotFound);
    }

    #[test]
    fn other_refusals_and_pkg_config_words() {
        for log in [
            "  OpenSSL libdir at `[\"/usr/lib/aarch64-linux-gnu\"]` does not contain the required files to either statically or dynamically link OpenSSL\n",
            "  Failed to find OpenSSL development headers.\n",
            "  could not find system library 'openssl' required by the 'openssl-sys' crate\n",
            "  Package openssl was not found in the pkg-config search path.\n  No package 'openssl' found\n",
        ] {
            super::super::testing::first_of_kind(log, crate::finding::Kind::OpensslNotFound);
        }
    }

    #[test]
    fn windows_hints_and_vcpkg() {
        for log in [
            "  It looks like you're compiling for MinGW but you may not have either OpenSSL or\n  pkg-config installed.\n",
            "  It looks like you're compiling for MSVC but we couldn't detect an OpenSSL\n  installation.\n",
            "  note: vcpkg did not find openssl: Could not find Vcpkg tree: No vcpkg installation found\n",
        ] {
            first_of_kind(log, Kind::OpensslNotFound);
        }
    }

    #[test]
    fn the_probe_of_a_verbose_build_that_finished_is_no_failure() {
        let log =
            "[openssl-sys 0.9.103] cargo:rerun-if-env-changed=X86_64_UNKNOWN_LINUX_GNU_OPENSSL_DIR
[openssl-sys 0.9.103] X86_64_UNKNOWN_LINUX_GNU_OPENSSL_DIR unset
[openssl-sys 0.9.103] OPENSSL_DIR unset
   Compiling app v0.1.0 (/w)
    Finished `dev` profile [unoptimized + debuginfo] target(s) in 9.1s
";
        assert!(super::super::testing::explain(log).is_empty());
    }

    #[test]
    fn only_the_tail_of_the_panic() {
        let log = "  $HOST = x86_64-unknown-linux-gnu\n  $TARGET = armv7-unknown-linux-gnueabihf\n  openssl-sys = 0.9.80\n";
        let finding = first_of_kind(log, Kind::OpensslNotFound);
        assert_eq!(fact(&finding, "crate_version"), Some("0.9.80"));
        assert_eq!(fact(&finding, "host"), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(
            finding.target.as_deref(),
            Some("armv7-unknown-linux-gnueabihf")
        );
    }

    #[test]
    fn only_its_pkg_config_line() {
        let log = "  run pkg_config fail: \"pkg-config has not been configured to support cross-compilation.\\n\\nInstall a sysroot for the target platform and configure it via\\nPKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_PATH.\"\n";
        first_of_kind(log, Kind::OpensslNotFound);
        // A verbose build that found OpenSSL another way and finished.
        let log = "[openssl-sys 0.9.103] run pkg_config fail: \"Could not run `pkg-config`\"\n    Finished `release` profile [optimized] target(s) in 40s\n";
        assert!(super::super::testing::explain(log).is_empty());
    }

    #[test]
    fn an_openssl_it_cannot_use() {
        for log in [
            "  This crate is only compatible with OpenSSL (version 1.0.1 through 1.1.1, or 3), or LibreSSL 2.5\n  through 4.0, but a different version of OpenSSL was found. The build is now aborting\n",
            "  thread 'main' panicked at 'Unable to detect OpenSSL version', build/main.rs:180:9\n",
        ] {
            first_of_kind(log, Kind::OpensslNotFound);
        }
    }
}
