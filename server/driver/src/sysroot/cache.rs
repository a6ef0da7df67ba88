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

/// The first line of a cache directory tag (bford.info/cachedir), which
/// backup tools know to skip; crossport's own second line tells `clean`
/// that the directory is a crossport cache.
pub const CACHEDIR_TAG_SIGNATURE: &str = "Signature: 8a477f597d28d172789f06886806bc55";
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
     # This file is a cache directory tag created by crossport.\n\
     # For information about cache directory tags see https://bford.info/cachedir/\n";
const CACHEDIR_TAG_OWNER: &str = "created by crossport";

/// What may be in a directory that becomes a crossport cache: its own
/// layout (so caches from before the tag get one) and nothing else.
const LAYOUT: &[&str] = &[
    "debs",
    "indexes",
    "releases",
    "resolutions",
    "unpacked",
    "sysroots",
    ".lock",
    "CACHEDIR.TAG",
];

/// An exclusive hold on a cache (`<cache>/.lock`), released when dropped.
#[derive(Debug)]
pub struct CacheLock {
    _file: fs::File,
}

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

    /// Creates the cache directory if needed and tags it as crossport's,
    /// unless it already holds things that are not (`--cache-dir ~`): such
    /// a directory still works as a cache but `clean` will not touch it.
    pub fn prepare(&self) -> io::Result<()> {
        fs::create_dir_all(&self.root)?;
        if self.is_tagged() {
            return Ok(());
        }
        let foreign = fs::read_dir(&self.root)?
            .filter_map(Result::ok)
            .any(|entry| !LAYOUT.contains(&entry.file_name().to_string_lossy().as_ref()));
        if foreign {
            return Ok(());
        }
        write_atomically(&self.root.join("CACHEDIR.TAG"), CACHEDIR_TAG.as_bytes())
    }

    /// Whether the directory carries the tag crossport writes.
    pub fn is_tagged(&self) -> bool {
        fs::read_to_string(self.root.join("CACHEDIR.TAG")).is_ok_and(|text| {
            text.starts_with(CACHEDIR_TAG_SIGNATURE) && text.contains(CACHEDIR_TAG_OWNER)
        })
    }

    fn lock_file(&self) -> io::Result<fs::File> {
        fs::create_dir_all(&self.root)?;
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root.join(".lock"))
    }

    /// Takes the cache's exclusive lock, waiting for another crossport
    /// process that holds it (an editor's language server and a terminal,
    /// parallel CI jobs). Every write to the cache happens under it.
    pub fn lock(&self) -> io::Result<CacheLock> {
        let file = self.lock_file()?;
        file.lock()?;
        Ok(CacheLock { _file: file })
    }

    /// [`Cache::lock`] without waiting: `Ok(None)` when another process
    /// holds it.
    pub fn try_lock(&self) -> io::Result<Option<CacheLock>> {
        let file = self.lock_file()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(CacheLock { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(err)) => Err(err),
        }
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
