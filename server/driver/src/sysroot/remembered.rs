//! Mirrors remembered from a server's apt sources, per project.
//!
//! `crossport fix --server user@host --apply` records the mirror the
//! server's own apt sources name for its release in
//! `<project>/target/crossport/server-mirrors.json` (under `target/`, so it
//! is never committed); later fetches in the project use it after
//! `--mirror`, the env var and the cargo config, before the host's apt
//! sources. A missing or unreadable file only means "nothing remembered".

use std::path::{Path, PathBuf};

use crossport_formats::distro::Archive;
use serde::{Deserialize, Serialize};

use super::mirror::Mirror;

const FILE: &str = "target/crossport/server-mirrors.json";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    version: u32,
    mirrors: Vec<Remembered>,
}

/// One remembered mirror.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    pub release: String,
    pub archive: Archive,
    pub uri: String,
    /// Which server said so, and where: `user@host:/etc/apt/…:3`.
    pub origin: String,
}

/// The nearest directory from `dir` up that holds a `Cargo.toml`
/// (`cargo::nearest_manifest`'s walk).
pub fn project_root(dir: &Path) -> Option<PathBuf> {
    crate::cargo::nearest_manifest(dir).and_then(|manifest| manifest.parent().map(Path::to_owned))
}

/// Where a project's remembered mirrors live.
pub fn state_path(root: &Path) -> PathBuf {
    root.join(FILE)
}

fn read(root: &Path) -> State {
    std::fs::read(state_path(root))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Records (or replaces) the mirror for `release`'s `archive`.
pub fn remember(root: &Path, entry: Remembered) -> std::io::Result<PathBuf> {
    let mut state = read(root);
    state.version = 1;
    state
        .mirrors
        .retain(|m| !(m.release == entry.release && m.archive == entry.archive));
    state.mirrors.push(entry);
    let path = state_path(root);
    let json = serde_json::to_vec_pretty(&state).map_err(std::io::Error::other)?;
    super::cache::write_atomically(&path, &json)?;
    Ok(path)
}

/// The mirror remembered for `release`'s `archive` in the project that
/// holds `dir`.
pub fn recall(dir: &Path, release: &str, archive: Archive) -> Option<Mirror> {
    let root = project_root(dir)?;
    read(&root)
        .mirrors
        .into_iter()
        .find(|m| m.release == release && m.archive == archive)
        .filter(|m| m.uri.starts_with("http://") || m.uri.starts_with("https://"))
        .map(|m| Mirror {
            uri: m.uri.trim_end_matches('/').to_owned(),
            origin: format!("{} (remembered in {FILE})", m.origin),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_per_release_and_archive() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\n").expect("manifest");
        let nested = dir.path().join("src/bin");
        std::fs::create_dir_all(&nested).expect("mkdir");
        assert_eq!(recall(&nested, "jammy", Archive::Ports), None);
        let entry = |uri: &str| Remembered {
            release: "jammy".into(),
            archive: Archive::Ports,
            uri: uri.into(),
            origin: "me@srv:/etc/apt/sources.list:3".into(),
        };
        remember(dir.path(), entry("http://old.invalid/ubuntu-ports")).expect("write");
        remember(dir.path(), entry("http://new.invalid/ubuntu-ports/")).expect("write");
        let mirror = recall(&nested, "jammy", Archive::Ports).expect("remembered");
        assert_eq!(mirror.uri, "http://new.invalid/ubuntu-ports");
        assert!(mirror.origin.starts_with("me@srv:"), "{}", mirror.origin);
        assert_eq!(recall(&nested, "jammy", Archive::Main), None);
        assert_eq!(recall(&nested, "noble", Archive::Ports), None);
        // A broken file is "nothing remembered", and is replaced on write.
        std::fs::write(state_path(dir.path()), "{not json").expect("write");
        assert_eq!(recall(&nested, "jammy", Archive::Ports), None);
        remember(dir.path(), entry("http://again.invalid/ubuntu-ports")).expect("write");
        assert!(recall(&nested, "jammy", Archive::Ports).is_some());
    }
}
