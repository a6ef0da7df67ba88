//! A release as several signed suites and components: Ubuntu's pockets.
//!
//! Debian's releases are one suite and one component here (`bookworm`,
//! `main`). Ubuntu's are the release plus its `-updates` and `-security`
//! pockets, each with `main` and `universe` (the releases table says which).
//! Every suite's InRelease is verified on its own, every index against its
//! own Release, and the closure sees all indexes at once, so the newest
//! version of a package wins by Debian version order, as in apt.

use super::cache::sha256_hex;
use super::mirror::Mirror;
use super::{
    FetchContext, INDEX_NAMES, IndexEntry, Plan, SysrootError, VerifiedRelease, fetch_release,
};

/// One verified suite of the release.
pub(super) struct Suite {
    pub name: String,
    pub release: VerifiedRelease,
}

/// Fetches and verifies the Release of every suite the releases table
/// lists for the plan's release, the release itself first.
pub(super) async fn fetch_suites(
    cx: &FetchContext<'_>,
    mirror: &Mirror,
    lock_floor: Option<i64>,
) -> Result<Vec<Suite>, SysrootError> {
    let mut suites = Vec::new();
    for name in cx.plan.known.suites() {
        let release = fetch_release(cx, &name, mirror, lock_floor).await?;
        suites.push(Suite { name, release });
    }
    Ok(suites)
}

/// The Packages index of each (suite, component) for the plan's
/// architecture, best compression first. The release's own `main` index
/// must exist; a pocket or component whose Release lists no index for the
/// architecture has nothing for it and is skipped.
pub(super) fn index_entries(
    plan: &Plan,
    suites: &[Suite],
) -> Result<Vec<IndexEntry>, SysrootError> {
    let mut entries = Vec::new();
    for (position, suite) in suites.iter().enumerate() {
        for (component_position, component) in plan.known.components.iter().enumerate() {
            let dir = format!("{component}/binary-{}", plan.arch.name);
            let found = INDEX_NAMES.iter().find_map(|(name, compression)| {
                suite
                    .release
                    .release
                    .sha256_entry(&format!("{dir}/{name}"))
                    .map(|entry| (entry.clone(), *compression))
            });
            match found {
                Some((file, compression)) => entries.push(IndexEntry {
                    suite: suite.name.clone(),
                    file,
                    compression,
                    by_hash: suite.release.release.acquire_by_hash,
                }),
                None if position == 0 && component_position == 0 => {
                    return Err(SysrootError::Release {
                        url: suite.release.url.clone(),
                        message: format!(
                            "lists no {dir}/Packages index (is {} in this archive?)",
                            plan.arch.name
                        ),
                    });
                }
                None => {}
            }
        }
    }
    Ok(entries)
}

/// The SHA256 recorded as the lock's `packages_index_sha256` and used to
/// key cached closures: the index's own SHA256 when there is one index
/// (Debian), else the SHA256 of `<suite> <path> <sha256>` lines, one per
/// index in order.
pub(super) fn combined_index_sha(entries: &[IndexEntry]) -> String {
    match entries {
        [entry] => entry.file.sha256.clone(),
        _ => {
            let text: String = entries
                .iter()
                .map(|entry| {
                    format!(
                        "{} {} {}\n",
                        entry.suite, entry.file.path, entry.file.sha256
                    )
                })
                .collect();
            sha256_hex(text.as_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use crossport_formats::deb::Compression;
    use crossport_formats::release::Release;

    use super::super::plan;
    use super::*;

    const SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn suite(name: &str, files: &[&str], by_hash: bool) -> Suite {
        let mut text = format!(
            "Codename: {name}\nDate: Sat, 10 Jun 2023 08:00:00 UTC\n{}SHA256:\n",
            if by_hash {
                "Acquire-By-Hash: yes\n"
            } else {
                ""
            }
        );
        for file in files {
            text.push_str(&format!(" {SHA} 0 {file}\n"));
        }
        Suite {
            name: name.to_owned(),
            release: VerifiedRelease {
                release: Release::parse(&text).expect("parse"),
                date_text: None,
                url: format!("http://m/dists/{name}/InRelease"),
            },
        }
    }

    fn test_plan(release: &str, dir: &std::path::Path) -> Plan {
        plan(
            "aarch64-unknown-linux-gnu",
            release,
            Some(dir),
            Some(&dir.join("lock")),
        )
        .expect("plan")
    }

    #[test]
    fn the_best_compression_of_each_index_is_chosen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let suites = [suite(
            "bookworm",
            &[
                "main/binary-arm64/Packages",
                "main/binary-arm64/Packages.gz",
                "main/binary-arm64/Packages.xz",
                "main/binary-amd64/Packages.xz",
            ],
            true,
        )];
        let entries = index_entries(&test_plan("bookworm", dir.path()), &suites).expect("entries");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].file.path, "main/binary-arm64/Packages.xz");
        assert_eq!(entries[0].compression, Compression::Xz);
        assert!(entries[0].by_hash);
        // One index: the lock records its own SHA256.
        assert_eq!(combined_index_sha(&entries), SHA);
    }

    #[test]
    fn a_release_without_the_arch_says_so_and_a_pocket_without_it_is_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let jammy = test_plan("jammy", dir.path());
        let suites = [
            suite("jammy", &["main/binary-arm64/Packages.gz"], false),
            suite(
                "jammy-updates",
                &["universe/binary-arm64/Packages.xz"],
                true,
            ),
            suite("jammy-security", &["main/binary-amd64/Packages.xz"], false),
        ];
        let entries = index_entries(&jammy, &suites).expect("entries");
        let found: Vec<(&str, &str, bool)> = entries
            .iter()
            .map(|e| (e.suite.as_str(), e.file.path.as_str(), e.by_hash))
            .collect();
        assert_eq!(
            found,
            [
                ("jammy", "main/binary-arm64/Packages.gz", false),
                ("jammy-updates", "universe/binary-arm64/Packages.xz", true),
            ]
        );
        assert_ne!(
            combined_index_sha(&entries),
            SHA,
            "several indexes: a hash of the list"
        );
        let none = [suite("jammy", &["main/binary-amd64/Packages.xz"], false)];
        let Err(err) = index_entries(&jammy, &none) else {
            panic!("jammy's main index for arm64 is required");
        };
        assert!(
            err.to_string()
                .contains("lists no main/binary-arm64/Packages index"),
            "{err}"
        );
    }
}
