//! What preflight reads: the resolved dependency graph, the effective cargo
//! config for a target, and facts about the host, all gathered by the driver.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The resolved dependency graph of a workspace (from `cargo metadata`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProjectGraph {
    pub workspace_root: String,
    pub packages: Vec<GraphPackage>,
    /// Indices into `packages` of the workspace members.
    pub members: Vec<usize>,
    /// `edges[i]` are the dependencies of `packages[i]`.
    pub edges: Vec<Vec<GraphEdge>>,
}

/// One package of the graph.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GraphPackage {
    pub name: String,
    pub version: String,
    /// The `links` key of a `-sys` crate.
    pub links: Option<String>,
    pub manifest_path: String,
    /// Its proc-macro crates are built for the host, so the native
    /// libraries behind them are not the target's problem.
    pub proc_macro: bool,
    /// The features the resolver turned on.
    pub enabled_features: Vec<String>,
    /// Libraries its sources ask the linker for without a `links` key
    /// (`#[link(name = "flac")]`, `cargo:rustc-link-lib=…` in build.rs),
    /// read by the driver from path crates and `-sys` crates.
    #[serde(default)]
    pub link_names: Vec<String>,
    /// The features the package declares (`default` included).
    pub declared_features: BTreeMap<String, Vec<String>>,
}

/// A dependency edge and the kinds it is used as.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct GraphEdge {
    pub to: usize,
    pub normal: bool,
    pub build: bool,
    pub dev: bool,
}

impl GraphPackage {
    /// Whether the crate links a native library: a `links` key, a row of
    /// [`crate::native_libs`], or a library named in its sources.
    pub fn is_native(&self) -> bool {
        self.links.is_some()
            || !self.link_names.is_empty()
            || crate::native_libs::for_crate(&self.name).next().is_some()
    }
}

impl ProjectGraph {
    pub fn package(&self, name: &str) -> Option<&GraphPackage> {
        self.packages.iter().find(|package| package.name == name)
    }
}

/// Where a config value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A config file, with the byte span of `key = value`.
    File {
        path: String,
        span: Option<(usize, usize)>,
    },
    /// An environment variable of this process.
    Env { var: String },
}

/// One effective config value and its origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigSetting {
    pub value: serde_json::Value,
    pub origin: Origin,
}

impl ConfigSetting {
    /// The program of a string or `[program, args…]` value.
    pub fn program(&self) -> Option<&str> {
        match &self.value {
            serde_json::Value::String(s) => s.split_whitespace().next(),
            serde_json::Value::Array(items) => items.first().and_then(|v| v.as_str()),
            _ => None,
        }
    }

    /// A string value, or `{ value = … }` of an `[env]` entry.
    pub fn as_str(&self) -> Option<&str> {
        self.value
            .as_str()
            .or_else(|| self.value.get("value").and_then(|v| v.as_str()))
    }
}

/// The effective cargo config for one target, the way cargo would merge it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TargetConfig {
    pub linker: Option<ConfigSetting>,
    /// Whether the configured linker program was found (on PATH or at its
    /// path); `None` when no linker is configured.
    pub linker_found: Option<bool>,
    pub runner: Option<ConfigSetting>,
    pub rustflags: Option<ConfigSetting>,
    /// `[env]` entries and process environment variables that matter to
    /// build scripts (`CC_<triple>`, `<TRIPLE>_OPENSSL_DIR` …), by name.
    pub env: BTreeMap<String, ConfigSetting>,
    /// What the sysroot the config wires in holds, when there is one.
    #[serde(default)]
    pub sysroot: Option<SysrootContents>,
}

/// The pkg-config modules and libraries a configured sysroot holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SysrootContents {
    /// The sysroot directory as the config names it.
    pub root: String,
    /// `.pc` file names without the extension (`libudev`).
    pub pkg_config: std::collections::BTreeSet<String>,
    /// Library names of `lib<name>.so` and `lib<name>.a` files (`udev`).
    pub libraries: std::collections::BTreeSet<String>,
}

impl SysrootContents {
    /// Records one file of the sysroot by its path relative to the root.
    pub fn add_file(&mut self, relative: &str) {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        if let Some(module) = name.strip_suffix(".pc")
            && relative.contains("pkgconfig/")
        {
            self.pkg_config.insert(module.to_owned());
        } else if let Some(stem) = name.strip_prefix("lib") {
            let library = stem
                .strip_suffix(".a")
                .or_else(|| stem.split_once(".so").map(|(lib, _)| lib));
            if let Some(library) = library.filter(|library| !library.is_empty()) {
                self.libraries.insert(library.to_owned());
            }
        }
    }
}

