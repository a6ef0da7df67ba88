//! Detects `pkg_config_cross`: pkg-config refused to answer for a cross
//! target, or found no `.pc` file for it, in a crate other than openssl-sys.

use super::context::text_fact;
use super::{Context, fix, packages, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "pkg-config refused to run for a cross target, or found no library for it";

pub(super) const TRIGGERS: &[&str] = &[
    r"pkg-config has not been configured to support cross-compilation",
    r"Cross compilation detected\. Use PKG_CONFIG_ALLOW_CROSS=1",
    r"Package \S+ was not found in (?:the )?pkg-config search path",
    // pkg-config-rs 0.3.28+ wording.
    r"could not find system library '[^']+' required by the '[^']+' crate",
    // The same cut after the library's name (a wrapped or quoted line).
    r"(?i:could not find system library) '[^']+'(?:$|[\s.:])",
    // pkg-config-rs's `Error::Failure` Debug value, bare or inside
    // system-deps' `PkgConfig(…)`, when its stderr was not printed.
    r#"Failure \{ command: \\?"[^"]*pkg-?config"#,
    // An excerpt of the probe: only its env lines, cut before the error.
    r"rerun-if-env-changed=PKG_CONFIG_ALLOW_CROSS_[\w-]+\s*$",
    r"The system library `[^`]+` required by crate `[^`]+` was not found",
    // Older pkg-config-rs (Display and Debug), its MSVC refusal, and the
    // newest wording's second sentence when the first was wrapped away.
    r"pkg-config (?:doesn\\?'t|does not) handle cross[ -]?compilation",
    r"Err(?:` value)?: CrossCompilation\b",
    // The same Debug value wrapped in another crate's error type.
    r"(?:Err|PkgConfig|pkg_config|kind: )[^\n]{0,40}\(?CrossCompilation\b",
    r"MSVC target detected\. If you are using the MSVC ABI",
    r"Install a sysroot for the target platform and configure it via",
    r"has not been configured to support cross-compilation",
    // pkg-config's and pkgconf's own words, possibly wrapped or escaped.
    r#"No package \\?'[^'\\]+\\?' found"#,
    r"Package '[^']+', required by '[^']+', not found",
    r"found in the pkg-config search path",
    r"The file `[^`]+\.pc` needs to be installed",
    r"Perhaps you should add the directory containing [`'‘\x22][^`'’\x22]+\.pc",
    // pkg-config-rs 0.3.30+'s hint after the system library's name was cut off.
    r"try setting PKG_CONFIG_PATH to the directory containing [`'‘\x22][^`'’\x22]+\.pc",
    // The probe's failure when its explanation was cut off (pkg-config-rs,
    // system-deps), a module too old (pkg-config, pkgconf), and meson's
    // pkg-config lookup.
    r"`[^`]*pkg-?config\\?\x22?\s[^`]*` did not exit successfully",
    r"pkg-config exited with status code \d+",
    r"Requested '[^']+' but version of .+ is ",
    r"Package dependency requirement '[^']+' could not be satisfied",
    r"Package '[^']+' has version '[^']+', required version is",
    r"Dependency [\x22']?[\w.+-]+[\x22']? not found, tried pkg-?config",
    // autoconf's PKG_CHECK_MODULES when pkg-config's own line was cut off.
    r"Package requirements \([^)]+\) were not met",
];

/// Diagnostic: pkg_config_cross
///
/// **What it means.** A `-sys` crate's build script asked pkg-config for a
/// C library (`alsa`, `dbus-1`, `libudev` …) and got nothing usable for the
/// target: either pkg-config-rs refused to run ("pkg-config has not been
/// configured to support cross-compilation", older "Cross compilation
/// detected"), or it ran and found no `.pc` file for the library (pkgconf's
/// "Perhaps you should add the directory containing `x.pc'" too); the
/// wordings are matched with escaped quotes (`doesn\'t handle cross
/// compilation`) and pkg-config-rs's `try setting PKG_CONFIG_PATH` hint;
/// autoconf's `Package requirements (…) were not met` and the refusal's
/// Debug value inside another error (`PkgConfig(CrossCompilation)`) count
/// too. The
/// probe's env lines alone count only in a log whose build did not finish.
///
/// **Why it happens.** pkg-config only knows the host's libraries. Answering
/// for another target needs a sysroot holding the target's `-dev` packages and
/// `PKG_CONFIG_SYSROOT_DIR` / `PKG_CONFIG_LIBDIR` pointing into it (setting
/// `PKG_CONFIG_ALLOW_CROSS=1` alone only gets the host's, wrong, libraries).
/// openssl-sys failures are reported as `openssl_not_found` instead. Which
/// package ships which library is one table, listed in
/// [native-libraries.md](native-libraries.md); doctor also reports a wired
/// sysroot that lacks a library the graph needs.
///
/// **How to fix.** Fetch a Debian sysroot for the target with the library's
/// `-dev` package and wire pkg-config to it with target-suffixed variables
/// (`fetch_sysroot_and_wire`), or point `PKG_CONFIG_SYSROOT_DIR_<triple>` and
/// `PKG_CONFIG_LIBDIR_<triple>` at a sysroot you already have
/// (`configure_pkg_config`).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut blocks_seen = Vec::new();
    // pkg-config's own words first; its env lines only stand in for them
    // when an excerpt was cut before them.
    let is_env_line = |index: &usize| cx.content(*index).contains("rerun-if-env-changed=");
    let (env_lines, words): (Vec<usize>, Vec<usize>) = hits.iter().copied().partition(is_env_line);
    for index in words.into_iter().chain(env_lines) {
        let block = cx.block(index);
        if block.is_none() && is_env_line(&index) && !findings.is_empty() {
            continue;
        }
        if block.is_some_and(|b| b.crate_name == "openssl-sys") {
            continue;
        }
        if cx.content(index).contains("rerun-if-env-changed=")
            && (!only_probe_failed(cx, index) || (block.is_none() && cx.build_finished()))
        {
            continue;
        }
        let library = library_near(cx, index);
        if library.as_deref() == Some("openssl") {
            continue;
        }
        if let Some(block) = block {
            if blocks_seen.contains(&block.lines.start) {
                continue;
            }
            blocks_seen.push(block.lines.start);
        }
        findings.push(describe(cx, index, library));
    }
    findings
}

