//! Which C toolchain links a target on this host, and the exact package to
//! install when none does.
//!
//! Preference: clang + lld (one install links every architecture against a
//! sysroot), then a GNU cross gcc under the names distributions use
//! (`aarch64-linux-gnu-gcc`), then zig.

use crate::preflight::{HostFacts, PackageManager};
use crossport_formats::arch::debian_arch_for_triple;

/// A C toolchain able to link a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Toolchain {
    ClangLld,
    /// A GNU cross compiler: `<prefix>-gcc`, `<prefix>-g++`, `<prefix>-ar`.
    Gcc {
        prefix: String,
    },
    Zig,
    /// Nothing on PATH: the plan writes clang + lld and says what to install.
    Missing,
}

/// Host tools an install hint can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    ClangLld,
    Qemu,
    PkgConfig,
    /// The GNU cross gcc for a Debian multiarch tuple.
    CrossGcc,
    /// cmake, which aws-lc-sys builds with.
    Cmake,
}

/// The GNU cross-gcc names a distribution may install for a target.
pub fn gcc_prefixes(target: &str) -> Vec<String> {
    let mut prefixes = Vec::new();
    if let Some(arch) = debian_arch_for_triple(target) {
        prefixes.push(arch.multiarch.to_owned());
    }
    prefixes.push(target.to_owned());
    if let Some(rest) = target.strip_prefix("aarch64-unknown-") {
        prefixes.push(format!("aarch64-none-{rest}"));
    }
    prefixes
}

/// Every program name the planner may ask the host about, so the driver
/// can look them all up on PATH once.
pub fn toolchain_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "clang",
        "clang++",
        "ld.lld",
        "zig",
        "musl-gcc",
        "llvm-ar",
        "pkg-config",
        "pkgconf",
        "ld",
        "cmake",
    ]
    .iter()
    .map(|name| (*name).to_owned())
    .collect();
    for triple in crossport_formats::arch::triples_with_debian_sysroot() {
        if let Some(arch) = debian_arch_for_triple(triple)
            && !names.iter().any(|n| n == arch.qemu)
        {
            names.push(arch.qemu.to_owned());
        }
        for prefix in gcc_prefixes(triple) {
            let gcc = format!("{prefix}-gcc");
            if !names.contains(&gcc) {
                names.push(gcc);
            }
        }
    }
    names
}

pub fn choose_toolchain(host: &HostFacts, target: &str) -> Toolchain {
    if host.has("clang") && host.has("ld.lld") {
        return Toolchain::ClangLld;
    }
    if let Some(prefix) = gcc_prefixes(target)
        .into_iter()
        .find(|prefix| host.has(&format!("{prefix}-gcc")))
    {
        return Toolchain::Gcc { prefix };
    }
    if host.has("zig") {
        return Toolchain::Zig;
    }
    Toolchain::Missing
}

/// The command that installs a tool with the host's package manager.
pub fn install_hint(manager: Option<PackageManager>, tool: Tool, target: &str) -> Option<String> {
    let multiarch = debian_arch_for_triple(target)
        .map(|a| a.multiarch)
        .unwrap_or(target);
    let (apt, dnf, pacman, brew) = match tool {
        Tool::ClangLld => (
            "clang lld".to_owned(),
            "clang lld".to_owned(),
            "clang lld".to_owned(),
            Some("llvm lld".to_owned()),
        ),
        Tool::Qemu => (
            "qemu-user".to_owned(),
            "qemu-user".to_owned(),
            "qemu-user".to_owned(),
            None,
        ),
        Tool::PkgConfig => (
            "pkg-config".to_owned(),
            "pkgconf-pkg-config".to_owned(),
            "pkgconf".to_owned(),
            Some("pkgconf".to_owned()),
        ),
        Tool::Cmake => (
            "cmake".to_owned(),
            "cmake".to_owned(),
            "cmake".to_owned(),
            Some("cmake".to_owned()),
        ),
        Tool::CrossGcc => (
            format!("gcc-{multiarch}"),
            format!("gcc-{multiarch}"),
            format!("{multiarch}-gcc"),
            None,
        ),
    };
    match manager? {
        PackageManager::Apt => Some(format!("sudo apt-get install {apt}")),
        PackageManager::Dnf => Some(format!("sudo dnf install {dnf}")),
        PackageManager::Pacman => Some(format!("sudo pacman -S {pacman}")),
        PackageManager::Brew => brew.map(|b| format!("brew install {b}")),
    }
}

/// The dynamic loader of a Debian architecture, relative to the sysroot.
pub fn loader_for_multiarch(multiarch: &str) -> Option<&'static str> {
    Some(match multiarch {
        "x86_64-linux-gnu" => "lib64/ld-linux-x86-64.so.2",
        "aarch64-linux-gnu" => "lib/ld-linux-aarch64.so.1",
        "arm-linux-gnueabihf" => "lib/ld-linux-armhf.so.3",
        "arm-linux-gnueabi" => "lib/ld-linux.so.3",
        "i386-linux-gnu" => "lib/ld-linux.so.2",
        "riscv64-linux-gnu" => "lib/ld-linux-riscv64-lp64d.so.1",
        "powerpc64le-linux-gnu" => "lib64/ld64.so.2",
        "s390x-linux-gnu" => "lib/ld64.so.1",
        "loongarch64-linux-gnu" => "lib64/ld-linux-loongarch-lp64d.so.1",
        "mips64el-linux-gnuabi64" => "lib64/ld.so.1",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(tools: &[&str]) -> HostFacts {
        HostFacts {
            tools: tools
                .iter()
                .map(|t| ((*t).to_owned(), format!("/usr/bin/{t}")))
                .collect(),
            ..HostFacts::default()
        }
    }

    #[test]
    fn prefers_clang_then_gcc_then_zig() {
        let target = "aarch64-unknown-linux-gnu";
        assert_eq!(
            choose_toolchain(&host(&["clang", "ld.lld", "zig"]), target),
            Toolchain::ClangLld
        );
        assert_eq!(
            choose_toolchain(&host(&["clang", "aarch64-linux-gnu-gcc"]), target),
            Toolchain::Gcc {
                prefix: "aarch64-linux-gnu".into()
            }
        );
        assert_eq!(choose_toolchain(&host(&["zig"]), target), Toolchain::Zig);
        assert_eq!(choose_toolchain(&host(&[]), target), Toolchain::Missing);
    }

    #[test]
    fn hints_name_the_exact_package() {
        let target = "armv7-unknown-linux-gnueabihf";
        assert_eq!(
            install_hint(Some(PackageManager::Apt), Tool::CrossGcc, target).as_deref(),
            Some("sudo apt-get install gcc-arm-linux-gnueabihf")
        );
        assert_eq!(
            install_hint(Some(PackageManager::Brew), Tool::ClangLld, target).as_deref(),
            Some("brew install llvm lld")
        );
        assert_eq!(
            install_hint(Some(PackageManager::Brew), Tool::Qemu, target),
            None
        );
        assert_eq!(install_hint(None, Tool::Qemu, target), None);
    }
}
