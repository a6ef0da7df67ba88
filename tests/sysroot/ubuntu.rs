//! `crossport sysroot fetch` against the Ubuntu-layout archive of
//! support/ubuntu.rs (ports and main archives, jammy with its pockets).

use serde_json::Value;

use crate::support::ubuntu::UbuntuWorld;
use crate::support::{stderr, stdout};

fn versions(outcome: &Value) -> Vec<(String, String)> {
    outcome["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name").to_owned(),
                p["version"].as_str().expect("version").to_owned(),
            )
        })
        .collect()
}

#[test]
fn jammy_arm64_comes_from_the_ports_archive_with_pockets_layered() {
    let world = UbuntuWorld::new(None);
    let ports = format!("{}/ubuntu-ports", world.base());
    let output = world.fetch(
        &["--ports-mirror", &ports],
        &["libssl-dev", "libmbedtls-dev"],
    );
    assert!(
        output.status.success(),
        "fetch failed: {}\n{}",
        stderr(&output),
        stdout(&output)
    );
    let outcome: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(outcome["release"], "jammy");
    assert_eq!(outcome["arch"], "arm64");
    let versions = versions(&outcome);
    let version_of = |name: &str| {
        versions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{name} not in the closure: {versions:?}"))
    };
    // -updates' libc6 beats both the release's and -security's older one.
    assert_eq!(version_of("libc6"), "2.35-0ubuntu3.8");
    // -security's OpenSSL beats the release's.
    assert_eq!(version_of("libssl3"), "3.0.2-0ubuntu1.12");
    assert_eq!(version_of("libssl-dev"), "3.0.2-0ubuntu1.12");
    // universe is searched; the base set uses jammy's default gcc 11.
    assert_eq!(version_of("libmbedtls-dev"), "2.28.0-1build1");
    assert_eq!(version_of("libgcc-11-dev"), "11.2.0-19ubuntu1");
    // The zstd members were unpacked, newest version's content on disk.
    let sysroot = world.scratch.path("sysroot");
    let read = |path: &str| std::fs::read_to_string(sysroot.join(path)).expect(path);
    assert_eq!(
        read("lib/aarch64-linux-gnu/libc.so.6"),
        "libc 2.35-0ubuntu3.8"
    );
    assert_eq!(
        read("usr/lib/aarch64-linux-gnu/libssl.so.3"),
        "libssl 3.0.2-0ubuntu1.12"
    );
    assert_eq!(read("usr/include/mbedtls/ssl.h"), "/* mbedtls */");
    let lock: Value = serde_json::from_str(
        &std::fs::read_to_string(world.scratch.path("crossport-sysroot.lock")).expect("lock"),
    )
    .expect("lock JSON");
    assert_eq!(lock["sysroots"][0]["release"], "jammy");
}

#[test]
fn arm64_without_a_ports_mirror_says_which_flag_to_pass() {
    let world = UbuntuWorld::new(None);
    let main = format!("{}/ubuntu", world.base());
    let output = world.fetch(&["--mirror", &main], &["libssl-dev"]);
    assert!(
        !output.status.success(),
        "fetched arm64 from the main archive"
    );
    let err = stderr(&output);
    assert!(err.contains("--ports-mirror"), "{err}");
    assert!(err.contains("CROSSPORT_PORTS_MIRROR"), "{err}");
    assert!(!world.scratch.path("sysroot").exists());
}

#[test]
fn the_ports_mirror_comes_from_the_apt_sources_crossport_apt_dir_names() {
    let world = UbuntuWorld::new(None);
    // A host without apt sources: nothing to take the mirror from, and the
    // error names the directory that was searched.
    let empty = world.scratch.path("no-apt");
    std::fs::create_dir_all(&empty).expect("empty apt dir");
    let output = world.fetch_env(
        &[],
        &["libssl-dev"],
        &[("CROSSPORT_APT_DIR", empty.to_str().expect("utf-8"))],
    );
    let err = stderr(&output);
    assert!(!output.status.success(), "fetched without a mirror: {err}");
    assert!(err.contains(&*empty.display().to_string()), "{err}");
    // The same host with a deb822 ubuntu.sources naming the ports archive.
    let apt = world.scratch.path("apt");
    std::fs::create_dir_all(apt.join("sources.list.d")).expect("apt dir");
    std::fs::write(
        apt.join("sources.list.d/ubuntu.sources"),
        format!(
            "Types: deb\nURIs: {}/ubuntu-ports/\nSuites: jammy jammy-updates jammy-security\n\
             Components: main universe\n",
            world.base()
        ),
    )
    .expect("ubuntu.sources");
    let output = world.fetch_env(
        &[],
        &["libssl-dev"],
        &[("CROSSPORT_APT_DIR", apt.to_str().expect("utf-8"))],
    );
    assert!(output.status.success(), "fetch failed: {}", stderr(&output));
    let outcome: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert!(
        versions(&outcome).contains(&("libssl3".to_owned(), "3.0.2-0ubuntu1.12".to_owned())),
        "{outcome}"
    );
}

#[test]
fn the_release_served_as_its_security_pocket_is_refused() {
    // A mirror that answers jammy-security with jammy's (validly signed)
    // Release would hide every security update.
    let world = UbuntuWorld::new(Some(("jammy", "jammy-security")));
    let ports = format!("{}/ubuntu-ports", world.base());
    let output = world.fetch(&["--ports-mirror", &ports], &["libssl-dev"]);
    assert!(!output.status.success(), "accepted a replayed pocket");
    let err = stderr(&output);
    assert!(err.contains("jammy-security"), "{err}");
    assert!(err.contains("is for jammy"), "{err}");
}
