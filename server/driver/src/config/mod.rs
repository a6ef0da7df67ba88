//! Cargo config discovery with cargo's precedence and the origin of every value.
//!
//! Cargo reads `.cargo/config.toml` (or the legacy `.cargo/config`, which
//! wins when both exist) in the current directory and every ancestor, then
//! `$CARGO_HOME/config.toml`; a deeper file overrides a shallower one, and
//! `CARGO_TARGET_<TRIPLE>_LINKER`-style environment variables override
//! every file. Each value here keeps its origin (file + span, or env var),
//! so a finding points at the line that set it and a fix edits that file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crossport_analysis::preflight::{ConfigSetting, Origin, TargetConfig};
use crossport_formats::cargo_config::{CargoConfig, ConfigError};

use crate::host::find_program;
use crate::overlay::Overlay;

/// Why the config could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigLoadError {
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {source}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        source: ConfigError,
    },
}

/// Whether a file belongs to a project or to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileScope {
    Project,
    User,
}

/// One config file cargo would read.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub scope: FileScope,
    pub config: CargoConfig,
}

impl ConfigFile {
    /// The directory that holds `.cargo/` (relative paths resolve there).
    pub fn base_dir(&self) -> &Path {
        self.path
            .parent()
            .and_then(Path::parent)
            .unwrap_or_else(|| Path::new("/"))
    }
}

/// Every config file cargo would read from a directory, highest
/// precedence first, plus the process environment.
#[derive(Debug)]
pub struct CargoConfigs {
    pub files: Vec<ConfigFile>,
    pub env: BTreeMap<String, String>,
    pub cargo_home: PathBuf,
}

/// `$CARGO_HOME`, or `~/.cargo`.
pub fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home);
    }
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".cargo")
}

/// The config file in a `.cargo`-holding directory: the legacy `config`
/// when it exists (cargo prefers it), else `config.toml`.
pub fn config_file_in(dir: &Path) -> PathBuf {
    let legacy = dir.join("config");
    if legacy.is_file() {
        legacy
    } else {
        dir.join("config.toml")
    }
}

/// Reads every config file for `cwd`, the way cargo would.
pub fn discover(cwd: &Path) -> Result<CargoConfigs, ConfigLoadError> {
    discover_with(cwd, &Overlay::new())
}

