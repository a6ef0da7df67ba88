//! Choosing the Debian mirror: `--mirror`, else `$CROSSPORT_MIRROR`, else
//! `[env] CROSSPORT_MIRROR` in the cargo config (so a team can commit its
//! mirror next to the rest of its cross setup), else the host's apt
//! sources. No mirror host is built in.

use std::path::Path;

use crossport_formats::apt_sources::{
    AptSource, debian_mirror_for_release, parse_deb822_sources, parse_one_line_sources,
};

/// Where the mirror came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mirror {
    /// Base URI without trailing slash (`http://host/debian`).
    pub uri: String,
    pub origin: String,
}

/// Why no mirror could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error(
        "no Debian mirror for {release}: none given and none found in {searched}; \
         pass --mirror http://<host>/debian, set CROSSPORT_MIRROR, \
         or add `CROSSPORT_MIRROR = \"http://<host>/debian\"` under [env] in .cargo/config.toml"
    )]
    NotFound { release: String, searched: String },
    #[error("mirror {0:?} is not an http:// or https:// URL")]
    BadUrl(String),
}

/// Picks the mirror for `release`.
pub fn choose_mirror(explicit: Option<&str>, release: &str) -> Result<Mirror, MirrorError> {
    if let Some(uri) = explicit {
        return checked(uri, "--mirror");
    }
    if let Some(uri) = std::env::var("CROSSPORT_MIRROR")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return checked(&uri, "CROSSPORT_MIRROR");
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(mirror) = from_cargo_config(&cwd) {
        return mirror;
    }
    from_apt_sources(Path::new("/etc/apt"), release)
}

/// The second source `sync` uses for locked versions the mirror dropped:
/// `--snapshot-mirror`, else `$CROSSPORT_SNAPSHOT_MIRROR`, else `[env]
/// CROSSPORT_SNAPSHOT_MIRROR` in the cargo config; none by default.
pub fn choose_snapshot_mirror(explicit: Option<&str>) -> Result<Option<Mirror>, MirrorError> {
    if let Some(uri) = explicit {
        return checked(uri, "--snapshot-mirror").map(Some);
    }
    if let Some(uri) = std::env::var("CROSSPORT_SNAPSHOT_MIRROR")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return checked(&uri, "CROSSPORT_SNAPSHOT_MIRROR").map(Some);
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    env_from_cargo_config(&cwd, "CROSSPORT_SNAPSHOT_MIRROR").transpose()
}

/// When the mirror (or snapshot mirror) would come from the project's own
/// cargo config, a line saying so: a pull request can change that file, so
/// the source of the packages is a change a reviewer must see.
pub fn project_config_notices(mirror: Option<&str>, snapshot: Option<&str>) -> Vec<String> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut notices = Vec::new();
    for (explicit, var, what) in [
        (mirror, "CROSSPORT_MIRROR", "mirror"),
        (snapshot, "CROSSPORT_SNAPSHOT_MIRROR", "snapshot mirror"),
    ] {
        if explicit.is_some() || std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            continue;
        }
        if let Some(Ok(found)) = env_from_cargo_config(&cwd, var) {
            notices.push(format!(
                "using {what} {} from {}: a change a reviewer must see (the packages come from it)",
                found.uri, found.origin
            ));
        }
    }
    notices
}

/// `[env] CROSSPORT_MIRROR` from the cargo config files cargo would read in
/// `dir`, highest precedence first. Unreadable config is left to the
/// commands that need it to report; here it only means "not set".
pub fn from_cargo_config(dir: &Path) -> Option<Result<Mirror, MirrorError>> {
    env_from_cargo_config(dir, "CROSSPORT_MIRROR")
}

fn env_from_cargo_config(dir: &Path, var: &str) -> Option<Result<Mirror, MirrorError>> {
    let configs = crate::config::discover(dir).ok()?;
    configs.files.iter().find_map(|file| {
        let entry = file.config.env_value(var)?;
        let uri = entry.value.as_str()?.to_owned();
        Some(checked(&uri, &file.path.display().to_string()))
    })
}

