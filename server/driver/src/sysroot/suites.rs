//! A release as several signed suites and components: Ubuntu's pockets.
//!
//! Debian's releases are one suite and one component here (`bookworm`,
//! `main`). Ubuntu's are the release plus its `-updates` and `-security`
//! pockets, each with `main` and `universe` (the releases table says which).
//! Every suite's InRelease is verified on its own, every index against its
//! own Release, and the closure sees all indexes at once, so the newest
//! version of a package wins by Debian version order, as in apt.

use crossport_formats::deb::Compression;
use crossport_formats::release::FileHash;

use super::cache::sha256_hex;
use super::http::{ByteCounter, Http};
use super::mirror::Mirror;
use super::{INDEX_NAMES, Plan, SysrootError, VerifiedRelease, fetch_release};
use crossport_formats::inrelease::Keyring;

/// One verified suite of the release.
pub(super) struct Suite {
    pub name: String,
    pub release: VerifiedRelease,
}

/// Fetches and verifies the Release of every suite the releases table
/// lists for the plan's release, the release itself first.
pub(super) async fn fetch_suites(
    http: &Http,
    plan: &Plan,
    mirror: &Mirror,
    keyring: &Keyring,
    offline: bool,
    counter: &ByteCounter,
    lock_floor: Option<i64>,
) -> Result<Vec<Suite>, SysrootError> {
    let mut suites = Vec::new();
    for name in plan.known.suites() {
        let release = fetch_release(
            http, plan, &name, mirror, keyring, offline, counter, lock_floor,
        )
        .await?;
        suites.push(Suite { name, release });
    }
    Ok(suites)
}

/// Whether a suite's Release offers its indexes by hash (Acquire-By-Hash).
pub(super) fn by_hash(suites: &[Suite], name: &str) -> bool {
    suites
        .iter()
        .find(|suite| suite.name == name)
        .is_some_and(|suite| suite.release.release.acquire_by_hash)
}

/// The Packages index of each (suite, component) for the plan's
/// architecture, best compression first. The release's own `main` index
/// must exist; a pocket or component whose Release lists no index for the
/// architecture has nothing for it and is skipped.
pub(super) fn index_entries(
    plan: &Plan,
    suites: &[Suite],
) -> Result<Vec<(String, FileHash, Compression)>, SysrootError> {
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
                Some((entry, compression)) => {
                    entries.push((suite.name.clone(), entry, compression));
                }
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
pub(super) fn combined_index_sha(entries: &[(String, FileHash, Compression)]) -> String {
    match entries {
        [(_, entry, _)] => entry.sha256.clone(),
        _ => {
            let text: String = entries
                .iter()
                .map(|(suite, entry, _)| format!("{suite} {} {}\n", entry.path, entry.sha256))
                .collect();
            sha256_hex(text.as_bytes())
        }
    }
}
