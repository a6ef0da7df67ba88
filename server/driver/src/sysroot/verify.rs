//! Verification of an assembled sysroot against its manifest and lock.

#[allow(unused_imports)]
use super::*;

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
pub(super) fn extra_files(dir: &Path, manifest: &Manifest, problems: &mut Vec<VerifyProblem>) {
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

pub(super) fn compare_package(
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
pub(super) fn read_inside(root: &Path, relative: &str) -> Result<Vec<u8>, &'static str> {
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

pub(super) fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
