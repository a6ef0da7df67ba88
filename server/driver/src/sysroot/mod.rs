//! Sysroot fetch, verify, cache, lock and assembly.
//!
//! The trust chain is apt's: the suite's InRelease (or Release +
//! Release.gpg) must carry a good signature from the keyring, and must not
//! be past its Valid-Until; the Packages index must have the SHA256 the
//! Release lists; every `.deb` must have the SHA256 the index (or the lock)
//! lists. Nothing is cached or unpacked before its hash matched. A sysroot
//! is assembled in a private temp directory next to its destination and
//! renamed into place, so a failure never leaves a half-built sysroot.

pub mod cache;
pub mod extract;
pub mod http;
pub mod lock;
pub mod mirror;
pub mod remembered;
mod suites;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crossport_analysis::sysroot::{ResolveError, ResolveRequest, resolve};
use crossport_formats::arch::{DebianArch, debian_arch_for_triple};
use crossport_formats::distro::{KnownRelease, known_release};
use crossport_formats::inrelease::{Keyring, SignatureError};
use crossport_formats::packages::PackageIndex;
use crossport_formats::release::{FileHash, Release};
use serde::Serialize;

use cache::{Cache, CacheLock, sha256_hex};
use extract::{ExtractError, Unpacker};
use http::{ByteCounter, Http, HttpError};
use lock::{LockError, LockFile, LockedPackage, LockedSysroot, Manifest, ManifestPackage};
use mirror::{Mirror, MirrorError};

pub use lock::{LOCK_FILE_NAME, MANIFEST_PATH};

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

