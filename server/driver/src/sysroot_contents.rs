//! What the sysroot a target's config wires in really holds.
//!
//! `crossport fix` wires a sysroot through `PKG_CONFIG_SYSROOT_DIR_<target>`
//! in `[env]`; preflight then only trusts the wiring if the sysroot has the
//! `.pc` files and `lib….so` links the graph's native crates need. This
//! reads their names (not their contents) from the library directories.
//!
//! After a failed link, [`name_missing_libraries`] answers "which package
//! ships `-lfoo`?" for the libraries the native table does not know, from
//! the release's signed `Contents-<arch>` index, and names a library the
//! wired sysroot holds under another case (`-lflac`, `libFLAC.so`).

use std::path::{Path, PathBuf};

use crossport_analysis::finding::{Finding, Kind};
use crossport_analysis::preflight::{Origin, SysrootContents, TargetConfig};
use crossport_analysis::rules::{LibraryLookup, name_package};

use crate::sysroot::SysrootError;
use crate::sysroot::contents::{ContentsRequest, find_library_packages};

/// Directories read, relative to the sysroot; `pkgconfig/` and the
/// multiarch directories below them are walked too.
const LIBRARY_DIRS: &[&str] = &["usr/lib", "lib", "usr/share/pkgconfig", "usr/local/lib"];
/// A bound on the walk, far above a real sysroot (a bookworm sysroot with
/// GTK has about 4,000 files in these directories).
const MAX_ENTRIES: usize = 200_000;
/// How deep below a library directory the walk goes (`<tuple>/pkgconfig`).
const MAX_DEPTH: usize = 3;

/// The sysroot directory the config names for a target, resolved the way
/// cargo resolves `[env]` paths (relative to the directory above `.cargo/`).
pub fn configured_sysroot(config: &TargetConfig, target: &str) -> Option<PathBuf> {
    let underscored = target.replace('-', "_");
    let setting = [
        format!("PKG_CONFIG_SYSROOT_DIR_{target}"),
        format!("PKG_CONFIG_SYSROOT_DIR_{underscored}"),
    ]
    .iter()
    .find_map(|name| config.env.get(name))?;
    let value = PathBuf::from(setting.as_str()?);
    if value.is_absolute() {
        return Some(value);
    }
    match &setting.origin {
        Origin::File { path, .. } => {
            let base = Path::new(path).parent()?.parent()?;
            Some(base.join(value))
        }
        Origin::Env { .. } => std::env::current_dir().ok().map(|dir| dir.join(value)),
    }
}

/// The `.pc` modules and libraries under a sysroot (empty when it does not
/// exist: a wired sysroot that is not there holds nothing).
pub fn read_contents(root: &Path, shown_as: &str) -> SysrootContents {
    let mut contents = SysrootContents {
        root: shown_as.to_owned(),
        ..SysrootContents::default()
    };
    let mut seen = 0;
    for dir in LIBRARY_DIRS {
        walk(root, Path::new(dir), 0, &mut seen, &mut contents);
    }
    contents
}

fn walk(root: &Path, relative: &Path, depth: usize, seen: &mut usize, out: &mut SysrootContents) {
    // symlink_metadata: a sysroot's `lib` may be a symlink to `usr/lib`
    // (merged /usr); its files are read once, through `usr/lib`.
    let Ok(entries) = std::fs::read_dir(root.join(relative)) else {
        return;
    };
    for entry in entries.flatten() {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return;
        }
        let name = entry.file_name();
        let path = relative.join(&name);
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth < MAX_DEPTH {
                walk(root, &path, depth + 1, seen, out);
            }
        } else if let Some(text) = path.to_str() {
            out.add_file(text);
        }
    }
}

/// The contents of the sysroot a target's config wires in, if any.
pub fn for_target(config: &TargetConfig, target: &str) -> Option<SysrootContents> {
    let root = configured_sysroot(config, target)?;
    Some(read_contents(&root, &root.display().to_string()))
}

/// What [`name_missing_libraries`] may read: the release's index and the
/// sysroot the project wires in for the target.
#[derive(Debug, Clone, Default)]
pub struct LookupRequest {
    pub contents: ContentsRequest,
    /// What the wired sysroot holds, and where it is.
    pub sysroot: Option<SysrootContents>,
    pub sysroot_dir: Option<PathBuf>,
}

impl LookupRequest {
    /// For a build of `target` in `project`: the release asked for, else
    /// the one the project's lock pins for the target, else bookworm; the
    /// sysroot the target's config wires in.
    pub fn for_project(
        project: &crate::project::Project,
        target: &str,
        release: Option<&str>,
        keyring: Option<PathBuf>,
    ) -> LookupRequest {
        let config = project.target_config(target);
        let lock = project.dir.join(crate::sysroot::LOCK_FILE_NAME);
        let release = release.map(str::to_owned).unwrap_or_else(|| {
            crate::sysroot::locked_sysroot(target, None, None, Some(&lock))
                .map(|(locked, _, _)| locked.release)
                .unwrap_or_else(|_| crossport_formats::distro::DEFAULT_RELEASE.to_owned())
        });
        LookupRequest {
            contents: ContentsRequest {
                target: target.to_owned(),
                release,
                keyring,
                ..ContentsRequest::default()
            },
            sysroot_dir: configured_sysroot(&config, target),
            sysroot: config.sysroot,
        }
    }

