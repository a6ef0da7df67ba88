//! The releases crossport knows: one table of per-release facts.
//!
//! Sysroot fetch, `fix`, `inspect` verdicts, `probe` and the language
//! server's settings all read this table; nothing else names a release.
//! Every fact carries its source in a comment. Ubuntu's archive cannot be
//! reached from the machines this project is developed on, so the Ubuntu
//! rows come from Ubuntu's published package pages and release notes (named
//! per fact) and are checked only against the hermetic test archive; if a
//! fact is wrong, it is wrong here and nowhere else.

use serde::{Deserialize, Serialize};

/// Who publishes a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Debian,
    Ubuntu,
}

impl Vendor {
    /// The `ID` in os-release.
    pub fn os_release_id(self) -> &'static str {
        match self {
            Vendor::Debian => "debian",
            Vendor::Ubuntu => "ubuntu",
        }
    }

    /// The name for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Vendor::Debian => "Debian",
            Vendor::Ubuntu => "Ubuntu",
        }
    }

    /// The last path segment mirrors conventionally use for this vendor's
    /// main archive (`…/debian`, `…/ubuntu`), for messages.
    pub fn archive_path(self) -> &'static str {
        match self {
            Vendor::Debian => "debian",
            Vendor::Ubuntu => "ubuntu",
        }
    }
}

/// How a vendor's archive is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveKind {
    /// One archive holds every architecture (Debian).
    Single,
    /// Ubuntu: amd64 and i386 in the main archive, every other
    /// architecture in a second one, the "ports" archive
    /// (`…/ubuntu-ports`), with the same suites and components.
    /// Source: the `sources.list` an Ubuntu installer writes on amd64
    /// (`…/ubuntu`) and on arm64 (`…/ubuntu-ports`).
    MainAndPorts {
        /// Architectures of the main archive; all others are in ports.
        main_architectures: &'static [&'static str],
    },
}

/// Which of a release's archives an architecture lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Archive {
    Main,
    Ports,
}

impl Archive {
    /// The environment / `[env]` key naming this archive's mirror.
    pub fn mirror_key(self) -> &'static str {
        match self {
            Archive::Main => "CROSSPORT_MIRROR",
            Archive::Ports => "CROSSPORT_PORTS_MIRROR",
        }
    }

    /// The command-line flag naming this archive's mirror.
    pub fn mirror_flag(self) -> &'static str {
        match self {
            Archive::Main => "--mirror",
            Archive::Ports => "--ports-mirror",
        }
    }
}

/// The newest `GLIBCXX_` and `CXXABI_` symbol versions a release's
/// `libstdc++6` defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Libstdcxx {
    pub glibcxx: &'static [u32],
    pub cxxabi: &'static [u32],
}

/// A release crossport can build a sysroot from and give a verdict for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KnownRelease {
    pub vendor: Vendor,
    /// Codename, as in `dists/<codename>` and os-release's
    /// `VERSION_CODENAME`.
    pub codename: &'static str,
    /// os-release's `VERSION_ID`: "12", "22.04".
    pub version: &'static str,
    /// The glibc version it ships (libc6's upstream version).
    pub glibc: (u32, u32),
    /// The OpenSSL runtime soname it ships (`libssl.so.1.1`, `libssl.so.3`).
    pub libssl_soname: &'static str,
    /// The binary package that ships that soname (`libssl3t64` after the
    /// 64-bit time_t transition).
    pub libssl_package: &'static str,
    /// What its `libstdc++6` defines.
    pub libstdcxx: Libstdcxx,
    /// The default GCC's major version: the base set gets
    /// `libgcc-N-dev` and `libstdc++-N-dev` (the resolver reads N from the
    /// index's `gcc` package; this is what that gives, for messages and
    /// cross-checks).
    pub gcc_major: u32,
    /// Architectures of the release (Release's `Architectures`, both
    /// archives together for Ubuntu).
    pub architectures: &'static [&'static str],
    pub archive: ArchiveKind,
    /// Components a sysroot's closure is resolved over.
    pub components: &'static [&'static str],
    /// Suffixes of the suites layered over the release, in apt's usual
    /// order; `""` is the release itself. The closure sees all their
    /// indexes and takes the newest version of each package, as apt does.
    pub pockets: &'static [&'static str],
    /// Names of the shipped key files (see `inrelease::archive_key`)
    /// trusted to sign this release.
    pub keys: &'static [&'static str],
}