/// Why a sysroot could not be fetched, synced or verified.
#[derive(Debug, thiserror::Error)]
pub enum SysrootError {
    #[error("target {0} has no Debian sysroot (only *-linux-gnu* targets with a Debian port do)")]
    UnknownTarget(String),
    #[error("{}", crossport_formats::distro::unknown_release_message(.0))]
    UnknownRelease(String),
    #[error("no cache directory: set CROSSPORT_CACHE_DIR or HOME, or pass --cache-dir")]
    NoCacheDir,
    #[error(transparent)]
    Mirror(#[from] MirrorError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("cannot read keyring {path}: {source}")]
    KeyringFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{url}: {source}")]
    Signature { url: String, source: SignatureError },
    #[error("{url}: {message}")]
    Release { url: String, message: String },
    #[error(
        "{url}: expired: Valid-Until {valid_until} is in the past (a stale or replayed archive)"
    )]
    Expired { url: String, valid_until: String },
    #[error("{url}: SHA256 mismatch: expected {expected}, got {actual}")]
    HashMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("{url}: size mismatch: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        url: String,
        expected: u64,
        actual: u64,
    },
    #[error("{url}: cannot decompress: {message}")]
    Decompress { url: String, message: String },
    #[error("offline: {what} is not in the cache {cache}")]
    NotCached { what: String, cache: PathBuf },
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Extract(#[from] ExtractError),
    /// Unpacking one package failed; names its version and file.
    #[error("cannot unpack {package} {version} ({filename}): {source}")]
    Unpack {
        package: String,
        version: String,
        /// Mirror-relative path of the `.deb`.
        filename: String,
        source: Box<ExtractError>,
    },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("{path}: no sysroot for {target}{} in the lock file", release.as_deref().map(|r| format!(" ({r})")).unwrap_or_default())]
    NotLocked {
        path: PathBuf,
        target: String,
        release: Option<String>,
    },
    #[error(
        "{path} is {what}, not a crossport sysroot (no {MANIFEST_PATH}); refusing to replace it: \
         pass a --dir that does not exist yet, is empty, or holds a sysroot crossport built"
    )]
    NotASysroot { path: PathBuf, what: &'static str },
    #[error(
        "{path} is not a crossport cache (no CACHEDIR.TAG written by crossport); refusing to \
         remove anything under it: pass the --cache-dir crossport uses, or remove it yourself"
    )]
    NotACache { path: PathBuf },
    #[error(
        "the lock's {package} has {field} {locked}, but the signed index {url} says {signed}: \
         the lock does not authorise a package, the signature does; refusing it (restore the \
         lock from version control, or re-resolve with `crossport sysroot fetch --update`)"
    )]
    LockNotSigned {
        url: String,
        package: String,
        field: &'static str,
        locked: String,
        signed: String,
    },
    #[error(
        "the locked {packages} of {release} are no longer on {mirror} (Debian point releases \
         remove old versions); {hint}"
    )]
    NoLongerOnMirror {
        mirror: String,
        release: String,
        packages: String,
        hint: &'static str,
    },
    #[error(
        "{url}: its Date ({date}) is older than the newest Release already verified for {release} \
         ({newest}): a replayed or stale mirror would freeze you on old packages; \
         refusing it ({hint})"
    )]
    Replayed {
        url: String,
        release: String,
        date: String,
        /// The newest Date and where it was seen.
        newest: String,
        hint: String,
    },
    #[error(
        "{package} is not among the packages the lock requests ({requested}); it may be in the \
         sysroot as a dependency of one of them"
    )]
    NotRequested { package: String, requested: String },
    #[error(
        "no sysroot here for {target} ({release}): none at {looked}; create it from the lock \
         with `crossport sysroot sync --target {target}`, or pass --dir"
    )]
    NoSysroot {
        target: String,
        release: String,
        looked: String,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Refuses a `--dir` that a sysroot may not replace: anything but an absent
/// path, an empty directory, or a directory holding a crossport manifest
/// (a regular file, a symlink, a device, someone's project).
pub fn check_replaceable(dir: &Path) -> Result<(), SysrootError> {
    let refuse = |what| {
        Err(SysrootError::NotASysroot {
            path: dir.to_owned(),
            what,
        })
    };
    let metadata = match std::fs::symlink_metadata(dir) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(SysrootError::Io {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let kind = metadata.file_type();
    if kind.is_symlink() {
        return refuse("a symbolic link");
    }
    if kind.is_file() {
        return refuse("a regular file");
    }
    if !kind.is_dir() {
        return refuse("a special file");
    }
    let mut entries = std::fs::read_dir(dir).map_err(io_error(dir))?;
    if entries.next().is_none() {
        return Ok(());
    }
    let manifest = dir.join(MANIFEST_PATH);
    if std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    refuse("a non-empty directory")
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SysrootError + '_ {
    move |source| SysrootError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Everything derived from a request before any network access.
struct Plan {
    target: String,
    release: String,
    /// The releases table's row for `release`.
    known: &'static KnownRelease,
    arch: DebianArch,
    cache: Cache,
    lock_path: PathBuf,
}

fn plan(
    target: &str,
    release: &str,
    cache_dir: Option<&Path>,
    lock: Option<&Path>,
) -> Result<Plan, SysrootError> {
    let arch = debian_arch_for_triple(target)
        .ok_or_else(|| SysrootError::UnknownTarget(target.to_owned()))?;
    let known =
        known_release(release).ok_or_else(|| SysrootError::UnknownRelease(release.to_owned()))?;
    let release = known.codename.to_owned();
    let cache_root = match cache_dir {
        Some(dir) => dir.to_owned(),
        None => Cache::default_root().ok_or(SysrootError::NoCacheDir)?,
    };
    Ok(Plan {
        target: target.to_owned(),
        release,
        known,
        arch,
        cache: Cache::new(cache_root),
        lock_path: lock.map_or_else(default_lock_path, Path::to_owned),
    })
}

/// `crossport-sysroot.lock` in the nearest directory (from the current
/// one up) that has a `Cargo.toml`, else in the current directory.
pub fn default_lock_path() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let manifest = crate::cargo::nearest_manifest(&cwd);
    let root = manifest.as_deref().and_then(Path::parent).unwrap_or(&cwd);
    root.join(LOCK_FILE_NAME)
}

/// The default directory of a locked sysroot.
pub fn default_sysroot_dir(cache: &Cache, locked: &LockedSysroot) -> PathBuf {
    cache.sysroots_dir().join(locked.dir_name())
}

/// Creates and tags the cache, then takes its lock (waiting, off the async
/// workers, while another crossport process holds it).
async fn lock_cache(cache: &Cache) -> Result<CacheLock, SysrootError> {
    cache.prepare().map_err(io_error(&cache.root))?;
    if let Some(lock) = cache.try_lock().map_err(io_error(&cache.root))? {
        return Ok(lock);
    }
    tracing::info!(
        "waiting for another crossport process using the cache {}",
        cache.root.display()
    );
    let waiting = cache.clone();
    tokio::task::spawn_blocking(move || waiting.lock())
        .await
        .map_err(|err| SysrootError::Io {
            path: cache.root.clone(),
            source: std::io::Error::other(err),
        })?
        .map_err(io_error(&cache.root))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn millis(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

/// Resolves, verifies, downloads and unpacks a sysroot, and records it in
/// the lock file. When the lock already holds this request and the sysroot
/// on disk matches it, returns at once (no network).
pub async fn fetch(
    request: &FetchRequest,
    progress: Progress<'_>,
) -> Result<FetchOutcome, SysrootError> {
    let started = Instant::now();
    let plan = plan(
        &request.target,
        &request.release,
        request.cache_dir.as_deref(),
        request.lock_file.as_deref(),
    )?;
    let lock_file = LockFile::read(&plan.lock_path)?.unwrap_or_default();
    let requested = grown_roots(
        request,
        lock_file.find(&plan.target, Some(&plan.release)),
        &plan,
    )?;
    if !request.update
        && let Some(locked) = lock_file.find(&plan.target, Some(&plan.release))
        && locked.requested == requested
        && locked.base_set != request.no_base_set
    {
        let dir = request
            .dir
            .clone()
            .unwrap_or_else(|| default_sysroot_dir(&plan.cache, locked));
        if Manifest::read(&dir).is_some_and(|m| m.matches(locked)) {
            return Ok(outcome(
                &plan,
                locked,
                dir,
                0,
                true,
                Timings {
                    total_ms: millis(started),
                    ..Timings::default()
                },
            ));
        }
    }
    if let Some(dir) = &request.dir {
        check_replaceable(dir)?;
    }
    let mirror = mirror::choose_archive_mirror(
        request.mirror.as_deref(),
        request.ports_mirror.as_deref(),
        plan.known,
        plan.arch.name,
    )?;
    let keyring = load_keyring(request.keyring.as_deref(), plan.known)?;
    let http = Http::new()?;
    let mut timings = Timings::default();
    let counter = ByteCounter::default();
    let _cache_lock = lock_cache(&plan.cache).await?;

    progress(ProgressEvent::Phase("release"));
    let phase = Instant::now();
    let floor = lock_file
        .find(&plan.target, Some(&plan.release))
        .and_then(LockedSysroot::release_date_floor);
    let suites = suites::fetch_suites(
        &http,
        &plan,
        &mirror,
        &keyring,
        request.offline,
        &counter,
        floor,
    )
    .await?;
    let release = &suites[0].release;
    timings.release_ms = millis(phase);

    progress(ProgressEvent::Phase("index"));
    let phase = Instant::now();
    let entries = suites::index_entries(&plan, &suites)?;
    let index_key = suites::combined_index_sha(&entries);
    let base_set = !request.no_base_set;
    let resolution_path = plan
        .cache
        .resolution_path(&resolution_key(&index_key, &plan, &requested, base_set));
    // The closure depends only on the (hash-named) index and the request,
    // so a cached closure saves decompressing and parsing the index.
    let cached_resolution = read_cached(&resolution_path)
        .and_then(|bytes| serde_json::from_slice::<Vec<LockedPackage>>(&bytes).ok());
    let packages = match cached_resolution {
        Some(packages) => {
            timings.index_ms = millis(phase);
            packages
        }
        None => {
            let mut indexes = Vec::with_capacity(entries.len());
            for (suite, entry, compression) in &entries {
                indexes.push(
                    fetch_packages_index(
                        &http,
                        &plan,
                        suite,
                        &mirror,
                        entry,
                        *compression,
                        suites::by_hash(&suites, suite),
                        request.offline,
                        &counter,
                    )
                    .await?,
                );
            }
            timings.index_ms = millis(phase);
            progress(ProgressEvent::Phase("resolve"));
            let phase = Instant::now();
            let packages = resolve_packages(&indexes, &plan, &requested, base_set)?;
            if let Ok(json) = serde_json::to_vec(&packages) {
                // A cache write failure only costs time next run.
                let _ = cache::write_atomically(&resolution_path, &json);
            }
            timings.resolve_ms = millis(phase);
            packages
        }
    };
    let index_sha = index_key;
    let locked = LockedSysroot {
        target: plan.target.clone(),
        release: plan.release.clone(),
        arch: plan.arch.name.to_owned(),
        requested,
        base_set: !request.no_base_set,
        release_date: release.date_text.clone(),
        packages_index_sha256: index_sha,
        packages,
    };

    let dir = request
        .dir
        .clone()
        .unwrap_or_else(|| default_sysroot_dir(&plan.cache, &locked));
    let bytes = build_sysroot(
        &http,
        &plan,
        &mirror,
        &BTreeMap::new(),
        &locked,
        &dir,
        request,
        progress,
        &mut timings,
    )
    .await?;
    LockFile::update(&plan.lock_path, |lock| lock.upsert(locked.clone()))?;
    timings.total_ms = millis(started);
    Ok(outcome(
        &plan,
        &locked,
        dir,
        bytes + counter.get(),
        false,
        timings,
    ))
}

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

/// Recreates a sysroot exactly from the lock file. The lock only says
/// which packages: each locked entry must also be in a Packages index that
/// a signed Release (checked with the same keyring rules as fetch) lists,
/// with the same file, size and SHA256, before anything is downloaded or
/// unpacked.
pub async fn sync(
    request: &SyncRequest,
    progress: Progress<'_>,
) -> Result<FetchOutcome, SysrootError> {
    let started = Instant::now();
    let (plan, locked) = locked_entry(
        &request.target,
        request.release.as_deref(),
        request.cache_dir.as_deref(),
        request.lock_file.as_deref(),
    )?;
    let dir = request
        .dir
        .clone()
        .unwrap_or_else(|| default_sysroot_dir(&plan.cache, &locked));
    if Manifest::read(&dir).is_some_and(|m| m.matches(&locked)) {
        return Ok(outcome(
            &plan,
            &locked,
            dir,
            0,
            true,
            Timings {
                total_ms: millis(started),
                ..Timings::default()
            },
        ));
    }
    check_replaceable(&dir)?;
    let mirror = mirror::choose_archive_mirror(
        request.mirror.as_deref(),
        request.ports_mirror.as_deref(),
        plan.known,
        plan.arch.name,
    )?;
    let snapshot = mirror::choose_snapshot_mirror(request.snapshot_mirror.as_deref())?;
    let keyring = load_keyring(request.keyring.as_deref(), plan.known)?;
    let http = Http::new()?;
    let counter = ByteCounter::default();
    let mut timings = Timings::default();
    let _cache_lock = lock_cache(&plan.cache).await?;
    progress(ProgressEvent::Phase("release"));
    let phase = Instant::now();
    let verified = suites::fetch_suites(
        &http,
        &plan,
        &mirror,
        &keyring,
        request.offline,
        &counter,
        locked.release_date_floor(),
    )
    .await?;
    timings.release_ms = millis(phase);
    progress(ProgressEvent::Phase("index"));
    let phase = Instant::now();
    let mut sources = BTreeMap::new();
    let gone = check_against_index(
        &http,
        &plan,
        &mirror,
        &verified,
        &locked.packages,
        request.offline,
        &counter,
    )
    .await?;
    if !gone.is_empty() {
        let Some(snapshot) = &snapshot else {
            return Err(SysrootError::NoLongerOnMirror {
                mirror: mirror.uri.clone(),
                release: plan.release.clone(),
                packages: describe(&gone),
                hint: "pass --snapshot-mirror URL (or set CROSSPORT_SNAPSHOT_MIRROR) to a \
                       snapshot archive of that date, or move to the current versions with \
                       `crossport sysroot fetch --update`",
            });
        };
        // The snapshot's own signed Release authorises what it serves; the
        // lock's date is no floor for it (it is older by design).
        let old = suites::fetch_suites(
            &http,
            &plan,
            snapshot,
            &keyring,
            request.offline,
            &counter,
            None,
        )
        .await?;
        let still_gone = check_against_index(
            &http,
            &plan,
            snapshot,
            &old,
            &gone,
            request.offline,
            &counter,
        )
        .await?;
        if !still_gone.is_empty() {
            return Err(SysrootError::NoLongerOnMirror {
                mirror: format!("{} nor on the snapshot mirror {}", mirror.uri, snapshot.uri),
                release: plan.release.clone(),
                packages: describe(&still_gone),
                hint: "point --snapshot-mirror at a snapshot from the lock's release_date, \
                       or move to the current versions with `crossport sysroot fetch --update`",
            });
        }
        for package in gone {
            sources.insert(package.name, snapshot.clone());
        }
    }
    timings.index_ms = millis(phase);
    let fetch_like = FetchRequest {
        offline: request.offline,
        unpack_limit: request.unpack_limit,
        unpack_entry_limit: request.unpack_entry_limit,
        ..FetchRequest::default()
    };
    let bytes = build_sysroot(
        &http,
        &plan,
        &mirror,
        &sources,
        &locked,
        &dir,
        &fetch_like,
        progress,
        &mut timings,
    )
    .await?;
    timings.total_ms = millis(started);
    Ok(outcome(
        &plan,
        &locked,
        dir,
        bytes + counter.get(),
        false,
        timings,
    ))
}

fn describe(packages: &[LockedPackage]) -> String {
    packages
        .iter()
        .map(|p| format!("{} {} ({})", p.name, p.version, p.architecture))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks locked packages against the Packages index a verified Release
/// lists. A locked entry whose name, version and architecture the index
/// has must match its file, size and SHA256 exactly (else the lock was
/// edited: refused); the entries the index does not have are returned.
async fn check_against_index(
    http: &Http,
    plan: &Plan,
    mirror: &Mirror,
    suites: &[suites::Suite],
    packages: &[LockedPackage],
    offline: bool,
    counter: &ByteCounter,
) -> Result<Vec<LockedPackage>, SysrootError> {
    let entries = suites::index_entries(plan, suites)?;
    // A check already passed against these (hash-named, signed) indexes is
    // remembered, so a warm sync does not parse them again.
    let mut key_text = "v2\n".to_owned();
    for (suite, entry, _) in &entries {
        key_text.push_str(&format!("{suite} {}\n", entry.sha256));
    }
    for package in packages {
        key_text.push_str(&format!(
            "{} {} {} {} {} {}\n",
            package.name,
            package.version,
            package.architecture,
            package.filename,
            package.size,
            package.sha256
        ));
    }
    let memo = plan
        .cache
        .root
        .join("verified")
        .join(sha256_hex(key_text.as_bytes()));
    if memo.is_file() {
        return Ok(Vec::new());
    }
    let mut indexes = Vec::with_capacity(entries.len());
    for (suite, entry, compression) in &entries {
        let index = fetch_packages_index(
            http,
            plan,
            suite,
            mirror,
            entry,
            *compression,
            suites::by_hash(suites, suite),
            offline,
            counter,
        )
        .await?;
        indexes.push((
            format!("{}/dists/{suite}/{}", mirror.uri, entry.path),
            index,
        ));
    }
    let mut gone = Vec::new();
    for package in packages {
        // The same version in every suite that has it is one build: any
        // index may vouch for it, but the one that does must agree.
        let signed = indexes.iter().find_map(|(url, index)| {
            index
                .get(&package.name)
                .find(|candidate| {
                    candidate.architecture == package.architecture
                        && candidate.version.to_string() == package.version
                })
                .map(|candidate| (url, candidate))
        });
        let Some((url, signed)) = signed else {
            gone.push(package.clone());
            continue;
        };
        let differs = [
            (
                "filename",
                signed.filename.clone(),
                package.filename.clone(),
            ),
            ("size", signed.size.to_string(), package.size.to_string()),
            (
                "sha256",
                signed.sha256.to_ascii_lowercase(),
                package.sha256.clone(),
            ),
        ]
        .into_iter()
        .find(|(_, signed, locked)| signed != locked);
        if let Some((field, signed, locked)) = differs {
            return Err(SysrootError::LockNotSigned {
                url: url.clone(),
                package: format!("{} {}", package.name, package.version),
                field,
                locked,
                signed,
            });
        }
    }
    if gone.is_empty() {
        let _ = cache::write_atomically(&memo, b"");
    }
    Ok(gone)
}

/// Reads the lock entry for a target (and release).
pub fn locked_sysroot(
    target: &str,
    release: Option<&str>,
    cache_dir: Option<&Path>,
    lock: Option<&Path>,
) -> Result<(LockedSysroot, PathBuf, Cache), SysrootError> {
    let (plan, locked) = locked_entry(target, release, cache_dir, lock)?;
    Ok((locked, plan.lock_path, plan.cache))
}

fn locked_entry(
    target: &str,
    release: Option<&str>,
    cache_dir: Option<&Path>,
    lock: Option<&Path>,
) -> Result<(Plan, LockedSysroot), SysrootError> {
    let lock_path = lock.map_or_else(default_lock_path, Path::to_owned);
    let not_locked = || SysrootError::NotLocked {
        path: lock_path.clone(),
        target: target.to_owned(),
        release: release.map(str::to_owned),
    };
    let lock_file = LockFile::read(&lock_path)?.ok_or_else(not_locked)?;
    let release = release
        .and_then(|r| known_release(r).map(|r| r.codename))
        .or(release);
    let locked = lock_file
        .find(target, release)
        .ok_or_else(not_locked)?
        .clone();
    let plan = plan(target, &locked.release, cache_dir, Some(&lock_path))?;
    Ok((plan, locked))
}

fn outcome(
    plan: &Plan,
    locked: &LockedSysroot,
    path: PathBuf,
    bytes_downloaded: u64,
    up_to_date: bool,
    timings: Timings,
) -> FetchOutcome {
    FetchOutcome {
        path,
        lock_file: plan.lock_path.clone(),
        target: plan.target.clone(),
        release: plan.release.clone(),
        arch: plan.arch.name.to_owned(),
        packages: locked.packages.clone(),
        bytes_downloaded,
        up_to_date,
        timings,
    }
}

/// What a fetch resolves. A sysroot only grows: the packages asked for are
/// added to what the lock already requests for this target and release
/// (or, with no lock entry, to what the `--dir` sysroot's manifest holds),
/// unless the request replaces the set or removes packages from it.
fn grown_roots(
    request: &FetchRequest,
    locked: Option<&LockedSysroot>,
    plan: &Plan,
) -> Result<Vec<String>, SysrootError> {
    let asked = requested_roots(request);
    let mut roots: Vec<String> = if request.replace {
        Vec::new()
    } else if let Some(locked) = locked {
        locked.requested.clone()
    } else {
        request
            .dir
            .as_deref()
            .and_then(Manifest::read)
            .filter(|m| m.target == plan.target && m.release == plan.release)
            .map(|m| m.packages.into_iter().map(|p| p.name).collect())
            .unwrap_or_default()
    };
    for name in &request.remove {
        let name = name.trim();
        let before = roots.len();
        roots.retain(|root| root != name);
        if roots.len() == before {
            return Err(SysrootError::NotRequested {
                package: name.to_owned(),
                requested: roots.join(", "),
            });
        }
    }
    roots.extend(asked);
    roots.sort();
    roots.dedup();
    Ok(roots)
}

fn requested_roots(request: &FetchRequest) -> Vec<String> {
    let mut roots: Vec<String> = request
        .packages
        .iter()
        .map(|p| p.trim().to_owned())
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// `--keyring FILE`, else the shipped keys the releases table names for
/// the release (Debian's for Debian, Ubuntu's for Ubuntu).
fn load_keyring(path: Option<&Path>, release: &KnownRelease) -> Result<Keyring, SysrootError> {
    let Some(path) = path else {
        return Keyring::for_release(release).map_err(|source| SysrootError::Signature {
            url: format!("built-in {} archive keys", release.vendor.display_name()),
            source,
        });
    };
    let bytes = std::fs::read(path).map_err(|source| SysrootError::KeyringFile {
        path: path.to_owned(),
        source,
    })?;
    Keyring::from_file(&path.display().to_string(), &bytes).map_err(|source| {
        SysrootError::Signature {
            url: path.display().to_string(),
            source,
        }
    })
}

/// A verified, parsed Release.
struct VerifiedRelease {
    release: Release,
    date_text: Option<String>,
    url: String,
}

// The one context struct for these values is #11's sysroot split, not done yet.
#[allow(clippy::too_many_arguments)]
async fn fetch_release(
    http: &Http,
    plan: &Plan,
    suite: &str,
    mirror: &Mirror,
    keyring: &Keyring,
    offline: bool,
    counter: &ByteCounter,
    lock_floor: Option<i64>,
) -> Result<VerifiedRelease, SysrootError> {
    let base = format!("{}/dists/{suite}", mirror.uri);
    let saved = plan.cache.release_dir(&mirror.uri, suite);
    let on_bytes = |n| {
        counter.add(n);
    };
    let now = unix_now();
    // InRelease first; fall back to Release + Release.gpg like apt.
    let inrelease_url = format!("{base}/InRelease");
    let fetched = if offline {
        read_cached(&saved.join("InRelease"))
    } else {
        match http.get(&inrelease_url, None, &on_bytes).await {
            Ok(bytes) => Some(bytes),
            Err(err) if err.is_not_found() => None,
            Err(err) => return Err(err.into()),
        }
    };
    let (url, verified, files) = match fetched {
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let verified =
                keyring
                    .verify_inrelease(&text, now)
                    .map_err(|source| SysrootError::Signature {
                        url: inrelease_url.clone(),
                        source,
                    })?;
            (inrelease_url, verified, vec![("InRelease", bytes)])
        }
        None => {
            let release_url = format!("{base}/Release");
            let (release, signature) = if offline {
                let not_cached = || SysrootError::NotCached {
                    what: format!("the signed Release of {suite}"),
                    cache: plan.cache.root.clone(),
                };
                (
                    read_cached(&saved.join("Release")).ok_or_else(not_cached)?,
                    read_cached(&saved.join("Release.gpg")).ok_or_else(not_cached)?,
                )
            } else {
                let release = http.get(&release_url, None, &on_bytes).await?;
                let signature = http
                    .get(&format!("{release_url}.gpg"), None, &on_bytes)
                    .await?;
                (release, signature)
            };
            let verified =
                keyring
                    .verify_detached(&release, &signature, now)
                    .map_err(|source| SysrootError::Signature {
                        url: release_url.clone(),
                        source,
                    })?;
            (
                release_url,
                verified,
                vec![("Release", release), ("Release.gpg", signature)],
            )
        }
    };
    let release = Release::parse(&verified.text).map_err(|err| SysrootError::Release {
        url: url.clone(),
        message: err.to_string(),
    })?;
    check_release(&release, suite, &url, &verified.text, now)?;
    // apt's rule against replay: never go back to an older Release than
    // one already verified for this suite (from this cache or the lock).
    let floor_file = saved.join("newest-date");
    let cache_floor = std::fs::read_to_string(&floor_file)
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok());
    let floor = cache_floor.max(lock_floor);
    if let (Some(date), Some(newest)) = (release.date, floor)
        && date < newest
    {
        let from_cache = cache_floor == Some(newest);
        return Err(SysrootError::Replayed {
            url: url.clone(),
            release: suite.to_owned(),
            date: field_text(&verified.text, "Date").unwrap_or_default(),
            newest: format!(
                "{}, {}",
                format_date(newest),
                if from_cache {
                    "seen by this cache"
                } else {
                    "the lock's release_date"
                }
            ),
            hint: if from_cache {
                format!(
                    "if the mirror was rolled back on purpose, remove {}",
                    floor_file.display()
                )
            } else {
                "use a mirror at least as recent as the one the lock was made from, \
                 or --snapshot-mirror for old versions"
                    .to_owned()
            },
        });
    }
    if !offline {
        if let Some(date) = release.date
            && cache_floor.is_none_or(|newest| date > newest)
        {
            plan.cache
                .store(&floor_file, date.to_string().as_bytes())
                .map_err(io_error(&floor_file))?;
        }
        for (name, bytes) in files {
            plan.cache
                .store(&saved.join(name), &bytes)
                .map_err(io_error(&saved))?;
        }
    }
    let date_text = field_text(&verified.text, "Date");
    Ok(VerifiedRelease {
        release,
        date_text,
        url,
    })
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC`.
fn format_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// How far in the future a Release's `Date` may be (apt's default).
const MAX_FUTURE_SECS: i64 = 10 * 24 * 3600;

fn check_release(
    release: &Release,
    suite: &str,
    url: &str,
    text: &str,
    now: u64,
) -> Result<(), SysrootError> {
    if release.is_expired(now as i64) {
        return Err(SysrootError::Expired {
            url: url.to_owned(),
            valid_until: field_text(text, "Valid-Until").unwrap_or_default(),
        });
    }
    // apt's Acquire::Max-FutureTime: a Release dated far ahead is either a
    // broken clock or an attempt to outlive a key's expiry checks.
    if let Some(date) = release.date
        && date > now as i64 + MAX_FUTURE_SECS
    {
        return Err(SysrootError::Release {
            url: url.to_owned(),
            message: format!(
                "its Date ({}) is more than 10 days in the future; check the system clock",
                field_text(text, "Date").unwrap_or_default()
            ),
        });
    }
    // apt refuses a Release for another suite than the one asked for: it
    // would let a mirror serve an older, signed release in its place (or
    // the release itself in place of its -security pocket).
    let names = [release.codename.as_deref(), release.suite.as_deref()];
    if release.codename.is_some() && !names.contains(&Some(suite)) {
        return Err(SysrootError::Release {
            url: url.to_owned(),
            message: format!(
                "is for {}, not {}",
                release.codename.as_deref().unwrap_or("?"),
                suite
            ),
        });
    }
    Ok(())
}

fn field_text(text: &str, name: &str) -> Option<String> {
    crossport_formats::deb822::paragraphs(text)
        .next()?
        .ok()?
        .get(name)
        .map(str::to_owned)
}

fn read_cached(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// The index names tried, best compression first.
const INDEX_NAMES: &[(&str, crossport_formats::deb::Compression)] = &[
    ("Packages.xz", crossport_formats::deb::Compression::Xz),
    ("Packages.gz", crossport_formats::deb::Compression::Gzip),
    ("Packages", crossport_formats::deb::Compression::None),
];

fn resolution_key(index_sha: &str, plan: &Plan, requested: &[String], base_set: bool) -> String {
    let text = format!(
        "v1\n{index_sha}\n{}\n{base_set}\n{}",
        plan.arch.name,
        requested.join("\n")
    );
    sha256_hex(text.as_bytes())
}

fn resolve_packages(
    indexes: &[PackageIndex],
    plan: &Plan,
    requested: &[String],
    base_set: bool,
) -> Result<Vec<LockedPackage>, SysrootError> {
    let mut resolve_request = ResolveRequest::new(plan.arch.name, &[]);
    resolve_request.roots = requested.to_vec();
    resolve_request.base_set = base_set;
    let indexes: Vec<&PackageIndex> = indexes.iter().collect();
    let resolution = resolve(&indexes, &resolve_request)?;
    let mut packages: Vec<LockedPackage> = resolution
        .packages
        .iter()
        .map(|entry| LockedPackage {
            name: entry.package.name.clone(),
            version: entry.package.version.to_string(),
            architecture: entry.package.architecture.clone(),
            filename: entry.package.filename.clone(),
            size: entry.package.size,
            sha256: entry.package.sha256.to_ascii_lowercase(),
        })
        .collect();
    packages.sort();
    Ok(packages)
}

#[allow(clippy::too_many_arguments)]
async fn fetch_packages_index(
    http: &Http,
    plan: &Plan,
    suite: &str,
    mirror: &Mirror,
    entry: &FileHash,
    compression: crossport_formats::deb::Compression,
    by_hash: bool,
    offline: bool,
    counter: &ByteCounter,
) -> Result<PackageIndex, SysrootError> {
    let url = format!("{}/dists/{suite}/{}", mirror.uri, entry.path);
    let cached = plan.cache.index_path(&entry.sha256);
    let bytes = match read_cached(&cached) {
        Some(bytes) if sha256_hex(&bytes) == entry.sha256 => bytes,
        _ if offline => {
            return Err(SysrootError::NotCached {
                what: url,
                cache: plan.cache.root.clone(),
            });
        }
        _ => {
            let on_bytes = |n| {
                counter.add(n);
            };
            // Acquire-By-Hash: the file under its hash name does not change
            // while the mirror updates, unlike Packages.xz itself.
            let by_hash_url = format!(
                "{}/dists/{}/{}",
                mirror.uri,
                plan.release,
                entry.by_hash_path()
            );
            let fetched = if by_hash {
                match http.get(&by_hash_url, Some(entry.size), &on_bytes).await {
                    Ok(bytes) => Some((by_hash_url, bytes)),
                    Err(err) if err.is_not_found() => None,
                    Err(err) => return Err(err.into()),
                }
            } else {
                None
            };
            let (url, bytes) = match fetched {
                Some(found) => found,
                None => {
                    let bytes = http.get(&url, Some(entry.size), &on_bytes).await?;
                    (url.clone(), bytes)
                }
            };
            check_hash(&url, &bytes, &entry.sha256, Some(entry.size))?;
            plan.cache
                .store(&cached, &bytes)
                .map_err(io_error(&cached))?;
            bytes
        }
    };
    let text = decompress_index(&url, compression, &bytes)?;
    let (index, errors) = PackageIndex::parse(&text);
    for error in errors.iter().take(5) {
        tracing::debug!("{url}: skipped: {error}");
    }
    Ok(index)
}

fn decompress_index(
    url: &str,
    compression: crossport_formats::deb::Compression,
    bytes: &[u8],
) -> Result<String, SysrootError> {
    use std::io::Read;
    let decompress_error = |message: String| SysrootError::Decompress {
        url: url.to_owned(),
        message,
    };
    let mut reader = crossport_formats::deb::decompressor(compression, bytes)
        .map_err(|err| decompress_error(err.to_string()))?;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|err| decompress_error(err.to_string()))?;
    Ok(text)
}

fn check_hash(
    url: &str,
    bytes: &[u8],
    expected: &str,
    size: Option<u64>,
) -> Result<(), SysrootError> {
    if let Some(size) = size
        && bytes.len() as u64 != size
    {
        return Err(SysrootError::SizeMismatch {
            url: url.to_owned(),
            expected: size,
            actual: bytes.len() as u64,
        });
    }
    let actual = sha256_hex(bytes);
    if !actual.eq_ignore_ascii_case(expected) {
        return Err(SysrootError::HashMismatch {
            url: url.to_owned(),
            expected: expected.to_owned(),
            actual,
        });
    }
    Ok(())
}

/// Downloads what is missing from the cache (verified), then unpacks every
/// package into a temp dir beside `dir` and renames it into place.
/// Returns the bytes downloaded.
#[allow(clippy::too_many_arguments)]
async fn build_sysroot(
    http: &Http,
    plan: &Plan,
    mirror: &Mirror,
    sources: &BTreeMap<String, Mirror>,
    locked: &LockedSysroot,
    dir: &Path,
    request: &FetchRequest,
    progress: Progress<'_>,
    timings: &mut Timings,
) -> Result<u64, SysrootError> {
    let phase = Instant::now();
    let missing: Vec<&LockedPackage> = locked
        .packages
        .iter()
        .filter(|p| !plan.cache.deb_path(&p.sha256).is_file())
        .collect();
    if request.offline && !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|p| p.name.as_str()).collect();
        return Err(SysrootError::NotCached {
            what: format!("packages {}", names.join(", ")),
            cache: plan.cache.root.clone(),
        });
    }
    progress(ProgressEvent::Phase("download"));
    progress(ProgressEvent::DownloadTotal {
        packages: missing.len(),
        bytes: missing.iter().map(|p| p.size).sum(),
    });
    let counter = ByteCounter::default();
    let jobs = missing
        .iter()
        .map(|package| {
            let mirror = sources.get(&package.name).unwrap_or(mirror);
            download_deb(http, plan, mirror, package, &counter, progress)
        })
        .collect();
    for result in http::bounded(jobs).await {
        result?;
    }
    timings.download_ms = millis(phase);

    progress(ProgressEvent::Phase("unpack"));
    let phase = Instant::now();
    // Unpacking is blocking work (threads and file IO); on a multi-threaded
    // runtime (the language server's) let tokio move other tasks off this
    // worker meanwhile.
    let limits = Limits {
        bytes: request.unpack_limit.unwrap_or(DEFAULT_UNPACK_LIMIT),
        entries: request
            .unpack_entry_limit
            .unwrap_or(DEFAULT_UNPACK_ENTRY_LIMIT),
    };
    let unpack = || assemble(plan, locked, dir, limits, progress);
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_thread {
        tokio::task::block_in_place(unpack)?;
    } else {
        unpack()?;
    }
    timings.unpack_ms = millis(phase);
    Ok(counter.get())
}

async fn download_deb(
    http: &Http,
    plan: &Plan,
    mirror: &Mirror,
    package: &LockedPackage,
    counter: &ByteCounter,
    progress: Progress<'_>,
) -> Result<(), SysrootError> {
    let url = format!("{}/{}", mirror.uri, package.filename);
    let on_bytes = |n| {
        let bytes = counter.add(n);
        progress(ProgressEvent::Downloaded { bytes });
    };
    let bytes = http.get(&url, Some(package.size), &on_bytes).await?;
    check_hash(&url, &bytes, &package.sha256, Some(package.size))?;
    let path = plan.cache.deb_path(&package.sha256);
    plan.cache.store(&path, &bytes).map_err(io_error(&path))
}

/// The unpacking caps of one fetch or sync.
#[derive(Debug, Clone, Copy)]
struct Limits {
    bytes: u64,
    entries: u64,
}

fn assemble(
    plan: &Plan,
    locked: &LockedSysroot,
    dir: &Path,
    limits: Limits,
    progress: Progress<'_>,
) -> Result<(), SysrootError> {
    // Replacing what we did not build (a mistyped --dir) would delete
    // someone's files; checked again right before the rename.
    check_replaceable(dir)?;
    let parent = dir.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".crossport-sysroot-")
        .tempdir_in(parent)
        .map_err(io_error(parent))?;
    let budget = extract::Budget::new(limits.bytes, limits.entries);
    let mut unpacker =
        Unpacker::with_budget(staging.path(), budget).map_err(io_error(staging.path()))?;
    unpack_all(plan, locked, &mut unpacker, limits, progress)?;
    let manifest = Manifest {
        target: locked.target.clone(),
        release: locked.release.clone(),
        arch: locked.arch.clone(),
        packages: locked
            .packages
            .iter()
            .map(|p| ManifestPackage {
                name: p.name.clone(),
                version: p.version.clone(),
                architecture: p.architecture.clone(),
                sha256: p.sha256.clone(),
            })
            .collect(),
        files: std::mem::take(&mut unpacker.files),
    };
    let manifest_path = staging.path().join(MANIFEST_PATH);
    let json = serde_json::to_vec_pretty(&manifest).map_err(|err| SysrootError::Io {
        path: manifest_path.clone(),
        source: std::io::Error::other(err),
    })?;
    cache::write_atomically(&manifest_path, &json).map_err(io_error(&manifest_path))?;
    replace_dir(staging, dir)
}

/// Unpacks every locked package in lock order.
///
/// Each package is first unpacked on its own into the cache
/// (`unpacked/<sha256>/`), in parallel, since the trees are independent;
/// then the trees are replayed into the sysroot one package after another
/// (hard links, so a warm fetch costs no decompression), with every path
/// and link check run again on the combined tree and later packages
/// overwriting earlier ones as dpkg would.
///
/// When anything is refused, the trees this call unpacked into the cache
/// are removed again: a refused fetch leaves nothing of its packages.
fn unpack_all(
    plan: &Plan,
    locked: &LockedSysroot,
    unpacker: &mut Unpacker,
    limits: Limits,
    progress: Progress<'_>,
) -> Result<(), SysrootError> {
    // One budget for every worker unpacking into the cache, another for
    // the sysroot the trees are then combined into.
    let budget = extract::Budget::new(limits.bytes, limits.entries);
    let (trees, fresh) = unpacked_trees(plan, &locked.packages, &budget);
    let replayed = trees.and_then(|trees| {
        let total = locked.packages.len();
        for (done, (package, entries)) in locked.packages.iter().zip(&trees).enumerate() {
            let tree = plan.cache.unpacked_dir(&package.sha256).join("tree");
            unpacker.replay(&package.name, &tree, entries)?;
            progress(ProgressEvent::Unpacked {
                package: package.name.clone(),
                done: done + 1,
                total,
            });
        }
        Ok(())
    });
    if replayed.is_err() {
        for dir in fresh {
            remove_tree(&dir);
        }
    }
    replayed
}

/// Removes a sealed (read-only) cached tree; best effort.
fn remove_tree(dir: &Path) {
    if std::fs::remove_dir_all(dir).is_ok() {
        return;
    }
    // Read-only files are no obstacle on Unix, but are on Windows.
    for entry in walk(dir) {
        if let Ok(metadata) = std::fs::symlink_metadata(&entry)
            && metadata.is_file()
        {
            let mut permissions = metadata.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            let _ = std::fs::set_permissions(&entry, permissions);
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}

/// The recorded entries of each package's unpacked tree, unpacking (in
/// parallel) those not yet in the cache or changed since, all drawing on
/// one `budget`. Also returns the cache directories unpacked by this call
/// (whatever the outcome), so a failed fetch can remove them. After the
/// first failure no worker starts another package.
#[allow(clippy::type_complexity)]
fn unpacked_trees(
    plan: &Plan,
    packages: &[LockedPackage],
    budget: &std::sync::Arc<extract::Budget>,
) -> (
    Result<Vec<Vec<extract::Recorded>>, SysrootError>,
    Vec<PathBuf>,
) {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    type Slot = Mutex<Option<Result<Vec<extract::Recorded>, SysrootError>>>;
    let results: Vec<Slot> = packages.iter().map(|_| Mutex::new(None)).collect();
    let fresh: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while !failed.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(package) = packages.get(i) else {
                        return;
                    };
                    let result = cached_tree(plan, package).map_or_else(
                        || {
                            let unpacked = unpack_to_cache(plan, package, budget);
                            if unpacked.is_ok()
                                && let Ok(mut fresh) = fresh.lock()
                            {
                                fresh.push(plan.cache.unpacked_dir(&package.sha256));
                            }
                            unpacked
                        },
                        Ok,
                    );
                    if result.is_err() {
                        failed.store(true, Ordering::SeqCst);
                    }
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    let fresh = fresh.into_inner().unwrap_or_default();
    let mut first_error = None;
    let mut trees = Vec::with_capacity(packages.len());
    for slot in results {
        match slot.into_inner().ok().flatten() {
            Some(Ok(entries)) => trees.push(entries),
            // The first failure in lock order is the one reported.
            Some(Err(err)) if first_error.is_none() => first_error = Some(err),
            _ => {}
        }
    }
    if let Some(err) = first_error {
        return (Err(err), fresh);
    }
    if trees.len() != packages.len() {
        let stopped = SysrootError::Io {
            path: plan.cache.root.clone(),
            source: std::io::Error::other("an unpack worker stopped"),
        };
        return (Err(stopped), fresh);
    }
    (Ok(trees), fresh)
}

/// A package's cached tree, if present and unchanged (every file still has
/// the size and modification time recorded when it was sealed).
fn cached_tree(plan: &Plan, package: &LockedPackage) -> Option<Vec<extract::Recorded>> {
    let dir = plan.cache.unpacked_dir(&package.sha256);
    let entries: Vec<extract::Recorded> =
        serde_json::from_slice(&std::fs::read(dir.join("entries.json")).ok()?).ok()?;
    let tree = dir.join("tree");
    let intact = entries.iter().all(|entry| match &entry.kind {
        extract::RecordedKind::File { size, mtime_ns } => {
            std::fs::symlink_metadata(tree.join(&entry.path)).is_ok_and(|metadata| {
                metadata.is_file()
                    && metadata.len() == *size
                    && extract::modified_ns(&metadata) == *mtime_ns
            })
        }
        _ => true,
    });
    intact.then_some(entries)
}

/// Unpacks a cached, verified `.deb` into `unpacked/<sha256>/` (built in a
/// temp dir and renamed) and returns its entries.
fn unpack_to_cache(
    plan: &Plan,
    package: &LockedPackage,
    budget: &std::sync::Arc<extract::Budget>,
) -> Result<Vec<extract::Recorded>, SysrootError> {
    let path = plan.cache.deb_path(&package.sha256);
    let deb = std::fs::read(&path).map_err(io_error(&path))?;
    // The cache holds only verified files, but a disk error or a
    // hand-edited cache must not slip an unverified file through.
    check_hash(&path.display().to_string(), &deb, &package.sha256, None)?;
    let dest = plan.cache.unpacked_dir(&package.sha256);
    let parent = dest.parent().unwrap_or(&plan.cache.root);
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempdir_in(parent)
        .map_err(io_error(parent))?;
    let tree = staging.path().join("tree");
    std::fs::create_dir(&tree).map_err(io_error(&tree))?;
    let mut unpacker = Unpacker::with_budget(&tree, budget.clone()).map_err(io_error(&tree))?;
    let unpack_error = |source| SysrootError::Unpack {
        package: package.name.clone(),
        version: package.version.clone(),
        filename: package.filename.clone(),
        source: Box::new(source),
    };
    unpacker
        .unpack_deb(&package.name, &deb)
        .map_err(unpack_error)?;
    unpacker.seal(&package.name).map_err(unpack_error)?;
    let entries = std::mem::take(&mut unpacker.entries);
    let json = serde_json::to_vec(&entries).map_err(|err| SysrootError::Io {
        path: dest.clone(),
        source: std::io::Error::other(err),
    })?;
    let entries_path = staging.path().join("entries.json");
    std::fs::write(&entries_path, json).map_err(io_error(&entries_path))?;
    if dest.exists() {
        std::fs::remove_dir_all(&dest).map_err(io_error(&dest))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, &dest).map_err(|source| {
        let _ = std::fs::remove_dir_all(&staged);
        SysrootError::Io {
            path: dest.clone(),
            source,
        }
    })?;
    Ok(entries)
}

/// Moves the staged sysroot to `dir`, replacing what was there.
fn replace_dir(staging: tempfile::TempDir, dir: &Path) -> Result<(), SysrootError> {
    // Something may have appeared at `dir` while we unpacked.
    check_replaceable(dir)?;
    let staged = staging.keep();
    if std::fs::symlink_metadata(dir).is_ok() {
        let parent = dir.parent().unwrap_or_else(|| Path::new("."));
        let old = tempfile::Builder::new()
            .prefix(".crossport-old-")
            .tempdir_in(parent)
            .map_err(io_error(parent))?
            .keep();
        let old_target = old.join("sysroot");
        std::fs::rename(dir, &old_target).map_err(io_error(dir))?;
        if let Err(source) = std::fs::rename(&staged, dir) {
            let _ = std::fs::rename(&old_target, dir);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(SysrootError::Io {
                path: dir.to_owned(),
                source,
            });
        }
        let _ = std::fs::remove_dir_all(&old);
        return Ok(());
    }
    std::fs::rename(&staged, dir).map_err(|source| {
        let _ = std::fs::remove_dir_all(&staged);
        SysrootError::Io {
            path: dir.to_owned(),
            source,
        }
    })
}

/// One difference `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyProblem {
    /// Sysroot-relative path, or a package name for package-level problems.
    pub path: String,
    pub package: String,
    pub problem: String,
}

/// Re-checks a sysroot against the lock: each locked `.deb` (from the
/// cache, its SHA256 checked against the lock) is read again and every
/// file it ships is compared with the sysroot's copy.
pub fn verify(
    target: &str,
    release: Option<&str>,
    dir: Option<&Path>,
    cache_dir: Option<&Path>,
    lock: Option<&Path>,
) -> Result<(PathBuf, Vec<VerifyProblem>), SysrootError> {
    let (plan, locked) = locked_entry(target, release, cache_dir, lock)?;
    let (dir, looked) = match dir {
        Some(dir) => (dir.to_owned(), vec![dir.to_owned()]),
        None => find_sysroot(&plan.cache, &locked, &plan.lock_path),
    };
    // Without a manifest there is nothing to compare: one line saying so,
    // not a "missing" line for every file of every package.
    let Some(manifest) = Manifest::read(&dir) else {
        return Err(SysrootError::NoSysroot {
            target: locked.target.clone(),
            release: locked.release.clone(),
            looked: looked
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let mut problems = Vec::new();
    extra_files(&dir, &manifest, &mut problems);
    if !manifest.matches(&locked) {
        problems.push(VerifyProblem {
            path: MANIFEST_PATH.to_owned(),
            package: String::new(),
            problem: "the sysroot was built from another package set than the lock".to_owned(),
        });
    }
    for package in &locked.packages {
        let path = plan.cache.deb_path(&package.sha256);
        let Some(deb) = read_cached(&path) else {
            return Err(SysrootError::NotCached {
                what: format!(
                    "{} {} (run `crossport sysroot sync`)",
                    package.name, package.version
                ),
                cache: plan.cache.root.clone(),
            });
        };
        check_hash(&path.display().to_string(), &deb, &package.sha256, None)?;
        compare_package(&dir, &package.name, &deb, &mut problems)?;
    }
    Ok((dir, problems))
}

/// Files in the sysroot no locked package put there (the manifest lists
/// every file, symlink and hard link the packages shipped).
fn extra_files(dir: &Path, manifest: &Manifest, problems: &mut Vec<VerifyProblem>) {
    let mut pending = vec![(dir.to_owned(), String::new())];
    let mut seen = 0usize;
    while let Some((path, relative)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            seen += 1;
            // A bound far above a real sysroot, so a mistaken --dir (/) ends.
            if seen > 2_000_000 {
                return;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            if child == ".crossport" {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push((entry.path(), child));
            } else if !manifest.files.contains_key(&child) {
                problems.push(VerifyProblem {
                    path: child,
                    package: String::new(),
                    problem: "extra (no locked package ships it)".to_owned(),
                });
            }
        }
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Where a project's sysroot for a locked entry is, in order: the one the
/// project's cargo config wires in (`PKG_CONFIG_SYSROOT_DIR_<target>`, as
/// `fix` writes it), one under `target/crossport/sysroots/` beside the lock
/// file built for this target and release, the default cache directory.
/// Returns the first that holds a manifest (else the default) and every
/// place looked at.
pub fn find_sysroot(
    plan_cache: &Cache,
    locked: &LockedSysroot,
    lock_path: &Path,
) -> (PathBuf, Vec<PathBuf>) {
    let mut looked = Vec::new();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    if let Ok(configs) = crate::config::discover(&cwd) {
        let config = configs.target_config(&locked.target);
        if let Some(dir) = crate::sysroot_contents::configured_sysroot(&config, &locked.target) {
            if Manifest::read(&dir).is_some() {
                return (dir, vec![]);
            }
            looked.push(dir);
        }
    }
    let root = lock_path.parent().unwrap_or_else(|| Path::new("."));
    let project = root.join("target/crossport/sysroots");
    if let Ok(entries) = std::fs::read_dir(&project) {
        let mut dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        dirs.sort();
        if let Some(dir) = dirs.into_iter().find(|dir| {
            Manifest::read(dir)
                .is_some_and(|m| m.target == locked.target && m.release == locked.release)
        }) {
            return (dir, vec![]);
        }
    }
    looked.push(project.join(format!("{}-{}", locked.target, locked.release)));
    let default = default_sysroot_dir(plan_cache, locked);
    looked.push(default.clone());
    (default, looked)
}

fn compare_package(
    dir: &Path,
    package: &str,
    deb: &[u8],
    problems: &mut Vec<VerifyProblem>,
) -> Result<(), SysrootError> {
    use std::io::Read;
    let deb_error = |source| ExtractError::Deb {
        package: package.to_owned(),
        source,
    };
    let tar_error = |source| ExtractError::Tar {
        package: package.to_owned(),
        source,
    };
    let member = crossport_formats::deb::data_tar(deb).map_err(deb_error)?;
    let mut archive = tar::Archive::new(member.decompressed().map_err(deb_error)?);
    // The same path rules as extraction: an entry extraction would refuse
    // (`/etc/shadow`, `../x`) is reported, never joined to the sysroot and
    // read.
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    let mut expected: BTreeMap<String, Result<Vec<u8>, &'static str>> = BTreeMap::new();
    for entry in archive.entries().map_err(tar_error)? {
        let mut entry = entry.map_err(tar_error)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        match extract::entry_path(&raw) {
            Ok(Some(relative)) => {
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).map_err(tar_error)?;
                expected.insert(slash(&relative), Ok(bytes));
            }
            Ok(None) => {}
            Err(reason) => {
                expected.insert(raw, Err(reason));
            }
        }
    }
    for (name, bytes) in expected {
        let problem = match bytes {
            Err(reason) => format!("refused entry in the package ({reason}); it was not read"),
            Ok(bytes) => match read_inside(&root, &name) {
                Ok(actual) if sha256_hex(&actual) == sha256_hex(&bytes) => continue,
                Ok(_) => "modified".to_owned(),
                Err(problem) => problem.to_owned(),
            },
        };
        problems.push(VerifyProblem {
            path: name,
            package: package.to_owned(),
            problem,
        });
    }
    Ok(())
}

/// Reads the regular file at `relative` in the sysroot `root` (canonical)
/// without following a symlink out of it: the file's directory must
/// resolve inside the sysroot and the file itself must not be a link.
fn read_inside(root: &Path, relative: &str) -> Result<Vec<u8>, &'static str> {
    let path = root.join(relative);
    let parent = path.parent().unwrap_or(root);
    match parent.canonicalize() {
        Ok(real) if real.starts_with(root) => {}
        Ok(_) => return Err("outside the sysroot through a symlink; it was not read"),
        Err(_) => return Err("missing"),
    }
    match std::fs::symlink_metadata(&path) {
        Ok(metadata) if metadata.is_file() => std::fs::read(&path).map_err(|_| "unreadable"),
        Ok(_) => Err("not a regular file"),
        Err(_) => Err("missing"),
    }
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
