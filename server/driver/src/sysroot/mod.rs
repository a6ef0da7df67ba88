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
pub mod contents;
pub mod extract;
pub mod http;
pub mod lock;
pub mod mirror;
pub mod remembered;
mod suites;

mod assemble;
mod index;
mod release;
mod request;
#[cfg(test)]
mod test_deb;
mod verify;

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

use assemble::*;
use index::*;
use release::*;
use request::*;

pub use assemble::check_replaceable;
pub use request::{
    DEFAULT_UNPACK_ENTRY_LIMIT, DEFAULT_UNPACK_LIMIT, FetchOutcome, FetchRequest, Progress,
    ProgressEvent, SyncRequest, Timings,
};
pub use verify::{VerifyProblem, find_sysroot, verify};

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
fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SysrootError + '_ {
    move |source| SysrootError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The one context of a fetch or sync once its mirror and keyring are
/// chosen: what every network and unpack step of it shares. A snapshot
/// mirror (sync's second source) is the only thing passed beside it.
struct FetchContext<'a> {
    plan: Plan,
    http: Http,
    /// The release's archive mirror.
    mirror: Mirror,
    keyring: Keyring,
    /// Only the cache; no network.
    offline: bool,
    limits: Limits,
    /// Bytes of Release files and indexes downloaded (the `.deb`s are
    /// counted by the download phase itself, for its progress).
    counter: ByteCounter,
    progress: Progress<'a>,
}

impl<'a> FetchContext<'a> {
    /// Chooses the mirror (`mirror`, `ports_mirror`, else config, env and
    /// the host's apt sources) and loads the keyring for `plan`'s release.
    fn new(
        plan: Plan,
        options: ContextOptions<'_>,
        progress: Progress<'a>,
    ) -> Result<Self, SysrootError> {
        let mirror = mirror::choose_archive_mirror(
            options.mirror,
            options.ports_mirror,
            plan.known,
            plan.arch.name,
            &options.dir,
        )?;
        let keyring = load_keyring(options.keyring, plan.known)?;
        Ok(FetchContext {
            plan,
            http: Http::new()?,
            mirror,
            keyring,
            offline: options.offline,
            limits: options.limits,
            counter: ByteCounter::default(),
            progress,
        })
    }
}

/// What a fetch or a sync request says about its context.
struct ContextOptions<'r> {
    /// Whose cargo config and remembered mirrors count.
    dir: PathBuf,
    mirror: Option<&'r str>,
    ports_mirror: Option<&'r str>,
    keyring: Option<&'r Path>,
    offline: bool,
    limits: Limits,
}

/// `crossport-sysroot.lock` in the nearest directory (from the current
/// one up) that has a `Cargo.toml`, else in the current directory.
pub fn default_lock_path() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let manifest = crate::cargo::nearest_manifest(&cwd);
    let root = manifest.as_deref().and_then(Path::parent).unwrap_or(&cwd);
    root.join(LOCK_FILE_NAME)
}