pub fn checked(uri: &str, origin: &str) -> Result<Mirror, MirrorError> {
    if !(uri.starts_with("http://") || uri.starts_with("https://")) {
        return Err(MirrorError::BadUrl(uri.to_owned()));
    }
    Ok(Mirror {
        uri: uri.trim_end_matches('/').to_owned(),
        origin: origin.to_owned(),
    })
}

/// Reads `<apt_dir>/sources.list` and `<apt_dir>/sources.list.d/*.{list,sources}`.
pub fn from_apt_sources(apt_dir: &Path, release: &str) -> Result<Mirror, MirrorError> {
    let sources = read_apt_sources(apt_dir);
    debian_mirror_for_release(&sources, release)
        .map(|choice| Mirror {
            uri: choice.uri.to_owned(),
            origin: format!("{}:{}", choice.file, choice.line),
        })
        .ok_or_else(|| MirrorError::NotFound {
            release: release.to_owned(),
            searched: format!("{}/sources.list{{,.d/}}", apt_dir.display()),
        })
}

fn read_apt_sources(apt_dir: &Path) -> Vec<AptSource> {
    let mut files = vec![apt_dir.join("sources.list")];
    if let Ok(entries) = std::fs::read_dir(apt_dir.join("sources.list.d")) {
        let mut more: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        more.sort();
        files.extend(more);
    }
    let mut sources = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let name = file.display().to_string();
        // Unreadable lines are skipped, as apt would refuse them anyway.
        let (found, _errors) = match file.extension().and_then(|e| e.to_str()) {
            Some("sources") => parse_deb822_sources(&name, &text),
            Some("list") => parse_one_line_sources(&name, &text),
            _ => continue,
        };
        sources.extend(found);
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apt_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sources.list.d")).expect("mkdir");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    #[test]
    fn reads_deb822_and_one_line_sources() {
        let dir = apt_dir(&[(
            "sources.list.d/debian.sources",
            "Types: deb\nURIs: http://mirror.invalid/debian-security\nSuites: bookworm-security\nComponents: main\n\n\
             Enabled: no\nTypes: deb\nURIs: http://disabled.invalid/debian\nSuites: bookworm\nComponents: main\n\n\
             Types: deb\nURIs: http://mirror.invalid/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n",
        )]);
        let mirror = from_apt_sources(dir.path(), "bookworm").expect("mirror");
        assert_eq!(mirror.uri, "http://mirror.invalid/debian");
        assert!(
            mirror.origin.ends_with("debian.sources:12"),
            "{}",
            mirror.origin
        );

        let dir = apt_dir(&[(
            "sources.list",
            "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://old.invalid/debian bullseye main\n",
        )]);
        let mirror = from_apt_sources(dir.path(), "bullseye").expect("mirror");
        assert_eq!(mirror.uri, "http://old.invalid/debian");
    }

    #[test]
    fn a_cargo_config_env_entry_names_the_mirror() {
        let project = tempfile::tempdir().expect("tempdir");
        let nested = project.path().join("crate/src");
        std::fs::create_dir_all(&nested).expect("mkdir");
        std::fs::create_dir(project.path().join(".cargo")).expect("mkdir");
        std::fs::write(
            project.path().join(".cargo/config.toml"),
            "[env]\nCROSSPORT_MIRROR = { value = \"http://team.invalid/debian/\" }\n",
        )
        .expect("write");
        let mirror = from_cargo_config(&nested).expect("found").expect("valid");
        assert_eq!(mirror.uri, "http://team.invalid/debian");
        assert!(
            mirror.origin.ends_with(".cargo/config.toml"),
            "{}",
            mirror.origin
        );

        let elsewhere = tempfile::tempdir().expect("tempdir");
        assert!(from_cargo_config(elsewhere.path()).is_none());
    }

    #[test]
    fn no_source_says_how_to_set_one() {
        let dir = apt_dir(&[]);
        let err = from_apt_sources(dir.path(), "bookworm").expect_err("no mirror");
        let message = err.to_string();
        assert!(message.contains("--mirror"), "{message}");
        assert!(message.contains("CROSSPORT_MIRROR"), "{message}");
        assert!(message.contains("[env]"), "{message}");
        assert!(matches!(
            checked("ftp://x.invalid/debian", "--mirror"),
            Err(MirrorError::BadUrl(_))
        ));
    }
}
