//! Detects `std_unavailable_for_target`: E0463 for `core`/`std` on a target
//! rustup cannot supply it for. The detection is shared with
//! `target_not_installed` (see `target_not_installed::classify`).

use super::{Context, fix, target_not_installed};
use crate::finding::{Finding, Kind};

pub(super) const SUMMARY: &str =
    "the target has no standard library that rustup can install (bare metal, tier 3, vendor forks)";

pub(super) const TRIGGERS: &[&str] = target_not_installed::TRIGGERS;

/// Diagnostic: std_unavailable_for_target
///
/// **What it means.** rustc could not find `std` (or even `core`) for the
/// target, and installing the target with rustup will not help: bare-metal
/// targets (`*-none-*`) ship only `core` and `alloc`; tier 3 targets
/// (`mips-unknown-linux-gnu` since 1.72, most BSD and RTOS targets) and
/// vendor forks (Espressif's `xtensa-*`) have no rust-std component at all.
///
/// **Why it happens.** The crate (or one of its dependencies) uses `std`
/// on a target without one, or the target needs its standard library built
/// from source. rustc says so with "consider building the standard library
/// from source with `cargo build -Zbuild-std`" or "may not support the
/// standard library". cross-rs's `rust-std is not available for <triple>`
/// decides it too, anywhere in the log, and so does `-Zbuild-std` without
/// `rust-src` on a target rustup has nothing prebuilt for.
///
/// **How to fix.** Make the crate `#![no_std]` and pick dependencies that are
/// too (`use_no_std`); or build the standard library from source with a
/// nightly toolchain and `-Zbuild-std` (`use_build_std`), or use the vendor's
/// toolchain (e.g. `espup` for Xtensa).
pub(super) fn check(cx: &Context<'_>, hits: &[usize]) -> Vec<Finding> {
    target_not_installed::classify(cx, hits)
        .into_iter()
        .filter(|finding| finding.kind == Kind::StdUnavailableForTarget)
        .map(|finding| {
            finding
                .with_fix(
                    fix::USE_NO_STD,
                    "Make the crate `#![no_std]` (bare-metal targets have only `core` and `alloc`)",
                )
                .with_fix(
                    fix::USE_BUILD_STD,
                    "Build the standard library from source with nightly `-Zbuild-std`",
                )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{first_of_kind, fix_ids};
    use crate::finding::Kind;

    #[test]
    fn std_on_bare_metal() {
        let log = "error[E0463]: can't find crate for `std`
  |
  = note: the `aarch64-unknown-none` target may not be installed
  = help: consider downloading the target with `rustup target add aarch64-unknown-none`
";
        let finding = first_of_kind(log, Kind::StdUnavailableForTarget);
        assert_eq!(finding.target.as_deref(), Some("aarch64-unknown-none"));
        assert_eq!(fix_ids(&finding), ["use_no_std", "use_build_std"]);
        assert_eq!(super::super::testing::explain(log).len(), 1);
    }

    #[test]
    fn rustc_suggests_build_std() {
        let log = "error[E0463]: can't find crate for `core`
  = note: the `xtensa-esp32-espidf` target may not be installed
  = help: consider building the standard library from source with `cargo build -Zbuild-std`
";
        let finding = first_of_kind(log, Kind::StdUnavailableForTarget);
        assert_eq!(finding.target.as_deref(), Some("xtensa-esp32-espidf"));
    }

    #[test]
    fn newest_wording_names_the_crate_that_needs_std() {
        let log = "error[E0463]: can't find crate for `std`
  |
  = note: the `riscv32imac-unknown-none-elf` target may not support the standard library
  = note: `std` is required by `embassy_executor` because it does not declare `#![no_std]`
  = help: consider building the standard library from source with `cargo build -Zbuild-std`
";
        let finding = first_of_kind(log, Kind::StdUnavailableForTarget);
        assert_eq!(
            finding.target.as_deref(),
            Some("riscv32imac-unknown-none-elf")
        );
        assert_eq!(finding.evidence.lines, Some([1, 5]));
    }

    #[test]
    fn only_the_required_by_note_of_a_bare_metal_build() {
        let log = "cargo build --target thumbv7em-none-eabihf\n  = note: `std` is required by `either` because it does not declare `#![no_std]`\n";
        let finding = first_of_kind(log, Kind::StdUnavailableForTarget);
        assert_eq!(finding.target.as_deref(), Some("thumbv7em-none-eabihf"));
    }
}
