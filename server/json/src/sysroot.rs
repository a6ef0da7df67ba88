//! `crossport sysroot … --format json`: fetch and sync, path, list, verify, clean.

use std::path::{Path, PathBuf};

use crossport_driver::sysroot::lock::{LockedPackage, LockedSysroot};
use crossport_driver::sysroot::{FetchOutcome, VerifyProblem};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::path_text;

/// One package of a sysroot, exactly as verified.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub architecture: String,
    /// Path relative to the mirror's base URI (`pool/main/o/openssl/…`).
    pub filename: String,
    /// Size of the `.deb` in bytes.
    pub size: u64,
    /// SHA256 of the `.deb`, hex.
    pub sha256: String,
}

impl From<&LockedPackage> for Package {
    fn from(package: &LockedPackage) -> Self {
        Package {
            name: package.name.clone(),
            version: package.version.clone(),
            architecture: package.architecture.clone(),
            filename: package.filename.clone(),
            size: package.size,
            sha256: package.sha256.clone(),
        }
    }
}

/// Wall time of each phase, in milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Timings {
    pub release_ms: u64,
    pub index_ms: u64,
    pub resolve_ms: u64,
    pub download_ms: u64,
    pub unpack_ms: u64,
    pub total_ms: u64,
}

/// `sysroot fetch` and `sysroot sync`: what was assembled, and where.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Fetch {
    /// The sysroot directory.
    pub path: String,
    /// The lock file that pins it.
    pub lock_file: String,
    pub target: String,
    /// The release codename.
    pub release: String,
    /// The Debian architecture.
    pub arch: String,
    /// The whole closure, sorted by name.
    pub packages: Vec<Package>,
    pub bytes_downloaded: u64,
    /// True when the sysroot already matched the lock and nothing was done.
    pub up_to_date: bool,
    pub timings: Timings,
}

impl From<&FetchOutcome> for Fetch {
    fn from(outcome: &FetchOutcome) -> Self {
        let timings = &outcome.timings;
        Fetch {
            path: path_text(&outcome.path),
            lock_file: path_text(&outcome.lock_file),
            target: outcome.target.clone(),
            release: outcome.release.clone(),
            arch: outcome.arch.clone(),
            packages: outcome.packages.iter().map(Package::from).collect(),
            bytes_downloaded: outcome.bytes_downloaded,
            up_to_date: outcome.up_to_date,
            timings: Timings {
                release_ms: timings.release_ms,
                index_ms: timings.index_ms,
                resolve_ms: timings.resolve_ms,
                download_ms: timings.download_ms,
                unpack_ms: timings.unpack_ms,
                total_ms: timings.total_ms,
            },
        }
    }
}

/// `sysroot path`: where the locked sysroot is (or would be).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SysrootPath {
    pub path: String,
}

impl SysrootPath {
    pub fn new(path: &Path) -> Self {
        SysrootPath {
            path: path_text(path),
        }
    }
}

/// One locked sysroot.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LockEntry {
    pub target: String,
    pub release: String,
    /// The Debian architecture.
    pub arch: String,
    /// What was asked for (relation syntax), before the closure.
    pub requested: Vec<String>,
    /// Whether the linker base set was added.
    pub base_set: bool,
    /// The signed Release's `Date`, as in the file.
    pub release_date: Option<String>,
    /// SHA256 of the Packages index the closure was computed from.
    pub packages_index_sha256: String,
    pub packages: Vec<Package>,
}

/// `sysroot list`: the lock file's sysroots (for `--target`, or all).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct List {
    pub sysroots: Vec<LockEntry>,
}

impl List {
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a LockedSysroot>) -> Self {
        let sysroots = entries
            .into_iter()
            .map(|entry| LockEntry {
                target: entry.target.clone(),
                release: entry.release.clone(),
                arch: entry.arch.clone(),
                requested: entry.requested.clone(),
                base_set: entry.base_set,
                release_date: entry.release_date.clone(),
                packages_index_sha256: entry.packages_index_sha256.clone(),
                packages: entry.packages.iter().map(Package::from).collect(),
            })
            .collect();
        List { sysroots }
    }
}

/// One difference between a sysroot and its lock.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// Sysroot-relative path, or a package name for package-level problems.
    pub path: String,
    pub package: String,
    pub problem: String,
}

/// `sysroot verify`: the sysroot checked and what differs (empty: it matches).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Verify {
    pub path: String,
    pub problems: Vec<Problem>,
}

impl Verify {
    pub fn new(path: &Path, problems: &[VerifyProblem]) -> Self {
        Verify {
            path: path_text(path),
            problems: problems
                .iter()
                .map(|problem| Problem {
                    path: problem.path.clone(),
                    package: problem.package.clone(),
                    problem: problem.problem.clone(),
                })
                .collect(),
        }
    }
}

/// `sysroot clean`: the cache directories removed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Clean {
    pub removed: Vec<String>,
}

impl Clean {
    pub fn new(removed: &[PathBuf]) -> Self {
        Clean {
            removed: removed.iter().map(|p| path_text(p)).collect(),
        }
    }
}
