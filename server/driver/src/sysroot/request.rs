//! What a fetch or sync is asked for and what it reports: the request
//! types, the outcome, timings and progress events.

#[allow(unused_imports)]
use super::*;

/// Cap on the uncompressed bytes one fetch unpacks, over all packages and
/// workers (decompression bombs).
pub const DEFAULT_UNPACK_LIMIT: u64 = 4 << 30;

/// Cap on the tar entries one fetch unpacks, over all packages and workers
/// (a bomb of empty files fills inodes, not bytes). A large real sysroot
/// has tens of thousands.
pub const DEFAULT_UNPACK_ENTRY_LIMIT: u64 = 1 << 20;

/// What to fetch.
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    /// Rust target triple.
    pub target: String,
    /// Debian codename or version (`bookworm`, `12`).
    pub release: String,
    /// Extra packages, relation syntax (`libssl-dev`).
    pub packages: Vec<String>,
    /// Where to put the sysroot; default under the cache directory.
    pub dir: Option<PathBuf>,
    pub mirror: Option<String>,
    /// Mirror of Ubuntu's ports archive (arm64, armhf, riscv64, ppc64el,
    /// s390x); see [`mirror::choose_archive_mirror`].
    pub ports_mirror: Option<String>,
    /// Replaces the shipped Debian archive keys.
    pub keyring: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    /// Use only what is cached; no network.
    pub offline: bool,
    /// The lock file to read and write; default `crossport-sysroot.lock`
    /// at the project root.
    pub lock_file: Option<PathBuf>,
    /// Re-resolve even when the lock already satisfies the request.
    pub update: bool,
    /// Skip the base set a linker needs (libc6-dev …).
    pub no_base_set: bool,
    /// Resolve exactly `packages`, dropping what the lock requested before
    /// (a sysroot otherwise only grows).
    pub replace: bool,
    /// Packages to drop from what the lock requests (`sysroot remove`).
    pub remove: Vec<String>,
    /// Uncompressed size cap; [`DEFAULT_UNPACK_LIMIT`] when `None`.
    pub unpack_limit: Option<u64>,
    /// Entry count cap; [`DEFAULT_UNPACK_ENTRY_LIMIT`] when `None`.
    pub unpack_entry_limit: Option<u64>,
}

/// What a fetch or sync did.
#[derive(Debug, Clone, Serialize)]
pub struct FetchOutcome {
    pub path: PathBuf,
    pub lock_file: PathBuf,
    pub target: String,
    pub release: String,
    pub arch: String,
    pub packages: Vec<LockedPackage>,
    pub bytes_downloaded: u64,
    /// True when the sysroot already matched the lock and nothing was done.
    pub up_to_date: bool,
    pub timings: Timings,
}

/// Wall time of each phase, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    pub release_ms: u64,
    pub index_ms: u64,
    pub resolve_ms: u64,
    pub download_ms: u64,
    pub unpack_ms: u64,
    pub total_ms: u64,
}

/// Progress, for the CLI's bar and the language server's `$/progress`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressEvent {
    /// A new phase started: "release", "index", "resolve", "download", "unpack".
    Phase(&'static str),
    /// Download phase size, once known.
    DownloadTotal { packages: usize, bytes: u64 },
    /// Bytes received so far in the current phase.
    Downloaded { bytes: u64 },
    /// A package was unpacked.
    Unpacked {
        package: String,
        done: usize,
        total: usize,
    },
}

/// A progress callback.
pub type Progress<'a> = &'a (dyn Fn(ProgressEvent) + Send + Sync);

/// Which request a lock entry or sync is for.
#[derive(Debug, Clone, Default)]
pub struct SyncRequest {
    pub target: String,
    /// Needed only when the lock has several releases for the target.
    pub release: Option<String>,
    pub dir: Option<PathBuf>,
    pub mirror: Option<String>,
    pub ports_mirror: Option<String>,
    pub cache_dir: Option<PathBuf>,
    pub offline: bool,
    pub lock_file: Option<PathBuf>,
    pub unpack_limit: Option<u64>,
    /// Replaces the shipped Debian archive keys, as for fetch.
    pub keyring: Option<PathBuf>,
    /// A second mirror (a snapshot archive of old versions) for locked
    /// versions the mirror no longer has; verified by its own InRelease.
    /// Default: `$CROSSPORT_SNAPSHOT_MIRROR`.
    pub snapshot_mirror: Option<String>,
    pub unpack_entry_limit: Option<u64>,
}
