//! Choosing the Debian mirror: `--mirror`, else `$CROSSPORT_MIRROR`, else
//! `[env] CROSSPORT_MIRROR` in the cargo config (so a team can commit its
//! mirror next to the rest of its cross setup), else the host's apt
//! sources. No mirror host is built in.

use std::path::Path;

use crossport_formats::apt_sources::{
    AptSource, debian_mirror_for_release, parse_deb822_sources, parse_one_line_sources,
};
use crossport_formats::distro::{Archive, KnownRelease};

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
        "no {vendor} mirror for {release}: none given and none found in {searched}; \
         pass --mirror http://<host>/{path}, set CROSSPORT_MIRROR, \
         or add `CROSSPORT_MIRROR = \"http://<host>/{path}\"` under [env] in .cargo/config.toml \
         (`crossport probe user@host` shows the mirror your server uses)",
        vendor = vendor_of(release).display_name(),
        path = vendor_of(release).archive_path()
    )]
    NotFound { release: String, searched: String },
    #[error(
        "no mirror of the ports archive for {release} {arch}: Ubuntu keeps {arch} in a second \
         archive (…/ubuntu-ports){}, and none was found in {searched}; \
         pass --ports-mirror http://<host>/ubuntu-ports, set CROSSPORT_PORTS_MIRROR, \
         or add `CROSSPORT_PORTS_MIRROR = \"http://<host>/ubuntu-ports\"` under [env] in \
         .cargo/config.toml",
        if *given_main { "; --mirror names the main archive only" } else { "" }
    )]
    PortsNotFound {
        release: String,
        arch: String,
        searched: String,
        given_main: bool,
    },
    #[error("mirror {0:?} is not an http:// or https:// URL")]
    BadUrl(String),
}

fn vendor_of(release: &str) -> crossport_formats::distro::Vendor {
    crossport_formats::distro::known_release(release)
        .map_or(crossport_formats::distro::Vendor::Debian, |r| r.vendor)
}

/// Picks the mirror of the archive that holds `arch` for `release`: the
/// main archive as [`choose_mirror`] does, or for Ubuntu's ports archive
/// (arm64, armhf, riscv64, ppc64el, s390x) `--ports-mirror`, else
/// `$CROSSPORT_PORTS_MIRROR`, else `[env] CROSSPORT_PORTS_MIRROR` in the
/// cargo config, else an `…-ports` source in the host's apt sources.
/// The cargo config and the remembered mirrors are those of the project
/// holding `dir`.
pub fn choose_archive_mirror(
    explicit: Option<&str>,
    explicit_ports: Option<&str>,
    release: &KnownRelease,
    arch: &str,
    dir: &Path,
) -> Result<Mirror, MirrorError> {
    let archive = release.archive_for(arch);
    if archive == Archive::Main {
        return choose_mirror(explicit, release.codename, dir);
    }
    if let Some(uri) = explicit_ports {
        return checked(uri, archive.mirror_flag());
    }
    let key = archive.mirror_key();
    if let Some(uri) = std::env::var(key).ok().filter(|u| !u.is_empty()) {
        return checked(&uri, key);
    }
    if let Some(mirror) = from_cargo_config_key(dir, key) {
        return mirror;
    }
    if let Some(mirror) = super::remembered::recall(dir, release.codename, archive) {
        return Ok(mirror);
    }
    let apt_dir = host_apt_dir();
    let apt_dir = apt_dir.as_path();
    let sources = read_apt_sources(apt_dir);
    ports_mirror_for_release(&sources, release.codename).ok_or_else(|| MirrorError::PortsNotFound {
        release: release.codename.to_owned(),
        arch: arch.to_owned(),
        searched: format!("{}/sources.list{{,.d/}}", apt_dir.display()),
        given_main: explicit.is_some(),
    })
}

/// An enabled `deb` source for `codename` whose URI is a ports archive
/// (its path ends in `-ports`, as Ubuntu's does).
fn ports_mirror_for_release(sources: &[AptSource], codename: &str) -> Option<Mirror> {
    let ports: Vec<AptSource> = sources
        .iter()
        .filter(|source| {
            source
                .uris
                .iter()
                .any(|uri| uri.trim_end_matches('/').ends_with("-ports"))
        })
        .cloned()
        .collect();
    debian_mirror_for_release(&ports, codename).map(|choice| Mirror {
        uri: choice.uri.to_owned(),
        origin: format!("{}:{}", choice.file, choice.line),
    })
}

