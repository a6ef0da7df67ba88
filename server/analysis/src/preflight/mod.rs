//! Preflight: predict a target's findings from cargo metadata, the cargo config and host facts.
//!
//! `crossport doctor` and the language server report what a build for a
//! target will trip over before anything is compiled: the target's std is
//! not installed, no linker can link it, or a `-sys` crate needs a native
//! library for it. Each finding points at the `Cargo.toml` line of the
//! direct dependency that pulls the native crate in, with the dependency
//! path (`reqwest → hyper-tls → native-tls → openssl-sys`) as related notes.
//!
//! Everything here is data in, findings out: the driver runs `cargo
//! metadata`, reads the config files and looks at the host.

mod graph;
mod input;
mod musl;
mod native;
mod old_glibc;
mod toolchain;

#[cfg(test)]
mod native_tests;

pub use graph::{DependencyPath, paths_to_native_crates};
pub use input::{
    ConfigSetting, GraphEdge, GraphPackage, HostFacts, Origin, PackageManager, PreflightInput,
    ProjectGraph, RustToolchain, SysrootContents, TargetConfig, ToolchainKind, ToolchainSource,
    debian_std_package,
};
pub use musl::{StaticChoice, is_musl, rustls_feature, static_choice};
pub use native::{NativeNeed, NativeStatus, native_need};
pub use old_glibc::{
    musl_sibling, older_than_every_sysroot, oldest_sysroot_release, server_glibc_finding,
};

use crate::finding::Finding;

/// The findings for one target, root cause first: std, then the linker,
/// then native libraries (for musl: what has to be built statically).
pub fn preflight(input: &PreflightInput<'_>, target: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(toolchain::std_finding(input.host, target));
    findings.extend(toolchain::linker_finding(input.host, input.config, target));
    findings.extend(native::native_findings(input, target));
    findings.extend(musl::findings(input, target));
    findings
}

/// The host's Rust triple is the default target; this tells whether a
/// target's binaries run on this machine without emulation.
pub fn same_arch(host_triple: &str, target: &str) -> bool {
    host_triple.split('-').next() == target.split('-').next()
}

#[cfg(test)]
mod tests;
