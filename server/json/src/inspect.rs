//! `crossport inspect --format json` and `crossport probe --format json`.

use std::collections::BTreeMap;

use crossport_analysis::inspect as internal;
use crossport_driver::ssh::ProbeReport;
use crossport_formats::distro;
use crossport_formats::elf;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Endian {
    Little,
    Big,
}

/// The highest version of one family (`GLIBC`, `GLIBCXX`, `CXXABI`) a
/// binary requires, and the symbols that require exactly that version.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Requirement {
    pub family: String,
    /// Dotted, e.g. `2.34`.
    pub version: String,
    pub symbols: Vec<String>,
}

/// What a binary asks of the system's C and C++ runtimes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Requirements {
    pub glibc: Option<Requirement>,
    pub glibcxx: Option<Requirement>,
    pub cxxabi: Option<Requirement>,
}

/// One version a binary needs from one library (`.gnu.version_r`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VersionNeed {
    /// The library soname (`libc.so.6`).
    pub library: String,
    /// The version name (`GLIBC_2.34`).
    pub version: String,
    /// Undefined dynamic symbols bound to it, in table order.
    pub symbols: Vec<String>,
}

/// A NEEDED soname, where the sysroot has it and the package that ships it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct NeededLibrary {
    pub soname: String,
    /// The path inside the sysroot, when it was found there.
    pub path: Option<String>,
    /// The Debian package that ships it.
    pub package: Option<String>,
    /// Where the package name came from: `sysroot-manifest` or `known`.
    pub package_source: Option<String>,
}

/// Whether a binary runs somewhere, and why not.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// What was checked: a release codename, `glibc 2.31`, or a host.
    pub against: String,
    pub runs: bool,
    /// One sentence per reason it would not start.
    pub problems: Vec<String>,
}

/// Everything `inspect` says about one ELF binary.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Inspect {
    pub path: String,
    /// 32 or 64.
    pub class: u8,
    /// The ELF machine, e.g. `AArch64`.
    pub machine: String,
    pub endian: Endian,
    /// `dynamic`, `static`, `static-pie` …
    pub linkage: String,
    pub interpreter: Option<String>,
    pub soname: Option<String>,
    pub needed: Vec<String>,
    pub rpath: Vec<String>,
    pub runpath: Vec<String>,
    /// `"2.34"`, or null when the binary needs no versioned glibc symbol.
    pub glibc_required: Option<String>,
    pub glibcxx_required: Option<String>,
    pub cxxabi_required: Option<String>,
    pub requirements: Requirements,
    /// Every version requirement, as in `.gnu.version_r`.
    pub version_needs: Vec<VersionNeed>,
    /// The NEEDED sonames, resolved against the sysroot when one was given.
    pub libraries: Vec<NeededLibrary>,
    /// Release codename → whether the binary runs there.
    pub releases: BTreeMap<String, bool>,
    /// The same, with the reasons, one per release crossport knows.
    pub verdicts: Vec<Verdict>,
    /// The verdict for what `--release`, `--glibc` or `--sysroot` named.
    pub target: Option<Verdict>,
}

fn requirement(requirement: &Option<internal::Requirement>) -> Option<Requirement> {
    requirement.as_ref().map(|r| Requirement {
        family: r.family.clone(),
        version: r.version.to_string(),
        symbols: r.symbols.clone(),
    })
}

impl From<&internal::Verdict> for Verdict {
    fn from(verdict: &internal::Verdict) -> Self {
        Verdict {
            against: verdict.against.clone(),
            runs: verdict.runs,
            problems: verdict.problems.clone(),
        }
    }
}

