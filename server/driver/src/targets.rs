//! Every target the toolchain knows and its state, for editors: one
//! answer to "which targets can I pick, and is the std for each installed",
//! so no client keeps its own target list or sysroot probing.
//!
//! "Installed" is decided exactly as preflight decides it
//! ([`rust_toolchain`]: the std in the sysroot of the rustc cargo will use,
//! with the editor's extra environment), and "distributed" is what
//! `rustup target list` offers, when that toolchain is rustup's.

use std::path::Path;
use std::process::Command;

use serde::Serialize;

use crate::config::CargoConfigs;
use crate::host::{HostError, host_facts, rustup_targets};
use crate::toolchain::EnvOverlay;
#[cfg(doc)]
use crate::toolchain::rust_toolchain;

/// Tier 1 targets (built and tested on every Rust release), as the rustc
/// book's platform-support page lists them for Rust 1.91. rustc does not
/// print tiers; the tier 2 / 3 split comes from rustup.
pub const TIER_1: &[&str] = &[
    "aarch64-apple-darwin",
    "aarch64-pc-windows-msvc",
    "aarch64-unknown-linux-gnu",
    "i686-pc-windows-msvc",
    "i686-unknown-linux-gnu",
    "x86_64-pc-windows-gnu",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-linux-gnu",
];

/// One target and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetState {
    pub triple: String,
    /// The std for it is in the sysroot of the rustc cargo will use.
    pub installed: bool,
    /// 1, 2 (rustup distributes a std) or 3; `None` without rustup, for a
    /// target not in tier 1.
    pub tier: Option<u8>,
}

/// The toolchain's targets, as [`targets`] answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Targets {
    pub host: String,
    /// Whether `rustup target list` answered (else tiers 2 and 3 are unknown).
    pub rustup: bool,
    pub targets: Vec<TargetState>,
}

/// Asks the rustc cargo will use in `project_dir` (with `configs` and the
/// extra environment `env`) for its target list and installed std.
pub fn targets(
    project_dir: &Path,
    configs: &CargoConfigs,
    env: &EnvOverlay,
) -> Result<Targets, HostError> {
    let facts = host_facts(project_dir, configs, env)?;
    let rustc = facts
        .toolchain
        .as_ref()
        .map_or_else(|| "rustc".to_owned(), |t| t.rustc.clone());
    let mut command = Command::new(&rustc);
    env.apply(&mut command);
    let output = command
        .args(["--print", "target-list"])
        .current_dir(project_dir)
        .output()
        .map_err(|source| HostError::Spawn {
            program: rustc.clone(),
            source,
        })?;
    if !output.status.success() {
        return Err(HostError::Failed {
            program: format!("{rustc} --print target-list"),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    let known = String::from_utf8_lossy(&output.stdout).into_owned();
    let distributed = rustup_targets(project_dir, &facts, env);
    Ok(states(
        &facts.host_triple,
        &known,
        &facts.installed_targets,
        distributed.as_deref(),
    ))
}

/// Combines rustc's target list with the installed and distributed sets.
/// An installed target rustc does not list (a custom target) is kept.
pub fn states(
    host: &str,
    target_list: &str,
    installed: &[String],
    distributed: Option<&[String]>,
) -> Targets {
    let mut triples: Vec<String> = target_list
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .chain(installed.iter().cloned())
        .collect();
    triples.sort();
    triples.dedup();
    let targets = triples
        .into_iter()
        .map(|triple| {
            let tier = if TIER_1.contains(&triple.as_str()) {
                Some(1)
            } else {
                distributed.map(|d| if d.contains(&triple) { 2 } else { 3 })
            };
            TargetState {
                installed: installed.contains(&triple),
                tier,
                triple,
            }
        })
        .collect();
    Targets {
        host: host.to_owned(),
        rustup: distributed.is_some(),
        targets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_come_from_the_table_then_rustup_and_installed_from_the_sysroot() {
        let installed = vec![
            "x86_64-unknown-linux-gnu".to_owned(),
            "my-custom".to_owned(),
        ];
        let distributed = vec!["armv7-unknown-linux-gnueabihf".to_owned()];
        let list = "aarch64-unknown-linux-gnu\narmv7-unknown-linux-gnueabihf\nmipsel-sony-psp\nx86_64-unknown-linux-gnu\n";
        let with_rustup = states(
            "x86_64-unknown-linux-gnu",
            list,
            &installed,
            Some(&distributed),
        );
        let rows: Vec<(&str, bool, Option<u8>)> = with_rustup
            .targets
            .iter()
            .map(|t| (t.triple.as_str(), t.installed, t.tier))
            .collect();
        assert_eq!(
            rows,
            [
                ("aarch64-unknown-linux-gnu", false, Some(1)),
                ("armv7-unknown-linux-gnueabihf", false, Some(2)),
                ("mipsel-sony-psp", false, Some(3)),
                ("my-custom", true, Some(3)),
                ("x86_64-unknown-linux-gnu", true, Some(1)),
            ]
        );
        let without = states("x86_64-unknown-linux-gnu", list, &installed, None);
        assert!(!without.rustup);
        assert_eq!(
            without.targets[1].tier, None,
            "no rustup: tier 2 or 3 is unknown"
        );
        assert_eq!(without.targets[0].tier, Some(1));
    }
}
