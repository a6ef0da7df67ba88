//! Host facts: installed targets, linkers on PATH, OS and package manager.
//!
//! Preflight and the fix planner decide from these: whether std for a
//! target is installed (rustup, or the rustc sysroot's `lib/rustlib/` when
//! there is no rustup), which C toolchain can link it (clang + ld.lld, the
//! `<tuple>-gcc` names distributions install, zig, Apple's ld), and which
//! package manager an install hint is written for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossport_analysis::fixes::toolchain_names;
use crossport_analysis::preflight::{HostFacts, PackageManager, ToolchainKind};

use crate::config::CargoConfigs;
use crate::toolchain::{EnvOverlay, rust_toolchain};

/// Why host facts could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("could not run `{program}`: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("`{program}` failed: {stderr}")]
    Failed { program: String, stderr: String },
}

/// Gathers the host facts for a project directory from the toolchain cargo
/// will use there (see [`crate::toolchain`]).
pub fn host_facts(
    project_dir: &Path,
    configs: &CargoConfigs,
    env: &EnvOverlay,
) -> Result<HostFacts, HostError> {
    let facts = rust_toolchain(project_dir, configs, env)?;
    Ok(HostFacts {
        host_triple: facts.host_triple,
        os: std::env::consts::OS.to_owned(),
        installed_targets: facts.installed_targets,
        rustup_targets: None,
        tools: tools_on_path(),
        package_manager: package_manager(),
        toolchain: Some(facts.toolchain),
    })
}

/// The targets rustup can install for the toolchain in use, or `None`
/// when there is no rustup or the toolchain is not rustup's (its `target
/// add` would change another toolchain). Slower than the rest, so callers
/// ask only when a target is missing.
pub fn rustup_targets(
    project_dir: &Path,
    host: &HostFacts,
    env: &EnvOverlay,
) -> Option<Vec<String>> {
    match host.toolchain.as_ref().map(|t| &t.kind) {
        None | Some(ToolchainKind::Rustup) => crate::toolchain::rustup_targets(project_dir, env),
        Some(_) => None,
    }
}

fn tools_on_path() -> BTreeMap<String, String> {
    toolchain_names()
        .into_iter()
        .filter_map(|name| find_program(&name).map(|path| (name, path.display().to_string())))
        .collect()
}

fn package_manager() -> Option<PackageManager> {
    let candidates = [
        ("brew", PackageManager::Brew),
        ("apt-get", PackageManager::Apt),
        ("dnf", PackageManager::Dnf),
        ("pacman", PackageManager::Pacman),
    ];
    candidates
        .into_iter()
        .find(|(program, _)| find_program(program).is_some())
        .map(|(_, manager)| manager)
}

/// A program's path: itself when it contains a `/`, else the first
/// executable of that name on PATH.
pub fn find_program(program: &str) -> Option<PathBuf> {
    find_program_in(program, std::env::var_os("PATH").as_deref())
}

/// [`find_program`] with a given PATH value.
pub fn find_program_in(program: &str, path_var: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    if program.contains('/') {
        let path = PathBuf::from(program);
        return is_executable(&path).then_some(path);
    }
    std::env::split_paths(path_var?)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_has_its_own_target_installed() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let configs = crate::config::discover(dir).expect("config");
        let facts = host_facts(dir, &configs, &EnvOverlay::new()).expect("rustc runs");
        assert!(!facts.host_triple.is_empty());
        assert!(
            facts.installed_targets.contains(&facts.host_triple),
            "{:?} lacks {}",
            facts.installed_targets,
            facts.host_triple
        );
    }

    #[test]
    fn programs_are_found_on_path_or_by_path() {
        assert!(find_program("sh").is_some());
        assert!(find_program("/bin/sh").is_some());
        assert!(find_program("crossport-no-such-program").is_none());
    }
}
