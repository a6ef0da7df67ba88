//! `crossport doctor --format json`.

use crossport_analysis::preflight::{RustToolchain, ToolchainKind, ToolchainSource};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::inspect::Probe;

/// The findings for every target checked, and the toolchain they were
/// checked against.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Doctor {
    /// Root cause first, target by target.
    pub findings: Vec<Finding>,
    /// The rustc cargo will run, when one was found.
    pub toolchain: Option<Toolchain>,
    /// The probe of `--server`, when one was given.
    pub server: Option<Probe>,
}

/// The rustc cargo will run and who installs a target's std for it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Toolchain {
    /// The program run: a path, or a name looked up on PATH.
    pub rustc: String,
    /// Which setting picked it, in cargo's order.
    pub chosen_by: ChosenBy,
    /// `rustc --print sysroot`.
    pub sysroot: String,
    /// `rustc -V`.
    pub version: String,
    /// Who installs a target's std for it.
    pub kind: ToolchainInstaller,
}

/// What chose the toolchain.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ChosenBy {
    /// `RUSTC` or `CARGO_BUILD_RUSTC`.
    Env { var: String },
    /// `build.rustc` in a cargo config file.
    Config { path: String },
    /// rustup's `RUSTUP_TOOLCHAIN`.
    RustupEnv { toolchain: String },
    /// A `rust-toolchain.toml` (or `rust-toolchain`) file.
    ToolchainFile { path: String },
    /// The `rustc` on PATH.
    Path,
}

/// Who can install a target's standard library.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToolchainInstaller {
    /// `rustup target add`.
    Rustup,
    /// Debian's packaged compiler: the package `std_package:<debian arch>`.
    Debian { std_package: String },
    /// Nobody here can add a target to it.
    Other,
}

impl From<&RustToolchain> for Toolchain {
    fn from(toolchain: &RustToolchain) -> Self {
        Toolchain {
            rustc: toolchain.rustc.clone(),
            chosen_by: match &toolchain.chosen_by {
                ToolchainSource::Env { var } => ChosenBy::Env { var: var.clone() },
                ToolchainSource::Config { path } => ChosenBy::Config { path: path.clone() },
                ToolchainSource::RustupEnv { toolchain } => ChosenBy::RustupEnv {
                    toolchain: toolchain.clone(),
                },
                ToolchainSource::ToolchainFile { path } => {
                    ChosenBy::ToolchainFile { path: path.clone() }
                }
                ToolchainSource::Path => ChosenBy::Path,
            },
            sysroot: toolchain.sysroot.clone(),
            version: toolchain.version.clone(),
            kind: match &toolchain.kind {
                ToolchainKind::Rustup => ToolchainInstaller::Rustup,
                ToolchainKind::Debian { std_package } => ToolchainInstaller::Debian {
                    std_package: std_package.clone(),
                },
                ToolchainKind::Other => ToolchainInstaller::Other,
            },
        }
    }
}
