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
    /// The directory whose cargo config (`[env] CROSSPORT_MIRROR` …) and
    /// remembered mirrors may name the mirror: the project's, when the
    /// fetch runs for one (the language server's working directory is the
    /// editor's); the current directory when `None`.
    pub project_dir: Option<PathBuf>,
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
    /// As [`FetchRequest::project_dir`].
    pub project_dir: Option<PathBuf>,
}

/// Everything derived from a request before any network access.
pub(super) struct Plan {
    pub(super) target: String,
    pub(super) release: String,
    /// The releases table's row for `release`.
    pub(super) known: &'static KnownRelease,
    pub(super) arch: DebianArch,
    pub(super) cache: Cache,
    pub(super) lock_path: PathBuf,
}

/// Checks a request's target and release against the tables and finds its
/// cache and lock file.
pub(super) fn plan(
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

/// What a fetch resolves. A sysroot only grows: the packages asked for are
/// added to what the lock already requests for this target and release
/// (or, with no lock entry, to what the `--dir` sysroot's manifest holds),
/// unless the request replaces the set or removes packages from it.
pub(super) fn grown_roots(
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

pub(super) fn requested_roots(request: &FetchRequest) -> Vec<String> {
    let mut roots: Vec<String> = request
        .packages
        .iter()
        .map(|p| p.trim().to_owned())
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "aarch64-unknown-linux-gnu";

    fn test_plan(cache: &Path) -> Plan {
        plan(TARGET, "bookworm", Some(cache), Some(&cache.join("lock"))).expect("plan")
    }

    fn request(packages: &[&str]) -> FetchRequest {
        FetchRequest {
            target: TARGET.to_owned(),
            release: "bookworm".to_owned(),
            packages: packages.iter().map(|p| (*p).to_owned()).collect(),
            ..FetchRequest::default()
        }
    }

    fn locked(requested: &[&str]) -> LockedSysroot {
        LockedSysroot {
            target: TARGET.to_owned(),
            release: "bookworm".to_owned(),
            arch: "arm64".to_owned(),
            requested: requested.iter().map(|p| (*p).to_owned()).collect(),
            base_set: true,
            release_date: None,
            packages_index_sha256: "0".repeat(64),
            packages: Vec::new(),
        }
    }

    #[test]
    fn a_plan_names_the_arch_the_codename_the_cache_and_the_lock() {
        let dir = tempfile::tempdir().expect("tempdir");
        let by_version = plan(TARGET, "12", Some(dir.path()), None).expect("plan");
        assert_eq!(by_version.release, "bookworm");
        assert_eq!(by_version.arch.name, "arm64");
        assert_eq!(by_version.known.codename, "bookworm");
        assert_eq!(by_version.cache.root, dir.path());
        assert!(by_version.lock_path.ends_with(LOCK_FILE_NAME));
        let pinned = test_plan(dir.path());
        assert_eq!(pinned.lock_path, dir.path().join("lock"));
    }

    #[test]
    fn a_plan_refuses_a_target_without_a_port_and_an_unknown_release() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = plan("thumbv7em-none-eabihf", "bookworm", Some(dir.path()), None);
        assert!(
            matches!(target, Err(SysrootError::UnknownTarget(t)) if t == "thumbv7em-none-eabihf")
        );
        let release = plan(TARGET, "hamm", Some(dir.path()), None);
        let Err(err) = release else {
            panic!("hamm is no release crossport knows");
        };
        assert!(matches!(&err, SysrootError::UnknownRelease(r) if r == "hamm"));
        assert!(err.to_string().contains("bookworm"), "{err}");
    }

    #[test]
    fn requested_roots_are_trimmed_sorted_and_once_each() {
        let roots = requested_roots(&request(&[" libssl-dev", "zlib1g-dev", "libssl-dev "]));
        assert_eq!(roots, ["libssl-dev", "zlib1g-dev"]);
    }

    #[test]
    fn a_sysroot_only_grows_from_what_the_lock_requests() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = test_plan(dir.path());
        let lock = locked(&["libssl-dev"]);
        let grown = grown_roots(&request(&["zlib1g-dev"]), Some(&lock), &plan).expect("roots");
        assert_eq!(grown, ["libssl-dev", "zlib1g-dev"]);
        let replaced = FetchRequest {
            replace: true,
            ..request(&["zlib1g-dev"])
        };
        assert_eq!(
            grown_roots(&replaced, Some(&lock), &plan).expect("roots"),
            ["zlib1g-dev"]
        );
        assert_eq!(
            grown_roots(&request(&["zlib1g-dev"]), None, &plan).expect("roots"),
            ["zlib1g-dev"]
        );
    }

    #[test]
    fn removing_drops_a_requested_package_and_refuses_one_never_requested() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = test_plan(dir.path());
        let lock = locked(&["libssl-dev", "zlib1g-dev"]);
        let remove = |names: &[&str]| FetchRequest {
            remove: names.iter().map(|n| (*n).to_owned()).collect(),
            ..request(&[])
        };
        assert_eq!(
            grown_roots(&remove(&[" zlib1g-dev"]), Some(&lock), &plan).expect("roots"),
            ["libssl-dev"]
        );
        let err = grown_roots(&remove(&["libpq-dev"]), Some(&lock), &plan)
            .expect_err("libpq-dev was never requested");
        assert!(
            matches!(&err, SysrootError::NotRequested { package, requested }
                if package == "libpq-dev" && requested == "libssl-dev, zlib1g-dev"),
            "{err}"
        );
    }

    #[test]
    fn without_a_lock_entry_a_dir_sysroot_of_the_same_target_is_grown() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plan = test_plan(dir.path());
        let sysroot = dir.path().join("sysroot");
        let manifest = |target: &str| Manifest {
            target: target.to_owned(),
            release: "bookworm".to_owned(),
            arch: "arm64".to_owned(),
            packages: vec![ManifestPackage {
                name: "libc6-dev".to_owned(),
                version: "2.36-9".to_owned(),
                architecture: "arm64".to_owned(),
                sha256: "b".repeat(64),
            }],
            files: BTreeMap::new(),
        };
        let write = |manifest: &Manifest| {
            let path = sysroot.join(MANIFEST_PATH);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, serde_json::to_vec(manifest).expect("json")).expect("write");
        };
        let in_dir = FetchRequest {
            dir: Some(sysroot.clone()),
            ..request(&["libssl-dev"])
        };
        write(&manifest(TARGET));
        assert_eq!(
            grown_roots(&in_dir, None, &plan).expect("roots"),
            ["libc6-dev", "libssl-dev"]
        );
        // Another target's sysroot at that place is not this one's start.
        write(&manifest("x86_64-unknown-linux-gnu"));
        assert_eq!(
            grown_roots(&in_dir, None, &plan).expect("roots"),
            ["libssl-dev"]
        );
    }
}
