//! Rust target triples, Debian architectures and Debian releases.
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

/// A Debian release crossport can build a sysroot from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DebianRelease {
    /// Codename, as in `dists/<codename>`.
    pub codename: &'static str,
    /// Version number, e.g. "12".
    pub version: &'static str,
    /// The glibc version it ships (libc6's upstream version).
    pub glibc: (u32, u32),
    /// The OpenSSL runtime soname it ships (`libssl.so.1.1`, `libssl.so.3`).
    pub libssl_soname: &'static str,
    /// Architectures of the release's main archive (Release's `Architectures`).
    pub architectures: &'static [&'static str],
}

/// Debian releases, oldest first. glibc: bullseye 2.31, bookworm 2.36, trixie 2.41.
pub const DEBIAN_RELEASES: &[DebianRelease] = &[
    DebianRelease {
        codename: "bullseye",
        version: "11",
        glibc: (2, 31),
        libssl_soname: "libssl.so.1.1",
        architectures: &[
            "amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "s390x",
        ],
    },
    DebianRelease {
        codename: "bookworm",
        version: "12",
        glibc: (2, 36),
        libssl_soname: "libssl.so.3",
        architectures: &[
            "amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "s390x",
        ],
    },
    DebianRelease {
        codename: "trixie",
        version: "13",
        glibc: (2, 41),
        libssl_soname: "libssl.so.3",
        architectures: &[
            "amd64", "arm64", "armel", "armhf", "i386", "ppc64el", "riscv64", "s390x",
        ],
    },
];

/// Looks a release up by codename (`bookworm`) or version number (`12`).
pub fn debian_release(name: &str) -> Option<&'static DebianRelease> {
    DEBIAN_RELEASES
        .iter()
        .find(|release| release.codename == name || release.version == name)
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

    #[test]
    fn releases_by_codename_or_number() {
        assert_eq!(debian_release("bullseye").map(|r| r.glibc), Some((2, 31)));
        assert_eq!(debian_release("12").map(|r| r.codename), Some("bookworm"));
        assert_eq!(debian_release("sid"), None);
    }
}