/// The package manager that install hints are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageManager {
    Apt,
    Dnf,
    Pacman,
    Brew,
}

/// What the host has.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HostFacts {
    /// rustc's host triple.
    pub host_triple: String,
    /// `linux`, `macos`, `windows` …
    pub os: String,
    /// Targets whose std is installed for the toolchain in use.
    pub installed_targets: Vec<String>,
    /// Targets rustup can install for that toolchain; `None` without rustup.
    pub rustup_targets: Option<Vec<String>>,
    /// Programs found on PATH (by name) with their paths: clang, ld.lld,
    /// `<tuple>-gcc`, zig, qemu-*, llvm-ar, pkg-config.
    pub tools: BTreeMap<String, String>,
    pub package_manager: Option<PackageManager>,
    /// The Rust toolchain cargo will use, when it could be asked.
    #[serde(default)]
    pub toolchain: Option<RustToolchain>,
}

/// The rustc cargo will run for a project, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustToolchain {
    /// The program run: a path, or a name looked up on PATH.
    pub rustc: String,
    /// Which setting picked it.
    pub chosen_by: ToolchainSource,
    /// `rustc --print sysroot`.
    pub sysroot: String,
    /// `rustc -V`, e.g. `rustc 1.96.0 (ac68faa20 2026-05-25)`.
    pub version: String,
    /// Who installs a target's std for it.
    pub kind: ToolchainKind,
}

/// What chose the toolchain, in cargo's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ToolchainSource {
    /// `RUSTC` or `CARGO_BUILD_RUSTC`.
    Env { var: String },
    /// `build.rustc` in a cargo config file.
    Config { path: String },
    /// rustup's `RUSTUP_TOOLCHAIN`.
    RustupEnv { toolchain: String },
    /// A `rust-toolchain.toml` (or `rust-toolchain`) file.
    ToolchainFile { path: String },
    /// The `rustc` on PATH (rustup's default toolchain when it is rustup's proxy).
    Path,
}

/// Who can install a target's standard library for a toolchain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToolchainKind {
    /// A rustup toolchain: `rustup target add`.
    Rustup,
    /// Debian's (or a derivative's) packaged compiler: the std of each
    /// architecture is the package `std_package:<debian arch>`
    /// (`libstd-rust-dev`, or `libstd-rust-web-dev` for `rustc-web`).
    Debian { std_package: String },
    /// Anything else: nobody here can add a target to it.
    Other,
}

impl RustToolchain {
    /// The command that installs `target`'s std into this toolchain, when
    /// one is known.
    pub fn std_install_command(&self, target: &str) -> Option<String> {
        match &self.kind {
            ToolchainKind::Rustup => Some(format!("rustup target add {target}")),
            ToolchainKind::Debian { std_package } => {
                let arch = crossport_formats::arch::debian_arch_for_triple(target)?;
                Some(format!("apt-get install {std_package}:{}", arch.name))
            }
            ToolchainKind::Other => None,
        }
    }
}

/// The Debian package of a packaged rustc's std, from the package that
/// ships the compiler: `rustc` → `libstd-rust-dev`, `rustc-web` →
/// `libstd-rust-web-dev`, `rustc-1.80` → `libstd-rust-1.80-dev`.
pub fn debian_std_package(rustc_package: &str) -> Option<String> {
    let rest = rustc_package.strip_prefix("rustc")?;
    match rest {
        "" => Some("libstd-rust-dev".to_owned()),
        _ => {
            let suffix = rest.strip_prefix('-')?;
            Some(format!("libstd-rust-{suffix}-dev"))
        }
    }
}

impl HostFacts {
    pub fn has(&self, tool: &str) -> bool {
        self.tools.contains_key(tool)
    }
}

/// Everything preflight looks at.
#[derive(Debug, Clone, Copy)]
pub struct PreflightInput<'a> {
    pub graph: &'a ProjectGraph,
    pub host: &'a HostFacts,
    pub config: &'a TargetConfig,
    /// Member manifests' text by path, for the span of each declaration.
    pub manifests: &'a BTreeMap<String, String>,
}