/// A request's project directory, else the current one.
fn project_dir(dir: Option<&Path>) -> PathBuf {
    dir.map_or_else(
        || std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        Path::to_owned,
    )
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
        if let Some(done) = already_in_place(&plan, locked, &dir, started) {
            return Ok(done);
        }
    }
    if let Some(dir) = &request.dir {
        check_replaceable(dir)?;
    }
    let floor = lock_file
        .find(&plan.target, Some(&plan.release))
        .and_then(LockedSysroot::release_date_floor);
    let options = ContextOptions {
        dir: project_dir(request.project_dir.as_deref()),
        mirror: request.mirror.as_deref(),
        ports_mirror: request.ports_mirror.as_deref(),
        keyring: request.keyring.as_deref(),
        offline: request.offline,
        limits: Limits::of(request.unpack_limit, request.unpack_entry_limit),
    };
    let cx = FetchContext::new(plan, options, progress)?;
    let mut timings = Timings::default();
    let _cache_lock = lock_cache(&cx.plan.cache).await?;

    progress(ProgressEvent::Phase("release"));
    let phase = Instant::now();
    let suites = suites::fetch_suites(&cx, &cx.mirror, floor).await?;
    let release = &suites[0].release;
    timings.release_ms = millis(phase);

    progress(ProgressEvent::Phase("index"));
    let phase = Instant::now();
    let entries = suites::index_entries(&cx.plan, &suites)?;
    let index_key = suites::combined_index_sha(&entries);
    let base_set = !request.no_base_set;
    let resolution_path = cx
        .plan
        .cache
        .resolution_path(&resolution_key(&index_key, &cx.plan, &requested, base_set));
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
            for entry in &entries {
                indexes.push(fetch_packages_index(&cx, &cx.mirror, entry).await?);
            }
            timings.index_ms = millis(phase);
            progress(ProgressEvent::Phase("resolve"));
            let phase = Instant::now();
            let packages = resolve_packages(&indexes, &cx.plan, &requested, base_set)?;
            if let Ok(json) = serde_json::to_vec(&packages) {
                // A cache write failure only costs time next run.
                let _ = cache::write_atomically(&resolution_path, &json);
            }
            timings.resolve_ms = millis(phase);
            packages
        }
    };
    let locked = LockedSysroot {
        target: cx.plan.target.clone(),
        release: cx.plan.release.clone(),
        arch: cx.plan.arch.name.to_owned(),
        requested,
        base_set,
        release_date: release.date_text.clone(),
        packages_index_sha256: index_key,
        packages,
    };

    let dir = request
        .dir
        .clone()
        .unwrap_or_else(|| default_sysroot_dir(&cx.plan.cache, &locked));
    let bytes = build_sysroot(&cx, &BTreeMap::new(), &locked, &dir, &mut timings).await?;
    LockFile::update(&cx.plan.lock_path, |lock| lock.upsert(locked.clone()))?;
    timings.total_ms = millis(started);
    Ok(outcome(
        &cx.plan,
        &locked,
        dir,
        bytes + cx.counter.get(),
        false,
        timings,
    ))
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
    if let Some(done) = already_in_place(&plan, &locked, &dir, started) {
        return Ok(done);
    }
    check_replaceable(&dir)?;
    let options = ContextOptions {
        dir: project_dir(request.project_dir.as_deref()),
        mirror: request.mirror.as_deref(),
        ports_mirror: request.ports_mirror.as_deref(),
        keyring: request.keyring.as_deref(),
        offline: request.offline,
        limits: Limits::of(request.unpack_limit, request.unpack_entry_limit),
    };
    let cx = FetchContext::new(plan, options, progress)?;
    let snapshot = mirror::choose_snapshot_mirror(
        request.snapshot_mirror.as_deref(),
        &project_dir(request.project_dir.as_deref()),
    )?;
    let mut timings = Timings::default();
    let _cache_lock = lock_cache(&cx.plan.cache).await?;
    progress(ProgressEvent::Phase("release"));
    let phase = Instant::now();
    let verified = suites::fetch_suites(&cx, &cx.mirror, locked.release_date_floor()).await?;
    timings.release_ms = millis(phase);
    progress(ProgressEvent::Phase("index"));
    let phase = Instant::now();
    let mut sources = BTreeMap::new();
    let gone = check_against_index(&cx, &cx.mirror, &verified, &locked.packages).await?;
    if !gone.is_empty() {
        let Some(snapshot) = &snapshot else {
            return Err(SysrootError::NoLongerOnMirror {
                mirror: cx.mirror.uri.clone(),
                release: cx.plan.release.clone(),
                packages: describe(&gone),
                hint: "pass --snapshot-mirror URL (or set CROSSPORT_SNAPSHOT_MIRROR) to a \
                       snapshot archive of that date, or move to the current versions with \
                       `crossport sysroot fetch --update`",
            });
        };
        // The snapshot's own signed Release authorises what it serves; the
        // lock's date is no floor for it (it is older by design).
        let old = suites::fetch_suites(&cx, snapshot, None).await?;
        let still_gone = check_against_index(&cx, snapshot, &old, &gone).await?;
        if !still_gone.is_empty() {
            return Err(SysrootError::NoLongerOnMirror {
                mirror: format!(
                    "{} nor on the snapshot mirror {}",
                    cx.mirror.uri, snapshot.uri
                ),
                release: cx.plan.release.clone(),
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
    let bytes = build_sysroot(&cx, &sources, &locked, &dir, &mut timings).await?;
    timings.total_ms = millis(started);
    Ok(outcome(
        &cx.plan,
        &locked,
        dir,
        bytes + cx.counter.get(),
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
    cx: &FetchContext<'_>,
    mirror: &Mirror,
    suites: &[suites::Suite],
    packages: &[LockedPackage],
) -> Result<Vec<LockedPackage>, SysrootError> {
    let entries = suites::index_entries(&cx.plan, suites)?;
    // A check already passed against these (hash-named, signed) indexes is
    // remembered, so a warm sync does not parse them again.
    let mut key_text = "v2\n".to_owned();
    for entry in &entries {
        key_text.push_str(&format!("{} {}\n", entry.suite, entry.file.sha256));
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
    let memo = cx
        .plan
        .cache
        .root
        .join("verified")
        .join(sha256_hex(key_text.as_bytes()));
    if memo.is_file() {
        return Ok(Vec::new());
    }
    let mut indexes = Vec::with_capacity(entries.len());
    for entry in &entries {
        let index = fetch_packages_index(cx, mirror, entry).await?;
        indexes.push((entry.url(mirror), index));
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

/// The outcome of a request whose sysroot at `dir` already holds what
/// `locked` pins (its manifest says so): nothing to download or unpack.
fn already_in_place(
    plan: &Plan,
    locked: &LockedSysroot,
    dir: &Path,
    started: Instant,
) -> Option<FetchOutcome> {
    let timings = Timings {
        total_ms: millis(started),
        ..Timings::default()
    };
    Manifest::read(dir)
        .is_some_and(|m| m.matches(locked))
        .then(|| outcome(plan, locked, dir.to_owned(), 0, true, timings))
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
