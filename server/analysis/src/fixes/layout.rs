//! Where the fixes put things, and how the config refers to them.
//!
//! A project config is committed, so it must work on a teammate's machine:
//! nothing in it names a per-user absolute path. The sysroot lives in the
//! project at `target/crossport/sysroots/<triple>-<release>` (recreated by
//! `crossport sysroot sync`), the wrapper scripts in `.cargo/crossport/`
//! find it relative to themselves, `[target] linker`/`runner` are paths
//! relative to the directory that holds `.cargo/` (cargo resolves them
//! there), and `[env]` paths use `relative = true`. A user config
//! (`$CARGO_HOME/config.toml`) is per machine, so it uses absolute paths.

use serde::Serialize;

/// Project config (committed) or user config (this machine only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Project,
    User,
}

/// The files of one target's setup.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub scope: Scope,
    /// The directory that holds `.cargo/` (project) or `$CARGO_HOME` (user).
    pub base: String,
    /// The config file the edits go to.
    pub config_path: String,
    /// Where the wrapper scripts go.
    pub scripts_dir: String,
    /// The sysroot directory for this target and release.
    pub sysroot_dir: String,
}

impl Layout {
    /// `<root>/.cargo/…` and `<root>/target/crossport/sysroots/…`.
    pub fn project(root: &str, config_path: &str, target: &str, release: &str) -> Self {
        let root = root.trim_end_matches('/');
        Layout {
            scope: Scope::Project,
            base: root.to_owned(),
            config_path: config_path.to_owned(),
            scripts_dir: format!("{root}/.cargo/crossport"),
            sysroot_dir: format!("{root}/target/crossport/sysroots/{target}-{release}"),
        }
    }

    /// `$CARGO_HOME/config.toml` and `$CARGO_HOME/crossport/…`.
    pub fn user(cargo_home: &str, config_path: &str, target: &str, release: &str) -> Self {
        let home = cargo_home.trim_end_matches('/');
        Layout {
            scope: Scope::User,
            base: home.to_owned(),
            config_path: config_path.to_owned(),
            scripts_dir: format!("{home}/crossport/bin"),
            sysroot_dir: format!("{home}/crossport/sysroots/{target}-{release}"),
        }
    }

    /// How the config names a path: relative to the base for a project
    /// (with `relative = true` in `[env]`), absolute for the user config.
    pub fn config_path_value(&self, path: &str) -> (String, bool) {
        match self.scope {
            Scope::Project => match path.strip_prefix(&self.base) {
                Some(rest) => (rest.trim_start_matches('/').to_owned(), true),
                None => (path.to_owned(), false),
            },
            Scope::User => (path.to_owned(), false),
        }
    }

    /// A shell expression for the sysroot inside a script in `scripts_dir`:
    /// relative to the script for a project, absolute for the user config.
    pub fn sysroot_in_script(&self) -> String {
        match self.scope {
            Scope::Project => format!(
                "$here/{}",
                relative_path(&self.scripts_dir, &self.sysroot_dir)
            ),
            Scope::User => self.sysroot_dir.clone(),
        }
    }
}

/// `to` relative to the directory `from` (both absolute, `/`-separated).
pub fn relative_path(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_paths_are_relative() {
        let layout = Layout::project("/w/app", "/w/app/.cargo/config.toml", "x", "bullseye");
        assert_eq!(
            layout.config_path_value("/w/app/.cargo/crossport/x-cc"),
            (".cargo/crossport/x-cc".to_owned(), true)
        );
        assert_eq!(
            layout.sysroot_in_script(),
            "$here/../../target/crossport/sysroots/x-bullseye"
        );
        assert_eq!(relative_path("/a/b", "/a/b"), ".");
    }

    #[test]
    fn user_paths_are_absolute() {
        let layout = Layout::user(
            "/home/u/.cargo",
            "/home/u/.cargo/config.toml",
            "x",
            "bookworm",
        );
        assert_eq!(
            layout.config_path_value("/home/u/.cargo/crossport/bin/x-cc"),
            ("/home/u/.cargo/crossport/bin/x-cc".to_owned(), false)
        );
        assert_eq!(
            layout.sysroot_in_script(),
            "/home/u/.cargo/crossport/sysroots/x-bookworm"
        );
    }
}