    /// Whether any finding is about a library this lookup could name.
    pub fn wanted(findings: &[Finding]) -> bool {
        findings.iter().any(|f| missing_library(f).is_some())
    }
}

/// The `-l` name a link finding is about, when it is a library (not a
/// `crt*.o` object).
fn missing_library(finding: &Finding) -> Option<&str> {
    if finding.kind != Kind::MissingLibraryAtLink {
        return None;
    }
    let library = finding.facts.get("library")?.as_str()?;
    (!library.ends_with(".o")).then_some(library)
}

/// Names the package of every missing library in `findings` that the
/// native table left without one, and a case mismatch the wired sysroot
/// shows. The sysroot is read first (no network); the index is fetched only
/// for libraries still unnamed, and an error fetching it is returned after
/// everything else was filled in.
pub fn name_missing_libraries(
    findings: &mut [Finding],
    request: &LookupRequest,
) -> Result<(), SysrootError> {
    if let Some(contents) = &request.sysroot {
        for finding in findings.iter_mut() {
            let Some(library) = missing_library(finding).map(str::to_owned) else {
                continue;
            };
            if let Some(real) = other_case_in(contents, &library)
                && !finding.facts.contains_key("library_spelled")
            {
                finding.message.push_str(&format!(
                    "; the sysroot {} has lib{real}.so, and file names are case-sensitive: the crate must ask for -l{real}",
                    contents.root
                ));
                finding
                    .facts
                    .insert("library_spelled".to_owned(), real.into());
            }
        }
    }
    let unnamed: Vec<String> = findings
        .iter()
        .filter(|finding| !finding.facts.contains_key("debian_package"))
        .filter_map(|finding| missing_library(finding).map(str::to_owned))
        .collect();
    if unnamed.is_empty() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| SysrootError::Io {
            path: PathBuf::from("."),
            source,
        })?;
    let found = runtime.block_on(find_library_packages(&request.contents, &unnamed))?;
    for answer in &found.answers {
        let lookup = LibraryLookup {
            package: answer.package().map(str::to_owned),
            spelled: answer.other_spelling().map(str::to_owned),
            source: found.index.clone(),
            ..lookup_for(&answer.library, answer.package(), request)
        };
        for finding in findings.iter_mut() {
            name_package(finding, &lookup);
        }
    }
    Ok(())
}

/// A lookup for `library` with the command that adds `package` to the
/// wired sysroot (none without one: `crossport fix` creates it first).
fn lookup_for(library: &str, package: Option<&str>, request: &LookupRequest) -> LibraryLookup {
    let command = match (package, &request.sysroot_dir) {
        (Some(package), Some(dir)) => Some(format!(
            "crossport sysroot add --target {} --release {} --dir {} {package}",
            request.contents.target,
            request.contents.release,
            dir.display()
        )),
        _ => None,
    };
    LibraryLookup {
        library: library.to_owned(),
        command,
        ..LibraryLookup::default()
    }
}

/// The sysroot's spelling of `library` when it differs only in case.
fn other_case_in(contents: &SysrootContents, library: &str) -> Option<String> {
    if contents.libraries.contains(library) {
        return None;
    }
    contents
        .libraries
        .iter()
        .find(|name| name.eq_ignore_ascii_case(library))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossport_analysis::preflight::ConfigSetting;

    fn config_with(value: &str, config_file: &str) -> TargetConfig {
        let mut config = TargetConfig::default();
        config.env.insert(
            "PKG_CONFIG_SYSROOT_DIR_aarch64-unknown-linux-gnu".into(),
            ConfigSetting {
                value: serde_json::json!({ "value": value, "relative": true }),
                origin: Origin::File {
                    path: config_file.into(),
                    span: None,
                },
            },
        );
        config
    }

    #[test]
    fn a_relative_sysroot_resolves_beside_the_cargo_dir() {
        let config = config_with("target/crossport/sysroots/x", "/w/app/.cargo/config.toml");
        assert_eq!(
            configured_sysroot(&config, "aarch64-unknown-linux-gnu"),
            Some(PathBuf::from("/w/app/target/crossport/sysroots/x"))
        );
        assert_eq!(
            configured_sysroot(&config, "armv7-unknown-linux-gnueabihf"),
            None
        );
    }

    #[test]
    fn reads_pc_files_and_libraries_of_a_real_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "usr/lib/aarch64-linux-gnu/pkgconfig/libudev.pc",
            "usr/lib/aarch64-linux-gnu/libudev.so",
            "usr/lib/aarch64-linux-gnu/libFLAC.so.12.0.0",
            "usr/share/pkgconfig/dbus-1.pc",
            "usr/include/alsa/asoundlib.h",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let config = config_with(root.to_str().unwrap(), "/elsewhere/.cargo/config.toml");
        let contents = for_target(&config, "aarch64-unknown-linux-gnu").unwrap();
        assert_eq!(
            contents.pkg_config.iter().collect::<Vec<_>>(),
            ["dbus-1", "libudev"]
        );
        assert_eq!(
            contents.libraries.iter().collect::<Vec<_>>(),
            ["FLAC", "udev"]
        );
        let missing = read_contents(&root.join("nothing"), "nothing");
        assert!(missing.pkg_config.is_empty() && missing.libraries.is_empty());
    }
}