/// Whether the pkg-config probe (its env lines) is all that the failed
/// block, or the excerpt after the line, shows: no other rule's failure.
fn only_probe_failed(cx: &Context<'_>, index: usize) -> bool {
    let lines = cx.block(index).map_or(
        index.saturating_sub(80)..(index + 80).min(cx.log.lines.len()),
        |b| b.lines.clone(),
    );
    !super::other_rule_triggered_in(cx, Kind::PkgConfigCross, lines, |_| true)
}

/// The pkg-config module the failure is about, from this line or the
/// block around it.
fn library_near(cx: &Context<'_>, index: usize) -> Option<String> {
    let range = cx
        .block(index)
        .map_or(index..(index + 3).min(cx.log.lines.len()), |b| {
            b.lines.clone()
        });
    let pattern = regex!(
        r#"(?:^Package (\S+) was not found|The system library `([^`]+)` required by crate|(?i:could not find system library) '([^']+)'|pkg-config --libs --cflags (\S+)\s*$|Package '([^']+)', required by '[^']+', not found|No package \\?'([^'\\]+)\\?' found|The file `([^`]+)\.pc` needs|pkg-config\\?"? \\?"--libs\\?" \\?"--cflags\\?" \\?"([^"\\ ]+)|pkg-config --libs --cflags (\S+)|Requested '([\w.+-]+)|requirement '([\w.+-]+)|Package '([\w.+-]+)' has version|Dependency [\x22']?([\w.+-]+)[\x22']? not found|directory containing [`'‘\x22]([^`'’\x22]+)\.pc|Package requirements \(([\w.+-]+))"#
    );
    range.into_iter().find_map(|i| {
        let captures = pattern.captures(cx.content(i))?;
        captures
            .iter()
            .skip(1)
            .flatten()
            .next()
            .map(|m| m.as_str().trim_matches(['\'', '"']).to_owned())
    })
}

fn describe(cx: &Context<'_>, index: usize, library: Option<String>) -> Finding {
    let start = cx.evidence_start(index);
    let mut finding = cx.finding(Kind::PkgConfigCross, "", start, index);
    let suggested = suggested_package(cx, index);
    let package = library
        .as_deref()
        .and_then(packages::for_pkg_config)
        .or(suggested);
    finding = text_fact(finding, "library", library.as_deref());
    finding = text_fact(finding, "debian_package", package);
    let crate_name = finding
        .facts
        .get("crate")
        .and_then(|c| c.as_str())
        .unwrap_or("a build script")
        .to_owned();
    let for_target = cx.for_target(&finding);
    finding.message = match library.as_deref() {
        Some(library) => {
            format!("pkg-config found no `{library}`{for_target} (needed by {crate_name})")
        }
        None => format!("pkg-config could not look up {crate_name}'s C library{for_target}"),
    };
    let wanted = package.unwrap_or("the library's -dev package");
    finding
        .with_fix(
            fix::FETCH_SYSROOT_AND_WIRE,
            format!("Fetch a Debian sysroot with {wanted} and point pkg-config at it"),
        )
        .with_fix(
            fix::CONFIGURE_PKG_CONFIG,
            "Set PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_LIBDIR for the target to an existing sysroot",
        )
}

