//! The download cache: verified files stored by SHA256, written atomically.
//!
//! A file enters the cache only after its hash matched what the signed
//! chain says it should be, and only by rename from a temp file in the same
//! directory, so an interrupted or failed download never leaves a partial
//! or unverified file under a hash name.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The cache directory and its layout.
#[derive(Debug, Clone)]
pub struct Cache {
    pub root: PathBuf,
}

impl Cache {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    /// The default cache directory: `$CROSSPORT_CACHE_DIR`, else the
    /// platform's user cache directory + `crossport`.
    pub fn default_root() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("CROSSPORT_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir).join("crossport"));
        }
        let home = PathBuf::from(std::env::var_os("HOME").filter(|d| !d.is_empty())?);
        if cfg!(target_os = "macos") {
            Some(home.join("Library/Caches/crossport"))
        } else {
            Some(home.join(".cache/crossport"))
        }
    }

    /// Where a `.deb` with this SHA256 lives.
    pub fn deb_path(&self, sha256: &str) -> PathBuf {
        self.root.join("debs").join(format!("{sha256}.deb"))
    }

    /// Where an index file (Packages.xz …) with this SHA256 lives.
    pub fn index_path(&self, sha256: &str) -> PathBuf {
        self.root.join("indexes").join(sha256)
    }

    /// Where the last verified InRelease (or Release + Release.gpg) of a
    /// mirror's suite is kept, for `--offline`.
    pub fn release_dir(&self, mirror: &str, release: &str) -> PathBuf {
        self.root.join("releases").join(format!(
            "{}-{release}",
            &sha256_hex(mirror.as_bytes())[..16]
        ))
    }

    /// Where the closure computed for a request over an index is kept.
    pub fn resolution_path(&self, key: &str) -> PathBuf {
        self.root.join("resolutions").join(format!("{key}.json"))
    }

    /// Where a verified `.deb` is kept unpacked (`tree/` and `entries.json`),
    /// for sysroots to hard-link from.
    pub fn unpacked_dir(&self, sha256: &str) -> PathBuf {
        self.root.join("unpacked").join(sha256)
    }

    /// Where default sysroots are assembled.
    pub fn sysroots_dir(&self) -> PathBuf {
        self.root.join("sysroots")
    }

    /// Stores verified bytes at `path` through a temp file and a rename.
    pub fn store(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        write_atomically(path, bytes)
    }
}

/// Writes `bytes` to `path` via a temp file in the same directory and a
/// rename, so readers see the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no directory"))?;
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_data()?;
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

/// Lowercase hex SHA256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 15)] as char);
    }
    out
}
