//! Assembly: downloading the verified `.deb`s, unpacking them (through
//! the per-package cache) into a private staging directory, and renaming
//! it over the `--dir` target once that is re-checked.

#[allow(unused_imports)]
use super::*;

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

/// Downloads what is missing from the cache (verified), then unpacks every
/// package into a temp dir beside `dir` and renames it into place.
/// Returns the bytes downloaded.
/// A package named in `sources` comes from that mirror (sync's snapshot
/// mirror), every other from the context's.
pub(super) async fn build_sysroot(
    cx: &FetchContext<'_>,
    sources: &BTreeMap<String, Mirror>,
    locked: &LockedSysroot,
    dir: &Path,
    timings: &mut Timings,
) -> Result<u64, SysrootError> {
    let FetchContext {
        http,
        plan,
        progress,
        ..
    } = cx;
    let progress = *progress;
    let phase = Instant::now();
    let missing: Vec<&LockedPackage> = locked
        .packages
        .iter()
        .filter(|p| !plan.cache.deb_path(&p.sha256).is_file())
        .collect();
    if cx.offline && !missing.is_empty() {
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
            let mirror = sources.get(&package.name).unwrap_or(&cx.mirror);
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
    let unpack = || assemble(plan, locked, dir, cx.limits, progress);
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

pub(super) async fn download_deb(
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
pub(super) struct Limits {
    pub(super) bytes: u64,
    pub(super) entries: u64,
}

impl Limits {
    /// A request's caps, the defaults where it sets none.
    pub(super) fn of(bytes: Option<u64>, entries: Option<u64>) -> Self {
        Limits {
            bytes: bytes.unwrap_or(DEFAULT_UNPACK_LIMIT),
            entries: entries.unwrap_or(DEFAULT_UNPACK_ENTRY_LIMIT),
        }
    }
}

pub(super) fn assemble(
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
pub(super) fn unpack_all(
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
pub(super) fn remove_tree(dir: &Path) {
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

pub(super) fn walk(dir: &Path) -> Vec<PathBuf> {
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
pub(super) fn unpacked_trees(
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
pub(super) fn cached_tree(plan: &Plan, package: &LockedPackage) -> Option<Vec<extract::Recorded>> {
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
pub(super) fn unpack_to_cache(
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
pub(super) fn replace_dir(staging: tempfile::TempDir, dir: &Path) -> Result<(), SysrootError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A staging dir beside `dir`, holding one file, as assembly leaves it.
    fn staged(parent: &Path) -> (tempfile::TempDir, PathBuf) {
        let staging = tempfile::Builder::new()
            .prefix(".crossport-staging-")
            .tempdir_in(parent)
            .unwrap();
        std::fs::write(staging.path().join("marker"), b"new sysroot").unwrap();
        let path = staging.path().to_owned();
        (staging, path)
    }

    /// `--dir` passed the first check (absent), then `change` ran before
    /// the rename: the rename must refuse, keep what is there, and drop
    /// the staging dir.
    fn raced(change: impl FnOnce(&Path)) -> (tempfile::TempDir, PathBuf, SysrootError) {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("sysroot");
        check_replaceable(&dir).unwrap();
        let (staging, staged_path) = staged(parent.path());
        change(&dir);
        let err = replace_dir(staging, &dir).unwrap_err();
        assert!(!staged_path.exists(), "staging dir left behind");
        (parent, dir, err)
    }

    fn refused_as(err: &SysrootError) -> &'static str {
        match err {
            SysrootError::NotASysroot { what, .. } => what,
            other => panic!("expected NotASysroot, got {other:?}"),
        }
    }

    #[test]
    fn target_turned_symlink_is_refused_and_kept() {
        let (_parent, dir, err) = raced(|dir| {
            let elsewhere = dir.with_file_name("elsewhere");
            std::fs::create_dir(&elsewhere).unwrap();
            std::fs::write(elsewhere.join("precious"), b"keep").unwrap();
            std::os::unix::fs::symlink(&elsewhere, dir).unwrap();
        });
        assert_eq!(refused_as(&err), "a symbolic link");
        assert!(std::fs::symlink_metadata(&dir).unwrap().is_symlink());
        assert_eq!(std::fs::read(dir.join("precious")).unwrap(), b"keep");
    }

    #[test]
    fn target_turned_regular_file_is_refused_and_kept() {
        let (_parent, dir, err) = raced(|dir| std::fs::write(dir, b"notes").unwrap());
        assert_eq!(refused_as(&err), "a regular file");
        assert_eq!(std::fs::read(&dir).unwrap(), b"notes");
    }

    #[test]
    fn target_turned_foreign_directory_is_refused_and_kept() {
        let (_parent, dir, err) = raced(|dir| {
            std::fs::create_dir(dir).unwrap();
            std::fs::write(dir.join("Cargo.toml"), b"[package]").unwrap();
        });
        assert_eq!(refused_as(&err), "a non-empty directory");
        assert_eq!(std::fs::read(dir.join("Cargo.toml")).unwrap(), b"[package]");
        assert!(!dir.join("marker").exists());
    }

    #[test]
    fn previous_sysroot_is_replaced_whole() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("sysroot");
        let manifest = dir.join(MANIFEST_PATH);
        std::fs::create_dir_all(manifest.parent().unwrap()).unwrap();
        std::fs::write(&manifest, b"{}").unwrap();
        std::fs::write(dir.join("stale"), b"old").unwrap();
        let (staging, staged_path) = staged(parent.path());
        replace_dir(staging, &dir).unwrap();
        assert_eq!(std::fs::read(dir.join("marker")).unwrap(), b"new sysroot");
        assert!(!dir.join("stale").exists());
        assert!(!staged_path.exists());
        // Only the sysroot is left beside it: no staging or old dirs.
        let names: Vec<_> = std::fs::read_dir(parent.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("sysroot")]);
    }

    #[test]
    fn absent_and_empty_targets_are_replaceable() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("sysroot");
        check_replaceable(&dir).unwrap();
        std::fs::create_dir(&dir).unwrap();
        check_replaceable(&dir).unwrap();
        let (staging, _) = staged(parent.path());
        replace_dir(staging, &dir).unwrap();
        assert!(dir.join("marker").is_file());
    }
}
