//! Detects `target_not_installed`: E0463 for `core`/`std` on a target
//! whose standard library rustup can install. Shares its classification
//! with `std_unavailable_for_target`, which takes the targets rustup cannot
//! supply.

use super::context::text_fact;
use super::targets::{Distribution, rustup_distribution};
use super::{Context, fix, regex};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the target's standard library (rust-std) is not installed for the toolchain in use";

pub(super) const TRIGGERS: &[&str] = &[
    // E0463, in every rustc since 1.0, with the crate in any quotes or none.
    r#"can't find crate for [`'‘’"]?(?:core|std|alloc|compiler_builtins|test)(?-u:\b)"#,
    // E0461 when an rlib for another target sits where rustc looks.
    r"couldn't find crate [`'‘](?:core|std|alloc|compiler_builtins)[`'’] with expected target triple",
    r"target may not be installed",
    r"target may not support the standard library",
    r"consider downloading the target with [`'‘]?rustup target add",
    r"[`'‘]std[`'’] is required by [`'‘][^`'’]+[`'’] because it does not declare [`'‘]#!\[no_std\]",
    // rustup's single quotes, also as a log's rendering turns them
    // (curly, double, backticks).
    r#"component ['‘’"`]rust-std['‘’"`] for target ['‘’"`][^'‘’"`]+['‘’"`] is unavailable"#,
    r#"toolchain ['‘’"`][^'‘’"`]+['‘’"`] does not (?:contain|support) (?:component ['‘’"`]rust-std['‘’"`] for )?target"#,
    // rustup, wasm-pack and other wrappers in their own words.
    r"does not have target '[^']+' installed",
    // rustup before 1.20 for a target it does not distribute.
    r"(?i)(?-u:\b)target [`'‘]?[a-z0-9_]+-[\w.-]+[`'’]? not found in channel",
    // `-Zbuild-std` for a target whose std is not supported.
    r"use of unstable library feature [`'‘]restricted_std[`'’]",
    r"(?-u:\b)[a-z0-9_]+-[\w.-]+ target not found in sysroot",
    r#"(?i)(?-u:\b)target [`'‘"]?[a-z0-9_]+-[\w.-]+[`'’"]? (?:is )?not installed"#,
    r#"(?i)(?-u:\b)the [`'‘"]?[a-z0-9_]+-[\w.-]+[`'’"]? target is not installed"#,
    r#"(?i)(?:you (?:may |might )?need to run|please run|try running|install it with|to install it, run)[:\s]+[`'‘"]?rustup target add [a-z0-9_]+-"#,
    // rustup naming several components it cannot download at once.
    r"unavailable for download for channel .*'rust-std'",
    // A standard library that is there but unusable: built by another
    // rustc (E0514, E0460) or damaged (E0786).
    r"found crate [`'‘](?:core|std|alloc)[`'’] compiled by an incompatible version of rustc",
    r"found possibly newer version of crate [`'‘](?:core|std|alloc)[`'’]",
    r"found invalid metadata files for crate [`'‘](?:core|std|alloc|compiler_builtins)[`'’]",
    // `-Zbuild-std` without the standard library's sources.
    r"unable to build with the standard library, try:",
    // xargo 0.3.x for the same: `error: `rust-src` component not found. Run
    // `rustup component add rust-src`.`
    r"[`'‘]rust-src[`'’] component not found",
    // cross-rs for a target it has no prebuilt std for.
    r"rust-std is not available for [a-z0-9_]+-",
    // Other wrappers' words (wasm-pack, cargo-ndk, cargokit).
    r"(?-u:\b)[a-z0-9_]+-[\w.-]+ target not found(?-u:\b)",
    r"(?i)target (?:is )?not installed: [a-z0-9_]+-",
];