impl KnownRelease {
    /// `libgcc-N-dev`.
    pub fn libgcc_dev(&self) -> String {
        format!("libgcc-{}-dev", self.gcc_major)
    }

    /// `libstdc++-N-dev`.
    pub fn libstdcxx_dev(&self) -> String {
        format!("libstdc++-{}-dev", self.gcc_major)
    }

    /// The archive `arch` lives in.
    pub fn archive_for(&self, arch: &str) -> Archive {
        match self.archive {
            ArchiveKind::Single => Archive::Main,
            ArchiveKind::MainAndPorts { main_architectures } => {
                if main_architectures.contains(&arch) {
                    Archive::Main
                } else {
                    Archive::Ports
                }
            }
        }
    }

    /// The suites whose indexes make up the release: `jammy`,
    /// `jammy-updates`, `jammy-security`.
    pub fn suites(&self) -> Vec<String> {
        self.pockets
            .iter()
            .map(|pocket| format!("{}{pocket}", self.codename))
            .collect()
    }

    /// "Ubuntu 22.04 (jammy)".
    pub fn label(&self) -> String {
        format!(
            "{} {} ({})",
            self.vendor.display_name(),
            self.version,
            self.codename
        )
    }
}

const DEBIAN_KEYS: &[&str] = &[
    "debian-bullseye-automatic",
    "debian-bullseye-security-automatic",
    "debian-bullseye-stable",
    "debian-bookworm-automatic",
    "debian-bookworm-security-automatic",
    "debian-bookworm-stable",
    "debian-trixie-automatic",
    "debian-trixie-security-automatic",
    "debian-trixie-stable",
];

// Ubuntu's InRelease files are signed by the "Ubuntu Archive Automatic
// Signing Key (2018)" (871920D1991BC93C), older ones also by the 2012 key
// (3B4FE6ACC0B21F32); apt on Ubuntu trusts both. Source: the
// `ubuntu-archive-keyring.gpg` of Debian's `ubuntu-keyring` package
// (2023.11.28.1-0.2), copied byte for byte (see keys/README.md).
const UBUNTU_KEYS: &[&str] = &["ubuntu-archive-keyring"];

// Source: the `Architectures` line of each Ubuntu suite's Release file
// (main archive: amd64 i386; ports: arm64 armhf ppc64el riscv64 s390x).
const UBUNTU_MAIN_ARCHITECTURES: &[&str] = &["amd64", "i386"];
const UBUNTU_ARCHITECTURES: &[&str] = &[
    "amd64", "arm64", "armhf", "i386", "ppc64el", "riscv64", "s390x",
];
const UBUNTU_COMPONENTS: &[&str] = &["main", "universe"];
const UBUNTU_POCKETS: &[&str] = &["", "-updates", "-security"];
const UBUNTU_ARCHIVE: ArchiveKind = ArchiveKind::MainAndPorts {
    main_architectures: UBUNTU_MAIN_ARCHITECTURES,
};

