//! Reads a binary and its sysroot manifest for inspect.
//!
//! The ELF parsing and the verdicts are pure (`crossport_formats::elf`,
//! `crossport_analysis::inspect`); this module is the IO around them: it reads
//! the file, looks each NEEDED soname up in a sysroot's library directories
//! and maps it to the Debian package that shipped it through the manifest the
//! sysroot fetch writes (`<sysroot>/.crossport/manifest.json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossport_analysis::inspect::{
    Binary, DottedVersion, InspectReport, NeededLibrary, Verdict, inspect_report, requirements,
    verdict_for_glibc, verdict_for_release,
};
use crossport_formats::arch::{debian_arch_for_triple, triples_with_debian_sysroot};
use crossport_formats::elf::{ElfError, ElfFacts, parse_elf_from};
use serde::Deserialize;

/// Why a binary or sysroot could not be inspected.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a binary crossport can inspect")]
    Elf {
        path: PathBuf,
        #[source]
        source: ElfError,
    },
    #[error("{path} is not a valid sysroot manifest")]
    Manifest {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("sysroot {path} is not a directory")]
    NoSysroot { path: PathBuf },
    #[error("{}", crossport_formats::distro::unknown_release_message(name))]
    UnknownRelease { name: String },
    #[error("`{text}` is not a glibc version like 2.31")]
    BadGlibc { text: String },
}

/// The manifest a sysroot fetch writes beside the sysroot's files.
#[derive(Debug, Clone, Deserialize)]
pub struct SysrootManifest {
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub release: Option<String>,
    #[serde(default)]
    pub arch: Option<String>,
    #[serde(default)]
    pub packages: Vec<ManifestPackage>,
    /// Relative path inside the sysroot → the package that shipped it.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// One package the sysroot was assembled from.
#[derive(Debug, Clone, Deserialize)]
pub struct ManifestPackage {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
}

/// What to judge the binary against besides every known release.
#[derive(Debug, Clone, Default)]
pub struct InspectOptions {
    /// A Debian release codename or number.
    pub release: Option<String>,
    /// A glibc version, `2.31`.
    pub glibc: Option<String>,
    /// A sysroot directory (fetched by `crossport sysroot fetch`).
    pub sysroot: Option<PathBuf>,
}

/// Reads and parses an ELF file. Only the headers and tables inspect needs
/// are read from disk (through `object`'s read cache), so a 250 MB debug
/// binary costs as little as a small one.
pub fn read_elf(path: &Path) -> Result<ElfFacts, InspectError> {
    let read_error = |source| InspectError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    if file.metadata().map_err(read_error)?.is_dir() {
        return Err(read_error(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a directory",
        )));
    }
    let cache = object::read::ReadCache::new(file);
    parse_elf_from(&cache).map_err(|source| InspectError::Elf {
        path: path.to_owned(),
        source,
    })
}

/// Reads `<sysroot>/.crossport/manifest.json`; `None` when there is none.
pub fn read_manifest(sysroot: &Path) -> Result<Option<SysrootManifest>, InspectError> {
    let path = sysroot.join(".crossport").join("manifest.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(InspectError::Read { path, source }),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| InspectError::Manifest { path, source })
}

/// The library directories a loader would search in a Debian sysroot for
/// binaries of this ELF machine, relative to the sysroot.
pub fn sysroot_lib_dirs(machine: &str) -> Vec<String> {
    let mut dirs = Vec::new();
    for arch in triples_with_debian_sysroot().filter_map(debian_arch_for_triple) {
        if arch.elf_machine == machine {
            for dir in [
                format!("lib/{}", arch.multiarch),
                format!("usr/lib/{}", arch.multiarch),
            ] {
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
    }
    dirs.extend(["lib".to_owned(), "usr/lib".to_owned()]);
    dirs
}

/// Resolves each NEEDED soname in the sysroot and names its package.
pub fn resolve_needed(
    sysroot: &Path,
    manifest: Option<&SysrootManifest>,
    facts: &ElfFacts,
) -> Vec<NeededLibrary> {
    let dirs = sysroot_lib_dirs(&facts.machine);
    facts
        .needed
        .iter()
        .map(|soname| {
            let relative = dirs
                .iter()
                .map(|dir| format!("{dir}/{soname}"))
                .find(|candidate| sysroot.join(candidate).exists());
            let package = relative
                .as_deref()
                .zip(manifest)
                .and_then(|(relative, manifest)| owning_package(sysroot, manifest, relative));
            NeededLibrary {
                soname: soname.clone(),
                package_source: package.as_ref().map(|_| "sysroot-manifest".to_owned()),
                path: relative,
                package,
            }
        })
        .collect()
}

/// The package that shipped a file: by its own path, by the other half of
/// the merged `/usr` split, or by the file its symlink points to.
fn owning_package(sysroot: &Path, manifest: &SysrootManifest, relative: &str) -> Option<String> {
    let lookup = |path: &str| -> Option<String> {
        let alternatives = [
            path.to_owned(),
            format!("./{path}"),
            format!("/{path}"),
            path.strip_prefix("usr/")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("usr/{path}")),
        ];
        alternatives
            .iter()
            .find_map(|candidate| manifest.files.get(candidate).cloned())
    };
    if let Some(package) = lookup(relative) {
        return Some(package);
    }
    let real = std::fs::canonicalize(sysroot.join(relative)).ok()?;
    let root = std::fs::canonicalize(sysroot).ok()?;
    let inside = real.strip_prefix(&root).ok()?.to_str()?.to_owned();
    lookup(&inside)
}

/// Inspects a binary: its facts, its libraries in the sysroot, and verdicts.
pub fn inspect(path: &Path, options: &InspectOptions) -> Result<InspectReport, InspectError> {
    let facts = read_elf(path)?;
    let (libraries, manifest) = match &options.sysroot {
        Some(sysroot) => {
            if !sysroot.is_dir() {
                return Err(InspectError::NoSysroot {
                    path: sysroot.clone(),
                });
            }
            let manifest = read_manifest(sysroot)?;
            (resolve_needed(sysroot, manifest.as_ref(), &facts), manifest)
        }
        None => (unresolved(&facts), None),
    };
    let target = target_verdict(&facts, options, manifest.as_ref())?;
    Ok(inspect_report(
        &path.display().to_string(),
        &facts,
        libraries,
        target,
    ))
}

fn unresolved(facts: &ElfFacts) -> Vec<NeededLibrary> {
    facts
        .needed
        .iter()
        .map(|soname| NeededLibrary {
            soname: soname.clone(),
            path: None,
            package: None,
            package_source: None,
        })
        .collect()
}

fn target_verdict(
    facts: &ElfFacts,
    options: &InspectOptions,
    manifest: Option<&SysrootManifest>,
) -> Result<Option<Verdict>, InspectError> {
    let requirements = requirements(facts);
    let binary = Binary {
        facts,
        requirements: &requirements,
    };
    if let Some(glibc) = &options.glibc {
        let version = DottedVersion::parse(glibc)
            .filter(|version| version.0.len() == 2)
            .ok_or_else(|| InspectError::BadGlibc {
                text: glibc.clone(),
            })?;
        return Ok(Some(verdict_for_glibc(&binary, &version)));
    }
    let release_name = options
        .release
        .clone()
        .or_else(|| manifest.and_then(|manifest| manifest.release.clone()));
    let Some(name) = release_name else {
        return Ok(None);
    };
    let release = crossport_formats::distro::known_release(&name)
        .ok_or(InspectError::UnknownRelease { name })?;
    Ok(Some(verdict_for_release(&binary, release)))
}
