//! Which Rust toolchain cargo will use for a project, asked the way cargo
//! chooses it.
//!
//! Cargo runs `RUSTC`, else `CARGO_BUILD_RUSTC`, else `build.rustc` from its
//! config files, else `rustc` from PATH; when that `rustc` is rustup's
//! proxy, rustup picks the toolchain from `RUSTUP_TOOLCHAIN`, then a
//! `rust-toolchain.toml` (or `rust-toolchain`) in the directory or an
//! ancestor, then its default. Whether a target's std is installed is a
//! question about that compiler's sysroot (`rustc --print sysroot`, then
//! `lib/rustlib/<target>/lib`), so doctor, fix and the language server all
//! ask [`rust_toolchain`] and never a different rustc.
//!
//! An editor can build with settings' environment (like rust-analyzer's
//! `cargo.extraEnv`); [`EnvOverlay`] carries it, on top of the process's own
//! environment, into every rustc, rustup and cargo run here.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crossport_analysis::preflight::{
    RustToolchain, ToolchainKind, ToolchainSource, debian_std_package,
};

use crate::config::CargoConfigs;
use crate::host::{HostError, find_program_in};

/// Environment variables set on top of the process's environment for the
/// programs crossport runs (cargo, rustc, rustup). A value of `None` unsets
/// the variable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvOverlay {
    vars: BTreeMap<String, Option<String>>,
}

impl EnvOverlay {
    /// No changes: the process's environment as it is.
    pub fn new() -> Self {
        EnvOverlay::default()
    }

    /// Sets `name` to `value`.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.vars.insert(name.into(), Some(value.into()));
        self
    }

    /// Unsets `name` for the programs run.
    pub fn unset(&mut self, name: impl Into<String>) -> &mut Self {
        self.vars.insert(name.into(), None);
        self
    }

    /// An overlay that sets every entry of `vars`.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut overlay = EnvOverlay::new();
        for (name, value) in vars {
            overlay.set(name, value);
        }
        overlay
    }

    /// The value a program run with this overlay sees; empty counts as
    /// unset, as cargo treats `RUSTC=`.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match self.vars.get(name) {
            Some(value) => value.clone(),
            None => std::env::var(name).ok(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// [`EnvOverlay::var`] without the empty-is-unset rule or UTF-8.
    pub(crate) fn var_os(&self, name: &str) -> Option<OsString> {
        match self.vars.get(name) {
            Some(value) => value.as_ref().map(OsString::from),
            None => std::env::var_os(name),
        }
    }

    /// Applies the overlay to a command.
    pub fn apply<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        for (name, value) in &self.vars {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        command
    }

    /// The overlay's own entries.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.vars
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_deref()))
    }
}

/// The toolchain cargo will use in `dir`, with what rustc says about its
/// host and the targets whose std is in its sysroot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolchainFacts {
    pub toolchain: RustToolchain,
    pub host_triple: String,
    pub installed_targets: Vec<String>,
}

/// Asks the rustc cargo would run in `dir` (see the module docs for the
/// order) for its version, host and sysroot.
pub fn rust_toolchain(
    dir: &Path,
    configs: &CargoConfigs,
    env: &EnvOverlay,
) -> Result<ToolchainFacts, HostError> {
    let (rustc, chosen_by) = choose_rustc(configs, env);
    let verbose = run_rustc(dir, &rustc, env, &["-vV"])?;
    let host_triple = verbose
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let version = verbose.lines().next().unwrap_or_default().trim().to_owned();
    let sysroot = run_rustc(dir, &rustc, env, &["--print", "sysroot"])?
        .trim()
        .to_owned();
    let installed_targets = installed_targets(Path::new(&sysroot));
    let resolved = resolve_program(&rustc, env);
    let kind = toolchain_kind(resolved.as_deref(), Path::new(&sysroot), env);
    let chosen_by = match (&chosen_by, &kind) {
        (ToolchainSource::Path, ToolchainKind::Rustup) => rustup_choice(dir, env),
        _ => chosen_by,
    };
    Ok(ToolchainFacts {
        toolchain: RustToolchain {
            rustc,
            chosen_by,
            sysroot,
            version,
            kind,
        },
        host_triple,
        installed_targets,
    })
}

/// The rustc program and the setting that chose it, in cargo's order.
fn choose_rustc(configs: &CargoConfigs, env: &EnvOverlay) -> (String, ToolchainSource) {
    for var in ["RUSTC", "CARGO_BUILD_RUSTC"] {
        if let Some(value) = env.var(var) {
            return (
                value,
                ToolchainSource::Env {
                    var: var.to_owned(),
                },
            );
        }
    }
    if let Some((setting, file)) = configs.file_setting(&["build", "rustc"])
        && let Some(program) = setting.value.as_str().filter(|p| !p.is_empty())
    {
        // Cargo resolves a config path with a slash against the directory
        // holding `.cargo/`; a bare name is looked up on PATH.
        let program = if program.contains('/') && Path::new(program).is_relative() {
            file.base_dir().join(program).display().to_string()
        } else {
            program.to_owned()
        };
        return (
            program,
            ToolchainSource::Config {
                path: file.path.display().to_string(),
            },
        );
    }
    ("rustc".to_owned(), ToolchainSource::Path)
}

