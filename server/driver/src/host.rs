//! Host facts: installed targets, linkers on PATH, OS and package manager.
//!
//! Preflight and the fix planner decide from these: whether std for a
//! target is installed (rustup, or the rustc sysroot's `lib/rustlib/` when
//! there is no rustup), which C toolchain can link it (clang + ld.lld, the
//! `<tuple>-gcc` names distributions install, zig, Apple's ld), and which
//! package manager an install hint is written for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crossport_analysis::fixes::toolchain_names;
use crossport_analysis::preflight::{HostFacts, PackageManager};

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

/// Gathers the host facts for a project directory (rustc runs there so a
/// `rust-toolchain.toml` picks the toolchain).
pub fn host_facts(project_dir: &Path) -> Result<HostFacts, HostError> {
    let rustc = crate::process::rustc_program();
    let rustc = rustc.to_string_lossy();
    let verbose = run(project_dir, &rustc, &["-vV"])?;
    let host_triple = verbose
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let sysroot = run(project_dir, &rustc, &["--print", "sysroot"])?;
    let installed_targets = installed_targets(Path::new(sysroot.trim()));
    Ok(HostFacts {
        host_triple,
        os: std::env::consts::OS.to_owned(),
        installed_targets,
        rustup_targets: None,
        tools: tools_on_path(),
        package_manager: package_manager(),
    })
}

/// The targets rustup can install for the toolchain in use (`rustup target
/// list`), or `None` when there is no rustup. Slower than the rest, so
/// callers ask only when a target is missing.
pub fn rustup_targets(project_dir: &Path) -> Option<Vec<String>> {
    let command = crate::process::Toolchain::for_dir(project_dir).rustup_target("list", &[]);
    let args: Vec<&str> = command.args.iter().map(String::as_str).collect();
    let list = run(project_dir, "rustup", &args).ok()?;
    Some(
        list.lines()
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_owned)
            .collect(),
    )
}

/// Targets whose std is in the sysroot: `lib/rustlib/<triple>/lib/libstd-*`.
fn installed_targets(sysroot: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(sysroot.join("lib").join("rustlib")) else {
        return Vec::new();
    };
    let mut targets: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| has_std(&entry.path().join("lib")))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    targets.sort();
    targets
}

fn has_std(lib: &Path) -> bool {
    std::fs::read_dir(lib).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            (name.starts_with("libstd-") || name.starts_with("libcore-")) && name.ends_with(".rlib")
        })
    })
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
    if program.contains('/') {
        let path = PathBuf::from(program);
        return is_executable(&path).then_some(path);
    }
    let path_var = std::env::var_os("PATH")?;
    std::env::split_paths(&path_var)
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

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<String, HostError> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|source| HostError::Spawn {
            program: program.to_owned(),
            source,
        })?;
    if !output.status.success() {
        return Err(HostError::Failed {
            program: format!("{program} {}", args.join(" ")),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_has_its_own_target_installed() {
        let facts = host_facts(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("rustc runs");
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