/// Every known release: Debian oldest first, then Ubuntu oldest first.
pub const RELEASES: &[KnownRelease] = &[
    // Debian 11. Source: packages.debian.org/bullseye for libc6 (2.31-13),
    // libssl1.1 (1.1.1), gcc (gcc-10) and libstdc++6 (10.2.1: GLIBCXX_3.4.28,
    // CXXABI_1.3.12); Architectures from its Release file.
    KnownRelease {
        vendor: Vendor::Debian,
        codename: "bullseye",
        version: "11",
        glibc: (2, 31),
        libssl_soname: "libssl.so.1.1",
        libssl_package: "libssl1.1",
        libstdcxx: Libstdcxx {
            glibcxx: &[3, 4, 28],
            cxxabi: &[1, 3, 12],
        },
        gcc_major: 10,
        architectures: &[
            "amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "s390x",
        ],
        archive: ArchiveKind::Single,
        components: &["main"],
        pockets: &[""],
        keys: DEBIAN_KEYS,
    },
    // Debian 12. Source: packages.debian.org/bookworm: libc6 2.36-9,
    // libssl3 3.0, gcc-12, libstdc++6 12.2.0 (GLIBCXX_3.4.30, CXXABI_1.3.13).
    KnownRelease {
        vendor: Vendor::Debian,
        codename: "bookworm",
        version: "12",
        glibc: (2, 36),
        libssl_soname: "libssl.so.3",
        libssl_package: "libssl3",
        libstdcxx: Libstdcxx {
            glibcxx: &[3, 4, 30],
            cxxabi: &[1, 3, 13],
        },
        gcc_major: 12,
        architectures: &[
            "amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "s390x",
        ],
        archive: ArchiveKind::Single,
        components: &["main"],
        pockets: &[""],
        keys: DEBIAN_KEYS,
    },
    // Debian 13. Source: packages.debian.org/trixie: libc6 2.41, libssl3t64
    // (the 64-bit time_t rename), gcc-14, libstdc++6 14.2.0 (GLIBCXX_3.4.33,
    // CXXABI_1.3.15).
    KnownRelease {
        vendor: Vendor::Debian,
        codename: "trixie",
        version: "13",
        glibc: (2, 41),
        libssl_soname: "libssl.so.3",
        libssl_package: "libssl3t64",
        libstdcxx: Libstdcxx {
            glibcxx: &[3, 4, 33],
            cxxabi: &[1, 3, 15],
        },
        gcc_major: 14,
        architectures: &[
            "amd64", "arm64", "armel", "armhf", "i386", "ppc64el", "riscv64", "s390x",
        ],
        archive: ArchiveKind::Single,
        components: &["main"],
        pockets: &[""],
        keys: DEBIAN_KEYS,
    },
    // Ubuntu 20.04 LTS. Source: packages.ubuntu.com/focal: libc6
    // 2.31-0ubuntu9, libssl1.1 1.1.1f, gcc (gcc-9: 9.3.0), libstdc++6 built
    // from gcc-10 (10-20200411: GLIBCXX_3.4.28, CXXABI_1.3.12).
    KnownRelease {
        vendor: Vendor::Ubuntu,
        codename: "focal",
        version: "20.04",
        glibc: (2, 31),
        libssl_soname: "libssl.so.1.1",
        libssl_package: "libssl1.1",
        libstdcxx: Libstdcxx {
            glibcxx: &[3, 4, 28],
            cxxabi: &[1, 3, 12],
        },
        gcc_major: 9,
        architectures: UBUNTU_ARCHITECTURES,
        archive: UBUNTU_ARCHIVE,
        components: UBUNTU_COMPONENTS,
        pockets: UBUNTU_POCKETS,
        keys: UBUNTU_KEYS,
    },
    // Ubuntu 22.04 LTS. Source: packages.ubuntu.com/jammy: libc6
    // 2.35-0ubuntu3, libssl3 3.0.2, gcc (gcc-11: 11.2.0), libstdc++6 built
    // from gcc-12 (12-20220319: GLIBCXX_3.4.30, CXXABI_1.3.13).
    KnownRelease {
        vendor: Vendor::Ubuntu,
        codename: "jammy",
        version: "22.04",
        glibc: (2, 35),
        libssl_soname: "libssl.so.3",
        libssl_package: "libssl3",
        libstdcxx: Libstdcxx {
            glibcxx: &[3, 4, 30],
            cxxabi: &[1, 3, 13],
        },
        gcc_major: 11,
        architectures: UBUNTU_ARCHITECTURES,
        archive: UBUNTU_ARCHIVE,
        components: UBUNTU_COMPONENTS,
        pockets: UBUNTU_POCKETS,
        keys: UBUNTU_KEYS,
    },
    // Ubuntu 24.04 LTS. Source: packages.ubuntu.com/noble: libc6
    // 2.39-0ubuntu8, libssl3t64 3.0.13 (noble took the 64-bit time_t
    // renames), gcc (gcc-13: 13.2.0), libstdc++6 built from gcc-14
    // (14-20240412: GLIBCXX_3.4.33, CXXABI_1.3.15).
    KnownRelease {
        vendor: Vendor::Ubuntu,
        codename: "noble",
        version: "24.04",
        glibc: (2, 39),
        libssl_soname: "libssl.so.3",
        libssl_package: "libssl3t64",
        libstdcxx: Libstdcxx {
            glibcxx: &[3, 4, 33],
            cxxabi: &[1, 3, 15],
        },
        gcc_major: 13,
        architectures: UBUNTU_ARCHITECTURES,
        archive: UBUNTU_ARCHIVE,
        components: UBUNTU_COMPONENTS,
        pockets: UBUNTU_POCKETS,
        keys: UBUNTU_KEYS,
    },
];

