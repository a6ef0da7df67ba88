//! What the sysroot a target's config wires in really holds.
//!
//! `crossport fix` wires a sysroot through `PKG_CONFIG_SYSROOT_DIR_<target>`
//! in `[env]`; preflight then only trusts the wiring if the sysroot has the
//! `.pc` files and `lib….so` links the graph's native crates need. This
//! reads their names (not their contents) from the library directories.

use std::path::{Path, PathBuf};

use crossport_analysis::preflight::{Origin, SysrootContents, TargetConfig};

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
