//! Unsaved editor buffers read instead of the files on disk.
//!
//! The language server analyses what the user is typing, not what was last
//! saved. An [`Overlay`] maps absolute paths of `Cargo.toml` and cargo
//! config files to the text of their open buffers; config discovery,
//! preflight and fix planning read through it. `cargo metadata` only reads
//! disk, so a manifest whose buffer differs from its file is resolved from
//! a shadow copy of the package (see [`shadow_graph`]); nothing in the
//! user's project is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossport_analysis::preflight::ProjectGraph;

use crate::cargo::CargoError;

/// Open documents' texts, by absolute path. Empty for the CLI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overlay {
    files: BTreeMap<PathBuf, String>,
}

impl Overlay {
    pub fn new() -> Self {
        Overlay::default()
    }

    pub fn insert(&mut self, path: PathBuf, text: String) {
        self.files.insert(path, text);
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The buffer's text, if the file is open.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Whether `path` exists for cargo's purposes: open in the editor or on disk.
    pub fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path) || path.is_file()
    }

    /// The buffer's text, else the file's.
    pub fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.get(path) {
            Some(text) => Ok(text.to_owned()),
            None => std::fs::read_to_string(path),
        }
    }

    /// The buffer of `path` when it differs from the file on disk (an
    /// unsaved edit); `None` when it is closed or saved.
    pub fn unsaved(&self, path: &Path) -> Option<&str> {
        let text = self.get(path)?;
        let disk = std::fs::read_to_string(path).ok();
        (disk.as_deref() != Some(text)).then_some(text)
    }
}

/// The resolved graph of a package whose manifest buffer is unsaved.
///
/// The package is mirrored into `<cache>/crossport/shadow/<hash>/`: the
/// buffer's text as `Cargo.toml`, a copy of `Cargo.lock`, and a symbolic
/// link for every other entry of the package directory (sources, build
/// script, vendored directories) except `target`. `cargo metadata` runs on
/// that manifest from the package directory, so cargo reads the project's
/// own config, and it may update only the copied lock. Paths in the graph
/// are mapped back to the package directory. A manifest that only makes
/// sense in place (a workspace member inheriting from its root, `path`
/// dependencies relative to it) fails here; the caller falls back to the
/// saved file.
pub fn shadow_graph(
    manifest: &Path,
    text: &str,
    filter_platform: Option<&str>,
) -> Result<ProjectGraph, CargoError> {
    let dir = manifest.parent().unwrap_or(Path::new("/"));
    let shadow = shadow_dir(manifest);
    let io = |error: std::io::Error| CargoError::Spawn(error);
    if shadow.exists() {
        // Removes the links, never what they point at.
        std::fs::remove_dir_all(&shadow).map_err(io)?;
    }
    std::fs::create_dir_all(&shadow).map_err(io)?;
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        if matches!(name.to_str(), Some("Cargo.toml" | "Cargo.lock" | "target")) {
            continue;
        }
        std::os::unix::fs::symlink(entry.path(), shadow.join(&name)).map_err(io)?;
    }
    let lock = dir.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, shadow.join("Cargo.lock")).map_err(io)?;
    }
    let shadow_manifest = shadow.join("Cargo.toml");
    std::fs::write(&shadow_manifest, text).map_err(io)?;
    let metadata = crate::cargo::run_metadata_in(&shadow_manifest, filter_platform, dir)?;
    let mut graph = crate::cargo::graph_from_metadata(&metadata);
    let from = shadow.display().to_string();
    let to = dir.display().to_string();
    let unshadow = |path: &mut String| {
        if let Some(rest) = path.strip_prefix(&from) {
            *path = format!("{to}{rest}");
        }
    };
    unshadow(&mut graph.workspace_root);
    for package in &mut graph.packages {
        unshadow(&mut package.manifest_path);
    }
    Ok(graph)
}

/// One shadow directory per manifest, reused (and emptied) by every run.
fn shadow_dir(manifest: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    manifest.hash(&mut hasher);
    crate::cargo::cache_base()
        .join("crossport")
        .join("shadow")
        .join(format!("{:016x}", hasher.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_buffer_before_the_disk_and_knows_unsaved_from_saved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("Cargo.toml");
        std::fs::write(&path, "[package]\n").expect("write");
        let mut overlay = Overlay::new();
        assert_eq!(overlay.read(&path).expect("disk"), "[package]\n");
        assert_eq!(overlay.unsaved(&path), None);
        overlay.insert(path.clone(), "[package]\n".into());
        assert_eq!(overlay.unsaved(&path), None, "same text as saved");
        overlay.insert(path.clone(), "[package]\nname = \"x\"\n".into());
        assert_eq!(
            overlay.read(&path).expect("buffer"),
            "[package]\nname = \"x\"\n"
        );
        assert_eq!(overlay.unsaved(&path), Some("[package]\nname = \"x\"\n"));
        let new = dir.path().join(".cargo/config.toml");
        assert!(!overlay.is_file(&new));
        overlay.insert(new.clone(), String::new());
        assert!(overlay.is_file(&new), "an open, never saved file counts");
    }
}
