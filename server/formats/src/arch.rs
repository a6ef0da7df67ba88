//! Rust target triples and Debian architectures (releases: see `distro`).
//!
//! The mapping is data from Debian's multiarch tuples (`dpkg-architecture
//! -L` and the `dpkg-architecture -qDEB_HOST_MULTIARCH` of each port) and
//! rustc's target list. A triple that has no Debian port maps to `None`.

use serde::Serialize;

/// A Debian architecture as a sysroot needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DebianArch {
    /// Debian's name: `arm64`, `armhf`, `amd64` …
    pub name: &'static str,
    /// The multiarch tuple, the directory under `/usr/lib` and
    /// `/usr/include`: `aarch64-linux-gnu`, `arm-linux-gnueabihf` …
    pub multiarch: &'static str,
    /// The target name clang understands for this architecture.
    pub clang_target: &'static str,
    /// qemu-user's binary for it (`qemu-aarch64`), when one exists.
    pub qemu: &'static str,
    /// The ELF machine name `object` and readelf report (`aarch64`, `arm`).
    pub elf_machine: &'static str,
}

const fn arch(
    name: &'static str,
    multiarch: &'static str,
    clang_target: &'static str,
    qemu: &'static str,
    elf_machine: &'static str,
) -> DebianArch {
    DebianArch {
        name,
        multiarch,
        clang_target,
        qemu,
        elf_machine,
    }
}

/// Rust triple (glibc flavour) → Debian architecture.
const GNU_TRIPLES: &[(&str, DebianArch)] = &[
    (
        "x86_64-unknown-linux-gnu",
        arch(
            "amd64",
            "x86_64-linux-gnu",
            "x86_64-linux-gnu",
            "qemu-x86_64",
            "x86_64",
        ),
    ),
    (
        "aarch64-unknown-linux-gnu",
        arch(
            "arm64",
            "aarch64-linux-gnu",
            "aarch64-linux-gnu",
            "qemu-aarch64",
            "aarch64",
        ),
    ),
    (
        "armv7-unknown-linux-gnueabihf",
        arch(
            "armhf",
            "arm-linux-gnueabihf",
            "armv7a-linux-gnueabihf",
            "qemu-arm",
            "arm",
        ),
    ),
    (
        "thumbv7neon-unknown-linux-gnueabihf",
        arch(
            "armhf",
            "arm-linux-gnueabihf",
            "armv7a-linux-gnueabihf",
            "qemu-arm",
            "arm",
        ),
    ),
    (
        "arm-unknown-linux-gnueabi",
        arch(
            "armel",
            "arm-linux-gnueabi",
            "arm-linux-gnueabi",
            "qemu-arm",
            "arm",
        ),
    ),
    (
        "armv5te-unknown-linux-gnueabi",
        arch(
            "armel",
            "arm-linux-gnueabi",
            "armv5te-linux-gnueabi",
            "qemu-arm",
            "arm",
        ),
    ),
    (
        "i686-unknown-linux-gnu",
        arch(
            "i386",
            "i386-linux-gnu",
            "i686-linux-gnu",
            "qemu-i386",
            "x86",
        ),
    ),
    (
        "riscv64gc-unknown-linux-gnu",
        arch(
            "riscv64",
            "riscv64-linux-gnu",
            "riscv64-linux-gnu",
            "qemu-riscv64",
            "riscv64",
        ),
    ),
    (
        "powerpc64le-unknown-linux-gnu",
        arch(
            "ppc64el",
            "powerpc64le-linux-gnu",
            "powerpc64le-linux-gnu",
            "qemu-ppc64le",
            "ppc64",
        ),
    ),
    (
        "s390x-unknown-linux-gnu",
        arch(
            "s390x",
            "s390x-linux-gnu",
            "s390x-linux-gnu",
            "qemu-s390x",
            "s390x",
        ),
    ),
    (
        "loongarch64-unknown-linux-gnu",
        arch(
            "loong64",
            "loongarch64-linux-gnu",
            "loongarch64-linux-gnu",
            "qemu-loongarch64",
            "loongarch64",
        ),
    ),
    (
        "mips64el-unknown-linux-gnuabi64",
        arch(
            "mips64el",
            "mips64el-linux-gnuabi64",
            "mips64el-linux-gnuabi64",
            "qemu-mips64el",
            "mips64",
        ),
    ),
];

/// The Debian architecture whose sysroot a Rust triple links against.
pub fn debian_arch_for_triple(triple: &str) -> Option<DebianArch> {
    GNU_TRIPLES
        .iter()
        .find(|(rust, _)| *rust == triple)
        .map(|(_, arch)| *arch)
}

/// Every triple that has a Debian sysroot.
pub fn triples_with_debian_sysroot() -> impl Iterator<Item = &'static str> {
    GNU_TRIPLES.iter().map(|(rust, _)| *rust)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_common_triples() {
        let arm64 = debian_arch_for_triple("aarch64-unknown-linux-gnu").expect("aarch64 maps");
        assert_eq!(
            (arm64.name, arm64.multiarch),
            ("arm64", "aarch64-linux-gnu")
        );
        let armhf = debian_arch_for_triple("armv7-unknown-linux-gnueabihf").expect("armv7 maps");
        assert_eq!(
            (armhf.name, armhf.multiarch),
            ("armhf", "arm-linux-gnueabihf")
        );
        assert_eq!(debian_arch_for_triple("x86_64-unknown-linux-musl"), None);
        assert_eq!(debian_arch_for_triple("thumbv7em-none-eabihf"), None);
    }
}