/// Diagnostic: target_not_installed
///
/// **What it means.** rustc could not find `core` or `std` for the target
/// (`error[E0463]: can't find crate for `core``, "the `aarch64-unknown-linux-gnu`
/// target may not be installed"), and rustup distributes that target's
/// standard library. Also rustup's and wrappers' words for it (`does not
/// have target … installed`, `some components unavailable for download …
/// 'rust-std'`, wasm-pack's `target not found`), a standard library that is
/// there but unusable (E0514 built by another rustc, E0460, E0786 damaged
/// metadata: reinstall it), and `-Zbuild-std` without `rust-src` on a target
/// rustup knows.
///
/// **Why it happens.** `rustup target add <triple>` was never run for the
/// toolchain this project uses (a `rust-toolchain.toml` pin counts: each
/// toolchain has its own targets), or the build runs under a different
/// toolchain than the one that has it.
///
/// **How to fix.** Install it: `rustup target add <triple>` for the project's
/// toolchain (`add_target`), or add it to `targets` in `rust-toolchain.toml`.
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    classify(cx, hits)
        .into_iter()
        .filter(|finding| finding.kind == Kind::TargetNotInstalled)
        .map(|finding| {
            let target = finding
                .target
                .clone()
                .unwrap_or_else(|| "<target>".to_owned());
            finding.with_fix(
                fix::ADD_TARGET,
                format!("Install it with `rustup target add {target}`"),
            )
        })
        .collect()
}

/// E0463 on a standard-library crate, sorted into the two kinds by whether
/// rustup can supply what is missing for that triple.
pub(super) fn classify(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    // cross-rs says so for the whole build, often far from rustc's error.
    let is_cross_note = |index: usize| cx.content(index).contains("rust-std is not available for");
    let cross_says_unavailable = hits.iter().any(|&index| is_cross_note(index));
    let mut findings: Vec<Finding> = Vec::new();
    for &index in hits {
        // rustup and wrappers that go on to install the target themselves.
        if regex!(r"(?i)^info: |, installing|installing (?:it|now)").is_match(cx.content(index)) {
            continue;
        }
        if is_cross_note(index) {
            continue;
        }
        let Some(error) = error_line(cx, index) else {
            continue;
        };
        let first_number = cx.log.number_of(error);
        if findings
            .iter()
            .any(|f| f.evidence.lines.map(|[first, _]| first) == Some(first_number))
        {
            continue;
        }
        findings.push(describe(cx, error, cross_says_unavailable));
    }
    if findings.is_empty()
        && let Some(&note) = hits.iter().find(|&&index| is_cross_note(index))
    {
        findings.push(describe(cx, note, true));
    }
    findings
}

