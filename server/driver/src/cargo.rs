//! Runs cargo (metadata, build) and streams its output.
//!
//! `cargo metadata` gives preflight the resolved graph with `links` keys; it
//! takes a second or more on a large workspace, so its result is cached in
//! `target/crossport/cache/` keyed by the modification times of Cargo.lock
//! and every path package's manifest. `cargo build` is run with
//! `--message-format=json`, and both streams are read: a failing build
//! script produces no JSON message, only text on stderr.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::UNIX_EPOCH;

use cargo_metadata::{DependencyKind, Metadata, Package, TargetKind};
use crossport_analysis::preflight::{GraphEdge, GraphPackage, ProjectGraph};

use crate::toolchain::EnvOverlay;
use serde::{Deserialize, Serialize};

/// Why cargo could not be run or understood.
#[derive(Debug, thiserror::Error)]
pub enum CargoError {
    #[error("could not run cargo: {0}")]
    Spawn(std::io::Error),
    #[error("`cargo metadata` failed for {manifest}:\n{stderr}")]
    Metadata { manifest: String, stderr: String },
    #[error("could not read `cargo metadata` output: {0}")]
    Parse(serde_json::Error),
    #[error("no Cargo.toml in {0} or any parent directory")]
    NoManifest(PathBuf),
}

/// The manifest cargo would use from `dir`: the nearest Cargo.toml upward.
pub fn find_manifest(dir: &Path) -> Result<PathBuf, CargoError> {
    dir.ancestors()
        .map(|d| d.join("Cargo.toml"))
        .find(|p| p.is_file())
        .ok_or_else(|| CargoError::NoManifest(dir.to_owned()))
}

/// A cached graph and the files whose change invalidates it.
#[derive(Debug, Serialize, Deserialize)]
struct CachedGraph {
    /// [`CACHE_FORMAT`]: a cache written by an older crossport is ignored.
    #[serde(default)]
    format: u32,
    inputs: Vec<(PathBuf, u128)>,
    graph: ProjectGraph,
}

/// Bumped when the cached graph gains facts (2: `link_names`).
const CACHE_FORMAT: u32 = 2;

/// Where the cached graph for a manifest lives: the user's cache directory
/// (`$XDG_CACHE_HOME/crossport/metadata`, `~/.cache/crossport/metadata`),
/// so doctor writes nothing into the project.
fn cache_path(manifest: &Path, filter_platform: Option<&str>) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    manifest.hash(&mut hasher);
    filter_platform.hash(&mut hasher);
    cache_base()
        .join("crossport")
        .join("metadata")
        .join(format!("{:016x}.json", hasher.finish()))
}

/// The user's cache directory: `$XDG_CACHE_HOME`, else `~/.cache`.
pub(crate) fn cache_base() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
}

