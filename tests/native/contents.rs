//! A library the native table does not know, named from the release's own
//! signed `Contents-<arch>` index.
//!
//! Hermetic: a repository built and signed in the test (the one
//! tests/sysroot serves) with a `main/Contents-arm64.gz` its Release lists;
//! `crossport explain --release bookworm` reads a link failure, fetches the
//! index from the loopback mirror, checks it against the signed Release and
//! names the package, or the spelling that links, or that nothing ships the
//! library. Live (CROSSPORT_LIVE=1): the same against the host's mirror.

use std::process::Output;

use serde_json::Value;

use super::gate;
use super::support::keys::{archive_key, stranger_key};
use super::support::repo::{Deb, Entry, Publish, Scratch, publish};
use super::support::server::Server;
use super::support::{crossport, standard_debs, stderr};

const TARGET: &str = "aarch64-unknown-linux-gnu";

/// The standard archive plus two `-dev` packages the native table does not
/// list: one spelled in lower case, one with capitals.
fn debs() -> Vec<Deb> {
    let mut debs = standard_debs();
    debs.push(
        Deb::new("libgpiod-dev", "1.6.3-1+b3")
            .field("Multi-Arch", "same")
            .file("./usr/include/gpiod.h", "/* gpiod */")
            .entry(Entry::Symlink(
                "./usr/lib/aarch64-linux-gnu/libgpiod.so",
                "libgpiod.so.2",
            )),
    );
    debs.push(
        Deb::new("libzeta-dev", "2.0-1")
            .field("Multi-Arch", "same")
            .file("./usr/lib/aarch64-linux-gnu/libZeta.so.2", "zeta")
            .entry(Entry::Symlink(
                "./usr/lib/aarch64-linux-gnu/libZeta.so",
                "libZeta.so.2",
            )),
    );
    debs
}

struct World {
    scratch: Scratch,
    server: Server,
}

impl World {
    fn new() -> World {
        let scratch = Scratch::new();
        publish(&scratch.path("www"), &debs(), Publish::new(archive_key()));
        std::fs::write(scratch.path("archive.asc"), archive_key().public_armored()).unwrap();
        std::fs::write(
            scratch.path("stranger.asc"),
            stranger_key().public_armored(),
        )
        .unwrap();
        std::fs::create_dir_all(scratch.path("work")).unwrap();
        let server = Server::start(scratch.path("www"));
        World { scratch, server }
    }

    /// `crossport explain --format json` of a link failure for `-l<library>`.
    fn explain(&self, library: &str, keyring: &str) -> (Value, Output) {
        let log = self.scratch.path("build.log");
        std::fs::write(&log, link_failure(library)).unwrap();
        let keyring = self.scratch.path(keyring);
        let mirror = self.server.mirror();
        let cache = self.scratch.path("cache");
        let out = crossport(
            &self.scratch.path("work"),
            &[
                "explain",
                "--target",
                TARGET,
                "--release",
                "bookworm",
                "--keyring",
                keyring.to_str().unwrap(),
                "--format",
                "json",
                log.to_str().unwrap(),
            ],
            &[
                ("CROSSPORT_MIRROR", mirror.as_str()),
                ("CROSSPORT_CACHE_DIR", cache.to_str().unwrap()),
            ],
        );
        (finding_of(&out), out)
    }
}

fn link_failure(library: &str) -> String {
    format!(
        "error: linking with `clang` failed: exit status: 1\n  = note: ld.lld: error: unable to find library -l{library}\n"
    )
}

/// The one missing_library_at_link finding of `explain --format json`.
fn finding_of(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("explain JSON: {e}\n{text}\n{}", stderr(out)));
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["kind"] == "missing_library_at_link")
        .cloned()
        .unwrap_or_else(|| panic!("no missing_library_at_link in {text}"))
}

fn fact<'a>(finding: &'a Value, key: &str) -> Option<&'a str> {
    finding["facts"][key].as_str()
}

#[test]
fn a_missing_library_is_named_from_the_signed_contents_index() {
    let world = World::new();

    let (gpiod, out) = world.explain("gpiod", "archive.asc");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fact(&gpiod, "debian_package"),
        Some("libgpiod-dev"),
        "{gpiod:#}"
    );
    assert_eq!(
        fact(&gpiod, "package_lookup"),
        Some("Contents-arm64 of bookworm")
    );
    let title = gpiod["fixes"][0]["title"].as_str().unwrap_or_default();
    assert!(title.contains("libgpiod-dev"), "{title}");

    let (zeta, _) = world.explain("zeta", "archive.asc");
    assert_eq!(
        fact(&zeta, "debian_package"),
        Some("libzeta-dev"),
        "{zeta:#}"
    );
    assert_eq!(fact(&zeta, "library_spelled"), Some("Zeta"));
    let message = zeta["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("libZeta.so") && message.contains("-lZeta"),
        "{message}"
    );

    let (nothing, _) = world.explain("nosuchlib", "archive.asc");
    assert_eq!(fact(&nothing, "debian_package"), None, "{nothing:#}");
    let message = nothing["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("no package in Contents-arm64 of bookworm ships libnosuchlib.so"),
        "{message}"
    );
}

#[test]
fn an_index_the_keyring_does_not_sign_names_nothing() {
    let world = World::new();
    let (gpiod, out) = world.explain("gpiod", "stranger.asc");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fact(&gpiod, "debian_package"), None, "{gpiod:#}");
    assert_eq!(fact(&gpiod, "package_lookup"), None);
    assert!(
        stderr(&out).contains("could not look the missing library up"),
        "{}",
        stderr(&out)
    );
    let index = std::fs::read(
        world
            .scratch
            .path("www/debian/dists/bookworm/main/Contents-arm64.gz"),
    )
    .expect("the published index");
    let cached = world
        .scratch
        .path("cache/indexes")
        .join(super::support::repo::sha256(&index));
    assert!(
        !cached.exists(),
        "an index no trusted key signed was cached"
    );
}

#[test]
fn bookworm_names_the_packages_of_libraries_the_table_does_not_know() {
    let name = "bookworm_names_the_packages_of_libraries_the_table_does_not_know";
    if !gate::live(name) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let explain = |library: &str| {
        let log = dir.path().join(format!("{library}.log"));
        std::fs::write(&log, link_failure(library)).unwrap();
        let out = crossport(
            dir.path(),
            &[
                "explain",
                "--target",
                TARGET,
                "--release",
                "bookworm",
                "--format",
                "json",
                log.to_str().unwrap(),
            ],
            &[(
                "CROSSPORT_CACHE_DIR",
                dir.path().join("cache").to_str().unwrap(),
            )],
        );
        finding_of(&out)
    };
    let gpiod = explain("gpiod");
    assert_eq!(
        fact(&gpiod, "debian_package"),
        Some("libgpiod-dev"),
        "{gpiod:#}"
    );
    let glu = explain("glu");
    assert_eq!(
        fact(&glu, "debian_package"),
        Some("libglu1-mesa-dev"),
        "{glu:#}"
    );
    assert_eq!(fact(&glu, "library_spelled"), Some("GLU"));
}