/// The error line a trigger belongs to: the E0463 line itself, the one a
/// `note:` follows, or a rustup error line.
fn error_line(cx: &Context<'_>, index: usize) -> Option<usize> {
    let is_error = |content: &str| {
        regex!(r#"can't find crate for [`'‘’"]?(?:core|std|alloc|compiler_builtins|test)\b|couldn't find crate [`'‘](?:core|std|alloc|compiler_builtins)[`'’] with expected target"#)
            .is_match(content)
            || content.contains("component 'rust-std' for target")
            || content.contains("does not contain component 'rust-std'")
            || regex!(r"toolchain '[^']+' does not support target").is_match(content)
            || regex!(r"found (?:crate [`'‘](?:core|std|alloc)[`'’] compiled by an incompatible|possibly newer version of crate [`'‘](?:core|std|alloc)[`'’]|invalid metadata files for crate [`'‘](?:core|std|alloc|compiler_builtins)[`'’])").is_match(content)
    };
    // An excerpt may hold only rustc's notes: the first of them stands in
    // for the error line.
    cx.header_before(index, 6, is_error).or_else(|| {
        let first_note = (index.saturating_sub(3)..=index)
            .find(|&i| TRIGGERS_SET.is_match(cx.content(i)))
            .unwrap_or(index);
        Some(first_note)
    })
}

static TRIGGERS_SET: std::sync::LazyLock<regex::RegexSet> = std::sync::LazyLock::new(|| {
    regex::RegexSet::new(TRIGGERS).expect("rule triggers are valid literals")
});

fn describe(cx: &Context<'_>, error: usize, cross_says_unavailable: bool) -> Finding {
    let notes_end = (error + 1..error + 8)
        .take_while(|&i| {
            let content = cx.content(i);
            content.is_empty() || content.starts_with("note:") || content.starts_with("help:")
        })
        .last()
        .unwrap_or(error);
    let last = (error..=notes_end)
        .rev()
        .find(|&i| !cx.content(i).is_empty())
        .unwrap_or(error);
    let noted_target = (error..=last).find_map(|i| {
        regex!(r#"the [`'‘’"]?([\w.-]+)[`'‘’"]? target (?:may not|is not installed)|for target ['‘’"`]([^'‘’"`]+)['‘’"`]|support target ['‘’"`]([^'‘’"`]+)['‘’"`]|rustup target add ([\w.-]+)|expected target triple ([\w.-]+)|have target '([^']+)' installed|([a-z0-9_]+-[\w.-]+) target not found in sysroot|(?i:target) [`'‘"]?([a-z0-9_]+-[\w.-]+?)[`'’"]? (?:is )?not installed|(?i:target) [`'‘]?([a-z0-9_]+-[\w.-]+?)[`'’]? not found in channel|([a-z0-9_]+-[\w.-]+) target not found|(?i:not installed): ([a-z0-9_]+-[\w.-]+)|['‘’"`]rust-std['‘’"`] for target ['‘’"`]([^'‘’"`]+)['‘’"`]|rust-std is not available for ([a-z0-9_]+-[\w.-]+)"#)
            .captures(cx.content(i))
            .and_then(|c| {
                c.iter()
                    .skip(1)
                    .flatten()
                    .next()
                    .map(|m| m.as_str().to_owned())
            })
    });
    let missing = regex!(r#"(?:can't find crate for|couldn't find crate|found crate|version of crate|metadata files for crate) [`'‘’"]?(\w+)"#)
        .captures(cx.content(error))
        .or_else(|| regex!(r"[`'‘](std)[`'’] is required by").captures(cx.content(error)))
        .map_or_else(|| "std".to_owned(), |c| c[1].to_owned());
    // rustc says "may not support the standard library" when `core` was
    // found but `std` was not; its `-Zbuild-std` help is printed by every
    // nightly rustc whatever the target, so it says nothing about the target.
    // rustup's "not found in channel" and "pre-compiled" note say rustup has
    // no rust-std for it.
    let no_std_support = cross_says_unavailable
        || (error..=last).any(|i| {
            let content = cx.content(i);
            content.contains("may not support the standard library")
                || content.contains("not found in channel")
                || content.contains("not all platforms have the standard library pre-compiled")
                || content.contains("restricted_std")
                || content.contains("rust-std is not available for")
        });
    // The standard library is there but from another rustc or damaged.
    let unusable = regex!(r"found crate [`'‘]\w+[`'’] compiled by an incompatible|found possibly newer version of crate|found invalid metadata files for crate")
        .is_match(cx.content(error));
    // `-Zbuild-std` without rust-src: a component to add for a target rustup
    // knows; for any other target rustup has nothing prebuilt.
    let build_std_sources = (error..=last).any(|i| {
        let content = cx.content(i);
        content.contains("unable to build with the standard library")
            || regex!(r"[`'‘]rust-src[`'’] component not found").is_match(content)
    });
    let mut finding = cx.finding(Kind::TargetNotInstalled, "", error, last);
    if noted_target.is_some() {
        finding.target = noted_target;
    }
    // cargo-zigbuild's `<triple>.2.17` names the glibc, not another target.
    if let Some(target) = &finding.target
        && let Some(c) = regex!(r"^([a-z0-9_]+-[\w-]+?)\.\d+\.\d+$").captures(target)
    {
        finding.target = Some(c[1].to_owned());
    }
    finding = text_fact(finding, "missing_crate", Some(&missing));
    let rustup_can = match finding.target.as_deref().map(rustup_distribution) {
        Some(Some(_)) if build_std_sources => true,
        _ if build_std_sources => false,
        None => !no_std_support,
        Some(None) => false,
        Some(Some(Distribution::Std)) => !no_std_support,
        Some(Some(Distribution::CoreOnly)) => {
            !no_std_support && matches!(missing.as_str(), "core" | "alloc" | "compiler_builtins")
        }
    };
    let target = finding
        .target
        .clone()
        .unwrap_or_else(|| "<target>".to_owned());
    if rustup_can && build_std_sources {
        finding.message =
            "the standard library's sources (rust-src) are not installed for `-Zbuild-std`"
                .to_owned();
    } else if rustup_can && unusable {
        finding.message = format!(
            "the standard library for {target} is from another rustc or damaged: reinstall it"
        );
    } else if rustup_can {
        finding.message = format!("the standard library for {target} is not installed");
    } else {
        finding.kind = Kind::StdUnavailableForTarget;
        finding.message = if missing == "core" || missing == "alloc" {
            format!("rustup has no prebuilt standard library for {target}")
        } else {
            format!("{target} has no prebuilt `{missing}`: rustup cannot install it")
        };
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fact, first_of_kind, fix_ids};
    use crate::finding::Kind;

    fn e0463(krate: &str, target: &str) -> String {
        format!(
            "error[E0463]: can't find crate for `{krate}`
  |
  = note: the `{target}` target may not be installed
  = help: consider downloading the target with `rustup target add {target}`

error: could not compile `fw` (lib) due to 1 previous error
"
        )
    }

    #[test]
    fn linux_target_rustup_ships() {
        let finding = first_of_kind(
            &e0463("core", "aarch64-unknown-linux-gnu"),
            Kind::TargetNotInstalled,
        );
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(fact(&finding, "missing_crate"), Some("core"));
        assert_eq!(fact(&finding, "crate"), Some("fw"));
        assert_eq!(finding.evidence.lines, Some([1, 4]));
        assert_eq!(fix_ids(&finding), ["add_target"]);
    }

    #[test]
    fn bare_metal_core_is_installable_but_std_is_not() {
        first_of_kind(
            &e0463("core", "thumbv7em-none-eabihf"),
            Kind::TargetNotInstalled,
        );
        first_of_kind(
            &e0463("std", "thumbv7em-none-eabihf"),
            Kind::StdUnavailableForTarget,
        );
    }

    #[test]
    fn tier_three_has_nothing_from_rustup() {
        first_of_kind(
            &e0463("core", "mips-unknown-linux-gnu"),
            Kind::StdUnavailableForTarget,
        );
    }

    #[test]
    fn rustup_wording() {
        let log = "error: toolchain 'stable-x86_64-unknown-linux-gnu' does not contain component 'rust-std' for target 'aarch64-unknown-linux-gnu'\n";
        let finding = first_of_kind(log, Kind::TargetNotInstalled);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        let log = "error: toolchain 'stable-x86_64-unknown-linux-gnu' does not support target 'mipsel-sony-psp'\n";
        first_of_kind(log, Kind::StdUnavailableForTarget);
    }

    #[test]
    fn unknown_target_is_assumed_installable() {
        let log = "error[E0463]: can't find crate for `std`\n";
        first_of_kind(log, Kind::TargetNotInstalled);
    }

    #[test]
    fn oldest_e0463_without_a_note_and_with_straight_quotes() {
        let log =
            "error[E0463]: can't find crate for 'std'\n\nerror: aborting due to previous error\n";
        let finding = first_of_kind(log, Kind::TargetNotInstalled);
        assert_eq!(fact(&finding, "missing_crate"), Some("std"));
        let log = "error[E0463]: can't find crate for core\n";
        first_of_kind(log, Kind::TargetNotInstalled);
    }

    #[test]
    fn only_rustcs_notes_were_pasted() {
        let log = "  = note: the `aarch64-apple-ios-sim` target may not be installed\n  = help: consider downloading the target with `rustup target add aarch64-apple-ios-sim`\n";
        let finding = first_of_kind(log, Kind::TargetNotInstalled);
        assert_eq!(finding.target.as_deref(), Some("aarch64-apple-ios-sim"));
        assert_eq!(fix_ids(&finding), ["add_target"]);
    }

    #[test]
    fn an_rlib_for_another_target_where_core_should_be() {
        let log = "error[E0461]: couldn't find crate `core` with expected target triple thumbv7m-none-eabi\n";
        let finding = first_of_kind(log, Kind::TargetNotInstalled);
        assert_eq!(finding.target.as_deref(), Some("thumbv7m-none-eabi"));
    }

    #[test]
    fn wrappers_and_rustup_in_their_own_words() {
        let cases = [
            (
                "Error: wasm32-unknown-unknown target not found in sysroot: \"/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu\"\n",
                "wasm32-unknown-unknown",
            ),
            (
                "error: toolchain 'stable-x86_64-unknown-linux-gnu' does not have target 'aarch64-linux-android' installed\n",
                "aarch64-linux-android",
            ),
            (
                "💥 maturin failed\n  Caused by: Rust target `aarch64-apple-darwin` is not installed\n",
                "aarch64-apple-darwin",
            ),
            (
                "Error: the `x86_64-pc-windows-gnu` target is not installed\n",
                "x86_64-pc-windows-gnu",
            ),
            (
                "error: To resolve this, you may need to run `rustup target add armv7-linux-androideabi`\n",
                "armv7-linux-androideabi",
            ),
        ];
        for (log, target) in cases {
            let finding = first_of_kind(log, Kind::TargetNotInstalled);
            assert_eq!(finding.target.as_deref(), Some(target), "{log}");
        }
        let log = "info: target aarch64-unknown-linux-gnu is not installed, installing it now\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::TargetNotInstalled)
        );
        // A CI step that installs the target is not a failure.
        let log = "+ rustup target add aarch64-unknown-linux-gnu\ninfo: downloading component 'rust-std'\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::TargetNotInstalled)
        );
    }

    #[test]
    fn a_nightly_build_std_help_does_not_make_a_target_unavailable() {
        // Every nightly rustc adds the `-Zbuild-std` help, whatever the target.
        let log = "error[E0463]: can't find crate for `core`
  |
  = note: the `aarch64-unknown-linux-gnu` target may not be installed
  = help: consider downloading the target with `rustup target add aarch64-unknown-linux-gnu`
  = help: consider building the standard library from source with `cargo build -Zbuild-std`
";
        let finding = first_of_kind(log, Kind::TargetNotInstalled);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        // On a tier 3 target it is still unavailable.
        let log = log.replace("aarch64-unknown-linux-gnu", "armv7-unknown-freebsd");
        first_of_kind(&log, Kind::StdUnavailableForTarget);
    }

    #[test]
    fn rustup_has_no_std_for_the_target() {
        let log = "error: target 'mips-unknown-linux-gnu' not found in channel.  Perhaps check the platform support page for available targets\n";
        let finding = first_of_kind(log, Kind::StdUnavailableForTarget);
        assert_eq!(finding.target.as_deref(), Some("mips-unknown-linux-gnu"));
        let log = "error: toolchain 'stable-x86_64-unknown-linux-gnu' does not contain component 'rust-std' for target 'armv7-unknown-linux-gnueabihf'
note: not all platforms have the standard library pre-compiled: https://doc.rust-lang.org/nightly/rustc/platform-support.html
";
        first_of_kind(log, Kind::StdUnavailableForTarget);
    }

    #[test]
    fn build_std_on_a_target_without_std_support() {
        let log = "error[E0658]: use of unstable library feature `restricted_std`\n  |\n  = help: add `#![feature(restricted_std)]` to the crate attributes to enable\n";
        first_of_kind(log, Kind::StdUnavailableForTarget);
    }

    #[test]
    fn a_standard_library_from_another_rustc_or_damaged() {
        for line in [
            "error[E0514]: found crate `core` compiled by an incompatible version of rustc",
            "error[E0460]: found possibly newer version of crate `std` which `app` depends on",
            "error[E0786]: found invalid metadata files for crate `core`",
        ] {
            let log = format!(
                "{line}\n  |\n  = note: the following crate versions were found:\n          crate `core`: /h/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/aarch64-unknown-linux-gnu/lib/libcore-1.rlib\n"
            );
            let finding = first_of_kind(&log, Kind::TargetNotInstalled);
            assert!(finding.message.contains("reinstall"), "{}", finding.message);
        }
        // Another crate compiled by another rustc is not this rule.
        let log =
            "error[E0514]: found crate `serde` compiled by an incompatible version of rustc\n";
        assert!(
            super::super::testing::explain(log)
                .iter()
                .all(|f| f.kind != Kind::TargetNotInstalled)
        );
    }

    #[test]
    fn build_std_without_rust_src() {
        let log = "error: \"/h/.rustup/toolchains/nightly-x86_64-unknown-linux-gnu/lib/rustlib/src/rust/library/Cargo.lock\" does not exist, unable to build with the standard library, try:\n        rustup component add rust-src --toolchain nightly-x86_64-unknown-linux-gnu\n";
        let with_target =
            format!("$ cargo +nightly build -Zbuild-std --target aarch64-unknown-linux-gnu\n{log}");
        first_of_kind(&with_target, Kind::TargetNotInstalled);
        let tier3 = format!(
            "$ cargo +nightly build -Zbuild-std --target armv7-unknown-linux-uclibceabihf\n{log}"
        );
        first_of_kind(&tier3, Kind::StdUnavailableForTarget);
    }

    #[test]
    fn rustup_refusals_in_other_quotes() {
        // rustup 1.2x's `toolchain '…' does not support target '…'` and
        // `component 'rust-std' for target '…' is unavailable`, their
        // quotes rendered double or curly.
        for log in [
            "error: toolchain \"stable-x86_64-unknown-linux-gnu\" does not support target \"mips-unknown-linux-gnu\"\n",
            "error: component ‘rust-std’ for target ‘mips-unknown-linux-gnu’ is unavailable for download for channel ‘stable’\n",
        ] {
            let findings = super::super::testing::explain(log);
            let first = findings.first().expect("a finding");
            assert_eq!(first.kind, Kind::StdUnavailableForTarget, "{log}");
            assert_eq!(
                first.target.as_deref(),
                Some("mips-unknown-linux-gnu"),
                "{log}"
            );
        }
    }

    #[test]
    fn xargo_without_rust_src() {
        // xargo 0.3.x's own words for `-Zbuild-std`'s missing rust-src.
        let log = "$ xargo build --target thumbv7em-none-eabihf\nerror: `rust-src` component not found. Run `rustup component add rust-src`.\n";
        let finding = first_of_kind(log, Kind::TargetNotInstalled);
        assert!(finding.message.contains("rust-src"), "{finding:#?}");
    }

    #[test]
    fn cross_rs_says_the_target_has_no_rust_std() {
        let log = "[cross] warning: rust-std is not available for mips64-unknown-linux-gnuabi64\n[cross] note: you may need to build components for the target via `-Z build-std=<components>`\n";
        let finding = first_of_kind(log, Kind::StdUnavailableForTarget);
        assert_eq!(
            finding.target.as_deref(),
            Some("mips64-unknown-linux-gnuabi64")
        );
        // With rustc's error the note decides the kind, whatever the table says.
        let log = format!(
            "error[E0463]: can't find crate for `core`\n  = note: the `x86_64-unknown-linux-gnu` target may not be installed\n{}{log}",
            "   Compiling a v0.1.0\n".repeat(12)
        );
        let findings = super::super::testing::explain(&log);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].kind, Kind::StdUnavailableForTarget);
    }

    #[test]
    fn rustup_and_wrappers_in_more_words() {
        let cases = [
            (
                "error: some components unavailable for download for channel 'nightly-2020-01-01': 'rust-std' for target 'aarch64-apple-darwin'\n",
                "aarch64-apple-darwin",
            ),
            (
                "Error: wasm32-unknown-unknown target not found!\n",
                "wasm32-unknown-unknown",
            ),
            (
                "error: target not installed: aarch64-linux-android\n",
                "aarch64-linux-android",
            ),
        ];
        for (log, target) in cases {
            let finding = first_of_kind(log, Kind::TargetNotInstalled);
            assert_eq!(finding.target.as_deref(), Some(target), "{log}");
        }
    }

    #[test]
    fn a_zigbuild_glibc_suffix_is_not_another_target() {
        let log = "$ cargo zigbuild --release --target aarch64-unknown-linux-gnu.2.17\nerror[E0463]: can't find crate for `core`\n";
        let finding = first_of_kind(log, Kind::TargetNotInstalled);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(
            finding.fixes[0].title,
            "Install it with `rustup target add aarch64-unknown-linux-gnu`"
        );
    }
}
