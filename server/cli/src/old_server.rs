//! A server's glibc, for `doctor` and `fix`: from `--glibc` or from probing
//! `--server`, and what to do when it is older than every sysroot release.
//!
//! The decision is `crossport_analysis::preflight::server_glibc_finding`;
//! this module only gathers its inputs (parses the flag, reads the glibc the
//! configured zig wrapper pins) and says which glibc `fix` links zig with.

use std::path::{Path, PathBuf};

use crossport_analysis::finding::Finding;
use crossport_analysis::preflight::{Origin, older_than_every_sysroot, server_glibc_finding};
use crossport_driver::project::Project;
use crossport_driver::ssh::ProbeReport;

use crate::output::InputError;

/// `2.17` → (2, 17), or an error that says what is expected.
pub fn parse_glibc(text: &str) -> Result<(u32, u32), InputError> {
    let mut parts = text.trim().split('.');
    let parsed = (|| {
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        parts.next().is_none().then_some((major, minor))
    })();
    parsed.ok_or_else(|| {
        InputError(format!(
            "--glibc `{text}` is not a glibc version: give major.minor, e.g. 2.17"
        ))
    })
}

/// The glibc a probed server reported, as (major, minor).
pub fn server_glibc(report: &ProbeReport) -> Option<(u32, u32)> {
    match report.server.glibc.as_ref()?.0.as_slice() {
        [major, minor, ..] => Some((*major, *minor)),
        _ => None,
    }
}

/// The glibc version to check against and where it came from: `--glibc`
/// wins over what the server reported.
pub fn known_glibc(
    flag: Option<(u32, u32)>,
    server: Option<&ProbeReport>,
) -> Option<((u32, u32), String)> {
    match (flag, server) {
        (Some(glibc), _) => Some((glibc, "--glibc".to_owned())),
        (None, Some(report)) => {
            server_glibc(report).map(|glibc| (glibc, format!("the server {}", report.host)))
        }
        (None, None) => None,
    }
}

/// The glibc `fix` links zig against when none of `--linker`, `--only`
/// says otherwise: `--glibc` (pinning glibc is what zig is for), else a
/// server's glibc that no sysroot release reaches.
pub fn zig_glibc(flag: Option<(u32, u32)>, server: Option<(u32, u32)>) -> Option<(u32, u32)> {
    flag.or(server.filter(|glibc| older_than_every_sysroot(*glibc)))
}

/// The old-server finding for one target of `doctor`, if any.
pub fn finding(
    project: &Project,
    target: &str,
    glibc: (u32, u32),
    source: &str,
) -> Option<Finding> {
    server_glibc_finding(target, glibc, source, linked_glibc(project, target))
}

/// The glibc the target's configured linker pins, when it is a zig wrapper
/// crossport wrote (read from the script the config names).
fn linked_glibc(project: &Project, target: &str) -> Option<(u32, u32)> {
    let linker = project.target_config(target).linker?;
    let program = linker.program()?;
    let path = resolve_config_path(program, &linker.origin)?;
    let text = std::fs::read_to_string(path).ok()?;
    crossport_analysis::fixes::pinned_glibc_of_wrapper(&text)
}

/// A path in a config value as cargo resolves it: relative to the directory
/// above the `.cargo` directory of the file that set it. A bare program
/// name is looked up on PATH, so it is no wrapper of ours.
fn resolve_config_path(program: &str, origin: &Origin) -> Option<PathBuf> {
    let path = Path::new(program);
    if path.is_absolute() {
        return Some(path.to_owned());
    }
    if !program.contains('/') {
        return None;
    }
    match origin {
        Origin::File { path: file, .. } => {
            let cargo_dir = Path::new(file).parent()?;
            Some(cargo_dir.parent()?.join(path))
        }
        Origin::Env { .. } => std::env::current_dir().ok().map(|dir| dir.join(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_versions_parse_or_say_what_is_expected() {
        assert_eq!(parse_glibc("2.17").ok(), Some((2, 17)));
        assert_eq!(parse_glibc(" 2.28 ").ok(), Some((2, 28)));
        for bad in ["two", "2", "2.17.1", "", "2.x"] {
            let err = parse_glibc(bad).expect_err(bad);
            assert!(err.0.contains("give major.minor"), "{}", err.0);
        }
    }

    #[test]
    fn zig_is_chosen_for_a_pinned_glibc_or_a_server_older_than_every_sysroot() {
        assert_eq!(zig_glibc(Some((2, 36)), None), Some((2, 36)));
        assert_eq!(zig_glibc(Some((2, 28)), Some((2, 17))), Some((2, 28)));
        assert_eq!(zig_glibc(None, Some((2, 17))), Some((2, 17)));
        assert_eq!(zig_glibc(None, Some((2, 30))), Some((2, 30)));
        // bullseye's sysroot reaches a 2.31 server; no zig unless asked.
        assert_eq!(zig_glibc(None, Some((2, 31))), None);
        assert_eq!(zig_glibc(None, None), None);
    }

    #[test]
    fn a_probed_centos_7_server_gets_zig_with_its_glibc() {
        use crossport_analysis::inspect::{DottedVersion, ServerFacts, recommend};
        let server = ServerFacts {
            uname_machine: "x86_64".into(),
            os_release: [("ID".to_owned(), "centos".to_owned())].into(),
            glibc: DottedVersion::parse("2.17"),
            ..ServerFacts::default()
        };
        let report = ProbeReport {
            host: "root@old".into(),
            recommendation: recommend(&server),
            server,
        };
        // No sysroot release matches it, which is why zig is chosen.
        assert_eq!(report.recommendation.release, None);
        assert_eq!(server_glibc(&report), Some((2, 17)));
        assert_eq!(
            known_glibc(None, Some(&report)),
            Some(((2, 17), "the server root@old".to_owned()))
        );
        assert_eq!(
            known_glibc(Some((2, 12)), Some(&report)),
            Some(((2, 12), "--glibc".to_owned()))
        );
        assert_eq!(zig_glibc(None, server_glibc(&report)), Some((2, 17)));
        let finding = server_glibc_finding(
            "x86_64-unknown-linux-gnu",
            (2, 17),
            "the server root@old",
            None,
        )
        .expect("a finding");
        assert!(
            finding
                .message
                .starts_with("the server root@old has glibc 2.17"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn config_paths_resolve_above_the_cargo_directory() {
        let origin = Origin::File {
            path: "/w/app/.cargo/config.toml".into(),
            span: None,
        };
        assert_eq!(
            resolve_config_path(".cargo/crossport/x-cc", &origin),
            Some(PathBuf::from("/w/app/.cargo/crossport/x-cc"))
        );
        assert_eq!(
            resolve_config_path("/opt/cc", &origin),
            Some(PathBuf::from("/opt/cc"))
        );
        assert_eq!(resolve_config_path("clang", &origin), None);
    }
}