fn mtime(path: &Path) -> u128 {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

fn read_cache(path: &Path) -> Option<ProjectGraph> {
    let text = std::fs::read(path).ok()?;
    let cached: CachedGraph = serde_json::from_slice(&text).ok()?;
    if cached.format != CACHE_FORMAT {
        return None;
    }
    let fresh = cached
        .inputs
        .iter()
        .all(|(input, stamp)| mtime(input) == *stamp && *stamp != 0);
    fresh.then_some(cached.graph)
}

/// The resolved graph for a manifest (and a target, with
/// `--filter-platform`), from the cache when nothing changed.
pub fn project_graph(
    manifest: &Path,
    filter_platform: Option<&str>,
) -> Result<ProjectGraph, CargoError> {
    let cache = cache_path(manifest, filter_platform);
    if let Some(graph) = read_cache(&cache) {
        return Ok(graph);
    }
    let metadata = run_metadata(manifest, filter_platform)?;
    let mut graph = graph_from_metadata(&metadata);
    let mut inputs: Vec<PathBuf> = vec![metadata.workspace_root.join("Cargo.lock").into()];
    for (package, graph_package) in metadata.packages.iter().zip(&mut graph.packages) {
        if scans_sources(package) {
            let (names, files) = link_names(package);
            graph_package.link_names = names;
            // A path crate that gains a `#[link]` must refresh the cache.
            if package.source.is_none() {
                inputs.extend(files);
            }
        }
    }
    inputs.extend(
        metadata
            .packages
            .iter()
            .filter(|p| p.source.is_none())
            .map(|p| p.manifest_path.clone().into()),
    );
    inputs.push(manifest.to_owned());
    inputs.dedup();
    let cached = CachedGraph {
        format: CACHE_FORMAT,
        inputs: inputs
            .into_iter()
            .map(|p| {
                let stamp = mtime(&p);
                (p, stamp)
            })
            .collect(),
        graph,
    };
    // The cache is an optimisation: failing to write it is not an error.
    if let Some(dir) = cache.parent()
        && std::fs::create_dir_all(dir).is_ok()
        && let Ok(bytes) = serde_json::to_vec(&cached)
    {
        let _ = crate::apply::write_atomically(&cache, &bytes);
    }
    Ok(cached.graph)
}

fn run_metadata(manifest: &Path, filter_platform: Option<&str>) -> Result<Metadata, CargoError> {
    run_metadata_in(
        manifest,
        filter_platform,
        manifest.parent().unwrap_or(Path::new(".")),
    )
}

/// `cargo metadata` for a manifest, run in `cwd` (whose cargo config applies).
pub(crate) fn run_metadata_in(
    manifest: &Path,
    filter_platform: Option<&str>,
    cwd: &Path,
) -> Result<Metadata, CargoError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest);
    if let Some(target) = filter_platform {
        command.args(["--filter-platform", target]);
    }
    command.current_dir(cwd);
    let output = command.output().map_err(CargoError::Spawn)?;
    if !output.status.success() {
        return Err(CargoError::Metadata {
            manifest: manifest.display().to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    serde_json::from_slice(&output.stdout).map_err(CargoError::Parse)
}

/// Converts cargo's metadata into the graph preflight reads.
pub fn graph_from_metadata(metadata: &Metadata) -> ProjectGraph {
    let index: BTreeMap<&cargo_metadata::PackageId, usize> = metadata
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| (&p.id, i))
        .collect();
    let mut packages: Vec<GraphPackage> = metadata.packages.iter().map(graph_package).collect();
    let mut edges = vec![Vec::new(); packages.len()];
    if let Some(resolve) = &metadata.resolve {
        for node in &resolve.nodes {
            let Some(&from) = index.get(&node.id) else {
                continue;
            };
            packages[from].enabled_features = node.features.iter().map(|f| f.to_string()).collect();
            for dep in &node.deps {
                let Some(&to) = index.get(&dep.pkg) else {
                    continue;
                };
                let mut edge = GraphEdge {
                    to,
                    ..GraphEdge::default()
                };
                for kind in &dep.dep_kinds {
                    match kind.kind {
                        DependencyKind::Normal => edge.normal = true,
                        DependencyKind::Build => edge.build = true,
                        DependencyKind::Development => edge.dev = true,
                        _ => {}
                    }
                }
                edges[from].push(edge);
            }
        }
    }
    ProjectGraph {
        workspace_root: metadata.workspace_root.to_string(),
        members: metadata
            .workspace_members
            .iter()
            .filter_map(|id| index.get(id).copied())
            .collect(),
        packages,
        edges,
    }
}

fn graph_package(package: &Package) -> GraphPackage {
    GraphPackage {
        name: package.name.to_string(),
        version: package.version.to_string(),
        links: package.links.clone(),
        manifest_path: package.manifest_path.to_string(),
        proc_macro: package
            .targets
            .iter()
            .any(|t| t.kind.contains(&TargetKind::ProcMacro)),
        enabled_features: Vec::new(),
        link_names: Vec::new(),
        declared_features: package
            .features
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// Whose sources are read for the libraries they link: path crates (the
/// project's own `#[link]` blocks) and `-sys` crates without a `links` key.
fn scans_sources(package: &Package) -> bool {
    package.source.is_none() || (package.links.is_none() && package.name.ends_with("-sys"))
}

/// At most this many files and bytes are read per crate.
const SCAN_FILES: usize = 64;
const SCAN_BYTES: u64 = 1 << 20;

/// The library names a crate's build script and sources ask the linker for
/// (`#[link(name = …)]`, `cargo:rustc-link-lib=…`), and the files read.
fn link_names(package: &Package) -> (Vec<String>, Vec<PathBuf>) {
    let mut files: Vec<PathBuf> = Vec::new();
    for target in &package.targets {
        let path: PathBuf = target.src_path.clone().into();
        let is_build = target.kind.contains(&TargetKind::CustomBuild);
        let is_code = is_build
            || target.kind.iter().any(|kind| {
                matches!(
                    kind,
                    TargetKind::Lib | TargetKind::RLib | TargetKind::DyLib | TargetKind::Bin
                )
            });
        if !is_code {
            continue;
        }
        files.push(path.clone());
        if !is_build && let Some(dir) = path.parent() {
            sources_beside(dir, &mut files);
        }
    }
    files.sort();
    files.dedup();
    files.truncate(SCAN_FILES);
    let mut budget = SCAN_BYTES;
    let mut names = Vec::new();
    let mut read = Vec::new();
    for file in files {
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        if meta.len() > budget {
            break;
        }
        budget -= meta.len();
        if let Ok(text) = std::fs::read_to_string(&file) {
            names.extend(crossport_analysis::native_libs::link_names_in_source(&text));
            read.push(file);
        }
    }
    names.sort();
    names.dedup();
    (names, read)
}

/// `.rs` files under a target's source directory, breadth first.
fn sources_beside(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut queue = std::collections::VecDeque::from([dir.to_owned()]);
    while let Some(dir) = queue.pop_front() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
        entries.sort();
        for path in entries {
            if files.len() >= SCAN_FILES {
                return;
            }
            if path.is_dir() {
                queue.push_back(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
}

/// A binary target of a workspace member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinTarget {
    pub name: String,
    pub package: String,
    pub manifest_path: PathBuf,
}

/// Where a workspace builds to and which binaries it builds.
#[derive(Debug, Clone)]
pub struct WorkspaceBins {
    pub target_directory: PathBuf,
    pub bins: Vec<BinTarget>,
}

/// The workspace members' binary targets and the target directory, from
/// `cargo metadata --no-deps` (no resolution, so it is quick).
pub fn workspace_bins(manifest: &Path) -> Result<WorkspaceBins, CargoError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(manifest);
    if let Some(dir) = manifest.parent() {
        command.current_dir(dir);
    }
    let output = command.output().map_err(CargoError::Spawn)?;
    if !output.status.success() {
        return Err(CargoError::Metadata {
            manifest: manifest.display().to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    let metadata: Metadata = serde_json::from_slice(&output.stdout).map_err(CargoError::Parse)?;
    let bins = metadata
        .packages
        .iter()
        .filter(|p| metadata.workspace_members.contains(&p.id))
        .flat_map(|p| {
            p.targets
                .iter()
                .filter(|t| t.kind.contains(&TargetKind::Bin))
                .map(|t| BinTarget {
                    name: t.name.clone(),
                    package: p.name.to_string(),
                    manifest_path: p.manifest_path.clone().into(),
                })
        })
        .collect();
    Ok(WorkspaceBins {
        target_directory: metadata.target_directory.into(),
        bins,
    })
}

/// The built file of binary `name` for `target` (the host's directories
/// when `None`): the newer of the debug and release builds that exist.
pub fn built_binary(target_directory: &Path, target: Option<&str>, name: &str) -> Option<PathBuf> {
    let base = match target {
        Some(target) => target_directory.join(target),
        None => target_directory.to_owned(),
    };
    ["debug", "release"]
        .iter()
        .map(|profile| base.join(profile).join(name))
        .filter(|path| path.is_file())
        .max_by_key(|path| mtime(path))
}

/// What a running build reports.
#[derive(Debug, Clone)]
pub enum BuildEvent {
    /// A crate finished compiling (`fresh`: nothing to do).
    Compiled { package: String, fresh: bool },
    /// A line cargo printed on stderr (progress, warnings, build-script output).
    Stderr(String),
    /// A compiler diagnostic as rustc renders it (from the JSON on stdout).
    Diagnostic(String),
}

/// How a build ended.
#[derive(Debug)]
pub struct BuildOutcome {
    pub success: bool,
    /// Everything cargo printed, stdout's JSON and stderr's text, in the
    /// order it was read: the input of the explain engine.
    pub log: Vec<u8>,
    /// The executables cargo reported building, in the order it did.
    pub executables: Vec<PathBuf>,
}

/// Runs `cargo build --target <target> --message-format=json <args>` in
/// `dir`, reporting progress as it goes.
pub fn build(
    dir: &Path,
    target: &str,
    args: &[String],
    env: &EnvOverlay,
    mut on_event: impl FnMut(BuildEvent),
) -> Result<BuildOutcome, CargoError> {
    let cargo = env.var("CARGO").unwrap_or_else(|| "cargo".to_owned());
    let mut command = Command::new(cargo);
    env.apply(&mut command);
    let mut child = command
        .args(["build", "--target", target, "--message-format=json"])
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(CargoError::Spawn)?;
    let (sender, receiver) = std::sync::mpsc::channel::<(bool, String)>();
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .enumerate()
    .filter_map(|(i, stream)| {
        let stream = stream?;
        let sender = sender.clone();
        Some(std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if sender.send((i == 0, line)).is_err() {
                    break;
                }
            }
        }))
    })
    .collect();
    drop(sender);
    let mut log = Vec::new();
    let mut executables = Vec::new();
    for (is_stdout, line) in receiver {
        log.extend_from_slice(line.as_bytes());
        log.push(b'\n');
        if is_stdout {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if let Some(executable) = value.get("executable").and_then(|e| e.as_str()) {
                executables.push(PathBuf::from(executable));
            }
            if let Some(event) = stdout_event(&value) {
                on_event(event);
            }
        } else {
            on_event(BuildEvent::Stderr(line));
        }
    }
    for reader in readers {
        let _ = reader.join();
    }
    let status = child.wait().map_err(CargoError::Spawn)?;
    Ok(BuildOutcome {
        success: status.success(),
        log,
        executables,
    })
}

fn stdout_event(value: &serde_json::Value) -> Option<BuildEvent> {
    match value.get("reason")?.as_str()? {
        "compiler-artifact" => {}
        "compiler-message" => {
            let rendered = value.get("message")?.get("rendered")?.as_str()?;
            return Some(BuildEvent::Diagnostic(rendered.trim_end().to_owned()));
        }
        _ => return None,
    }
    let id = value.get("package_id")?.as_str()?;
    Some(BuildEvent::Compiled {
        package: package_name_from_id(id),
        fresh: value
            .get("fresh")
            .and_then(|f| f.as_bool())
            .unwrap_or(false),
    })
}

/// `registry+https://…#openssl-sys@0.9.103` → `openssl-sys`; also the old
/// `openssl-sys 0.9.103 (registry+…)` form.
fn package_name_from_id(id: &str) -> String {
    if let Some((_, fragment)) = id.rsplit_once('#') {
        let name = fragment.split('@').next().unwrap_or(fragment);
        // `path+file:///w/app#0.1.0` names the package by its directory.
        if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            let before = id.rsplit_once('#').map_or(id, |(b, _)| b);
            return before.rsplit('/').next().unwrap_or(before).to_owned();
        }
        return name.to_owned();
    }
    id.split_whitespace().next().unwrap_or(id).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_from_ids() {
        assert_eq!(
            package_name_from_id(
                "registry+https://github.com/rust-lang/crates.io-index#openssl-sys@0.9.103"
            ),
            "openssl-sys"
        );
        assert_eq!(package_name_from_id("path+file:///w/app#0.1.0"), "app");
        assert_eq!(package_name_from_id("libc 0.2.1 (registry+x)"), "libc");
    }

    #[test]
    fn this_workspace_builds_the_crossport_binary() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
        let workspace = workspace_bins(&manifest).expect("cargo metadata runs");
        let crossport: Vec<_> = workspace
            .bins
            .iter()
            .filter(|bin| bin.name == "crossport")
            .collect();
        assert_eq!(crossport.len(), 1, "{workspace:?}");
        assert_eq!(crossport[0].package, "crossport");
        assert!(
            crossport[0]
                .manifest_path
                .ends_with("server/cli/Cargo.toml")
        );
        assert!(
            workspace.target_directory.ends_with("target"),
            "{workspace:?}"
        );
    }

    #[test]
    fn the_newer_of_the_debug_and_release_builds_is_taken() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = "aarch64-unknown-linux-gnu";
        assert_eq!(built_binary(dir.path(), Some(target), "app"), None);
        let debug = dir.path().join(target).join("debug");
        let release = dir.path().join(target).join("release");
        for profile in [&debug, &release] {
            std::fs::create_dir_all(profile).expect("mkdir");
            std::fs::write(profile.join("app"), b"\x7fELF").expect("write");
        }
        let set_age = |path: &Path, secs: u64| {
            let file = std::fs::File::options()
                .write(true)
                .open(path)
                .expect("open");
            file.set_modified(UNIX_EPOCH + std::time::Duration::from_secs(secs))
                .expect("set mtime");
        };
        set_age(&debug.join("app"), 2_000_000_000);
        set_age(&release.join("app"), 1_000_000_000);
        assert_eq!(
            built_binary(dir.path(), Some(target), "app"),
            Some(debug.join("app"))
        );
        set_age(&release.join("app"), 2_000_000_001);
        assert_eq!(
            built_binary(dir.path(), Some(target), "app"),
            Some(release.join("app"))
        );
        // The host's builds sit directly under the target directory.
        assert_eq!(built_binary(dir.path(), None, "app"), None);
    }

    #[test]
    fn the_graph_of_this_workspace_is_cached() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
        let graph = project_graph(&manifest, None).expect("cargo metadata runs");
        assert!(
            graph
                .packages
                .iter()
                .any(|p| p.links.as_deref() == Some("lzma"))
        );
        let cache = cache_path(&manifest, None);
        assert!(
            read_cache(&cache).is_some(),
            "cache written to {}",
            cache.display()
        );
    }
}
