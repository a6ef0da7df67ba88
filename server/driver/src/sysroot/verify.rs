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

#[cfg(test)]
mod tests {
    use super::super::test_deb::deb;
    use super::*;

    const TARGET: &str = "aarch64-unknown-linux-gnu";
    const HEADER: &[u8] = b"int greet(void);\n";
    const LIBRARY: &[u8] = b"\x7fELF not really\n";

    fn greet_deb() -> Vec<u8> {
        deb(&[
            ("usr/include/greet.h", HEADER),
            ("usr/lib/aarch64-linux-gnu/libgreet.so.1", LIBRARY),
        ])
    }

    /// A sysroot at `dir` holding `files`, with a manifest of the one
    /// package `libgreet-dev` (`sha256`).
    fn sysroot(dir: &Path, files: &[(&str, &[u8])], sha256: &str) {
        let mut manifest = Manifest {
            target: TARGET.to_owned(),
            release: "bookworm".to_owned(),
            arch: "arm64".to_owned(),
            packages: vec![ManifestPackage {
                name: "libgreet-dev".to_owned(),
                version: "1.0".to_owned(),
                architecture: "arm64".to_owned(),
                sha256: sha256.to_owned(),
            }],
            files: BTreeMap::new(),
        };
        for (path, bytes) in files {
            let file = dir.join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(&file, bytes).expect("write");
            manifest
                .files
                .insert((*path).to_owned(), "libgreet-dev".to_owned());
        }
        let path = dir.join(MANIFEST_PATH);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, serde_json::to_vec(&manifest).expect("json")).expect("manifest");
    }

    fn both_files() -> [(&'static str, &'static [u8]); 2] {
        [
            ("usr/include/greet.h", HEADER),
            ("usr/lib/aarch64-linux-gnu/libgreet.so.1", LIBRARY),
        ]
    }

    fn problems_of(dir: &Path) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        compare_package(dir, "libgreet-dev", &greet_deb(), &mut problems).expect("compare");
        problems.into_iter().map(|p| (p.path, p.problem)).collect()
    }

    #[test]
    fn a_sysroot_with_the_packages_files_has_no_problems() {
        let dir = tempfile::tempdir().expect("tempdir");
        sysroot(dir.path(), &both_files(), "");
        assert_eq!(problems_of(dir.path()), []);
    }

    #[test]
    fn a_modified_or_missing_file_is_named_with_its_package() {
        let dir = tempfile::tempdir().expect("tempdir");
        sysroot(dir.path(), &both_files(), "");
        std::fs::write(dir.path().join("usr/include/greet.h"), b"int greet(int);\n").expect("edit");
        std::fs::remove_file(dir.path().join("usr/lib/aarch64-linux-gnu/libgreet.so.1"))
            .expect("remove");
        assert_eq!(
            problems_of(dir.path()),
            [
                ("usr/include/greet.h".to_owned(), "modified".to_owned()),
                (
                    "usr/lib/aarch64-linux-gnu/libgreet.so.1".to_owned(),
                    "missing".to_owned()
                ),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_a_link_out_of_the_sysroot_is_not_read() {
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(outside.path().join("include")).expect("mkdir");
        std::fs::write(outside.path().join("include/greet.h"), HEADER).expect("write");
        let dir = tempfile::tempdir().expect("tempdir");
        sysroot(dir.path(), &both_files()[1..], "");
        std::os::unix::fs::symlink(
            outside.path().join("include"),
            dir.path().join("usr/include"),
        )
        .expect("symlink");
        let root = dir.path().canonicalize().expect("canonical");
        assert_eq!(
            read_inside(&root, "usr/include/greet.h"),
            Err("outside the sysroot through a symlink; it was not read")
        );
        assert_eq!(
            problems_of(dir.path())[0].0,
            "usr/include/greet.h",
            "the escaping file is reported, not compared"
        );
    }

    #[test]
    fn files_no_package_shipped_are_extra_and_the_manifest_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        sysroot(dir.path(), &both_files(), "");
        std::fs::write(dir.path().join("usr/include/stray.h"), b"x").expect("write");
        let manifest = Manifest::read(dir.path()).expect("manifest");
        let mut problems = Vec::new();
        extra_files(dir.path(), &manifest, &mut problems);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["usr/include/stray.h"]);
    }

    #[test]
    fn verify_checks_the_locked_debs_from_the_cache_against_the_sysroot() {
        let work = tempfile::tempdir().expect("tempdir");
        let (cache_dir, lock_path, dir) = (
            work.path().join("cache"),
            work.path().join(LOCK_FILE_NAME),
            work.path().join("sysroot"),
        );
        let deb = greet_deb();
        let sha256 = sha256_hex(&deb);
        let locked = LockedSysroot {
            target: TARGET.to_owned(),
            release: "bookworm".to_owned(),
            arch: "arm64".to_owned(),
            requested: vec!["libgreet-dev".to_owned()],
            base_set: false,
            release_date: None,
            packages_index_sha256: "0".repeat(64),
            packages: vec![LockedPackage {
                name: "libgreet-dev".to_owned(),
                version: "1.0".to_owned(),
                architecture: "arm64".to_owned(),
                filename: "pool/main/g/greet/libgreet-dev_1.0_arm64.deb".to_owned(),
                size: deb.len() as u64,
                sha256: sha256.clone(),
            }],
        };
        LockFile::update(&lock_path, |lock| lock.upsert(locked)).expect("lock");
        sysroot(&dir, &both_files(), &sha256);
        let run = || {
            verify(
                TARGET,
                Some("bookworm"),
                Some(&dir),
                Some(&cache_dir),
                Some(&lock_path),
            )
        };
        let not_cached = run().expect_err("the deb is not cached yet");
        assert!(
            matches!(&not_cached, SysrootError::NotCached { what, .. } if what.starts_with("libgreet-dev 1.0")),
            "{not_cached}"
        );
        let cache = Cache::new(cache_dir.clone());
        cache.store(&cache.deb_path(&sha256), &deb).expect("cache");
        let (checked, problems) = run().expect("verify");
        assert_eq!(checked, dir);
        assert_eq!(problems, []);
        std::fs::write(dir.join("usr/include/greet.h"), b"changed").expect("edit");
        let (_, problems) = run().expect("verify");
        assert_eq!(
            problems,
            [VerifyProblem {
                path: "usr/include/greet.h".to_owned(),
                package: "libgreet-dev".to_owned(),
                problem: "modified".to_owned(),
            }]
        );
        // A cached file that lost its hash is refused, not trusted.
        std::fs::write(cache.deb_path(&sha256), b"tampered").expect("tamper");
        assert!(matches!(run(), Err(SysrootError::HashMismatch { .. })));
    }

    #[test]
    fn without_a_manifest_verify_says_where_it_looked() {
        let work = tempfile::tempdir().expect("tempdir");
        let lock_path = work.path().join(LOCK_FILE_NAME);
        let locked = LockedSysroot {
            target: TARGET.to_owned(),
            release: "bookworm".to_owned(),
            arch: "arm64".to_owned(),
            requested: Vec::new(),
            base_set: true,
            release_date: None,
            packages_index_sha256: "0".repeat(64),
            packages: Vec::new(),
        };
        LockFile::update(&lock_path, |lock| lock.upsert(locked)).expect("lock");
        let empty = work.path().join("empty");
        let err = verify(
            TARGET,
            None,
            Some(&empty),
            Some(&work.path().join("cache")),
            Some(&lock_path),
        )
        .expect_err("no sysroot");
        assert!(
            matches!(&err, SysrootError::NoSysroot { looked, .. } if *looked == empty.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn paths_are_written_with_slashes() {
        assert_eq!(
            slash(Path::new("usr/include/openssl")),
            "usr/include/openssl"
        );
    }
}
