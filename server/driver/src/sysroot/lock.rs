//! The sysroot lock file and the manifest inside each sysroot.
//!
//! The lock (format in docs/sysroot-lock.md) records exactly which package
//! versions, files and SHA256s a sysroot was built from, without naming a
//! mirror, so a teammate with another mirror gets the identical sysroot
//! from `crossport sysroot sync`. The manifest
//! (`<sysroot>/.crossport/manifest.json`) records which package owns each
//! file; inspect and deploy read it to map sonames to runtime packages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::cache::sha256_hex;

/// Version of the lock format this build writes and reads.
pub const LOCK_VERSION: u32 = 1;
/// The lock file's name, at the project root.
pub const LOCK_FILE_NAME: &str = "crossport-sysroot.lock";
/// Where the manifest lives inside a sysroot.
pub const MANIFEST_PATH: &str = ".crossport/manifest.json";

/// The whole lock file: one entry per (target, release).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockFile {
    pub version: u32,
    pub sysroots: Vec<LockedSysroot>,
}

impl Default for LockFile {
    fn default() -> Self {
        Self {
            version: LOCK_VERSION,
            sysroots: Vec::new(),
        }
    }
}

/// One locked sysroot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedSysroot {
    /// Rust target triple.
    pub target: String,
    /// Debian codename.
    pub release: String,
    /// Debian architecture.
    pub arch: String,
    /// What was asked for (relation syntax), before the closure.
    pub requested: Vec<String>,
    /// Whether the linker base set was added.
    pub base_set: bool,
    /// The signed Release's `Date` (RFC 2822 text as in the file).
    pub release_date: Option<String>,
    /// SHA256 of the Packages index the closure was computed from.
    pub packages_index_sha256: String,
    /// The closure, sorted by name.
    pub packages: Vec<LockedPackage>,
}

/// One package of a locked sysroot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LockedPackage {
    pub name: String,
    pub version: String,
    pub architecture: String,
    /// Path relative to the mirror's base URI (`pool/main/o/openssl/…`).
    pub filename: String,
    pub size: u64,
    pub sha256: String,
}

impl LockedSysroot {
    /// The lock's Release date as a Unix time: no Release older than the one
    /// the lock was made from is accepted again (apt's replay rule).
    pub fn release_date_floor(&self) -> Option<i64> {
        self.release_date
            .as_deref()
            .and_then(crossport_formats::release::parse_rfc2822)
    }

    /// A short hash of the package set, naming default sysroot
    /// directories: the same set gives the same name on every machine.
    pub fn set_hash(&self) -> String {
        let mut text = format!("{}\n{}\n", self.target, self.release);
        for package in &self.packages {
            text.push_str(&package.sha256);
            text.push('\n');
        }
        sha256_hex(text.as_bytes())[..12].to_owned()
    }

    /// Checks every field used as a path, a URL part or a cache key; the
    /// error names the package (or `""` for the sysroot's own fields).
    pub fn validate(&self) -> Result<(), (String, BadField)> {
        let target_ok = !self.target.is_empty()
            && self.target.len() <= 64
            && self
                .target
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !target_ok {
            return Err((
                String::new(),
                bad("target", &self.target, "not a target triple"),
            ));
        }
        if crossport_formats::distro::known_release(&self.release)
            .is_none_or(|r| r.codename != self.release)
        {
            return Err((
                String::new(),
                bad("release", &self.release, "not a known release codename"),
            ));
        }
        if !is_arch(&self.arch) {
            return Err((
                String::new(),
                bad("arch", &self.arch, "not a Debian architecture"),
            ));
        }
        if !is_sha256_hex(&self.packages_index_sha256) {
            return Err((
                String::new(),
                bad(
                    "packages_index_sha256",
                    &self.packages_index_sha256,
                    "not 64 lowercase hex digits",
                ),
            ));
        }
        for root in &self.requested {
            if root.is_empty() || root.len() > 256 || root.chars().any(char::is_control) {
                return Err((
                    String::new(),
                    bad("requested", root, "not a package relation"),
                ));
            }
        }
        for package in &self.packages {
            validate_package(package).map_err(|field| (package.name.clone(), field))?;
        }
        Ok(())
    }

    /// The default directory name for this sysroot.
    pub fn dir_name(&self) -> String {
        format!("{}-{}-{}", self.target, self.release, self.set_hash())
    }
}

