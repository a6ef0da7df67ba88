//! Servers older than every release a sysroot can be fetched for.
//!
//! A sysroot links a binary against its release's glibc, and a binary
//! linked against glibc 2.31 (the oldest release in the table) does not
//! start on CentOS 7 (2.17) or Debian buster (2.28). When the server's glibc
//! is known (`probe`, `--server`, or `--glibc`) and is older than that,
//! doctor and fix say so and offer the two ways that reach it: zig linking
//! against that glibc's symbol versions, or a static musl binary.

use crossport_formats::distro::{KnownRelease, RELEASES};

use crate::finding::{Finding, FixSuggestion, Kind, Severity};

/// The release with the oldest glibc in the table (the first one wins a
/// tie, so Debian's name comes before Ubuntu's).
pub fn oldest_sysroot_release() -> &'static KnownRelease {
    RELEASES.iter().fold(&RELEASES[0], |oldest, release| {
        if release.glibc < oldest.glibc {
            release
        } else {
            oldest
        }
    })
}

/// Whether no sysroot release links for a server with this glibc.
pub fn older_than_every_sysroot(glibc: (u32, u32)) -> bool {
    glibc < oldest_sysroot_release().glibc
}

/// The static musl sibling of a glibc triple: `x86_64-unknown-linux-musl`,
/// `armv7-unknown-linux-musleabihf`.
pub fn musl_sibling(target: &str) -> Option<String> {
    let at = target.rfind("-linux-gnu")?;
    let rest = &target[at + "-linux-gnu".len()..];
    Some(format!("{}-linux-musl{rest}", &target[..at]))
}

/// The finding for a glibc target whose server has a glibc older than every
/// sysroot release, unless the target is already linked (by crossport's zig
/// wrapper) against a glibc no newer than the server's.
///
/// `source` names where the version came from, for the message: `the
/// server admin@host`, `--glibc`.
pub fn server_glibc_finding(
    target: &str,
    glibc: (u32, u32),
    source: &str,
    linked_glibc: Option<(u32, u32)>,
) -> Option<Finding> {
    if !target.contains("-linux-gnu") || !older_than_every_sysroot(glibc) {
        return None;
    }
    if linked_glibc.is_some_and(|linked| linked <= glibc) {
        return None;
    }
    let oldest = oldest_sysroot_release();
    let version = format!("{}.{}", glibc.0, glibc.1);
    let mut finding = Finding::new(
        Kind::GlibcTooNew,
        Severity::Error,
        format!(
            "{source} has glibc {version}, older than every release a sysroot can be fetched for (the oldest, {}, has glibc {}.{}): {target} binaries linked against a sysroot would not start there; link with zig against glibc {version}, or build a static musl binary",
            oldest.codename, oldest.glibc.0, oldest.glibc.1
        ),
    )
    .with_fact("glibc_available", serde_json::Value::from(version.clone()))
    .with_fact(
        "oldest_sysroot_glibc",
        serde_json::Value::from(format!("{}.{}", oldest.glibc.0, oldest.glibc.1)),
    )
    .with_fact(
        "zig_target",
        serde_json::Value::from(crate::fixes::zig_target(target, Some(glibc))),
    );
    finding.target = Some(target.to_owned());
    finding.fixes.push(FixSuggestion {
        id: "configure_zig_linker".into(),
        title: format!("link with zig against glibc {version} (no sysroot)"),
        command: Some(format!(
            "crossport fix --target {target} --linker zig --glibc {version}"
        )),
    });
    if let Some(musl) = musl_sibling(target) {
        finding = finding.with_fact("musl_target", serde_json::Value::from(musl.clone()));
        finding.fixes.push(FixSuggestion {
            id: "use_musl_target".into(),
            title: format!("build a static {musl} binary, which needs no glibc"),
            command: Some(format!("crossport fix --target {musl}")),
        });
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_release_is_bullseye_with_glibc_2_31() {
        let oldest = oldest_sysroot_release();
        assert_eq!((oldest.codename, oldest.glibc), ("bullseye", (2, 31)));
        assert!(older_than_every_sysroot((2, 28)));
        assert!(older_than_every_sysroot((2, 30)));
        assert!(!older_than_every_sysroot((2, 31)));
        assert!(!older_than_every_sysroot((3, 0)));
    }

    #[test]
    fn musl_siblings_of_glibc_triples() {
        assert_eq!(
            musl_sibling("x86_64-unknown-linux-gnu").as_deref(),
            Some("x86_64-unknown-linux-musl")
        );
        assert_eq!(
            musl_sibling("armv7-unknown-linux-gnueabihf").as_deref(),
            Some("armv7-unknown-linux-musleabihf")
        );
        assert_eq!(musl_sibling("x86_64-unknown-linux-musl"), None);
    }

    #[test]
    fn an_old_server_gets_zig_with_its_glibc_or_musl() {
        let finding = server_glibc_finding("aarch64-unknown-linux-gnu", (2, 28), "--glibc", None)
            .expect("a finding");
        assert_eq!(finding.kind, Kind::GlibcTooNew);
        assert_eq!(finding.severity, Severity::Error);
        assert_eq!(
            finding.message,
            "--glibc has glibc 2.28, older than every release a sysroot can be fetched for (the oldest, bullseye, has glibc 2.31): aarch64-unknown-linux-gnu binaries linked against a sysroot would not start there; link with zig against glibc 2.28, or build a static musl binary"
        );
        assert_eq!(finding.facts["zig_target"], "aarch64-linux-gnu.2.28");
        assert_eq!(finding.facts["musl_target"], "aarch64-unknown-linux-musl");
        let fixes: Vec<(&str, Option<&str>)> = finding
            .fixes
            .iter()
            .map(|f| (f.id.as_str(), f.command.as_deref()))
            .collect();
        assert_eq!(
            fixes,
            [
                (
                    "configure_zig_linker",
                    Some(
                        "crossport fix --target aarch64-unknown-linux-gnu --linker zig --glibc 2.28"
                    )
                ),
                (
                    "use_musl_target",
                    Some("crossport fix --target aarch64-unknown-linux-musl")
                ),
            ]
        );
        // The zig fix's id is one `fix` plans.
        assert!(crate::fixes::FIX_IDS.contains(&fixes[0].0));
    }

    #[test]
    fn no_finding_when_a_sysroot_reaches_the_server_or_zig_already_does() {
        let gnu = "x86_64-unknown-linux-gnu";
        assert!(server_glibc_finding(gnu, (2, 31), "--glibc", None).is_none());
        assert!(server_glibc_finding(gnu, (2, 36), "--glibc", None).is_none());
        assert!(
            server_glibc_finding("x86_64-unknown-linux-musl", (2, 17), "--glibc", None).is_none()
        );
        assert!(server_glibc_finding(gnu, (2, 17), "--glibc", Some((2, 17))).is_none());
        assert!(server_glibc_finding(gnu, (2, 17), "--glibc", Some((2, 12))).is_none());
        assert!(server_glibc_finding(gnu, (2, 17), "--glibc", Some((2, 28))).is_some());
    }
}