/// [`discover`], reading open editor buffers instead of their files.
pub fn discover_with(cwd: &Path, overlay: &Overlay) -> Result<CargoConfigs, ConfigLoadError> {
    let cargo_home = cargo_home();
    let mut files = Vec::new();
    let mut seen_home = false;
    for dir in cwd.ancestors() {
        let dot_cargo = dir.join(".cargo");
        let path = config_file_in(&dot_cargo);
        if !overlay.is_file(&path) {
            continue;
        }
        let scope = if same_dir(&dot_cargo, &cargo_home) {
            seen_home = true;
            FileScope::User
        } else {
            FileScope::Project
        };
        files.push(load(&path, scope, overlay)?);
    }
    let home_file = config_file_in(&cargo_home);
    if !seen_home && overlay.is_file(&home_file) {
        files.push(load(&home_file, FileScope::User, overlay)?);
    }
    let env = std::env::vars()
        .filter(|(name, _)| is_relevant_env(name))
        .collect();
    Ok(CargoConfigs {
        files,
        env,
        cargo_home,
    })
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn load(path: &Path, scope: FileScope, overlay: &Overlay) -> Result<ConfigFile, ConfigLoadError> {
    let text = overlay.read(path).map_err(|source| ConfigLoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    let config = CargoConfig::parse(&text).map_err(|source| {
        let offset = match &source {
            ConfigError::Parse {
                span: Some(span), ..
            } => span.start,
            _ => 0,
        };
        let before = text.get(..offset).unwrap_or_default();
        ConfigLoadError::Parse {
            path: path.to_owned(),
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
            source,
        }
    })?;
    Ok(ConfigFile {
        path: path.to_owned(),
        scope,
        config,
    })
}

fn is_relevant_env(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "CARGO_TARGET_",
        "CARGO_BUILD_",
        "CC_",
        "CXX_",
        "AR_",
        "CFLAGS_",
        "PKG_CONFIG",
        "OPENSSL_",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
        || name.ends_with("_OPENSSL_DIR")
        || name.ends_with("_OPENSSL_LIB_DIR")
}

/// `aarch64-unknown-linux-gnu` → `AARCH64_UNKNOWN_LINUX_GNU`.
pub fn env_triple(target: &str) -> String {
    target.to_uppercase().replace(['-', '.'], "_")
}

impl CargoConfigs {
    /// The effective value of a key and where it came from: the first file
    /// (highest precedence) that sets it.
    pub fn file_setting(&self, key: &[&str]) -> Option<(ConfigSetting, &ConfigFile)> {
        self.files.iter().find_map(|file| {
            let entry = file.config.get(key)?;
            let setting = ConfigSetting {
                value: entry.value,
                origin: Origin::File {
                    path: file.path.display().to_string(),
                    span: entry.span.map(|s| (s.start, s.end)),
                },
            };
            Some((setting, file))
        })
    }

    fn env_setting(&self, var: &str) -> Option<ConfigSetting> {
        self.env.get(var).map(|value| ConfigSetting {
            value: value.clone().into(),
            origin: Origin::Env {
                var: var.to_owned(),
            },
        })
    }

    /// The effective `[target.<triple>]` settings and the `[env]` entries
    /// and environment variables build scripts will see.
    pub fn target_config(&self, target: &str) -> TargetConfig {
        let upper = env_triple(target);
        let key = |name: &'static str| ["target", target, name];
        let mut config = TargetConfig::default();
        let linker_env = self.env_setting(&format!("CARGO_TARGET_{upper}_LINKER"));
        let linker_file = self.file_setting(&key("linker"));
        config.linker_found = match (&linker_env, &linker_file) {
            (Some(setting), _) => Some(program_exists(setting, None)),
            (None, Some((setting, file))) => Some(program_exists(setting, Some(file.base_dir()))),
            (None, None) => None,
        };
        config.linker = linker_env.or(linker_file.map(|(s, _)| s));
        config.runner = self
            .env_setting(&format!("CARGO_TARGET_{upper}_RUNNER"))
            .or_else(|| self.file_setting(&key("runner")).map(|(s, _)| s));
        config.rustflags = self
            .env_setting(&format!("CARGO_TARGET_{upper}_RUSTFLAGS"))
            .or_else(|| self.file_setting(&key("rustflags")).map(|(s, _)| s));
        for file in self.files.iter().rev() {
            for entry in file.config.entries() {
                if entry.key.first().map(String::as_str) != Some("env") || entry.key.len() < 2 {
                    continue;
                }
                if entry.key.len() == 3 && entry.key[2] != "value" {
                    continue;
                }
                config.env.insert(
                    entry.key[1].clone(),
                    ConfigSetting {
                        value: entry.value,
                        origin: Origin::File {
                            path: file.path.display().to_string(),
                            span: entry.span.map(|s| (s.start, s.end)),
                        },
                    },
                );
            }
        }
        for (name, value) in &self.env {
            config.env.insert(
                name.clone(),
                ConfigSetting {
                    value: value.clone().into(),
                    origin: Origin::Env { var: name.clone() },
                },
            );
        }
        config
    }

    /// `build.target` from `CARGO_BUILD_TARGET` or the files.
    pub fn build_targets(&self) -> Vec<String> {
        let setting = self
            .env_setting("CARGO_BUILD_TARGET")
            .or_else(|| self.file_setting(&["build", "target"]).map(|(s, _)| s));
        match setting.map(|s| s.value) {
            Some(serde_json::Value::String(target)) => vec![target],
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The project file that sets `[target.<triple>] <key>`, if any: a fix
    /// edits that file rather than shadowing it.
    pub fn project_file_setting(&self, target: &str, key: &str) -> Option<&ConfigFile> {
        self.file_setting(&["target", target, key])
            .map(|(_, file)| file)
            .filter(|file| file.scope == FileScope::Project)
    }
}

/// Whether a linker/runner program exists: relative paths with a `/`
/// resolve against the directory holding `.cargo/`, bare names on PATH.
fn program_exists(setting: &ConfigSetting, base: Option<&Path>) -> bool {
    let Some(program) = setting.program() else {
        return false;
    };
    let path = Path::new(program);
    if program.contains('/')
        && path.is_relative()
        && let Some(base) = base
    {
        return find_program(&base.join(path).display().to_string()).is_some();
    }
    find_program(program).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeper_files_win_and_keep_their_spans() {
        let root = tempfile::tempdir().expect("temp dir");
        let inner = root.path().join("ws/app");
        std::fs::create_dir_all(inner.join(".cargo")).expect("mkdir");
        std::fs::create_dir_all(root.path().join("ws/.cargo")).expect("mkdir");
        std::fs::write(
            root.path().join("ws/.cargo/config.toml"),
            "[target.x]\nlinker = \"outer\"\nrunner = \"r\"\n",
        )
        .expect("write");
        let inner_text = "# legacy\n[target.x]\nlinker = \"sh\"\n";
        std::fs::write(inner.join(".cargo/config"), inner_text).expect("write");
        let configs = discover(&inner).expect("reads");
        let target = configs.target_config("x");
        let linker = target.linker.expect("linker set");
        assert_eq!(linker.value, "sh");
        let Origin::File {
            path,
            span: Some((start, end)),
        } = &linker.origin
        else {
            panic!("origin is a file: {:?}", linker.origin);
        };
        assert!(path.ends_with("ws/app/.cargo/config"));
        assert_eq!(&inner_text[*start..*end], "linker = \"sh\"");
        assert_eq!(target.linker_found, Some(true));
        assert_eq!(target.runner.map(|r| r.value), Some("r".into()));
    }

    #[test]
    fn environment_variables_override_files() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join(".cargo")).expect("mkdir");
        std::fs::write(
            root.path().join(".cargo/config.toml"),
            "[build]\ntarget = \"x\"\n[target.x]\nlinker = \"sh\"\n[env]\nCC_x = { value = \"a\", relative = true }\n",
        )
        .expect("write");
        let mut configs = discover(root.path()).expect("reads");
        configs.env.clear();
        assert_eq!(configs.build_targets(), ["x"]);
        assert_eq!(configs.target_config("x").env["CC_x"].as_str(), Some("a"));
        configs.env.insert(
            "CARGO_TARGET_X_LINKER".into(),
            "crossport-no-such-linker".into(),
        );
        configs.env.insert("CARGO_BUILD_TARGET".into(), "y".into());
        let target = configs.target_config("x");
        let linker = target.linker.expect("linker set");
        assert_eq!(
            linker.origin,
            Origin::Env {
                var: "CARGO_TARGET_X_LINKER".into()
            }
        );
        assert_eq!(target.linker_found, Some(false));
        assert_eq!(configs.build_targets(), ["y"]);
    }
}