/// Why a lock file or manifest could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a crossport sysroot lock file: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "{path}: lock format version {found} is newer than this crossport understands ({LOCK_VERSION})"
    )]
    Version { path: PathBuf, found: u32 },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: {entry}: `{field}` is {value:?}, {reason}; the lock was edited or is corrupt: \
         restore it from version control, or re-resolve with `crossport sysroot fetch --update`"
    )]
    Invalid {
        path: PathBuf,
        /// Which sysroot and package the field belongs to.
        entry: String,
        field: &'static str,
        value: String,
        reason: &'static str,
    },
}

/// A lock field that failed [`validate_package`] or [`LockedSysroot::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadField {
    pub field: &'static str,
    pub value: String,
    pub reason: &'static str,
}

fn bad(field: &'static str, value: &str, reason: &'static str) -> BadField {
    BadField {
        field,
        value: value.chars().take(120).collect(),
        reason,
    }
}

/// Whether `text` is a lowercase hex SHA256.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Debian policy 5.6.1: lowercase letters, digits, `+ - .`, at least two
/// characters, starting with a letter or digit.
fn is_package_name(text: &str) -> bool {
    text.len() >= 2
        && text
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b))
}

/// Debian policy 5.6.12: `[epoch:]upstream[-revision]`, from digits,
/// letters and `. + ~ - :`; the epoch is digits.
fn is_version(text: &str) -> bool {
    let upstream = match text.split_once(':') {
        Some((epoch, rest)) => {
            if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            rest
        }
        None => text,
    };
    upstream.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && upstream
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".+~-:".contains(&b))
}

fn is_arch(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 32
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A `.deb` path relative to a mirror's base: `pool/…/name.deb`, plain
/// components only (no `..`, `.`, empty, absolute or backslash parts).
fn is_pool_path(text: &str) -> bool {
    text.starts_with("pool/")
        && text.ends_with(".deb")
        && text.len() <= 512
        && text.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-._~:%".contains(&b))
        })
}

/// Checks every field of a locked package that is used as a path, a URL
/// part or a cache key.
pub fn validate_package(package: &LockedPackage) -> Result<(), BadField> {
    if !is_package_name(&package.name) {
        return Err(bad("name", &package.name, "not a Debian package name"));
    }
    if !is_version(&package.version) {
        return Err(bad("version", &package.version, "not a Debian version"));
    }
    if !is_arch(&package.architecture) {
        return Err(bad(
            "architecture",
            &package.architecture,
            "not a Debian architecture",
        ));
    }
    if !is_pool_path(&package.filename) {
        return Err(bad(
            "filename",
            &package.filename,
            "not a relative pool/…/*.deb path of plain components",
        ));
    }
    if !is_sha256_hex(&package.sha256) {
        return Err(bad(
            "sha256",
            &package.sha256,
            "not 64 lowercase hex digits",
        ));
    }
    Ok(())
}

impl LockFile {
    /// Reads a lock file; `Ok(None)` when it does not exist.
    pub fn read(path: &Path) -> Result<Option<Self>, LockError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(LockError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let lock: Self = serde_json::from_str(&text).map_err(|source| LockError::Parse {
            path: path.to_owned(),
            source,
        })?;
        if lock.version > LOCK_VERSION {
            return Err(LockError::Version {
                path: path.to_owned(),
                found: lock.version,
            });
        }
        for sysroot in &lock.sysroots {
            sysroot
                .validate()
                .map_err(|(package, field)| LockError::Invalid {
                    path: path.to_owned(),
                    entry: if package.is_empty() {
                        format!("sysroot {} ({})", sysroot.target, sysroot.release)
                    } else {
                        format!(
                            "sysroot {} ({}), package {package}",
                            sysroot.target, sysroot.release
                        )
                    },
                    field: field.field,
                    value: field.value,
                    reason: field.reason,
                })?;
        }
        Ok(Some(lock))
    }

    /// Writes the lock file atomically, entries sorted for stable diffs.
    pub fn write(&self, path: &Path) -> Result<(), LockError> {
        let mut sorted = self.clone();
        sorted
            .sysroots
            .sort_by(|a, b| (&a.target, &a.release).cmp(&(&b.target, &b.release)));
        let mut text = serde_json::to_string_pretty(&sorted).map_err(|err| LockError::Write {
            path: path.to_owned(),
            source: std::io::Error::other(err),
        })?;
        text.push('\n');
        super::cache::write_atomically(path, text.as_bytes()).map_err(|source| LockError::Write {
            path: path.to_owned(),
            source,
        })
    }