/// Picks the mirror for `release`: `--mirror`, else `$CROSSPORT_MIRROR`,
/// else the cargo config or remembered mirror of the project holding `dir`,
/// else the host's apt sources.
pub fn choose_mirror(
    explicit: Option<&str>,
    release: &str,
    dir: &Path,
) -> Result<Mirror, MirrorError> {
    if let Some(uri) = explicit {
        return checked(uri, "--mirror");
    }
    if let Some(uri) = std::env::var("CROSSPORT_MIRROR")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return checked(&uri, "CROSSPORT_MIRROR");
    }
    if let Some(mirror) = from_cargo_config(dir) {
        return mirror;
    }
    if let Some(mirror) = super::remembered::recall(dir, release, Archive::Main) {
        return Ok(mirror);
    }
    from_apt_sources(&host_apt_dir(), release)
}

/// The host's apt configuration directory whose `sources.list` and
/// `sources.list.d/` name the mirror: `$CROSSPORT_APT_DIR` when set and
/// non-empty (for a host whose sources live elsewhere, or a test that needs
/// a host without apt sources), else `/etc/apt`.
pub fn host_apt_dir() -> std::path::PathBuf {
    std::env::var_os("CROSSPORT_APT_DIR")
        .filter(|dir| !dir.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/etc/apt".into())
}

/// The second source `sync` uses for locked versions the mirror dropped:
/// `--snapshot-mirror`, else `$CROSSPORT_SNAPSHOT_MIRROR`, else `[env]
/// CROSSPORT_SNAPSHOT_MIRROR` in the cargo config read in `dir`; none by
/// default.
pub fn choose_snapshot_mirror(
    explicit: Option<&str>,
    dir: &Path,
) -> Result<Option<Mirror>, MirrorError> {
    if let Some(uri) = explicit {
        return checked(uri, "--snapshot-mirror").map(Some);
    }
    if let Some(uri) = std::env::var("CROSSPORT_SNAPSHOT_MIRROR")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return checked(&uri, "CROSSPORT_SNAPSHOT_MIRROR").map(Some);
    }
    from_cargo_config_key(dir, "CROSSPORT_SNAPSHOT_MIRROR").transpose()
}

/// When the mirror (or snapshot mirror) would come from the project's own
/// cargo config, a line saying so: a pull request can change that file, so
/// the source of the packages is a change a reviewer must see. The config
/// is the one cargo reads in `dir`.
pub fn project_config_notices(
    mirror: Option<&str>,
    snapshot: Option<&str>,
    dir: &Path,
) -> Vec<String> {
    let mut notices = Vec::new();
    for (explicit, var, what) in [
        (mirror, "CROSSPORT_MIRROR", "mirror"),
        (snapshot, "CROSSPORT_SNAPSHOT_MIRROR", "snapshot mirror"),
    ] {
        if explicit.is_some() || std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            continue;
        }
        if let Some(Ok(found)) = from_cargo_config_key(dir, var) {
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
    from_cargo_config_key(dir, "CROSSPORT_MIRROR")
}

/// `[env] <key>` from the cargo config files cargo would read in `dir`.
pub fn from_cargo_config_key(dir: &Path, key: &str) -> Option<Result<Mirror, MirrorError>> {
    let configs = crate::config::discover(dir).ok()?;
    configs.files.iter().find_map(|file| {
        let entry = file.config.env_value(key)?;
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
        let ubuntu = from_apt_sources(dir.path(), "jammy")
            .expect_err("no mirror")
            .to_string();
        assert!(ubuntu.contains("no Ubuntu mirror for jammy"), "{ubuntu}");
        assert!(
            ubuntu.contains("CROSSPORT_MIRROR = \"http://<host>/ubuntu\""),
            "{ubuntu}"
        );
        assert!(ubuntu.contains("crossport probe"), "{ubuntu}");
        assert!(matches!(
            checked("ftp://x.invalid/debian", "--mirror"),
            Err(MirrorError::BadUrl(_))
        ));
    }
}