/// Some build scripts name the Debian package they want (libdbus-sys:
/// "check whether packages 'libdbus-1-dev' and 'pkg-config' are installed").
fn suggested_package<'a>(cx: &Context<'a>, index: usize) -> Option<&'a str> {
    let range = cx
        .block(index)
        .map_or(index..(index + 3).min(cx.log.lines.len()), |b| {
            b.lines.clone()
        });
    let pattern = regex!(r"'([\w.+-]+-dev)' and 'pkg-config'");
    range.into_iter().find_map(|i| {
        let captures = pattern.captures(cx.content(i))?;
        captures.get(1).map(|m| m.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind};
    use crate::finding::Kind;

    #[test]
    fn refused_cross_compilation() {
        let log = "error: failed to run custom build command for `libdbus-sys v0.2.5`
Caused by:
  process didn't exit successfully: `/w/target/debug/build/libdbus-sys-1/build-script-build` (exit status: 101)
  --- stdout
  cargo:rerun-if-env-changed=PKG_CONFIG_PATH_aarch64-unknown-linux-gnu
  --- stderr
  pkg-config has not been configured to support cross-compilation.
  > pkg-config --libs --cflags dbus-1
";
        let finding = first_of_kind(log, Kind::PkgConfigCross);
        assert_eq!(fact(&finding, "crate"), Some("libdbus-sys"));
        assert_eq!(fact(&finding, "library"), Some("dbus-1"));
        assert_eq!(fact(&finding, "debian_package"), Some("libdbus-1-dev"));
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
    }

    #[test]
    fn package_the_build_script_suggests() {
        let log = "error: failed to run custom build command for `libdbus-sys v0.2.7`
Caused by:
  process didn't exit successfully: `/w/target/debug/build/libdbus-sys-1/build-script-build` (exit status: 101)
  --- stderr
  pkg_config failed: pkg-config has not been configured to support cross-compilation.
  One possible solution is to check whether packages
  'libdbus-1-dev' and 'pkg-config' are installed:
";
        let finding = first_of_kind(log, Kind::PkgConfigCross);
        assert_eq!(fact(&finding, "debian_package"), Some("libdbus-1-dev"));
        assert_eq!(
            finding.message,
            "pkg-config could not look up libdbus-sys's C library"
        );
    }

    #[test]
    fn system_library_not_found() {
        let log = "  The system library `alsa` required by crate `alsa-sys` was not found.\n";
        let finding = first_of_kind(log, Kind::PkgConfigCross);
        assert_eq!(fact(&finding, "library"), Some("alsa"));
    }

    #[test]
    fn openssl_is_left_to_its_own_rule() {
        let log = "Package openssl was not found in the pkg-config search path.\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::PkgConfigCross)
        );
    }

    fn library_of(log: &str) -> Option<String> {
        let finding = first_of_kind(log, Kind::PkgConfigCross);
        fact(&finding, "library").map(str::to_owned)
    }

    #[test]
    fn pkgconf_and_pkg_config_not_found_wordings() {
        let log = "  > pkg-config --libs --cflags gdk-3.0 'gdk-3.0 >= 3.22'\n  Package 'gdk-3.0', required by 'virtual:world', not found\n";
        assert_eq!(library_of(log).as_deref(), Some("gdk-3.0"));
        let log = "stderr: \"Package dbus-1 was not \nfound in the pkg-config search path.\\nNo package \\'dbus-1\\' found\\n\"\n";
        assert_eq!(library_of(log).as_deref(), Some("dbus-1"));
    }

    #[test]
    fn older_refusals_of_cross_compilation() {
        for log in [
            "called `Result::unwrap()` on an `Err` value: CrossCompilation\n",
            "pkg-config doesn't handle cross compilation. Use PKG_CONFIG_ALLOW_CROSS=1 to override\n",
            "MSVC target detected. If you are using the MSVC ABI rust build, please use the GNU ABI build instead.\n",
        ] {
            first_of_kind(log, Kind::PkgConfigCross);
        }
    }

    #[test]
    fn the_newest_refusal_wrapped() {
        let log = "  thread 'main' panicked at build.rs:5:5: pkg-config\n  has not been configured to support cross-compilation.\n";
        first_of_kind(log, Kind::PkgConfigCross);
        let log = "  Install a sysroot for the target platform and configure it via\n  PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_PATH, or install a\n";
        first_of_kind(log, Kind::PkgConfigCross);
    }

    #[test]
    fn the_pc_file_sentence_names_the_library() {
        let log = "  The file `wayland-client.pc` needs to be installed and the PKG_CONFIG_PATH environment variable must contain its parent directory.\n";
        assert_eq!(library_of(log).as_deref(), Some("wayland-client"));
    }

    #[test]
    fn a_probe_cut_to_its_failure_or_a_module_too_old() {
        for (log, library) in [
            (
                "  `PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=\"1\" \"pkg-config\" \"--libs\" \"--cflags\" \"libpulse\"` did not exit successfully: exit status: 1\n",
                "libpulse",
            ),
            (
                "  pkg-config exited with status code 1\n  > PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 pkg-config --libs --cflags gdk-3.0 'gdk-3.0 >= 3.22'\n",
                "gdk-3.0",
            ),
            (
                "  Requested 'glib-2.0 >= 2.56' but version of GLib is 2.50.3\n",
                "glib-2.0",
            ),
            (
                "  Package dependency requirement 'gtk4 >= 4.10' could not be satisfied.\n  Package 'gtk4' has version '4.6.9', required version is '>= 4.10'\n",
                "gtk4",
            ),
            (
                "meson.build:12:0: ERROR: Dependency \"wayland-client\" not found, tried pkgconfig\n",
                "wayland-client",
            ),
        ] {
            let finding = first_of_kind(log, Kind::PkgConfigCross);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
        }
    }

    #[test]
    fn pkgconf_suggesting_the_pc_directory() {
        let log = "  Perhaps you should add the directory containing `libudev.pc'\n  to the PKG_CONFIG_PATH environment variable\n";
        assert_eq!(library_of(log).as_deref(), Some("libudev"));
    }

    #[test]
    fn the_probe_of_a_verbose_build_that_finished_is_no_failure() {
        let log = "  cargo:rerun-if-env-changed=PKG_CONFIG_ALLOW_CROSS_aarch64-unknown-linux-gnu
  cargo:rerun-if-env-changed=PKG_CONFIG_ALLOW_CROSS
  cargo:rerun-if-env-changed=PKG_CONFIG_SYSROOT_DIR
   Compiling app v0.1.0 (/w)
    Finished `release` profile [optimized] target(s) in 12.0s
";
        assert!(super::super::testing::explain(log).is_empty());
    }

    #[test]
    fn the_oldest_refusal_with_escaped_quotes() {
        for log in [
            "thread '<main>' panicked at 'called `Result::unwrap()` on an `Err` value: \"pkg-config doesn\\'t handle cross compilation. Use PKG_CONFIG_ALLOW_CROSS=1 to override\"', src/libcore/result.rs:729\n",
            "  pkg-config doesn't handle cross-compilation. Use PKG_CONFIG_ALLOW_CROSS=1 to override\n",
            "HINT: if you have installed the library, try setting PKG_CONFIG_PATH to the directory containing `libudev.pc`.\n",
        ] {
            first_of_kind(log, Kind::PkgConfigCross);
        }
    }

    #[test]
    fn autoconf_package_requirements_not_met() {
        let log = "configure: error: Package requirements (libudev >= 199) were not met:\n";
        let finding = first_of_kind(log, Kind::PkgConfigCross);
        assert_eq!(fact(&finding, "library"), Some("libudev"));
    }

    #[test]
    fn the_refusal_as_a_debug_value_inside_another_error() {
        for log in [
            "  thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: PkgConfig(CrossCompilation)', build.rs:12:5\n",
            "Error: BuildInternalClosureError(PkgConfig(CrossCompilation))\n",
        ] {
            first_of_kind(log, Kind::PkgConfigCross);
        }
    }

    #[test]
    fn pkg_config_rs_short_and_debug_forms() {
        // pkg-config-rs 0.3.28+'s `could not find system library 'x'` cut
        // before `required by …`; its `Failure { command: … }` Debug inside
        // system-deps' `PkgConfig(…)` (system-deps 6) without the stderr.
        for (log, library) in [
            (
                "error: could not find system library 'vte-2.91-gtk4'\n",
                "vte-2.91-gtk4",
            ),
            (
                "  called `Result::unwrap()` on an `Err` value: PkgConfig(Failure { command: \"pkg-config --libs --cflags glib-2.0 'glib-2.0 >= 2.56'\", output: Output { status: ExitStatus(unix_wait_status(256)) } })\n",
                "glib-2.0",
            ),
        ] {
            let finding = first_of_kind(log, Kind::PkgConfigCross);
            assert_eq!(fact(&finding, "library"), Some(library), "{log}");
        }
    }
}