    /// Read-modify-write of the lock file under an exclusive advisory lock
    /// on its directory, so two crossport processes updating entries of one
    /// lock file do not drop each other's change. Returns the written lock.
    pub fn update(path: &Path, change: impl FnOnce(&mut Self)) -> Result<Self, LockError> {
        let write_error = |source| LockError::Write {
            path: path.to_owned(),
            source,
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(write_error)?;
        // A directory can be locked without creating a file beside the
        // user's lock; the rename that writes the lock keeps the directory.
        let guard = std::fs::File::open(dir).map_err(write_error)?;
        guard.lock().map_err(write_error)?;
        let mut lock = Self::read(path)?.unwrap_or_default();
        change(&mut lock);
        lock.write(path)?;
        Ok(lock)
    }

    /// The entry for a target (and release, when given).
    pub fn find(&self, target: &str, release: Option<&str>) -> Option<&LockedSysroot> {
        self.sysroots
            .iter()
            .find(|s| s.target == target && release.is_none_or(|r| s.release == r))
    }

    /// Replaces (or adds) the entry for the same target and release.
    pub fn upsert(&mut self, entry: LockedSysroot) {
        self.sysroots
            .retain(|s| !(s.target == entry.target && s.release == entry.release));
        self.sysroots.push(entry);
    }
}

/// `<sysroot>/.crossport/manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub target: String,
    pub release: String,
    pub arch: String,
    pub packages: Vec<ManifestPackage>,
    /// Sysroot-relative path (`/` separated) → owning package name.
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestPackage {
    pub name: String,
    pub version: String,
    pub architecture: String,
    pub sha256: String,
}

impl Manifest {
    /// Reads a sysroot's manifest; `None` if it has none or it is unreadable
    /// (the sysroot is then treated as not built by us).
    pub fn read(sysroot: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(sysroot.join(MANIFEST_PATH)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Whether this manifest describes exactly the locked package set.
    pub fn matches(&self, locked: &LockedSysroot) -> bool {
        self.target == locked.target
            && self.release == locked.release
            && self.packages.len() == locked.packages.len()
            && self
                .packages
                .iter()
                .zip(&locked.packages)
                .all(|(have, want)| have.name == want.name && have.sha256 == want.sha256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(target: &str, release: &str) -> LockedSysroot {
        LockedSysroot {
            target: target.to_owned(),
            release: release.to_owned(),
            arch: "arm64".to_owned(),
            requested: vec!["libssl-dev".to_owned()],
            base_set: true,
            release_date: Some("Sat, 11 Jul 2026 10:16:37 UTC".to_owned()),
            packages_index_sha256: "0".repeat(64),
            packages: vec![LockedPackage {
                name: "libssl3".to_owned(),
                version: "3.0.20-1~deb12u2".to_owned(),
                architecture: "arm64".to_owned(),
                filename: "pool/main/o/openssl/libssl3_3.0.20-1~deb12u2_arm64.deb".to_owned(),
                size: 1,
                sha256: "a".repeat(64),
            }],
        }
    }

    #[test]
    fn lock_round_trips_sorted_and_upserts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOCK_FILE_NAME);
        assert_eq!(LockFile::read(&path).expect("read missing"), None);
        let mut lock = LockFile::default();
        lock.upsert(entry("x86_64-unknown-linux-gnu", "bookworm"));
        lock.upsert(entry("aarch64-unknown-linux-gnu", "bookworm"));
        lock.upsert(entry("aarch64-unknown-linux-gnu", "bookworm"));
        lock.write(&path).expect("write");
        let back = LockFile::read(&path).expect("read").expect("present");
        assert_eq!(back.sysroots.len(), 2);
        assert_eq!(back.sysroots[0].target, "aarch64-unknown-linux-gnu");
        assert!(
            back.find("aarch64-unknown-linux-gnu", Some("bullseye"))
                .is_none()
        );
        assert_eq!(
            back.find("aarch64-unknown-linux-gnu", None)
                .map(LockedSysroot::dir_name),
            Some(format!(
                "aarch64-unknown-linux-gnu-bookworm-{}",
                entry("aarch64-unknown-linux-gnu", "bookworm").set_hash()
            ))
        );
    }

    #[test]
    fn unreadable_and_future_locks_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOCK_FILE_NAME);
        std::fs::write(&path, "not json").expect("write");
        assert!(matches!(
            LockFile::read(&path),
            Err(LockError::Parse { .. })
        ));
        std::fs::write(&path, r#"{"version": 99, "sysroots": []}"#).expect("write");
        assert!(matches!(
            LockFile::read(&path),
            Err(LockError::Version { found: 99, .. })
        ));
    }
}