/// What made rustup pick the toolchain of its proxy.
fn rustup_choice(dir: &Path, env: &EnvOverlay) -> ToolchainSource {
    if let Some(toolchain) = env.var("RUSTUP_TOOLCHAIN") {
        return ToolchainSource::RustupEnv { toolchain };
    }
    dir.ancestors()
        .flat_map(|d| [d.join("rust-toolchain.toml"), d.join("rust-toolchain")])
        .find(|path| path.is_file())
        .map_or(ToolchainSource::Path, |path| {
            ToolchainSource::ToolchainFile {
                path: path.display().to_string(),
            }
        })
}

/// rustup's toolchains live under `$RUSTUP_HOME/toolchains` (default
/// `~/.rustup`); Debian's compiler has `/usr` as its sysroot and belongs to
/// a `rustc*` package.
fn toolchain_kind(rustc: Option<&Path>, sysroot: &Path, env: &EnvOverlay) -> ToolchainKind {
    let rustup_home = env
        .var("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| env.var("HOME").map(|h| Path::new(&h).join(".rustup")));
    let sysroot = sysroot
        .canonicalize()
        .unwrap_or_else(|_| sysroot.to_owned());
    if let Some(home) = rustup_home {
        let toolchains = home.join("toolchains");
        let toolchains = toolchains.canonicalize().unwrap_or(toolchains);
        if sysroot.starts_with(&toolchains) {
            return ToolchainKind::Rustup;
        }
    }
    if sysroot.starts_with("/usr")
        && let Some(package) = rustc.and_then(dpkg_owner)
        && let Some(std_package) = debian_std_package(&package)
    {
        return ToolchainKind::Debian { std_package };
    }
    ToolchainKind::Other
}

/// The package dpkg says ships `path` (`rustc-web: /usr/bin/rustc`). The
/// file lists of the `rustc*` packages are read first (a few KB, no
/// process); `dpkg-query -S` is the fallback.
fn dpkg_owner(path: &Path) -> Option<String> {
    let path = path.canonicalize().ok()?;
    if let Some(package) = rustc_package_listing(Path::new(DPKG_INFO), &path) {
        return Some(package);
    }
    let output = Command::new("dpkg-query")
        .arg("-S")
        .arg(&path)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    parse_dpkg_owner(&String::from_utf8_lossy(&output.stdout))
}

const DPKG_INFO: &str = "/var/lib/dpkg/info";

/// The `rustc*` package whose dpkg file list (`<info>/<package>[:arch].list`)
/// holds `path`.
fn rustc_package_listing(info: &Path, path: &Path) -> Option<String> {
    let wanted = path.to_str()?;
    let mut lists: Vec<PathBuf> = std::fs::read_dir(info)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("rustc") && n.ends_with(".list"))
        })
        .collect();
    lists.sort();
    lists.into_iter().find_map(|list| {
        let text = std::fs::read_to_string(&list).ok()?;
        text.lines().any(|line| line == wanted).then(|| {
            let name = list.file_stem()?.to_str()?;
            Some(name.split(':').next().unwrap_or(name).to_owned())
        })?
    })
}

/// The first package of a `dpkg-query -S` line, without its `:arch`.
fn parse_dpkg_owner(output: &str) -> Option<String> {
    let line = output.lines().next()?;
    let (packages, path) = line.split_once(": ")?;
    if !path.starts_with('/') {
        return None;
    }
    let first = packages.split(',').next()?.trim();
    let name = first.split(':').next()?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// The program's path, looked up on the overlay's PATH when it is a name.
fn resolve_program(program: &str, env: &EnvOverlay) -> Option<PathBuf> {
    find_program_in(program, env.var_os("PATH").as_deref())
}

/// Targets whose std is in the sysroot: `lib/rustlib/<triple>/lib/libstd-*`.
pub(crate) fn installed_targets(sysroot: &Path) -> Vec<String> {
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

fn run_rustc(
    dir: &Path,
    rustc: &str,
    env: &EnvOverlay,
    args: &[&str],
) -> Result<String, HostError> {
    let mut command = Command::new(rustc);
    command.args(args).current_dir(dir);
    env.apply(&mut command);
    let output = command.output().map_err(|source| HostError::Spawn {
        program: rustc.to_owned(),
        source,
    })?;
    if !output.status.success() {
        return Err(HostError::Failed {
            program: format!("{rustc} {}", args.join(" ")),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The targets rustup can install for the toolchain in use (`rustup target
/// list`), or `None` when there is no rustup.
pub fn rustup_targets(dir: &Path, env: &EnvOverlay) -> Option<Vec<String>> {
    let mut command = Command::new("rustup");
    command.args(["target", "list"]).current_dir(dir);
    env.apply(&mut command);
    let output = command.output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_owned)
            .collect(),
    )
}

#[cfg(test)]
mod tests;