impl From<&internal::InspectReport> for Inspect {
    fn from(report: &internal::InspectReport) -> Self {
        Inspect {
            path: report.path.clone(),
            class: report.class,
            machine: report.machine.clone(),
            endian: match report.endian {
                elf::Endian::Little => Endian::Little,
                elf::Endian::Big => Endian::Big,
            },
            linkage: report.linkage.to_owned(),
            interpreter: report.interpreter.clone(),
            soname: report.soname.clone(),
            needed: report.needed.clone(),
            rpath: report.rpath.clone(),
            runpath: report.runpath.clone(),
            glibc_required: report.glibc_required.clone(),
            glibcxx_required: report.glibcxx_required.clone(),
            cxxabi_required: report.cxxabi_required.clone(),
            requirements: Requirements {
                glibc: requirement(&report.requirements.glibc),
                glibcxx: requirement(&report.requirements.glibcxx),
                cxxabi: requirement(&report.requirements.cxxabi),
            },
            version_needs: report
                .version_needs
                .iter()
                .map(|need| VersionNeed {
                    library: need.library.clone(),
                    version: need.version.clone(),
                    symbols: need.symbols.clone(),
                })
                .collect(),
            libraries: report
                .libraries
                .iter()
                .map(|library| NeededLibrary {
                    soname: library.soname.clone(),
                    path: library.path.clone(),
                    package: library.package.clone(),
                    package_source: library.package_source.clone(),
                })
                .collect(),
            releases: report.releases.clone(),
            verdicts: report.verdicts.iter().map(Verdict::from).collect(),
            target: report.target.as_ref().map(Verdict::from),
        }
    }
}

/// Which of a release's archives a mirror is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Archive {
    Main,
    /// Ubuntu's second archive (arm64, armhf, riscv64, ppc64el, s390x).
    Ports,
}

impl From<distro::Archive> for Archive {
    fn from(archive: distro::Archive) -> Self {
        match archive {
            distro::Archive::Main => Archive::Main,
            distro::Archive::Ports => Archive::Ports,
        }
    }
}

/// An apt source file on the server: its path and text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AptSource(pub String, pub String);

/// What a probe found out about a server.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ServerFacts {
    /// `uname -m` (`x86_64`, `aarch64`, `armv7l`).
    pub uname_machine: String,
    /// `/etc/os-release` keys (`ID`, `VERSION_CODENAME`, `PRETTY_NAME` …).
    pub os_release: BTreeMap<String, String>,
    /// The glibc version, when `getconf` or `ldd` told it.
    pub glibc: Option<String>,
    /// libssl sonames found in the standard library directories.
    pub libssl_sonames: Vec<String>,
    /// The server's apt sources as `[path, text]` pairs; left out when none were read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apt_sources: Vec<AptSource>,
}

/// A mirror found in the server's apt sources.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ServerMirror {
    pub uri: String,
    pub archive: Archive,
    /// `file:line` on the server.
    pub origin: String,
}

/// What crossport recommends building for the server.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Recommendation {
    pub target: Option<String>,
    /// The release whose sysroot matches the server.
    pub release: Option<String>,
    /// How the release was chosen (`os-release` or `glibc`).
    pub release_reason: Option<String>,
    /// The `crossport sysroot fetch …` command to run.
    pub sysroot_command: Option<String>,
    /// The mirror the server's own apt sources name for its release.
    pub mirror: Option<ServerMirror>,
}

/// `crossport probe`: a server's facts and what to build for it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Probe {
    /// The host as given (`user@host`).
    pub host: String,
    pub server: ServerFacts,
    pub recommendation: Recommendation,
}

impl From<&ProbeReport> for Probe {
    fn from(report: &ProbeReport) -> Self {
        let server = &report.server;
        let recommendation = &report.recommendation;
        Probe {
            host: report.host.clone(),
            server: ServerFacts {
                uname_machine: server.uname_machine.clone(),
                os_release: server.os_release.clone(),
                glibc: server.glibc.as_ref().map(ToString::to_string),
                libssl_sonames: server.libssl_sonames.clone(),
                apt_sources: server
                    .apt_sources
                    .iter()
                    .map(|(path, text)| AptSource(path.clone(), text.clone()))
                    .collect(),
            },
            recommendation: Recommendation {
                target: recommendation.target.clone(),
                release: recommendation.release.clone(),
                release_reason: recommendation.release_reason.clone(),
                sysroot_command: recommendation.sysroot_command.clone(),
                mirror: recommendation.mirror.as_ref().map(|mirror| ServerMirror {
                    uri: mirror.uri.clone(),
                    archive: mirror.archive.into(),
                    origin: mirror.origin.clone(),
                }),
            },
        }
    }
}