/// The release `fix`, `sysroot fetch` and the language server use when none
/// is given.
pub const DEFAULT_RELEASE: &str = "bookworm";

/// Every codename, in table order, for settings that need a `'static`
/// list (a test keeps it equal to [`RELEASES`]).
pub const RELEASE_NAMES: &[&str] = &["bullseye", "bookworm", "trixie", "focal", "jammy", "noble"];

/// Looks a release up by codename (`bookworm`, `jammy`) or version
/// (`12`, `22.04`).
pub fn known_release(name: &str) -> Option<&'static KnownRelease> {
    let name = name.trim();
    RELEASES
        .iter()
        .find(|release| release.codename == name || release.version == name)
}

/// The release an os-release file describes (`ID` plus `VERSION_CODENAME`
/// or `VERSION_ID`).
pub fn release_for_os(
    id: &str,
    codename: Option<&str>,
    version_id: Option<&str>,
) -> Option<&'static KnownRelease> {
    RELEASES.iter().find(|release| {
        release.vendor.os_release_id() == id
            && (codename == Some(release.codename) || version_id == Some(release.version))
    })
}

/// The releases of one vendor, oldest first.
pub fn releases_of(vendor: Vendor) -> impl Iterator<Item = &'static KnownRelease> {
    RELEASES
        .iter()
        .filter(move |release| release.vendor == vendor)
}

/// "bullseye, bookworm, trixie, focal, jammy, noble", for messages.
pub fn known_names() -> String {
    RELEASE_NAMES.join(", ")
}

/// The error text for a release that is not in the table.
pub fn unknown_release_message(name: &str) -> String {
    format!(
        "unknown release `{name}` (known: {}; or a version number such as 12 or 22.04)",
        known_names()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_list_follows_the_table() {
        let names: Vec<&str> = RELEASES.iter().map(|r| r.codename).collect();
        assert_eq!(names, RELEASE_NAMES);
        assert!(known_release(DEFAULT_RELEASE).is_some());
    }

    #[test]
    fn looks_up_by_codename_or_version() {
        assert_eq!(known_release("bullseye").map(|r| r.glibc), Some((2, 31)));
        assert_eq!(known_release("12").map(|r| r.codename), Some("bookworm"));
        assert_eq!(known_release("22.04").map(|r| r.codename), Some("jammy"));
        assert_eq!(
            known_release("noble").map(|r| r.vendor),
            Some(Vendor::Ubuntu)
        );
        assert_eq!(known_release("sid"), None);
        assert!(unknown_release_message("sid").contains("jammy"));
    }

    #[test]
    fn ubuntu_puts_foreign_architectures_in_ports() {
        let jammy = known_release("jammy").expect("jammy");
        assert_eq!(jammy.archive_for("amd64"), Archive::Main);
        assert_eq!(jammy.archive_for("i386"), Archive::Main);
        for arch in ["arm64", "armhf", "riscv64", "ppc64el", "s390x"] {
            assert_eq!(jammy.archive_for(arch), Archive::Ports, "{arch}");
        }
        let bookworm = known_release("bookworm").expect("bookworm");
        assert_eq!(bookworm.archive_for("arm64"), Archive::Main);
        assert_eq!(jammy.suites(), ["jammy", "jammy-updates", "jammy-security"]);
        assert_eq!(bookworm.suites(), ["bookworm"]);
        assert_eq!(jammy.libgcc_dev(), "libgcc-11-dev");
    }

    #[test]
    fn os_release_picks_the_vendor_row() {
        assert_eq!(
            release_for_os("ubuntu", Some("jammy"), None).map(|r| r.version),
            Some("22.04")
        );
        assert_eq!(
            release_for_os("ubuntu", None, Some("24.04")).map(|r| r.codename),
            Some("noble")
        );
        assert_eq!(release_for_os("debian", Some("jammy"), None), None);
        assert_eq!(
            release_for_os("debian", None, Some("12")).map(|r| r.codename),
            Some("bookworm")
        );
    }

    #[test]
    fn every_release_names_shipped_keys() {
        for release in RELEASES {
            for key in release.keys {
                assert!(
                    crate::inrelease::archive_key(key).is_some(),
                    "{}: key {key} is not shipped",
                    release.codename
                );
            }
        }
    }
}
